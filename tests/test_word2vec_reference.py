"""Word2VecEmbedder against a plain numpy re-implementation of the C tool.

The reference below follows ``TrainModelThread`` of word2vec.c line by line
(one thread, one epoch): C's generator ``r = r * 25214903917 + 11`` and the
order in which it is stepped (down-sampling as a sentence is read, the
window shrink of each focus word, then the negatives), C's initial vectors,
keep probability, Huffman tree, sigmoid table and update order (the input
gradient summed in ``neu1e`` over all outputs and applied afterwards).
Where skvec deliberately departs from C, the reference takes skvec's
documented choice, marked ``skvec:`` below:

* negatives come from a Walker alias table of ``count ** 0.75`` instead of
  C's table of 1e8 ids;
* sentences are documents (cut at 1000 kept words), not newline-separated
  lines of a file, and ``train_words`` counts the corpus tokens (C also
  counts a ``</s>`` per line);
* the learning rate is recomputed before every sentence, not every 10000
  words;
* the sigmoid table is indexed with the scale ``1000 / 12``; C's integer
  macros make it ``1000 / 6 / 2 == 83``.

Nothing here calls into skvec except the estimator under test.
"""

import numpy as np
import pytest

from corpora import reference_encoding, topic_documents
from skvec import Word2VecEmbedder

MASK = 2**64 - 1
MAX_EXP = 6
EXP_TABLE_SIZE = 1000
F32 = np.float32


def lcg(r):
    return (r * 25214903917 + 11) & MASK


def exp_table():
    """C's table: exp in double, stored as float, then x / (x + 1) in float."""
    table = np.empty(EXP_TABLE_SIZE + 1, dtype=F32)
    for i in range(EXP_TABLE_SIZE + 1):
        x = (F32(i) / F32(EXP_TABLE_SIZE) * F32(2) - F32(1)) * F32(MAX_EXP)
        e = F32(np.exp(np.float64(x)))
        table[i] = e / (e + F32(1))
    return table


def table_index(f):
    # skvec: the scale 1000 / 12 (C: the integer 83).
    return int((F32(f) + F32(MAX_EXP)) * F32(EXP_TABLE_SIZE / MAX_EXP / 2))


def keep_probability(count, sample, train_words):
    """C: ``(sqrt(cn / (sample * train_words)) + 1) * (sample * train_words) / cn`` as a float."""
    st = F32(sample) * F32(train_words)
    return F32((np.sqrt(np.float64(F32(count) / st)) + 1) * np.float64(st) / count)


def huffman(counts):
    """CreateBinaryTree: (codes, points) of every word, from the root down."""
    n = len(counts)
    count = list(counts) + [10**15] * n
    parent = [0] * (2 * n)
    binary = [0] * (2 * n)
    pos1, pos2 = n - 1, n
    for a in range(n - 1):
        chosen = []
        for _ in range(2):
            if pos1 >= 0 and count[pos1] < count[pos2]:
                chosen.append(pos1)
                pos1 -= 1
            else:
                chosen.append(pos2)
                pos2 += 1
        count[n + a] = count[chosen[0]] + count[chosen[1]]
        parent[chosen[0]] = parent[chosen[1]] = n + a
        binary[chosen[1]] = 1
    codes, points = [], []
    for a in range(n):
        code, point, b = [], [], a
        while b != 2 * n - 2:
            code.append(binary[b])
            point.append(parent[b] - n)
            b = parent[b]
        codes.append(code[::-1])
        points.append(point[::-1])
    return codes, points


class AliasSampler:
    """skvec: Vose's alias method over ``weights``, 16-bit split of each slot,
    one generator step per draw (slot from the top 32 bits by multiply-shift,
    the split test from bits 16..31)."""

    def __init__(self, weights):
        n = len(weights)
        total = 0.0
        for w in weights:
            total += w
        scaled = [w * n / total for w in weights]
        self.alias = list(range(n))
        small = [i for i in range(n) if scaled[i] < 1.0]
        large = [i for i in range(n) if scaled[i] >= 1.0]
        while small and large:
            s, g = small.pop(), large[-1]
            self.alias[s] = g
            scaled[g] = (scaled[g] + scaled[s]) - 1.0
            if scaled[g] < 1.0:
                small.append(large.pop())
        for i in small + large:
            scaled[i] = 1.0
        self.threshold = [min(max(np.floor(p * 65536.0 + 0.5), 0), 65536) for p in scaled]
        self.n = n

    def draw(self, r):
        r = lcg(r)
        slot = ((r >> 32) * self.n) >> 32
        return r, slot if ((r >> 16) & 0xFFFF) < self.threshold[slot] else self.alias[slot]


def initial_vectors(n_words, dim, seed):
    syn0 = np.empty((n_words, dim), dtype=F32)
    r = seed
    for a in range(n_words):
        for b in range(dim):
            r = lcg(r)
            syn0[a, b] = (F32(r & 0xFFFF) / F32(65536) - F32(0.5)) / F32(dim)
    return syn0


