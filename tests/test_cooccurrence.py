import pickle
from fractions import Fraction

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import (
    check_do_not_raise_errors_in_init_or_set_params,
    check_estimator_cloneable,
    check_estimator_repr,
    check_get_params_invariance,
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
    check_set_params,
)

from corpora import ALPHABET, random_documents, reference_vocabulary
from skvec import CooccurrenceVectorizer
from skvec._kernels import cooccurrence as kernels
from skvec._counting.plan import keep_probabilities, weight_table


# -- brute-force reference ---------------------------------------------------


def reference_weight(d, window, weighting):
    if weighting == "harmonic":
        return Fraction(1, d)
    if weighting == "uniform":
        return Fraction(1)
    return Fraction(window - d + 1, window)


def reference_counts(docs, words, window, weighting, context, dtype=np.float32):
    """Exact rational sums over every (position, context position) pair, then rounded."""
    row = {w: i for i, w in enumerate(words)}
    cells = {}
    for doc in docs:
        ids = [row[t] for t in doc if t in row]
        for p, w in enumerate(ids):
            for q, c in enumerate(ids):
                d = abs(p - q)
                if d == 0 or d > window:
                    continue
                if (context == "left" and q > p) or (context == "right" and q < p):
                    continue
                cells[w, c] = cells.get((w, c), Fraction(0)) + reference_weight(d, window, weighting)
    n = len(words)
    keys = sorted(cells)
    indptr = np.zeros(n + 1, dtype=np.int64)
    for w, _ in keys:
        indptr[w + 1] += 1
    indptr = np.cumsum(indptr)
    indices = np.array([c for _, c in keys], dtype=np.int32)
    data = np.array([np.float64(float(cells[k])) for k in keys], dtype=np.float64).astype(dtype)
    return indptr, indices, data


def assert_same_csr(matrix, indptr, indices, data):
    assert sp.issparse(matrix) and matrix.format == "csr"
    np.testing.assert_array_equal(matrix.indptr, indptr)
    np.testing.assert_array_equal(matrix.indices, indices)
    assert matrix.data.dtype == data.dtype
    np.testing.assert_array_equal(matrix.data, data)


def assert_canonical(matrix):
    assert matrix.has_canonical_format
    copy = matrix.copy()
    copy.has_canonical_format = False
    copy.sum_duplicates()
    np.testing.assert_array_equal(copy.indices, matrix.indices)
    for r in range(matrix.shape[0]):
        row = matrix.indices[matrix.indptr[r] : matrix.indptr[r + 1]]
        assert np.all(np.diff(row) > 0)
    assert np.all(matrix.data > 0), "explicit zeros or negative values stored"


token_docs = st.lists(st.lists(st.sampled_from(ALPHABET), max_size=25), min_size=1, max_size=8).filter(
    lambda docs: any(docs)
)


@settings(max_examples=120, deadline=None)
@given(
    docs=token_docs,
    window=st.integers(1, 7),
    weighting=st.sampled_from(["harmonic", "uniform", "linear"]),
    context=st.sampled_from(["both", "left", "right"]),
    min_count=st.integers(1, 3),
    max_vocab_size=st.one_of(st.none(), st.integers(1, 8)),
)
def test_equals_brute_force(docs, window, weighting, context, min_count, max_vocab_size):
    words, _ = reference_vocabulary(docs, min_count, max_vocab_size)
    vectorizer = CooccurrenceVectorizer(
        window=window,
        weighting=weighting,
        context=context,
        min_count=min_count,
        max_vocab_size=max_vocab_size,
        n_jobs=1,
    )
    if not words:
        with pytest.raises(ValueError, match="min_count"):
            vectorizer.fit_transform(docs)
        return
    matrix = vectorizer.fit_transform(docs)
    assert list(vectorizer.get_feature_names_out()) == words
    assert vectorizer.vocabulary_ == {w: i for i, w in enumerate(words)}
    assert matrix.shape == (len(words), len(words))
    assert_same_csr(matrix, *reference_counts(docs, words, window, weighting, context))
    assert_canonical(matrix)
    parallel = clone(vectorizer).set_params(n_jobs=2).fit_transform(docs)
    assert_same_csr(parallel, matrix.indptr, matrix.indices, matrix.data)


