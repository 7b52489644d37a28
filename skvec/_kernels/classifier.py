"""Numba kernels of fastText's supervised classifier (``fasttext supervised``).

A document's input vector (``hidden``) is the mean of the input rows of its
tokens, as the fastText C++ tool builds it in ``Dictionary::getLine`` and
``Model::computeHidden``:

* each token contributes the rows listed for its token type in a CSR
  (``Documents.row_offsets`` / ``Documents.rows``): its word row if it is a
  vocabulary word, then the buckets of its character n-grams if those are
  on; the end-of-line token ``</s>`` ends every document and has its own row
  only;
* with ``word_ngrams = n > 1``, each run of 2 to ``n`` consecutive tokens
  adds the bucket row ``n_words + h % bucket``, where ``h`` starts as the
  token's 32-bit string hash sign-extended to 64 bits and takes in each next
  token as ``h = h * 116049371 + hash`` (modulo 2**64): fastText's
  ``addWordNgrams``.  The hashes are of the token strings, so tokens outside
  the vocabulary still form word n-grams.

The output side is one of four losses, as in the tool's ``loss.cc``:
softmax over all classes; hierarchical softmax over the Huffman tree of the
class counts (the child with code 1 has probability ``sigmoid(f)``);
negative sampling (the target against ``negative`` classes drawn in
proportion to ``count ** 0.5``, a draw equal to the target drawn again);
one-vs-all (an independent logistic output per class).  The input gradient
is accumulated over the outputs, divided by the number of input rows and
added to each of them; output rows are updated at once.  Sigmoids and
logarithms are computed exactly (the tool reads them from tables).

Training is Hogwild: threads update the shared matrices without locks.
"""

from collections import namedtuple

import numpy as np
from numba import njit, prange

from ._common import COUNTER_STRIDE, FASTMATH, below, lcg_next, prefetch_row, splitmix64

SOFTMAX = 0
HS = 1
NS = 2
OVA = 3

WORD_NGRAM_MULTIPLIER = np.uint64(116049371)

_LOW16 = np.uint64(0xFFFF)
_S16 = np.uint64(16)
_S32 = np.uint64(32)
_ZERO32 = np.float32(0.0)
_ONE32 = np.float32(1.0)

Documents = namedtuple("Documents", ["tokens", "offsets", "row_offsets", "rows", "hashes", "capacity"])
Documents.__doc__ = """Encoded documents: token-type ids (``</s>`` ending each document) with int64
``offsets``; per token type the CSR of its input rows and its int32 string hash; ``capacity``
bounds the input rows of any one document."""

InputSettings = namedtuple("InputSettings", ["n_words", "bucket", "word_ngrams"])
InputSettings.__doc__ = """Word rows (bucket rows start there), number of buckets, longest word n-gram."""

Outputs = namedtuple("Outputs", ["kind", "vectors", "code_offsets", "codes", "points", "leaf", "threshold", "alias"])
Outputs.__doc__ = """The output side: loss kind, output rows, the Huffman tree (``leaf[c]`` is class
``c``'s leaf) and the alias table of negative classes."""

Targets = namedtuple("Targets", ["offsets", "labels", "weights"])
Targets.__doc__ = """Each document's classes (CSR, int32) and sample weight (float32)."""

TrainParams = namedtuple("TrainParams", ["start_alpha", "total_tokens", "negative"])
TrainParams.__doc__ = """Initial learning rate, tokens of the whole fit (all epochs), negatives per example."""

ThreadState = namedtuple("ThreadState", ["rng_states", "tokens_read", "losses", "examples"])
ThreadState.__doc__ = """Per-chunk generator states and outputs of ``train_block`` (``tokens_read`` strided by ``COUNTER_STRIDE``, one counter per cache line)."""


INIT_BLOCK_ROWS = 4096


