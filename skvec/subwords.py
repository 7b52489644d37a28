"""fastText's subword vectors: character n-grams, their hash, and SubwordVectors.

A fastText word vector is the mean of the word's own input row and the rows
of its character n-grams (substrings of ``<word>`` of ``min_n`` to ``max_n``
characters), each n-gram hashed into one of ``bucket`` rows.  The n-grams and
the hash are fastText's exactly (see :mod:`skvec._kernels.subword`), so
vectors trained here, by gensim's ``FastText`` or by the fastText C++ tool
can be exchanged.

:class:`SubwordVectors` is a :class:`~skvec.WordVectors` that also holds the
n-gram matrix, so any string gets a vector.  Its model file is a versioned
NumPy ``.npz`` archive described in :meth:`SubwordVectors.save`.
"""

import json
import os

import numpy as np

from ._kernels import subword as _k
from ._kernels._common import all_finite
from ._validation import check_int
from .vectors import WordVectors

__all__ = ["SubwordVectors", "char_ngrams", "fasttext_hash", "ngram_buckets"]

MODEL_FORMAT = "skvec-subword-model"
MODEL_FORMAT_VERSION = 1
HASH_NAME = "fnv1a-32, bytes sign-extended (fastText)"


def utf8_with_offsets(strings):
    """UTF-8 bytes of every string, flat (uint8), with int64 offsets."""
    encoded = [string.encode("utf-8") for string in strings]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)), out=offsets[1:])
    return np.frombuffer(b"".join(encoded), dtype=np.uint8), offsets


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
    data, offsets = utf8_with_offsets(["<" + word + ">" for word in words])
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


def _check_ngram_matrix(ngram_vectors, vector_size):
    if ngram_vectors is None:
        return None
    ngram_vectors = np.ascontiguousarray(ngram_vectors, dtype=np.float32)
    if ngram_vectors.ndim != 2 or ngram_vectors.shape[1] != vector_size:
        raise ValueError(
            f"ngram_vectors must have shape (bucket, {vector_size}) to match the word vectors, "
            f"got {ngram_vectors.shape}."
        )
    if not 1 <= ngram_vectors.shape[0] <= np.iinfo(np.int32).max:
        raise ValueError(f"ngram_vectors must have 1 to 2**31 - 1 rows (buckets), got {ngram_vectors.shape[0]}.")
    if not all_finite(ngram_vectors):
        raise ValueError("ngram_vectors contains NaN or infinite values.")
    return ngram_vectors


