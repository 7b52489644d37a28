"""Numba kernels for phrase detection: bigram counting, scoring, joining.

A phrase candidate is two adjacent non-connector words ``a``, ``b`` with the
(possibly empty) run of connector words between them.  The pair is packed
into one int64 key, ``a * n_words + b``; the connector run is interned as a
node of a trie (node 0 is the empty run) whose id rides along as the key's
second half.  Both the candidate counts and the trie live in open-addressing
hash tables (linear probing, power-of-two capacity), so the corpus is read
once and no Python object is created per token.
"""

from collections import namedtuple

import numpy as np
from numba import njit

from ._common import prefetch_row_for_write

# A hash table: row ``i`` of ``slots`` is (key, aux, value), the key and aux
# together being the lookup key (key -1 marks an empty row); one row per
# cache-line fetch.  ``size[0]`` counts the occupied rows.
HashTable = namedtuple("HashTable", ["slots", "size"])
KEY, AUX, VALUE = 0, 1, 2

EMPTY = -1
# Occupied slots at most _MAX_LOAD_NUM / _MAX_LOAD_DEN of the capacity.
_MAX_LOAD_NUM = 7
_MAX_LOAD_DEN = 10
_MIN_CAPACITY = 1024

# Scoring codes shared with the estimator.
SCORING_WORD2PHRASE = 0
SCORING_GENSIM = 1
SCORING_NPMI = 2

_NO_LIMIT = np.int64(2**62)
# The counting pass prefetches the table row of the pair this many tokens
# ahead, so the cache misses of successive pairs overlap.
_LOOKAHEAD = 16


@njit(cache=True)
def new_table(n_expected):
    """An empty table with room for ``n_expected`` entries before it grows."""
    capacity = _MIN_CAPACITY
    while capacity * _MAX_LOAD_NUM < n_expected * _MAX_LOAD_DEN:
        capacity *= 2
    slots = np.zeros((capacity, 3), dtype=np.int64)
    slots[:, KEY] = EMPTY
    return HashTable(slots, np.zeros(1, dtype=np.int64))


@njit(cache=True, inline="always")
def _home(key, aux, mask):
    h = np.uint64(key) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(aux) * np.uint64(0xC2B2AE3D27D4EB4F)
    h ^= h >> np.uint64(29)
    return np.int64(h & np.uint64(mask))


@njit(cache=True, inline="always")
def find_slot(table, key, aux):
    """The slot holding (key, aux), or the empty slot where it would go."""
    slots = table.slots
    mask = slots.shape[0] - 1
    i = _home(key, aux, mask)
    while True:
        k = slots[i, KEY]
        if k == EMPTY or (k == key and slots[i, AUX] == aux):
            return i
        i = (i + 1) & mask


@njit(cache=True, inline="always")
def _put(table, slot, key, aux, value):
    table.slots[slot, KEY] = key
    table.slots[slot, AUX] = aux
    table.slots[slot, VALUE] = value
    table.size[0] += 1


@njit(cache=True)
def _reinsert(table, rows):
    for j in range(rows.shape[0]):
        slot = find_slot(table, rows[j, KEY], rows[j, AUX])
        _put(table, slot, rows[j, KEY], rows[j, AUX], rows[j, VALUE])


@njit(cache=True, inline="always")
def is_full(table):
    return table.size[0] * _MAX_LOAD_DEN > table.slots.shape[0] * _MAX_LOAD_NUM


@njit(cache=True)
def occupied(table):
    """Indices of the occupied rows."""
    return np.flatnonzero(table.slots[:, KEY] != EMPTY)