@njit(parallel=True, cache=True)
def fill_uniform(out, bound, seed):
    """Fill ``out`` (rows x dim, float32) uniformly in ``[-bound, bound)``, as the tool initialises its input rows.

    Blocks of ``INIT_BLOCK_ROWS`` rows each run their own linear congruential
    generator seeded from ``seed`` and the block's number, so the threads
    fill the matrix in parallel and the result does not depend on their
    number.  The caller allocates ``out``; this first write faults its
    pages in, in parallel.
    """
    n_rows, dim = out.shape
    n_blocks = (n_rows + INIT_BLOCK_ROWS - 1) // INIT_BLOCK_ROWS
    scale = np.float32(2.0 * bound / 65536.0)
    low = np.float32(bound)
    for b in prange(n_blocks):
        r = splitmix64(np.uint64(seed) + np.uint64(b))
        for i in range(b * INIT_BLOCK_ROWS, min((b + 1) * INIT_BLOCK_ROWS, n_rows)):
            for k in range(dim):
                r = lcg_next(r)
                out[i, k] = np.float32((r >> _S16) & _LOW16) * scale - low


@njit(cache=True, inline="always")
def _token_hash(hashes, token):
    # fastText keeps the hashes as int32 and widens them to uint64 with sign extension.
    return np.uint64(np.int64(hashes[token]))


@njit(cache=True)
def document_rows(docs, settings, d, buf):
    """Write the input rows of document ``d`` into ``buf``; return how many."""
    n = 0
    lo = docs.offsets[d]
    hi = docs.offsets[d + 1]
    for p in range(lo, hi):
        t = docs.tokens[p]
        for j in range(docs.row_offsets[t], docs.row_offsets[t + 1]):
            buf[n] = docs.rows[j]
            n += 1
    if settings.word_ngrams > 1:
        bucket = np.uint64(settings.bucket)
        for p in range(lo, hi):
            h = _token_hash(docs.hashes, docs.tokens[p])
            for q in range(p + 1, min(hi, p + settings.word_ngrams)):
                h = h * WORD_NGRAM_MULTIPLIER + _token_hash(docs.hashes, docs.tokens[q])
                buf[n] = np.int32(settings.n_words + np.int64(h % bucket))
                n += 1
    return n


@njit(cache=True, fastmath=FASTMATH)
def mean_rows(inputs, buf, n, hidden):
    """``hidden`` = mean of the rows ``buf[:n]`` of ``inputs`` (zero when ``n == 0``)."""
    dim = hidden.shape[0]
    for k in range(dim):
        hidden[k] = _ZERO32
    for i in range(n):
        row = buf[i]
        for k in range(dim):
            hidden[k] += inputs[row, k]
    if n > 0:
        inv = np.float32(1.0 / n)
        for k in range(dim):
            hidden[k] *= inv


@njit(cache=True, fastmath=FASTMATH, inline="always")
def _dot(vectors, row, hidden):
    f = _ZERO32
    for k in range(hidden.shape[0]):
        f += vectors[row, k] * hidden[k]
    return f


@njit(cache=True, inline="always")
def _softplus(x):
    """``log(1 + exp(x))`` without overflow (float64)."""
    x = np.float64(x)
    if x > 0:
        return x + np.log1p(np.exp(-x))
    return np.log1p(np.exp(x))


@njit(cache=True, fastmath=FASTMATH, inline="always")
def _update(vectors, row, hidden, a, grad):
    """``grad += a * vectors[row]`` then ``vectors[row] += a * hidden``."""
    for k in range(hidden.shape[0]):
        out = vectors[row, k]
        grad[k] += a * out
        vectors[row, k] = out + a * hidden[k]


@njit(cache=True, fastmath=FASTMATH)
def binary_logistic(vectors, row, hidden, positive, alpha, grad):
    """One logistic output ``row`` with label ``positive``; returns its loss."""
    f = _dot(vectors, row, hidden)
    score = _ONE32 / (_ONE32 + np.exp(-f))
    label = _ONE32 if positive else _ZERO32
    _update(vectors, row, hidden, alpha * (label - score), grad)
    return _softplus(-f) if positive else _softplus(f)


