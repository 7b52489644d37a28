"""Numba kernels for windowed co-occurrence counting.

Counts are integers in fixed point: every window weight is an integer number
of ``1 / scale`` units (``scale`` is chosen by the caller), so a cell is an
exact int64 sum.  Integer addition is associative, hence the result does not
depend on the order in which occurrences, threads, corpus shards or spilled
partial counts are added up; the float value ``sum / scale`` is computed once,
at the end.

The count walks rows, not tokens: an inverted index (positions of each word,
built by a counting sort) lets every row be accumulated in a private dense
buffer, so no (word, context) pair list of the corpus is ever materialized.
Rows are counted twice, first for the number of distinct contexts (to size
the CSR arrays exactly), then to fill them.

Which columns a row reached is kept in a two-level bitmap (one bit per
column, one summary bit per 64-column word), not in a list of touched
columns: marking a column is a branch-free OR whatever it held, and walking
the set bits gives the columns already in increasing order, with no sort.
The bitmap of a 73k-word vocabulary is 9 KB and stays in the L1 cache.
"""

import numpy as np
from numba import njit, prange

from numba.cpython.unsafe.numbers import trailing_zeros

from ._common import popcount, splitmix64

_ONE = np.uint64(1)
_LOW6 = np.int64(63)


@njit(cache=True)
def invert_index(ids, n_words, positions):
    """Fill ``positions`` with token positions grouped by word; return row starts.

    Positions of one word are in increasing order (a stable counting sort).
    """
    starts = np.zeros(n_words + 1, dtype=np.int64)
    for i in range(ids.shape[0]):
        starts[ids[i] + 1] += 1
    for w in range(n_words):
        starts[w + 1] += starts[w]
    fill = starts[:-1].copy()
    for i in range(ids.shape[0]):
        w = ids[i]
        positions[fill[w]] = i
        fill[w] += 1
    return starts


@njit(cache=True, inline="always")
def _doc_of(offsets, p, d):
    """Document holding position ``p``, searching forward from document ``d``.

    Positions of a word arrive in increasing order, so a galloping search from
    the previous answer costs O(1) for frequent words and O(log gap) for rare
    ones.
    """
    if offsets[d + 1] > p:
        return d
    n_docs = offsets.shape[0] - 1
    lo = d + 1
    step = 1
    hi = lo + 1
    while hi < n_docs and offsets[hi] <= p:
        lo = hi
        step *= 2
        hi = lo + step
    if hi > n_docs:
        hi = n_docs
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if offsets[mid] <= p:
            lo = mid
        else:
            hi = mid
    return lo


