"""Numba kernels for word2vec with negatives shared as small matrix products.

The default kernels (``skvec._kernels.word2vec``) follow the C tool: every
(input, output) pair draws its own negatives and works on one output row at
a time.  Here, as in the shared-memory word2vec of Ji et al. (2016, Intel's
pWord2Vec) and Rengasamy et al. (2017), the negatives are drawn once for a
group of inputs and every dot product of the group is one small matrix
product:

* skip-gram: the group is a window.  Its context words (the inputs, ``m <=
  2 window`` rows) are scored against the focus word and the ``k`` shared
  negatives (the outputs, ``k + 1`` rows);
* CBOW: the group is a batch of ``CBOW_BATCH`` consecutive focus words of a
  sentence.  The context mean ``h`` of each focus word is scored against its
  own focus word and the ``k`` negatives shared by the batch.  The input rows
  of the batch's span (its focus words and their windows) are read once into
  a block, the means taken from it, and each row's gradients summed in a
  block and written once.

The rows are gathered into contiguous blocks, the scores computed, turned
into gradients with the C sigmoid table (saturated and NaN scores as the
default kernels treat them; a negative equal to the row's positive word is
skipped), the gradients of both blocks computed from the scores and the
rows as they were gathered, and added back to the model's rows.  So the
rows of a group see each other's updates only after the group, a delay of
one window (skip-gram) or one batch (CBOW): the same kind of staleness as
Hogwild threads have, which the training is as usual.

Everything else is the default kernels' own: the generator, sentence reading
and down-sampling, the window shrink, the negative alias table, the learning
rate, the input rows (subword rows included).  Hierarchical softmax, when on,
is trained pair by pair as in the default kernels (with the same input rows
the group gathered), the shared negatives after it.
"""

from collections import namedtuple

import numpy as np
from numba import njit, prange

from ._common import FASTMATH, borrowed, prefetch_row
from .word2vec import (
    EXP_TABLE_SIZE,
    MAX_EXP,
    MAX_SENTENCE_LENGTH,
    WORDS_READ_STRIDE,
    borrowed_model,
    context_range,
    draw_word,
    gather_input,
    hierarchical_softmax,
    learning_rate,
    prefetch_input,
    read_sentence,
    scatter_gradient,
    start_focus,
)

# Focus words of a CBOW batch sharing their negatives.
CBOW_BATCH = 16
# Rows of one block a pass of the block products (unrolled by hand below):
# the scores and the input gradients take 2 inputs x ``OUT_TILE`` outputs a
# pass, the output updates ``IN_TILE`` inputs a pass.  Three outputs a pass
# fit skip-gram's 1 + 5 outputs with no padding (four padded them to eight,
# a quarter of those passes' work on zero rows).
OUT_TILE = 3
IN_TILE = 4

_MAX_EXP32 = np.float32(MAX_EXP)
_TABLE_SCALE32 = np.float32(EXP_TABLE_SIZE / MAX_EXP / 2.0)
_ONE32 = np.float32(1.0)
_ZERO32 = np.float32(0.0)
_SATURATED_LOSS = float(np.log1p(np.exp(-MAX_EXP)))

Blocks = namedtuple(
    "Blocks",
    ["sentence", "inputs", "input_words", "positives", "outputs", "targets", "scores", "input_grad", "span",
     "span_grad", "span_rows", "focus"],
)
Blocks.__doc__ = """Per-chunk work arrays of the shared-negative kernels.

``inputs`` (one row per input of a group; ``input_words`` their words in
skip-gram, ``positives`` the word each predicts), ``outputs`` (the rows
shared by the group: skip-gram's focus word and the negatives, their ids in
a row of ``targets``, which has two: skip-gram draws the next window's into
the other), ``scores`` (inputs x outputs: the gradient factors),
``input_grad`` (the gradients of the inputs); for CBOW, ``span`` and
``span_grad`` hold the summed input rows of the batch's positions and their
gradients, ``span_rows`` the number of rows summed, and ``focus`` the
position, ``lo`` and ``hi`` of each focus word.
"""