class SubwordVectors(WordVectors):
    """Word vectors with fastText's character n-gram vectors: a vector for any string.

    A vocabulary word's vector is stored (for fastText, the mean of the word's
    own input row and its n-gram rows).  Any other string gets the mean of
    the vectors of its character n-grams (substrings of ``<word>`` of
    ``min_n`` to ``max_n`` characters, hashed into ``bucket`` rows exactly as
    fastText and gensim hash them), which is what fastText's
    ``getWordVector`` and gensim's ``FastTextKeyedVectors`` return, so
    matrices trained by either can be loaded and queried.

    Everything :class:`~skvec.WordVectors` offers works, with
    out-of-vocabulary words allowed wherever a word is asked for
    (``wv["unseen"]``, ``similarity``, ``most_similar``).  As in gensim,
    ``word in wv`` is true for every string that has a vector;
    :meth:`has_index_for` tells whether it is a vocabulary word.

    Parameters
    ----------
    words : sequence of str
        The vocabulary, row order.
    vectors : array-like of shape (n_words, vector_size)
        The vectors of the vocabulary words (dense).
    ngram_vectors : array-like of shape (bucket, vector_size) or None, default=None
        One row per hash bucket; None gives no vector to unknown words.
    min_n, max_n : int, default=3, 6
        N-gram lengths, in characters of ``<word>``; 0 in either turns the
        n-grams off.

    Attributes
    ----------
    ngram_vectors : ndarray of float32 or None
        The n-gram matrix.
    min_n, max_n : int
        N-gram lengths.
    bucket : int
        Number of n-gram rows (0 without n-grams).

    See Also
    --------
    skvec.FastTextEmbedder : Learns these vectors.
    WordVectors : The same without n-grams.

    Examples
    --------
    >>> import numpy as np
    >>> from skvec import SubwordVectors
    >>> rng = np.random.default_rng(0)
    >>> wv = SubwordVectors(["walk", "talk"], rng.normal(size=(2, 4)),
    ...                     rng.normal(size=(50, 4)), min_n=3, max_n=4)
    >>> wv["walking"].shape
    (4,)
    >>> "walking" in wv, wv.has_index_for("walking")
    (True, False)
    """

    def __init__(self, words, vectors, ngram_vectors=None, *, min_n=3, max_n=6):
        super().__init__(words, vectors)
        if self.is_sparse:
            raise TypeError("SubwordVectors needs dense word vectors, got a sparse matrix.")
        self.min_n = check_int(min_n, "min_n", min_val=0)
        self.max_n = check_int(max_n, "max_n", min_val=0)
        self.ngram_vectors = _check_ngram_matrix(ngram_vectors, self.vector_size)

    @classmethod
    def from_input_vectors(cls, words, word_rows, ngram_vectors, *, min_n=3, max_n=6):
        """Build from fastText's input matrices (word rows and n-gram rows).

        A vocabulary word's vector is the mean of its row in ``word_rows`` and
        the rows of its n-grams in ``ngram_vectors``, as fastText and gensim
        compose them.

        Examples
        --------
        >>> import numpy as np
        >>> from skvec import SubwordVectors
        >>> wv = SubwordVectors.from_input_vectors(["ab"], np.ones((1, 2)), np.zeros((10, 2)),
        ...                                        min_n=3, max_n=3)
        >>> wv["ab"]  # mean of its row and its 2 n-grams <ab, ab>
        array([0.33333334, 0.33333334], dtype=float32)
        """
        words = list(words)
        word_rows = np.ascontiguousarray(word_rows, dtype=np.float32)
        if ngram_vectors is None or not subwords_enabled(min_n, max_n):
            return cls(words, word_rows, ngram_vectors, min_n=min_n, max_n=max_n)
        ngram_vectors = _check_ngram_matrix(ngram_vectors, word_rows.shape[1])
        indptr, buckets = ngram_buckets(words, min_n, max_n, len(ngram_vectors))
        vectors = compose(word_rows, ngram_vectors, indptr, buckets)
        return cls(words, vectors, ngram_vectors, min_n=min_n, max_n=max_n)

    @property
    def bucket(self):
        return 0 if self.ngram_vectors is None else self.ngram_vectors.shape[0]

    @property
    def has_subwords(self):
        """Whether unknown words can get a vector from n-grams."""
        return self.ngram_vectors is not None and subwords_enabled(self.min_n, self.max_n)

    def __repr__(self):
        return (
            f"<SubwordVectors: {len(self)} words, {self.vector_size} dimensions, {self.bucket} n-gram "
            f"buckets, n-grams of {self.min_n} to {self.max_n} characters>"
        )

    def __contains__(self, word):
        if super().__contains__(word):
            return True
        return isinstance(word, str) and self.has_subwords and bool(self.vectors_for([word])[1][0])

    def vectors_for(self, words):
        """Vectors of many strings at once: stored ones, else the mean of their n-grams.

        Parameters
        ----------
        words : sequence of str

        Returns
        -------
        vectors : ndarray of shape (len(words), vector_size), float32
            A zero row for a string with no vector.
        found : ndarray of bool
            Which strings have a vector.

        Examples
        --------
        >>> import numpy as np
        >>> from skvec import SubwordVectors
        >>> wv = SubwordVectors(["a"], np.ones((1, 2)), np.ones((8, 2)), min_n=3, max_n=3)
        >>> wv.vectors_for(["a", "bc", ""])[1]
        array([ True,  True, False])
        """
        words = list(words)
        rows = np.array([self.index.get(word, -1) if isinstance(word, str) else -1 for word in words],
                        dtype=np.int64)
        out = np.zeros((len(words), self.vector_size), dtype=np.float32)
        found = rows >= 0
        out[found] = self.vectors[rows[found]]
        unknown = np.flatnonzero(~found)
        if self.has_subwords and len(unknown):
            if not all(isinstance(words[i], str) for i in unknown):
                raise TypeError("words must be strings.")
            indptr, buckets = ngram_buckets([words[i] for i in unknown], self.min_n, self.max_n, self.bucket)
            empty = np.zeros((0, self.vector_size), dtype=np.float32)
            out[unknown] = compose(empty, self.ngram_vectors, indptr, buckets)
            found[unknown] = np.diff(indptr) > 0
        return out, found

    def missing_vector(self, word):
        """The vector of a word outside the vocabulary: the mean of its n-gram vectors.

        Every lookup and query (``wv[word]``, :meth:`get_vector`,
        :meth:`similarity`, :meth:`most_similar`...) uses it for such words.

        Raises
        ------
        KeyError
            If there are no n-gram vectors, or the word has no n-gram of
            ``min_n`` to ``max_n`` characters.

        Examples
        --------
        >>> import numpy as np
        >>> from skvec import SubwordVectors
        >>> wv = SubwordVectors(["ab"], np.zeros((1, 2)), np.ones((10, 2)), min_n=3, max_n=3)
        >>> wv.missing_vector("cd")
        array([1., 1.], dtype=float32)
        """
        if not self.has_subwords:
            raise KeyError(f"word {word!r} is not in the vocabulary and these vectors have no n-grams")
        vectors, found = self.vectors_for([word])
        if not found[0]:
            raise KeyError(
                f"word {word!r} is not in the vocabulary and has no character n-gram of "
                f"{self.min_n} to {self.max_n} characters"
            )
        return vectors[0]

    # -- files ------------------------------------------------------------------

    def model_arrays(self):
        """The arrays and settings :meth:`save` writes (for the model writers)."""
        arrays = {"vectors": self.vectors}
        if self.ngram_vectors is not None:
            arrays["ngram_vectors"] = self.ngram_vectors
        return {"min_n": self.min_n, "max_n": self.max_n, "bucket": self.bucket}, arrays

    def save(self, path):
        """Write the vectors and the n-gram matrix to a model file.

        The file is an uncompressed NumPy ``.npz`` archive (read with
        ``numpy.load(path, allow_pickle=False)``), format
        ``"skvec-subword-model"`` version 1:

        - ``meta``: a JSON string with ``format``, ``version``, ``hash``,
          ``min_n``, ``max_n``, ``bucket`` and ``params`` (the estimator's
          parameters, empty here);
        - ``words_utf8`` (uint8) and ``word_offsets`` (int64): the words'
          UTF-8 bytes, word ``i`` being ``words_utf8[word_offsets[i]:
          word_offsets[i + 1]]``;
        - ``vectors`` (float32, n_words x d): the word vectors;
        - ``ngram_vectors`` (float32, bucket x d), absent without n-grams;
        - written by :meth:`FastTextEmbedder.save <skvec.FastTextEmbedder.save>`
          only: ``input_vectors`` (the words' own input rows),
          ``context_vectors`` (output rows) and ``word_counts`` (int64).

        A reader refuses a version newer than it knows.  For the word vectors
        alone in fastText's ``.vec`` text format, use
        :meth:`save_word2vec_format`.

        Parameters
        ----------
        path : str or path-like
            Written as given (no suffix is added).

        Examples
        --------
        >>> import numpy as np, os, tempfile
        >>> from skvec import SubwordVectors
        >>> wv = SubwordVectors(["a", "b"], np.eye(2), np.ones((5, 2)), min_n=2, max_n=3)
        >>> path = os.path.join(tempfile.mkdtemp(), "model.npz")
        >>> wv.save(path)
        >>> SubwordVectors.load(path).bucket
        5
        """
        settings, arrays = self.model_arrays()
        write_model_file(path, self.words, settings, arrays)

    @classmethod
    def load(cls, path):
        """Read a model file written by :meth:`save` or ``FastTextEmbedder.save``.

        Examples
        --------
        >>> import numpy as np, os, tempfile
        >>> from skvec import SubwordVectors
        >>> path = os.path.join(tempfile.mkdtemp(), "model.npz")
        >>> SubwordVectors(["a"], np.ones((1, 3))).save(path)
        >>> SubwordVectors.load(path)["a"]
        array([1., 1., 1.], dtype=float32)
        """
        meta, words, arrays = read_model_file(path)
        return cls(words, arrays["vectors"], arrays.get("ngram_vectors"), min_n=meta["min_n"], max_n=meta["max_n"])

    @classmethod
    def load_fasttext_bin(cls, path):
        """Read the word and n-gram vectors of a ``.bin`` model of the fastText C++ tool.

        Vocabulary words get fastText's ``getWordVector`` (the mean of the
        word's input row and its n-gram rows; ``</s>`` has no n-grams), and
        any other string the mean of its n-gram rows, as in fastText.
        Unsupervised models (skip-gram, CBOW) of format version 12 are
        read; quantized (``.ftz``) models are not.

        Parameters
        ----------
        path : str or path-like

        Returns
        -------
        SubwordVectors
        """
        model = read_fasttext_bin(path)
        args = model["args"]
        n_words = len(model["words"])
        word_rows = model["input"][:n_words]
        ngram_rows = model["input"][n_words:] if len(model["input"]) > n_words else None
        wv = cls.from_input_vectors(model["words"], word_rows, ngram_rows, min_n=args["minn"], max_n=args["maxn"])
        if "</s>" in wv.index:
            # fastText gives the end-of-sentence token no n-grams.
            wv.vectors[wv.index["</s>"]] = word_rows[wv.index["</s>"]]
        return wv


