"""Training engine of word2vec: model arrays, epoch and block schedule, progress.

``train_word2vec`` takes an encoded corpus and the validated settings, builds
the model (input vectors, output vectors, sampling tables), and calls
``skvec._kernels.word2vec.train_block`` block after block: an epoch is cut
into at most ``_BLOCKS_PER_EPOCH`` calls, each split into one chunk of about
equal size per thread, so progress is reported and divergence is checked
between calls.

Extension point for subword models: the input side of the model is an
``InputRows`` record (``vectors`` plus a CSR of extra rows per word, see
``skvec._kernels.word2vec.InputRows``) built by the ``make_inputs`` argument.
fastText passes a ``make_inputs`` that stacks word rows and n-gram bucket
rows in one matrix and lists each word's n-gram rows; scheduling, sampling,
outputs and the kernels are shared unchanged.
"""

import logging
from collections import namedtuple

import numpy as np

from .._kernels import word2vec as kernels
from .._kernels._common import all_finite
from .._progress import Progress
from .._random import thread_seeds
from .._threads import numba_threads

# Target number of kernel calls per epoch on a large corpus: enough for
# progress lines and divergence checks, few enough that the thread barrier
# at the end of each call costs nothing measurable.
_BLOCKS_PER_EPOCH = 20
_MIN_BLOCK_WORDS = 200_000
# A chunk boundary falling inside a document at most this long moves to the
# document's start, so short documents are never cut.
_SNAP_DOC_LENGTH = 10_000

# Progress of a fit is reported on the estimator's logger.
_LOGGER = logging.getLogger("skvec.word2vec")

Word2VecResult = namedtuple("Word2VecResult", ["inputs", "outputs", "loss_curve"])
Word2VecResult.__doc__ = """Trained ``InputRows`` and ``OutputRows`` and the mean loss of each epoch."""


def word_inputs(n_words, dim, seed):
    """word2vec's input side: C's initial ``syn0`` and no extra rows."""
    return kernels.InputRows(
        kernels.init_input_vectors(n_words, dim, seed),
        np.zeros(n_words + 1, dtype=np.int64),
        np.zeros(0, dtype=np.int32),
    )


def train_word2vec(ids, offsets, counts, params, *, n_jobs=None, random_state=None, make_inputs=word_inputs,
                   logger=_LOGGER, name="word2vec", kernel=kernels.train_block, extra=()):
    """Train word2vec on an encoded corpus.

    Parameters
    ----------
    ids, offsets : ndarray
        The corpus: token ids (int32) and document offsets (int64).
    counts : ndarray of int64
        Count of each vocabulary word, in decreasing order.
    params : dict
        Validated settings: ``n_components``, ``architecture``, ``window``,
        ``negative``, ``hs``, ``ns_exponent``, ``sample``, ``alpha``,
        ``min_alpha``, ``epochs``, ``cbow_mean``, ``shrink_windows``,
        ``verbose``.
    n_jobs : int or None
        Threads (see ``skvec._threads.numba_threads``).
    random_state : int, RandomState instance or None
        Seeds the initial vectors and each thread's generator.
    make_inputs : callable
        ``make_inputs(n_words, dim, seed) -> InputRows``, the input side of
        the model (see the module notes).
    logger : logging.Logger
        Where progress goes (as ``params["verbose"]`` asks).
    name : str
        The model's name on its progress lines.
    kernel : callable
        The block kernel, called as ``train_block`` is, with ``extra``
        appended to its arguments (the document model passes its own).
    extra : tuple
        Further kernel arguments; the float arrays among them (or among
        their fields) are checked for divergence with the model's.

    Returns
    -------
    result : Word2VecResult
    """
    n_words = len(counts)
    with numba_threads(n_jobs) as n_threads:
        seeds = thread_seeds(random_state, n_threads + 1)
        inputs = make_inputs(n_words, params["n_components"], seeds[0])
        outputs = _output_rows(counts, params)
        tables = _tables(counts, params, len(ids))
        state = kernels.ThreadState(
            seeds[1:].copy(),
            np.zeros(8 * n_threads, dtype=np.int64),
            np.zeros(n_threads, dtype=np.float64),
            np.zeros(n_threads, dtype=np.int64),
        )
        progress = Progress(len(ids) * params["epochs"], desc=name, verbose=params["verbose"], unit="words",
                            epochs=params["epochs"], logger=logger)
        loss_curve = _run_epochs(ids, offsets, (inputs, outputs, tables), params, state, progress, (kernel, extra))
    return Word2VecResult(inputs, outputs, loss_curve)


def _output_rows(counts, params):
    """Zero output vectors; a one-row placeholder for an output side not trained."""
    n_words = len(counts)
    dim = params["n_components"]
    syn1neg = np.zeros((n_words if params["negative"] > 0 else 1, dim), dtype=np.float32)
    syn1 = np.zeros((max(n_words - 1, 1) if params["hs"] else 1, dim), dtype=np.float32)
    return kernels.OutputRows(syn1neg, syn1)