@njit(cache=True)
def _blocks(dim, n_in, n_out, n_span):
    return Blocks(
        np.empty(MAX_SENTENCE_LENGTH, dtype=np.int32), np.empty((n_in, dim), dtype=np.float32),
        np.empty(n_in, dtype=np.int64), np.empty(n_in, dtype=np.int64), np.empty((n_out, dim), dtype=np.float32),
        np.empty((2, n_out), dtype=np.int64),
        np.empty((n_in, n_out), dtype=np.float32), np.empty((n_in, dim), dtype=np.float32),
        np.empty((n_span, dim), dtype=np.float32),
        np.empty((n_span, dim), dtype=np.float32), np.empty(n_span, dtype=np.int64),
        np.empty((CBOW_BATCH, 3), dtype=np.int64),
    )


@njit(cache=True, inline="always")
def _borrowed_blocks(blocks):
    """``blocks`` with every array borrowed (see ``_common.borrowed``)."""
    return Blocks(borrowed(blocks.sentence), borrowed(blocks.inputs), borrowed(blocks.input_words),
                  borrowed(blocks.positives), borrowed(blocks.outputs), borrowed(blocks.targets),
                  borrowed(blocks.scores), borrowed(blocks.input_grad), borrowed(blocks.span),
                  borrowed(blocks.span_grad), borrowed(blocks.span_rows), borrowed(blocks.focus))


@njit(cache=True, fastmath=FASTMATH, inline="always")
def _gradient(f, label, alpha, sigmoid, neg_log_sigmoid):
    """Gradient factor and loss of score ``f`` for ``label`` (1 or 0), as the default kernels compute them."""
    if f > _MAX_EXP32:
        return (label - _ONE32) * alpha, (_SATURATED_LOSS if label > 0 else f)
    if f >= -_MAX_EXP32:
        idx = int((f + _MAX_EXP32) * _TABLE_SCALE32)
        nls = neg_log_sigmoid[idx]
        return (label - sigmoid[idx]) * alpha, (nls if label > 0 else nls + f)
    if f < -_MAX_EXP32:
        return label * alpha, (-f if label > 0 else _SATURATED_LOSS)
    # NaN: reported through the loss, the vectors left alone.
    return _ZERO32, f


@njit(cache=True, inline="always")
def _draw_negatives(n_pos, syn1neg, tables, negative, targets, r):
    """Draw the shared negatives into ``targets`` after its ``n_pos`` positives and prefetch all their rows."""
    n_words = syn1neg.shape[0]
    for s in range(n_pos):
        prefetch_row(syn1neg, targets[s])
    for s in range(n_pos, n_pos + negative):
        r, target = draw_word(r, tables.threshold, tables.alias, n_words)
        targets[s] = target
        prefetch_row(syn1neg, target)
    return r


@njit(cache=True, inline="always")
def _gather_outputs(n_out, syn1neg, targets, outputs):
    """Copy the output rows ``syn1neg[targets[:n_out]]`` into ``outputs``."""
    for s in range(n_out):
        row = targets[s]
        for k in range(outputs.shape[1]):
            outputs[s, k] = syn1neg[row, k]


@njit(cache=True, inline="always")
def _padded(n, tile):
    """``n`` rounded up to a whole number of ``tile`` rows."""
    return (n + tile - 1) // tile * tile


