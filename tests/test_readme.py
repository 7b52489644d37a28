"""Every Python block of the README runs on its own, in a fresh interpreter.

The blocks run at reduced size: a prelude makes ``load_wiki_sample`` return
the first paragraphs of the bundled sample only.  Each block runs in its own
empty directory, which holds a small ``vectors.txt`` (the file that
``skvec train`` writes in the README's first command), and must leave nothing
else behind there.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
N_PARAGRAPHS = 4000

PRELUDE = f"""
import matplotlib
matplotlib.use("Agg")
import skvec.datasets

_full_sample = skvec.datasets.load_wiki_sample

def _small_sample(*, return_X_y=False):
    sample = _full_sample()
    sample.data, sample.target = sample.data[:{N_PARAGRAPHS}], sample.target[:{N_PARAGRAPHS}]
    return (sample.data, sample.target) if return_X_y else sample

skvec.datasets.load_wiki_sample = _small_sample
"""


def python_blocks():
    return re.findall(r"^```python\n(.*?)^```", README.read_text(encoding="utf-8"), flags=re.S | re.M)


def test_the_readme_has_python_blocks():
    assert len(python_blocks()) >= 4


@pytest.fixture(scope="module")
def small_vectors(tmp_path_factory):
    from sklearn.pipeline import make_pipeline

    from skvec import CooccurrenceVectorizer, SPPMITransformer, SVDEmbedder, get_word_vectors
    from skvec.datasets import load_wiki_sample

    docs = load_wiki_sample().data[:N_PARAGRAPHS]
    model = make_pipeline(CooccurrenceVectorizer(window=5), SPPMITransformer(), SVDEmbedder(50, random_state=0))
    path = tmp_path_factory.mktemp("readme") / "vectors.txt"
    get_word_vectors(model.fit(docs)).save_word2vec_format(path)
    return path.read_bytes()


@pytest.mark.slow
@pytest.mark.parametrize("index", range(len(python_blocks())))
def test_readme_block_runs_on_its_own(index, small_vectors, tmp_path):
    block = python_blocks()[index]
    (tmp_path / "vectors.txt").write_bytes(small_vectors)
    # The package of this checkout, not another one installed.
    python_path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    completed = subprocess.run(
        [sys.executable, "-c", PRELUDE + block],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": python_path},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 0, f"README block {index + 1}:\n{block}\n{completed.stderr[-3000:]}"
    assert completed.stdout.strip(), "every block prints something"
    left = sorted(p.name for p in tmp_path.iterdir())
    assert set(left) <= {"vectors.txt"}, f"README block {index + 1} left {left} in the working directory"
