"""Word vectors as a value object, and their extraction from fitted models.

:class:`WordVectors` pairs a vocabulary with one vector per word (dense, or
the rows of a sparse matrix such as an SPPMI matrix), answers similarity
queries and reads and writes the word2vec text and binary formats.
:func:`get_word_vectors` turns any fitted word-plane model into one.
"""

import os
import warnings
from collections.abc import Mapping

import numpy as np
import scipy.sparse as sp

from ._io import open_file
from ._validation import check_int

__all__ = ["WordVectors", "get_word_vectors"]


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
    """
    norms = _row_norms(vectors)
    scale = np.zeros_like(norms)
    np.divide(1.0, norms, out=scale, where=norms > 0)
    if sp.issparse(vectors):
        unit = sp.csr_matrix(sp.diags(scale.astype(np.float32)) @ vectors, dtype=np.float32)
        unit.sort_indices()
        return unit
    return (vectors * scale[:, None].astype(np.float32)).astype(np.float32, copy=False)


class WordVectors:
    """A vocabulary with one vector per word.

    A value object: it holds ``words`` and ``vectors`` and answers lookups,
    cosine similarities and nearest-neighbour queries.  It reads and writes
    the word2vec text and binary formats used by gensim and the original C
    tools.

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
        The vocabulary, row order.
    vectors : ndarray of float32 or scipy.sparse.csr_matrix
        The vectors, one row per word.
    index : dict
        Word -> row.
    vector_size : int
        Number of dimensions.

    See Also
    --------
    get_word_vectors : Extract the vectors of a fitted model.
    skvec.analogy_accuracy : Evaluate vectors on analogy questions.

    Notes
    -----
    :meth:`most_similar` follows gensim's ``KeyedVectors.most_similar``: the
    query is the mean of the unit vectors of the positive words minus those
    of the negative words, candidates are ranked by cosine similarity and the
    query words themselves are left out.  Unit vectors are computed on first
    use and kept.

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
        if isinstance(words, (str, bytes)) or not hasattr(words, "__iter__"):
            raise TypeError(f"words must be a sequence of str, got {type(words).__name__}.")
        words = list(words)
        for word in words:
            if not isinstance(word, str):
                raise TypeError(f"words must be strings, got {word!r} ({type(word).__name__}).")
        index = {word: row for row, word in enumerate(words)}
        if len(index) != len(words):
            seen = set()
            duplicate = next(w for w in words if w in seen or seen.add(w))
            raise ValueError(f"words must be distinct; {duplicate!r} occurs more than once.")
        if sp.issparse(vectors):
            vectors = sp.csr_matrix(vectors, dtype=np.float32)
            values = vectors.data
        else:
            vectors = np.ascontiguousarray(vectors, dtype=np.float32)
            values = vectors
        if vectors.ndim != 2:
            raise ValueError(f"vectors must be 2-dimensional (n_words, vector_size), got shape {vectors.shape}.")
        if vectors.shape[0] != len(words):
            raise ValueError(
                f"vectors has {vectors.shape[0]} rows but there are {len(words)} words; "
                "there must be one row per word."
            )
        if not np.all(np.isfinite(values)):
            raise ValueError("vectors contains NaN or infinite values.")
        self.words = words
        self.vectors = vectors
        self.index = index
        self._unit = None

    # -- container protocol -------------------------------------------------

    @property
    def vector_size(self):
        return self.vectors.shape[1]

    @property
    def is_sparse(self):
        """Whether the vectors are the rows of a sparse matrix."""
        return sp.issparse(self.vectors)

    def __len__(self):
        return len(self.words)

    def __contains__(self, word):
        return word in self.index

    def __iter__(self):
        return iter(self.words)

    def __repr__(self):
        kind = "sparse " if self.is_sparse else ""
        return f"<WordVectors: {len(self)} words, {self.vector_size} {kind}dimensions>"

    def _row(self, word):
        try:
            return self.index[word]
        except (KeyError, TypeError):
            raise KeyError(f"word {word!r} is not in the vocabulary") from None

    def __getitem__(self, word):
        """Return the vector of ``word`` (a 1-d float32 array, dense even for sparse vectors).

        A list of words gives a 2-d array, one row per word.

        Raises
        ------
        KeyError
            If a word is not in the vocabulary; the message names it.
        """
        if isinstance(word, list):
            rows = [self._row(w) for w in word]
            picked = self.vectors[rows]
            return picked.toarray() if self.is_sparse else picked
        row = self._row(word)
        if self.is_sparse:
            return self.vectors[row].toarray().ravel()
        return self.vectors[row]

    def get_vector(self, word, norm=False):
        """Return the vector of ``word``, scaled to unit length when ``norm``."""
        if not norm:
            return self[word]
        row = self._row(word)
        unit = self.unit_vectors
        return unit[row].toarray().ravel() if self.is_sparse else unit[row]

    @property
    def unit_vectors(self):
        """The vectors scaled to unit length (computed once, then kept)."""
        if self._unit is None:
            self._unit = unit_rows(self.vectors)
        return self._unit

    def __getstate__(self):
        # The unit vectors are a cache: do not pickle them.
        state = self.__dict__.copy()
        state["_unit"] = None
        return state

    # -- similarity -----------------------------------------------------------

    def similarity(self, word1, word2):
        """Cosine similarity of two words.

        Examples
        --------
        >>> import numpy as np
        >>> from skvec import WordVectors
        >>> wv = WordVectors(["a", "b"], np.array([[1.0, 0.0], [1.0, 1.0]]))
        >>> round(wv.similarity("a", "b"), 4)
        0.7071
        """
        v1 = self.get_vector(word1, norm=True)
        v2 = self.get_vector(word2, norm=True)
        return float(np.dot(v1.astype(np.float64), v2.astype(np.float64)))

    def _query(self, positive, negative):
        positive = [positive] if isinstance(positive, str) else list(positive or [])
        negative = [negative] if isinstance(negative, str) else list(negative or [])
        if not positive and not negative:
            raise ValueError("most_similar needs at least one word in positive or negative.")
        rows, weights = [], []
        for words, weight in ((positive, 1.0), (negative, -1.0)):
            for word in words:
                rows.append(self._row(word))
                weights.append(weight)
        unit = self.unit_vectors
        picked = unit[rows]
        if self.is_sparse:
            picked = picked.toarray()
        query = np.asarray(weights, dtype=np.float64) @ picked.astype(np.float64) / len(rows)
        norm = np.linalg.norm(query)
        if norm > 0:
            query /= norm
        return query.astype(np.float32), rows

    def most_similar(self, positive=None, negative=None, topn=10, restrict_vocab=None):
        """Words closest to the mean of the positive words minus the negative ones.

        With ``positive=[b, c], negative=[a]`` this answers the analogy
        ``a : b :: c : ?`` by 3CosAdd.

        Parameters
        ----------
        positive : str or list of str, optional
            Words that contribute positively.
        negative : str or list of str, optional
            Words that contribute negatively.
        topn : int or None, default=10
            Number of words to return; ``None`` returns every candidate,
            best first.
        restrict_vocab : int or None, default=None
            Only the first ``restrict_vocab`` words (the most frequent, for
            a vocabulary in frequency order) are candidates.

        Returns
        -------
        list of (str, float)
            Words and their cosine similarity to the query, best first,
            the query words excluded.

        Examples
        --------
        >>> import numpy as np
        >>> from skvec import WordVectors
        >>> wv = WordVectors(["a", "b", "c"], np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]]))
        >>> [word for word, _ in wv.most_similar("a")]
        ['b', 'c']
        """
        topn = check_int(topn, "topn", min_val=1, allow_none=True)
        restrict_vocab = check_int(restrict_vocab, "restrict_vocab", min_val=1, allow_none=True)
        query, rows = self._query(positive, negative)
        n_candidates = len(self) if restrict_vocab is None else min(restrict_vocab, len(self))
        candidates = self.unit_vectors[:n_candidates]
        scores = np.asarray(candidates @ query, dtype=np.float32).ravel()
        excluded = [row for row in set(rows) if row < n_candidates]
        scores[excluded] = -np.inf
        n_kept = n_candidates - len(excluded)
        n_best = n_kept if topn is None else min(topn, n_kept)
        if n_best <= 0:
            return []
        if n_best < n_candidates:
            best = np.argpartition(-scores, n_best - 1)[:n_best]
        else:
            best = np.arange(n_candidates)
        # Stable sort on (-score, row): ties keep vocabulary order.
        best = best[np.lexsort((best, -scores[best]))][:n_best]
        return [(self.words[row], float(scores[row])) for row in best]

    # -- word2vec formats -----------------------------------------------------

    def save_word2vec_format(self, path, binary=False):
        """Write the vectors in the word2vec text or binary format.

        The header line is ``"n_words vector_size"``.  In the text format
        every following line is the word and its values separated by spaces
        (9 significant digits, enough to read back the same float32).  In the
        binary format every word is followed by a space, ``vector_size``
        little-endian float32 values and a newline, as the C tool writes it.
        Both load in gensim's ``KeyedVectors.load_word2vec_format``.  A path
        ending in ``.gz`` is written gzip-compressed.

        Sparse vectors are written densified one row at a time (memory stays
        small, but the file holds ``n_words * vector_size`` values).

        Parameters
        ----------
        path : str or path-like
        binary : bool, default=False

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
        n_words, vector_size = self.vectors.shape
        for word in self.words:
            if not word or any(ch.isspace() for ch in word):
                raise ValueError(
                    f"Cannot write the word {word!r} in the word2vec format: words must be "
                    "non-empty and contain no whitespace."
                )
        sparse = self.is_sparse
        little_endian = np.dtype("<f4")
        with open_file(path, "wb") as out:
            out.write(f"{n_words} {vector_size}\n".encode("utf-8"))
            for row, word in enumerate(self.words):
                vector = self.vectors[row].toarray().ravel() if sparse else self.vectors[row]
                if binary:
                    out.write(word.encode("utf-8") + b" " + vector.astype(little_endian).tobytes() + b"\n")
                else:
                    values = " ".join(["%.9g" % value for value in vector.tolist()])
                    out.write(f"{word} {values}\n".encode("utf-8"))

    @classmethod
    def load_word2vec_format(cls, path, binary=False, *, limit=None, encoding="utf-8", unicode_errors="strict"):
        """Read vectors written in the word2vec text or binary format.

        Reads the files of gensim's ``KeyedVectors.save_word2vec_format``
        and of the C tools (with or without a newline after each binary
        vector, with or without a trailing space in text lines).  A path
        ending in ``.gz`` is read through gzip.  A repeated word keeps its
        first vector, with a warning.

        Parameters
        ----------
        path : str or path-like
        binary : bool, default=False
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
        >>> WordVectors.load_word2vec_format(path, binary=True).words
        ['x', 'y']
        """
        limit = check_int(limit, "limit", min_val=0, allow_none=True)
        with open_file(path, "rb") as f:
            header = f.readline()
            try:
                n_words, vector_size = (int(field) for field in header.split())
            except ValueError:
                raise ValueError(
                    f"{os.fspath(path)!r} does not start with a word2vec header line "
                    f"'<n_words> <vector_size>'; got {header[:80]!r}."
                ) from None
            if limit is not None:
                n_words = min(n_words, limit)
            if binary:
                words, vectors = _read_binary(f, n_words, vector_size, encoding, unicode_errors, path)
            else:
                words, vectors = _read_text(f, n_words, vector_size, encoding, unicode_errors, path)
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


def _read_text(f, n_words, vector_size, encoding, unicode_errors, path):
    words = []
    vectors = np.empty((n_words, vector_size), dtype=np.float32)
    for row in range(n_words):
        line = f.readline()
        if not line:
            raise ValueError(f"{os.fspath(path)!r} ends after {row} vectors; its header announces {n_words}.")
        word, _, values = line.rstrip().partition(b" ")
        vector = np.array(values.split(), dtype=np.float32)
        if vector.shape != (vector_size,):
            raise ValueError(
                f"Line {row + 2} of {os.fspath(path)!r} has {vector.size} values, expected {vector_size} "
                "(is this really the text format?)."
            )
        words.append(word.decode(encoding, unicode_errors))
        vectors[row] = vector
    return words, vectors


def _read_binary(f, n_words, vector_size, encoding, unicode_errors, path):
    words = []
    vectors = np.empty((n_words, vector_size), dtype=np.float32)
    n_bytes = 4 * vector_size
    little_endian = np.dtype("<f4")
    data = f.read()
    pos = 0
    for row in range(n_words):
        # Words may be preceded by the newline the C tool writes after each vector.
        while pos < len(data) and data[pos : pos + 1] in (b"\n", b"\r"):
            pos += 1
        space = data.find(b" ", pos)
        if space < 0 or space + 1 + n_bytes > len(data):
            raise ValueError(
                f"{os.fspath(path)!r} ends after {row} vectors; its header announces {n_words} "
                "(is this really the binary format?)."
            )
        words.append(data[pos:space].decode(encoding, unicode_errors))
        vectors[row] = np.frombuffer(data, dtype=little_endian, count=vector_size, offset=space + 1)
        pos = space + 1 + n_bytes
    return words, vectors


# -- extraction from fitted models ----------------------------------------------


def _words_from_vocabulary(vocabulary, owner):
    if not isinstance(vocabulary, Mapping):
        raise TypeError(f"{owner}.vocabulary_ must be a dict word -> row, got {type(vocabulary).__name__}.")
    words = [None] * len(vocabulary)
    for word, row in vocabulary.items():
        if not 0 <= row < len(words) or words[row] is not None:
            raise ValueError(f"{owner}.vocabulary_ does not map the words to distinct rows 0..{len(words) - 1}.")
        words[row] = word
    return words


def _is_pipeline(obj):
    # Not hasattr(obj, "transform"): a Pipeline ending with an embedder that has
    # no transform (GloVeEmbedder) hides its own transform.
    steps = getattr(obj, "steps", None)
    return isinstance(steps, list) and bool(steps) and hasattr(obj, "named_steps")


def get_word_vectors(fitted, X=None):
    """Return the word vectors of a fitted word-plane model.

    Parameters
    ----------
    fitted : estimator, Pipeline or WordVectors
        One of

        - a fitted estimator with ``vocabulary_`` (word -> row) and
          ``embedding_``, such as a fitted ``Word2VecEmbedder``;
        - a fitted :class:`~sklearn.pipeline.Pipeline` whose first step has
          ``vocabulary_`` and whose last step stores its output as
          ``embedding_`` (``SVDEmbedder``, ``GloVeEmbedder``);
        - a fitted Pipeline whose last step does not store its output
          (scikit-learn's ``TruncatedSVD``, ``SPPMITransformer``, whose
          sparse rows are vectors too): the rows are ``fitted.transform(X)``,
          so ``X``, the training corpus, is required;
        - a fitted estimator with a ``word_vectors_`` attribute
          (``EmbeddingVectorizer``), or a :class:`WordVectors`, returned as is.
    X : iterable of documents, optional
        The corpus the pipeline was fitted on; needed only when its last
        step does not store an embedding.

    Returns
    -------
    WordVectors

    Raises
    ------
    ValueError
        If ``X`` is needed but missing, or the number of rows does not match
        the vocabulary.
    TypeError
        If ``fitted`` is none of the above.

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from skvec import CooccurrenceVectorizer, SPPMITransformer, SVDEmbedder, get_word_vectors
    >>> docs = ["the cat sat on the mat", "the dog sat on the log"] * 20
    >>> model = make_pipeline(CooccurrenceVectorizer(window=2, min_count=1),
    ...                       SPPMITransformer(), SVDEmbedder(n_components=2, random_state=0))
    >>> wv = get_word_vectors(model.fit(docs))
    >>> wv.vector_size, "cat" in wv
    (2, True)
    """
    if isinstance(fitted, WordVectors):
        return fitted
    if isinstance(getattr(fitted, "word_vectors_", None), WordVectors):
        return fitted.word_vectors_
    if _is_pipeline(fitted):
        first = fitted.steps[0][1]
        last = fitted.steps[-1][1]
        if not hasattr(first, "vocabulary_"):
            raise TypeError(
                f"The first step of the pipeline ({type(first).__name__}) has no vocabulary_; "
                "is the pipeline fitted, and does it start with a word-plane step such as "
                "CooccurrenceVectorizer?"
            )
        words = _words_from_vocabulary(first.vocabulary_, type(first).__name__)
        if hasattr(last, "embedding_"):
            rows, source = last.embedding_, f"{type(last).__name__}.embedding_"
        else:
            if X is None:
                raise ValueError(
                    f"The last step of the pipeline ({type(last).__name__}) does not store the word "
                    "vectors it computed; pass the training corpus as X so they can be "
                    "recomputed with pipeline.transform(X)."
                )
            rows, source = fitted.transform(X), "pipeline.transform(X)"
    elif hasattr(fitted, "vocabulary_") and hasattr(fitted, "embedding_"):
        words = _words_from_vocabulary(fitted.vocabulary_, type(fitted).__name__)
        rows, source = fitted.embedding_, f"{type(fitted).__name__}.embedding_"
    else:
        raise TypeError(
            "get_word_vectors expects a fitted embedder (with vocabulary_ and embedding_), a fitted "
            "word-plane Pipeline, or WordVectors; got "
            f"{type(fitted).__name__}. Is it fitted?"
        )
    if rows.shape[0] != len(words):
        raise ValueError(
            f"{source} has {rows.shape[0]} rows but the vocabulary has {len(words)} words; "
            "the model was probably not fitted on this corpus."
        )
    return WordVectors(words, rows)