@pytest.mark.parametrize("weighting", ["harmonic", "uniform", "linear"])
@pytest.mark.parametrize("context", ["both", "left", "right"])
def test_larger_random_corpus_float64(weighting, context):
    # Zipf-like frequencies so that some rows are dense and some sparse.
    docs = random_documents(40, 40, (0, 60))
    words, _ = reference_vocabulary(docs, min_count=2)
    vectorizer = CooccurrenceVectorizer(
        window=6, weighting=weighting, context=context, min_count=2, dtype=np.float64, n_jobs=2
    )
    matrix = vectorizer.fit_transform(docs)
    assert_same_csr(matrix, *reference_counts(docs, words, 6, weighting, context, dtype=np.float64))
    assert_canonical(matrix)


def test_left_and_right_are_transposes():
    docs = random_documents(10, ALPHABET, 30, zipf=False, seed=1)
    left = CooccurrenceVectorizer(window=4, context="left", min_count=1).fit_transform(docs)
    right = CooccurrenceVectorizer(window=4, context="right", min_count=1).fit_transform(docs)
    both = CooccurrenceVectorizer(window=4, context="both", min_count=1).fit_transform(docs)
    assert (left.T != right).nnz == 0
    assert (both != both.T).nnz == 0


def test_long_harmonic_window_is_exact():
    # lcm(1..30) is about 2.3e12: the fixed-point sums stay exact on a small corpus.
    docs = random_documents(3, ALPHABET, 70, zipf=False, seed=2)
    words, _ = reference_vocabulary(docs)
    matrix = CooccurrenceVectorizer(window=30, min_count=1).fit_transform(docs)
    assert_same_csr(matrix, *reference_counts(docs, words, 30, "harmonic", "both"))


def test_weight_table_rounds_only_when_sums_could_overflow():
    weights, scale = weight_table(10, "harmonic", 10**6)
    assert scale == 2520
    np.testing.assert_array_equal(weights[1:] * np.arange(1, 11), np.full(10, 2520))
    weights, scale = weight_table(5, "linear", 10**6)
    assert scale == 5 and list(weights[1:]) == [5, 4, 3, 2, 1]
    weights, scale = weight_table(40, "harmonic", 10**9)
    exact = 1.0 / np.arange(1, 41)
    assert np.all(weights[1:] > 0)
    assert np.max(np.abs(weights[1:] / scale - exact) / exact) < 2.0**-20
    assert 10**9 * 2 * int(weights.sum()) < 2**62
    # A window whose common denominator is astronomically large.
    weights, scale = weight_table(1000, "harmonic", 10**6)
    exact = 1.0 / np.arange(1, 1001)
    assert np.max(np.abs(weights[1:] / scale - exact) / exact) < 2.0**-20


def test_documents_are_boundaries():
    vectorizer = CooccurrenceVectorizer(window=5, weighting="uniform", min_count=1)
    separate = vectorizer.fit_transform([["a", "b"], ["c", "d"]])
    vocab = vectorizer.vocabulary_
    assert separate[vocab["a"], vocab["b"]] == 1
    assert separate[vocab["b"], vocab["c"]] == 0
    assert separate[vocab["a"], vocab["d"]] == 0
    assert separate.nnz == 4
    joined = vectorizer.fit_transform([["a", "b", "c", "d"]])
    assert joined[vocab["b"], vocab["c"]] == 1
    assert joined.nnz == 12


def test_empty_documents_and_out_of_vocabulary_tokens():
    # "x" and "y" are below min_count and is removed before windowing: "a x b" has a next to b.
    docs = [[], ["a", "x", "b"], [], ["a", "b"], ["y"], []]
    vectorizer = CooccurrenceVectorizer(window=1, weighting="uniform", min_count=2)
    matrix = vectorizer.fit_transform(docs)
    assert list(vectorizer.get_feature_names_out()) == ["a", "b"]
    np.testing.assert_array_equal(matrix.toarray(), [[0, 2], [2, 0]])
    assert vectorizer.n_tokens_ == 6


