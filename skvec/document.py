"""Document vectors pooled from the word vectors of any word model."""

import os

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import svds
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin, clone
from sklearn.preprocessing import normalize
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from ._corpus import (
    CorpusInputMixin,
    drop_unknown,
    encode_all_tokens,
    encode_with_vocabulary,
    tokenization_params,
)
from ._kernels.pooling import max_pool
from ._threads import numba_threads
from ._validation import N_JOBS, POSITIVE_REAL, HasMethods, StrOptions
from .subwords import SubwordVectors
from .vectors import WordVectors, get_word_vectors, load_vectors
from .vectors._extract import document_steps, pipeline_ends, unfrozen
from .vectors._gensim import keyed_vectors_of

_POOLINGS = ("mean", "sum", "max", "tfidf", "sif")
_NORMS = ("l2",)


def _is_word_vectors(model):
    """WordVectors, or a gensim KeyedVectors or model (converted by get_word_vectors)."""
    return isinstance(model, WordVectors) or keyed_vectors_of(model) is not None


def _vocabulary_step(model):
    """The fitted object holding the vocabulary: the model or its first step with one."""
    ends = pipeline_ends(model)
    return ends[0] if ends else unfrozen(model)


def _tokenization(model):
    """Tokenization parameters of a word model, defaults where it has none."""
    return tokenization_params(_vocabulary_step(model))


def _needs_corpus(model):
    """Whether the word vectors of ``model`` are computed from the corpus.

    A pipeline that ends in a transformer without ``embedding_`` (scikit-learn's
    ``TruncatedSVD``, ``SPPMITransformer``) gives its word rows only when the
    corpus is run through it again.
    """
    ends = pipeline_ends(model)
    return ends is not None and not hasattr(ends[1], "embedding_")


def _dense(matrix):
    # Sparse word vectors (the rows of an SPPMI matrix) pool into sparse rows;
    # document vectors are dense whatever the word vectors are.
    return matrix.toarray() if sp.issparse(matrix) else np.asarray(matrix)


def _first_singular_vector(matrix):
    """Unit right singular vector of the largest singular value (sign is irrelevant here)."""
    n_features = matrix.shape[1]
    if n_features <= 2000:
        gram = matrix.T.astype(np.float64) @ matrix.astype(np.float64)
        vector = np.linalg.eigh(gram)[1][:, -1]
    elif matrix.shape[0] < 3:
        vector = np.linalg.svd(matrix.astype(np.float64), full_matrices=False)[2][0]
    else:
        # Wide pooled rows (sparse SPPMI word vectors): a Gram matrix would be
        # n_features squared, so ask ARPACK for the one singular vector.
        vector = svds(matrix.astype(np.float64), k=1, random_state=0)[2][0]
    return vector.astype(matrix.dtype)


def _materialize(docs):
    """Keep a one-shot iterator (a generator) so it can be read several times."""
    if iter(docs) is docs:
        return list(docs)
    return docs


