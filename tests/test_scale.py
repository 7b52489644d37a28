import os
import tempfile
import warnings

import numpy as np
import pytest
from sklearn.base import clone

import skvec._counting.spill as spill
import skvec._counting.strategies as strategies
from corpora import random_documents
from skvec import CooccurrenceVectorizer
from skvec._memory import parse_memory
from skvec.datasets import LineCorpus


def make_docs(n_docs=400, as_tokens=False):
    """Zipfian documents of 0 to 39 words out of 120."""
    return random_documents(n_docs, 120, (0, 40), as_tokens=as_tokens)


def assert_identical(a, b):
    assert a.shape == b.shape and a.dtype == b.dtype
    np.testing.assert_array_equal(a.indptr, b.indptr)
    np.testing.assert_array_equal(a.indices, b.indices)
    np.testing.assert_array_equal(a.data, b.data)


@pytest.fixture
def small_spills(monkeypatch, tmp_path):
    """Tiny batches and fan-in, so that a small corpus spills many runs and merges in rounds;
    temporary files go to a directory of the test, which must end up empty."""
    monkeypatch.setattr(spill, "BATCH_DOCS", 13)
    monkeypatch.setattr(spill, "FAN_IN", 3)
    spill_root = tmp_path / "spill"
    spill_root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spill_root))
    written = []
    original = spill.Run.write.__func__

    def write(cls, matrix, directory):
        written.append(matrix.nnz)
        return original(cls, matrix, directory)

    monkeypatch.setattr(spill.Run, "write", classmethod(write))
    yield written
    assert os.listdir(spill_root) == []


# -- max_memory -------------------------------------------------------------------


def test_parse_memory():
    assert parse_memory(None) is None
    assert parse_memory(1000) == 1000
    assert parse_memory("1GB") == 10**9
    assert parse_memory("1.5 g") == 1_500_000_000
    assert parse_memory("512MiB") == 512 * 2**20
    assert parse_memory("2e6") == 2_000_000
    for bad, error in [("lots", ValueError), ("1 parsec", ValueError), (0, ValueError), (-5, ValueError),
                       (True, TypeError), (1.5, TypeError), ([1], TypeError)]:
        with pytest.raises(error, match="max_memory"):
            CooccurrenceVectorizer(min_count=1, max_memory=bad).fit([["a", "b"]])


@pytest.mark.parametrize(
    "params",
    [
        dict(window=4, weighting="harmonic", n_jobs=2),
        dict(window=3, weighting="linear", context="left"),
        dict(window=5, weighting="uniform", context="right", max_vocab_size=50),
        dict(window=2, subsample=1e-2, random_state=3),
    ],
)
def test_capped_count_is_identical_to_uncapped(small_spills, params):
    docs = make_docs()
    uncapped = CooccurrenceVectorizer(min_count=2, **{**params, "n_jobs": 1})
    expected = uncapped.fit_transform(docs)
    capped = CooccurrenceVectorizer(min_count=2, max_memory="20kB", **{"n_jobs": 1, **params})
    result = capped.fit_transform(docs)
    assert len(small_spills) > spill.FAN_IN, "the corpus should spill more runs than the fan-in"
    assert_identical(result, expected)
    assert capped.vocabulary_ == uncapped.vocabulary_
    np.testing.assert_array_equal(capped.word_counts_, uncapped.word_counts_)
    assert capped.n_tokens_ == uncapped.n_tokens_
    # transform under the cap too
    assert_identical(capped.transform(docs[:150]), uncapped.transform(docs[:150]))


def test_capped_count_fits_in_memory_without_spilling(small_spills):
    docs = make_docs(n_docs=30)
    expected = CooccurrenceVectorizer(min_count=1, dtype=np.float64).fit_transform(docs)
    result = CooccurrenceVectorizer(min_count=1, dtype=np.float64, max_memory="1GB").fit_transform(docs)
    assert small_spills == []
    assert_identical(result, expected)


def test_capped_count_reads_a_one_shot_iterator_once(small_spills):
    docs = make_docs(as_tokens=True)
    expected = CooccurrenceVectorizer(min_count=1).fit_transform(docs)
    result = CooccurrenceVectorizer(min_count=1, max_memory="20kB", n_jobs=1).fit_transform(doc for doc in docs)
    assert_identical(result, expected)