@njit(cache=True, fastmath=FASTMATH, inline="always")
def _dots(n_in, n_out, inputs, outputs, scores):
    """``scores = inputs @ outputs.T`` over whole tiles: 2 inputs x ``OUT_TILE`` (3) outputs a pass.

    A pass keeps 6 vector accumulators and loads 5 rows' components for 6
    products; the rows past ``n_in`` and ``n_out`` (to whole tiles) must be
    zero.
    """
    dim = inputs.shape[1]
    for a in range(0, n_in, 2):
        for b in range(0, n_out, OUT_TILE):
            f0 = f1 = f2 = g0 = g1 = g2 = _ZERO32
            for k in range(dim):
                x = inputs[a, k]
                y = inputs[a + 1, k]
                o0, o1, o2 = outputs[b, k], outputs[b + 1, k], outputs[b + 2, k]
                f0 += x * o0
                f1 += x * o1
                f2 += x * o2
                g0 += y * o0
                g1 += y * o1
                g2 += y * o2
            scores[a, b], scores[a, b + 1], scores[a, b + 2] = f0, f1, f2
            scores[a + 1, b], scores[a + 1, b + 1], scores[a + 1, b + 2] = g0, g1, g2


@njit(cache=True, fastmath=FASTMATH, inline="always")
def _score(n_in, n_pos, n_out, inputs, outputs, targets, positives, scores, sigmoid, neg_log_sigmoid, alpha):
    """Gradient factors of every (input, output) pair trained, in place of the scores; returns the loss.

    The first ``n_pos`` outputs are positives of every input, the others
    negatives; a negative equal to the input's positive word
    (``positives[a]``) is not trained (factor 0).  Rows and columns past
    ``n_in`` and ``n_out`` (up to whole tiles) get factor 0.
    """
    _dots(n_in, n_out, inputs, outputs, scores)
    loss = 0.0
    for a in range(n_in):
        positive = positives[a]
        for b in range(n_out):
            if b >= n_pos and targets[b] == positive:
                scores[a, b] = _ZERO32
                continue
            g, step = _gradient(scores[a, b], _ONE32 if b < n_pos else _ZERO32, alpha, sigmoid, neg_log_sigmoid)
            scores[a, b] = g
            loss += step
        for b in range(n_out, _padded(n_out, OUT_TILE)):
            scores[a, b] = _ZERO32
    for a in range(n_in, _padded(n_in, 2)):
        for b in range(_padded(n_out, OUT_TILE)):
            scores[a, b] = _ZERO32
    return loss


@njit(cache=True, fastmath=FASTMATH, inline="always")
def _block_gradients(n_in, n_out, inputs, outputs, scores, targets, input_grad, syn1neg, accumulate):
    """``input_grad (+)= scores @ outputs``, then each output row ``+=`` its column of ``scores.T @ inputs``.

    Whole tiles (the rows past ``n_in`` and ``n_out`` are zero, and so are
    their factors): the input gradients 2 rows x ``OUT_TILE`` outputs a pass
    (the first pass writes them unless ``accumulate``), each output row
    ``IN_TILE`` inputs a pass and 2 for the last one to three, added to the
    model's row in place (one output at a time, so a negative drawn twice
    gets both).
    """
    dim = inputs.shape[1]
    for a in range(0, n_in, 2):
        for b in range(0, n_out, OUT_TILE):
            f0, f1, f2 = scores[a, b], scores[a, b + 1], scores[a, b + 2]
            g0, g1, g2 = scores[a + 1, b], scores[a + 1, b + 1], scores[a + 1, b + 2]
            if b == 0 and not accumulate:
                for k in range(dim):
                    o0, o1, o2 = outputs[b, k], outputs[b + 1, k], outputs[b + 2, k]
                    input_grad[a, k] = f0 * o0 + f1 * o1 + f2 * o2
                    input_grad[a + 1, k] = g0 * o0 + g1 * o1 + g2 * o2
            else:
                for k in range(dim):
                    o0, o1, o2 = outputs[b, k], outputs[b + 1, k], outputs[b + 2, k]
                    input_grad[a, k] += f0 * o0 + f1 * o1 + f2 * o2
                    input_grad[a + 1, k] += g0 * o0 + g1 * o1 + g2 * o2
    for b in range(n_out):
        row = targets[b]
        a = 0
        while a + IN_TILE <= n_in:
            g0, g1, g2, g3 = scores[a, b], scores[a + 1, b], scores[a + 2, b], scores[a + 3, b]
            for k in range(dim):
                syn1neg[row, k] += (g0 * inputs[a, k] + g1 * inputs[a + 1, k]
                                    + g2 * inputs[a + 2, k] + g3 * inputs[a + 3, k])
            a += IN_TILE
        for c in range(a, n_in, 2):
            g0, g1 = scores[c, b], scores[c + 1, b]
            for k in range(dim):
                syn1neg[row, k] += g0 * inputs[c, k] + g1 * inputs[c + 1, k]