class EmbeddingVectorizer(CorpusInputMixin, ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Turn documents into vectors pooled from the word vectors of a word model.

    This is the document plane of skvec: each sample is a document. ``fit``
    trains (a clone of) any word model -- an embedder such as
    :class:`~skvec.Word2VecEmbedder` or a word-plane pipeline such as
    ``make_pipeline(CooccurrenceVectorizer(), SPPMITransformer(), SVDEmbedder())``
    -- on the documents, and ``transform`` pools the vectors of each
    document's words into one row. The result feeds any scikit-learn
    classifier, and a grid search reaches the word model's parameters through
    ``embedder__`` (e.g. ``embeddingvectorizer__embedder__window``).

    Documents are tokenized exactly as the word model tokenizes them (its
    ``lowercase``, ``token_pattern`` and ``tokenizer``); words outside its
    vocabulary are ignored, unless the word model has subword vectors (see
    ``use_subwords``).

    Parameters
    ----------
    embedder : estimator, WordVectors or gensim KeyedVectors
        The word model: an embedder, or a pipeline whose first step holds
        ``vocabulary_``. Anything :func:`~skvec.get_word_vectors` accepts.
        With ``prefit=True``, also a :class:`~skvec.WordVectors` (e.g. read
        from a word2vec file) or a gensim ``KeyedVectors`` or model (its
        ``wv``), or the path of any vector or model file (read with
        :func:`~skvec.load_vectors` at ``fit``), whose documents are then
        tokenized with the default ``lowercase=True`` and ``token_pattern``.
    pooling : {"mean", "sum", "max", "tfidf", "sif"}, default="mean"
        How the word vectors of a document are combined:

        - ``"mean"``: their average;
        - ``"sum"``: their sum;
        - ``"max"``: their element-wise maximum;
        - ``"tfidf"``: their average weighted by inverse document frequency,
          ``idf(w) = log((1 + n) / (1 + df(w))) + 1`` learned on the
          documents given to ``fit``;
        - ``"sif"``: smooth inverse frequency (Arora et al., 2017), the
          average weighted by ``sif_a / (sif_a + p(w))``, with ``p(w)`` the
          word's frequency in the word model's training corpus, then the
          projection on the first singular vector of the training documents'
          pooled vectors removed.
    norm : {"l2"} or None, default="l2"
        Scale each document vector to unit Euclidean length (after pooling);
        ``None`` keeps the pooled vectors as they are.
    standardize : bool, default=True
        Then center each column on its mean over the training documents and
        divide it by its standard deviation (both learned in ``fit``, as
        ``StandardScaler`` does; a constant column is only centered).  Pooled
        word vectors share a large common direction and, normalized, have
        entries of about ``1 / sqrt(n_features)``: a linear model at its
        default regularization (``LogisticRegression(C=1)``) then sees
        almost no signal, while standardized columns suit it without
        tuning.  A document with no known word is still a zero row: the
        average document.  False gives the pooled (and normalized) rows.
    prefit : bool, default=False
        If True, ``embedder`` is already fitted and used as it is; ``fit``
        only learns what the pooling needs (idf, SIF component). Cloning
        (as ``GridSearchCV`` and ``cross_val_score`` do) does not keep a
        model fitted: wrap it in ``sklearn.frozen.FrozenEstimator`` there.
    sif_a : float, default=1e-3
        The smoothing constant ``a`` of ``"sif"`` pooling (ignored otherwise).
    use_subwords : bool, default=True
        When the word model has subword vectors (a
        :class:`~skvec.FastTextEmbedder`, or a :class:`~skvec.SubwordVectors`
        with ``prefit=True``), a word outside its vocabulary contributes the
        mean of its character n-gram vectors instead of being ignored.  Such
        a word weighs as a word seen in no document with ``"tfidf"`` pooling
        (``idf = log(1 + n) + 1``) and as a word of frequency 0 with
        ``"sif"`` pooling.  No effect on other word models.
    n_jobs : int or None, default=None
        Threads for ``"max"`` pooling (``None``: all of Numba's). The other
        poolings are one sparse matrix product. The result does not depend
        on it. The word model has its own ``n_jobs``.

    Attributes
    ----------
    embedder_ : estimator
        The fitted word model (``embedder`` itself when ``prefit=True``).
    word_vectors_ : WordVectors
        Its word vectors.
    idf_ : ndarray of shape (n_words,)
        Inverse document frequency of each word (``"tfidf"`` pooling only).
    word_weights_ : ndarray of shape (n_words,)
        ``sif_a / (sif_a + p(w))`` for each word (``"sif"`` pooling only).
    sif_component_ : ndarray of shape (n_features,)
        Unit vector whose projection is removed (``"sif"`` pooling only).
    mean_ : ndarray of shape (n_features,)
        Column means of the training documents' vectors (``standardize=True``
        only).
    scale_ : ndarray of shape (n_features,)
        Column standard deviations, 1 where a column is constant
        (``standardize=True`` only).

    See Also
    --------
    get_word_vectors : The word vectors of a fitted word model.
    sklearn.feature_extraction.text.TfidfVectorizer : Sparse bag-of-words features.

    Notes
    -----
    A document with no word of the vocabulary becomes a zero row, never NaN.
    Sparse word vectors (a pipeline ending in ``SPPMITransformer``) give dense
    document vectors with one column per vocabulary word, which takes
    ``n_docs * n_words`` floats.
    With ``"sif"`` pooling the principal component is learned once, in ``fit``,
    and the same projection is removed from every document at ``transform``.

    References
    ----------
    S. Arora, Y. Liang and T. Ma. "A simple but tough-to-beat baseline for
    sentence embeddings." ICLR 2017.

    Examples
    --------
    >>> from skvec import EmbeddingVectorizer, Word2VecEmbedder
    >>> docs = ["the cat sat on the mat", "the dog sat on the log"] * 20
    >>> vectorizer = EmbeddingVectorizer(
    ...     Word2VecEmbedder(n_components=8, min_count=1, epochs=2, random_state=0, n_jobs=1))
    >>> X = vectorizer.fit_transform(docs)
    >>> X.shape
    (40, 8)
    >>> vectorizer.transform(["an unknown document"])
    array([[0., 0., 0., 0., 0., 0., 0., 0.]], dtype=float32)
    """

    _parameter_constraints = {
        "standardize": ["boolean"],
        # gensim's KeyedVectors and models are recognised by their methods (gensim is not imported).
        "embedder": [HasMethods("fit"), WordVectors, HasMethods(["get_vector", "most_similar"]),
                     HasMethods(["build_vocab", "train"]), str, os.PathLike],
        "pooling": [StrOptions(set(_POOLINGS))],
        "norm": [StrOptions(set(_NORMS)), None],
        "prefit": ["boolean"],
        "sif_a": [POSITIVE_REAL],
        "use_subwords": ["boolean"],
        "n_jobs": N_JOBS,
    }

    def __init__(
        self, embedder, *, pooling="mean", norm="l2", prefit=False, sif_a=1e-3, use_subwords=True, n_jobs=None,
        standardize=True,
    ):
        self.embedder = embedder
        self.pooling = pooling
        self.norm = norm
        self.standardize = standardize
        self.prefit = prefit
        self.sif_a = sif_a
        self.use_subwords = use_subwords
        self.n_jobs = n_jobs

    def _check_params(self):
        self._validate_params()
        if isinstance(self.embedder, (str, os.PathLike)) and not self.prefit:
            raise TypeError(f"embedder is a file path ({self.embedder!r}): pass prefit=True to use its vectors.")
        if not hasattr(self.embedder, "fit") and not self.prefit:
            raise TypeError(
                "embedder must be a word model (an embedder or a word-plane pipeline) "
                f"with a fit method, got {type(self.embedder).__name__}."
            )

    def fit(self, X, y=None):
        """Fit the word model on documents and learn the pooling statistics.

        Parameters
        ----------
        X : iterable of str or of sequences of str
            The documents.
        y : None
            Ignored.

        Returns
        -------
        self : EmbeddingVectorizer
            The fitted vectorizer.
        """
        self._fit(X)
        return self

    def fit_transform(self, X, y=None):
        """Fit, then return the document vectors of ``X``.

        Equivalent to ``fit(X).transform(X)`` but tokenizes ``X`` only once
        for the pooling.

        Parameters
        ----------
        X : iterable of str or of sequences of str
            The documents.
        y : None
            Ignored.

        Returns
        -------
        ndarray of shape (n_docs, n_features)
            The document vectors.
        """
        ids, offsets, extra = self._fit(X)
        return self._pool(ids, offsets, extra)

    def _fit(self, docs):
        self._check_params()
        docs = _materialize(docs)
        if self.prefit:
            word_vectors = self._prefit_word_vectors(self.embedder)
            # A file's vectors stand for the model they were read from.
            model = word_vectors if isinstance(self.embedder, (str, os.PathLike)) else self.embedder
        else:
            model = clone(self.embedder).fit(docs)
            # The corpus is used only by a pipeline whose last step does not store its rows.
            word_vectors = get_word_vectors(model, X=docs)
        self.embedder_ = model
        self.word_vectors_ = word_vectors
        self._tokenization = _tokenization(model)
        # The statistics of one pooling must not linger from an earlier fit
        # with another pooling.
        for name in ("idf_", "word_weights_", "sif_component_", "mean_", "scale_"):
            self.__dict__.pop(name, None)

        if self.pooling == "max" and sp.issparse(word_vectors.vectors):
            raise ValueError(
                "pooling='max' needs dense word vectors, but the word model gives sparse rows "
                f"({word_vectors.vectors.shape[1]} columns); end the pipeline with an SVD step "
                "or choose another pooling."
            )
        ids, offsets, extra = self._encode(docs)
        n_words = len(word_vectors.words)
        if self.pooling == "tfidf":
            n_docs = len(offsets) - 1
            rows = np.repeat(np.arange(n_docs, dtype=np.int64), np.diff(offsets))
            known = ids < n_words
            presence = sp.csr_matrix(
                (np.ones(int(known.sum()), dtype=np.int8), (rows[known], ids[known])), shape=(n_docs, n_words)
            )
            presence.sum_duplicates()
            doc_freq = np.diff(presence.tocsc().indptr)
            self.idf_ = np.log((1.0 + n_docs) / (1.0 + doc_freq)) + 1.0
            # Words outside the vocabulary (subword vectors only) weigh as unseen words.
            self._unseen_idf = float(np.log(1.0 + n_docs) + 1.0)
        elif self.pooling == "sif":
            counts = self._word_counts(model, ids[ids < n_words], n_words)
            total = counts.sum()
            probabilities = counts / total if total > 0 else np.zeros(n_words)
            a = float(self.sif_a)
            self.word_weights_ = a / (a + probabilities)
            pooled = self._weighted_average(ids, offsets, extra, self._weights(self.word_weights_, extra, 1.0))
            self.sif_component_ = _first_singular_vector(pooled)
        if self.standardize:
            self._learn_standardization(self._pool(ids, offsets, extra), np.diff(offsets) > 0)
        return ids, offsets, extra

    def _learn_standardization(self, pooled, known):
        """Column means and standard deviations of the training documents with a known word."""
        rows = pooled[known] if known.any() else pooled
        self.mean_ = rows.mean(axis=0)
        scale = rows.std(axis=0)
        scale[~(scale > np.finfo(scale.dtype).eps)] = 1.0
        self.scale_ = scale

    def _prefit_word_vectors(self, model):
        if isinstance(model, (str, os.PathLike)):
            return load_vectors(model)  # any vector or model file, its format found by content
        if _is_word_vectors(model):
            return get_word_vectors(model)
        try:
            check_is_fitted(_vocabulary_step(model))
        except NotFittedError:
            raise NotFittedError(
                f"prefit=True but the embedder {type(model).__name__} is not fitted. A clone of a "
                "fitted model is not fitted (GridSearchCV and cross_val_score clone their estimator); "
                "wrap the model in sklearn.frozen.FrozenEstimator to keep it fitted, or pass its "
                "WordVectors."
            ) from None
        if _needs_corpus(model):
            raise ValueError(
                f"prefit=True with a pipeline whose last step ({type(pipeline_ends(model)[1]).__name__}) "
                "does not store the word vectors: they can only be recomputed from the corpus the "
                "pipeline was fitted on. Pass get_word_vectors(pipeline, X=training_corpus) as the "
                "embedder, or end the pipeline with SVDEmbedder."
            )
        return get_word_vectors(model)

    def _word_counts(self, model, ids, n_words):
        """Counts of the word model's training corpus, aligned with the word vectors."""
        holder = _vocabulary_step(model)
        counts = getattr(holder, "word_counts_", None)
        vocabulary = getattr(holder, "vocabulary_", None)
        if counts is not None and vocabulary is not None:
            counts = np.asarray(counts, dtype=np.float64)
            rows = np.fromiter(
                (vocabulary[word] for word in self.word_vectors_.words), dtype=np.int64, count=n_words
            )
            return counts[rows]
        # A model that keeps no counts: count the documents given to fit.
        return np.bincount(ids, minlength=n_words).astype(np.float64)

    def _subwords_used(self):
        wv = self.word_vectors_
        return bool(self.use_subwords) and isinstance(wv, SubwordVectors) and wv.has_subwords

    def _encode(self, docs):
        """Token ids, document offsets and the vectors of the words outside the vocabulary.

        Without subword vectors, words outside the vocabulary are dropped and
        the extra vectors are None; with them, the words with an n-gram get
        ids after the vocabulary and their vectors are returned.
        """
        # Steps before the word model (a PhraseDetector) rewrite the documents first.
        for step in document_steps(self.embedder_):
            docs = step.transform(docs)
        wv = self.word_vectors_
        if not self._subwords_used():
            ids, offsets = encode_with_vocabulary(docs, wv.index, **self._tokenization)
            return ids, offsets, None
        index = dict(wv.index)
        ids, offsets = encode_all_tokens(docs, index, **self._tokenization)
        n_words = len(wv.index)
        new_words = list(index)[n_words:]
        if not new_words:
            return ids, offsets, None
        vectors, found = wv.vectors_for(new_words)
        # New words with an n-gram take ids after the vocabulary; the others are dropped.
        remap = np.concatenate([np.arange(n_words), np.full(len(new_words), -1)]).astype(np.int32)
        remap[n_words + np.flatnonzero(found)] = n_words + np.arange(int(found.sum()), dtype=np.int32)
        ids, offsets = drop_unknown(remap[ids], offsets)
        return ids, offsets, vectors[found]

    @staticmethod
    def _weights(word_weights, extra, unseen):
        """Per-row weights with ``unseen`` for the rows of words outside the vocabulary."""
        if extra is None or word_weights is None or not len(extra):
            return word_weights
        return np.concatenate([word_weights, np.full(len(extra), unseen)])

    def _vectors(self, extra=None):
        vectors = self.word_vectors_.vectors
        if extra is None or not len(extra):
            return vectors
        return np.vstack([vectors, extra.astype(vectors.dtype, copy=False)])

    def _weighted_average(self, ids, offsets, extra=None, word_weights=None):
        """Row d: sum of weight(w) * vector(w) over d's tokens, over its number of tokens.

        Built as one sparse (documents x words) matrix times the word vectors,
        so no Python code runs per token and repeated words add up.
        """
        vectors = self._vectors(extra)
        lengths = np.diff(offsets)
        n_docs = len(lengths)
        per_token = 1.0 / np.repeat(np.maximum(lengths, 1), lengths)
        if word_weights is not None:
            per_token = per_token * word_weights[ids]
        weights = sp.csr_matrix(
            (per_token.astype(vectors.dtype), ids, offsets), shape=(n_docs, vectors.shape[0])
        )
        return _dense(weights @ vectors)

    def _pool(self, ids, offsets, extra=None):
        vectors = self._vectors(extra)
        n_docs = len(offsets) - 1
        lengths = np.diff(offsets)
        if self.pooling == "max":
            pooled = np.zeros((n_docs, vectors.shape[1]), dtype=vectors.dtype)
            with numba_threads(self.n_jobs):
                max_pool(vectors, ids, offsets, pooled)
        elif self.pooling == "sum":
            weights = sp.csr_matrix(
                (np.ones(len(ids), dtype=vectors.dtype), ids, offsets), shape=(n_docs, vectors.shape[0])
            )
            pooled = _dense(weights @ vectors)
        elif self.pooling == "mean":
            pooled = self._weighted_average(ids, offsets, extra)
        elif self.pooling == "tfidf":
            token_idf = self._weights(self.idf_, extra, getattr(self, "_unseen_idf", 1.0))[ids]
            # Sum of the idf of each document's tokens, the denominator of the weighted mean.
            idf_sums = np.add.reduceat(token_idf, offsets[:-1][lengths > 0]) if len(ids) else np.zeros(0)
            denominators = np.ones(n_docs)
            denominators[lengths > 0] = idf_sums
            per_token = token_idf / np.repeat(denominators, lengths)
            weights = sp.csr_matrix(
                (per_token.astype(vectors.dtype), ids, offsets), shape=(n_docs, vectors.shape[0])
            )
            pooled = _dense(weights @ vectors)
        else:  # sif
            pooled = self._weighted_average(ids, offsets, extra, self._weights(self.word_weights_, extra, 1.0))
            component = self.sif_component_
            pooled = pooled - np.outer(pooled @ component, component)
        if self.norm is not None:
            pooled = normalize(pooled, norm=self.norm, copy=False)
        if self.standardize and hasattr(self, "mean_"):
            known = lengths > 0
            pooled = (pooled - self.mean_) / self.scale_
            # A document with no known word stays a zero row (the average document).
            pooled[~known] = 0
            pooled = pooled.astype(vectors.dtype, copy=False)
        return pooled

    def transform(self, X):
        """Return the pooled vector of each document.

        Parameters
        ----------
        X : iterable of str or of sequences of str
            The documents.

        Returns
        -------
        ndarray of shape (n_docs, n_features)
            One row per document; a document with no known word is a zero row.
        """
        check_is_fitted(self, "word_vectors_")
        ids, offsets, extra = self._encode(X)
        return self._pool(ids, offsets, extra)

    @property
    def _n_features_out(self):
        return self.word_vectors_.vectors.shape[1]