@njit(cache=True)
def grown(table):
    """A table of twice the capacity holding the same entries."""
    bigger = new_table(2 * table.slots.shape[0] * _MAX_LOAD_NUM // _MAX_LOAD_DEN)
    _reinsert(bigger, table.slots[occupied(table)])
    return bigger


@njit(cache=True)
def _prune(unigram_counts, table, min_reduce):
    """Drop every unigram and candidate seen fewer than ``min_reduce`` times.

    Returns the number of unigrams left.  The capacity is kept: the table
    fills up to the limit again before the next pruning.
    """
    n_unigrams = 0
    for w in range(unigram_counts.shape[0]):
        if unigram_counts[w] < min_reduce:
            unigram_counts[w] = 0
        else:
            n_unigrams += 1
    slots = table.slots
    kept = np.flatnonzero((slots[:, KEY] != EMPTY) & (slots[:, VALUE] >= min_reduce))
    rows = slots[kept]
    slots[:, KEY] = EMPTY
    table.size[0] = 0
    _reinsert(table, rows)
    return n_unigrams


@njit(cache=True)
def count_candidates(ids, offsets, is_connector, max_vocab_size, join_documents):
    """Count unigrams and phrase candidates in one pass over the corpus.

    Parameters
    ----------
    ids : int32 array
        Token ids, every token of the corpus (none removed).
    offsets : int64 array
        Document boundaries in ``ids``.
    is_connector : bool array, one per word id
        Connector words are not counted as unigrams and never start or end a
        candidate; a run of them between two words is part of the candidate.
    max_vocab_size : int
        After a document, if more unigrams and candidates than this are held,
        those seen fewer than ``min_reduce`` times are dropped and
        ``min_reduce`` grows by one (it starts at 1); -1 for no limit.
    join_documents : bool
        Count the candidate spanning the end of a document and the start of
        the next (as a tool reading the corpus as one stream does).

    Returns
    -------
    unigram_counts : int64 array
    candidates : HashTable
        key ``a * n_words + b``, aux the connector-run node, value the count.
    middles : HashTable
        The trie of connector runs: key ``parent * n_words + word``, value the
        node id (1, 2, ...).
    n_unigrams : int
        Unigrams with a non-zero count.
    """
    n_words = is_connector.shape[0]
    n_tokens = ids.shape[0]
    limit = _NO_LIMIT if max_vocab_size < 0 else max_vocab_size
    unigram_counts = np.zeros(n_words, dtype=np.int64)
    # Natural text has about one distinct pair per three to five tokens.
    candidates = new_table(min(n_tokens // 4, limit))
    middles = new_table(16)
    n_unigrams = 0
    min_reduce = 1
    start = -1
    node = 0
    for d in range(offsets.shape[0] - 1):
        if not join_documents:
            start = -1
            node = 0
        for i in range(offsets[d], offsets[d + 1]):
            ahead = i + _LOOKAHEAD
            if ahead < n_tokens:
                # Only a hint: the pair there as if no connector came between.
                pair = np.int64(ids[ahead - 1]) * n_words + ids[ahead]
                prefetch_row_for_write(candidates.slots, _home(pair, 0, candidates.slots.shape[0] - 1))
            w = ids[i]
            if is_connector[w]:
                if start >= 0:
                    key = np.int64(node) * n_words + w
                    slot = find_slot(middles, key, 0)
                    if middles.slots[slot, KEY] == EMPTY:
                        _put(middles, slot, key, 0, middles.size[0] + 1)
                        if is_full(middles):
                            middles = grown(middles)
                            slot = find_slot(middles, key, 0)
                    node = middles.slots[slot, VALUE]
                continue
            if unigram_counts[w] == 0:
                n_unigrams += 1
            unigram_counts[w] += 1
            if start >= 0:
                key = np.int64(start) * n_words + w
                slot = find_slot(candidates, key, node)
                if candidates.slots[slot, KEY] == EMPTY:
                    _put(candidates, slot, key, node, 1)
                    if is_full(candidates):
                        candidates = grown(candidates)
                else:
                    candidates.slots[slot, VALUE] += 1
            start = w
            node = 0
        if n_unigrams + candidates.size[0] > limit:
            n_unigrams = _prune(unigram_counts, candidates, min_reduce)
            min_reduce += 1
    return unigram_counts, candidates, middles, n_unigrams


@njit(cache=True, inline="always")
def _score(scoring, count_a, count_b, count_ab, min_count, corpus_words, vocabulary_size):
    """Score of one candidate; NaN when the candidate is not eligible."""
    if count_a <= 0 or count_b <= 0:
        return np.nan
    if scoring == SCORING_WORD2PHRASE:
        # word2phrase: every count at least min_count, evaluated in float32 as
        # (ab - min_count) / a / b * n_words, left to right.
        if count_a < min_count or count_b < min_count or count_ab < min_count:
            return np.nan
        score = np.float32(count_ab - min_count) / np.float32(count_a)
        score = score / np.float32(count_b)
        return np.float64(score * np.float32(corpus_words))
    if scoring == SCORING_GENSIM:
        return np.float64(count_ab - min_count) / np.float64(count_a * count_b) * np.float64(vocabulary_size)
    # npmi
    if count_ab < min_count:
        return np.nan
    total = np.float64(corpus_words)
    pa = count_a / total
    pb = count_b / total
    pab = count_ab / total
    return np.log(pab / (pa * pb)) / -np.log(pab)


@njit(cache=True)
def score_candidates(candidates, unigram_counts, scoring, min_count, threshold, corpus_words, vocabulary_size):
    """Slots and scores of the candidates scoring above ``threshold``.

    For ``SCORING_WORD2PHRASE`` the comparison is done in float32, as the
    C tool does.
    """
    n_words = unigram_counts.shape[0]
    rows = candidates.slots
    slots = np.empty(candidates.size[0], dtype=np.int64)
    scores = np.empty(candidates.size[0], dtype=np.float64)
    n_found = 0
    threshold32 = np.float32(threshold)
    for slot in range(rows.shape[0]):
        key = rows[slot, KEY]
        if key == EMPTY:
            continue
        score = _score(scoring, unigram_counts[key // n_words], unigram_counts[key % n_words],
                       rows[slot, VALUE], min_count, corpus_words, vocabulary_size)
        if np.isnan(score):
            continue
        if scoring == SCORING_WORD2PHRASE:
            passes = np.float32(score) > threshold32
        else:
            passes = score > threshold
        if passes:
            slots[n_found] = slot
            scores[n_found] = score
            n_found += 1
    return slots[:n_found], scores[:n_found]


@njit(cache=True)
def build_tables(first, last, middle, middle_parent, middle_word, n_lean):
    """Lookup tables of a fitted detector, over its lean vocabulary.

    ``first[p]``, ``last[p]``, ``middle[p]`` are the words and connector-run
    node of phrase ``p``; node ``m >= 1`` is ``middle_word[m - 1]`` appended
    to node ``middle_parent[m - 1]``.
    """
    phrases = new_table(first.shape[0])
    for p in range(first.shape[0]):
        key = np.int64(first[p]) * n_lean + last[p]
        slot = find_slot(phrases, key, middle[p])
        _put(phrases, slot, key, middle[p], p)
    middles = new_table(middle_parent.shape[0])
    for m in range(middle_parent.shape[0]):
        key = np.int64(middle_parent[m]) * n_lean + middle_word[m]
        slot = find_slot(middles, key, 0)
        _put(middles, slot, key, 0, m + 1)
    return phrases, middles


@njit(cache=True)
def join_phrases(ids, offsets, lean_of, is_connector, phrases, middles, phrase_base):
    """Rewrite documents with phrases joined, greedily left to right.

    Scans each document keeping the last non-connector word not yet used and
    the connector run after it; at the next non-connector word the candidate
    is looked up, and if it is a phrase its tokens become one token
    ``phrase_base + phrase index``, else they are emitted unchanged.  The
    second word of a phrase never starts another one.

    ``lean_of`` maps a token id to the lean vocabulary of the tables (-1 for
    a word in no phrase; ids past its end too); ``is_connector`` is indexed
    by lean id.

    Returns
    -------
    out_ids : int32 array
    out_offsets : int64 array
    """
    n_lean = is_connector.shape[0]
    n_known = lean_of.shape[0]
    out_ids = np.empty(ids.shape[0], dtype=np.int32)
    out_offsets = np.zeros(offsets.shape[0], dtype=np.int64)
    n_out = 0
    for d in range(offsets.shape[0] - 1):
        start = -1
        node = 0
        for i in range(offsets[d], offsets[d + 1]):
            w = ids[i]
            lean = lean_of[w] if w < n_known else -1
            if lean >= 0 and is_connector[lean]:
                if start < 0:
                    out_ids[n_out] = w
                    n_out += 1
                elif node >= 0:
                    slot = find_slot(middles, np.int64(node) * n_lean + lean, 0)
                    node = middles.slots[slot, VALUE] if middles.slots[slot, KEY] != EMPTY else -1
                continue
            phrase = -1
            if start >= 0:
                lean_start = lean_of[ids[start]] if ids[start] < n_known else -1
                if node >= 0 and lean_start >= 0 and lean >= 0:
                    slot = find_slot(phrases, np.int64(lean_start) * n_lean + lean, node)
                    if phrases.slots[slot, KEY] != EMPTY:
                        phrase = phrases.slots[slot, VALUE]
                if phrase >= 0:
                    out_ids[n_out] = phrase_base + phrase
                    n_out += 1
                else:
                    for j in range(start, i):
                        out_ids[n_out] = ids[j]
                        n_out += 1
            start = -1 if phrase >= 0 else i
            node = 0
        if start >= 0:
            for j in range(start, offsets[d + 1]):
                out_ids[n_out] = ids[j]
                n_out += 1
        out_offsets[d + 1] = n_out
    return out_ids[:n_out].copy(), out_offsets
