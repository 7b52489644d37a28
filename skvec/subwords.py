"""fastText's character n-grams and their hash.

A fastText word vector is the mean of the word's own input row and the rows
of its character n-grams (substrings of ``<word>`` of ``min_n`` to ``max_n``
characters), each n-gram hashed into one of ``bucket`` rows.  The n-grams and
the hash are fastText's exactly (see :mod:`skvec._kernels.subword`), so
vectors trained here, by gensim's ``FastText`` or by the fastText C++ tool
can be exchanged.

:class:`~skvec.SubwordVectors` (the vectors with their n-gram matrix) and
every file format live in :mod:`skvec.vectors`; ``SubwordVectors``,
``read_fasttext_bin``, ``write_model_file`` and ``read_model_file`` stay
importable from here.
"""

import importlib

import numpy as np

from ._kernels import subword as _k

# SubwordVectors is provided by the module __getattr__ below (also for a star import).
__all__ = ["SubwordVectors", "char_ngrams", "fasttext_hash", "ngram_buckets"]  # noqa: F822

# Names that moved to skvec.vectors, still importable from here (resolved on
# first use: skvec.vectors builds on this module).
_MOVED = {
    "SubwordVectors": "skvec.vectors._subword",
    "read_model_file": "skvec.vectors._subword",
    "write_model_file": "skvec.vectors._subword",
    "MODEL_FORMAT": "skvec.vectors._subword",
    "MODEL_FORMAT_VERSION": "skvec.vectors._subword",
    "HASH_NAME": "skvec.vectors._subword",
    "read_fasttext_bin": "skvec.vectors._fasttext_bin",
    "utf8_with_offsets": "skvec.vectors._archive",
}


def __getattr__(name):
    if name in _MOVED:
        return getattr(importlib.import_module(_MOVED[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def subwords_enabled(min_n, max_n):
    """Whether ``min_n``/``max_n`` give any n-gram (0 in either turns them off)."""
    return min_n > 0 and max_n > 0 and min_n <= max_n


def ngram_buckets(words, min_n=3, max_n=6, bucket=2_000_000):
    """The n-gram buckets of every word, as CSR arrays.

    Parameters
    ----------
    words : sequence of str
    min_n, max_n : int
        N-gram lengths in characters of ``<word>``; 0 in either gives no
        n-grams.
    bucket : int
        Number of hash buckets.

    Returns
    -------
    indptr : ndarray of int64, shape (n_words + 1,)
    buckets : ndarray of int32
        Word ``i``'s buckets are ``buckets[indptr[i]:indptr[i + 1]]``, in
        fastText's order, repeats kept.

    Examples
    --------
    >>> from skvec.subwords import ngram_buckets
    >>> indptr, buckets = ngram_buckets(["where", "a"], min_n=3, max_n=4, bucket=100)
    >>> indptr.tolist()
    [0, 9, 10]
    """
    if not subwords_enabled(min_n, max_n) or not words:
        return np.zeros(len(words) + 1, dtype=np.int64), np.zeros(0, dtype=np.int32)
    encoded = [("<" + word + ">").encode("utf-8") for word in words]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)), out=offsets[1:])
    data = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    return _k.ngram_buckets(data, offsets, int(min_n), int(max_n), int(bucket))


def char_ngrams(word, min_n=3, max_n=6):
    """The character n-grams of ``<word>`` in fastText's order.

    Examples
    --------
    >>> from skvec.subwords import char_ngrams
    >>> char_ngrams("cat", 3, 4)
    ['<ca', '<cat', 'cat', 'cat>', 'at>']
    """
    wrapped = "<" + word + ">"
    grams = []
    for start in range(len(wrapped)):
        for n in range(max(min_n, 1), max_n + 1):
            if start + n > len(wrapped):
                break
            if n == 1 and (start == 0 or start + 1 == len(wrapped)):
                continue
            grams.append(wrapped[start:start + n])
    return grams


def fasttext_hash(text):
    """fastText's 32-bit hash of a string (UTF-8) or bytes.

    Examples
    --------
    >>> from skvec.subwords import fasttext_hash
    >>> fasttext_hash("<ca")
    1066916747
    """
    data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
    offsets = np.array([0, len(data)], dtype=np.int64)
    return int(_k.fnv1a_hashes(np.frombuffer(data, dtype=np.uint8), offsets)[0])


def compose(word_rows, ngram_vectors, indptr, buckets):
    """Mean of each word's input row (if ``word_rows`` has rows) and its n-gram rows."""
    out = np.empty((len(indptr) - 1, ngram_vectors.shape[1]), dtype=np.float32)
    if len(out):
        word_rows = np.ascontiguousarray(word_rows, dtype=np.float32)
        _k.compose_vectors(word_rows, ngram_vectors, indptr, buckets, out)
    return out
