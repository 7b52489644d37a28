"""Bundled datasets, readers and the file-backed LineCorpus."""

import os
import pickle

import joblib
import numpy as np
import pytest
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import Pipeline
from sklearn.utils import _safe_indexing

from skvec import CooccurrenceVectorizer, WholeCorpusSplit
from skvec._io import open_file
from skvec.datasets import LineCorpus, load_google_analogies, load_wiki_sample, read_analogies, read_word_pairs
from skvec.datasets._bundled import data_path

# -- bundled data --------------------------------------------------------------------


def test_google_analogies():
    questions = load_google_analogies()
    assert len(questions) == 14
    assert sum(len(q) for q in questions.values()) == 19544
    semantic = [name for name in questions if not name.startswith("gram")]
    assert semantic == ["capital-common-countries", "capital-world", "currency", "city-in-state", "family"]
    assert sum(len(questions[name]) for name in semantic) == 8869
    assert sum(len(q) for name, q in questions.items() if name.startswith("gram")) == 10675
    assert questions["capital-common-countries"][0] == ("Athens", "Greece", "Baghdad", "Iraq")
    # a fresh copy each call
    questions["family"].clear()
    assert len(load_google_analogies()["family"]) == 506


def test_bundled_licences_are_shipped():
    licence = open(data_path("LICENSE-Apache-2.0.txt")).read()
    assert "Apache License" in licence and "Version 2.0" in licence
    readme = open(data_path("README.txt")).read()
    assert "Wikipedia contributors" in readme and "CC BY-SA 3.0" in readme and "Google" in readme


def test_wiki_sample():
    wiki = load_wiki_sample()
    assert len(wiki.data) == 36966 and len(wiki.target) == 36966
    assert len(wiki.target_names) == 1512
    assert wiki.target.dtype == np.int64 and wiki.target.min() == 0 and wiki.target.max() == 1511
    # articles are numbered in order of appearance and their paragraphs are contiguous
    assert np.all(np.diff(wiki.target) >= 0)
    assert wiki.target_names[0] == "Planetarium"
    assert all(isinstance(doc, str) and doc and "\t" not in doc for doc in wiki.data[:100])
    assert "Wikipedia contributors" in wiki.DESCR and "CC BY-SA 3.0" in wiki.DESCR
    data, target = load_wiki_sample(return_X_y=True)
    assert data[5] == wiki.data[5] and np.array_equal(target, wiki.target)
    assert "Wikipedia contributors" in load_wiki_sample.__doc__


# -- readers ---------------------------------------------------------------------------


def test_read_analogies_round_trip(tmp_path):
    sections = {"capitals": [("Athens", "Greece", "Paris", "France")],
                "gram1-x": [("a", "b", "c", "d"), ("e", "f", "g", "h")]}
    path = tmp_path / "q.txt"
    with open(path, "w") as f:
        for name, questions in sections.items():
            f.write(f": {name}\n\n")
            f.writelines("\t".join(q) + "\n" for q in questions)
    assert read_analogies(path) == sections
    assert read_analogies(str(path)) == sections
    assert read_analogies(["a b c d"]) == {"questions": [("a", "b", "c", "d")]}


def test_read_analogies_errors(tmp_path):
    with pytest.raises(ValueError, match="Line 2 .* 3 words"):
        read_analogies([": s", "a b c"])
    with pytest.raises(ValueError, match="no analogy question"):
        read_analogies([": s", ""])
    path = tmp_path / "bad.txt"
    path.write_text(": s\na b c d e\n")
    with pytest.raises(ValueError, match="bad.txt"):
        read_analogies(path)


def test_read_word_pairs(tmp_path):
    path = tmp_path / "pairs.txt"
    path.write_text("Word 1\tWord 2\tHuman (mean)\n# comment\ntiger\tcat\t7.35\n\nbook paper  7.46 extra\n")
    assert read_word_pairs(path) == [("tiger", "cat", 7.35), ("book", "paper", 7.46)]
    assert read_word_pairs(["a b 1", "c d -2.5"]) == [("a", "b", 1.0), ("c", "d", -2.5)]
    with pytest.raises(ValueError, match="Line 3 .* not 'word1 word2 score'"):
        read_word_pairs(["a b 1", "# x", "c d high"])
    with pytest.raises(ValueError, match="non-finite"):
        read_word_pairs(["a b nan"])
    with pytest.raises(ValueError, match="no word pair"):
        read_word_pairs(["# only a comment"])


