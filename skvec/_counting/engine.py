"""Window counting of an encoded corpus into CSR matrices.

Everything here takes an encoded corpus (int32 ids, int64 document offsets)
and a ``CountPlan``; partial counts are int64 fixed-point CSR matrices that
can be added in any order, and only the last step divides by the plan's
scale.
"""

import mmap

import numpy as np
import scipy.sparse as sp

from .._kernels import cooccurrence as kernels
from .._threads import numba_threads
from .._validation import memory_shortfall

# The kernels a count calls (each compiled on its first use).
COUNTING_KERNELS = (kernels.invert_index, kernels.fill_rows_once)
# Parallel row blocks per thread: enough to even out rows of unequal work.
BLOCKS_PER_THREAD = 4
# Entries copied from a one-pass count's room into the matrix between two
# releases of the room's pages (32 MiB of int64 values).
COPY_ENTRIES = 1 << 22
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


def entry_bounds(occurrences, reach):
    """An upper bound of the entries of every row, from the occurrences of each word.

    Each occurrence adds at most ``reach`` (``left + right``) columns, and a
    row holds at most the number of distinct words of the piece.
    ``spill.chunks`` sizes its chunks by the same bound.
    """
    occurrences = np.asarray(occurrences, dtype=np.int64)
    return np.minimum(occurrences * reach, np.count_nonzero(occurrences))


def one_pass_fits(bound, value_bytes, max_bytes=None):
    """Whether room for ``bound`` entries fits in ``max_bytes`` (default: this machine's memory)."""
    needed = bound * (INDEX_BYTES + value_bytes)
    if max_bytes is not None:
        return needed <= max_bytes
    return memory_shortfall(needed) is None


def reserved(n_items, dtype):
    """An uninitialized array of ``n_items`` whose pages take memory only once written.

    Returns ``(array, buffer)``: an anonymous memory map and an array over
    it; :func:`release` gives pages of it back before the map is closed.
    """
    dtype = np.dtype(dtype)
    size = max(n_items * dtype.itemsize, mmap.PAGESIZE)
    # Private, so that released pages go back to the system (a shared map
    # would keep them in its backing store).
    private = {"flags": mmap.MAP_PRIVATE} if hasattr(mmap, "MAP_PRIVATE") else {}
    buffer = mmap.mmap(-1, size, **private)
    return np.frombuffer(buffer, dtype=dtype, count=n_items), buffer


