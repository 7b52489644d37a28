"""Numba kernels of the Paragraph Vector model (doc2vec): training with a document row, batched inference.

Training reuses word2vec's machinery (sentence reading and down-sampling, the
dynamic window, the negative-sampling and hierarchical-softmax steps, the
learning-rate schedule, C's generator); what is added is the row of the
document each position belongs to:

* PV-DBOW: the document row alone is the input that predicts each kept word
  of the document; with ``train_words`` a skip-gram pass over the same
  sentence (word2vec's own) trains the word vectors in the same sweep;
* PV-DM: the document row joins the context words as one more input of
  CBOW (sum or mean), and the input gradient goes to the document row and to
  every context word.

Inference trains a new document row with everything else frozen.  Each
document is independent: its initial row and its generator are seeded from
a hash of its token ids and the model's seed, its work arrays are its own,
and nothing is shared between documents, so its row depends neither on its
position in the batch, nor on the batch size, nor on the thread count.
"""

from collections import namedtuple

import numpy as np
from numba import njit, prange

from ._common import FASTMATH, borrowed, lcg_next, prefetch_row, splitmix64
from .word2vec import (
    MAX_EXP,
    MAX_SENTENCE_LENGTH,
    WORDS_READ_STRIDE,
    Scratch,
    borrowed_model,
    context_range,
    draw_word,
    gather_input,
    hierarchical_softmax,
    learning_rate,
    negative_sampling,
    read_sentence,
    scatter_gradient,
    start_focus,
    train_sentence,
)

_LOW16 = np.uint64(0xFFFF)
_MAX_EXP32 = np.float32(MAX_EXP)
_ONE32 = np.float32(1.0)
_ZERO32 = np.float32(0.0)
_TABLE_SCALE32 = np.float32(1000 / MAX_EXP / 2.0)

DocumentRows = namedtuple("DocumentRows", ["vectors", "dm", "train_words", "dm_mean"])
DocumentRows.__doc__ = """The document side of training: one row per training document and the architecture.

``dm`` selects PV-DM (else PV-DBOW); ``train_words`` adds skip-gram training
of the word vectors to PV-DBOW; ``dm_mean`` averages the PV-DM inputs
instead of summing them.
"""

InferenceParams = namedtuple(
    "InferenceParams",
    ["dm", "dm_mean", "negative", "hs", "subsample", "window", "shrink", "epochs", "start_alpha", "min_alpha",
     "seed"],
)
InferenceParams.__doc__ = """Scalar settings of ``infer_batch``: the architecture, the sampling and the
schedule (``epochs`` passes, the rate falling linearly from ``start_alpha`` in
the first to ``min_alpha`` in the last), and the model's seed."""


InferenceWork = namedtuple("InferenceWork", ["sentence", "h", "neu1e", "rows", "labels", "shrinks"])
InferenceWork.__doc__ = """Work arrays of inference: the kept words, the input and its gradient, the
output rows with their labels (then their gradient scales) of the current and
the next position (negative sampling, rows 0 and 1) and of the tree path
(row 2), and the window shrinks of the current and the next position."""


@njit(cache=True)
def new_scratch(dim, negative):
    """Work arrays of one chunk or document (no deferred-update rows)."""
    return Scratch(np.empty(MAX_SENTENCE_LENGTH, dtype=np.int32), np.empty(dim, dtype=np.float32),
                   np.empty(dim, dtype=np.float32), np.empty(negative + 1, dtype=np.int64),
                   np.empty((0, dim), dtype=np.float32), np.empty((0, dim), dtype=np.float32),
                   np.empty(0, dtype=np.int64))


@njit(cache=True, inline="always")
def _add_context(h, inputs, sen, i, lo, hi, mean, dim):
    """PV-DM's input: add to ``h`` (the document row) the rows of ``sen[lo:hi]`` but position ``i``.

    With ``mean``, ``h`` becomes the average of the document row and the
    context rows.  Training and inference build the input with this one
    routine, inlined at both sites.
    """
    n_rows = 1
    for c in range(lo, hi):
        if c != i:
            n_rows += gather_input(h, inputs, sen[c], True)
    if mean and n_rows > 1:
        inv = _ONE32 / np.float32(n_rows)
        for k in range(dim):
            h[k] *= inv


