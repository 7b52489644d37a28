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
Rows are counted once into room sized by a bound of their entries (each
occurrence adds at most ``left + right`` columns, a row holds at most every
word), and the blocks of rows are then copied together; when that bound does
not fit in memory, rows are counted twice instead, first for the number of
distinct contexts (to size the CSR arrays exactly), then to fill them.
"""

import numpy as np
from numba import njit, prange

from ._common import splitmix64

# A row whose number of distinct contexts exceeds n_words / _DENSE_ROW is
# emitted by scanning its dense buffer instead of sorting its touched list.
_DENSE_ROW = 16


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


@njit(cache=True, inline="always")
def _accumulate_row(w, ids, offsets, positions, starts, weights, left, right, acc, touched):
    """Add the window weights of every context of word ``w`` into ``acc``.

    ``acc`` is zero on entry; columns first reached are appended to
    ``touched`` (weights are positive, so a zero cell means untouched).
    Returns the number of distinct columns.
    """
    n = 0
    d = 0
    for k in range(starts[w], starts[w + 1]):
        p = np.int64(positions[k])
        d = _doc_of(offsets, p, d)
        lo = max(p - left, offsets[d])
        hi = min(p + right + 1, offsets[d + 1])
        for q in range(lo, p):
            c = ids[q]
            if acc[c] == 0:
                touched[n] = c
                n += 1
            acc[c] += weights[p - q]
        for q in range(p + 1, hi):
            c = ids[q]
            if acc[c] == 0:
                touched[n] = c
                n += 1
            acc[c] += weights[q - p]
    return n


@njit(parallel=True, cache=True)
def count_row_nnz(ids, offsets, positions, starts, weights, left, right, block_bounds, row_nnz):
    """Number of distinct contexts of every row, into ``row_nnz``."""
    n_words = starts.shape[0] - 1
    for b in prange(block_bounds.shape[0] - 1):
        acc = np.zeros(n_words, dtype=np.int64)
        touched = np.empty(n_words, dtype=np.int32)
        for w in range(block_bounds[b], block_bounds[b + 1]):
            n = _accumulate_row(w, ids, offsets, positions, starts, weights, left, right, acc, touched)
            row_nnz[w] = n
            for i in range(n):
                acc[touched[i]] = 0


@njit(cache=True, inline="always")
def _emit_order(acc, touched, n, n_words):
    """Columns of the current row in increasing order."""
    if n * _DENSE_ROW > n_words:
        j = 0
        for c in range(n_words):
            if acc[c] != 0:
                touched[j] = c
                j += 1
    else:
        touched[:n].sort()


@njit(cache=True, inline="always")
def _write_row(acc, touched, n, indices, data, start, scale):
    """Write a row's ``n`` touched columns from ``start`` on and clear them in ``acc``.

    ``scale > 0``: each sum divided by it (one correctly rounded division);
    otherwise the int64 fixed-point sums themselves.
    """
    for i in range(n):
        c = touched[i]
        indices[start + i] = c
        if scale > 0:
            data[start + i] = np.float64(acc[c]) / scale
        else:
            data[start + i] = acc[c]
        acc[c] = 0


@njit(parallel=True, cache=True)
def fill_rows(ids, offsets, positions, starts, weights, left, right, block_bounds, indptr, scale, indices, data):
    """Fill CSR ``indices`` and ``data``.

    ``data`` receives the fixed-point sums themselves when ``scale`` is 0
    (an int64 partial count), else ``sum / scale`` (a float count).  The
    test is the same for every cell, so it costs nothing measurable.
    """
    n_words = starts.shape[0] - 1
    for b in prange(block_bounds.shape[0] - 1):
        acc = np.zeros(n_words, dtype=np.int64)
        touched = np.empty(n_words, dtype=np.int32)
        for w in range(block_bounds[b], block_bounds[b + 1]):
            n = _accumulate_row(w, ids, offsets, positions, starts, weights, left, right, acc, touched)
            _emit_order(acc, touched, n, n_words)
            _write_row(acc, touched, n, indices, data, indptr[w], scale)


@njit(cache=True)
def _narrow_occurrences(weights, left, right):
    """Occurrences up to which a row's sums fit in an int32 accumulator.

    One occurrence adds at most the weights of both sides to a cell, so a
    word seen at most this many times has every cell below ``2**31``.  Most
    rows are such: their accumulator is half the size, and fits the caches
    better.
    """
    per_occurrence = 0
    for d in range(1, left + 1):
        per_occurrence += weights[d]
    for d in range(1, right + 1):
        per_occurrence += weights[d]
    return (2**31 - 1) // max(per_occurrence, 1)


@njit(parallel=True, cache=True)
def fill_rows_once(ids, offsets, positions, starts, weights, left, right, layout, scale, indices, data, row_nnz):
    """Count and write the rows in one pass, each row block from its own start.

    ``layout[0]`` are the row blocks, ``layout[1, b]`` where block ``b``
    writes its rows, one after the other, in ``indices`` and ``data`` (the
    caller leaves room for a bound of the block's entries).  ``row_nnz``
    receives the number of entries of every row.  ``scale`` as in
    ``fill_rows``.  The caller then copies the blocks one after the other
    into the CSR arrays.
    """
    n_words = starts.shape[0] - 1
    narrow = _narrow_occurrences(weights, left, right)
    for b in prange(layout.shape[1] - 1):
        wide = np.zeros(n_words, dtype=np.int64)
        acc = np.zeros(n_words, dtype=np.int32)
        touched = np.empty(n_words, dtype=np.int32)
        start = layout[1, b]
        for w in range(layout[0, b], layout[0, b + 1]):
            if starts[w + 1] - starts[w] <= narrow:
                n = _accumulate_row(w, ids, offsets, positions, starts, weights, left, right, acc, touched)
                _emit_order(acc, touched, n, n_words)
                _write_row(acc, touched, n, indices, data, start, scale)
            else:
                n = _accumulate_row(w, ids, offsets, positions, starts, weights, left, right, wide, touched)
                _emit_order(wide, touched, n, n_words)
                _write_row(wide, touched, n, indices, data, start, scale)
            row_nnz[w] = n
            start += n


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
def _sum_row(r, indptrs, starts, indices, data, acc, touched):
    """Add row ``r`` of every part into ``acc`` (zero on entry); return its distinct columns.

    Columns first reached are appended to ``touched`` (partial sums are
    positive, so a zero cell means untouched).
    """
    n = 0
    for k in range(indptrs.shape[0]):
        base = starts[k]
        for j in range(indptrs[k, r], indptrs[k, r + 1]):
            c = indices[base + j]
            if acc[c] == 0:
                touched[n] = c
                n += 1
            acc[c] += data[base + j]
    return n


@njit(parallel=True, cache=True)
def _sum_partials_nnz(indptrs, starts, indices, data, n_cols, block_bounds, row_nnz):
    for b in prange(block_bounds.shape[0] - 1):
        acc = np.zeros(n_cols, dtype=np.int64)
        touched = np.empty(n_cols, dtype=np.int32)
        for r in range(block_bounds[b], block_bounds[b + 1]):
            n = _sum_row(r, indptrs, starts, indices, data, acc, touched)
            row_nnz[r] = n
            for i in range(n):
                acc[touched[i]] = 0


@njit(parallel=True, cache=True)
def _sum_partials_fill(indptrs, starts, indices, data, n_cols, block_bounds, indptr, out_indices, out_data, scale):
    for b in prange(block_bounds.shape[0] - 1):
        acc = np.zeros(n_cols, dtype=np.int64)
        touched = np.empty(n_cols, dtype=np.int32)
        for r in range(block_bounds[b], block_bounds[b + 1]):
            n = _sum_row(r, indptrs, starts, indices, data, acc, touched)
            _emit_order(acc, touched, n, n_cols)
            _write_row(acc, touched, n, out_indices, out_data, indptr[r] - indptr[block_bounds[0]], scale)


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
