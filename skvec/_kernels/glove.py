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

Order.  The non-zeros are stored as parallel arrays (row, column, log value).
An epoch visits fixed-size blocks of them in a new random order.  In the
default order they are shuffled once at the start of a fit, and each block
(small enough to stay in L2) is reshuffled in place just before it is
visited: every epoch sees a fresh random order while the shuffling costs only
cache-local work.  In row order (``shuffle`` False; ``GloVeEmbedder(order=
"rows")``) they stay in the matrix's row order, columns increasing, and a
block is visited as stored: consecutive entries share their word row, which
stays in L1, and walk the context rows in increasing address order.  Threads
take disjoint runs of the block order (Hogwild: the parameter updates are
unsynchronised, as in the C tool).  On wiki17m (100 d, window 10, 2 threads)
the row order ran an epoch 1.58 times faster than the shuffled one (same
run), and after 15 epochs (seeds 0 to 3) gave the same analogy accuracy
(32.00 % against 31.99 % on average), SimLex-999 0.003 lower and WordSim-353
0.009 lower (in three seeds of four).  So the shuffled order stays the
default and the row order is an option (see the Performance page).
"""

from collections import namedtuple

import numpy as np
from numba import njit, prange

from ._common import FASTMATH, below, prefetch_row_for_write, xorshift_next

# error_model="numpy" below: Python's zero-division check on every float
# division would keep the d-loops scalar (the accumulators are >= 1 anyway).

# How many entries ahead the parameter rows are prefetched: the rows of one
# entry are a cache miss each, and issuing the next entries' misses while the
# current one computes roughly halves the time of an epoch.
_PREFETCH_DISTANCE = 2
_S32 = np.uint64(32)

GloVeModel = namedtuple("GloVeModel", ["word_params", "context_params"])
GloVeModel.__doc__ = """Both model sides, float32 ``(n, 2 * stride)`` each (see the module notes)."""

Entries = namedtuple("Entries", ["rows", "cols", "logx"])
Entries.__doc__ = """The non-zeros as parallel arrays: row and column (int32), log value (float32)."""

GloVeParams = namedtuple(
    "GloVeParams", ["n_components", "learning_rate", "grad_clip", "x_max", "alpha", "block_size", "shuffle"]
)
GloVeParams.__doc__ = """Settings of a pass; ``shuffle`` False visits each block in its stored order (row order)."""


@njit(cache=True, inline="always")
def _swap(rows, cols, logx, k, j):
    rows[k], rows[j] = rows[j], rows[k]
    cols[k], cols[j] = cols[j], cols[k]
    logx[k], logx[j] = logx[j], logx[k]


@njit(cache=True, inline="always")
def _random_below(state, n):
    """Uniform integer in ``[0, n)`` for ``n < 2**32`` from the xorshift64* state."""
    return below(xorshift_next(state) >> _S32, n)


@njit(cache=True)
def shuffle_entries(rows, cols, logx, seed):
    """Fisher-Yates shuffle of the three parallel entry arrays, in place."""
    state = np.empty(1, dtype=np.uint64)
    state[0] = np.uint64(seed)
    n = rows.shape[0]
    for k in range(n - 1, 0, -1):
        _swap(rows, cols, logx, k, _random_below(state, k + 1))


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def _update(w, c, lx, d, stride, eta, grad_clip, log_x_max, alpha):
    """One AdaGrad step on the non-zero with log value ``lx`` between rows ``w``
    and ``c``; return its weighted cost ``0.5 f diff**2`` (NaN if skipped)."""
    # Four views of length d, each indexed by the loop counter alone: an index
    # like ``stride + k`` may be negative as far as Numba knows, and its
    # wrap-around test would keep the loops scalar.
    w_vec = w[:d]
    c_vec = c[:d]
    w_acc = w[stride : stride + d]
    c_acc = c[stride : stride + d]
    dot = np.float32(0.0)
    for k in range(d):
        dot += w_vec[k] * c_vec[k]
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
        gw = min(max(fdiff * c_vec[k], -grad_clip), grad_clip) * eta
        gc = min(max(fdiff * w_vec[k], -grad_clip), grad_clip) * eta
        w_vec[k] -= gw / np.sqrt(w_acc[k])
        c_vec[k] -= gc / np.sqrt(c_acc[k])
        w_acc[k] += gw * gw
        c_acc[k] += gc * gc
    w[d] -= fdiff / np.sqrt(w[stride + d])
    c[d] -= fdiff / np.sqrt(c[stride + d])
    fdiff2 = fdiff * fdiff
    w[stride + d] += fdiff2
    c[stride + d] += fdiff2
    return cost


@njit(cache=True, error_model="numpy")
def _visit_chunk(chunk, model, entries, block_order, params, seeds, costs, skipped):
    """Chunk ``chunk`` of ``glove_blocks``: its run of the block order."""
    rows, cols, logx = entries
    word_params, context_params = model
    n_chunks = seeds.shape[0]
    n_blocks = block_order.shape[0]
    d = params.n_components
    stride = word_params.shape[1] // 2
    eta = np.float32(params.learning_rate)
    clip = np.float32(params.grad_clip)
    log_x_max = np.float32(np.log(params.x_max))
    alpha = np.float32(params.alpha)
    state = np.empty(1, dtype=np.uint64)
    state[0] = seeds[chunk]
    cost = 0.0
    n_skipped = 0
    for pos in range(chunk * n_blocks // n_chunks, (chunk + 1) * n_blocks // n_chunks):
        start = block_order[pos] * params.block_size
        stop = min(start + params.block_size, rows.shape[0])
        if params.shuffle:
            for k in range(stop - 1, start, -1):
                _swap(rows, cols, logx, k, start + _random_below(state, k - start + 1))
        for k in range(start, stop):
            ahead = k + _PREFETCH_DISTANCE
            if ahead < stop:
                prefetch_row_for_write(word_params, rows[ahead])
                prefetch_row_for_write(context_params, cols[ahead])
            step_cost = _update(
                word_params[rows[k]], context_params[cols[k]], logx[k], d, stride, eta, clip, log_x_max, alpha
            )
            if step_cost == step_cost:
                cost += step_cost
            else:
                n_skipped += 1
    costs[chunk] = cost
    skipped[chunk] = n_skipped


@njit(cache=True, parallel=True, error_model="numpy")
def glove_blocks(model, entries, block_order, params, seeds, costs, skipped):
    """Visit the entry blocks listed in ``block_order``, updating in place.

    Parameters
    ----------
    model : GloVeModel
        Vectors, biases and their AdaGrad accumulators (see the module notes).
    entries : Entries
        The non-zeros, reshuffled in place block by block.
    block_order : int64 array
        Blocks to visit; block ``b`` is entries ``[b * block_size, (b + 1) * block_size)``.
    params : GloVeParams
        Settings.
    seeds : uint64 array (n_chunks,)
        One RNG seed per chunk; the block order is cut into ``n_chunks``
        contiguous runs processed in parallel.
    costs : float64 array (n_chunks,), skipped : int64 array (n_chunks,)
        Outputs: summed weighted cost and number of skipped (non-finite) steps
        per chunk.
    """
    # The work is a function of its own: Numba's parallel loop drops stores
    # into arrays taken from a namedtuple in its body.
    for chunk in prange(seeds.shape[0]):
        _visit_chunk(chunk, model, entries, block_order, params, seeds, costs, skipped)
