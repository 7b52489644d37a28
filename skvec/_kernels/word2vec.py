"""Numba kernels for word2vec, following the original C tool (word2vec.c).

What is kept from the C code, on purpose:

* the linear congruential generator ``r = r * 25214903917 + 11`` (one state
  per thread), used for initialisation, down-sampling, the dynamic window and
  negative draws;
* ``syn0`` uniform in ``[-0.5, 0.5) / d``, output vectors zero;
* down-sampling with the C keep probability, drawn as each sentence is read,
  and sentences cut at ``MAX_SENTENCE_LENGTH`` kept words;
* dynamic window ``b = r % window``;
* in skip-gram the context word is the input and the focus word the output;
* the input-side gradient accumulated in ``neu1e`` over the positive and all
  negative (or all tree) outputs and applied once afterwards, output vectors
  updated at once;
* a negative equal to the positive word is skipped;
* the sigmoid read from a 1000-entry table over ``[-MAX_EXP, MAX_EXP]``;
  outside it the negative-sampling gradient uses the saturated value and the
  hierarchical-softmax node is skipped.  The index is ``(f + MAX_EXP) *
  1000 / MAX_EXP / 2``, the scale the table is built for (83.33...); C
  writes it with integer macros, ``EXP_TABLE_SIZE / MAX_EXP / 2`` = 83, so
  its index lags by up to 0.4 % of the range (one epoch's vectors differ by
  about 1e-3);
* the Huffman tree built exactly as ``CreateBinaryTree`` builds it;
* the learning rate recomputed from the words read by all threads.

One deliberate difference: the C tool samples negatives from a table of 1e8
word ids (400 MB), which rounds each word's share to 1e-8.  Here the same
unigram^0.75 distribution is sampled from a Walker alias table of vocabulary
size (two small arrays that stay in cache; each slot's split is kept to
1/65536), one generator step per draw.

One addition for speed: the negatives of an example are drawn first (same
order, same generator) and their rows prefetched, so their cache misses
overlap.

Models with extra input rows (fastText's n-grams) may defer their input
updates (``TrainingParams.defer_inputs``): a word's rows are summed once when
it enters the window, that sum is kept up to date with the word's own
gradients (the sum moves by ``n_rows`` times each gradient), and the
gradients are added to the rows once, when the word leaves the window.  A
word then costs one read and one write of its rows per sentence position
instead of one of each per example it takes part in (about ``window`` of
them, up to 2 ``window``), which dominates fastText's time.  What differs
from updating at once: a word sees the gradients other words of the window
put on an n-gram row they share (or on its own rows, for a word repeated in
the window) only after they leave the window, a delay of at most
2 ``window`` positions -- the kind of staleness Hogwild threads already
have.  word2vec (no extra rows) never defers, so it stays C's.

Parallel training is Hogwild, as in C: threads update the shared matrices
without locks.
"""

from collections import namedtuple

import numpy as np
from numba import njit, prange

from ._common import COUNTER_STRIDE, FASTMATH, below, borrowed, lcg_next, prefetch_row

MAX_EXP = 6.0
EXP_TABLE_SIZE = 1000
MAX_SENTENCE_LENGTH = 1000
# Chunk t counts its words read in ``words_read[WORDS_READ_STRIDE * t]``.
WORDS_READ_STRIDE = COUNTER_STRIDE

_LOW16 = np.uint64(0xFFFF)
_S16 = np.uint64(16)
_S32 = np.uint64(32)
_S32I = np.int64(32)
_LOW32 = np.int64(0xFFFFFFFF)
_TABLE_SCALE = EXP_TABLE_SIZE / MAX_EXP / 2.0
_MAX_EXP32 = np.float32(MAX_EXP)
_ONE32 = np.float32(1.0)
_ZERO32 = np.float32(0.0)
# Loss of a saturated output, log(1 + exp(-6)).
_SATURATED_LOSS = float(np.log1p(np.exp(-MAX_EXP)))