def test_string_documents_and_tokenization():
    docs = ["The cat, the HAT.", "the cat"]
    vectorizer = CooccurrenceVectorizer(window=2, weighting="uniform", min_count=1)
    matrix = vectorizer.fit_transform(docs)
    assert list(vectorizer.get_feature_names_out()) == ["the", "cat", "hat"]
    np.testing.assert_array_equal(vectorizer.word_counts_, [3, 2, 1])
    assert vectorizer.word_counts_.dtype == np.int64
    expected = reference_counts([["the", "cat", "the", "hat"], ["the", "cat"]], ["the", "cat", "hat"], 2,
                                "uniform", "both")
    assert_same_csr(matrix, *expected)
    cased = CooccurrenceVectorizer(window=2, min_count=1, lowercase=False, tokenizer=str.split)
    cased.fit(docs)
    assert "HAT." in cased.vocabulary_ and "The" in cased.vocabulary_


def test_transform_counts_new_documents_against_fitted_vocabulary():
    train = [["a", "b", "c", "a", "b"], ["c", "a"]]
    new = [["b", "z", "a", "a"], ["c"], ["y", "y"]]
    vectorizer = CooccurrenceVectorizer(window=2, weighting="linear", min_count=1).fit(train)
    words = list(vectorizer.get_feature_names_out())
    matrix = vectorizer.transform(new)
    assert matrix.shape == (3, 3)
    assert_same_csr(matrix, *reference_counts(new, words, 2, "linear", "both"))
    np.testing.assert_array_equal(vectorizer.transform(train).toarray(), vectorizer.fit_transform(train).toarray())


def test_fixed_vocabulary():
    docs = [["a", "b", "c", "a"], ["b", "d"]]
    vectorizer = CooccurrenceVectorizer(window=3, vocabulary=["d", "a", "q", "b"], min_count=10)
    matrix = vectorizer.fit_transform(docs)
    assert list(vectorizer.get_feature_names_out()) == ["d", "a", "q", "b"]
    np.testing.assert_array_equal(vectorizer.word_counts_, [1, 2, 0, 2])
    assert_same_csr(matrix, *reference_counts(docs, ["d", "a", "q", "b"], 3, "harmonic", "both"))
    assert matrix[2].nnz == 0


def test_dtype_float64_and_default_float32():
    docs = [["a", "b", "c"]]
    assert CooccurrenceVectorizer(min_count=1).fit_transform(docs).dtype == np.float32
    assert CooccurrenceVectorizer(min_count=1, dtype=np.float64).fit_transform(docs).dtype == np.float64


def test_subsample_keep_probability_is_word2vec_formula():
    counts = np.array([1000, 100, 10, 0])
    keep = keep_probabilities(counts, 1e-2)
    threshold = 1e-2 * counts.sum()
    for f, k in zip(counts[:3], keep[:3]):
        assert k == pytest.approx((np.sqrt(f / threshold) + 1) * threshold / f)
    assert keep[3] == 1.0
    assert keep[0] < 1 < keep[2]


def test_subsample_kernel_draws_depend_on_position_only():
    rng = np.random.RandomState(3)
    ids = rng.randint(0, 5, size=20000).astype(np.int32)
    offsets = np.array([0, 7000, 7000, 20000], dtype=np.int64)
    keep = np.array([0.2, 0.5, 1.0, 0.9, 2.0])
    kept, new_offsets = kernels.subsample(ids, offsets, keep, 12345, 0)
    assert new_offsets[0] == 0 and new_offsets[-1] == len(kept)
    assert new_offsets[1] == new_offsets[2]
    # The same draws when the corpus is split in two pieces.
    first, first_offsets = kernels.subsample(ids[:7000], offsets[:2], keep, 12345, 0)
    second, _ = kernels.subsample(ids[7000:], offsets[2:] - 7000, keep, 12345, 7000)
    np.testing.assert_array_equal(np.concatenate([first, second]), kept)
    assert new_offsets[1] == len(first)
    # Kept fractions agree with the probabilities (5 binomial standard deviations).
    for word, prob in enumerate(np.minimum(keep, 1)):
        n = np.sum(ids == word)
        k = np.sum(kept == word)
        assert abs(k - n * prob) <= 5 * np.sqrt(n * prob * (1 - prob)) + 1e-9