@njit(cache=True, fastmath=FASTMATH)
def _private_positives(n_in, syn1neg, inputs, positives, input_grad, sigmoid, neg_log_sigmoid, alpha):
    """CBOW: each input against its own focus word, updated at once (the negatives follow); returns the loss."""
    syn1neg, inputs, input_grad = borrowed(syn1neg), borrowed(inputs), borrowed(input_grad)
    positives = borrowed(positives)
    sigmoid, neg_log_sigmoid = borrowed(sigmoid), borrowed(neg_log_sigmoid)
    dim = inputs.shape[1]
    loss = 0.0
    for a in range(n_in):
        row = positives[a]
        f = _ZERO32
        for k in range(dim):
            f += inputs[a, k] * syn1neg[row, k]
        g, step = _gradient(f, _ONE32, alpha, sigmoid, neg_log_sigmoid)
        loss += step
        for k in range(dim):
            out = syn1neg[row, k]
            input_grad[a, k] += g * out
            syn1neg[row, k] = out + g * inputs[a, k]
    return loss


@njit(cache=True, inline="always")
def _zero_padding(n_in, n_out, blocks):
    """Zero the input, gradient and output rows from ``n_in`` and ``n_out`` to whole tiles."""
    for a in range(n_in, _padded(n_in, 2)):
        for k in range(blocks.inputs.shape[1]):
            blocks.inputs[a, k] = _ZERO32
            blocks.input_grad[a, k] = _ZERO32
    for b in range(n_out, _padded(n_out, OUT_TILE)):
        for k in range(blocks.outputs.shape[1]):
            blocks.outputs[b, k] = _ZERO32


@njit(cache=True, inline="always")
def _shared_negatives(n_in, n_pos, negative, syn1neg, tables, alpha, blocks, slot, accumulate):
    """Score the group against its outputs ``targets[slot]`` (drawn), update them and the input gradients.

    The first ``n_pos`` outputs are positives, the ``negative`` after them
    the shared negatives; the input gradients are added to ``input_grad``
    if ``accumulate``, else written to it.  Returns the loss.
    """
    targets = blocks.targets[slot]
    n_out = n_pos + negative
    _gather_outputs(n_out, syn1neg, targets, blocks.outputs)
    _zero_padding(n_in, n_out, blocks)
    loss = _score(n_in, n_pos, n_out, blocks.inputs, blocks.outputs, targets, blocks.positives,
                  blocks.scores, tables.sigmoid, tables.neg_log_sigmoid, alpha)
    _block_gradients(n_in, n_out, blocks.inputs, blocks.outputs, blocks.scores, targets, blocks.input_grad,
                     syn1neg, accumulate)
    return loss


@njit(cache=True, inline="always")
def _draw_window(word, n, outputs, tables, params, targets, r):
    """Skip-gram: the shrink of focus ``word``'s window, then (``n > 1``: the window has inputs) its negatives.

    Returns (shrink, r).  The negatives go to ``targets`` after ``word`` and
    their rows are prefetched.
    """
    b, r = start_focus(word, outputs, tables, params, r)
    if n > 1 and params.negative > 0:
        targets[0] = word
        r = _draw_negatives(1, outputs.syn1neg, tables, params.negative, targets, r)
    return b, r