@njit(cache=True, fastmath=FASTMATH)
def softmax_step(vectors, hidden, target, alpha, grad, scores):
    """Softmax over all output rows with ``target`` as the class; returns the loss."""
    n_out = vectors.shape[0]
    top = -np.inf
    for i in range(n_out):
        f = _dot(vectors, i, hidden)
        scores[i] = f
        if f > top:
            top = f
    total = _ZERO32
    for i in range(n_out):
        e = np.exp(scores[i] - top)
        scores[i] = e
        total += e
    inv = _ONE32 / total
    for i in range(n_out):
        scores[i] *= inv
    loss = -np.log(max(np.float64(scores[target]), 1e-30))
    for i in range(n_out):
        label = _ONE32 if i == target else _ZERO32
        _update(vectors, i, hidden, alpha * (label - scores[i]), grad)
    return loss


@njit(cache=True, inline="always")
def _draw(r, threshold, alias):
    """Advance the generator and draw one class from the alias table."""
    r = lcg_next(r)
    j = below(r >> _S32, threshold.shape[0])
    if ((r >> _S16) & _LOW16) < threshold[j]:
        return r, j
    return r, np.int64(alias[j])


@njit(cache=True)
def _is_label(targets, d, c):
    for j in range(targets.offsets[d], targets.offsets[d + 1]):
        if targets.labels[j] == c:
            return True
    return False


@njit(cache=True, fastmath=FASTMATH)
def output_step(outputs, targets, d, hidden, alpha, grad, scratch, negative, r):
    """Forward and backward pass of the output side for document ``d``; returns (loss, trained, r)."""
    n_labels = targets.offsets[d + 1] - targets.offsets[d]
    vectors = outputs.vectors
    if outputs.kind == OVA:
        loss = 0.0
        for c in range(vectors.shape[0]):
            loss += binary_logistic(vectors, c, hidden, _is_label(targets, d, c), alpha, grad)
        return loss, True, r
    if n_labels == 0:
        return 0.0, False, r
    pick = 0
    if n_labels > 1:
        r = lcg_next(r)
        pick = below(r >> _S32, n_labels)
    target = np.int64(targets.labels[targets.offsets[d] + pick])
    if outputs.kind == SOFTMAX:
        return softmax_step(vectors, hidden, target, alpha, grad, scratch), True, r
    if outputs.kind == HS:
        loss = 0.0
        leaf = outputs.leaf[target]
        for j in range(outputs.code_offsets[leaf], outputs.code_offsets[leaf + 1]):
            loss += binary_logistic(vectors, outputs.points[j], hidden, outputs.codes[j] == 1, alpha, grad)
        return loss, True, r
    loss = binary_logistic(vectors, target, hidden, True, alpha, grad)
    for _ in range(negative):
        r, other = _draw(r, outputs.threshold, outputs.alias)
        while other == target:
            r, other = _draw(r, outputs.threshold, outputs.alias)
        loss += binary_logistic(vectors, other, hidden, False, alpha, grad)
    return loss, True, r


@njit(cache=True, fastmath=FASTMATH)
def scatter_rows(inputs, buf, n, grad):
    """Add ``grad / n`` to each input row ``buf[:n]`` (a row listed twice gets it twice)."""
    dim = grad.shape[0]
    inv = np.float32(1.0 / n)
    for k in range(dim):
        grad[k] *= inv
    for i in range(n):
        row = buf[i]
        for k in range(dim):
            inputs[row, k] += grad[k]