# -- LineCorpus ------------------------------------------------------------------------

LINES = [f"document {i} " + " ".join(f"w{(i * j) % 7}" for j in range(i % 5)) for i in range(25)]


@pytest.fixture(params=["", ".gz", ".bz2", ".xz"])
def corpus_file(tmp_path, request):
    text = "\n".join(LINES) + "\n"
    path = tmp_path / f"corpus.txt{request.param}"
    with open_file(path, "wt", encoding="utf-8") as f:
        f.write(text)
    return path


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz"])
def test_line_corpus_recognises_compression_by_content(tmp_path, suffix):
    compressed = tmp_path / f"corpus{suffix}"
    with open_file(compressed, "wt", encoding="utf-8") as f:
        f.write("\n".join(LINES) + "\n")
    renamed = tmp_path / "corpus.txt"
    compressed.rename(renamed)
    corpus = LineCorpus(renamed)
    assert list(corpus) == LINES and corpus[7] == LINES[7]
    assert list(corpus[[9, 2]]) == [LINES[9], LINES[2]]


def test_line_corpus_sequence(corpus_file):
    corpus = LineCorpus(corpus_file)
    assert len(corpus) == 25 and corpus.shape == (25,)
    assert list(corpus) == LINES
    assert corpus[0] == LINES[0] and corpus[-1] == LINES[-1] and corpus[np.int64(7)] == LINES[7]
    assert list(corpus[3:20:4]) == LINES[3:20:4]
    assert list(corpus[::-1]) == LINES[::-1]
    assert list(corpus[[5, 2, 2, 24, -1]]) == [LINES[i] for i in (5, 2, 2, 24, -1)]
    mask = np.arange(25) % 3 == 0
    assert list(corpus[mask]) == [line for line, keep in zip(LINES, mask) if keep]
    subset = corpus[np.array([10, 3, 8, 20])]
    assert isinstance(subset, LineCorpus) and len(subset) == 4
    assert subset[1] == LINES[3] and list(subset[[3, 0]]) == [LINES[20], LINES[10]]
    assert list(corpus[np.array([], dtype=int)]) == []
    assert corpus[np.arange(5), ...].indices.tolist() == [0, 1, 2, 3, 4]


def test_line_corpus_errors(corpus_file, tmp_path):
    corpus = LineCorpus(corpus_file)
    with pytest.raises(IndexError, match="out of range"):
        corpus[25]
    with pytest.raises(IndexError, match="out of range"):
        corpus[[0, 30]]
    with pytest.raises(IndexError, match="integer"):
        corpus[np.array([0.5, 1.5])]
    with pytest.raises(IndexError, match="boolean mask"):
        corpus[np.ones(3, dtype=bool)]
    with pytest.raises(TypeError, match="indices must be"):
        corpus["document"]
    with pytest.raises(IndexError, match="one-dimensional"):
        corpus[0, 1]
    with pytest.raises(FileNotFoundError, match="No such corpus file"):
        LineCorpus(tmp_path / "missing.txt")
    with pytest.raises(TypeError, match="path"):
        LineCorpus(3)


