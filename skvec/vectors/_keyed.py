"""The :class:`WordVectors` value object: words, their vectors, lookups, files and gensim.

Similarity queries live in :mod:`._similarity` (a mixin), file formats in
:mod:`._formats`, the gensim conversion in :mod:`._gensim`.
"""

import numbers
import os
import warnings

import numpy as np
import scipy.sparse as sp

from .._evaluation import score_analogies, score_word_pairs
from .._kernels.arrays import all_finite
from .._validation import check_int
from ._archive import check_rows, read_archive, write_archive
from ._formats import read_vectors, write_vectors
from ._gensim import make_gensim_keyed_vectors, subword_parts, words_and_vectors
from ._similarity import SimilarityQueries, as_vector, short_repr

__all__ = ["WordVectors", "lookup_word", "trusted_word_vectors", "unit_rows"]

# The class that holds n-gram vectors too (SubwordVectors, which builds on this
# module and registers itself here), for conversions that keep the n-grams.
SUBWORD_CLASS = {}

WORD_VECTORS_FORMAT = "skvec-word-vectors"
WORD_VECTORS_VERSION = 1


def trusted_word_vectors(cls, words, vectors):
    """An instance of ``cls`` (a :class:`WordVectors` class) around ``vectors`` as they are.

    For vectors read from a checked file and memory-mapped: the words are
    checked to be distinct, the matrix's shape was checked by the reader,
    and its values are not read (so a mapped matrix is not paged in).
    """
    words = _as_words(words)
    wv = cls.__new__(cls)
    wv.vectors = vectors
    wv.words = words
    wv.index = {word: row for row, word in enumerate(words)}
    wv._unit = None
    return wv


def _row_norms(vectors):
    """Euclidean norm of every row, float64, without densifying sparse input."""
    if sp.issparse(vectors):
        squared = np.asarray(vectors.multiply(vectors).sum(axis=1), dtype=np.float64).ravel()
    else:
        squared = np.einsum("ij,ij->i", vectors, vectors, dtype=np.float64)
    return np.sqrt(squared)


def unit_rows(vectors):
    """Return ``vectors`` with every row scaled to unit length (zero rows stay zero).

    Dense input gives a float32 ndarray; sparse input gives a float32 CSR
    matrix with the same sparsity pattern.

    Examples
    --------
    >>> import numpy as np
    >>> from skvec.vectors import unit_rows
    >>> unit_rows(np.array([[3.0, 4.0], [0.0, 0.0]]))
    array([[0.6, 0.8],
           [0. , 0. ]], dtype=float32)
    """
    norms = _row_norms(vectors)
    scale = np.zeros_like(norms)
    np.divide(1.0, norms, out=scale, where=norms > 0)
    if sp.issparse(vectors):
        unit = sp.csr_matrix(sp.diags(scale.astype(np.float32)) @ vectors, dtype=np.float32)
        unit.sort_indices()
        return unit
    return (vectors * scale[:, None].astype(np.float32)).astype(np.float32, copy=False)


def _is_index(key):
    return isinstance(key, numbers.Integral) and not isinstance(key, (bool, np.bool_))


def _as_matrix(vectors, n_rows, what):
    """Validated float32 rows: a C-contiguous ndarray, or CSR for sparse input."""
    if sp.issparse(vectors):
        vectors = sp.csr_matrix(vectors, dtype=np.float32)
        values = vectors.data
    else:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        values = vectors
    if vectors.ndim != 2:
        raise ValueError(f"{what} must be 2-dimensional (n_words, vector_size), got shape {vectors.shape}.")
    if vectors.shape[0] != n_rows:
        raise ValueError(
            f"{what} has {vectors.shape[0]} rows but there are {n_rows} words; there must be one row per word."
        )
    if vectors.shape[1] < 1:
        raise ValueError(f"{what} has shape {vectors.shape}: vectors need at least one dimension.")
    if not all_finite(np.ascontiguousarray(values)):
        raise ValueError(f"{what} contains NaN or infinite values.")
    return vectors


def _as_words(words, what="words"):
    if isinstance(words, (str, bytes)) or not hasattr(words, "__iter__"):
        raise TypeError(f"{what} must be a sequence of str, got {type(words).__name__}.")
    words = list(words)
    for word in words:
        if not isinstance(word, str):
            raise TypeError(f"{what} must be strings, got {short_repr(word)} ({type(word).__name__}).")
    if len(set(words)) != len(words):
        seen = set()
        duplicate = next(w for w in words if w in seen or seen.add(w))
        raise ValueError(f"{what} must be distinct; {duplicate!r} occurs more than once.")
    return words