@njit(cache=True, fastmath=FASTMATH)
def _train_document_sentence(n, doc, inputs, outputs, tables, params, documents, alpha, scratch, r):
    """Train the ``n`` kept words in ``scratch.sentence`` of document ``doc``; returns (loss, n_examples, r)."""
    sen, h, neu1e, targets = scratch.sentence, scratch.h, scratch.neu1e, scratch.targets
    rows = documents.vectors
    dim = h.shape[0]
    loss = 0.0
    n_examples = 0
    if not documents.dm and documents.train_words:
        loss, n_examples, r = train_sentence(n, inputs, outputs, tables, params, alpha, scratch, r)
    for i in range(n):
        word = sen[i]
        for k in range(dim):
            h[k] = rows[doc, k]
            neu1e[k] = _ZERO32
        lo = hi = 0
        if documents.dm:
            b, r = start_focus(word, outputs, tables, params, r)
            lo, hi = context_range(i, n, params.window, b)
            _add_context(h, inputs, sen, i, lo, hi, documents.dm_mean, dim)
        if params.hs:
            loss += hierarchical_softmax(h, word, outputs.syn1, tables, alpha, neu1e)
        if params.negative > 0:
            step, r = negative_sampling(h, word, outputs.syn1neg, tables, params.negative, alpha, neu1e, targets, r)
            loss += step
        for k in range(dim):
            rows[doc, k] += neu1e[k]
        for c in range(lo, hi):
            if c != i:
                scatter_gradient(neu1e, inputs, sen[c])
        n_examples += 1
    return loss, n_examples, r


@njit(cache=True)
def _train_chunk(t, ids, offsets, bounds, first_doc, inputs, outputs, tables, params, words_before, state,
                 documents):
    """Train chunk ``t`` of ``train_block``."""
    n_chunks = bounds.shape[0] - 1
    scratch = new_scratch(inputs.vectors.shape[1], params.negative)
    words_read = state.words_read[: WORDS_READ_STRIDE * n_chunks]
    r = state.rng_states[t]
    loss = 0.0
    n_examples = 0
    p = bounds[t]
    doc = first_doc[t]
    while p < bounds[t + 1]:
        while offsets[doc + 1] <= p:
            doc += 1
        sentence_stop = min(offsets[doc + 1], bounds[t + 1])
        n, q, r = read_sentence(ids, p, sentence_stop, tables.keep, params.subsample, scratch.sentence, r)
        words_read[WORDS_READ_STRIDE * t] += q - p
        p = q
        alpha = learning_rate(params, words_before, words_read)
        step, count, r = _train_document_sentence(n, doc, inputs, outputs, tables, params, documents, alpha,
                                                  scratch, r)
        loss += step
        n_examples += count
    state.rng_states[t] = r
    state.losses[t] = loss
    state.examples[t] = n_examples


@njit(parallel=True, cache=True)
def train_block(ids, offsets, bounds, first_doc, inputs, outputs, tables, params, words_before, state, documents):
    """word2vec's ``train_block`` with a document row per training document (``documents``).

    Same chunks, generator states, learning rate and outputs as
    ``skvec._kernels.word2vec.train_block``; position ``p`` belongs to the
    document ``d`` with ``offsets[d] <= p < offsets[d + 1]``, whose row
    ``documents.vectors[d]`` is trained as the module notes describe.
    """
    for t in prange(bounds.shape[0] - 1):
        _train_chunk(t, ids, offsets, bounds, first_doc, inputs, outputs, tables, params, words_before, state,
                     documents)


@njit(cache=True, fastmath=FASTMATH, inline="always")
def _gain(f, label, saturate, sigmoid, alpha):
    """The gradient scale of one output with score ``f`` and ``label``, as training computes it.

    Out of ``[-MAX_EXP, MAX_EXP]`` the negative-sampling step (``saturate``)
    takes the saturated value and the tree step skips the node (zero); a NaN
    score gives zero.
    """
    if f > _MAX_EXP32:
        return (label - _ONE32) * alpha if saturate else _ZERO32
    if f >= -_MAX_EXP32:
        return (label - sigmoid[int((f + _MAX_EXP32) * _TABLE_SCALE32)]) * alpha
    if f < -_MAX_EXP32:
        return label * alpha if saturate else _ZERO32
    return _ZERO32