@njit(cache=True, fastmath=FASTMATH)
def _skipgram_sentence(n, inputs, outputs, tables, params, alpha, blocks, r):
    """Skip-gram over the ``n`` kept words of ``blocks.sentence``, one window a group; returns (loss, examples, r).

    The draws of a window (its shrink, then its negatives) are made while
    the window before it is trained -- the same draws in the same order --
    and the rows of its negatives and of the word entering it prefetched,
    so their cache misses overlap the work of the window before.
    """
    # Borrowed views: no reference counting in the loop (see ``_common.borrowed``).
    inputs, outputs, tables = borrowed_model(inputs, outputs, tables)
    blocks = _borrowed_blocks(blocks)
    sen, rows, words, grad = blocks.sentence, blocks.inputs, blocks.input_words, blocks.input_grad
    dim = rows.shape[1]
    window = params.window
    loss = 0.0
    n_examples = 0
    b_next = 0
    if n > 0:
        b_next, r = _draw_window(sen[0], n, outputs, tables, params, blocks.targets[0], r)
    for i in range(n):
        word = sen[i]
        b = b_next
        slot = i & 1
        if i + 1 < n:
            b_next, r = _draw_window(sen[i + 1], n, outputs, tables, params, blocks.targets[1 - slot], r)
            if i + 1 + window < n:
                prefetch_row(inputs.vectors, sen[i + 1 + window])
                prefetch_input(inputs, sen[i + 1 + window])
        lo, hi = context_range(i, n, window, b)
        m = 0
        for c in range(lo, hi):
            if c == i:
                continue
            n_rows = gather_input(rows[m], inputs, sen[c], False)
            if n_rows > 1:
                inv = _ONE32 / np.float32(n_rows)
                for k in range(dim):
                    rows[m, k] *= inv
            if params.hs or params.negative == 0:
                # Gradients added to (tree paths); otherwise the negatives write them.
                for k in range(dim):
                    grad[m, k] = _ZERO32
            words[m] = sen[c]
            blocks.positives[m] = word
            m += 1
        if m == 0:
            continue
        if params.hs:
            for a in range(m):
                loss += hierarchical_softmax(rows[a], word, outputs.syn1, tables, alpha, grad[a])
        if params.negative > 0:
            loss += _shared_negatives(m, 1, params.negative, outputs.syn1neg, tables, alpha, blocks, slot,
                                      params.hs)
        for a in range(m):
            scatter_gradient(grad[a], inputs, words[a])
        n_examples += m
    return loss, n_examples, r


@njit(cache=True, fastmath=FASTMATH, inline="always")
def _gather_span(lo, hi, inputs, blocks):
    """Sum the input rows of positions ``lo .. hi - 1`` into ``span`` (gradients zeroed)."""
    span, span_grad = blocks.span, blocks.span_grad
    for p in range(lo, hi):
        blocks.span_rows[p - lo] = gather_input(span[p - lo], inputs, blocks.sentence[p], False)
        for k in range(span.shape[1]):
            span_grad[p - lo, k] = _ZERO32


@njit(cache=True, fastmath=FASTMATH, inline="always")
def _cbow_means(start, stop, n, span_lo, outputs, tables, params, blocks, r):
    """Context means of the focus words ``start .. stop - 1`` into ``inputs``; returns (rows, r)."""
    span, rows, focus = blocks.span, blocks.inputs, blocks.focus
    dim = span.shape[1]
    m = 0
    for i in range(start, stop):
        word = blocks.sentence[i]
        b, r = start_focus(word, outputs, tables, params, r)
        lo, hi = context_range(i, n, params.window, b)
        total = 0
        for k in range(dim):
            rows[m, k] = _ZERO32
        for c in range(lo, hi):
            if c != i:
                total += blocks.span_rows[c - span_lo]
                for k in range(dim):
                    rows[m, k] += span[c - span_lo, k]
        if total == 0:
            continue
        if params.cbow_mean:
            inv = _ONE32 / np.float32(total)
            for k in range(dim):
                rows[m, k] *= inv
        for k in range(dim):
            blocks.input_grad[m, k] = _ZERO32
        focus[m, 0], focus[m, 1], focus[m, 2] = i, lo, hi
        blocks.positives[m] = word
        m += 1
    return m, r


