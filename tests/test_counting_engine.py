"""The counting engine on encoded corpora, without an estimator: exact counts, partial counts that add up."""

from fractions import Fraction

import numpy as np
import pytest

from skvec._counting.engine import check_result_fits, count_tokens, count_window, row_blocks, sum_in_memory
from skvec._counting.plan import make_plan

WEIGHTS = {
    "harmonic": lambda d, window: Fraction(1, d),
    "uniform": lambda d, window: Fraction(1),
    "linear": lambda d, window: Fraction(window - d + 1, window),
}


def encoded(n_docs=40, n_words=9, seed=0):
    """Random int32 ids of documents of 0 to 11 tokens, and their int64 offsets."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(0, 12, size=n_docs)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    ids = rng.integers(0, n_words, size=int(offsets[-1])).astype(np.int32)
    return ids, offsets, n_words


def plan_for(ids, offsets, window, weighting, context="both", dtype=np.float64):
    longest = int(np.diff(offsets).max())
    return make_plan(window=window, weighting=weighting, context=context, dtype=dtype, n_tokens=len(ids),
                     longest_document=longest)


def reference_counts(ids, offsets, n_words, window, weighting, context="both"):
    """Plain Python: every pair of positions within ``window`` of each other, weighted as asked."""
    counts = np.zeros((n_words, n_words))
    for start, stop in zip(offsets[:-1], offsets[1:]):
        doc = ids[start:stop]
        for p, word in enumerate(doc):
            for q, other in enumerate(doc):
                d = q - p
                if d == 0 or abs(d) > window or (context == "left" and d > 0) or (context == "right" and d < 0):
                    continue
                counts[word, other] += float(WEIGHTS[weighting](abs(d), window))
    return counts


@pytest.mark.parametrize("weighting", sorted(WEIGHTS))
@pytest.mark.parametrize("context", ["both", "left", "right"])
def test_count_window_equals_the_plain_count(weighting, context):
    ids, offsets, n_words = encoded()
    plan = plan_for(ids, offsets, 3, weighting, context)
    counts = count_window(ids, offsets, n_words, plan, n_jobs=1)
    assert counts.has_canonical_format and counts.dtype == np.float64
    np.testing.assert_allclose(counts.toarray(), reference_counts(ids, offsets, n_words, 3, weighting, context),
                               rtol=1e-15)


def test_exact_count_is_the_fixed_point_sum():
    ids, offsets, n_words = encoded()
    plan = plan_for(ids, offsets, 4, "harmonic")
    exact = count_window(ids, offsets, n_words, plan, n_jobs=1, exact=True)
    floats = count_window(ids, offsets, n_words, plan, n_jobs=1)
    assert exact.dtype == np.int64
    np.testing.assert_array_equal(exact.indptr, floats.indptr)
    np.testing.assert_array_equal(exact.indices, floats.indices)
    np.testing.assert_array_equal(exact.data / float(plan.scale), floats.data)


def test_partial_counts_of_pieces_add_up_to_the_whole_count():
    ids, offsets, n_words = encoded(n_docs=60)
    plan = plan_for(ids, offsets, 5, "linear", dtype=np.float32)
    whole = count_window(ids, offsets, n_words, plan, n_jobs=1)
    cuts = [0, 17, 18, 41, 60]  # pieces of whole documents, one of them a single document
    partials = []
    for lo, hi in zip(cuts[:-1], cuts[1:]):
        piece_offsets = offsets[lo:hi + 1] - offsets[lo]
        piece_ids = ids[offsets[lo]:offsets[hi]]
        partials.append(count_tokens(piece_ids, piece_offsets, n_words, plan, n_jobs=1, exact=True))
    total = sum_in_memory(iter(partials), plan, n_jobs=1)
    assert total.dtype == np.float32
    np.testing.assert_array_equal(total.indptr, whole.indptr)
    np.testing.assert_array_equal(total.indices, whole.indices)
    np.testing.assert_array_equal(total.data, whole.data)


def test_threads_give_the_same_count():
    ids, offsets, n_words = encoded(n_docs=300, n_words=30)
    plan = plan_for(ids, offsets, 5, "harmonic", dtype=np.float32)
    one = count_window(ids, offsets, n_words, plan, n_jobs=1)
    two = count_window(ids, offsets, n_words, plan, n_jobs=2)
    assert (one != two).nnz == 0 and np.array_equal(one.indices, two.indices)


def test_subsampling_counts_the_same_draws_wherever_a_piece_starts():
    ids, offsets, n_words = encoded(n_docs=80)
    counts = np.bincount(ids, minlength=n_words)
    plan = make_plan(window=3, weighting="uniform", context="both", dtype=np.float64, n_tokens=len(ids),
                     longest_document=int(np.diff(offsets).max()), subsampling=(counts, 0.05, 0))
    whole = count_tokens(ids, offsets, n_words, plan, n_jobs=1, exact=True)
    cut = 30
    first = count_tokens(ids[:offsets[cut]], offsets[:cut + 1], n_words, plan, n_jobs=1, exact=True)
    second = count_tokens(ids[offsets[cut]:], offsets[cut:] - offsets[cut], n_words, plan, n_jobs=1,
                          first_position=int(offsets[cut]), exact=True)
    np.testing.assert_array_equal((first + second).toarray(), whole.toarray())
    unsampled = count_window(ids, offsets, n_words, plan, n_jobs=1, exact=True)
    assert whole.sum() < unsampled.sum()  # some occurrences were dropped


@pytest.mark.parametrize("n_blocks", [1, 3, 8, 50])
def test_row_blocks_cover_every_row_once(n_blocks):
    starts = np.concatenate([[0], np.cumsum([5, 0, 0, 40, 1, 1, 1, 0, 9])])
    bounds = row_blocks(starts, n_blocks)
    assert bounds[0] == 0 and bounds[-1] == len(starts) - 1
    assert np.all(np.diff(bounds) > 0)
    assert len(bounds) - 1 <= n_blocks


def test_a_count_that_cannot_fit_is_refused_naming_the_window():
    ids, offsets, _ = encoded()
    plan = plan_for(ids, offsets, 3, "harmonic")
    check_result_fits(100, 8, plan)  # fits: nothing happens
    refused = r"has 1000000000000000000 entries.*Lower window \(it reaches 3 tokens here\)"
    with pytest.raises(MemoryError, match=refused):
        check_result_fits(10**18, 8, plan)
