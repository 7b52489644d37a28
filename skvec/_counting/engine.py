"""Window counting of an encoded corpus into CSR matrices."""

import numpy as np
import scipy.sparse as sp

from .._kernels import cooccurrence as kernels
from .._threads import numba_threads

# Parallel row blocks per thread: enough to even out rows of unequal work.
BLOCKS_PER_THREAD = 4


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


def count_window(ids, offsets, n_words, weights, left, right, n_jobs, scale=None, dtype=np.float32):
    """Count the co-occurrences of an encoded corpus.

    With ``scale``, returns a canonical CSR matrix of ``dtype`` holding
    ``sum / scale``; without, the exact int64 fixed-point sums (partial
    counts that can be added to others).
    """
    n_tokens = len(ids)
    positions = np.empty(n_tokens, dtype=np.int32 if n_tokens < 2**31 else np.int64)
    with numba_threads(n_jobs) as n_threads:
        starts = kernels.invert_index(ids, n_words, positions)
        blocks = thread_blocks(starts, n_threads)
        row_nnz = np.zeros(n_words, dtype=np.int64)
        kernels.count_row_nnz(ids, offsets, positions, starts, weights, left, right, blocks, row_nnz)
        nnz = int(row_nnz.sum())
        index_dtype = np.int32 if nnz < 2**31 else np.int64
        indptr = np.zeros(n_words + 1, dtype=index_dtype)
        np.cumsum(row_nnz, out=indptr[1:])
        del row_nnz
        indices = np.empty(nnz, dtype=np.int32)
        if scale is None:
            data = np.empty(nnz, dtype=np.int64)
            kernels.fill_rows_exact(
                ids, offsets, positions, starts, weights, left, right, blocks, indptr, indices, data
            )
        else:
            data = np.empty(nnz, dtype=dtype)
            kernels.fill_rows_scaled(
                ids, offsets, positions, starts, weights, left, right, blocks, indptr, float(scale),
                indices, data,
            )
    del positions
    return canonical_csr((n_words, n_words), indptr, indices, data)