def sigmoid_tables():
    """Return the C sigmoid table and the matching ``-log(sigmoid)`` table.

    Entry ``i`` is for ``x = (2 i / EXP_TABLE_SIZE - 1) * MAX_EXP``; one extra
    entry covers ``x == MAX_EXP`` exactly.
    """
    x = (np.arange(EXP_TABLE_SIZE + 1) / EXP_TABLE_SIZE * 2.0 - 1.0) * MAX_EXP
    e = np.exp(x)
    sigmoid = (e / (e + 1.0)).astype(np.float32)
    neg_log_sigmoid = np.log1p(np.exp(-x))
    return sigmoid, neg_log_sigmoid


def keep_probabilities(counts, sample, train_words):
    """C's down-sampling keep probability of each word (may exceed 1: always kept).

    ``(sqrt(f / (s T)) + 1) * (s T) / f`` with ``f`` the word count, ``s`` the
    ``sample`` threshold and ``T`` the number of training words, evaluated
    with C's float/double mix and stored as C's ``real`` (float32).

    Deliberately not ``skvec._counting.plan.keep_probabilities`` (float64,
    ``T`` from the counts): training must match C word2vec's draws bit for
    bit, so it keeps C's float32 rounding and its ``T``.
    """
    counts = np.asarray(counts, dtype=np.int64)
    st = np.float32(sample) * np.float32(train_words)
    ratio = counts.astype(np.float32) / st
    keep = (np.sqrt(ratio.astype(np.float64)) + 1.0) * np.float64(st) / counts
    return keep.astype(np.float32)


@njit(cache=True)
def init_input_vectors(n_words, dim, seed):
    """``syn0`` as C initialises it: ``((r & 0xFFFF) / 65536 - 0.5) / dim``."""
    out = np.empty((n_words, dim), dtype=np.float32)
    r = np.uint64(seed)
    inv = np.float32(1.0 / 65536.0)
    half = np.float32(0.5)
    fdim = np.float32(dim)
    for i in range(n_words):
        for k in range(dim):
            r = lcg_next(r)
            out[i, k] = (np.float32(r & _LOW16) * inv - half) / fdim
    return out


@njit(cache=True)
def alias_table(weights):
    """Walker alias table for drawing ``i`` with probability ``weights[i] / sum``.

    Returns ``(threshold, alias)``: draw a uniform slot ``j`` and a 16-bit
    uniform ``u``; the sample is ``j`` if ``u < threshold[j]`` else
    ``alias[j]``.
    """
    n = weights.shape[0]
    total = 0.0
    for i in range(n):
        total += weights[i]
    scaled = np.empty(n, dtype=np.float64)
    for i in range(n):
        scaled[i] = weights[i] * n / total
    alias = np.arange(n).astype(np.int32)
    small = np.empty(n, dtype=np.int64)
    large = np.empty(n, dtype=np.int64)
    n_small = 0
    n_large = 0
    for i in range(n):
        if scaled[i] < 1.0:
            small[n_small] = i
            n_small += 1
        else:
            large[n_large] = i
            n_large += 1
    while n_small > 0 and n_large > 0:
        n_small -= 1
        s = small[n_small]
        g = large[n_large - 1]
        alias[s] = g
        scaled[g] = (scaled[g] + scaled[s]) - 1.0
        if scaled[g] < 1.0:
            n_large -= 1
            small[n_small] = g
            n_small += 1
    # Whatever is left is full up to rounding error.
    for j in range(n_large):
        scaled[large[j]] = 1.0
    for j in range(n_small):
        scaled[small[j]] = 1.0
    threshold = np.empty(n, dtype=np.uint32)
    for i in range(n):
        t = np.floor(scaled[i] * 65536.0 + 0.5)
        if t > 65536.0:
            t = 65536.0
        if t < 0.0:
            t = 0.0
        threshold[i] = np.uint32(t)
    return threshold, alias


@njit(cache=True, inline="always")
def _draw(r, threshold, alias, n):
    """Advance the generator and draw one word from the alias table."""
    r = lcg_next(r)
    # Slot from the top 32 bits (multiply-shift, no division), the accept
    # test from bits 16..31: the low bits of this generator are weak.
    j = below(r >> _S32, n)
    if ((r >> _S16) & _LOW16) < threshold[j]:
        return r, j
    return r, np.int64(alias[j])


