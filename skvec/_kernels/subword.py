"""Numba kernels for fastText's character n-grams.

A word's n-grams are the substrings of ``<word>`` of ``min_n`` to ``max_n``
characters, found on its UTF-8 bytes exactly as the fastText C++ tool
(``Dictionary::computeSubwords``) and gensim >= 4 (``compute_ngrams_bytes``)
find them: a character is a lead byte plus its continuation bytes
(``10xxxxxx``), n-grams start at every character, longer ones come after
shorter ones from the same start, and the one-character n-grams ``<`` and
``>`` are left out.  Each n-gram is hashed with 32-bit FNV-1a in which every
byte is first sign-extended (``uint32(int8(byte))``), as both reference
implementations do, so bytes >= 128 hash as ``0xFFFFFF00 | byte``; the bucket
is ``hash % bucket``.

Words are given as one flat uint8 array of their UTF-8 bytes (already
wrapped in ``<`` and ``>``) with int64 offsets, so a whole vocabulary is
processed in one call.
"""

import numpy as np
from numba import njit, prange

FNV_OFFSET_BASIS = 2166136261
FNV_PRIME = 16777619

_BASIS = np.uint64(FNV_OFFSET_BASIS)
_PRIME = np.uint64(FNV_PRIME)
_MASK32 = np.uint64(0xFFFFFFFF)
_SIGN_EXTEND = np.uint64(0xFFFFFF00)


@njit(inline="always")
def _fnv_step(h, byte):
    """Fold one byte into a 32-bit FNV-1a hash held in a uint64."""
    b = np.uint64(byte)
    if byte >= 128:
        b = b | _SIGN_EXTEND
    return ((h ^ b) * _PRIME) & _MASK32


@njit(cache=True)
def fnv1a_hashes(data, offsets):
    """fastText's hash of each byte string ``data[offsets[i]:offsets[i + 1]]`` (uint32)."""
    n = offsets.shape[0] - 1
    out = np.empty(n, dtype=np.uint32)
    for i in range(n):
        h = _BASIS
        for p in range(offsets[i], offsets[i + 1]):
            h = _fnv_step(h, data[p])
        out[i] = np.uint32(h)
    return out


@njit(inline="always")
def _is_continuation(byte):
    return (byte & 0xC0) == 0x80


@njit(cache=True)
def _word_ngrams(data, start, stop, min_n, max_n, bucket, out, pos):
    """Buckets of the n-grams of one wrapped word, written to ``out[pos:]``.

    With an empty ``out`` nothing is written and only the count advances.
    Returns the position after the last bucket.
    """
    write = out.shape[0] > 0
    for i in range(start, stop):
        if _is_continuation(data[i]):
            continue
        h = _BASIS
        j = i
        n = 1
        while j < stop and n <= max_n:
            # Extend the n-gram by one character, hashing its bytes.
            h = _fnv_step(h, data[j])
            j += 1
            while j < stop and _is_continuation(data[j]):
                h = _fnv_step(h, data[j])
                j += 1
            if n >= min_n and not (n == 1 and (i == start or j == stop)):
                if write:
                    out[pos] = np.int32(h % np.uint64(bucket))
                pos += 1
            n += 1
    return pos


@njit(parallel=True, cache=True)
def ngram_buckets(data, offsets, min_n, max_n, bucket):
    """CSR of the n-gram buckets of every word: ``(indptr, buckets)``.

    Word ``w``'s buckets, in fastText's order and with repeats kept (an
    n-gram occurring twice counts twice, as in fastText), are
    ``buckets[indptr[w]:indptr[w + 1]]``.
    """
    n_words = offsets.shape[0] - 1
    counts = np.zeros(n_words, dtype=np.int64)
    nothing = np.empty(0, dtype=np.int32)
    for w in prange(n_words):
        counts[w] = _word_ngrams(data, offsets[w], offsets[w + 1], min_n, max_n, bucket, nothing, 0)
    indptr = np.zeros(n_words + 1, dtype=np.int64)
    for w in range(n_words):
        indptr[w + 1] = indptr[w] + counts[w]
    buckets = np.empty(indptr[n_words], dtype=np.int32)
    for w in prange(n_words):
        _word_ngrams(data, offsets[w], offsets[w + 1], min_n, max_n, bucket, buckets, indptr[w])
    return indptr, buckets


@njit(parallel=True, cache=True)
def compose_vectors(word_rows, ngram_vectors, indptr, buckets, out):
    """``out[w]`` = mean of ``word_rows[w]`` and the n-gram rows of word ``w``.

    ``word_rows`` may be empty (shape ``(0, d)``): the mean is then over the
    n-gram rows only, as for an out-of-vocabulary word.  Sums are float64.
    """
    n_words = indptr.shape[0] - 1
    dim = out.shape[1]
    own = word_rows.shape[0] > 0
    for w in prange(n_words):
        acc = np.zeros(dim, dtype=np.float64)
        n = indptr[w + 1] - indptr[w]
        if own:
            for k in range(dim):
                acc[k] = word_rows[w, k]
            n += 1
        for p in range(indptr[w], indptr[w + 1]):
            row = buckets[p]
            for k in range(dim):
                acc[k] += ngram_vectors[row, k]
        scale = 1.0 / max(n, 1)
        for k in range(dim):
            out[w, k] = np.float32(acc[k] * scale)