def test_subsample_is_reproducible_and_independent_of_threads():
    docs = random_documents(20, ALPHABET, 200, seed=4)
    full = CooccurrenceVectorizer(window=3, min_count=1).fit_transform(docs)
    vectorizer = CooccurrenceVectorizer(window=3, min_count=1, subsample=1e-2, random_state=0, n_jobs=1)
    sampled = vectorizer.fit_transform(docs)
    assert sampled.sum() < full.sum()
    again = clone(vectorizer).set_params(n_jobs=2).fit_transform(docs)
    assert_same_csr(again, sampled.indptr, sampled.indices, sampled.data)
    assert_same_csr(vectorizer.transform(docs), sampled.indptr, sampled.indices, sampled.data)
    other = clone(vectorizer).set_params(random_state=1).fit_transform(docs)
    assert (other != sampled).nnz > 0
    # The most frequent word loses more of its co-occurrences than the rarest.
    row_ratio = np.asarray(sampled.sum(axis=1)).ravel() / np.asarray(full.sum(axis=1)).ravel()
    assert row_ratio[0] < row_ratio[-1]


# -- errors ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, error, match",
    [
        ({"window": 0}, ValueError, "window"),
        ({"window": -3}, ValueError, "window"),
        ({"window": 2.5}, TypeError, "window"),
        ({"weighting": "gaussian"}, ValueError, "weighting.*harmonic"),
        ({"context": "up"}, ValueError, "context.*both"),
        ({"min_count": 0}, ValueError, "min_count"),
        ({"max_vocab_size": 0}, ValueError, "max_vocab_size"),
        ({"subsample": -1e-3}, ValueError, "subsample"),
        ({"subsample": float("nan")}, ValueError, "subsample"),
        ({"dtype": np.int32}, ValueError, "dtype"),
        ({"dtype": "nonsense"}, ValueError, "dtype"),
        ({"n_jobs": 0}, ValueError, "n_jobs"),
    ],
)
def test_bad_parameters(params, error, match):
    with pytest.raises(error, match=match):
        CooccurrenceVectorizer(**{"min_count": 1, **params}).fit_transform([["a", "b"]])


@pytest.mark.parametrize(
    "docs, error, match",
    [
        ([], ValueError, "empty"),
        ([[], []], ValueError, "no token"),
        ("a b c", TypeError, "single str"),
        ([["a"], 3], TypeError, "Document 1"),
        ([[1, 2]], TypeError, "tokens must be strings"),
        (5, TypeError, "iterable"),
    ],
)
def test_bad_corpus(docs, error, match):
    with pytest.raises(error, match=match):
        CooccurrenceVectorizer(min_count=1).fit(docs)


def test_no_word_reaches_min_count():
    with pytest.raises(ValueError, match="min_count=5"):
        CooccurrenceVectorizer().fit([["a", "b", "a"]])


def test_transform_before_fit():
    with pytest.raises(NotFittedError):
        CooccurrenceVectorizer().transform([["a"]])
    with pytest.raises(NotFittedError):
        CooccurrenceVectorizer().get_feature_names_out()


# -- scikit-learn conventions ---------------------------------------------------------


def test_scikit_learn_parameter_checks():
    name = "CooccurrenceVectorizer"
    check_parameters_default_constructible(name, CooccurrenceVectorizer())
    check_no_attributes_set_in_init(name, CooccurrenceVectorizer())
    check_get_params_invariance(name, CooccurrenceVectorizer())
    check_set_params(name, CooccurrenceVectorizer())
    check_do_not_raise_errors_in_init_or_set_params(name, CooccurrenceVectorizer())
    check_estimator_cloneable(name, CooccurrenceVectorizer())
    check_estimator_repr(name, CooccurrenceVectorizer())


def test_clone_get_set_params():
    vectorizer = CooccurrenceVectorizer(window=3, weighting="linear", min_count=1)
    copy = clone(vectorizer)
    assert copy.get_params() == vectorizer.get_params()
    copy.set_params(window=7, context="left")
    assert copy.window == 7 and copy.context == "left" and vectorizer.window == 3
    fitted = vectorizer.fit([["a", "b"]])
    assert fitted is vectorizer
    assert not hasattr(clone(fitted), "vocabulary_")
    assert "window=3" in repr(vectorizer)


