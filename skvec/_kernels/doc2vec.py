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

Inference trains a new document row with everything else frozen (the
loop and what it can skip because of that: ``_infer_sentence``).  Each
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
    draw_packed_word,
    gather_input,
    hierarchical_softmax,
    learning_rate,
    negative_sampling,
    packed_alias,
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


InferenceWork = namedtuple("InferenceWork", ["sentence", "h", "prefix", "rows", "labels", "shrinks", "slots"])
InferenceWork.__doc__ = """Work arrays of inference: the kept words, the input, the prefix sums of the
kept words' rows (PV-DM), the output rows with their labels (then their
gradient scales) of the current and the next position (negative sampling,
rows 0 and 1) and of the tree path (row 2), the window shrinks of the current
and the next position, and the packed alias table (shared, read only)."""


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
    context rows.  Training's input; inference, whose word rows are frozen,
    reads the same sum from prefix sums (``_infer_sentence``).
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


@njit(cache=True, inline="always")
def _row_or(rows, slot, s, m, j, default):
    """``rows[slot, s + j]`` when ``j < m``, else ``default``."""
    return rows[slot, s + j] if j < m else default


@njit(cache=True, fastmath=FASTMATH, inline="always")
def _set_gain(f, labels, slot, j, saturate, sigmoid, alpha):
    """Replace the label of output ``j`` (score ``f``) by its gradient scale; a label below zero gives zero."""
    label = labels[slot, j]
    labels[slot, j] = _gain(f, label, saturate, sigmoid, alpha) if label >= _ZERO32 else _ZERO32


@njit(cache=True, fastmath=FASTMATH, inline="always")
def _score_rows(h, matrix, rows, labels, slot, s, m, saturate, sigmoid, alpha):
    """Replace the labels of outputs ``s .. s + m - 1`` (``m`` of 1 to 6) by their gradient scales."""
    dim = h.shape[0]
    a = rows[slot, s]
    b, c = _row_or(rows, slot, s, m, 1, a), _row_or(rows, slot, s, m, 2, a)
    d, e, g = _row_or(rows, slot, s, m, 3, a), _row_or(rows, slot, s, m, 4, a), _row_or(rows, slot, s, m, 5, a)
    fa = fb = fc = fd = fe = fg = _ZERO32
    for k in range(dim):
        x = h[k]
        fa += x * matrix[a, k]
        fb += x * matrix[b, k]
        fc += x * matrix[c, k]
        fd += x * matrix[d, k]
        fe += x * matrix[e, k]
        fg += x * matrix[g, k]
    scores = (fa, fb, fc, fd, fe, fg)
    for j in range(m):
        _set_gain(scores[j], labels, slot, s + j, saturate, sigmoid, alpha)


@njit(cache=True, fastmath=FASTMATH, inline="always")
def _add_rows(matrix, rows, labels, slot, s, m, vector):
    """Add to ``vector`` the rows of outputs ``s .. s + m - 1`` (``m`` of 1 to 6) times their gradient scales."""
    dim = vector.shape[0]
    a = rows[slot, s]
    b, c = _row_or(rows, slot, s, m, 1, a), _row_or(rows, slot, s, m, 2, a)
    d, e, g = _row_or(rows, slot, s, m, 3, a), _row_or(rows, slot, s, m, 4, a), _row_or(rows, slot, s, m, 5, a)
    ga = labels[slot, s]
    gb = labels[slot, s + 1] if m > 1 else _ZERO32
    gc = labels[slot, s + 2] if m > 2 else _ZERO32
    gd = labels[slot, s + 3] if m > 3 else _ZERO32
    ge = labels[slot, s + 4] if m > 4 else _ZERO32
    gg = labels[slot, s + 5] if m > 5 else _ZERO32
    for k in range(dim):
        vector[k] += ((ga * matrix[a, k] + gb * matrix[b, k]) + (gc * matrix[c, k] + gd * matrix[d, k])
                      + (ge * matrix[e, k] + gg * matrix[g, k]))