@njit(cache=True, fastmath=FASTMATH)
def _cbow_sentence(n, inputs, outputs, tables, params, alpha, blocks, r):
    """CBOW over the ``n`` kept words of ``blocks.sentence``, ``CBOW_BATCH`` focus words a group; returns (loss, examples, r)."""
    inputs, outputs, tables = borrowed_model(inputs, outputs, tables)
    blocks = _borrowed_blocks(blocks)
    grad, span_grad, focus = blocks.input_grad, blocks.span_grad, blocks.focus
    dim = grad.shape[1]
    window = params.window
    loss = 0.0
    n_examples = 0
    for start in range(0, n, CBOW_BATCH):
        stop = min(start + CBOW_BATCH, n)
        span_lo, span_hi = max(start - window, 0), min(stop + window, n)
        _gather_span(span_lo, span_hi, inputs, blocks)
        m, r = _cbow_means(start, stop, n, span_lo, outputs, tables, params, blocks, r)
        if m == 0:
            continue
        if params.hs:
            for a in range(m):
                loss += hierarchical_softmax(blocks.inputs[a], blocks.positives[a], outputs.syn1, tables, alpha,
                                             grad[a])
        if params.negative > 0:
            loss += _private_positives(m, outputs.syn1neg, blocks.inputs, blocks.positives, blocks.input_grad,
                                       tables.sigmoid, tables.neg_log_sigmoid, alpha)
            r = _draw_negatives(0, outputs.syn1neg, tables, params.negative, blocks.targets[0], r)
            loss += _shared_negatives(m, 0, params.negative, outputs.syn1neg, tables, alpha, blocks, 0, True)
        # Each context position of a focus word gets its gradient, once summed over the batch.
        for a in range(m):
            for c in range(focus[a, 1], focus[a, 2]):
                if c != focus[a, 0]:
                    for k in range(dim):
                        span_grad[c - span_lo, k] += grad[a, k]
        for p in range(span_lo, span_hi):
            scatter_gradient(span_grad[p - span_lo], inputs, blocks.sentence[p])
        n_examples += m
    return loss, n_examples, r


@njit(cache=True)
def _train_chunk(t, ids, offsets, bounds, first_doc, inputs, outputs, tables, params, words_before, state):
    """Train chunk ``t`` of ``train_block``."""
    n_chunks = bounds.shape[0] - 1
    n_in = _padded(max(2 * params.window, CBOW_BATCH), IN_TILE)
    blocks = _blocks(inputs.vectors.shape[1], n_in, _padded(1 + params.negative, OUT_TILE),
                     CBOW_BATCH + 2 * params.window)
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
        n, q, r = read_sentence(ids, p, sentence_stop, tables.keep, params.subsample, blocks.sentence, r)
        words_read[WORDS_READ_STRIDE * t] += q - p
        p = q
        alpha = learning_rate(params, words_before, words_read)
        if params.skipgram:
            step, count, r = _skipgram_sentence(n, inputs, outputs, tables, params, alpha, blocks, r)
        else:
            step, count, r = _cbow_sentence(n, inputs, outputs, tables, params, alpha, blocks, r)
        loss += step
        n_examples += count
    state.rng_states[t] = r
    state.losses[t] = loss
    state.examples[t] = n_examples


@njit(parallel=True, cache=True)
def train_block(ids, offsets, bounds, first_doc, inputs, outputs, tables, params, words_before, state):
    """``skvec._kernels.word2vec.train_block`` with the negatives shared (see the module notes).

    Same arguments, same schedule and outputs; ``params.defer_inputs`` is
    ignored (input rows are updated after each group).
    """
    for t in prange(bounds.shape[0] - 1):
        _train_chunk(t, ids, offsets, bounds, first_doc, inputs, outputs, tables, params, words_before, state)