@njit(cache=True)
def draw_negatives(threshold, alias, n_draws, seed):
    """Draw ``n_draws`` words as the training kernel draws negatives (for tests)."""
    out = np.empty(n_draws, dtype=np.int64)
    r = np.uint64(seed)
    n = threshold.shape[0]
    for i in range(n_draws):
        r, w = _draw(r, threshold, alias, n)
        out[i] = w
    return out


@njit(cache=True)
def packed_alias(threshold, alias):
    """The alias table as one int64 a slot: its threshold in the high 32 bits, its alias in the low ones.

    A draw from it (``_draw_packed``) reads one slot instead of an entry of
    each table, and takes its word with a select instead of ``_draw``'s
    branch, which is mispredicted about as often as the draws are random.
    The words drawn are ``_draw``'s.
    """
    slots = np.empty(threshold.shape[0], dtype=np.int64)
    for j in range(threshold.shape[0]):
        slots[j] = (np.int64(threshold[j]) << _S32I) | np.int64(alias[j])
    return slots


@njit(cache=True, inline="always")
def _draw_packed(r, slots, n):
    """``_draw`` from the packed alias table ``slots`` (:func:`packed_alias`), without a branch."""
    r = lcg_next(r)
    j = below(r >> _S32, n)
    v = slots[j]
    u = np.int64((r >> _S16) & _LOW16)
    return r, (j if u < (v >> _S32I) else v & _LOW32)


@njit(cache=True)
def draw_packed(slots, n_draws, seed):
    """Draw ``n_draws`` words as inference draws negatives (for tests)."""
    out = np.empty(n_draws, dtype=np.int64)
    r = np.uint64(seed)
    for i in range(n_draws):
        r, out[i] = _draw_packed(r, slots, slots.shape[0])
    return out


@njit(cache=True, inline="always")
def _pop_smallest(count, pos1, pos2):
    """The smaller of the next leaf (``pos1``, right to left) and the next
    inner node (``pos2``, left to right), strict ``<`` as in C; returns it and
    the advanced positions."""
    if pos1 >= 0 and count[pos1] < count[pos2]:
        return pos1, pos1 - 1, pos2
    return pos2, pos1, pos2 + 1


@njit(cache=True)
def huffman_tree(counts):
    """Huffman codes as C's ``CreateBinaryTree`` builds them.

    ``counts`` must be sorted by decreasing count.  Returns ``(code_offsets,
    codes, points)``: word ``w`` has bits ``codes[code_offsets[w]:
    code_offsets[w + 1]]`` from the root down and the inner nodes (rows of
    ``syn1``, ``0 .. n - 2``) on its path in ``points`` at the same positions.
    """
    n = counts.shape[0]
    code_offsets = np.zeros(n + 1, dtype=np.int64)
    if n < 2:
        # A single word needs no decision: empty code.
        return code_offsets, np.zeros(0, dtype=np.uint8), np.zeros(0, dtype=np.int32)
    count = np.empty(2 * n + 1, dtype=np.int64)
    parent = np.zeros(2 * n + 1, dtype=np.int64)
    binary = np.zeros(2 * n + 1, dtype=np.uint8)
    for a in range(n):
        count[a] = counts[a]
    for a in range(n, 2 * n + 1):
        count[a] = np.int64(1000000000000000)
    pos1 = n - 1
    pos2 = n
    for a in range(n - 1):
        min1, pos1, pos2 = _pop_smallest(count, pos1, pos2)
        min2, pos1, pos2 = _pop_smallest(count, pos1, pos2)
        count[n + a] = count[min1] + count[min2]
        parent[min1] = n + a
        parent[min2] = n + a
        binary[min2] = 1
    root = 2 * n - 2
    for a in range(n):
        depth = 0
        b = a
        while b != root:
            depth += 1
            b = parent[b]
        code_offsets[a + 1] = code_offsets[a] + depth
    codes = np.empty(code_offsets[n], dtype=np.uint8)
    points = np.empty(code_offsets[n], dtype=np.int32)
    for a in range(n):
        # Walk up from the leaf, filling from the deepest position.
        j = code_offsets[a + 1] - 1
        b = a
        while b != root:
            codes[j] = binary[b]
            points[j] = parent[b] - n
            j -= 1
            b = parent[b]
    return code_offsets, codes, points