def test_fit_does_not_change_parameters_and_is_idempotent():
    docs = [["a", "b", "c", "a"], ["c", "b"]]
    vectorizer = CooccurrenceVectorizer(window=2, min_count=1, vocabulary=None)
    params = vectorizer.get_params()
    first = vectorizer.fit_transform(docs)
    assert vectorizer.get_params() == params
    second = vectorizer.fit_transform(docs)
    assert (first != second).nnz == 0
    # Nothing corpus-sized is kept on the estimator.
    assert set(k for k in vars(vectorizer) if k.endswith("_")) == {"vocabulary_", "word_counts_", "n_tokens_"}


def test_pickle_round_trip():
    docs = [["a", "b", "c", "a"], ["c", "b", "d"]]
    vectorizer = CooccurrenceVectorizer(window=2, min_count=1).fit(docs)
    restored = pickle.loads(pickle.dumps(vectorizer))
    assert restored.vocabulary_ == vectorizer.vocabulary_
    np.testing.assert_array_equal(restored.word_counts_, vectorizer.word_counts_)
    assert (restored.transform(docs) != vectorizer.transform(docs)).nnz == 0
    unfitted = pickle.loads(pickle.dumps(CooccurrenceVectorizer(window=4)))
    assert unfitted.get_params() == CooccurrenceVectorizer(window=4).get_params()


def test_text_input_tags_and_feature_names():
    vectorizer = CooccurrenceVectorizer(min_count=1)
    tags = vectorizer.__sklearn_tags__()
    assert tags.input_tags.string and not tags.input_tags.two_d_array
    names = vectorizer.fit([["b", "a", "b"]]).get_feature_names_out()
    assert isinstance(names, np.ndarray) and names.dtype == object
    assert list(names) == ["b", "a"]


def test_in_a_pipeline_with_memory(tmp_path):
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import Normalizer

    docs = [["a", "b", "c", "a"], ["c", "b", "d"]]
    pipeline = make_pipeline(CooccurrenceVectorizer(window=2, min_count=1), Normalizer(), memory=str(tmp_path))
    out = pipeline.fit_transform(docs)
    assert out.shape == (4, 4)
    assert np.allclose(np.asarray(out.multiply(out).sum(axis=1)).ravel(), 1.0)


# -- bad input: parameters (checked before the corpus is read), memory, long windows -----------

import tracemalloc  # noqa: E402

from corpora import CAT_DOG_DOCS, UnreadableCorpus, raises  # noqa: E402


@pytest.mark.parametrize(
    "params, exception, name",
    [
        ({"window": 0}, ValueError, "window"),
        ({"window": 2.5}, TypeError, "window"),
        ({"weighting": "gaussian"}, ValueError, "weighting"),
        ({"context": "up"}, ValueError, "context"),
        ({"min_count": 0}, ValueError, "min_count"),
        ({"min_count": "2"}, TypeError, "min_count"),
        ({"min_count": 0, "max_memory": "1GB"}, ValueError, "min_count"),
        ({"min_count": "2", "max_memory": "1GB"}, TypeError, "min_count"),
        ({"max_vocab_size": 0}, ValueError, "max_vocab_size"),
        ({"subsample": -1e-3}, ValueError, "subsample"),
        ({"dtype": np.int32}, ValueError, "dtype"),
        ({"max_memory": "lots"}, ValueError, "max_memory"),
        ({"max_memory": 0}, ValueError, "max_memory"),
        ({"max_memory": 1}, ValueError, "max_memory"),
        ({"max_memory": "1kB"}, ValueError, "max_memory"),
        ({"max_memory": "1e400GB"}, ValueError, "max_memory"),
        ({"max_memory": 2.5e9}, TypeError, "max_memory"),
        ({"n_shards": 0}, ValueError, "n_shards"),
        ({"n_jobs": 0}, ValueError, "n_jobs"),
        ({"n_jobs": "x"}, TypeError, "n_jobs"),
        ({"verbose": -1}, ValueError, "verbose"),
        ({"lowercase": "yes"}, TypeError, "lowercase"),
        ({"tokenizer": "split"}, TypeError, "tokenizer"),
        ({"token_pattern": "(a)(b)"}, ValueError, "token_pattern"),
        ({"token_pattern": "(", "n_shards": 2}, ValueError, "token_pattern"),
        ({"vocabulary": "abc"}, TypeError, "vocabulary"),
        ({"random_state": "abc"}, ValueError, "random_state"),
    ],
)
def test_cooccurrence_parameters(params, exception, name):
    with raises(exception, name):
        CooccurrenceVectorizer(**params).fit(UnreadableCorpus())


