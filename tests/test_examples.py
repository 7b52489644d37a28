"""Every example runs end to end, on a part of the bundled sample, and learns something.

The examples print analogy accuracies and macro-F1 scores; on a part of the
sample these are low in absolute terms, so each is held to a bar computed for
the size it runs at: what guessing would reach only with probability 1e-6.
"""

import functools
import re
import subprocess
import sys
from pathlib import Path

import matplotlib.image
import numpy as np
import pytest
from scipy import stats

from skvec import CooccurrenceVectorizer, WordVectors, analogy_accuracy
from skvec.datasets import load_wiki_sample

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
LUCK = 1e-6  # the probability of clearing a bar by guessing

pytestmark = pytest.mark.slow


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


def _line(out, start):
    return next(line for line in out.splitlines() if line.startswith(start))


@functools.lru_cache
def analogy_bar(n_docs, min_count=5):
    """The lowest analogy accuracy, in percent, that guessing reaches with probability ``LUCK``.

    The examples learn the vocabulary of the first ``n_docs`` paragraphs with
    ``min_count`` and answer the Google questions in scope among all its words
    (fewer than ``restrict_vocab``): a guess is right with probability
    ``1 / (n_words - 3)``, and the number of right guesses is binomial.
    """
    docs = load_wiki_sample().data[:n_docs]
    words = list(CooccurrenceVectorizer(window=1, min_count=min_count).fit(docs).vocabulary_)
    vectors = np.random.default_rng(0).standard_normal((len(words), 2))
    evaluated = analogy_accuracy(WordVectors(words, vectors)).evaluated
    fewest_correct = stats.binom.isf(LUCK, evaluated, 1.0 / (len(words) - 3)) + 1
    return 100.0 * fewest_correct / evaluated


def f1_bar(n_classes, n_test):
    """Macro-F1 that guessing among balanced classes reaches with probability ``LUCK`` (normal bound)."""
    chance = 1.0 / n_classes
    return chance + stats.norm.isf(LUCK) * np.sqrt(chance * (1 - chance) / n_test)


def test_quick_start(tmp_path):
    out_file = tmp_path / "vectors.txt"
    out = run_example("quick_start.py", "--n-docs", "1000", "--out", str(out_file))
    assert "corpus: 1000 paragraphs" in out
    overall = _line(out, "overall")
    assert _percent(overall) >= analogy_bar(1000), overall
    correct, evaluated = map(int, re.search(r"(\d+)/(\d+)", overall).groups())
    assert evaluated > 100 and correct == round(_percent(overall) / 100 * evaluated)

    # The file holds the vectors the example queried: same size, same neighbours.
    n_words = int(re.search(r"^(\d+) words, 100 dimensions$", out, re.M).group(1))
    vectors = WordVectors.load_word2vec_format(out_file)
    assert (len(vectors), vectors.vector_size) == (n_words, 100)
    printed = dict(re.findall(r"^  (\w+): (.*)$", out, re.M))
    assert {"war", "music"} <= set(printed)
    for word, neighbours in printed.items():
        assert [w for w, _ in vectors.most_similar(word, topn=6)] == neighbours.split(", ")
    # ... and the neighbours are on topic.
    war = {"world", "ii", "battle", "army", "military", "troops", "forces", "1914", "1918", "1939", "1945"}
    music = {"folk", "jazz", "rock", "country", "bluegrass", "band", "songs", "album", "musical", "classical",
             "pop", "opera", "performers", "musicians"}
    assert len(war & set(printed["war"].split(", "))) >= 2, printed["war"]
    assert len(music & set(printed["music"].split(", "))) >= 2, printed["music"]


def test_grid_search_cached():
    out = run_example("grid_search_cached.py", "--n-docs", "800")
    rows = [line.split() for line in out.splitlines() if re.match(r"\s+[15]\s+0\.[05]\s", line)]
    assert len(rows) == 4  # shift x eig
    assert {(row[0], row[1]) for row in rows} == {("1", "0.0"), ("1", "0.5"), ("5", "0.0"), ("5", "0.5")}
    accuracies = [float(row[2].rstrip("%")) for row in rows]
    assert accuracies == sorted(accuracies, reverse=True)  # printed by rank
    best = _line(out, "best:")
    assert _percent(best) == accuracies[0] >= analogy_bar(800), out
    assert "counted once" in out


