"""Every example runs end to end, on a part of the bundled sample."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run_example(name, *args, cwd=None):
    completed = subprocess.run(
        [sys.executable, str(EXAMPLES / name), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return completed.stdout


def _percent(line):
    return float(re.search(r"(\d+\.\d+)%", line).group(1))


def test_quick_start(tmp_path):
    out_file = tmp_path / "vectors.txt"
    out = run_example("quick_start.py", "--n-docs", "1000", "--out", str(out_file))
    assert "corpus: 1000 paragraphs" in out
    overall = next(line for line in out.splitlines() if line.startswith("overall"))
    assert 0.0 <= _percent(overall) <= 100.0
    assert "analogy accuracy" in out
    n_words, dim = map(int, out_file.read_text().splitlines()[0].split())
    assert dim == 100 and n_words > 1000


def test_grid_search_cached():
    out = run_example("grid_search_cached.py", "--n-docs", "800")
    rows = [line.split() for line in out.splitlines() if re.match(r"\s+[15]\s+0\.[05]\s", line)]
    assert len(rows) == 4  # shift x eig
    assert {(row[0], row[1]) for row in rows} == {("1", "0.0"), ("1", "0.5"), ("5", "0.0"), ("5", "0.5")}
    assert "best:" in out and "counted once" in out


def test_text_classification():
    out = run_example("text_classification.py", "--n-docs", "3000", "--n-articles", "5")
    lines = out.splitlines()
    assert "5 articles" in lines[0]
    scores = {}
    for name in ("EmbeddingVectorizer", "TfidfVectorizer", "FeatureUnion"):
        line = next(line for line in lines if line.startswith(name))
        scores[name] = float(line.split()[-2])
    # Macro-F1 of a 5-class problem: better than chance for all three models.
    assert all(0.2 < score <= 1.0 for score in scores.values()), scores


def test_compare_methods(tmp_path):
    plot = tmp_path / "methods.png"
    out = run_example("compare_methods.py", "--n-docs", "800", "--epochs", "1", "--plot", str(plot))
    for name in ("SPPMI-SVD", "GloVe", "word2vec"):
        line = next(line for line in out.splitlines() if line.startswith(name))
        assert 0.0 <= _percent(line) <= 100.0
    assert plot.stat().st_size > 1000
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_dask_grid_search():
    pytest.importorskip("distributed")  # the dask extra
    out = run_example("dask_grid_search.py", "--n-docs", "800")
    assert "Dask: 2 workers" in out
    assert len(re.findall(r"analogy accuracy \d\.\d{3}", out)) == 4
    assert "best:" in out


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.py")))
def test_every_example_is_exercised(name):
    assert f"test_{name[:-3]}" in globals(), f"examples/{name} has no test"