# Grouped arguments of the training kernels (Numba passes namedtuples of
# arrays and scalars by value, with static field access).

InputRows = namedtuple("InputRows", ["vectors", "extra_offsets", "extra_rows"])
InputRows.__doc__ = """The input side of the model: where the input vector of a word comes from.

``vectors`` holds the rows (``syn0``).  The input vector of word ``w`` is the
mean of row ``w`` and the rows ``extra_rows[extra_offsets[w]:
extra_offsets[w + 1]]`` (a CSR of extra row ids per vocabulary word), and the
input gradient of ``w`` is added to each of these rows.  word2vec has no
extra rows (``extra_offsets`` all zero), so its input vector is row ``w``.

This is the extension point of subword models: fastText keeps the word rows
and the character n-gram buckets in one ``vectors`` matrix and lists the
n-gram rows of each word here; the kernels below then train it unchanged.
"""

OutputRows = namedtuple("OutputRows", ["syn1neg", "syn1"])
OutputRows.__doc__ = """Output vectors: negative sampling (``syn1neg``) and Huffman-tree nodes (``syn1``)."""

Tables = namedtuple(
    "Tables", ["threshold", "alias", "code_offsets", "codes", "points", "keep", "sigmoid", "neg_log_sigmoid"]
)
Tables.__doc__ = """Read-only tables: negative alias table, Huffman codes, keep probabilities, sigmoid."""

TrainingParams = namedtuple(
    "TrainingParams",
    ["skipgram", "cbow_mean", "negative", "hs", "subsample", "window", "shrink", "start_alpha", "min_alpha",
     "total_words", "defer_inputs"],
)
TrainingParams.__doc__ = """Scalar settings of a fit (bools, ints and floats; see ``train_block``)."""

ThreadState = namedtuple("ThreadState", ["rng_states", "words_read", "losses", "examples"])
ThreadState.__doc__ = """Per-chunk generator states (updated in place) and per-chunk outputs of ``train_block``."""

Scratch = namedtuple("Scratch", ["sentence", "h", "neu1e", "targets", "sums", "pending", "n_rows"])
Scratch.__doc__ = """Per-chunk work arrays; ``sums``, ``pending`` and ``n_rows`` (one row per
sentence position) hold the deferred input updates and are empty otherwise."""


@njit(cache=True, inline="always")
def borrowed_model(inputs, outputs, tables):
    """``inputs``, ``outputs`` and ``tables`` with every array borrowed (see ``_common.borrowed``)."""
    inputs = InputRows(borrowed(inputs.vectors), borrowed(inputs.extra_offsets), borrowed(inputs.extra_rows))
    outputs = OutputRows(borrowed(outputs.syn1neg), borrowed(outputs.syn1))
    tables = Tables(borrowed(tables.threshold), borrowed(tables.alias), borrowed(tables.code_offsets),
                    borrowed(tables.codes), borrowed(tables.points), borrowed(tables.keep),
                    borrowed(tables.sigmoid), borrowed(tables.neg_log_sigmoid))
    return inputs, outputs, tables


@njit(cache=True, inline="always")
def context_range(i, n, window, b):
    """Positions ``[lo, hi)`` of the context of position ``i`` (except ``i``)
    in a sentence of ``n`` words, for the window ``window - b``."""
    return max(i - window + b, 0), min(i + window + 1 - b, n)


