"""fastText's subword vectors as a value object: :class:`SubwordVectors`, and its model file.

:class:`SubwordVectors` is a :class:`~skvec.WordVectors` that also holds the
n-gram matrix, so any string gets a vector (the n-grams and their hash are
:mod:`skvec.subwords`').  Its model file is a versioned NumPy ``.npz``
archive (:mod:`._archive`) described in :meth:`SubwordVectors.save`, written
and read by :func:`write_model_file` and :func:`read_model_file`, which
``FastTextEmbedder`` uses as well.
"""

import os
import numpy as np

from .._io import open_file
from .._kernels.arrays import all_finite
from .._validation import check_int
from ..subwords import compose, ngram_buckets, subwords_enabled
from ._archive import check_rows, json_params, read_archive, strings_from_utf8, utf8_with_offsets, write_archive
from ._fasttext_bin import FASTTEXT_MAGIC, read_fasttext_bin
from ._gensim import make_gensim_fasttext_keyed_vectors
from ._keyed import SUBWORD_CLASS, WordVectors, trusted_word_vectors

__all__ = ["SubwordVectors", "read_model_file", "write_model_file", "read_estimator_file", "write_estimator_file",
           "MODEL_FORMAT", "MODEL_FORMAT_VERSION", "pending_word_arrays", "read_pending_word_counts"]

