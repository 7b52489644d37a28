"""The one-pass count (rows written into reserved room, then copied together) against plain scipy counts.

The one-pass count must give the matrix of the two-pass count bit for bit,
and both must equal a straightforward scipy count of the same fixed-point
weights, exactly.
"""

import mmap

import numpy as np
import pytest
import scipy.sparse as sp

from skvec import CooccurrenceVectorizer
from skvec._counting import engine
from skvec._counting.engine import count_window, entry_bounds, release, reserved
from skvec._counting.plan import make_plan
from skvec._kernels import cooccurrence as kernels


def encoded(lengths, n_words, seed=0):
    """Random int32 ids of documents of the given lengths, and their int64 offsets."""
    rng = np.random.default_rng(seed)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    # Zipf-like ids, so that some rows are dense and others sparse.
    ids = np.minimum(rng.zipf(1.3, size=int(offsets[-1])) - 1, n_words - 1).astype(np.int32)
    return ids, offsets


def plan_for(offsets, window, weighting, context="both", dtype=np.float64):
    longest = max(int(np.diff(offsets).max()), 1)
    return make_plan(window=window, weighting=weighting, context=context, dtype=dtype, n_tokens=int(offsets[-1]),
                     longest_document=longest)


def scipy_count(ids, offsets, n_words, plan):
    """One COO matrix of int64 fixed-point weights per distance and side, summed by scipy; then ``/ scale``."""
    doc_of = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
    total = sp.csr_matrix((n_words, n_words), dtype=np.int64)
    for d in range(1, max(plan.left, plan.right) + 1):
        same = doc_of[d:] == doc_of[:-d]
        before, after = ids[:-d][same], ids[d:][same]
        weight = np.full(len(before), plan.weights[d], dtype=np.int64)
        if plan.right >= d:  # word before, context after
            total = total + sp.coo_matrix((weight, (before, after)), shape=(n_words, n_words)).tocsr()
        if plan.left >= d:
            total = total + sp.coo_matrix((weight, (after, before)), shape=(n_words, n_words)).tocsr()
    total = total.tocsr()
    total.sum_duplicates()
    total.eliminate_zeros()
    total.sort_indices()
    return total


def assert_exact(counts, reference, plan, exact):
    np.testing.assert_array_equal(counts.indptr, reference.indptr)
    np.testing.assert_array_equal(counts.indices, reference.indices)
    if exact:
        np.testing.assert_array_equal(counts.data, reference.data)
    else:
        expected = (reference.data.astype(np.float64) / float(plan.scale)).astype(plan.dtype)
        np.testing.assert_array_equal(counts.data, expected)


@pytest.mark.parametrize("n_jobs", [1, 2])
@pytest.mark.parametrize("exact", [False, True])
@pytest.mark.parametrize(("weighting", "context", "dtype"), [
    ("harmonic", "both", np.float32), ("uniform", "left", np.float64), ("linear", "right", np.float32),
])
def test_one_pass_equals_the_scipy_count(n_jobs, exact, weighting, context, dtype):
    rng = np.random.default_rng(1)
    ids, offsets = encoded(rng.integers(0, 30, size=200), n_words=60)
    plan = plan_for(offsets, 5, weighting, context, dtype)
    counts = count_window(ids, offsets, 60, plan, n_jobs=n_jobs, exact=exact)
    assert counts.has_canonical_format and counts.dtype == (np.int64 if exact else dtype)
    assert_exact(counts, scipy_count(ids, offsets, 60, plan), plan, exact)


@pytest.mark.parametrize("n_jobs", [1, 2])
@pytest.mark.parametrize("window", [3, 20])
def test_one_pass_and_two_passes_give_the_same_matrix(n_jobs, window):
    # A harmonic window of 20 has weights near 2**28, so that every row with
    # more than one occurrence sums in the wide (int64) accumulator.
    rng = np.random.default_rng(2)
    ids, offsets = encoded(rng.integers(0, 40, size=150), n_words=50, seed=2)
    plan = plan_for(offsets, window, "harmonic", dtype=np.float32)
    narrow = kernels._narrow_occurrences(plan.weights, plan.left, plan.right)
    occurrences = np.bincount(ids, minlength=50)
    if window == 20:
        assert narrow < occurrences.max()
    else:
        assert narrow > occurrences.max()
    one = count_window(ids, offsets, 50, plan, n_jobs=n_jobs)
    two = count_window(ids, offsets, 50, plan, n_jobs=n_jobs, one_pass=False)
    for name in ("indptr", "indices", "data"):
        np.testing.assert_array_equal(getattr(one, name), getattr(two, name))
    assert_exact(one, scipy_count(ids, offsets, 50, plan), plan, exact=False)


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_documents_shorter_than_the_window_and_empty_documents(n_jobs):
    lengths = [0, 1, 2, 0, 3, 0, 0, 1, 4, 2, 0]
    ids, offsets = encoded(lengths, n_words=6, seed=3)
    plan = make_plan(window=10, weighting="harmonic", context="both", dtype=np.float64, n_tokens=len(ids),
                     longest_document=4)
    counts = count_window(ids, offsets, 6, plan, n_jobs=n_jobs)
    assert_exact(counts, scipy_count(ids, offsets, 6, plan), plan, exact=False)


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_a_corpus_of_empty_documents_counts_nothing(n_jobs):
    ids, offsets = np.zeros(0, dtype=np.int32), np.zeros(4, dtype=np.int64)
    plan = plan_for(np.array([0, 1]), 3, "harmonic")
    counts = count_window(ids, offsets, 5, plan, n_jobs=n_jobs)
    assert counts.shape == (5, 5) and counts.nnz == 0 and counts.has_canonical_format


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_one_word_vocabulary(n_jobs):
    ids = np.zeros(7, dtype=np.int32)
    offsets = np.array([0, 3, 3, 7], dtype=np.int64)
    plan = plan_for(offsets, 2, "harmonic")
    counts = count_window(ids, offsets, 1, plan, n_jobs=n_jobs)
    # Pairs at distance 1: 2 + 3, at distance 2: 1 + 2, each counted from both ends.
    np.testing.assert_array_equal(counts.toarray(), [[2 * (5 + 3 / 2)]])