@njit(cache=True)
def _learning_rate(params, tokens_before, tokens_read):
    """Linear decay to 0 over all tokens of the fit, from the tokens read by every chunk."""
    done = tokens_before
    for j in range(tokens_read.shape[0] // COUNTER_STRIDE):
        done += tokens_read[COUNTER_STRIDE * j]
    return np.float32(max(params.start_alpha * (1.0 - done / params.total_tokens), 0.0))


@njit(cache=True, fastmath=FASTMATH)
def _train_chunk(t, order, bounds, docs, settings, targets, inputs, outputs, params, tokens_before, state):
    """Train chunk ``t`` of ``train_block``: documents ``order[bounds[t]:bounds[t + 1]]``."""
    n_chunks = bounds.shape[0] - 1
    dim = inputs.shape[1]
    buf = np.empty(docs.capacity, dtype=np.int32)
    hidden = np.empty(dim, dtype=np.float32)
    grad = np.empty(dim, dtype=np.float32)
    scratch = np.empty(outputs.vectors.shape[0], dtype=np.float32)
    following = np.empty(docs.capacity, dtype=np.int32)
    tokens_read = state.tokens_read[: COUNTER_STRIDE * n_chunks]
    r = state.rng_states[t]
    loss = 0.0
    examples = 0
    n_following = 0
    if bounds[t] < bounds[t + 1]:
        n_following = document_rows(docs, settings, order[bounds[t]], following)
    for i in range(bounds[t], bounds[t + 1]):
        d = order[i]
        # The rows of the next document are found and their loads started now, so that
        # their cache misses overlap this document's work.
        buf, following = following, buf
        n = n_following
        if i + 1 < bounds[t + 1]:
            n_following = document_rows(docs, settings, order[i + 1], following)
            for j in range(n_following):
                prefetch_row(inputs, following[j])
        tokens_read[COUNTER_STRIDE * t] += docs.offsets[d + 1] - docs.offsets[d]
        weight = targets.weights[d]
        if weight == 0 or n == 0:
            continue
        alpha = _learning_rate(params, tokens_before, tokens_read) * weight
        mean_rows(inputs, buf, n, hidden)
        for k in range(dim):
            grad[k] = _ZERO32
        step, trained, r = output_step(outputs, targets, d, hidden, alpha, grad, scratch, params.negative, r)
        if trained:
            loss += step * weight
            examples += 1
            scatter_rows(inputs, buf, n, grad)
    state.rng_states[t] = r
    state.losses[t] = loss
    state.examples[t] = examples


@njit(parallel=True, cache=True)
def train_block(order, bounds, docs, settings, targets, inputs, outputs, params, tokens_before, state):
    """Train on the documents ``order[bounds[0]:bounds[-1]]``, one chunk of them per thread.

    The learning rate is ``params.start_alpha * (1 - done / params.total_tokens)``
    with ``done`` the ``tokens_before`` this call plus the tokens read by all
    chunks so far (``state.tokens_read[8 t]``, zero on entry).
    """
    # The chunk's work is a function of its own: Numba's parallel loop drops
    # stores into arrays taken from a namedtuple in its body.
    for t in prange(bounds.shape[0] - 1):
        _train_chunk(t, order, bounds, docs, settings, targets, inputs, outputs, params, tokens_before, state)


@njit(cache=True, inline="always")
def _log_sigmoid(x):
    """``log(sigmoid(x))`` in float64, without overflow."""
    return -_softplus(-x)


@njit(cache=True, fastmath=FASTMATH)
def _score_chunk(lo, hi, first, docs, settings, inputs, outputs, out):
    """Scores of documents ``lo .. hi - 1`` into ``out[d - first]``."""
    dim = inputs.shape[1]
    vectors = outputs.vectors
    buf = np.empty(docs.capacity, dtype=np.int32)
    hidden = np.empty(dim, dtype=np.float32)
    right = np.empty(vectors.shape[0], dtype=np.float64)
    left = np.empty(vectors.shape[0], dtype=np.float64)
    for d in range(lo, hi):
        n = document_rows(docs, settings, d, buf)
        mean_rows(inputs, buf, n, hidden)
        row = out[d - first]
        if outputs.kind != HS:
            for c in range(vectors.shape[0]):
                row[c] = _dot(vectors, c, hidden)
            continue
        # Each node's two log-probabilities once; a leaf sums those on its path.
        for j in range(vectors.shape[0]):
            f = _dot(vectors, j, hidden)
            right[j] = _log_sigmoid(f)
            left[j] = _log_sigmoid(-f)
        for c in range(row.shape[0]):
            leaf = outputs.leaf[c]
            s = 0.0
            for j in range(outputs.code_offsets[leaf], outputs.code_offsets[leaf + 1]):
                node = outputs.points[j]
                s += right[node] if outputs.codes[j] == 1 else left[node]
            row[c] = s


@njit(parallel=True, cache=True)
def document_scores(bounds, docs, settings, inputs, outputs, out):
    """Class scores of documents ``bounds[0] .. bounds[-1] - 1``, one chunk per ``bounds`` step.

    ``out[d - bounds[0], c]`` is the logit of class ``c`` (softmax,
    negative sampling, one-vs-all) or its log-probability (hierarchical
    softmax).  A document with no input row has a zero input vector.
    """
    for t in prange(bounds.shape[0] - 1):
        _score_chunk(bounds[t], bounds[t + 1], bounds[0], docs, settings, inputs, outputs, out)


Tree = namedtuple("Tree", ["children", "root", "leaf_class"])
Tree.__doc__ = """The Huffman tree walked from the root: ``children[node, code]`` is an inner node
(``>= 0``) or leaf ``l`` as ``-1 - l``; ``leaf_class[l]`` is the class of leaf ``l``."""


@njit(cache=True, fastmath=FASTMATH)
def _best_leaf(tree, vectors, hidden, stack_nodes, stack_scores):
    """Leaf of highest log-probability: depth first, the likelier child first, pruned by the best so far."""
    best = -np.inf
    best_leaf = 0
    top = 0
    stack_nodes[0] = tree.root
    stack_scores[0] = 0.0
    top = 1
    while top > 0:
        top -= 1
        node = stack_nodes[top]
        score = stack_scores[top]
        if score <= best:
            continue
        if node < 0:
            best = score
            best_leaf = -1 - node
            continue
        f = _dot(vectors, node, hidden)
        right = score + _log_sigmoid(f)
        left = score + _log_sigmoid(-f)
        first, second = (1, 0) if right >= left else (0, 1)
        stack_nodes[top] = tree.children[node, second]
        stack_scores[top] = left if second == 0 else right
        stack_nodes[top + 1] = tree.children[node, first]
        stack_scores[top + 1] = left if first == 0 else right
        top += 2
    return tree.leaf_class[best_leaf]


@njit(cache=True, fastmath=FASTMATH)
def _best_chunk(lo, hi, docs, settings, inputs, vectors, tree, out):
    buf = np.empty(docs.capacity, dtype=np.int32)
    hidden = np.empty(inputs.shape[1], dtype=np.float32)
    # Each step pops one entry and pushes two: the stack never exceeds the tree's nodes plus one.
    stack_nodes = np.empty(tree.children.shape[0] + 2, dtype=np.int64)
    stack_scores = np.empty(tree.children.shape[0] + 2, dtype=np.float64)
    for d in range(lo, hi):
        n = document_rows(docs, settings, d, buf)
        mean_rows(inputs, buf, n, hidden)
        out[d - lo] = _best_leaf(tree, vectors, hidden, stack_nodes, stack_scores)


@njit(parallel=True, cache=True)
def hs_best_classes(bounds, docs, settings, inputs, vectors, tree, out):
    """Most probable class under the hierarchical softmax of documents ``bounds[0] .. bounds[-1] - 1``.

    A depth-first search that stops descending where the path's
    log-probability falls below the best leaf found, as the tool predicts;
    the class is that of ``document_scores``' largest log-probability.
    """
    for t in prange(bounds.shape[0] - 1):
        _best_chunk(bounds[t], bounds[t + 1], docs, settings, inputs, vectors, tree, out[bounds[t] - bounds[0]:])