class Reference:
    """One thread, one epoch of TrainModelThread."""

    def __init__(self, docs, dim, cbow, window, negative, hs, sample, alpha, seed):
        self.words, counts, self.docs = reference_encoding(docs)
        self.counts = np.array(counts)
        n = len(self.words)
        self.train_words = int(self.counts.sum())
        # skvec: the seeds of the initial vectors and of the thread's
        # generator come from random_state.
        seeds = np.random.RandomState(seed).randint(1, np.iinfo(np.int64).max, size=2, dtype=np.int64)
        self.syn0 = initial_vectors(n, dim, int(seeds[0]))
        self.r = int(seeds[1])
        self.syn1neg = np.zeros((n, dim), dtype=F32)
        self.syn1 = np.zeros((max(n - 1, 1), dim), dtype=F32)
        self.cbow, self.window, self.negative, self.hs, self.sample = cbow, window, negative, hs, sample
        self.starting_alpha = alpha
        self.table = exp_table()
        self.sampler = AliasSampler(self.counts.astype(np.float64) ** 0.75)
        self.codes, self.points = huffman(self.counts)
        self.keep = [keep_probability(c, sample, self.train_words) for c in self.counts]

    def train(self):
        words_before = 0
        for doc in self.docs:
            p = 0
            while p < len(doc):
                sen = []
                while p < len(doc) and len(sen) < 1000:
                    word = doc[p]
                    p += 1
                    if self.sample > 0:
                        self.r = lcg(self.r)
                        if self.keep[word] < F32(self.r & 0xFFFF) / F32(65536):
                            continue
                    sen.append(word)
                # skvec: the rate before each sentence, floored at 1e-4 of the start.
                alpha = self.starting_alpha * (1 - (words_before + p) / (self.train_words + 1.0))
                self.alpha = F32(max(alpha, self.starting_alpha * 1e-4))
                for position in range(len(sen)):
                    self.train_position(sen, position)
            words_before += len(doc)
        return self

    def context(self, sen, position, b):
        for a in range(b, self.window * 2 + 1 - b):
            c = position - self.window + a
            if a != self.window and 0 <= c < len(sen):
                yield sen[c]

    def train_position(self, sen, position):
        word = sen[position]
        self.r = lcg(self.r)
        b = self.r % self.window
        if self.cbow:
            neu1 = np.zeros(self.syn0.shape[1], dtype=F32)
            cw = 0
            for last_word in self.context(sen, position, b):
                neu1 += self.syn0[last_word]
                cw += 1
            if cw:
                neu1 /= F32(cw)
                neu1e = self.outputs(neu1, word)
                for last_word in self.context(sen, position, b):
                    self.syn0[last_word] += neu1e
        else:
            for last_word in self.context(sen, position, b):
                neu1e = self.outputs(self.syn0[last_word].copy(), word)
                self.syn0[last_word] += neu1e

    def outputs(self, neu1, word):
        """Hierarchical softmax, then negative sampling; returns neu1e."""
        neu1e = np.zeros_like(neu1)
        if self.hs:
            for code, point in zip(self.codes[word], self.points[word]):
                f = np.dot(neu1, self.syn1[point])
                if f <= -MAX_EXP or f >= MAX_EXP:
                    continue
                g = (F32(1 - code) - self.table[table_index(f)]) * self.alpha
                neu1e += g * self.syn1[point]
                self.syn1[point] += g * neu1
        for d in range(self.negative + 1 if self.negative > 0 else 0):
            if d == 0:
                target, label = word, 1
            else:
                self.r, target = self.sampler.draw(self.r)
                if target == word:
                    continue
                label = 0
            f = np.dot(neu1, self.syn1neg[target])
            if f > MAX_EXP:
                g = F32(label - 1) * self.alpha
            elif f < -MAX_EXP:
                g = F32(label) * self.alpha
            else:
                g = (F32(label) - self.table[table_index(f)]) * self.alpha
            neu1e += g * self.syn1neg[target]
            self.syn1neg[target] += g * neu1
        return neu1e


@pytest.mark.parametrize(
    "architecture, negative, hs",
    [("skipgram", 5, False), ("cbow", 5, False), ("skipgram", 0, True), ("cbow", 0, True), ("cbow", 3, True)],
)
def test_one_epoch_matches_the_reference(architecture, negative, hs):
    # Topic documents plus a very frequent word, so down-sampling acts.
    docs = topic_documents(40, (5, 30), n_topics=4, words_per_topic=6, frequent_word="the")
    settings = dict(dim=12, cbow=architecture == "cbow", window=3, negative=negative, hs=hs, sample=1e-2,
                    alpha=0.025 if architecture == "skipgram" else 0.05, seed=11)
    reference = Reference(docs, **settings)
    start = reference.syn0.copy()
    reference.train()
    model = Word2VecEmbedder(
        settings["dim"], architecture=architecture, window=settings["window"], negative=negative,
        hierarchical_softmax=hs, sample=settings["sample"], min_count=1, epochs=1, n_jobs=1,
        random_state=settings["seed"],
    ).fit(docs)
    assert model.vocabulary_ == {w: i for i, w in enumerate(reference.words)}
    # Training moved the vectors far beyond the tolerance.
    assert np.abs(reference.syn0 - start).max() > 0.01
    np.testing.assert_allclose(model.embedding_, reference.syn0, rtol=0, atol=5e-6)
    if negative:
        np.testing.assert_allclose(model.context_embedding_, reference.syn1neg, rtol=0, atol=5e-6)