def test_capped_count_with_fixed_vocabulary(small_spills):
    docs = make_docs()
    words = ["w3", "w0", "nothere", "w50", "w7"]
    expected = CooccurrenceVectorizer(vocabulary=words).fit_transform(docs)
    vectorizer = CooccurrenceVectorizer(vocabulary=words, max_memory="20kB", n_jobs=1)
    assert_identical(vectorizer.fit_transform(docs), expected)
    assert list(vectorizer.get_feature_names_out()) == words


def test_capped_errors_name_the_document(small_spills):
    docs = [["a", "b"]] * 20 + [5]
    with pytest.raises(TypeError, match="Document 20 "):
        CooccurrenceVectorizer(min_count=1, max_memory="20kB").fit(docs)
    with pytest.raises(ValueError, match="empty"):
        CooccurrenceVectorizer(min_count=1, max_memory="20kB").fit([])
    with pytest.raises(ValueError, match="min_count=9"):
        CooccurrenceVectorizer(min_count=9, max_memory="20kB").fit([["a", "b"]])


def test_temporary_files_removed_on_error(small_spills):
    def corpus():
        yield from make_docs(n_docs=100)
        raise OSError("disk went away")

    with pytest.raises(OSError, match="disk went away"):
        CooccurrenceVectorizer(min_count=1, max_memory="20kB", n_jobs=1).fit_transform(corpus())


@pytest.mark.parametrize("where", ["count", "merge"])
def test_temporary_files_removed_on_keyboard_interrupt(small_spills, monkeypatch, where):
    seen = []
    spill_root = tempfile.gettempdir()

    def interrupt(*args, **kwargs):
        # Interrupt once runs are on disk.
        if len(small_spills) >= 4:
            seen.append(sum(len(files) for _, _, files in os.walk(spill_root)))
            raise KeyboardInterrupt
        return original(*args, **kwargs)

    if where == "count":
        original = strategies.count_tokens
        monkeypatch.setattr(strategies, "count_tokens", interrupt)
    else:
        original = spill.kernels.sum_partials
        monkeypatch.setattr(spill.kernels, "sum_partials", interrupt)
    with pytest.raises(KeyboardInterrupt):
        CooccurrenceVectorizer(min_count=1, max_memory="20kB", n_jobs=1).fit_transform(make_docs())
    assert seen and seen[0] >= 4
    # small_spills checks that the directory is empty afterwards


def test_vocabulary_pruning_warns_and_keeps_frequent_words(small_spills, monkeypatch):
    monkeypatch.setattr(strategies, "vocabulary_limit", lambda max_memory: 40)
    rng = np.random.RandomState(5)
    frequent = [f"f{i}" for i in range(10)]
    docs = [list(rng.choice(frequent, size=10)) + [f"rare{rng.randint(10**6)}" for _ in range(3)]
            for _ in range(200)]
    exact = CooccurrenceVectorizer(min_count=3).fit(docs)
    with pytest.warns(UserWarning, match="pruned as word2vec"):
        pruned = CooccurrenceVectorizer(min_count=3, max_memory="1GB").fit(docs)
    assert set(pruned.vocabulary_) == set(frequent) == set(exact.vocabulary_)
    for word in frequent:
        assert pruned.word_counts_[pruned.vocabulary_[word]] == exact.word_counts_[exact.vocabulary_[word]]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        CooccurrenceVectorizer(min_count=3, max_memory="1GB").fit(docs[:3])


# -- shards -----------------------------------------------------------------------


@pytest.mark.parametrize("n_shards", [1, 3, 7])
@pytest.mark.parametrize("params", [dict(window=4), dict(window=3, subsample=1e-2, random_state=0)])
def test_sharded_count_is_identical(n_shards, params):
    docs = make_docs()
    reference = CooccurrenceVectorizer(min_count=2, **params)
    expected = reference.fit_transform(docs)
    sharded = CooccurrenceVectorizer(min_count=2, n_shards=n_shards, n_jobs=1, **params)
    assert_identical(sharded.fit_transform(docs), expected)
    assert sharded.vocabulary_ == reference.vocabulary_
    np.testing.assert_array_equal(sharded.word_counts_, reference.word_counts_)
    assert sharded.n_tokens_ == reference.n_tokens_
    assert_identical(sharded.transform(docs[:50]), reference.transform(docs[:50]))


