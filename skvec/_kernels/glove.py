"""Numba kernels for GloVe: AdaGrad over the non-zeros of a co-occurrence matrix.

The update is the one of the Stanford GloVe tool (``glove.c``): for a non-zero
``x`` at ``(i, j)``

    diff  = w_i . c_j + b_i + b~_j - log x
    fdiff = f(x) * diff,   f(x) = min(1, (x / x_max) ** alpha)
    cost += 0.5 * fdiff * diff

then, for every component ``k``, with the squared-gradient accumulators ``G``
(initialised to 1):

    g  = clip(fdiff * c_jk, +-grad_clip) * eta      (and symmetrically for c_jk)
    w_ik -= g / sqrt(G_ik);   G_ik += g * g

and for the biases ``b_i -= fdiff / sqrt(Gb_i);  Gb_i += fdiff ** 2`` (the tool
applies no learning rate to the bias steps).

Memory layout.  A model side (words or contexts) is one float32 array of shape
``(n, 2 * stride)``: row ``r`` holds the vector in ``[0, d)``, the bias at
``d``, and the accumulators of both at ``[stride, stride + d]``.  One update
then touches two contiguous stretches of memory instead of four scattered ones,
which is what matters: the parameters are much larger than the caches and
each update is a random access.  The rows of the entries a little ahead are
prefetched, so that several of these misses are in flight at once.

Order.  The non-zeros are stored as parallel arrays (row, column, log value),
shuffled once at the start of a fit.  An epoch visits fixed-size blocks of them
in a new random order; each block (small enough to stay in L2) is reshuffled in
place just before it is visited.  So every epoch sees a fresh random order while
the shuffling costs only cache-local work.  Threads take disjoint runs of the
block order (Hogwild: the parameter updates are unsynchronised, as in the C
tool).
"""

import numpy as np
from llvmlite import ir
from numba import njit, prange
from numba.core import cgutils, types
from numba.extending import intrinsic

# Float flags that allow vectorising the d-loops (reassociation, reciprocal and
# fast approximations) but keep NaN/inf semantics, so finiteness tests survive.
_FASTMATH = {"nsz", "arcp", "contract", "afn", "reassoc"}
# error_model="numpy" below: Python's zero-division check on every float
# division would keep the d-loops scalar (the accumulators are >= 1 anyway).


# How many entries ahead the parameter rows are prefetched: the rows of one
# entry are a cache miss each, and issuing the next entries' misses while the
# current one computes roughly halves the time of an epoch.
_PREFETCH_DISTANCE = 2
_CACHE_LINE = 64

_I8_PTR = ir.IntType(8).as_pointer()
# The intrinsic's name carries its pointer type, spelled differently with
# LLVM's opaque pointers.
_PREFETCH_NAME = "llvm.prefetch.p0" if str(_I8_PTR) == "ptr" else "llvm.prefetch.p0i8"


@intrinsic
def _prefetch(typingctx, array, row, offset):
    """Hint the CPU to fetch byte ``offset`` of ``array[row]`` for writing."""
    sig = types.void(array, row, offset)

    def codegen(context, builder, signature, args):
        array_type, row_type, offset_type = signature.args
        view = context.make_array(array_type)(context, builder, args[0])
        row_stride = builder.extract_value(view.strides, 0)
        row_index = context.cast(builder, args[1], row_type, types.intp)
        byte = context.cast(builder, args[2], offset_type, types.intp)
        address = builder.gep(
            builder.bitcast(view.data, _I8_PTR), [builder.add(builder.mul(row_index, row_stride), byte)]
        )
        int32 = ir.IntType(32)
        function = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(ir.VoidType(), [_I8_PTR, int32, int32, int32]), _PREFETCH_NAME
        )
        # write access, keep in all cache levels, data cache
        builder.call(function, [address, ir.Constant(int32, 1), ir.Constant(int32, 3), ir.Constant(int32, 1)])
        return context.get_dummy_value()

    return sig, codegen


@njit(inline="always")
def _next(state):
    """xorshift64* step; ``state`` is a 1-element uint64 array."""
    x = state[0]
    x ^= x >> np.uint64(12)
    x ^= x << np.uint64(25)
    x ^= x >> np.uint64(27)
    state[0] = x
    return x * np.uint64(2685821657736338717)


@njit(inline="always")
def _below(state, n):
    """Uniform integer in ``[0, n)`` for ``n < 2**32`` (multiply-shift)."""
    return np.int64(((_next(state) >> np.uint64(32)) * np.uint64(n)) >> np.uint64(32))


@njit(cache=True)
def shuffle_entries(rows, cols, logx, seed):
    """Fisher-Yates shuffle of the three parallel entry arrays, in place."""
    state = np.empty(1, dtype=np.uint64)
    state[0] = np.uint64(seed)
    n = rows.shape[0]
    for k in range(n - 1, 0, -1):
        j = _below(state, k + 1)
        rows[k], rows[j] = rows[j], rows[k]
        cols[k], cols[j] = cols[j], cols[k]
        logx[k], logx[j] = logx[j], logx[k]


