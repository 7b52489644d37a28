"""Numba kernel of the fast path of corpus encoding: ASCII text split into words.

For a batch of ASCII documents joined into one byte string, the default
token pattern ``\\w+`` finds the maximal runs of ``[0-9A-Za-z_]``.  The
kernel finds them, gives each distinct word of the batch a local id in order
of first occurrence (an open-addressing hash table over the bytes), and
returns the local id of every token, the number of tokens of each document
and where each distinct word first occurs, so that only the distinct words
of a batch, not its tokens, go through Python.
"""

import numpy as np
from numba import njit

_BASIS = np.uint64(2166136261)
_PRIME = np.uint64(16777619)
_MASK32 = np.uint64(0xFFFFFFFF)


@njit(cache=True, inline="always")
def _is_word_byte(b):
    return (48 <= b <= 57) or (65 <= b <= 90) or (97 <= b <= 122) or b == 95


@njit(cache=True)
def _count_tokens(data, starts):
    n = 0
    for d in range(starts.shape[0] - 1):
        inside = False
        for p in range(starts[d], starts[d + 1]):
            word = _is_word_byte(data[p])
            if word and not inside:
                n += 1
            inside = word
    return n


@njit(cache=True, inline="always")
def _same_bytes(data, a, a_end, b, b_end):
    if a_end - a != b_end - b:
        return False
    for i in range(a_end - a):
        if data[a + i] != data[b + i]:
            return False
    return True


@njit(cache=True)
def _grown(hashes, n_words, capacity):
    """A table of ``capacity`` slots (a power of 2) holding the words ``0 .. n_words - 1``."""
    table = np.full(capacity, -1, dtype=np.int64)
    mask = np.uint64(capacity - 1)
    for u in range(n_words):
        slot = hashes[u] & mask
        while table[slot] >= 0:
            slot = (slot + np.uint64(1)) & mask
        table[slot] = u
    return table


@njit(cache=True)
def ascii_words(data, starts):
    """Words of the documents ``data[starts[d]:starts[d + 1]]`` (ASCII bytes).

    Returns ``(local, counts, first_start, first_end)``: the local id of each
    token in order, the tokens of each document, and the byte range of the
    first occurrence of each distinct word (local ids in order of first
    occurrence).  The hash table grows with the distinct words (kept at most
    half full), so it stays small enough for the caches.
    """
    n_tokens = _count_tokens(data, starts)
    table = np.full(1 << 12, -1, dtype=np.int64)
    mask = np.uint64(table.shape[0] - 1)
    first_start = np.empty(n_tokens, dtype=np.int64)
    first_end = np.empty(n_tokens, dtype=np.int64)
    hashes = np.empty(n_tokens, dtype=np.uint64)
    local = np.empty(n_tokens, dtype=np.int32)
    counts = np.zeros(starts.shape[0] - 1, dtype=np.int64)
    t = 0
    n_words = 0
    for d in range(starts.shape[0] - 1):
        p = starts[d]
        end = starts[d + 1]
        while p < end:
            if not _is_word_byte(data[p]):
                p += 1
                continue
            s = p
            h = _BASIS
            while p < end and _is_word_byte(data[p]):
                h = ((h ^ np.uint64(data[p])) * _PRIME) & _MASK32
                p += 1
            slot = h & mask
            while True:
                u = table[slot]
                if u < 0:
                    first_start[n_words] = s
                    first_end[n_words] = p
                    hashes[n_words] = h
                    local[t] = n_words
                    table[slot] = n_words
                    n_words += 1
                    if 2 * n_words > table.shape[0]:
                        table = _grown(hashes, n_words, 2 * table.shape[0])
                        mask = np.uint64(table.shape[0] - 1)
                    break
                if hashes[u] == h and _same_bytes(data, first_start[u], first_end[u], s, p):
                    local[t] = u
                    break
                slot = (slot + np.uint64(1)) & mask
            t += 1
            counts[d] += 1
    return local, counts, first_start[:n_words], first_end[:n_words]
