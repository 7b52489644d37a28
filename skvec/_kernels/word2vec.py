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
  hierarchical-softmax node is skipped;
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

Parallel training is Hogwild, as in C: threads update the shared matrices
without locks.
"""

import numpy as np
from llvmlite import ir
from numba import njit, prange
from numba.core import cgutils, types
from numba.extending import intrinsic

MAX_EXP = 6.0
EXP_TABLE_SIZE = 1000
MAX_SENTENCE_LENGTH = 1000

_MUL = np.uint64(25214903917)
_ADD = np.uint64(11)
_LOW16 = np.uint64(0xFFFF)
_S16 = np.uint64(16)
_S32 = np.uint64(32)
_TABLE_SCALE = EXP_TABLE_SIZE / MAX_EXP / 2.0
_MAX_EXP32 = np.float32(MAX_EXP)
_ONE32 = np.float32(1.0)
_ZERO32 = np.float32(0.0)
# Loss of a saturated output, log(1 + exp(-6)).
_SATURATED_LOSS = float(np.log1p(np.exp(-MAX_EXP)))

# Reassociation lets LLVM vectorize the dot products; no-NaN/no-inf
# assumptions are left out so that a diverging run is detected, not
# turned into an out-of-range table index.
FASTMATH = {"nsz", "arcp", "contract", "afn", "reassoc"}


@intrinsic
def prefetch_row(typingctx, matrix, row):
    """Ask the CPU to start loading every cache line of ``matrix[row]``.

    Negative samples land on rows all over the output matrix, mostly outside
    the caches; issuing their loads together before using them overlaps the
    memory latencies instead of paying them one after another.
    """
    sig = types.void(matrix, row)

    def codegen(context, builder, signature, args):
        matrix_type, row_type = signature.args
        array = context.make_array(matrix_type)(context, builder, args[0])
        index = context.cast(builder, args[1], row_type, types.intp)
        zero = context.get_constant(types.intp, 0)
        pointer = cgutils.get_item_pointer2(
            context, builder, array.data, cgutils.unpack_tuple(builder, array.shape),
            cgutils.unpack_tuple(builder, array.strides), matrix_type.layout, [index, zero],
            wraparound=False,
        )
        byte_pointer = ir.IntType(8).as_pointer()
        i32 = ir.IntType(32)
        prefetch = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(ir.VoidType(), [byte_pointer, i32, i32, i32]), "llvm.prefetch.p0"
        )
        base = builder.bitcast(pointer, byte_pointer)
        itemsize = context.get_constant(types.intp, context.get_abi_sizeof(context.get_data_type(matrix_type.dtype)))
        row_bytes = builder.mul(builder.extract_value(array.shape, 1), itemsize)
        # read access, keep in all cache levels, data cache; rows up to 1 KiB
        # get a prefetch per 64-byte line, longer rows a prefix of them
        for offset in range(0, 1024, 64):
            offset = context.get_constant(types.intp, offset)
            with builder.if_then(builder.icmp_signed("<", offset, row_bytes), likely=True):
                builder.call(prefetch, [builder.gep(base, [offset]), i32(0), i32(3), i32(1)])
        last = builder.gep(base, [builder.sub(row_bytes, context.get_constant(types.intp, 1))])
        builder.call(prefetch, [last, i32(0), i32(3), i32(1)])
        return context.get_dummy_value()

    return sig, codegen


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


@njit(cache=True)
def lcg_next(r):
    """One step of the C generator (modulo 2**64)."""
    return r * _MUL + _ADD


def keep_probabilities(counts, sample, train_words):
    """C's down-sampling keep probability of each word (may exceed 1: always kept).

    ``(sqrt(f / (s T)) + 1) * (s T) / f`` with ``f`` the word count, ``s`` the
    ``sample`` threshold and ``T`` the number of training words, evaluated
    with C's float/double mix and stored as C's ``real`` (float32).
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
            r = r * _MUL + _ADD
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


@njit(inline="always")
def _draw(r, threshold, alias, n):
    """Advance the generator and draw one word from the alias table."""
    r = r * _MUL + _ADD
    # Slot from the top 32 bits (multiply-shift, no division), the accept
    # test from bits 16..31: the low bits of this generator are weak.
    slot = ((r >> _S32) * np.uint64(n)) >> _S32
    j = np.int64(slot)
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
        # Two smallest among the remaining leaves (right to left) and the new
        # inner nodes (left to right); strict '<' as in C.
        if pos1 >= 0 and count[pos1] < count[pos2]:
            min1 = pos1
            pos1 -= 1
        else:
            min1 = pos2
            pos2 += 1
        if pos1 >= 0 and count[pos1] < count[pos2]:
            min2 = pos1
            pos1 -= 1
        else:
            min2 = pos2
            pos2 += 1
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


@njit(cache=True)
def all_finite(a):
    """True when every entry of a float array is finite (early exit, no allocation)."""
    flat = a.reshape(-1)
    for i in range(flat.shape[0]):
        v = flat[i]
        if not (v - v == 0.0):
            return False
    return True


@njit(fastmath=FASTMATH, inline="always")
def _negative_sampling(h, word, syn1neg, negative, threshold, alias, alpha, sigmoid, nls, neu1e, targets, r):
    """Positive ``word`` and ``negative`` draws against input ``h``; returns (loss, r).

    The draws come first (in C's order) so their rows can be prefetched.
    """
    dim = h.shape[0]
    n_words = syn1neg.shape[0]
    loss = 0.0
    targets[0] = word
    for s in range(1, negative + 1):
        r, target = _draw(r, threshold, alias, n_words)
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