def write_model_file(path, words, settings, arrays, params=None):
    """Write the versioned subword model archive (see :meth:`SubwordVectors.save`)."""
    meta = {"format": MODEL_FORMAT, "version": MODEL_FORMAT_VERSION, "hash": HASH_NAME}
    meta.update(settings)
    meta["params"] = params or {}
    data, offsets = utf8_with_offsets(words)
    with open(path, "wb") as out:
        np.savez(out, meta=np.array(json.dumps(meta)), words_utf8=data, word_offsets=offsets, **arrays)


def read_model_file(path):
    """Read a subword model archive: ``(meta, words, arrays)``."""
    try:
        archive = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as error:
        raise ValueError(f"{os.fspath(path)!r} is not a skvec subword model file: {error}") from None
    with archive:
        if not hasattr(archive, "files") or "meta" not in archive.files:
            raise ValueError(f"{os.fspath(path)!r} is not a skvec subword model file (no 'meta' entry).")
        meta = json.loads(str(archive["meta"]))
        if meta.get("format") != MODEL_FORMAT:
            raise ValueError(f"{os.fspath(path)!r} has format {meta.get('format')!r}, not {MODEL_FORMAT!r}.")
        if meta.get("version", 0) > MODEL_FORMAT_VERSION:
            raise ValueError(
                f"{os.fspath(path)!r} is format version {meta['version']}; this skvec reads versions up to "
                f"{MODEL_FORMAT_VERSION}. Upgrade skvec."
            )
        data = archive["words_utf8"].tobytes()
        offsets = archive["word_offsets"]
        words = [data[offsets[i]:offsets[i + 1]].decode("utf-8") for i in range(len(offsets) - 1)]
        arrays = {name: archive[name] for name in archive.files if name not in ("meta", "words_utf8", "word_offsets")}
    return meta, words, arrays