# The inference helpers below are inlined into one loop and take whole work
# arrays with a slot index rather than views (``rows[slot]``): with Numba, a
# view or an array passed to a function, inlined or not, updates a reference
# count, an atomic operation (see ``skvec._kernels._common.borrowed``).
# Without borrowed views ``_infer_sentence`` had 64 release calls and 48
# increments in its code, now none; measured on 10,000 paragraphs, bits
# unchanged: PV-DBOW inference in 0.79x the time on two threads and 0.90x on
# one, PV-DM in 0.85x on two and within the noise on one (1.04x).


@njit(cache=True, fastmath=FASTMATH, inline="always")
def _frozen_outputs(h, matrix, rows, labels, slot, n, saturate, sigmoid, alpha, neu1e):
    """Add to ``neu1e`` the input gradient of the ``n`` outputs ``matrix[rows[slot, :n]]`` (labels ``labels[slot]``).

    With the outputs frozen, the scores of one input are independent of
    each other: they are computed two rows per pass over ``h`` (two
    accumulators, ``h`` read once), then the gradient is added two rows per
    pass over ``neu1e``.  A label below zero marks an output to skip.
    """
    dim = h.shape[0]
    for s in range(0, n - 1, 2):
        a, b = rows[slot, s], rows[slot, s + 1]
        fa = _ZERO32
        fb = _ZERO32
        for k in range(dim):
            fa += h[k] * matrix[a, k]
            fb += h[k] * matrix[b, k]
        la, lb = labels[slot, s], labels[slot, s + 1]
        labels[slot, s] = _gain(fa, la, saturate, sigmoid, alpha) if la >= _ZERO32 else _ZERO32
        labels[slot, s + 1] = _gain(fb, lb, saturate, sigmoid, alpha) if lb >= _ZERO32 else _ZERO32
    if n % 2 == 1:
        a = rows[slot, n - 1]
        fa = _ZERO32
        for k in range(dim):
            fa += h[k] * matrix[a, k]
        la = labels[slot, n - 1]
        labels[slot, n - 1] = _gain(fa, la, saturate, sigmoid, alpha) if la >= _ZERO32 else _ZERO32
    for s in range(0, n - 1, 2):
        a, b = rows[slot, s], rows[slot, s + 1]
        ga, gb = labels[slot, s], labels[slot, s + 1]
        for k in range(dim):
            neu1e[k] += ga * matrix[a, k] + gb * matrix[b, k]
    if n % 2 == 1:
        a = rows[slot, n - 1]
        ga = labels[slot, n - 1]
        for k in range(dim):
            neu1e[k] += ga * matrix[a, k]


@njit(cache=True, inline="always")
def _draw_position(word, slot, syn1neg, threshold, alias, params, rows, labels, shrinks, r):
    """Draw the window shrink and the negatives of a position into ``slot`` and prefetch their rows; returns r.

    In the order training draws them: the shrink (PV-DM), then the negatives.
    """
    if params.dm and params.shrink:
        r = lcg_next(r)
        shrinks[slot] = np.int64(r % np.uint64(params.window))
    if params.negative > 0:
        rows[slot, 0] = word
        labels[slot, 0] = _ONE32
        prefetch_row(syn1neg, word)
        n_words = syn1neg.shape[0]
        for s in range(1, params.negative + 1):
            r, target = draw_word(r, threshold, alias, n_words)
            rows[slot, s] = target
            # A negative equal to the positive word is skipped, as in training.
            labels[slot, s] = _ZERO32 if target != word else np.float32(-1.0)
            prefetch_row(syn1neg, target)
    return r