@njit(fastmath=FASTMATH, inline="always")
def _hierarchical_softmax(h, word, syn1, code_offsets, codes, points, alpha, sigmoid, nls, neu1e):
    """One pass down the Huffman path of ``word`` with input ``h``; returns the loss."""
    dim = h.shape[0]
    loss = 0.0
    for j in range(code_offsets[word], code_offsets[word + 1]):
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


@njit(fastmath=FASTMATH)
def _train_sentence(sen, n, skipgram, cbow_mean, syn0, syn1neg, syn1, negative, hs, threshold, alias,
                    code_offsets, codes, points, window, shrink, alpha, sigmoid, nls, h, neu1e, targets, r):
    """Train one sentence of ``n`` kept words; returns (loss, n_examples, r)."""
    dim = syn0.shape[1]
    loss = 0.0
    n_examples = 0
    uwindow = np.uint64(window)
    for i in range(n):
        word = sen[i]
        if hs:
            for j in range(code_offsets[word], code_offsets[word + 1]):
                prefetch_row(syn1, points[j])
        b = 0
        if shrink:
            r = r * _MUL + _ADD
            b = np.int64(r % uwindow)
        if skipgram:
            for a in range(b, 2 * window + 1 - b):
                if a == window:
                    continue
                c = i - window + a
                if c < 0 or c >= n:
                    continue
                last = sen[c]
                # The input vector is fixed until neu1e is applied, so a copy
                # gives C's result and keeps the loops free of aliasing.
                for k in range(dim):
                    h[k] = syn0[last, k]
                    neu1e[k] = _ZERO32
                if hs:
                    loss += _hierarchical_softmax(h, word, syn1, code_offsets, codes, points, alpha,
                                                  sigmoid, nls, neu1e)
                if negative > 0:
                    step, r = _negative_sampling(h, word, syn1neg, negative, threshold, alias, alpha,
                                                 sigmoid, nls, neu1e, targets, r)
                    loss += step
                for k in range(dim):
                    syn0[last, k] += neu1e[k]
                n_examples += 1
        else:
            for k in range(dim):
                h[k] = _ZERO32
                neu1e[k] = _ZERO32
            cw = 0
            for a in range(b, 2 * window + 1 - b):
                if a == window:
                    continue
                c = i - window + a
                if c < 0 or c >= n:
                    continue
                last = sen[c]
                for k in range(dim):
                    h[k] += syn0[last, k]
                cw += 1
            if cw == 0:
                continue
            if cbow_mean:
                inv = np.float32(1.0) / np.float32(cw)
                for k in range(dim):
                    h[k] *= inv
            if hs:
                loss += _hierarchical_softmax(h, word, syn1, code_offsets, codes, points, alpha,
                                              sigmoid, nls, neu1e)
            if negative > 0:
                step, r = _negative_sampling(h, word, syn1neg, negative, threshold, alias, alpha,
                                             sigmoid, nls, neu1e, targets, r)
                loss += step
            for a in range(b, 2 * window + 1 - b):
                if a == window:
                    continue
                c = i - window + a
                if c < 0 or c >= n:
                    continue
                last = sen[c]
                for k in range(dim):
                    syn0[last, k] += neu1e[k]
            n_examples += 1
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
            r = r * _MUL + _ADD
            if keep[w] < np.float64(r & _LOW16) * inv:
                continue
        sen[n] = w
        n += 1
    return n, p, r


@njit(parallel=True, cache=True)
def train_block(ids, offsets, bounds, first_doc, skipgram, cbow_mean, syn0, syn1neg, syn1, negative, hs,
                threshold, alias, code_offsets, codes, points, keep, subsample, window, shrink,
                start_alpha, min_alpha, words_before, total_words, rng_states, sigmoid, nls,
                words_read, losses, examples):
    """Train on the token range ``ids[bounds[0]:bounds[-1]]``, one chunk per thread.

    Chunk ``t`` covers ``ids[bounds[t]:bounds[t + 1]]`` (starting inside
    document ``first_doc[t]``) and uses generator state ``rng_states[t]``,
    updated in place.  Sentences never cross a document boundary.  The
    learning rate is ``start_alpha * (1 - done / (total_words + 1))``, floored
    at ``min_alpha``, with ``done`` the words read before this call plus those
    read by all chunks so far (``words_read[8 t]``, shared between threads).
    Per-chunk loss sums and example counts go to ``losses[t]`` and
    ``examples[t]``.
    """
    n_chunks = bounds.shape[0] - 1
    dim = syn0.shape[1]
    for t in prange(n_chunks):
        sen = np.empty(MAX_SENTENCE_LENGTH, dtype=np.int32)
        h = np.empty(dim, dtype=np.float32)
        neu1e = np.empty(dim, dtype=np.float32)
        targets = np.empty(negative + 1, dtype=np.int64)
        r = rng_states[t]
        loss = 0.0
        n_examples = 0
        p = bounds[t]
        stop = bounds[t + 1]
        doc = first_doc[t]
        while p < stop:
            while offsets[doc + 1] <= p:
                doc += 1
            sentence_stop = min(offsets[doc + 1], stop)
            n, q, r = read_sentence(ids, p, sentence_stop, keep, subsample, sen, r)
            words_read[8 * t] += q - p
            p = q
            done = words_before
            for j in range(n_chunks):
                done += words_read[8 * j]
            alpha = start_alpha * (1.0 - done / (total_words + 1.0))
            if alpha < min_alpha:
                alpha = min_alpha
            step, count, r = _train_sentence(sen, n, skipgram, cbow_mean, syn0, syn1neg, syn1, negative, hs,
                                             threshold, alias, code_offsets, codes, points, window, shrink,
                                             np.float32(alpha), sigmoid, nls, h, neu1e, targets, r)
            loss += step
            n_examples += count
        rng_states[t] = r
        losses[t] = loss
        examples[t] = n_examples