def test_entry_bounds_hold_every_row():
    rng = np.random.default_rng(4)
    ids, offsets = encoded(rng.integers(0, 25, size=100), n_words=40, seed=4)
    plan = plan_for(offsets, 4, "uniform")
    counts = count_window(ids, offsets, 40, plan, n_jobs=1)
    bounds = entry_bounds(np.bincount(ids, minlength=40), plan.left + plan.right)
    assert np.all(np.diff(counts.indptr) <= bounds)
    assert bounds.max() <= np.count_nonzero(np.bincount(ids, minlength=40))


def test_two_passes_when_the_room_does_not_fit(monkeypatch):
    rng = np.random.default_rng(5)
    ids, offsets = encoded(rng.integers(0, 20, size=60), n_words=30, seed=5)
    plan = plan_for(offsets, 3, "harmonic")
    expected = count_window(ids, offsets, 30, plan, n_jobs=1)

    def refuse(*args):
        raise AssertionError("the one-pass kernel ran")

    monkeypatch.setattr(engine.kernels, "fill_rows_once", refuse)
    counts = count_window(ids, offsets, 30, plan, n_jobs=1, max_bytes=100)
    np.testing.assert_array_equal(counts.toarray(), expected.toarray())
    bound = int(entry_bounds(np.bincount(ids, minlength=30), plan.left + plan.right).sum())
    assert not engine.one_pass_fits(bound, 8, max_bytes=bound * 12 - 1)
    assert engine.one_pass_fits(bound, 8, max_bytes=bound * 12)


def test_one_pass_by_default(monkeypatch):
    rng = np.random.default_rng(6)
    ids, offsets = encoded(rng.integers(0, 20, size=60), n_words=30, seed=6)

    def refuse(*args):
        raise AssertionError("the sizing pass ran")

    monkeypatch.setattr(engine.kernels, "count_row_nnz", refuse)
    counts = count_window(ids, offsets, 30, plan_for(offsets, 3, "linear"), n_jobs=2)
    assert counts.nnz > 0


def test_released_pages_of_reserved_room_read_as_zeros():
    array, buffer = reserved(3 * mmap.PAGESIZE // 4, np.int32)
    array[:] = 7
    release(buffer, 10, 2 * mmap.PAGESIZE + 10)  # only the second page lies wholly inside
    released = np.zeros(len(array), dtype=bool)
    if hasattr(mmap, "MADV_DONTNEED"):
        released[mmap.PAGESIZE // 4 : 2 * mmap.PAGESIZE // 4] = True
    np.testing.assert_array_equal(array[released], 0)
    np.testing.assert_array_equal(array[~released], 7)
    del array
    buffer.close()


@pytest.mark.parametrize("max_memory", [None, "16KiB", "64MiB"])
def test_vectorizer_counts_equal_the_scipy_count(max_memory):
    rng = np.random.default_rng(7)
    words = [f"w{i}" for i in range(25)]
    docs = [" ".join(rng.choice(words, size=rng.integers(0, 15), p=np.arange(25, 0, -1) / 325)) for _ in range(120)]
    vectorizer = CooccurrenceVectorizer(window=4, weighting="harmonic", max_memory=max_memory, n_jobs=2)
    counts = vectorizer.fit_transform(docs)
    index = vectorizer.vocabulary_
    tokens = [[index[t] for t in doc.split() if t in index] for doc in docs]
    ids = np.array([i for doc in tokens for i in doc], dtype=np.int32)
    offsets = np.concatenate([[0], np.cumsum([len(doc) for doc in tokens])]).astype(np.int64)
    plan = plan_for(offsets, 4, "harmonic", dtype=counts.dtype)
    assert_exact(counts, scipy_count(ids, offsets, len(index), plan), plan, exact=False)
