"""Training engine of GloVe: parameter layout, epoch and block schedule, progress.

``train_glove`` takes the positive entries of a co-occurrence matrix and the
validated settings, lays out both model sides (see ``skvec._kernels.glove``),
shuffles the entries once (``order="shuffled"``) or keeps them in the
matrix's row order (``order="rows"``), and runs the epochs: each epoch visits
the entry blocks in a new random order, ``_BLOCKS_PER_CALL`` blocks per kernel
call, so progress is reported inside long epochs; the cost and parameters are checked
after every epoch, and ``tol`` may stop early.
"""

import logging
from collections import namedtuple
from dataclasses import dataclass

import numpy as np

from .._kernels import glove as kernels
from .._progress import Progress, log_memory
from .._random import thread_seeds
from .._threads import numba_threads
from .._validation import check_random_state

# Entries per block: a block (12 bytes an entry) is reshuffled in L2 cache
# just before it is visited.
_BLOCK_SIZE = 16384
# Blocks per kernel call; an epoch is cut into several calls so that progress
# can be reported inside long epochs.  Fixed, so results do not depend on verbose.
_BLOCKS_PER_CALL = 64
# Parameter rows are padded to a multiple of 16 floats (one cache line).
_ALIGN_FLOATS = 16

# Progress of a fit is reported on the estimator's logger.
_LOGGER = logging.getLogger("skvec.glove")


@dataclass(frozen=True)
class GloVeSettings:
    """Validated settings of one GloVe fit, built once by the estimator (``tol`` None: no early stop)."""

    n_components: int
    x_max: float
    alpha: float
    learning_rate: float
    max_iter: int
    grad_clip: float
    vectors: str
    tol: float | None
    verbose: int
    order: str = "shuffled"


GloVeResult = namedtuple(
    "GloVeResult", ["word_vectors", "word_bias", "context_vectors", "context_bias", "loss_curve"]
)
GloVeResult.__doc__ = """Trained vectors and biases of both sides, and the cost of each epoch."""


