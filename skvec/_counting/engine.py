"""Window counting of an encoded corpus into CSR matrices.

Everything here takes an encoded corpus (int32 ids, int64 document offsets)
and a ``CountPlan``; partial counts are int64 fixed-point CSR matrices that
can be added in any order, and only the last step divides by the plan's
scale.
"""

import numpy as np
import scipy.sparse as sp

from .._kernels import cooccurrence as kernels
from .._threads import numba_threads
from .._validation import memory_shortfall

# The kernels a count calls (each compiled on its first use).
COUNTING_KERNELS = (kernels.invert_index, kernels.count_row_nnz, kernels.fill_rows)
# Parallel row blocks per thread: enough to even out rows of unequal work.
BLOCKS_PER_THREAD = 4
# Bytes of one stored entry besides its value: the int32 column index.
INDEX_BYTES = 4


def canonical_csr(shape, indptr, indices, data):
    """A CSR matrix over arrays already in canonical form (sorted, no duplicates).

    The arrays are assigned directly, which skips scipy's index checks and
    copies; the row pointers get the narrowest type that holds the entries.
    """
    matrix = sp.csr_matrix(shape, dtype=data.dtype)
    index_dtype = np.int32 if len(indices) < 2**31 else np.int64
    matrix.data, matrix.indices, matrix.indptr = data, indices, indptr.astype(index_dtype, copy=False)
    matrix.has_sorted_indices = True
    matrix.has_canonical_format = True
    return matrix


def scaled(matrix, scale, dtype):
    """Float copy of an int64 fixed-point count (same arithmetic as the kernels)."""
    data = (matrix.data.astype(np.float64) / float(scale)).astype(dtype)
    return canonical_csr(matrix.shape, matrix.indptr, matrix.indices, data)


def row_blocks(starts, n_blocks):
    """Contiguous row ranges of about equal number of occurrences.

    ``starts`` are cumulative occurrences (or entries) per row, starting at 0.
    """
    n_words = len(starts) - 1
    targets = np.linspace(0, starts[-1], n_blocks + 1)
    bounds = np.searchsorted(starts, targets, side="left").astype(np.int64)
    bounds[0], bounds[-1] = 0, n_words
    bounds = np.minimum(np.maximum.accumulate(bounds), n_words)
    return np.unique(bounds)


def thread_blocks(starts, n_threads):
    """Row blocks for ``n_threads`` parallel threads."""
    return row_blocks(starts, n_threads * BLOCKS_PER_THREAD)


def check_result_fits(nnz, value_bytes, plan):
    """Raise a MemoryError, before allocating, when the count cannot fit in memory."""
    needed = nnz * (INDEX_BYTES + value_bytes)
    available = memory_shortfall(needed)
    if available is None:
        return
    raise MemoryError(
        f"The co-occurrence matrix has {nnz} entries and needs {needed / 2**30:.1f} GiB, more than the "
        f"{available / 2**30:.1f} GiB of memory of this machine. Lower window (it reaches {max(plan.left, plan.right)} "
        "tokens here) or the vocabulary (min_count, max_vocab_size); max_memory bounds the counting, "
        "not the matrix it returns."
    )


def subsampled(ids, offsets, plan, first_position=0):
    """The plan's subsampling of an encoded corpus piece starting at ``first_position``."""
    if plan.keep is None:
        return ids, offsets
    return kernels.subsample(ids, offsets, plan.keep, plan.seed, first_position)


def count_window(ids, offsets, n_words, plan, n_jobs, exact=False):
    """Count the co-occurrences of an encoded corpus, already subsampled.

    Returns a canonical CSR matrix: of the plan's dtype holding
    ``sum / scale``, or, with ``exact``, the int64 fixed-point sums
    themselves (a partial count that can be added to others).
    """
    n_tokens = len(ids)
    positions = np.empty(n_tokens, dtype=np.int32 if n_tokens < 2**31 else np.int64)
    data_dtype = np.dtype(np.int64) if exact else plan.dtype
    with numba_threads(n_jobs) as n_threads:
        starts = kernels.invert_index(ids, n_words, positions)
        blocks = thread_blocks(starts, n_threads)
        row_nnz = np.zeros(n_words, dtype=np.int64)
        kernels.count_row_nnz(ids, offsets, positions, starts, plan.weights, plan.left, plan.right, blocks, row_nnz)
        nnz = int(row_nnz.sum())
        check_result_fits(nnz, data_dtype.itemsize, plan)
        indptr = np.zeros(n_words + 1, dtype=np.int32 if nnz < 2**31 else np.int64)
        np.cumsum(row_nnz, out=indptr[1:])
        del row_nnz
        indices = np.empty(nnz, dtype=np.int32)
        data = np.empty(nnz, dtype=data_dtype)
        kernels.fill_rows(
            ids, offsets, positions, starts, plan.weights, plan.left, plan.right, blocks, indptr,
            0.0 if exact else float(plan.scale), indices, data,
        )
    del positions
    return canonical_csr((n_words, n_words), indptr, indices, data)


def count_tokens(ids, offsets, n_words, plan, n_jobs, first_position=0, exact=False):
    """Subsample (as the plan says) and count an encoded corpus piece."""
    ids, offsets = subsampled(ids, offsets, plan, first_position)
    return count_window(ids, offsets, n_words, plan, n_jobs, exact=exact)


def sum_in_memory(partials, plan, n_jobs):
    """Add int64 partial counts as they arrive; the last addition writes the floats."""
    total = pending = None
    with numba_threads(n_jobs):
        for partial in partials:
            if pending is not None:
                total = pending if total is None else _add(total, pending, np.int64, 0)
            pending = partial
        if total is None:
            return scaled(pending, plan.scale, plan.dtype)
        return _add(total, pending, plan.dtype, plan.scale)


def _add(a, b, dtype, scale):
    return canonical_csr(a.shape, *kernels.add_pair(a, b, dtype, scale))