# A window is the distance a count reaches; no distance exceeds the longest
# document, so a longer window must cost nothing more.  Memory the count cannot
# have is refused before it is allocated.

def _traced_peak(function):
    tracemalloc.start()
    try:
        result = function()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _linear_reference(window):
    """Counts of WINDOW_DOCS with linear weights (window - d + 1) / window, in exact fractions."""
    w1, w2 = Fraction(1), Fraction(window - 1, window)
    # rows/columns a, c, b: a-c at distances 2 and 1, a-b and b-c at distance 1
    dense = [[0, w2 + w1, w1], [w2 + w1, 0, w1], [w1, w1, 0]]
    return np.array([[float(x) for x in row] for row in dense]).astype(np.float32)


WINDOW_DOCS = ["a b c", "c a"]


STRATEGIES = [{}, {"max_memory": "1MB"}, {"n_shards": 2, "n_jobs": 1}]


@pytest.mark.parametrize("strategy", STRATEGIES, ids=["in_memory", "spilled", "sharded"])
@pytest.mark.parametrize("weighting", ["harmonic", "uniform", "linear"])
def test_window_longer_than_every_document_costs_no_memory(weighting, strategy):
    huge = CooccurrenceVectorizer(window=10**9, weighting=weighting, min_count=1, **strategy)
    counts, peak = _traced_peak(lambda: huge.fit_transform(WINDOW_DOCS))
    assert peak < 64 * 2**20, f"window=10**9 on two short documents traced {peak / 2**20:.0f} MiB"
    assert huge.window == 10**9  # the parameter is the user's, unchanged
    assert huge.get_feature_names_out().tolist() == ["a", "c", "b"]
    if weighting == "linear":
        np.testing.assert_array_equal(counts.toarray(), _linear_reference(10**9))
    else:
        # 1/d and 1 do not depend on the window: the whole document is window 2 here.
        whole = CooccurrenceVectorizer(window=2, weighting=weighting, min_count=1).fit_transform(WINDOW_DOCS)
        np.testing.assert_array_equal(counts.indptr, whole.indptr)
        np.testing.assert_array_equal(counts.indices, whole.indices)
        np.testing.assert_array_equal(counts.data, whole.data)


@pytest.mark.parametrize("weighting", ["harmonic", "uniform", "linear"])
def test_window_beyond_the_documents_gives_the_exact_counts(weighting):
    docs = [["a", "b", "c", "a", "d"], ["b", "d"], ["c"]]
    expected = {"harmonic": lambda d: Fraction(1, d), "uniform": lambda d: Fraction(1),
                "linear": lambda d: Fraction(50 - d + 1, 50)}[weighting]
    vectorizer = CooccurrenceVectorizer(window=50, weighting=weighting, min_count=1, dtype=np.float64)
    counts = vectorizer.fit_transform(docs).toarray()
    row = vectorizer.vocabulary_
    reference = np.zeros_like(counts)
    for doc in docs:
        for p, word in enumerate(doc):
            for q, context in enumerate(doc):
                if p != q:
                    reference[row[word], row[context]] += float(expected(abs(p - q)))
    np.testing.assert_allclose(counts, reference, rtol=1e-15)


def test_matrix_that_cannot_fit_is_refused_before_it_is_allocated(monkeypatch):
    import skvec._validation as validation

    monkeypatch.setattr(validation, "physical_memory", lambda: 64)
    with pytest.raises(MemoryError, match=r"needs .* GiB.*Lower window.*max_memory") as error:
        CooccurrenceVectorizer(window=5, min_count=1).fit_transform(CAT_DOG_DOCS)
    assert "entries" in str(error.value)
    # The vocabulary alone still fits.
    assert len(CooccurrenceVectorizer(window=5, min_count=1).fit(CAT_DOG_DOCS).vocabulary_) == 9