@njit(cache=True, inline="always")
def gather_input(h, inputs, word, accumulate):
    """Add (or, unless ``accumulate``, copy) the input rows of ``word`` into ``h``.

    Returns how many rows were read: the word's row and its extra rows.
    """
    vectors = inputs.vectors
    dim = h.shape[0]
    if accumulate:
        for k in range(dim):
            h[k] += vectors[word, k]
    else:
        for k in range(dim):
            h[k] = vectors[word, k]
    lo = inputs.extra_offsets[word]
    hi = inputs.extra_offsets[word + 1]
    for j in range(lo, hi):
        row = inputs.extra_rows[j]
        for k in range(dim):
            h[k] += vectors[row, k]
    return 1 + hi - lo


@njit(cache=True, inline="always")
def prefetch_input(inputs, word):
    """Start loading the extra input rows of ``word`` (subword models; word2vec has none).

    A word entering the window is read as a context several times; its
    n-gram rows lie all over a matrix far larger than the caches, so their
    loads are issued one focus word ahead and overlap.
    """
    for j in range(inputs.extra_offsets[word], inputs.extra_offsets[word + 1]):
        prefetch_row(inputs.vectors, inputs.extra_rows[j])


@njit(cache=True, inline="always")
def scatter_gradient(neu1e, inputs, word):
    """Add the input gradient ``neu1e`` to each input row of ``word``."""
    vectors = inputs.vectors
    dim = neu1e.shape[0]
    for k in range(dim):
        vectors[word, k] += neu1e[k]
    for j in range(inputs.extra_offsets[word], inputs.extra_offsets[word + 1]):
        row = inputs.extra_rows[j]
        for k in range(dim):
            vectors[row, k] += neu1e[k]


@njit(cache=True, fastmath=FASTMATH, inline="always")
def _negative_sampling(h, word, syn1neg, tables, negative, alpha, neu1e, targets, r):
    """Positive ``word`` and ``negative`` draws against input ``h``; returns (loss, r).

    The draws come first (in C's order) so their rows can be prefetched.
    """
    dim = h.shape[0]
    n_words = syn1neg.shape[0]
    sigmoid = tables.sigmoid
    nls = tables.neg_log_sigmoid
    loss = 0.0
    targets[0] = word
    for s in range(1, negative + 1):
        r, target = _draw(r, tables.threshold, tables.alias, n_words)
        targets[s] = target
        prefetch_row(syn1neg, target)
    for s in range(negative + 1):
        target = targets[s]
        if s == 0:
            label = _ONE32
        elif target == word:
            continue
        else:
            label = _ZERO32
        f = _ZERO32
        for k in range(dim):
            f += h[k] * syn1neg[target, k]
        if f > _MAX_EXP32:
            g = (label - _ONE32) * alpha
            loss += _SATURATED_LOSS if label > 0 else f
        elif f >= -_MAX_EXP32:
            idx = int((f + _MAX_EXP32) * np.float32(_TABLE_SCALE))
            g = (label - sigmoid[idx]) * alpha
            loss += nls[idx] if label > 0 else nls[idx] + f
        elif f < -_MAX_EXP32:
            g = label * alpha
            loss += -f if label > 0 else _SATURATED_LOSS
        else:
            # NaN: report it through the loss, leave the vectors alone.
            g = _ZERO32
            loss += f
        for k in range(dim):
            out = syn1neg[target, k]
            neu1e[k] += g * out
            syn1neg[target, k] = out + g * h[k]
    return loss, r


@njit(cache=True, fastmath=FASTMATH, inline="always")
def _hierarchical_softmax(h, word, syn1, tables, alpha, neu1e):
    """One pass down the Huffman path of ``word`` with input ``h``; returns the loss."""
    dim = h.shape[0]
    codes = tables.codes
    points = tables.points
    sigmoid = tables.sigmoid
    nls = tables.neg_log_sigmoid
    loss = 0.0
    for j in range(tables.code_offsets[word], tables.code_offsets[word + 1]):
        node = points[j]
        label = _ONE32 - np.float32(codes[j])
        f = _ZERO32
        for k in range(dim):
            f += h[k] * syn1[node, k]
        if not (f > -_MAX_EXP32 and f < _MAX_EXP32):
            # Saturated (or NaN): C skips the node; count its loss only.
            z = f if label > 0 else -f
            if z >= _MAX_EXP32:
                loss += _SATURATED_LOSS
            else:
                loss += -z
            continue
        idx = int((f + _MAX_EXP32) * np.float32(_TABLE_SCALE))
        g = (label - sigmoid[idx]) * alpha
        loss += nls[idx] if label > 0 else nls[idx] + f
        for k in range(dim):
            out = syn1[node, k]
            neu1e[k] += g * out
            syn1[node, k] = out + g * h[k]
    return loss