@njit(cache=True, fastmath=FASTMATH, inline="always")
def _tree_outputs(h, word, syn1, tables, rows, labels, alpha, neu1e):
    """Hierarchical softmax: add to ``neu1e`` the input gradient of the tree path of ``word`` (slot ``_SLOTS``)."""
    m = 0
    for j in range(tables.code_offsets[word], tables.code_offsets[word + 1]):
        rows[_SLOTS, m] = tables.points[j]
        labels[_SLOTS, m] = _ONE32 - np.float32(tables.codes[j])
        m += 1
    _frozen_outputs(h, syn1, rows, labels, _SLOTS, m, False, tables.sigmoid, alpha, neu1e)


# Positions whose draws are made, and whose output rows are prefetched,
# before the current one is computed; their slots wrap with ``_SLOT_MASK``.
# One, three and seven ahead measured the same: the row loads of one position
# ahead already keep as many cache misses in flight as the core sustains.
_AHEAD = 1
_SLOTS = 2
_SLOT_MASK = _SLOTS - 1


@njit(cache=True, fastmath=FASTMATH)
def _infer_sentence(n, vector, inputs, outputs, tables, params, alpha, work, r):
    """One pass over the ``n`` kept words in ``work.sentence``, training ``vector`` only; returns r.

    Each position depends on the vector the previous one left, but its
    draws do not: they are made ``_AHEAD`` positions early (same generator,
    same order as one position at a time) and their rows prefetched, so the
    loads of several positions' rows overlap the work of the positions
    before them.  PV-DM's context rows are prefetched as early.

    Two documents advanced in lockstep by one thread, each pass of one
    followed by the same pass of the other (bits unchanged), took 1.16x
    (PV-DBOW) and 1.33x (PV-DM) the time of this loop on one thread: the
    second independent chain does not shorten the time, so the loop is not
    bound by the latency of its chain (vector, scores, gradient, vector).
    """
    # Borrowed here again, where the loop is: see ``borrowed``.
    inputs, outputs, tables = borrowed_model(inputs, outputs, tables)
    vector = borrowed(vector)
    sen, h, neu1e = borrowed(work.sentence), borrowed(work.h), borrowed(work.neu1e)
    rows, labels, shrinks = borrowed(work.rows), borrowed(work.labels), borrowed(work.shrinks)
    syn1neg, syn1, word_rows = outputs.syn1neg, outputs.syn1, inputs.vectors
    threshold, alias, sigmoid = tables.threshold, tables.alias, tables.sigmoid
    dim = h.shape[0]
    window = params.window
    for j in range(min(n, _AHEAD)):
        r = _draw_position(sen[j], j & _SLOT_MASK, syn1neg, threshold, alias, params, rows, labels, shrinks, r)
    if params.dm:
        for j in range(min(n, _AHEAD + window)):
            prefetch_row(word_rows, sen[j])
    for i in range(n):
        slot = i & _SLOT_MASK
        if i + _AHEAD < n:
            r = _draw_position(sen[i + _AHEAD], (i + _AHEAD) & _SLOT_MASK, syn1neg, threshold, alias, params,
                               rows, labels, shrinks, r)
        # The input: the vector (PV-DBOW), with the context rows (PV-DM).
        for k in range(dim):
            h[k] = vector[k]
            neu1e[k] = _ZERO32
        if params.dm:
            if i + _AHEAD + window < n:
                prefetch_row(word_rows, sen[i + _AHEAD + window])
            lo, hi = context_range(i, n, window, shrinks[slot])
            _add_context(h, inputs, sen, i, lo, hi, params.dm_mean, dim)
        if params.hs:
            _tree_outputs(h, sen[i], syn1, tables, rows, labels, alpha, neu1e)
        if params.negative > 0:
            _frozen_outputs(h, syn1neg, rows, labels, slot, params.negative + 1, True, sigmoid, alpha, neu1e)
        for k in range(dim):
            vector[k] += neu1e[k]
    return r


@njit(cache=True)
def document_seed(ids, seed):
    """A 64-bit hash of a document's token ids and the model's seed (SplitMix64 chained)."""
    x = splitmix64(np.uint64(seed) ^ np.uint64(ids.shape[0]))
    for i in range(ids.shape[0]):
        x = splitmix64(x ^ np.uint64(ids[i]))
    return x