def _vectors_from_archive(path, meta, n_words, arrays):
    """The dense or sparse matrix of a word-vectors archive, its shape checked against its meta."""
    size = meta.get("vector_size")
    if meta.get("n_words") != n_words or not isinstance(size, int) or size < 1:
        raise ValueError(f"{os.fspath(path)!r} declares {meta.get('n_words')!r} words of {size!r} dimensions "
                         f"but holds {n_words} words; the file is damaged.")
    if not meta.get("sparse"):
        return check_rows(path, arrays, "vectors", n_words, size)
    data = check_rows(path, arrays, "sparse_data", None, None)
    indices = check_rows(path, arrays, "sparse_indices", len(data), None, dtype=np.int32)
    indptr = check_rows(path, arrays, "sparse_indptr", n_words + 1, None, dtype=np.int64)
    if indptr[0] != 0 or indptr[-1] != len(data) or (np.diff(indptr) < 0).any() or (
            len(indices) and (indices.min() < 0 or indices.max() >= size)):
        raise ValueError(f"the sparse rows of {os.fspath(path)!r} are inconsistent (row pointers or column "
                         "indices out of range); the file is damaged.")
    return sp.csr_matrix((data, indices, indptr), shape=(n_words, size))


class WordVectors(SimilarityQueries):
    """A vocabulary with one vector per word, queried as gensim's ``KeyedVectors``.

    A value object: it holds ``words`` and ``vectors`` and answers lookups,
    cosine similarities, nearest-neighbour and analogy queries under the
    names and with the results of gensim's ``KeyedVectors``
    (:meth:`most_similar`, :meth:`most_similar_cosmul`, :meth:`doesnt_match`,
    :meth:`similar_by_vector`, ...). It reads and writes the word2vec text
    and binary formats, headerless text (GloVe) and fastText ``.vec`` files,
    compressed or not, and converts from and to gensim.

    Parameters
    ----------
    words : sequence of str
        The vocabulary, row order. Words must be distinct.
    vectors : array-like of shape (n_words, vector_size) or sparse matrix
        One row per word. Dense input is stored as a C-contiguous float32
        array; sparse input as a float32 CSR matrix, which is never densified
        as a whole (queries densify at most the rows they return).

    Attributes
    ----------
    words : list of str
        The vocabulary, row order; ``index_to_key`` is the same list.
    vectors : ndarray of float32 or scipy.sparse.csr_matrix
        The vectors, one row per word.
    index : dict
        Word -> row; ``key_to_index`` is the same dict.
    vector_size : int
        Number of dimensions.

    See Also
    --------
    get_word_vectors : Extract the vectors of a fitted model.
    skvec.analogy_accuracy : Evaluate vectors on analogy questions.

    Notes
    -----
    Unit vectors are computed on first use and kept (there is no
    ``fill_norms`` to call); :meth:`add_vectors` drops them. Changing
    ``vectors`` in place does not: call :meth:`add_vectors` or build a new
    object instead.

    A word outside the vocabulary is looked up through one method,
    :meth:`missing_vector`, which raises :class:`KeyError`; a subclass that
    composes vectors for any string (from subwords) overrides it, and every
    query then accepts such words.

    Examples
    --------
    >>> import numpy as np
    >>> from skvec import WordVectors
    >>> wv = WordVectors(["king", "queen", "man", "woman"],
    ...                  np.array([[1.0, 1.0], [1.0, -1.0], [0.9, 1.1], [0.9, -0.9]]))
    >>> wv["queen"]
    array([ 1., -1.], dtype=float32)
    >>> "prince" in wv
    False
    >>> wv.most_similar(positive=["king", "woman"], negative=["man"], topn=1)[0][0]
    'queen'
    >>> round(wv.similarity("king", "man"), 3)
    0.995
    """

    def __init__(self, words, vectors):
        words = _as_words(words)
        self.vectors = _as_matrix(vectors, len(words), "vectors")
        self.words = words
        self.index = {word: row for row, word in enumerate(words)}
        self._unit = None

    # -- container protocol -------------------------------------------------

    @property
    def vector_size(self):
        """Number of dimensions.

        Examples
        --------
        >>> import numpy as np
        >>> from skvec import WordVectors
        >>> WordVectors(["a"], np.ones((1, 3))).vector_size
        3
        """
        return self.vectors.shape[1]

    @property
    def is_sparse(self):
        """Whether the vectors are the rows of a sparse matrix.

        Examples
        --------
        >>> import numpy as np, scipy.sparse as sp
        >>> from skvec import WordVectors
        >>> WordVectors(["a"], sp.csr_matrix(np.ones((1, 3)))).is_sparse
        True
        """
        return sp.issparse(self.vectors)

    @property
    def index_to_key(self):
        """The vocabulary in row order (gensim's name for :attr:`words`, the same list).

        Examples
        --------
        >>> import numpy as np
        >>> from skvec import WordVectors
        >>> WordVectors(["a", "b"], np.eye(2)).index_to_key
        ['a', 'b']
        """
        return self.words

    @property
    def key_to_index(self):
        """Word -> row (gensim's name for :attr:`index`, the same dict).

        Examples
        --------
        >>> import numpy as np
        >>> from skvec import WordVectors
        >>> WordVectors(["a", "b"], np.eye(2)).key_to_index
        {'a': 0, 'b': 1}
        """
        return self.index

    def __len__(self):
        return len(self.words)

    def __contains__(self, word):
        return isinstance(word, str) and word in self.index

    def __iter__(self):
        return iter(self.words)

    def __repr__(self):
        kind = "sparse " if self.is_sparse else ""
        return f"<WordVectors: {len(self)} words, {self.vector_size} {kind}dimensions>"

    def __getstate__(self):
        # The unit vectors are a cache: do not pickle them.
        state = self.__dict__.copy()
        state["_unit"] = None
        return state

    # -- lookups ------------------------------------------------------------------

    def get_index(self, key, default=None):
        """Row of ``key``: a word, or an integer row number (as in gensim).

        Parameters
        ----------
        key : str or int
        default : int, optional
            Returned when ``key`` has no row; without it, a missing key
            raises :class:`KeyError`.

        Returns
        -------
        int

        Examples
        --------
        >>> import numpy as np
        >>> from skvec import WordVectors
        >>> wv = WordVectors(["a", "b"], np.eye(2))
        >>> wv.get_index("b"), wv.get_index("zz", -1)
        (1, -1)
        """
        row = self.index.get(key, -1) if isinstance(key, str) else -1
        if row >= 0:
            return row
        if _is_index(key) and 0 <= key < len(self.words):
            return int(key)
        if default is not None:
            return default
        raise KeyError(f"word {short_repr(key)} is not in the vocabulary")

    def has_index_for(self, key):
        """Whether ``key`` (a word or a row number) has a row of its own.

        Unlike ``in``, a subclass that composes vectors for any word answers
        False here for a word outside the vocabulary.

        Examples
        --------
        >>> import numpy as np
        >>> from skvec import WordVectors
        >>> wv = WordVectors(["a", "b"], np.eye(2))
        >>> wv.has_index_for("a"), wv.has_index_for("c")
        (True, False)
        """
        return self.get_index(key, -1) >= 0

    def missing_vector(self, word):
        """The vector of a word outside the vocabulary: here, a :class:`KeyError`.

        Every lookup of a missing word goes through this method, so a
        subclass that composes vectors for any string (from character
        n-grams) overrides it and every query accepts such words.

        Raises
        ------
        KeyError
            Naming the word.

        Examples
        --------
        >>> import numpy as np
        >>> from skvec import WordVectors
        >>> WordVectors(["a"], np.ones((1, 2))).missing_vector("b")
        Traceback (most recent call last):
        ...
        KeyError: "word 'b' is not in the vocabulary"
        """
        raise KeyError(f"word {short_repr(word)} is not in the vocabulary")

    def get_vector(self, key, norm=False):
        """The vector of ``key`` (a word or a row number), scaled to unit length when ``norm``.

        Examples
        --------
        >>> import numpy as np
        >>> from skvec import WordVectors
        >>> wv = WordVectors(["a", "b"], np.array([[3.0, 4.0], [1.0, 0.0]]))
        >>> wv.get_vector("a", norm=True)
        array([0.6, 0.8], dtype=float32)
        """
        row = self.get_index(key, -1) if isinstance(key, (str, numbers.Integral)) else -1
        if row < 0:
            if not isinstance(key, str):
                raise KeyError(f"word {short_repr(key)} is not in the vocabulary")
            vector = as_vector(self.missing_vector(key), self.vector_size, "the vector of a missing word")
            if norm:
                length = np.linalg.norm(vector)
                vector = vector / length if length > 0 else vector
            return vector.astype(np.float32, copy=False)
        matrix = self.unit_vectors if norm else self.vectors
        return matrix[row].toarray().ravel() if self.is_sparse else matrix[row]

    def __getitem__(self, key):
        """Return the vector of ``key`` (a 1-d float32 array, dense even for sparse vectors).

        A list of keys gives a 2-d array, one row per key.

        Raises
        ------
        KeyError
            If a word is not in the vocabulary; the message names it.

        Examples
        --------
        >>> import numpy as np
        >>> from skvec import WordVectors
        >>> wv = WordVectors(["a", "b"], np.array([[1.0, 2.0], [3.0, 4.0]]))
        >>> wv["b"], wv[["b", "a"]].shape
        (array([3., 4.], dtype=float32), (2, 2))
        """
        if isinstance(key, (str, numbers.Integral)):
            return self.get_vector(key)
        keys = list(key)
        rows = [self.get_index(k, -1) if isinstance(k, (str, numbers.Integral)) else -1 for k in keys]
        if not keys:
            return np.empty((0, self.vector_size), dtype=np.float32)
        if min(rows) < 0:  # a missing word: through get_vector, so that a subclass can compose it
            return np.vstack([self.get_vector(k) for k in keys])
        picked = self.vectors[rows]
        return picked.toarray() if self.is_sparse else picked

    @property
    def unit_vectors(self):
        """The vectors scaled to unit length (computed once, then kept; zero rows stay zero).

        Examples
        --------
        >>> import numpy as np
        >>> from skvec import WordVectors
        >>> WordVectors(["a"], np.array([[0.0, 2.0]])).unit_vectors
        array([[0., 1.]], dtype=float32)
        """
        if self._unit is None:
            unit = unit_rows(self.vectors)
            if not sp.issparse(unit):
                unit.setflags(write=False)  # a shared cache: no one may change it in place
            self._unit = unit
        return self._unit

    def get_normed_vectors(self):
        """All vectors scaled to unit length, one row per word (gensim's name for :attr:`unit_vectors`).

        Computed once and kept; no ``fill_norms`` call is needed.

        Examples
        --------
        >>> import numpy as np
        >>> from skvec import WordVectors
        >>> WordVectors(["a", "b"], np.array([[3.0, 4.0], [0.0, 2.0]])).get_normed_vectors()
        array([[0.6, 0.8],
               [0. , 1. ]], dtype=float32)
        """
        return self.unit_vectors

    def vectors_for_all(self, keys, allow_inference=True):
        """New :class:`WordVectors` with the vectors of ``keys`` (distinct, in order).

        Keys without a vector are left out; with ``allow_inference``, a
        subclass that composes vectors for missing words includes them.

        Examples
        --------
        >>> import numpy as np
        >>> from skvec import WordVectors
        >>> wv = WordVectors(["a", "b", "c"], np.eye(3))
        >>> wv.vectors_for_all(["c", "zz", "a", "c"]).words
        ['c', 'a']
        """
        if isinstance(keys, str):
            raise TypeError("keys must be a list of words, not a single string.")
        # A row number stands for its word.
        words = [key if isinstance(key, str) else self.words[self.get_index(key, 0)] for key in keys
                 if isinstance(key, str) or self.has_index_for(key)]
        words = [word for word in dict.fromkeys(words) if word in self.index or (allow_inference and word in self)]
        vectors = self[words] if words else np.empty((0, self.vector_size), dtype=np.float32)
        return WordVectors(words, vectors)

    # -- adding vectors -------------------------------------------------------------

    def add_vectors(self, keys, weights, replace=False):
        """Append words and their vectors; a word already present keeps its vector unless ``replace``.

        Parameters
        ----------
        keys : str or list of str
            New (or existing) words, distinct.
        weights : array-like of shape (n_keys, vector_size), or (vector_size,) for one word
        replace : bool, default=False
            Whether the vectors of words already present are overwritten.

        Examples
        --------
        >>> import numpy as np
        >>> from skvec import WordVectors
        >>> wv = WordVectors(["a"], np.array([[1.0, 0.0]]))
        >>> wv.add_vectors(["b", "a"], [[0.0, 1.0], [5.0, 5.0]])
        >>> wv.words, wv["a"]
        (['a', 'b'], array([1., 0.], dtype=float32))
        """
        if isinstance(keys, str):
            keys, weights = [keys], np.asarray(weights).reshape(1, -1)
        keys = _as_words(keys, "keys")
        weights = _as_matrix(weights, len(keys), "weights")
        if sp.issparse(weights):
            weights = weights.toarray()
        if weights.shape[1] != self.vector_size:
            raise ValueError(f"weights has {weights.shape[1]} columns; the vectors have {self.vector_size}.")
        present = np.array([key in self.index for key in keys], dtype=bool)
        new_rows = weights[~present]
        if self.is_sparse:
            matrix = sp.vstack([self.vectors, sp.csr_matrix(new_rows)], format="csr", dtype=np.float32)
        else:
            matrix = np.concatenate([self.vectors, new_rows])
        if replace and present.any():
            rows = [self.index[key] for key, known in zip(keys, present) if known]
            if self.is_sparse:
                matrix = matrix.tolil()
                matrix[rows] = weights[present]
                matrix = matrix.tocsr()
            else:
                matrix[rows] = weights[present]
        for key in (key for key, known in zip(keys, present) if not known):
            self.index[key] = len(self.words)
            self.words.append(key)
        self.vectors = matrix
        self._unit = None

    def add_vector(self, key, vector):
        """Add one word and its vector (kept as it is if the word is present); return its row.

        Examples
        --------
        >>> import numpy as np
        >>> from skvec import WordVectors
        >>> wv = WordVectors(["a"], np.array([[1.0, 0.0]]))
        >>> wv.add_vector("b", np.array([0.0, 1.0]))
        1
        """
        self.add_vectors([key], np.asarray(vector).reshape(1, -1))
        return self.index[key]

    def __setitem__(self, keys, weights):
        """Set the vectors of words, adding the new ones (``add_vectors(..., replace=True)``).

        Examples
        --------
        >>> import numpy as np
        >>> from skvec import WordVectors
        >>> wv = WordVectors(["a"], np.array([[1.0, 0.0]]))
        >>> wv["a"] = np.array([0.0, 5.0])
        >>> wv["a"]
        array([0., 5.], dtype=float32)
        """
        if isinstance(keys, str):
            keys, weights = [keys], np.asarray(weights).reshape(1, -1)
        self.add_vectors(keys, weights, replace=True)

    # -- files --------------------------------------------------------------------

    def save_word2vec_format(self, path, binary=False, *, write_header=True):
        """Write the vectors in the word2vec text or binary format.

        The header line is ``"n_words vector_size"``.  In the text format
        every following line is the word and its values separated by spaces
        (9 significant digits, enough to read back the same float32).  In the
        binary format every word is followed by a space, ``vector_size``
        little-endian float32 values and a newline, as the C tool writes it.
        Both load in gensim's ``KeyedVectors.load_word2vec_format``.  A path
        ending in ``.gz``, ``.bz2`` or ``.xz`` is written compressed.

        Sparse vectors are written densified one row at a time (memory stays
        small, but the file holds ``n_words * vector_size`` values).

        Parameters
        ----------
        path : str or path-like
        binary : bool, default=False
        write_header : bool, default=True
            ``False`` writes a headerless text file, as GloVe's tools do.

        Examples
        --------
        >>> import numpy as np, os, tempfile
        >>> from skvec import WordVectors
        >>> wv = WordVectors(["a", "b"], np.array([[0.5, 1.0], [2.0, -1.0]]))
        >>> path = os.path.join(tempfile.mkdtemp(), "vectors.txt")
        >>> wv.save_word2vec_format(path)
        >>> print(open(path).read())
        2 2
        a 0.5 1
        b 2 -1
        <BLANKLINE>
        >>> WordVectors.load_word2vec_format(path)["b"]
        array([ 2., -1.], dtype=float32)
        """
        write_vectors(path, self.words, self.vectors, binary=binary, write_header=write_header)

    @classmethod
    def load_word2vec_format(
        cls, path, binary=None, *, no_header=None, limit=None, encoding="utf-8", unicode_errors="strict"
    ):
        """Read vectors in the word2vec text or binary format, headerless text (GloVe) or fastText ``.vec``.

        Reads the files of gensim's ``KeyedVectors.save_word2vec_format``,
        of the word2vec C tool (with or without a newline after each binary
        vector), of fastText (``.vec``: text with a trailing space on each
        line) and of GloVe (text without a header line). gzip, bzip2 and xz
        files are recognised by their content. A repeated word keeps its
        first vector, with a warning.

        The header is checked against the data: a file with fewer or more
        vectors than its header announces, a header that is not two
        non-negative counts, text read as binary or binary read as text all
        raise a :class:`ValueError` naming the file, the line and what to do.
        Memory is allocated for what the file can hold, never for what the
        header claims.

        Parameters
        ----------
        path : str or path-like
        binary : bool or None, default=None
            ``None`` detects the format by content: binary unless the line
            after the header is a word and ``vector_size`` numbers (a file
            without a header is text).  ``True`` or ``False`` insists on one.
            A skvec model file or a fastText ``.bin`` raises a
            :class:`ValueError` pointing to :func:`skvec.load_vectors`.
        no_header : bool or None, default=None
            ``None`` detects a header line (two integers); ``True`` reads
            the first line as a vector; ``False`` requires a header.
        limit : int or None, default=None
            Read only the first ``limit`` vectors.
        encoding : str, default="utf-8"
        unicode_errors : str, default="strict"
            How undecodable bytes in words are handled (see :func:`bytes.decode`).

        Returns
        -------
        WordVectors

        Examples
        --------
        >>> import numpy as np, os, tempfile
        >>> from skvec import WordVectors
        >>> path = os.path.join(tempfile.mkdtemp(), "vectors.bin")
        >>> WordVectors(["x", "y"], np.eye(2)).save_word2vec_format(path, binary=True)
        >>> WordVectors.load_word2vec_format(path).words
        ['x', 'y']
        """
        limit = check_int(limit, "limit", min_val=0, allow_none=True)
        if no_header not in (None, True, False):
            raise TypeError(f"no_header must be None, True or False, got {no_header!r}.")
        binary = None if binary is None else bool(binary)
        words, vectors = read_vectors(path, binary, no_header, limit, encoding, unicode_errors)
        keep = {}
        for row, word in enumerate(words):
            if word in keep:
                warnings.warn(f"Repeated word {word!r} in {os.fspath(path)!r}; keeping its first vector.")
            else:
                keep[word] = row
        if len(keep) != len(words):
            rows = np.fromiter(keep.values(), dtype=np.int64, count=len(keep))
            words, vectors = list(keep), vectors[rows]
        return cls(words, vectors)

    def save(self, path):
        """Write the words and vectors to a file that :meth:`load` can memory-map.

        The file is an uncompressed NumPy ``.npz`` archive (read with
        ``numpy.load(path, allow_pickle=False)``), format
        ``"skvec-word-vectors"`` version 1:

        - ``meta``: a JSON string with ``format``, ``version``, ``n_words``,
          ``vector_size`` and ``sparse``;
        - ``words_utf8`` (uint8) and ``word_offsets`` (int64): word ``i`` is
          ``words_utf8[word_offsets[i]:word_offsets[i + 1]]`` in UTF-8;
        - ``vectors`` (float32, n_words x vector_size), stored as it lies
          in memory so that it can be mapped; for sparse vectors instead
          ``sparse_data`` (float32), ``sparse_indices`` (int32) and
          ``sparse_indptr`` (int64), the CSR arrays.

        The file is written to a temporary file next to ``path`` and moved
        over it when complete: a failed save leaves a previous file as it
        was.  A reader refuses a version newer than it knows.

        Parameters
        ----------
        path : str or path-like
            Written as given (no suffix is added).

        Examples
        --------
        >>> import numpy as np, os, tempfile
        >>> from skvec import WordVectors
        >>> path = os.path.join(tempfile.mkdtemp(), "vectors.npz")
        >>> WordVectors(["a", "b"], np.eye(2)).save(path)
        >>> mapped = WordVectors.load(path, mmap="r")
        >>> isinstance(mapped.vectors, np.memmap), mapped.vectors.flags.writeable
        (True, False)
        >>> mapped["b"]
        memmap([0., 1.], dtype=float32)
        """
        meta = {"format": WORD_VECTORS_FORMAT, "version": WORD_VECTORS_VERSION, "n_words": len(self),
                "vector_size": self.vector_size, "sparse": self.is_sparse}
        if self.is_sparse:
            arrays = {"sparse_data": self.vectors.data.astype(np.float32, copy=False),
                      "sparse_indices": self.vectors.indices.astype(np.int32, copy=False),
                      "sparse_indptr": self.vectors.indptr.astype(np.int64, copy=False)}
        else:
            arrays = {"vectors": self.vectors}
        write_archive(path, meta, self.words, arrays)

    @classmethod
    def load(cls, path, mmap=None):
        """Read a file written by :meth:`save`, optionally memory-mapped.

        Parameters
        ----------
        path : str or path-like
        mmap : {None, "r", "c"}, default=None
            ``None`` reads the vectors into memory (and checks that they are
            finite).  ``"r"`` maps them read-only from the file where they
            lie: nothing is read until used, and processes mapping one file
            share a single copy in the page cache.  ``"c"`` maps them
            copy-on-write (changes stay in this process).  Mapped values are
            not checked for NaN.

        Returns
        -------
        WordVectors

        Raises
        ------
        ValueError
            Naming the file, for anything that is not a complete, consistent
            vector file of a version this skvec reads.

        Examples
        --------
        >>> import numpy as np, os, tempfile
        >>> from skvec import WordVectors
        >>> path = os.path.join(tempfile.mkdtemp(), "vectors.npz")
        >>> WordVectors(["a", "b"], np.eye(2)).save(path)
        >>> WordVectors.load(path).words
        ['a', 'b']
        """
        meta, words, arrays = read_archive(path, {WORD_VECTORS_FORMAT: WORD_VECTORS_VERSION}, mmap=mmap)
        vectors = _vectors_from_archive(path, meta, len(words), arrays)
        if mmap and not sp.issparse(vectors):
            return trusted_word_vectors(cls, words, vectors)
        return cls(words, vectors)

    # -- gensim -------------------------------------------------------------------

    @classmethod
    def from_gensim(cls, keyed_vectors):
        """Word vectors of a gensim ``KeyedVectors`` or model (its ``wv``), sharing its array.

        A gensim ``FastTextKeyedVectors`` (or ``FastText`` model) gives
        :class:`SubwordVectors` holding its n-gram matrix, so that words
        outside the vocabulary get the vectors gensim gives them.

        Parameters
        ----------
        keyed_vectors : gensim KeyedVectors, or a model with ``wv``
            Anything with ``index_to_key`` and ``vectors``.

        Returns
        -------
        WordVectors

        Examples
        --------
        >>> import numpy as np
        >>> from gensim.models import KeyedVectors
        >>> from skvec import WordVectors
        >>> kv = KeyedVectors(2)
        >>> kv.add_vectors(["a", "b"], np.eye(2, dtype=np.float32))
        >>> WordVectors.from_gensim(kv).words
        ['a', 'b']
        """
        words, vectors = words_and_vectors(keyed_vectors)
        parts = subword_parts(keyed_vectors)
        if parts is None:
            return cls(words, vectors)
        # A gensim FastText model: keep its n-grams, so that unseen words get vectors.
        subword_class = cls if hasattr(cls, "from_input_vectors") else SUBWORD_CLASS["class"]
        ngram_vectors, min_n, max_n = parts
        return subword_class(words, vectors, ngram_vectors, min_n=min_n, max_n=max_n)

    def to_gensim(self):
        """A gensim ``KeyedVectors`` holding a copy of these vectors (gensim must be installed).

        Sparse vectors are densified.

        Examples
        --------
        >>> import numpy as np
        >>> from skvec import WordVectors
        >>> kv = WordVectors(["a", "b"], np.eye(2)).to_gensim()
        >>> kv.index_to_key, kv.most_similar("a", topn=1)[0][0]
        (['a', 'b'], 'b')
        """
        return make_gensim_keyed_vectors(self.words, self.vectors)

    # -- evaluation (skvec.metrics, with gensim's call shape) ---------------------------

    def evaluate_word_analogies(
        self, analogies=None, restrict_vocab=300000, case_insensitive=True, dummy4unknown=False,
        similarity_function="most_similar",
    ):
        """Analogy accuracy, called as gensim's ``evaluate_word_analogies``.

        Delegates to :func:`skvec.analogy_accuracy` (batched on matrices).

        Parameters
        ----------
        analogies : path, dict, list or None, default=None
            Questions in ``questions-words.txt`` format (a path) or as
            :func:`~skvec.analogy_accuracy` takes them; ``None``: the bundled
            Google analogies.
        restrict_vocab : int, default=300000
            Candidates and questions are limited to the first words.
        case_insensitive : bool, default=True
        dummy4unknown : bool, default=False
            Count questions with unknown words as wrong instead of skipping them.
        similarity_function : {"most_similar", "most_similar_cosmul"}, default="most_similar"
            3CosAdd or 3CosMul.

        Returns
        -------
        score : float
            The overall accuracy.
        result : AnalogyResult
            Per-section counts (where gensim returns lists of questions).

        Examples
        --------
        >>> import numpy as np
        >>> from skvec import WordVectors
        >>> wv = WordVectors(["king", "queen", "man", "woman"],
        ...                  np.array([[1.0, 1.0], [1.0, -1.0], [0.9, 1.1], [0.9, -0.9]]))
        >>> score, result = wv.evaluate_word_analogies([("man", "woman", "king", "queen")])
        >>> score
        1.0
        """
        methods = {"most_similar": "3cosadd", "most_similar_cosmul": "3cosmul"}
        if similarity_function not in methods:
            raise ValueError(
                f"similarity_function must be one of {sorted(methods)}, got {similarity_function!r}."
            )
        result = score_analogies(
            self, analogies, method=methods[similarity_function], restrict_vocab=restrict_vocab,
            case_insensitive=case_insensitive, oov="wrong" if dummy4unknown else "skip",
        )
        return result.accuracy, result

    def evaluate_word_pairs(
        self, pairs, delimiter=None, encoding="utf-8", restrict_vocab=300000, case_insensitive=True,
        dummy4unknown=False,
    ):
        """Correlation with human similarity scores, called as gensim's ``evaluate_word_pairs``.

        Delegates to :func:`skvec.word_similarity`.

        Parameters
        ----------
        pairs : path or iterable of (str, str, float)
            A ``word1 word2 score`` file or the pairs.
        delimiter : str or None, default=None
            The file's field separator; ``None`` (gensim: a tab) reads tab-
            and space-separated files.
        encoding : str, default="utf-8"
        restrict_vocab : int, default=300000
        case_insensitive : bool, default=True
        dummy4unknown : bool, default=False
            Count pairs with an unknown word with a similarity of 0 instead of
            leaving them out.

        Returns
        -------
        pearson : tuple of (float, float)
            Pearson correlation and its p-value.
        spearman : tuple of (float, float)
            Spearman correlation and its p-value.
        oov_ratio : float
            Percentage of pairs with a word outside the vocabulary.

        Examples
        --------
        >>> import numpy as np
        >>> from skvec import WordVectors
        >>> wv = WordVectors(["cat", "dog", "car"], np.array([[1.0, 0.1], [0.9, 0.3], [0.0, 1.0]]))
        >>> pearson, spearman, oov_ratio = wv.evaluate_word_pairs(
        ...     [("cat", "dog", 8.0), ("cat", "car", 1.0), ("dog", "car", 2.0), ("cat", "unicorn", 3.0)])
        >>> round(spearman[0], 3), oov_ratio
        (1.0, 25.0)
        """
        from ..datasets import read_word_pairs

        if isinstance(pairs, (str, os.PathLike)):
            pairs = read_word_pairs(pairs, delimiter=delimiter, encoding=encoding)
        result = score_word_pairs(
            self, pairs, restrict_vocab=restrict_vocab, case_insensitive=case_insensitive,
            oov="zero" if dummy4unknown else "skip",
        )
        return (
            (result["pearson"], result["pearson_pvalue"]),
            (result["spearman"], result["spearman_pvalue"]),
            100.0 * (1.0 - result["coverage"]),
        )


