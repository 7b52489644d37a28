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

Extension points for training further (``init_vectors``, ``partial_fit``):
``make_inputs`` may return input rows that are not random (pretrained rows,
the rows trained so far with rows appended for new words, see
:func:`grown_rows`), and ``previous`` (a :class:`PreviousModel`) gives the
output rows trained so far with the counts their tables were built from.
``counts`` may then be the cumulative counts of a grown vocabulary, no longer
sorted: every table (negative sampling, down-sampling, Huffman codes) is
rebuilt from them, and the output rows are carried over as
:func:`carry_outputs` documents.  Each call runs its own learning-rate
schedule over its own documents.
"""

import logging
from collections import namedtuple
from dataclasses import dataclass

import numpy as np

from .._kernels import word2vec as kernels
from .._kernels import word2vec_shared
from .._kernels.arrays import all_finite
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


@dataclass(frozen=True, kw_only=True)
class Word2VecSettings:
    """Validated settings of one word2vec training, built once by the estimator.

    ``hs`` is ``hierarchical_softmax``; ``alpha`` and ``min_alpha`` are
    resolved (no None); ``shared_negatives`` selects the block kernels of
    :mod:`skvec._kernels.word2vec_shared`; ``defer_inputs`` applies a word's input gradients
    when it leaves the window (set by the fastText engine only).
    """

    n_components: int
    architecture: str
    window: int
    negative: int
    hs: bool
    ns_exponent: float
    sample: float
    alpha: float
    min_alpha: float
    epochs: int
    cbow_mean: bool
    shrink_windows: bool
    verbose: int
    defer_inputs: bool = False
    shared_negatives: bool = False


Word2VecResult = namedtuple("Word2VecResult", ["inputs", "outputs", "loss_curve"])
Word2VecResult.__doc__ = """Trained ``InputRows`` and ``OutputRows`` and the mean loss of each epoch."""

PreviousModel = namedtuple("PreviousModel", ["counts", "outputs"])
PreviousModel.__doc__ = """Where a continued training starts on the output side.