@njit(cache=True, inline="always")
def _start_focus(word, outputs, tables, params, r):
    """Prefetch the tree nodes of focus ``word`` and draw C's window shrink ``b``; returns (b, r)."""
    if params.hs:
        for j in range(tables.code_offsets[word], tables.code_offsets[word + 1]):
            prefetch_row(outputs.syn1, tables.points[j])
    if not params.shrink:
        return 0, r
    r = lcg_next(r)
    return np.int64(r % np.uint64(params.window)), r


@njit(cache=True, fastmath=FASTMATH)
def _train_sentence(n, inputs, outputs, tables, params, alpha, scratch, r):
    """Train the ``n`` kept words in ``scratch.sentence``; returns (loss, n_examples, r).

    One function for the sentence, with the output step (tree path, then
    negatives) written out at its skip-gram and CBOW sites, as in
    ``_train_sentence_deferred``: as inlined helpers (one per focus word and
    one for the output step) the loops ran up to 1.5 times slower, and the
    output-step helper alone, results bit-identical, still cost skip-gram with
    negative sampling a median 1.2 times the CPU time (one thread, one epoch
    of the bundled sample, interleaved runs; 1.03 to 1.18 for CBOW and for
    hierarchical softmax).
    """
    sen, h, neu1e, targets = scratch.sentence, scratch.h, scratch.neu1e, scratch.targets
    dim = h.shape[0]
    loss = 0.0
    n_examples = 0
    for i in range(n):
        word = sen[i]
        b, r = _start_focus(word, outputs, tables, params, r)
        lo, hi = context_range(i, n, params.window, b)
        if i + params.window + 1 < n:
            prefetch_input(inputs, sen[i + params.window + 1])
        if params.skipgram:
            # Each context word's input predicts the focus word.  Its rows stay
            # fixed until the gradient is applied, so the copy in h gives C's
            # result and keeps the loops free of aliasing.
            for c in range(lo, hi):
                if c == i:
                    continue
                for k in range(dim):
                    neu1e[k] = _ZERO32
                n_rows = gather_input(h, inputs, sen[c], False)
                if n_rows > 1:
                    inv = _ONE32 / np.float32(n_rows)
                    for k in range(dim):
                        h[k] *= inv
                if params.hs:
                    loss += _hierarchical_softmax(h, word, outputs.syn1, tables, alpha, neu1e)
                if params.negative > 0:
                    step, r = _negative_sampling(h, word, outputs.syn1neg, tables, params.negative, alpha, neu1e,
                                                 targets, r)
                    loss += step
                scatter_gradient(neu1e, inputs, sen[c])
                n_examples += 1
            continue
        # CBOW: the sum (or mean) of the context inputs predicts the focus word.
        for k in range(dim):
            h[k] = _ZERO32
            neu1e[k] = _ZERO32
        n_rows = 0
        for c in range(lo, hi):
            if c != i:
                n_rows += gather_input(h, inputs, sen[c], True)
        if n_rows == 0:
            continue
        if params.cbow_mean:
            inv = _ONE32 / np.float32(n_rows)
            for k in range(dim):
                h[k] *= inv
        if params.hs:
            loss += _hierarchical_softmax(h, word, outputs.syn1, tables, alpha, neu1e)
        if params.negative > 0:
            step, r = _negative_sampling(h, word, outputs.syn1neg, tables, params.negative, alpha, neu1e, targets, r)
            loss += step
        for c in range(lo, hi):
            if c != i:
                scatter_gradient(neu1e, inputs, sen[c])
        n_examples += 1
    return loss, n_examples, r