def test_line_corpus_line_endings(tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes("first line\r\n\r\nthird, no newline at the end: é".encode("utf-8"))
    corpus = LineCorpus(path)
    assert len(corpus) == 3
    assert list(corpus) == ["first line", "", "third, no newline at the end: é"]
    assert corpus[2] == "third, no newline at the end: é" and list(corpus[[2, 0]])[1] == "first line"


def test_line_corpus_pickle_and_hash_are_small_and_stable(corpus_file):
    corpus = LineCorpus(corpus_file)
    before = joblib.hash(corpus)
    assert len(corpus) == 25 and corpus[3] == LINES[3]  # fills the caches
    assert joblib.hash(corpus) == before
    assert len(pickle.dumps(corpus)) < 500
    # the whole corpus selected in order is the corpus itself
    assert joblib.hash(corpus[np.arange(25)]) == before
    assert joblib.hash(LineCorpus(corpus_file)) == before
    assert joblib.hash(corpus[[1, 2]]) == joblib.hash(corpus[1:3]) != before
    clone = pickle.loads(pickle.dumps(corpus[[4, 1]]))
    assert list(clone) == [LINES[4], LINES[1]]


def test_line_corpus_detects_a_changed_file(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("a\nb\n")
    corpus = LineCorpus(path)
    path.write_text("a\nb\nc and more\n")
    with pytest.raises(RuntimeError, match="changed since the corpus was opened"):
        list(corpus)


def test_line_corpus_in_sklearn_indexing(corpus_file):
    corpus = LineCorpus(corpus_file)
    subset = _safe_indexing(corpus, np.array([4, 0, 9]))
    assert isinstance(subset, LineCorpus) and list(subset) == [LINES[4], LINES[0], LINES[9]]


class DocumentLengths(BaseEstimator, TransformerMixin):
    """Records the corpora it is fitted on; the word plane is played by document lengths."""

    calls = []

    def __init__(self, scale=1.0):
        self.scale = scale

    def fit(self, X, y=None):
        assert isinstance(X, LineCorpus), type(X)  # never a materialized list
        DocumentLengths.calls.append(len(X))
        self.mean_length_ = np.mean([len(doc) for doc in X])
        return self

    def transform(self, X):
        assert isinstance(X, LineCorpus), type(X)
        return np.array([[len(doc) * self.scale] for doc in X])


class Scale(BaseEstimator):
    def __init__(self, factor=1.0):
        self.factor = factor

    def fit(self, X, y=None):
        self.mean_ = float(np.mean(X)) * self.factor
        return self

    def score(self, X, y=None):
        return -abs(self.mean_ - 20.0)


def test_line_corpus_as_X_in_grid_search(corpus_file, tmp_path):
    corpus = LineCorpus(corpus_file)
    DocumentLengths.calls = []
    search = GridSearchCV(
        Pipeline([("lengths", DocumentLengths()), ("scale", Scale())], memory=str(tmp_path / "cache")),
        {"scale__factor": [0.5, 1.0, 2.0]},
        cv=KFold(3, shuffle=True, random_state=0),
        refit=False,
    )
    search.fit(corpus)
    # 3 folds: the documents are counted once per fold, the cache serves the other factors
    assert sorted(DocumentLengths.calls) == [16, 17, 17]
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))

    DocumentLengths.calls = []
    whole = GridSearchCV(
        Pipeline([("lengths", DocumentLengths()), ("scale", Scale())], memory=str(tmp_path / "cache2")),
        {"scale__factor": [0.5, 1.0]}, cv=WholeCorpusSplit(), refit=False,
    )
    whole.fit(corpus)
    assert DocumentLengths.calls == [25]


def test_line_corpus_trains_a_count_pipeline(corpus_file):
    corpus = LineCorpus(corpus_file)
    from_file = CooccurrenceVectorizer(window=2, min_count=1).fit_transform(corpus[[3, 1, 4, 1, 5, 9]])
    from_list = CooccurrenceVectorizer(window=2, min_count=1).fit_transform([LINES[i] for i in (3, 1, 4, 1, 5, 9)])
    assert (from_file != from_list).nnz == 0


def test_bundled_files_exist():
    for name in ("questions-words.txt", "wiki-sample.tsv.gz", "LICENSE-Apache-2.0.txt", "README.txt"):
        assert os.path.isfile(data_path(name)), name


def test_read_word_pairs_with_a_delimiter_and_an_encoding(tmp_path):
    path = tmp_path / "pairs.csv"
    path.write_bytes("word1,word2,score\nnew york,city,7.5\ncafé,coffee,8\n".encode("latin-1"))
    assert read_word_pairs(path, delimiter=",", encoding="latin-1") == [("new york", "city", 7.5), ("café", "coffee", 8.0)]
    with pytest.raises(ValueError, match="delimiter"):
        read_word_pairs(path, delimiter="")


# -- bad input: files --------------------------------------------------------------------------

from corpora import raises  # noqa: E402


def test_analogy_questions_file_with_a_short_line(tmp_path):
    path = tmp_path / "questions.txt"
    path.write_text(": family\nman woman king queen\na b c\n", encoding="utf-8")
    with raises(ValueError, "Line 3", str(path), "four"):
        read_analogies(path)


def test_missing_corpus_file(tmp_path):
    with raises(FileNotFoundError, str(tmp_path / "missing.txt")):
        LineCorpus(tmp_path / "missing.txt")