@njit(cache=True, fastmath=_FASTMATH, error_model="numpy")
def _update(w, c, lx, d, stride, eta, grad_clip, log_x_max, alpha):
    """One AdaGrad step on the non-zero with log value ``lx`` between rows ``w``
    and ``c``; return its weighted cost ``0.5 f diff**2`` (NaN if skipped)."""
    dot = np.float32(0.0)
    for k in range(d):
        dot += w[k] * c[k]
    diff = dot + w[d] + c[d] - lx
    if lx >= log_x_max:
        fdiff = diff
    else:
        fdiff = np.float32(np.exp(alpha * (lx - log_x_max))) * diff
    # A non-finite residual means the parameters have diverged; skip the step
    # (as the C tool does) and let the caller report it.
    if not (abs(fdiff) < np.inf):
        return np.nan
    cost = 0.5 * np.float64(fdiff) * np.float64(diff)
    for k in range(d):
        gw = min(max(fdiff * c[k], -grad_clip), grad_clip) * eta
        gc = min(max(fdiff * w[k], -grad_clip), grad_clip) * eta
        w[k] -= gw / np.sqrt(w[stride + k])
        c[k] -= gc / np.sqrt(c[stride + k])
        w[stride + k] += gw * gw
        c[stride + k] += gc * gc
    w[d] -= fdiff / np.sqrt(w[stride + d])
    c[d] -= fdiff / np.sqrt(c[stride + d])
    fdiff2 = fdiff * fdiff
    w[stride + d] += fdiff2
    c[stride + d] += fdiff2
    return cost


@njit(cache=True, parallel=True, error_model="numpy")
def glove_blocks(
    word_params,
    context_params,
    rows,
    cols,
    logx,
    block_order,
    block_size,
    n_components,
    learning_rate,
    grad_clip,
    x_max,
    alpha,
    seeds,
    shuffle,
    costs,
    skipped,
):
    """Visit the entry blocks listed in ``block_order``, updating in place.

    Parameters
    ----------
    word_params, context_params : float32 arrays (n_rows, 2 * stride), (n_cols, 2 * stride)
        Vectors, biases and their AdaGrad accumulators (see the module notes).
    rows, cols : int32 arrays (nnz,)
        Entry coordinates.
    logx : float32 array (nnz,)
        Log of the entry values.
    block_order : int64 array
        Blocks to visit; block ``b`` is entries ``[b * block_size, (b + 1) * block_size)``.
    seeds : uint64 array (n_chunks,)
        One RNG seed per chunk; the block order is cut into ``n_chunks``
        contiguous runs processed in parallel.
    shuffle : bool
        Reshuffle each block in place before visiting it (False visits the
        stored order, for testing).
    costs : float64 array (n_chunks,), skipped : int64 array (n_chunks,)
        Outputs: summed weighted cost and number of skipped (non-finite) steps
        per chunk.
    """
    n_chunks = seeds.shape[0]
    n_blocks = block_order.shape[0]
    nnz = rows.shape[0]
    d = n_components
    stride = word_params.shape[1] // 2
    row_bytes = word_params.shape[1] * 4
    eta = np.float32(learning_rate)
    clip = np.float32(grad_clip)
    log_x_max = np.float32(np.log(x_max))
    alpha32 = np.float32(alpha)
    for chunk in prange(n_chunks):
        state = np.empty(1, dtype=np.uint64)
        state[0] = seeds[chunk]
        first = chunk * n_blocks // n_chunks
        last = (chunk + 1) * n_blocks // n_chunks
        cost = 0.0
        n_skipped = 0
        for pos in range(first, last):
            start = block_order[pos] * block_size
            stop = min(start + block_size, nnz)
            if shuffle:
                for k in range(stop - 1, start, -1):
                    j = start + _below(state, k - start + 1)
                    rows[k], rows[j] = rows[j], rows[k]
                    cols[k], cols[j] = cols[j], cols[k]
                    logx[k], logx[j] = logx[j], logx[k]
            for k in range(start, stop):
                ahead = k + _PREFETCH_DISTANCE
                if ahead < stop:
                    for byte in range(0, row_bytes, _CACHE_LINE):
                        _prefetch(word_params, rows[ahead], byte)
                        _prefetch(context_params, cols[ahead], byte)
                step_cost = _update(
                    word_params[rows[k]],
                    context_params[cols[k]],
                    logx[k],
                    d,
                    stride,
                    eta,
                    clip,
                    log_x_max,
                    alpha32,
                )
                if step_cost == step_cost:
                    cost += step_cost
                else:
                    n_skipped += 1
        costs[chunk] = cost
        skipped[chunk] = n_skipped