@njit(cache=True, inline="always")
def _enter_window(p, inputs, scratch):
    """Sum the input rows of the word at position ``p`` into ``sums[p]``; nothing pending yet."""
    scratch.n_rows[p] = gather_input(scratch.sums[p], inputs, scratch.sentence[p], False)
    pending = scratch.pending[p]
    for k in range(pending.shape[0]):
        pending[k] = _ZERO32


@njit(cache=True, inline="always")
def _add_gradient(c, neu1e, scratch):
    """Give position ``c`` the input gradient ``neu1e``: pending for its rows, and at once in its sum."""
    rows = np.float32(scratch.n_rows[c])
    for k in range(neu1e.shape[0]):
        scratch.pending[c, k] += neu1e[k]
        scratch.sums[c, k] += rows * neu1e[k]


@njit(cache=True, inline="always")
def _cached_context_sum(i, lo, hi, scratch):
    """CBOW: ``h`` = the cached sums of positions ``lo .. hi - 1`` but ``i``, ``neu1e`` = 0; returns their rows."""
    h = scratch.h
    for k in range(h.shape[0]):
        h[k] = _ZERO32
        scratch.neu1e[k] = _ZERO32
    total = 0
    for c in range(lo, hi):
        if c != i:
            total += scratch.n_rows[c]
            for k in range(h.shape[0]):
                h[k] += scratch.sums[c, k]
    return total


@njit(cache=True, fastmath=FASTMATH)
def _train_sentence_deferred(n, inputs, outputs, tables, params, alpha, scratch, r):
    """``_train_sentence`` with deferred input updates (see the module notes); returns (loss, n_examples, r).

    The output step is written out at its two sites for speed, as in
    ``_train_sentence`` (whose notes give what a helper cost there).
    """
    sen, h, neu1e, targets, sums, _, n_rows = scratch
    dim = h.shape[0]
    window = params.window
    loss = 0.0
    n_examples = 0
    entered = 0
    for i in range(n):
        word = sen[i]
        b, r = _start_focus(word, outputs, tables, params, r)
        lo, hi = context_range(i, n, window, b)
        while entered < min(i + window + 1, n):
            _enter_window(entered, inputs, scratch)
            entered += 1
        if entered < n:
            prefetch_input(inputs, sen[entered])
        if params.skipgram:
            for c in range(lo, hi):
                if c == i:
                    continue
                inv = _ONE32 / np.float32(n_rows[c])
                for k in range(dim):
                    h[k] = sums[c, k] * inv
                    neu1e[k] = _ZERO32
                if params.hs:
                    loss += _hierarchical_softmax(h, word, outputs.syn1, tables, alpha, neu1e)
                if params.negative > 0:
                    step, r = _negative_sampling(h, word, outputs.syn1neg, tables, params.negative, alpha, neu1e,
                                                 targets, r)
                    loss += step
                _add_gradient(c, neu1e, scratch)
                n_examples += 1
        else:
            total = _cached_context_sum(i, lo, hi, scratch)
            if total > 0:
                if params.cbow_mean:
                    inv = _ONE32 / np.float32(total)
                    for k in range(dim):
                        h[k] *= inv
                if params.hs:
                    loss += _hierarchical_softmax(h, word, outputs.syn1, tables, alpha, neu1e)
                if params.negative > 0:
                    step, r = _negative_sampling(h, word, outputs.syn1neg, tables, params.negative, alpha, neu1e,
                                                 targets, r)
                    loss += step
                for c in range(lo, hi):
                    if c != i:
                        _add_gradient(c, neu1e, scratch)
                n_examples += 1
        # No later focus word reaches back to position i - window: its rows get their gradients now.
        if i >= window:
            scatter_gradient(scratch.pending[i - window], inputs, sen[i - window])
    for p in range(max(n - window, 0), n):
        scatter_gradient(scratch.pending[p], inputs, sen[p])
    return loss, n_examples, r