def parameter_stride(n_components):
    """Floats per half parameter row: vector and bias, padded to whole cache lines."""
    return -(-(n_components + 1) // _ALIGN_FLOATS) * _ALIGN_FLOATS


def _aligned_empty(n_rows, n_cols):
    """float32 array whose rows start on 64-byte boundaries (n_cols % 16 == 0)."""
    size = n_rows * n_cols
    buffer = np.empty(size + _ALIGN_FLOATS, dtype=np.float32)
    offset = (-buffer.ctypes.data % 64) // 4
    return buffer[offset : offset + size].reshape(n_rows, n_cols)


def _init_params(n_rows, n_components, stride, rng):
    """Vectors and biases uniform in [-0.5, 0.5) / d, accumulators at 1."""
    params = _aligned_empty(n_rows, 2 * stride)
    params[:, n_components + 1 : stride] = 0.0
    params[:, stride : stride + n_components + 1] = 1.0
    params[:, stride + n_components + 1 :] = 0.0
    # Drawn in row blocks so that the float64 draws stay small.
    for start in range(0, n_rows, 8192):
        stop = min(start + 8192, n_rows)
        draws = rng.random_sample((stop - start, n_components + 1))
        params[start:stop, : n_components + 1] = (draws - 0.5) / n_components
    return params


def train_glove(rows, cols, logx, shape, params, *, n_jobs=None, random_state=None, logger=_LOGGER):
    """Fit GloVe to the positive entries ``(rows, cols, exp(logx))`` of a matrix.

    Parameters
    ----------
    rows, cols : ndarray of int32
        Entry coordinates; shuffled in place, with ``logx``, unless
        ``params.order`` is ``"rows"`` (then they are visited in the order
        given, block by block, blocks in a random order each epoch).
    logx : ndarray of float32
        Log of the entry values.
    shape : (int, int)
        Shape of the matrix.
    params : GloVeSettings
        Validated settings.
    n_jobs : int or None
        Threads (see ``skvec._threads.numba_threads``).
    random_state : int, RandomState instance or None
        Seeds the initial vectors and the visiting orders.
    logger : logging.Logger
        Where progress goes (as ``params.verbose`` asks).

    Returns
    -------
    result : GloVeResult
    """
    d = params.n_components
    rng = check_random_state(random_state)
    stride = parameter_stride(d)
    model = kernels.GloVeModel(_init_params(shape[0], d, stride, rng), _init_params(shape[1], d, stride, rng))
    entries = kernels.Entries(rows, cols, logx)
    shuffled = params.order == "shuffled"
    if shuffled:
        kernels.shuffle_entries(rows, cols, logx, thread_seeds(rng, 1)[0])
    nnz = len(rows)
    progress = Progress(nnz * params.max_iter, desc="glove", verbose=params.verbose, unit="entries",
                        epochs=params.max_iter, logger=logger)
    progress.message(
        f"{shape[0]:,} words x {shape[1]:,} contexts, {nnz:,} non-zeros, {d} components, "
        f"{params.max_iter} epochs, {params.order} order"
    )
    log_memory(params.verbose, "glove", {
        "parameters": model.word_params.nbytes + model.context_params.nbytes,
        "entries": rows.nbytes + cols.nbytes + logx.nbytes,
    }, logger=logger)
    kernel_params = kernels.GloVeParams(
        d, params.learning_rate, params.grad_clip, params.x_max, params.alpha, _BLOCK_SIZE, shuffled
    )
    loss_curve = []
    progress.compiling(kernels.glove_blocks)
    with numba_threads(n_jobs) as n_threads:
        for epoch in range(params.max_iter):

            def report(done, epoch=epoch):
                progress.update(epoch * nnz + done, epoch=f"{epoch + 1}/{params.max_iter}")

            loss, skipped = _epoch(model, entries, kernel_params, rng, n_threads, report)
            _check_finite(epoch, loss, skipped, model, params)
            loss_curve.append(loss)
            progress.epoch(epoch + 1, params.max_iter, (epoch + 1) * nnz, cost=loss)
            if _converged(loss_curve, params.tol):
                break
    progress.close(epochs=len(loss_curve), cost=loss_curve[-1])
    return _result(model, d, loss_curve)


def _epoch(model, entries, kernel_params, rng, n_threads, report):
    """One pass over the blocks in a new random order.

    Calls ``report(entries done in this epoch)`` after every kernel call;
    returns the mean cost and the number of skipped (non-finite) steps.
    """
    nnz = len(entries.rows)
    n_blocks = -(-nnz // _BLOCK_SIZE)
    block_order = rng.permutation(n_blocks).astype(np.int64)
    cost = 0.0
    skipped = 0
    for first in range(0, n_blocks, _BLOCKS_PER_CALL):
        costs = np.zeros(n_threads, dtype=np.float64)
        n_skipped = np.zeros(n_threads, dtype=np.int64)
        kernels.glove_blocks(
            model, entries, block_order[first : first + _BLOCKS_PER_CALL], kernel_params,
            thread_seeds(rng, n_threads), costs, n_skipped,
        )
        cost += costs.sum()
        skipped += int(n_skipped.sum())
        report(min((first + _BLOCKS_PER_CALL) * _BLOCK_SIZE, nnz))
    return cost / nnz, skipped


def _converged(loss_curve, tol):
    """True when the last epoch lowered the cost by less than ``tol`` times the one before."""
    return tol is not None and len(loss_curve) > 1 and loss_curve[-2] - loss_curve[-1] < tol * loss_curve[-2]


def _check_finite(epoch, loss, skipped, model, params):
    finite = (
        np.isfinite(loss)
        and skipped == 0
        and np.isfinite(model.word_params).all()
        and np.isfinite(model.context_params).all()
    )
    if not finite:
        raise ValueError(
            f"GloVe training diverged in epoch {epoch + 1} (cost {loss!r}, {skipped} non-finite "
            f"steps): lower learning_rate (now {params.learning_rate!r}) or grad_clip "
            f"(now {params.grad_clip!r})."
        )


def _result(model, d, loss_curve):
    """Vectors and biases split out of the parameter rows (copies, so the rows can go)."""
    word_params, context_params = model
    return GloVeResult(
        np.ascontiguousarray(word_params[:, :d]),
        word_params[:, d].copy(),
        np.ascontiguousarray(context_params[:, :d]),
        context_params[:, d].copy(),
        loss_curve,
    )