@njit(cache=True, fastmath=FASTMATH, inline="always")
def _frozen_outputs(h, matrix, rows, labels, slot, n, saturate, sigmoid, alpha, vector):
    """Add to ``vector`` the input gradient of the ``n`` outputs ``matrix[rows[slot, :n]]`` (labels ``labels[slot]``).

    With the outputs frozen, the scores of one input are independent of
    each other: they are computed six rows per pass over ``h`` (six
    accumulators, ``h`` read once), all of them before ``vector`` changes
    (``h`` may be ``vector`` itself), then the gradient is added six rows
    per pass over ``vector``.  A label below zero marks an output to skip.
    """
    for s in range(0, n, 6):
        _score_rows(h, matrix, rows, labels, slot, s, min(6, n - s), saturate, sigmoid, alpha)
    for s in range(0, n, 6):
        _add_rows(matrix, rows, labels, slot, s, min(6, n - s), vector)


@njit(cache=True, inline="always")
def _draw_position(word, slot, syn1neg, slots, params, rows, labels, shrinks, r):
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
            r, target = draw_packed_word(r, slots, n_words)
            rows[slot, s] = target
            # A negative equal to the positive word is skipped, as in training.
            labels[slot, s] = _ZERO32 if target != word else np.float32(-1.0)
            prefetch_row(syn1neg, target)
    return r


@njit(cache=True, fastmath=FASTMATH, inline="always")
def _tree_outputs(h, word, syn1, tables, rows, labels, alpha, vector):
    """Hierarchical softmax: add to ``vector`` the input gradient of the tree path of ``word`` (slot ``_SLOTS``)."""
    m = 0
    for j in range(tables.code_offsets[word], tables.code_offsets[word + 1]):
        rows[_SLOTS, m] = tables.points[j]
        labels[_SLOTS, m] = _ONE32 - np.float32(tables.codes[j])
        m += 1
    _frozen_outputs(h, syn1, rows, labels, _SLOTS, m, False, tables.sigmoid, alpha, vector)


# Positions whose draws are made, and whose output rows are prefetched,
# before the current one is computed; their slots wrap with ``_SLOT_MASK``.
# One, three and seven ahead measured the same: the row loads of one position
# ahead already keep as many cache misses in flight as the core sustains.
_AHEAD = 1
# Words whose rows are prefetched ahead of their turn in the prefix sums.
_PREFIX_AHEAD = 4
_SLOTS = 2
_SLOT_MASK = _SLOTS - 1


@njit(cache=True, fastmath=FASTMATH, inline="always")
def _prefix_sums(n, sen, word_rows, prefix):
    """``prefix[j]`` = the sum of the rows of ``sen[:j]``, for ``j`` of 0 to ``n``.

    A word's input is its row alone: inference's inputs have no extra rows.
    """
    dim = prefix.shape[1]
    for k in range(dim):
        prefix[0, k] = _ZERO32
    for j in range(min(n, _PREFIX_AHEAD)):
        prefetch_row(word_rows, sen[j])
    for j in range(n):
        if j + _PREFIX_AHEAD < n:
            prefetch_row(word_rows, sen[j + _PREFIX_AHEAD])
        w = sen[j]
        for k in range(dim):
            prefix[j + 1, k] = prefix[j, k] + word_rows[w, k]