@njit(cache=True)
def read_sentence(ids, start, stop, keep, subsample, sen, r):
    """Read kept words from ``ids[start:stop]`` into ``sen``, as C reads a sentence.

    Stops after ``MAX_SENTENCE_LENGTH`` kept words.  Returns ``(n_kept,
    position after the last word read, r)``.
    """
    n = 0
    p = start
    inv = 1.0 / 65536.0
    while p < stop and n < MAX_SENTENCE_LENGTH:
        w = ids[p]
        p += 1
        if subsample:
            r = lcg_next(r)
            if keep[w] < np.float64(r & _LOW16) * inv:
                continue
        sen[n] = w
        n += 1
    return n, p, r


@njit(cache=True)
def _learning_rate(params, words_before, words_read):
    """C's linearly decaying rate after ``words_before`` plus all chunks' words read."""
    done = words_before
    for j in range(words_read.shape[0] // WORDS_READ_STRIDE):
        done += words_read[WORDS_READ_STRIDE * j]
    alpha = params.start_alpha * (1.0 - done / (params.total_words + 1.0))
    if alpha < params.min_alpha:
        alpha = params.min_alpha
    return np.float32(alpha)


@njit(cache=True)
def _train_chunk(t, ids, offsets, bounds, first_doc, inputs, outputs, tables, params, words_before, state):
    """Train chunk ``t`` of ``train_block``."""
    n_chunks = bounds.shape[0] - 1
    dim = inputs.vectors.shape[1]
    deferred = MAX_SENTENCE_LENGTH if params.defer_inputs else 0
    scratch = Scratch(np.empty(MAX_SENTENCE_LENGTH, dtype=np.int32), np.empty(dim, dtype=np.float32),
                      np.empty(dim, dtype=np.float32), np.empty(params.negative + 1, dtype=np.int64),
                      np.empty((deferred, dim), dtype=np.float32), np.empty((deferred, dim), dtype=np.float32),
                      np.empty(deferred, dtype=np.int64))
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
        alpha = _learning_rate(params, words_before, words_read)
        if params.defer_inputs:
            step, count, r = _train_sentence_deferred(n, inputs, outputs, tables, params, alpha, scratch, r)
        else:
            step, count, r = _train_sentence(n, inputs, outputs, tables, params, alpha, scratch, r)
        loss += step
        n_examples += count
    state.rng_states[t] = r
    state.losses[t] = loss
    state.examples[t] = n_examples


@njit(parallel=True, cache=True)
def train_block(ids, offsets, bounds, first_doc, inputs, outputs, tables, params, words_before, state):
    """Train on the token range ``ids[bounds[0]:bounds[-1]]``, one chunk per thread.

    Chunk ``t`` covers ``ids[bounds[t]:bounds[t + 1]]`` (starting inside
    document ``first_doc[t]``) and uses generator state
    ``state.rng_states[t]``, updated in place.  Sentences never cross a
    document boundary.  The learning rate is ``params.start_alpha * (1 -
    done / (params.total_words + 1))``, floored at ``params.min_alpha``, with
    ``done`` the ``words_before`` this call plus the words read by all chunks
    so far (``state.words_read[WORDS_READ_STRIDE t]``, shared between threads, to be zero on
    entry).  Per-chunk loss sums and example counts go to
    ``state.losses[t]`` and ``state.examples[t]``.
    """
    # The chunk's work is a function of its own: Numba's parallel loop drops
    # stores into arrays taken from a namedtuple in its body (Numba 0.59 to
    # 0.68), while stores made by a function it calls are kept.
    for t in prange(bounds.shape[0] - 1):
        _train_chunk(t, ids, offsets, bounds, first_doc, inputs, outputs, tables, params, words_before, state)


# Building blocks the document model (skvec._kernels.doc2vec) trains with, under public names.
draw_word = _draw
draw_packed_word = _draw_packed
negative_sampling = _negative_sampling
hierarchical_softmax = _hierarchical_softmax
start_focus = _start_focus
train_sentence = _train_sentence
learning_rate = _learning_rate