# -- fastText C++ .bin files ------------------------------------------------------

_FASTTEXT_MAGIC = 793712314
_FASTTEXT_VERSION = 12
_ARG_NAMES = ("dim", "ws", "epoch", "minCount", "neg", "wordNgrams", "loss", "model", "bucket", "minn", "maxn",
              "lrUpdateRate")


def _read_exact(f, n, path):
    data = f.read(n)
    if len(data) != n:
        raise ValueError(f"{os.fspath(path)!r} ends early; it is not a complete fastText .bin model.")
    return data


def _read_matrix(f, path):
    rows, cols = np.frombuffer(_read_exact(f, 16, path), dtype="<i8")
    values = np.frombuffer(_read_exact(f, 4 * int(rows) * int(cols), path), dtype="<f4")
    return values.reshape(int(rows), int(cols))


def _read_dictionary(f, path):
    size, n_words, n_labels = np.frombuffer(_read_exact(f, 12, path), dtype="<i4")
    _n_tokens, prune_size = np.frombuffer(_read_exact(f, 16, path), dtype="<i8")
    rest = f.read()  # entries, prune index and matrices: split below
    words, counts, labels, label_counts, pos = [], [], [], [], 0
    for _ in range(int(size)):
        end = rest.index(b"\0", pos)
        word = rest[pos:end].decode("utf-8", "replace")
        count = int(np.frombuffer(rest, dtype="<i8", count=1, offset=end + 1)[0])
        entry_type = rest[end + 9]
        pos = end + 10
        if entry_type == 0:
            words.append(word)
            counts.append(count)
        else:
            labels.append(word)
            label_counts.append(count)
    pos += 8 * max(int(prune_size), 0)
    return (words, np.array(counts, dtype=np.int64), labels, np.array(label_counts, dtype=np.int64)), rest[pos:]


def read_fasttext_bin(path):
    """Parse a fastText C++ ``.bin`` model: args, words, counts, labels, label counts, input and output matrices.

    ``words``/``counts`` are the word entries of the dictionary, ``labels``/``label_counts`` its label
    entries (supervised models), each in file order.
    """
    import io

    with open(path, "rb") as f:
        magic, version = np.frombuffer(_read_exact(f, 8, path), dtype="<i4")
        if magic != _FASTTEXT_MAGIC:
            raise ValueError(f"{os.fspath(path)!r} is not a fastText .bin model (bad magic number).")
        if version != _FASTTEXT_VERSION:
            raise ValueError(f"{os.fspath(path)!r} is fastText format version {version}; only 12 is read.")
        values = np.frombuffer(_read_exact(f, 4 * len(_ARG_NAMES), path), dtype="<i4")
        args = dict(zip(_ARG_NAMES, (int(v) for v in values)))
        args["t"] = float(np.frombuffer(_read_exact(f, 8, path), dtype="<f8")[0])
        (words, counts, labels, label_counts), rest = _read_dictionary(f, path)
    stream = io.BytesIO(rest)
    if _read_exact(stream, 1, path) != b"\0":
        raise ValueError(f"{os.fspath(path)!r} is a quantized fastText model (.ftz); it cannot be read.")
    input_matrix = _read_matrix(stream, path)
    quantized_output = _read_exact(stream, 1, path) != b"\0"
    output_matrix = None if quantized_output else _read_matrix(stream, path)
    return {"args": args, "words": words, "counts": counts, "labels": labels, "label_counts": label_counts,
            "input": input_matrix, "output": output_matrix}