@njit(cache=True)
def _infer_document(ids, inputs, outputs, tables, params, work, out):
    """Infer the row ``out`` of the document ``ids`` (non-empty) from its own seed."""
    dim = out.shape[0]
    r = document_seed(ids, params.seed)
    inv = np.float32(1.0 / 65536.0)
    half = np.float32(0.5)
    for k in range(dim):
        r = lcg_next(r)
        out[k] = (np.float32(r & _LOW16) * inv - half) / np.float32(dim)
    step = 0.0
    if params.epochs > 1:
        step = (params.start_alpha - params.min_alpha) / (params.epochs - 1)
    for epoch in range(params.epochs):
        alpha = np.float32(params.start_alpha - step * epoch)
        p = 0
        while p < ids.shape[0]:
            n, p, r = read_sentence(ids, p, ids.shape[0], tables.keep, params.subsample, work.sentence, r)
            r = _infer_sentence(n, out, inputs, outputs, tables, params, alpha, work, r)


@njit(cache=True)
def _infer_borrowed(lo, hi, ids, offsets, inputs, outputs, tables, params, work, out):
    """Infer documents ``lo .. hi - 1`` with borrowed views of every array (see ``borrowed``)."""
    ids, offsets, out = borrowed(ids), borrowed(offsets), borrowed(out)
    inputs, outputs, tables = borrowed_model(inputs, outputs, tables)
    work = InferenceWork(borrowed(work.sentence), borrowed(work.h), borrowed(work.neu1e), borrowed(work.rows),
                         borrowed(work.labels), borrowed(work.shrinks))
    for d in range(lo, hi):
        if offsets[d + 1] > offsets[d]:
            _infer_document(ids[offsets[d]:offsets[d + 1]], inputs, outputs, tables, params, work, out[d])


@njit(cache=True)
def _infer_range(lo, hi, ids, offsets, inputs, outputs, tables, params, out):
    """Infer documents ``lo .. hi - 1``; one set of work arrays, overwritten before each use."""
    dim = out.shape[1]
    n_outputs = params.negative + 1
    for w in range(tables.code_offsets.shape[0] - 1):
        n_outputs = max(n_outputs, tables.code_offsets[w + 1] - tables.code_offsets[w])
    work = InferenceWork(np.empty(MAX_SENTENCE_LENGTH, dtype=np.int32), np.empty(dim, dtype=np.float32),
                         np.empty(dim, dtype=np.float32), np.empty((_SLOTS + 1, n_outputs), dtype=np.int64),
                         np.empty((_SLOTS + 1, n_outputs), dtype=np.float32), np.zeros(_SLOTS, dtype=np.int64))
    _infer_borrowed(lo, hi, ids, offsets, inputs, outputs, tables, params, work, out)


# Documents are handed to threads in this many ranges, one range at a time to
# whichever thread is free (the caller sets Numba's parallel chunk size to 1,
# ``INFER_CHUNK_SIZE``, instead of one contiguous share per thread): enough to
# balance documents of unequal length and threads slowed by other work, few
# enough to allocate the work arrays rarely.  Each document's row is its own
# computation, so the split changes nothing.
_INFER_RANGES = 256
INFER_CHUNK_SIZE = 1


@njit(parallel=True, cache=True)
def infer_batch(ids, offsets, inputs, outputs, tables, params, out):
    """Infer the row of every document of a batch, documents in parallel.

    Document ``d`` is ``ids[offsets[d]:offsets[d + 1]]`` (vocabulary ids);
    its row ``out[d]`` is seeded from :func:`document_seed` and trained for
    ``params.epochs`` passes with ``inputs`` and ``outputs`` frozen.  Rows of
    empty documents are left as they are (zero when ``out`` is zeroed).
    """
    n_docs = offsets.shape[0] - 1
    n_ranges = min(n_docs, _INFER_RANGES)
    for j in prange(n_ranges):
        _infer_range(j * n_docs // n_ranges, (j + 1) * n_docs // n_ranges, ids, offsets, inputs, outputs, tables,
                     params, out)