@njit(cache=True)
def empty_bitmap(n_cols):
    """Zeroed two-level bitmap of ``n_cols`` columns: (bits, summary)."""
    n_bits = (n_cols + 63) // 64
    return np.zeros(n_bits, dtype=np.uint64), np.zeros((n_bits + 63) // 64, dtype=np.uint64)


@njit(cache=True, inline="always")
def _mark(bits, summary, c):
    """Set column ``c`` in the bitmap."""
    word = np.int64(c) >> 6
    bits[word] |= _ONE << np.uint64(np.int64(c) & _LOW6)
    summary[word >> 6] |= _ONE << np.uint64(word & _LOW6)


@njit(cache=True, inline="always")
def _count_and_clear(bits, summary):
    """Number of columns set; the bitmap is zero on return."""
    n = 0
    for s in range(summary.shape[0]):
        group = summary[s]
        summary[s] = 0
        while group != 0:
            word = s * 64 + np.int64(trailing_zeros(group))
            group &= group - _ONE
            n += np.int64(popcount(bits[word]))
            bits[word] = 0
    return n


@njit(cache=True, inline="always")
def _write_and_clear(acc, bits, summary, indices, data, start, scale):
    """Write the set columns, in increasing order, from ``start`` on; clear them.

    ``scale > 0``: each sum divided by it (one correctly rounded division);
    otherwise the int64 fixed-point sums themselves.  Returns the number written.
    """
    o = start
    for s in range(summary.shape[0]):
        group = summary[s]
        summary[s] = 0
        while group != 0:
            word = s * 64 + np.int64(trailing_zeros(group))
            group &= group - _ONE
            mask = bits[word]
            bits[word] = 0
            while mask != 0:
                c = word * 64 + np.int64(trailing_zeros(mask))
                mask &= mask - _ONE
                indices[o] = c
                if scale > 0:
                    data[o] = np.float64(acc[c]) / scale
                else:
                    data[o] = acc[c]
                acc[c] = 0
                o += 1
    return o - start


@njit(cache=True, inline="always")
def _accumulate_row(w, corpus, weights, left, right, acc, bits, summary, add):
    """Mark every context of word ``w`` in the bitmap; with ``add``, also sum its weights into ``acc``.

    ``corpus`` is (ids, offsets, positions, starts).
    """
    ids, offsets, positions, starts = corpus
    d = 0
    for k in range(starts[w], starts[w + 1]):
        p = np.int64(positions[k])
        d = _doc_of(offsets, p, d)
        lo = max(p - left, offsets[d])
        hi = min(p + right + 1, offsets[d + 1])
        for q in range(lo, p):
            c = ids[q]
            _mark(bits, summary, c)
            if add:
                acc[c] += weights[p - q]
        for q in range(p + 1, hi):
            c = ids[q]
            _mark(bits, summary, c)
            if add:
                acc[c] += weights[q - p]


@njit(parallel=True, cache=True)
def count_row_nnz(ids, offsets, positions, starts, weights, left, right, block_bounds, row_nnz):
    """Number of distinct contexts of every row, into ``row_nnz``."""
    n_words = starts.shape[0] - 1
    corpus = (ids, offsets, positions, starts)
    for b in prange(block_bounds.shape[0] - 1):
        acc = np.zeros(1, dtype=np.int64)
        bits, summary = empty_bitmap(n_words)
        for w in range(block_bounds[b], block_bounds[b + 1]):
            _accumulate_row(w, corpus, weights, left, right, acc, bits, summary, False)
            row_nnz[w] = _count_and_clear(bits, summary)


@njit(parallel=True, cache=True)
def fill_rows(ids, offsets, positions, starts, weights, left, right, block_bounds, indptr, scale, indices, data):
    """Fill CSR ``indices`` and ``data``.

    ``data`` receives the fixed-point sums themselves when ``scale`` is 0
    (an int64 partial count), else ``sum / scale`` (a float count).  The
    test is the same for every cell, so it costs nothing measurable.
    """
    n_words = starts.shape[0] - 1
    corpus = (ids, offsets, positions, starts)
    for b in prange(block_bounds.shape[0] - 1):
        acc = np.zeros(n_words, dtype=np.int64)
        bits, summary = empty_bitmap(n_words)
        for w in range(block_bounds[b], block_bounds[b + 1]):
            _accumulate_row(w, corpus, weights, left, right, acc, bits, summary, True)
            _write_and_clear(acc, bits, summary, indices, data, indptr[w], scale)


@njit(cache=True)
def subsample(ids, offsets, keep_probability, seed, first_position):
    """Drop tokens at random, keeping token ``i`` with ``keep_probability[ids[i]]``.

    The draw of a token depends only on ``seed`` and its position
    ``first_position + i`` in the whole encoded corpus, so any split of the
    corpus into pieces makes the same draws.  Returns (ids, offsets).
    """
    n = ids.shape[0]
    kept = np.empty(n, dtype=ids.dtype)
    new_offsets = np.empty_like(offsets)
    new_offsets[0] = 0
    j = 0
    d = 0
    seed = np.uint64(seed)
    for i in range(n):
        while offsets[d + 1] <= i:
            d += 1
            new_offsets[d] = j
        prob = keep_probability[ids[i]]
        if prob < 1.0:
            bits = splitmix64(seed ^ splitmix64(np.uint64(first_position + i)))
            # 53 random bits -> uniform in [0, 1)
            u = np.float64(bits >> np.uint64(11)) * (1.0 / 9007199254740992.0)
            if u >= prob:
                continue
        kept[j] = ids[i]
        j += 1
    while d + 1 < offsets.shape[0]:
        d += 1
        new_offsets[d] = j
    return kept[:j].copy(), new_offsets


@njit(cache=True, inline="always")
def _sum_row(r, parts, acc, bits, summary, add):
    """Mark the columns of row ``r`` of every part; with ``add``, also add its values into ``acc``.

    ``parts`` is (indptrs, starts, indices, data) as ``sum_partials`` takes them.
    """
    indptrs, starts, indices, data = parts
    for k in range(indptrs.shape[0]):
        base = starts[k]
        for j in range(indptrs[k, r], indptrs[k, r + 1]):
            c = indices[base + j]
            _mark(bits, summary, c)
            if add:
                acc[c] += data[base + j]


@njit(parallel=True, cache=True)
def _sum_partials_nnz(indptrs, starts, indices, data, n_cols, block_bounds, row_nnz):
    parts = (indptrs, starts, indices, data)
    for b in prange(block_bounds.shape[0] - 1):
        acc = np.zeros(1, dtype=np.int64)
        bits, summary = empty_bitmap(n_cols)
        for r in range(block_bounds[b], block_bounds[b + 1]):
            _sum_row(r, parts, acc, bits, summary, False)
            row_nnz[r] = _count_and_clear(bits, summary)


@njit(parallel=True, cache=True)
def _sum_partials_fill(indptrs, starts, indices, data, n_cols, block_bounds, indptr, out_indices, out_data, scale):
    parts = (indptrs, starts, indices, data)
    for b in prange(block_bounds.shape[0] - 1):
        acc = np.zeros(n_cols, dtype=np.int64)
        bits, summary = empty_bitmap(n_cols)
        for r in range(block_bounds[b], block_bounds[b + 1]):
            _sum_row(r, parts, acc, bits, summary, True)
            _write_and_clear(acc, bits, summary, out_indices, out_data, indptr[r] - indptr[block_bounds[0]], scale)


def sum_partials(indptrs, starts, indices, data, n_cols, block_bounds, out_dtype, scale):
    """Sum several CSR matrices of int64 fixed-point counts with equal shape.

    Parameters
    ----------
    indptrs : int64 array (n_parts, n_rows + 1)
        Row pointers of each part, relative to the part's start.
    starts : int64 array (n_parts,)
        Where each part begins in ``indices`` / ``data``.
    indices, data : int32, int64 arrays
        The parts' column indices and sums, concatenated.
    block_bounds : int64 array
        Row blocks counted in parallel.
    out_dtype : dtype
        int64 to keep exact sums, or a float dtype for ``sum / scale``.

    Returns indptr, indices, data of the sum (rows ``block_bounds[0]`` to
    ``block_bounds[-1]``).
    """
    n_rows = indptrs.shape[1] - 1
    row_nnz = np.zeros(n_rows, dtype=np.int64)
    _sum_partials_nnz(indptrs, starts, indices, data, n_cols, block_bounds, row_nnz)
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(row_nnz, out=indptr[1:])
    nnz = int(indptr[block_bounds[-1]] - indptr[block_bounds[0]])
    out_indices = np.empty(nnz, dtype=np.int32)
    out_data = np.empty(nnz, dtype=out_dtype)
    is_float = np.dtype(out_dtype).kind == "f"
    _sum_partials_fill(
        indptrs, starts, indices, data, n_cols, block_bounds, indptr, out_indices, out_data,
        float(scale) if is_float else 0.0,
    )
    return indptr, out_indices, out_data


@njit(parallel=True, cache=True)
def _add_pair_nnz(a_indptr, a_indices, b_indptr, b_indices, row_nnz):
    for r in prange(a_indptr.shape[0] - 1):
        i, i_end = a_indptr[r], a_indptr[r + 1]
        j, j_end = b_indptr[r], b_indptr[r + 1]
        n = 0
        while i < i_end and j < j_end:
            if a_indices[i] < b_indices[j]:
                i += 1
            elif a_indices[i] > b_indices[j]:
                j += 1
            else:
                i += 1
                j += 1
            n += 1
        row_nnz[r] = n + (i_end - i) + (j_end - j)


@njit(parallel=True, cache=True)
def _add_pair_fill(a_indptr, a_indices, a_data, b_indptr, b_indices, b_data, indptr, indices, data, scale):
    for r in prange(a_indptr.shape[0] - 1):
        i, i_end = a_indptr[r], a_indptr[r + 1]
        j, j_end = b_indptr[r], b_indptr[r + 1]
        o = indptr[r]
        while i < i_end or j < j_end:
            if j == j_end or (i < i_end and a_indices[i] < b_indices[j]):
                c = a_indices[i]
                value = a_data[i]
                i += 1
            elif i == i_end or a_indices[i] > b_indices[j]:
                c = b_indices[j]
                value = b_data[j]
                j += 1
            else:
                c = a_indices[i]
                value = a_data[i] + b_data[j]
                i += 1
                j += 1
            indices[o] = c
            if scale > 0:
                data[o] = np.float64(value) / scale
            else:
                data[o] = value
            o += 1


def add_pair(a, b, out_dtype, scale):
    """Sum of two canonical CSR matrices of int64 fixed-point counts.

    Returns (indptr, indices, data): int64 sums, or ``sum / scale`` when
    ``out_dtype`` is a float type.
    """
    n_rows = len(a.indptr) - 1
    row_nnz = np.empty(n_rows, dtype=np.int64)
    _add_pair_nnz(a.indptr, a.indices, b.indptr, b.indices, row_nnz)
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(row_nnz, out=indptr[1:])
    indices = np.empty(int(indptr[-1]), dtype=np.int32)
    data = np.empty(int(indptr[-1]), dtype=out_dtype)
    is_float = np.dtype(out_dtype).kind == "f"
    _add_pair_fill(a.indptr, a.indices, a.data, b.indptr, b.indices, b.data, indptr, indices, data,
                   float(scale) if is_float else 0.0)
    return indptr, indices, data