def _tables(counts, params, n_train):
    """Negative alias table, Huffman codes, keep probabilities and sigmoid tables."""
    n_words = len(counts)
    if params["negative"] > 0:
        threshold, alias = kernels.alias_table(counts.astype(np.float64) ** params["ns_exponent"])
    else:
        threshold, alias = np.zeros(1, dtype=np.uint32), np.zeros(1, dtype=np.int32)
    if params["hs"]:
        code_offsets, codes, points = kernels.huffman_tree(counts)
    else:
        code_offsets = np.zeros(n_words + 1, dtype=np.int64)
        codes, points = np.zeros(0, dtype=np.uint8), np.zeros(0, dtype=np.int32)
    if params["sample"] > 0:
        keep = kernels.keep_probabilities(counts, params["sample"], n_train)
    else:
        keep = np.ones(n_words, dtype=np.float32)
    sigmoid, neg_log_sigmoid = kernels.sigmoid_tables()
    return kernels.Tables(threshold, alias, code_offsets, codes, points, keep, sigmoid, neg_log_sigmoid)


def _kernel_params(params, total_words):
    return kernels.TrainingParams(
        skipgram=params["architecture"] == "skipgram",
        cbow_mean=bool(params["cbow_mean"]),
        negative=int(params["negative"]),
        hs=bool(params["hs"]),
        subsample=params["sample"] > 0,
        window=int(params["window"]),
        shrink=bool(params["shrink_windows"]),
        start_alpha=float(params["alpha"]),
        min_alpha=float(params["min_alpha"]),
        total_words=int(total_words),
        defer_inputs=bool(params.get("defer_inputs", False)),
    )


def _run_epochs(ids, offsets, model, params, state, progress, block=(kernels.train_block, ())):
    """Every epoch, block after block; returns the mean loss of each epoch."""
    epochs = params["epochs"]
    total_words = epochs * len(ids)
    kernel_params = _kernel_params(params, total_words)
    n_threads = len(state.losses)
    blocks = _block_bounds(len(ids))
    plan = [_chunk_bounds(offsets, lo, hi, n_threads) for lo, hi in zip(blocks[:-1], blocks[1:])]
    kernel, extra = block
    loss_curve = []
    done = 0
    for epoch in range(epochs):
        epoch_loss = 0.0
        epoch_examples = 0
        for bounds, first_doc in plan:
            state.words_read[:] = 0
            kernel(ids, offsets, bounds, first_doc, *model, kernel_params, done, state, *extra)
            done += int(bounds[-1] - bounds[0])
            epoch_loss += float(state.losses[: len(bounds) - 1].sum())
            epoch_examples += int(state.examples[: len(bounds) - 1].sum())
            _check_finite(epoch, epoch_loss, model, params, extra)
            alpha_now = max(params["alpha"] * (1.0 - done / (total_words + 1.0)), params["min_alpha"])
            progress.update(
                done, epoch=f"{epoch + 1}/{epochs}", alpha=alpha_now, loss=epoch_loss / max(epoch_examples, 1)
            )
        loss_curve.append(epoch_loss / max(epoch_examples, 1))
        progress.epoch(epoch + 1, epochs, done, loss=loss_curve[-1])
    progress.close(epochs=epochs, loss=loss_curve[-1])
    return loss_curve


def _check_finite(epoch, epoch_loss, model, params, extra=()):
    """Raise when the loss or any trained matrix is no longer finite."""
    inputs, outputs, _ = model
    matrices = [inputs.vectors, *outputs]
    for item in extra:
        for part in item if isinstance(item, tuple) else (item,):
            if isinstance(part, np.ndarray) and part.dtype.kind == "f":
                matrices.append(part)
    if np.isfinite(epoch_loss) and all(all_finite(m) for m in matrices):
        return
    raise FloatingPointError(
        f"Training diverged in epoch {epoch + 1} (vectors or loss became NaN or "
        f"infinite): alpha={params['alpha']!r} is too large; use a smaller alpha."
    )


def _block_bounds(n_train):
    """Token positions splitting one epoch into kernel calls."""
    n_blocks = int(min(_BLOCKS_PER_EPOCH, max(1, n_train // _MIN_BLOCK_WORDS)))
    return np.linspace(0, n_train, n_blocks + 1).astype(np.int64)


def _chunk_bounds(offsets, lo, hi, n_chunks):
    """Split ``ids[lo:hi]`` into ``n_chunks`` ranges of about equal size.

    Returns ``(bounds, first_doc)``: chunk ``t`` is ``ids[bounds[t]:bounds[t+1]]``
    and starts inside document ``first_doc[t]``.  A boundary inside a short
    document moves to that document's start.
    """
    bounds = np.linspace(lo, hi, n_chunks + 1).astype(np.int64)
    docs = np.searchsorted(offsets, bounds, side="right") - 1
    docs = np.minimum(docs, len(offsets) - 2)
    short = (offsets[docs + 1] - offsets[docs]) <= _SNAP_DOC_LENGTH
    inner = np.zeros(n_chunks + 1, dtype=bool)
    inner[1:-1] = True
    snap = short & inner
    bounds[snap] = np.maximum(offsets[docs[snap]], lo)
    bounds = np.maximum.accumulate(bounds)
    first_doc = np.searchsorted(offsets, bounds[:-1], side="right") - 1
    # Skip empty documents at a chunk start (the kernel walks forward anyway).
    return bounds, np.minimum(first_doc, len(offsets) - 2).astype(np.int64)


# The document model builds its inference tables as training does.
sampling_tables = _tables