def release(buffer, start, stop):
    """Give back to the system the whole pages of bytes ``start:stop`` of a reserved buffer (where it can)."""
    start, stop = int(start), int(stop)
    first = -(-start // mmap.PAGESIZE) * mmap.PAGESIZE
    last = stop // mmap.PAGESIZE * mmap.PAGESIZE
    if last > first and hasattr(mmap, "MADV_DONTNEED"):
        buffer.madvise(mmap.MADV_DONTNEED, first, last - first)


def fill_once(ids, offsets, positions, starts, plan, blocks, bounds, scale, data_dtype):
    """Count every row in one pass; returns (indptr, indices, data).

    Each row block writes its rows into room for its bound of entries
    (reserved memory: unwritten pages cost nothing), then the blocks are
    copied one after the other into the CSR arrays, ``COPY_ENTRIES`` at a
    time, each piece's room given back once copied: the matrix is held
    about once, not twice.
    """
    n_words = len(starts) - 1
    room = np.zeros(n_words + 1, dtype=np.int64)
    np.cumsum(bounds, out=room[1:])
    layout = np.stack([blocks, room[blocks]])
    room_indices, indices_buffer = reserved(int(room[-1]), np.int32)
    room_data, data_buffer = reserved(int(room[-1]), data_dtype)
    row_nnz = np.zeros(n_words, dtype=np.int64)
    kernels.fill_rows_once(ids, offsets, positions, starts, plan.weights, plan.left, plan.right, layout, scale,
                           room_indices, room_data, row_nnz)
    indptr = np.zeros(n_words + 1, dtype=np.int64)
    np.cumsum(row_nnz, out=indptr[1:])
    nnz = int(indptr[-1])
    indices = np.empty(nnz, dtype=np.int32)
    data = np.empty(nnz, dtype=data_dtype)
    for b in range(len(blocks) - 1):
        shift = int(layout[1, b] - indptr[blocks[b]])
        for first in range(int(indptr[blocks[b]]), int(indptr[blocks[b + 1]]), COPY_ENTRIES):
            last = min(first + COPY_ENTRIES, int(indptr[blocks[b + 1]]))
            indices[first:last] = room_indices[first + shift : last + shift]
            data[first:last] = room_data[first + shift : last + shift]
            release(indices_buffer, (first + shift) * 4, (last + shift) * 4)
            release(data_buffer, (first + shift) * data_dtype.itemsize, (last + shift) * data_dtype.itemsize)
    del room_indices, room_data
    indices_buffer.close()
    data_buffer.close()
    return indptr.astype(np.int32 if nnz < 2**31 else np.int64, copy=False), indices, data


def size_and_fill(ids, offsets, positions, starts, plan, blocks, scale, data_dtype):
    """Count every row twice: for its number of entries, then to fill it; returns (indptr, indices, data)."""
    n_words = len(starts) - 1
    row_nnz = np.zeros(n_words, dtype=np.int64)
    kernels.count_row_nnz(ids, offsets, positions, starts, plan.weights, plan.left, plan.right, blocks, row_nnz)
    nnz = int(row_nnz.sum())
    check_result_fits(nnz, data_dtype.itemsize, plan)
    indptr = np.zeros(n_words + 1, dtype=np.int32 if nnz < 2**31 else np.int64)
    np.cumsum(row_nnz, out=indptr[1:])
    del row_nnz
    indices = np.empty(nnz, dtype=np.int32)
    data = np.empty(nnz, dtype=data_dtype)
    kernels.fill_rows(ids, offsets, positions, starts, plan.weights, plan.left, plan.right, blocks, indptr, scale,
                      indices, data)
    return indptr, indices, data


def count_window(ids, offsets, n_words, plan, n_jobs, exact=False, max_bytes=None, one_pass=True):
    """Count the co-occurrences of an encoded corpus, already subsampled.

    Returns a canonical CSR matrix: of the plan's dtype holding
    ``sum / scale``, or, with ``exact``, the int64 fixed-point sums
    themselves (a partial count that can be added to others).

    The rows are counted in one pass when room for the bound of their
    entries (``entry_bounds``) fits in ``max_bytes`` (default: this
    machine's memory), else, or without ``one_pass``, in two passes that
    size the arrays exactly first.  Both give the same matrix, bit for bit.
    """
    n_tokens = len(ids)
    positions = np.empty(n_tokens, dtype=np.int32 if n_tokens < 2**31 else np.int64)
    data_dtype = np.dtype(np.int64) if exact else plan.dtype
    scale = 0.0 if exact else float(plan.scale)
    with numba_threads(n_jobs) as n_threads:
        starts = kernels.invert_index(ids, n_words, positions)
        blocks = thread_blocks(starts, n_threads)
        bounds = entry_bounds(np.diff(starts), plan.left + plan.right)
        if one_pass and one_pass_fits(int(bounds.sum()), data_dtype.itemsize, max_bytes):
            arrays = fill_once(ids, offsets, positions, starts, plan, blocks, bounds, scale, data_dtype)
        else:
            arrays = size_and_fill(ids, offsets, positions, starts, plan, blocks, scale, data_dtype)
    del positions
    return canonical_csr((n_words, n_words), *arrays)


def count_tokens(ids, offsets, n_words, plan, n_jobs, first_position=0, exact=False, max_bytes=None):
    """Subsample (as the plan says) and count an encoded corpus piece (``max_bytes`` as in ``count_window``)."""
    ids, offsets = subsampled(ids, offsets, plan, first_position)
    return count_window(ids, offsets, n_words, plan, n_jobs, exact=exact, max_bytes=max_bytes)


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