``counts`` are the counts the previous training built its tables from (one
per word of the previous vocabulary, whose words are the first rows of the
new one) and ``outputs`` its trained ``OutputRows`` (``syn1neg`` with one row
per previous word, or a placeholder when negative sampling was off; ``syn1``
with one row per inner node of the previous Huffman tree, or a placeholder).
"""


def word_inputs(n_words, dim, seed):
    """word2vec's input side: C's initial ``syn0`` and no extra rows."""
    return kernels.InputRows(
        kernels.init_input_vectors(n_words, dim, seed),
        np.zeros(n_words + 1, dtype=np.int64),
        np.zeros(0, dtype=np.int32),
    )


def start_inputs(n_words, dim, seed, *, previous_rows=None, initial=None, init_rows=kernels.init_input_vectors):
    """word2vec's input side, starting where asked.

    Without ``previous_rows`` or ``initial`` this is :func:`word_inputs`.
    ``previous_rows`` (the rows trained so far, one per previous word) fill
    the first rows and the rows of new words are initialised as C does
    (:func:`grown_rows`); then the rows at ``initial.positions`` (an
    ``InitialRows`` of ``skvec._training.initial``) are set to
    ``initial.rows``.  ``init_rows(n, dim, seed)`` draws the random rows
    (C's ``syn0`` by default).
    """
    if previous_rows is None:
        vectors = init_rows(n_words, dim, seed)
    else:
        vectors = grown_rows(previous_rows, n_words, seed, dim, init_rows)
    if initial is not None:
        vectors[initial.positions] = initial.rows
    return kernels.InputRows(vectors, np.zeros(n_words + 1, dtype=np.int64), np.zeros(0, dtype=np.int32))


def grown_rows(previous, n_rows, seed, dim, init_rows=kernels.init_input_vectors):
    """``previous`` rows followed by ``n_rows - len(previous)`` new rows (C's ``syn0`` by default)."""
    n_old = len(previous)
    rows = np.empty((n_rows, dim), dtype=np.float32)
    rows[:n_old] = previous
    rows[n_old:] = init_rows(n_rows - n_old, dim, seed)
    return rows


def train_word2vec(ids, offsets, counts, params, *, n_jobs=None, random_state=None, make_inputs=word_inputs,
                   previous=None, on_epoch=None, logger=_LOGGER, name="word2vec", kernel=kernels.train_block,
                   extra=()):
    """Train word2vec on an encoded corpus.

    Parameters
    ----------
    ids, offsets : ndarray
        The corpus: token ids (int32) and document offsets (int64).
    counts : ndarray of int64
        Count of each vocabulary word (in decreasing order for a fresh
        model; the cumulative counts, in row order, when continuing).
    params : Word2VecSettings
        Validated settings.
    n_jobs : int or None
        Threads (see ``skvec._threads.numba_threads``).
    random_state : int, RandomState instance or None
        Seeds the initial vectors and each thread's generator.
    make_inputs : callable
        ``make_inputs(n_words, dim, seed) -> InputRows``, the input side of
        the model (see the module notes).
    previous : PreviousModel or None
        Continue from these output rows (see :func:`carry_outputs`); the
        down-sampling frequencies then come from ``counts`` (cumulative)
        rather than from this corpus alone.  None starts the output side at
        zero.
    on_epoch : callable or None
        Called as ``on_epoch(epoch, inputs, outputs, loss_curve)`` after each
        epoch (``epoch`` from 1), with the model as trained so far.
    logger : logging.Logger
        Where progress goes (as ``params.verbose`` asks).
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
    if params.shared_negatives and kernel is kernels.train_block:
        kernel = word2vec_shared.train_block
    with numba_threads(n_jobs) as n_threads:
        seeds = thread_seeds(random_state, n_threads + 1)
        inputs = make_inputs(n_words, params.n_components, seeds[0])
        tables = _tables(counts, params, len(ids) if previous is None else int(counts.sum()))
        outputs = _output_rows(counts, params)
        if previous is not None:
            carry_outputs(previous, outputs, tables, params.hs)
        state = kernels.ThreadState(
            seeds[1:].copy(),
            np.zeros(kernels.WORDS_READ_STRIDE * n_threads, dtype=np.int64),
            np.zeros(n_threads, dtype=np.float64),
            np.zeros(n_threads, dtype=np.int64),
        )
        progress = Progress(len(ids) * params.epochs, desc=name, verbose=params.verbose, unit="words",
                            epochs=params.epochs, logger=logger)
        loss_curve = _run_epochs(ids, offsets, (inputs, outputs, tables), params, state, progress, on_epoch,
                                 (kernel, extra))
    return Word2VecResult(inputs, outputs, loss_curve)


def _output_rows(counts, params):
    """Zero output vectors; a one-row placeholder for an output side not trained."""
    n_words = len(counts)
    dim = params.n_components
    syn1neg = np.zeros((n_words if params.negative > 0 else 1, dim), dtype=np.float32)
    syn1 = np.zeros((max(n_words - 1, 1) if params.hs else 1, dim), dtype=np.float32)
    return kernels.OutputRows(syn1neg, syn1)


def _tables(counts, params, n_train):
    """Negative alias table, Huffman codes, keep probabilities and sigmoid tables."""
    n_words = len(counts)
    if params.negative > 0:
        threshold, alias = kernels.alias_table(counts.astype(np.float64) ** params.ns_exponent)
    else:
        threshold, alias = np.zeros(1, dtype=np.uint32), np.zeros(1, dtype=np.int32)
    if params.hs:
        code_offsets, codes, points = huffman_codes(counts)
    else:
        code_offsets = np.zeros(n_words + 1, dtype=np.int64)
        codes, points = np.zeros(0, dtype=np.uint8), np.zeros(0, dtype=np.int32)
    if params.sample > 0:
        keep = kernels.keep_probabilities(counts, params.sample, n_train)
    else:
        keep = np.ones(n_words, dtype=np.float32)
    sigmoid, neg_log_sigmoid = kernels.sigmoid_tables()
    return kernels.Tables(threshold, alias, code_offsets, codes, points, keep, sigmoid, neg_log_sigmoid)


def huffman_codes(counts):
    """C's Huffman codes for counts in any order: ``(code_offsets, codes, points)`` per word.

    The tree is built on the words sorted by decreasing count (stable, so
    already sorted counts give ``huffman_tree(counts)`` itself), and each
    word gets its own code back at its row.
    """
    counts = np.asarray(counts, dtype=np.int64)
    order = np.argsort(-counts, kind="stable")
    if np.array_equal(order, np.arange(len(counts))):
        return kernels.huffman_tree(counts)
    sorted_offsets, sorted_codes, sorted_points = kernels.huffman_tree(counts[order])
    lengths = np.empty(len(counts), dtype=np.int64)
    lengths[order] = np.diff(sorted_offsets)
    code_offsets = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(lengths, out=code_offsets[1:])
    rank = np.empty(len(counts), dtype=np.int64)
    rank[order] = np.arange(len(counts))
    # Position of each (word, depth) in the sorted arrays.
    starts = np.repeat(sorted_offsets[rank] - code_offsets[:-1], lengths)
    source = np.arange(code_offsets[-1], dtype=np.int64) + starts
    return code_offsets, sorted_codes[source], sorted_points[source]


def node_paths(code_offsets, codes, points):
    """The branch path from the root of each inner node of a Huffman tree, as an int.

    The root's path is 1; a node reached from node ``p`` by bit ``b`` has
    path ``2 * path(p) + b``, so two trees' nodes at the same position have
    the same path, whatever their numbering.
    """
    n_nodes = len(code_offsets) - 2
    paths = [0] * max(n_nodes, 0)
    if n_nodes <= 0:
        return paths
    # Each position but a word's last leads from points[j] by codes[j] to points[j + 1].
    inner = np.ones(len(points), dtype=bool)
    inner[code_offsets[1:][np.diff(code_offsets) > 0] - 1] = False
    parent = np.full(n_nodes, -1, dtype=np.int64)
    branch = np.zeros(n_nodes, dtype=np.int64)
    steps = np.flatnonzero(inner)
    parent[points[steps + 1]] = points[steps]
    branch[points[steps + 1]] = codes[steps]
    # C numbers a parent after its children: walk from the root (the last node) down.
    for node in range(n_nodes - 1, -1, -1):
        paths[node] = 1 if parent[node] < 0 else 2 * paths[parent[node]] + int(branch[node])
    return paths


def carry_outputs(previous, outputs, tables, hs):
    """Copy the output rows trained so far into the new model's ``outputs`` (in place).

    Negative sampling: each previous word keeps its ``syn1neg`` row (its row
    number does not change); new words start at zero.  Hierarchical softmax:
    the Huffman tree is rebuilt from the new counts, so its inner nodes may
    change; an inner node keeps the vector of the previous tree's node at
    the same position (the same branch path from the root) and a node at a
    position the previous tree did not have starts at zero.  A word whose
    code did not change therefore keeps every output vector on its path,
    and counts that grow in proportion keep the whole tree.
    """
    n_old = len(previous.counts)
    if len(previous.outputs.syn1neg) == n_old <= len(outputs.syn1neg):
        outputs.syn1neg[:n_old] = previous.outputs.syn1neg
    if hs and len(previous.outputs.syn1) == n_old - 1 > 0:
        old_paths = node_paths(*huffman_codes(previous.counts))
        by_path = {path: node for node, path in enumerate(old_paths)}
        new_paths = node_paths(tables.code_offsets, tables.codes, tables.points)
        pairs = np.array([(node, by_path[path]) for node, path in enumerate(new_paths) if path in by_path],
                         dtype=np.int64).reshape(-1, 2)
        outputs.syn1[pairs[:, 0]] = previous.outputs.syn1[pairs[:, 1]]


def _kernel_params(params, total_words):
    return kernels.TrainingParams(
        skipgram=params.architecture == "skipgram",
        cbow_mean=bool(params.cbow_mean),
        negative=int(params.negative),
        hs=bool(params.hs),
        subsample=params.sample > 0,
        window=int(params.window),
        shrink=bool(params.shrink_windows),
        start_alpha=float(params.alpha),
        min_alpha=float(params.min_alpha),
        total_words=int(total_words),
        defer_inputs=bool(params.defer_inputs),
    )


def _run_epochs(ids, offsets, model, params, state, progress, on_epoch=None, block=(kernels.train_block, ())):
    """Every epoch, block after block; returns the mean loss of each epoch."""
    epochs = params.epochs
    total_words = epochs * len(ids)
    kernel_params = _kernel_params(params, total_words)
    n_threads = len(state.losses)
    blocks = _block_bounds(len(ids))
    plan = [_chunk_bounds(offsets, lo, hi, n_threads) for lo, hi in zip(blocks[:-1], blocks[1:])]
    kernel, extra = block
    progress.compiling(kernel)
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
            alpha_now = max(params.alpha * (1.0 - done / (total_words + 1.0)), params.min_alpha)
            progress.update(
                done, epoch=f"{epoch + 1}/{epochs}", alpha=alpha_now, loss=epoch_loss / max(epoch_examples, 1)
            )
        loss_curve.append(epoch_loss / max(epoch_examples, 1))
        progress.epoch(epoch + 1, epochs, done, loss=loss_curve[-1])
        if on_epoch is not None:
            on_epoch(epoch + 1, model[0], model[1], loss_curve)
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
        f"infinite): alpha={params.alpha!r} is too large; use a smaller alpha."
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
