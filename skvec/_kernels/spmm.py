"""Sparse (CSR) times dense-block products, parallel over rows.

scipy's sparse matrix product runs on one thread; the truncated SVD of a
vocabulary-sized SPPMI matrix spends most of its time in these products, so
they are spread over Numba threads.  Rows are grouped into chunks holding
about the same number of non-zeros, because word rows are Zipf-skewed: an
even split of rows would give one thread all the frequent words.
"""

import numpy as np
from numba import njit, prange

# Chunks per thread: enough to even out the skew, few enough to be cheap.
_CHUNKS_PER_THREAD = 16


@njit(cache=True)
def balanced_row_chunks(indptr, n_chunks):
    """Row boundaries splitting a CSR matrix into chunks of similar nnz.

    Returns an int64 array ``bounds`` of length ``n + 1`` (``n <= n_chunks``);
    chunk ``c`` is rows ``bounds[c]:bounds[c + 1]``.
    """
    n_rows = len(indptr) - 1
    nnz = indptr[n_rows] - indptr[0]
    bounds = np.empty(n_chunks + 1, dtype=np.int64)
    bounds[0] = 0
    n = 1
    row = 0
    for c in range(1, n_chunks):
        target = indptr[0] + (nnz * c) // n_chunks
        while row < n_rows and indptr[row] < target:
            row += 1
        if row > bounds[n - 1]:
            bounds[n] = row
            n += 1
    if n_rows > bounds[n - 1] or n == 1:
        bounds[n] = n_rows
        n += 1
    return bounds[:n]


@njit(parallel=True, cache=True)
def csr_times_dense(indptr, indices, data, dense, bounds, out):
    """``out = A @ dense`` for the CSR matrix ``A = (data, indices, indptr)``.

    ``dense`` is C-contiguous ``(n_cols_A, k)``; ``out`` is C-contiguous
    ``(n_rows_A, k)`` and is overwritten.  ``bounds`` comes from
    :func:`balanced_row_chunks`.
    """
    k = dense.shape[1]
    for c in prange(len(bounds) - 1):
        for i in range(bounds[c], bounds[c + 1]):
            row_out = out[i]
            for j in range(k):
                row_out[j] = 0.0
            p = indptr[i]
            end = indptr[i + 1]
            # Four non-zeros per pass over the output row: a quarter of the
            # loads and stores of the output (about 40% faster than one).
            while p + 4 <= end:
                v0 = data[p]
                v1 = data[p + 1]
                v2 = data[p + 2]
                v3 = data[p + 3]
                r0 = dense[indices[p]]
                r1 = dense[indices[p + 1]]
                r2 = dense[indices[p + 2]]
                r3 = dense[indices[p + 3]]
                for j in range(k):
                    row_out[j] += (v0 * r0[j] + v1 * r1[j]) + (v2 * r2[j] + v3 * r3[j])
                p += 4
            while p < end:
                value = data[p]
                row_in = dense[indices[p]]
                for j in range(k):
                    row_out[j] += value * row_in[j]
                p += 1


def chunk_count(n_threads):
    """How many row chunks to cut for ``n_threads`` threads."""
    return max(1, n_threads) * _CHUNKS_PER_THREAD