def lookup_word(vectors, word, case_sensitive=False):
    """The vocabulary word that stands for ``word`` (as ``skvec similar`` uses it).

    The word itself when it is a vocabulary word; otherwise, unless
    ``case_sensitive``, the most frequent vocabulary word equal to it up to
    case (the same rule as the case-insensitive evaluation); otherwise the
    word itself if the vectors compose one for it (subword vectors, from
    its character n-grams); ``None`` when there is none.

    Parameters
    ----------
    vectors : WordVectors or SubwordVectors
        The vectors to look in.
    word : str
        The word asked for.
    case_sensitive : bool, default=False
        Match the word exactly, not up to case.

    Returns
    -------
    str or None
        The word whose vector stands for ``word``.

    Examples
    --------
    >>> import numpy as np
    >>> from skvec import WordVectors
    >>> from skvec.vectors import lookup_word
    >>> vectors = WordVectors(["paris", "France", "france"], np.eye(3))
    >>> lookup_word(vectors, "Paris"), lookup_word(vectors, "FRANCE"), lookup_word(vectors, "Paris", True)
    ('paris', 'France', None)
    """
    # Vocabulary membership first (SubwordVectors give a vector to any string,
    # but a vocabulary word equal up to case is the better answer).
    if vectors.has_index_for(word):
        return word
    if not case_sensitive:
        folded = word.lower()
        match = next((w for w in vectors.words if w.lower() == folded), None)
        if match is not None:
            return match
    return word if word in vectors else None