MODEL_FORMAT = "skvec-subword-model"
# The newest version written and read.  Version 2 added what training further
# needs (``tree_vectors``, the pending words and their counts); a file
# without those entries is written as version 1, which older readers take.
MODEL_FORMAT_VERSION = 2
_VERSION_2_ENTRIES = ("tree_vectors", "pending_words_utf8", "pending_word_offsets", "pending_word_counts")
HASH_NAME = "fnv1a-32, bytes sign-extended (fastText)"


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
        if self.min_n > 0 and self.max_n > 0 and self.min_n > self.max_n:
            raise ValueError(
                f"min_n={self.min_n} is greater than max_n={self.max_n}; n-gram lengths need "
                "min_n <= max_n (or min_n=0 / max_n=0 to turn n-grams off)."
            )
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

    def to_gensim(self):
        """A gensim ``FastTextKeyedVectors`` with these vectors and n-grams (copies; gensim must be installed).

        Vocabulary words keep their vectors and every other string gets the
        mean of its n-gram vectors, in gensim as here.  The words' own input
        rows (``vectors_vocab``), which gensim recomputes word vectors from,
        are derived from the vectors and the n-gram rows.  Without n-grams,
        a plain ``KeyedVectors``.

        Examples
        --------
        >>> import numpy as np
        >>> from skvec import SubwordVectors
        >>> rng = np.random.default_rng(0)
        >>> wv = SubwordVectors(["walk", "talk"], rng.normal(size=(2, 4)), rng.normal(size=(50, 4)))
        >>> kv = wv.to_gensim()
        >>> bool(np.allclose(kv["walking"], wv["walking"], atol=1e-6))
        True
        """
        if not self.has_subwords:
            return super().to_gensim()
        indptr, buckets = ngram_buckets(self.words, self.min_n, self.max_n, self.bucket)
        n_grams = np.diff(indptr).astype(np.float64)
        sums = np.zeros((len(self), self.vector_size), dtype=np.float64)
        rows = np.repeat(np.arange(len(self)), np.diff(indptr))
        np.add.at(sums, rows, self.ngram_vectors[buckets].astype(np.float64))
        # vector = (input row + sum of n-gram rows) / (1 + n): solved for the input row.
        input_rows = self.vectors * (1.0 + n_grams)[:, None] - sums
        return make_gensim_fasttext_keyed_vectors(self.words, self.vectors, self.ngram_vectors, self.min_n,
                                                  self.max_n, input_rows)

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
        ``"skvec-subword-model"`` version 1 or 2:

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
          ``context_vectors`` (output rows) and ``word_counts`` (int64),
          with the settings ``model`` (``"fasttext-embedder"``; files
          written before it was added lack it) and ``fitted`` (the
          fitted values); ``FastTextClassifier.save`` writes ``model``
          ``"fasttext-classifier"`` and its own entries;
          from version 2 also ``tree_vectors`` (float32, the hierarchical
          softmax's inner-node rows, with ``hierarchical_softmax=True``) and
          the words met but not in the vocabulary: ``pending_words_utf8``,
          ``pending_word_offsets`` (as the words) and ``pending_word_counts``
          (int64).

        A file with none of the version-2 entries is written as version 1,
        so that older readers still read it.

        The file is written to a temporary file next to ``path`` and moved
        over it when complete: a failed save leaves a previous file as it
        was.  A reader refuses a version newer than it knows.  For the word
        vectors alone in fastText's ``.vec`` text format, use
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
    def load(cls, path, mmap=None):
        """Read a model file written by :meth:`save` or ``FastTextEmbedder.save``.

        Every count and shape the file declares is checked; a damaged or
        truncated file raises a :class:`ValueError` naming it.  A fastText
        ``.bin`` model is recognised by its content and read with
        :meth:`load_fasttext_bin`.

        Parameters
        ----------
        path : str or path-like
        mmap : {None, "r", "c"}, default=None
            Map the vector and n-gram matrices from the file instead of
            reading them (see :meth:`WordVectors.load`).

        Returns
        -------
        SubwordVectors

        Examples
        --------
        >>> import numpy as np, os, tempfile
        >>> from skvec import SubwordVectors
        >>> path = os.path.join(tempfile.mkdtemp(), "model.npz")
        >>> SubwordVectors(["a"], np.ones((1, 3))).save(path)
        >>> SubwordVectors.load(path)["a"]
        array([1., 1., 1.], dtype=float32)
        """
        if _is_fasttext_bin(path):
            return cls.load_fasttext_bin(path)
        meta, words, arrays = read_model_file(path, mmap=mmap)
        if "vectors" not in arrays:
            raise ValueError(f"{os.fspath(path)!r} is a skvec model file without word vectors ('vectors' entry).")
        if mmap:
            wv = trusted_word_vectors(cls, words, arrays["vectors"])
            wv.min_n, wv.max_n = meta["min_n"], meta["max_n"]
            wv.ngram_vectors = arrays.get("ngram_vectors")
            return wv
        return cls(words, arrays["vectors"], arrays.get("ngram_vectors"), min_n=meta["min_n"], max_n=meta["max_n"])

    @classmethod
    def load_fasttext_bin(cls, path):
        """Read the word and n-gram vectors of a ``.bin`` model of the fastText C++ tool.

        Vocabulary words get fastText's ``getWordVector`` (the mean of the
        word's input row and its n-gram rows; ``</s>`` has no n-grams), and
        any other string the mean of its n-gram rows, as in fastText.
        Models of format version 12 are read (skip-gram, CBOW and
        supervised; a model trained with ``-maxn 0`` has no n-grams);
        quantized (``.ftz``) models are not.  Every count and offset the
        file declares is checked: a damaged file raises a
        :class:`ValueError` naming it and the byte.

        Parameters
        ----------
        path : str or path-like

        Returns
        -------
        SubwordVectors

        Examples
        --------
        >>> import os, tempfile
        >>> import fasttext  # doctest: +SKIP
        >>> from skvec import SubwordVectors
        >>> wv = SubwordVectors.load_fasttext_bin("model.bin")  # doctest: +SKIP
        """
        model = read_fasttext_bin(path)
        args = model["args"]
        n_words = len(model["words"])
        word_rows = model["input"][:n_words]
        ngram_rows = model["input"][n_words:] if len(model["input"]) > n_words else None
        min_n, max_n = args["minn"], args["maxn"]
        if not subwords_enabled(min_n, max_n):
            # No character n-grams (the rows after the words, if any, are word n-grams).
            ngram_rows, min_n, max_n = None, 0, 0
        wv = cls.from_input_vectors(model["words"], word_rows, ngram_rows, min_n=min_n, max_n=max_n)
        if "</s>" in wv.index and ngram_rows is not None:
            # fastText gives the end-of-sentence token no n-grams.
            wv.vectors[wv.index["</s>"]] = word_rows[wv.index["</s>"]]
        return wv


SUBWORD_CLASS["class"] = SubwordVectors


def _is_fasttext_bin(path):
    try:
        with open_file(path, "rb") as f:
            return f.read(4) == FASTTEXT_MAGIC
    except (OSError, EOFError):
        return False


def write_model_file(path, words, settings, arrays, params=None):
    """Write the versioned subword model archive (see :meth:`SubwordVectors.save`).

    Written to a temporary file in the target's directory, then moved over
    the target: a failed write leaves a previous file untouched.

    Examples
    --------
    >>> import numpy as np, os, tempfile
    >>> from skvec.vectors import read_model_file, write_model_file
    >>> path = os.path.join(tempfile.mkdtemp(), "model.npz")
    >>> write_model_file(path, ["a"], {"min_n": 3, "max_n": 6, "bucket": 0}, {"vectors": np.ones((1, 2), dtype=np.float32)})
    >>> read_model_file(path)[1]
    ['a']
    """
    version = 2 if any(name in arrays for name in _VERSION_2_ENTRIES) else 1
    meta = {"format": MODEL_FORMAT, "version": version, "hash": HASH_NAME}
    meta.update(settings)
    meta["params"] = params or {}
    write_archive(path, meta, words, arrays)


def read_model_file(path, mmap=None):
    """Read a subword model archive: ``(meta, words, arrays)``, every declared size checked.

    Raises
    ------
    ValueError
        Naming the file, for a file that is not a complete, consistent
        model archive of a version this skvec reads.

    Examples
    --------
    >>> import numpy as np, os, tempfile
    >>> from skvec.vectors import read_model_file, write_model_file
    >>> path = os.path.join(tempfile.mkdtemp(), "model.npz")
    >>> write_model_file(path, ["a"], {"min_n": 3, "max_n": 6, "bucket": 0}, {"vectors": np.ones((1, 2), dtype=np.float32)})
    >>> read_model_file(path)[0]["format"]
    'skvec-subword-model'
    """
    meta, words, arrays = read_archive(path, {MODEL_FORMAT: MODEL_FORMAT_VERSION}, mmap=mmap)
    _check_model(path, meta, words, arrays)
    return meta, words, arrays


def _check_model(path, meta, words, arrays):
    name = repr(os.fspath(path))
    for key in ("min_n", "max_n", "bucket"):
        if key in meta and (not isinstance(meta[key], int) or isinstance(meta[key], bool) or meta[key] < 0):
            raise ValueError(f"{name}: the setting {key}={meta[key]!r} is not a non-negative integer.")
    if not isinstance(meta.get("params", {}), dict):
        raise ValueError(f"{name}: the 'params' setting is not a JSON object.")
    n_words = len(words)
    vectors = check_rows(path, arrays, "vectors", n_words, -1, required=False)
    size = None if vectors is None else vectors.shape[1]
    if size is not None and size < 1:
        raise ValueError(f"{name}: the 'vectors' entry has no columns.")
    for key in ("input_vectors", "context_vectors"):
        check_rows(path, arrays, key, n_words, size if size is not None else -1, required=False)
    check_rows(path, arrays, "word_counts", n_words, None, dtype=np.int64, required=False)
    if "ngram_vectors" in arrays:
        check_rows(path, arrays, "ngram_vectors", meta.get("bucket"), size if size is not None else -1)
    elif meta.get("bucket"):
        raise ValueError(f"{name} declares {meta['bucket']} n-gram buckets but holds no 'ngram_vectors' entry.")
    check_rows(path, arrays, "tree_vectors", max(n_words - 1, 1), size if size is not None else -1, required=False)
    read_pending_word_counts(path, arrays)


def pending_word_arrays(pending):
    """The entries of a model file holding the words met but not in the vocabulary, with their counts."""
    data, offsets = utf8_with_offsets(list(pending))
    counts = np.fromiter(pending.values(), dtype=np.int64, count=len(pending))
    return {"pending_words_utf8": data, "pending_word_offsets": offsets, "pending_word_counts": counts}


def read_pending_word_counts(path, arrays):
    """The pending words of a model file (:func:`pending_word_arrays`), word -> count; {} when absent."""
    present = [key in arrays for key in ("pending_words_utf8", "pending_word_offsets", "pending_word_counts")]
    if not any(present):
        return {}
    if not all(present):
        raise ValueError(f"{os.fspath(path)!r} holds part of the pending words' entries only (pending_words_utf8, "
                         "pending_word_offsets, pending_word_counts).")
    words = strings_from_utf8(path, arrays["pending_words_utf8"], arrays["pending_word_offsets"], "pending_word")
    counts = check_rows(path, arrays, "pending_word_counts", len(words), None, dtype=np.int64)
    if (counts < 1).any():
        raise ValueError(f"{os.fspath(path)!r}: pending word {int(np.flatnonzero(counts < 1)[0])} has a count "
                         "below 1.")
    return dict(zip(words, counts.tolist()))



# What a model file holds, from its ``model`` setting; files without one are told apart by their entries.
CLASSIFIER_MODEL = "fasttext-classifier"
EMBEDDER_MODEL = "fasttext-embedder"
_VECTORS_ONLY = "word-vectors"
_ESTIMATORS = {CLASSIFIER_MODEL: "FastTextClassifier", EMBEDDER_MODEL: "FastTextEmbedder"}
_READERS = {
    CLASSIFIER_MODEL: "a FastTextClassifier (written by FastTextClassifier.save); read it with "
                      "FastTextClassifier.load, or its word rows with SubwordVectors.load",
    EMBEDDER_MODEL: "a FastTextEmbedder (written by FastTextEmbedder.save); read it with FastTextEmbedder.load, "
                    "or its vectors with SubwordVectors.load",
    _VECTORS_ONLY: "word vectors only (written by SubwordVectors.save); read it with SubwordVectors.load or "
                   "skvec.load_vectors",
}


def model_file_kind(meta, arrays):
    """What a model file holds: ``"fasttext-classifier"``, ``"fasttext-embedder"`` or ``"word-vectors"``.

    Classifier files name their model; embedder files written before they
    did are recognised by their input rows and fitted values.

    Examples
    --------
    >>> from skvec.vectors._subword import model_file_kind
    >>> model_file_kind({"model": "fasttext-classifier"}, {})
    'fasttext-classifier'
    >>> model_file_kind({}, {"vectors": None})
    'word-vectors'
    """
    if "model" in meta:
        return meta["model"]
    if "input_vectors" in arrays and "fitted" in meta:
        return EMBEDDER_MODEL
    return _VECTORS_ONLY


def write_estimator_file(path, estimator, words, settings, arrays, fitted):
    """Write a fitted estimator's model file: its arrays, its parameters and its fitted values.

    ``settings`` (``min_n``, ``max_n``, ``bucket`` and the estimator's own)
    must name the model (``"model"``); ``fitted`` is a dict of plain values.
    The parameters are stored by :func:`~skvec.vectors.json_params`.

    Examples
    --------
    >>> import numpy as np, os, tempfile
    >>> from sklearn.base import BaseEstimator
    >>> from skvec.vectors._subword import read_estimator_file, write_estimator_file
    >>> class Model(BaseEstimator):
    ...     def __init__(self, size=2):
    ...         self.size = size
    >>> path = os.path.join(tempfile.mkdtemp(), "model.npz")
    >>> settings = {"model": "fasttext-embedder", "min_n": 0, "max_n": 0, "bucket": 0}
    >>> write_estimator_file(path, Model(size=3), ["a"], settings, {"vectors": np.ones((1, 3), dtype=np.float32)},
    ...                      {"time": 1.0})
    >>> model, meta, words, arrays, fitted = read_estimator_file(path, Model, "fasttext-embedder", ["time"])
    >>> model.size, words, fitted
    (3, ['a'], {'time': 1.0})
    """
    settings = dict(settings, fitted=fitted)
    write_model_file(path, words, settings, arrays, params=json_params(estimator.get_params(),
                                                                        type(estimator).__name__))


def read_estimator_file(path, cls, kind, fitted_keys):
    """Read a model file of ``kind`` written by :func:`write_estimator_file`.

    Returns ``(model, meta, words, arrays, fitted)``: ``cls`` built from
    the stored parameters, the file's settings, words and arrays, and the
    fitted values named by ``fitted_keys``.

    Raises
    ------
    ValueError
        Naming the file, for a file of another kind (saying what it holds and
        what reads it) or with damaged parameters or fitted values.
    """
    meta, words, arrays = read_model_file(path)
    found = model_file_kind(meta, arrays)
    if found != kind:
        what = _READERS.get(found, f"a model of unknown kind {found!r}")
        raise ValueError(f"{os.fspath(path)!r} is not a {_ESTIMATORS[kind]} model file: it holds {what}.")
    try:
        model = cls(**meta["params"])
        fitted = {key: meta["fitted"][key] for key in fitted_keys}
    except (TypeError, KeyError, ValueError) as exc:
        raise ValueError(f"{os.fspath(path)!r}: the model's parameters or fitted values are damaged ({exc}).") from None
    return model, meta, words, arrays, fitted