@njit(cache=True, fastmath=FASTMATH)
def _infer_sentence(n, vector, inputs, outputs, tables, params, alpha, work, r):
    """One pass over the ``n`` kept words in ``work.sentence``, training ``vector`` only; returns r.

    Each position depends on the vector the previous one left, but its
    draws do not: they are made ``_AHEAD`` positions early (same generator,
    same order as one position at a time) and their rows prefetched, so the
    loads of several positions' rows overlap the work of the positions
    before them.

    Nothing but ``vector`` changes, which shapes the loop:

    * the gradient goes straight into ``vector`` once every score of the
      position is computed (no separate gradient row), and PV-DBOW scores
      ``vector`` itself instead of a copy;
    * the scores of up to six output rows take one pass over the input, and
      their gradients one pass over ``vector`` (:func:`_frozen_outputs`);
    * PV-DM's context sum is read from prefix sums of the sentence's rows
      (:func:`_prefix_sums`, built once a pass): four rows a position
      whatever the window, instead of one per context word.  The sum is the
      same up to rounding.

    A sampling profile (PV-DBOW, 10,000 paragraphs, one thread) had put a
    third of the time in the negative draws, most of it in the alias
    table's accept branch, which is mispredicted as often as the draws are
    random; the packed table (``packed_alias``) makes it a select.
    Measured against the loop before these changes on the same models
    (``benchmarks/doc2vec_inference.py --ab``, one thread): 0.73x the time
    for PV-DBOW and 0.72x for PV-DM with three output rows a pass, then six
    rows a pass 0.90x and 0.92x of that (0.90x and 0.85x on two threads).
    Drawing the slots two positions ahead and prefetching them changed
    nothing (1.06x, 1.01x).
    """
    # Borrowed here again, where the loop is: see ``borrowed``.
    inputs, outputs, tables = borrowed_model(inputs, outputs, tables)
    vector = borrowed(vector)
    sen, h, prefix = borrowed(work.sentence), borrowed(work.h), borrowed(work.prefix)
    rows, labels, shrinks = borrowed(work.rows), borrowed(work.labels), borrowed(work.shrinks)
    slots = borrowed(work.slots)
    syn1neg, syn1, word_rows = outputs.syn1neg, outputs.syn1, inputs.vectors
    sigmoid = tables.sigmoid
    dim = h.shape[0]
    window = params.window
    for j in range(min(n, _AHEAD)):
        r = _draw_position(sen[j], j & _SLOT_MASK, syn1neg, slots, params, rows, labels, shrinks, r)
    if params.dm:
        _prefix_sums(n, sen, word_rows, prefix)
    for i in range(n):
        slot = i & _SLOT_MASK
        if i + _AHEAD < n:
            r = _draw_position(sen[i + _AHEAD], (i + _AHEAD) & _SLOT_MASK, syn1neg, slots, params, rows, labels,
                               shrinks, r)
        # The input: the vector itself (PV-DBOW); with the context rows (PV-DM);
        # a copy of the vector when both output layers score it.
        x = vector
        if params.dm:
            lo, hi = context_range(i, n, window, shrinks[slot])
            scale = _ONE32 / np.float32(hi - lo) if params.dm_mean else _ONE32
            for k in range(dim):
                h[k] = (vector[k] + ((prefix[hi, k] - prefix[i + 1, k]) + (prefix[i, k] - prefix[lo, k]))) * scale
            x = h
        elif params.hs and params.negative > 0:
            for k in range(dim):
                h[k] = vector[k]
            x = h
        if params.hs:
            _tree_outputs(x, sen[i], syn1, tables, rows, labels, alpha, vector)
        if params.negative > 0:
            _frozen_outputs(x, syn1neg, rows, labels, slot, params.negative + 1, True, sigmoid, alpha, vector)
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
    work = InferenceWork(borrowed(work.sentence), borrowed(work.h), borrowed(work.prefix), borrowed(work.rows),
                         borrowed(work.labels), borrowed(work.shrinks), borrowed(work.slots))
    for d in range(lo, hi):
        if offsets[d + 1] > offsets[d]:
            _infer_document(ids[offsets[d]:offsets[d + 1]], inputs, outputs, tables, params, work, out[d])


@njit(cache=True)
def _infer_range(lo, hi, ids, offsets, inputs, outputs, tables, params, slots, n_outputs, out):
    """Infer documents ``lo .. hi - 1``; one set of work arrays, overwritten before each use."""
    dim = out.shape[1]
    n_prefix = MAX_SENTENCE_LENGTH + 1 if params.dm else 1
    work = InferenceWork(np.empty(MAX_SENTENCE_LENGTH, dtype=np.int32), np.empty(dim, dtype=np.float32),
                         np.empty((n_prefix, dim), dtype=np.float32), np.empty((_SLOTS + 1, n_outputs), dtype=np.int64),
                         np.empty((_SLOTS + 1, n_outputs), dtype=np.float32), np.zeros(_SLOTS, dtype=np.int64), slots)
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
    slots = packed_alias(tables.threshold, tables.alias)
    # Output rows a position at most: the positive word and the negatives, or the longest tree path.
    n_outputs = params.negative + 1
    for w in range(tables.code_offsets.shape[0] - 1):
        n_outputs = max(n_outputs, tables.code_offsets[w + 1] - tables.code_offsets[w])
    for j in prange(n_ranges):
        _infer_range(j * n_docs // n_ranges, (j + 1) * n_docs // n_ranges, ids, offsets, inputs, outputs, tables,
                     params, slots, n_outputs, out)