def test_sharded_processes_file_corpus_and_cap(tmp_path, small_spills):
    docs = make_docs()
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(docs) + "\n")
    expected = CooccurrenceVectorizer(window=3, min_count=2).fit_transform(docs)
    vectorizer = CooccurrenceVectorizer(window=3, min_count=2, n_shards=4, n_jobs=2)
    assert_identical(vectorizer.fit_transform(LineCorpus(path)), expected)
    capped = clone(vectorizer).set_params(max_memory="20kB", n_jobs=1)
    assert_identical(capped.fit_transform(LineCorpus(path)), expected)
    assert len(small_spills) == 4  # every shard matrix became a run on disk


def test_sharded_fixed_vocabulary():
    docs = make_docs()
    words = ["w3", "w0", "nothere", "w50"]
    expected = CooccurrenceVectorizer(vocabulary=words).fit_transform(docs)
    vectorizer = CooccurrenceVectorizer(vocabulary=words, n_shards=3, n_jobs=1)
    assert_identical(vectorizer.fit_transform(docs), expected)
    np.testing.assert_array_equal(vectorizer.word_counts_, CooccurrenceVectorizer(vocabulary=words).fit(docs).word_counts_)


def test_sharded_bad_input():
    with pytest.raises(ValueError, match="n_shards"):
        CooccurrenceVectorizer(n_shards=0).fit([["a"]])
    with pytest.raises(TypeError, match="n_shards needs a corpus"):
        CooccurrenceVectorizer(n_shards=2, min_count=1).fit(doc for doc in [["a"]])
    with pytest.raises(ValueError, match="empty"):
        CooccurrenceVectorizer(n_shards=2, min_count=1).fit([])


# -- Dask -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dask_client():
    import distributed  # the dask extra; imported here, as it is slow to import
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster, distributed.Client(cluster) as client:
        yield client


@pytest.mark.slow
def test_sharded_count_on_dask(dask_client, tmp_path):
    import joblib

    docs = make_docs()
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(docs) + "\n")
    expected = CooccurrenceVectorizer(window=3, min_count=2).fit_transform(docs)
    with joblib.parallel_backend("dask"):
        result = CooccurrenceVectorizer(window=3, min_count=2, n_shards=4).fit_transform(LineCorpus(path))
    assert_identical(result, expected)


@pytest.mark.slow
def test_grid_search_on_dask(dask_client):
    import joblib
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import make_pipeline

    from skvec import SPPMITransformer, SVDEmbedder, WholeCorpusSplit, make_analogy_scorer

    docs = ["the king and the queen", "a man and a woman", "the man is king", "the woman is queen"] * 20
    search = GridSearchCV(
        make_pipeline(
            CooccurrenceVectorizer(window=2, min_count=1),
            SPPMITransformer(),
            SVDEmbedder(n_components=3, random_state=0),
        ),
        {"sppmitransformer__shift": [1, 2], "svdembedder__n_components": [2, 3]},
        scoring=make_analogy_scorer([("man", "woman", "king", "queen")], restrict_vocab=None),
        cv=WholeCorpusSplit(),
        n_jobs=2,
    )
    with joblib.parallel_backend("dask"):
        search.fit(docs)
    assert len(search.cv_results_["params"]) == 4
    scores = search.cv_results_["mean_test_score"]
    assert np.all((scores >= 0) & (scores <= 1))
    assert search.best_params_ in search.cv_results_["params"]
    assert search.best_score_ == scores.max()


@pytest.mark.parametrize("params", [dict(), dict(max_memory="1MB"), dict(n_shards=2, n_jobs=1)])
def test_transform_without_known_words_gives_empty_matrix(params):
    vectorizer = CooccurrenceVectorizer(min_count=1, **params).fit([["a", "b", "c"]])
    counts = vectorizer.transform([["z", "q"], [], ["y"]])
    assert counts.shape == (3, 3) and counts.nnz == 0 and counts.format == "csr"