def test_text_classification():
    out = run_example("text_classification.py", "--n-docs", "3000", "--n-articles", "5")
    lines = out.splitlines()
    n_classes, n_test = map(int, re.search(r"^(\d+) articles, \d+ training and (\d+) held-out", lines[0]).groups())
    assert n_classes == 5 and n_test > 100
    scores = {}
    for name in ("EmbeddingVectorizer", "TfidfVectorizer", "FeatureUnion",
                 # word models trained on the training paragraphs only
                 "EmbeddingVectorizer(Word2VecEmbedder)", "EmbeddingVectorizer(FastTextEmbedder)"):
        scores[name] = float(_line(out, name).split()[-2])
    # Each model is far better than guessing the article.
    bar = f1_bar(n_classes, n_test)
    assert all(bar < score <= 1.0 for score in scores.values()), (bar, scores)
    weight = float(_line(out, "weight of the document vectors").split()[-1])
    assert weight in (0.1, 0.2, 0.3, 0.5, 1.0)


def test_compare_methods(tmp_path):
    plot = tmp_path / "methods.png"
    # word2vec needs more text than the count-based methods to answer analogies
    # at all: 2,500 paragraphs, three epochs.
    out = run_example("compare_methods.py", "--n-docs", "2500", "--epochs", "3", "--plot", str(plot))
    bar = analogy_bar(2500)
    rows = {}
    for name in ("SPPMI-SVD", "GloVe", "word2vec"):
        rows[name] = line = _line(out, name)
        assert _percent(line) >= bar, (bar, line)
    # One vocabulary (min_count=5) for the three, so one coverage.
    assert len({(line.split()[2], line.split()[6]) for line in rows.values()}) == 1
    image = matplotlib.image.imread(plot)
    assert image.shape[0] > 100 and image.shape[1] > 100 and image.std() > 0


def test_dask_grid_search():
    out = run_example("dask_grid_search.py", "--n-docs", "800")
    assert "Dask: 2 workers" in out
    scores = [float(s) for s in re.findall(r"analogy accuracy (\d\.\d{3})", out)]
    assert len(scores) == 4 and scores == sorted(scores, reverse=True)
    assert 100 * scores[0] >= analogy_bar(800), out
    assert f"({scores[0]:.3f})" in _line(out, "best:")


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.py")))
def test_every_example_is_exercised(name):
    assert f"test_{name[:-3]}" in globals(), f"examples/{name} has no test"


def _run_without_distributed(*args):
    """Run the Dask example in an interpreter where ``distributed`` cannot be imported."""
    path = str(EXAMPLES / "dask_grid_search.py")
    code = (
        "import runpy, sys; sys.modules['distributed'] = None; "
        f"sys.argv = [{path!r}, *{list(args)!r}]; runpy.run_path({path!r}, run_name='__main__')"
    )
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)


def test_dask_grid_search_without_the_dask_extra():
    helped = _run_without_distributed("--help")
    assert helped.returncode == 0 and "Dask cluster" in helped.stdout
    refused = _run_without_distributed("--n-docs", "10")
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        'dask_grid_search.py needs the dask extra: pip install "skvec[dask]" (or ".[dask]" in a clone)'
    )


def test_continued_training():
    out = run_example("continued_training.py", "--n-docs", "4000", "--n-articles", "5")
    n_classes, n_test = map(int, re.search(r"^domain: \d+ training and (\d+) held-out paragraphs of (\d+)",
                                           out.splitlines()[0]).groups()[::-1])
    assert n_classes == 5 and n_test > 100
    bar = f1_bar(n_classes, n_test)
    for name in ("general only", "domain only", "init_vectors=general, domain", "general, partial_fit on domain"):
        line = _line(out, name)
        score = float(line[len(name):].split()[1])
        assert bar < score <= 1.0, (bar, line)
    # partial_fit keeps the general vocabulary and adds to it.
    def n_words(name):
        return int(_line(out, name)[len(name):].split()[0])

    assert n_words("general, partial_fit on domain") >= n_words("general only")
