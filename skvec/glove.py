"""GloVe word vectors fitted on a co-occurrence matrix."""

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils.validation import check_non_negative, validate_data

from ._training.glove import GloVeSettings, parameter_stride, train_glove
from ._validation import (
    N_JOBS,
    NON_NEGATIVE_REAL,
    POSITIVE_INT,
    POSITIVE_REAL,
    VERBOSE,
    StrOptions,
    check_fits_in_memory,
)

__all__ = ["GloVeEmbedder"]

_LOG_CHUNK = 1 << 20


def _entries(X, sort=False):
    """Row, column (int32) and log value (float32) of the positive entries of X.

    They come in the matrix's row order; with ``sort`` the columns of each
    row are in increasing order too, whatever the order stored in ``X``.
    """
    X = X.tocsr()
    if sort and not X.has_sorted_indices:
        X = X.sorted_indices()
    n_rows = X.shape[0]
    counts = np.diff(X.indptr)
    rows = np.repeat(np.arange(n_rows, dtype=np.int32), counts)
    cols = X.indices.astype(np.int32, copy=True)
    # The log is taken in float64 whatever the input type, so float32 and
    # float64 copies of a matrix give the same fit; in chunks, to stay small.
    logx = np.empty(len(X.data), dtype=np.float32)
    with np.errstate(divide="ignore"):
        for start in range(0, len(logx), _LOG_CHUNK):
            chunk = X.data[start : start + _LOG_CHUNK]
            logx[start : start + _LOG_CHUNK] = np.log(chunk.astype(np.float64))
    positive = X.data > 0
    if not positive.all():
        rows, cols, logx = rows[positive], cols[positive], logx[positive]
    return rows, cols, logx


class GloVeEmbedder(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """GloVe word vectors fitted on a word x context co-occurrence matrix.

    Minimizes the weighted least squares of GloVe (Pennington et al., 2014)
    over the non-zero entries ``X_ij`` of the matrix,

    ``sum f(X_ij) (w_i . w~_j + b_i + b~_j - log X_ij) ** 2``,
    with ``f(x) = min(1, (x / x_max) ** alpha)``,

    by AdaGrad as the Stanford GloVe tool does it: squared-gradient
    accumulators start at 1, each gradient component is clipped to
    ``[-grad_clip, grad_clip]`` and scaled by ``learning_rate`` before it
    enters its accumulator, and the bias steps are plain AdaGrad steps (the
    tool applies no learning rate to them). Vectors and biases start uniform
    in ``[-0.5, 0.5) / n_components``.

    Each epoch visits the non-zeros in a new random order: they are shuffled
    once, then every epoch goes through blocks of them in a random order,
    reshuffling each block just before visiting it. With ``order="rows"``
    the non-zeros stay in the matrix's row order instead (the blocks, runs
    of consecutive entries in that order, are still visited in a new random
    order each epoch), which makes an epoch faster (see ``order``). Threads
    update the parameters without locks (Hogwild, as the C tool), so a fit
    with more than one thread is not exactly reproducible; with
    ``n_jobs=1`` and a fixed ``random_state`` it is bit-for-bit, in either
    order.

    The model is an embedder: it learns one vector per row of the matrix it
    is fitted on and has no ``transform``; ``fit_transform`` returns
    ``embedding_``. Put it after :class:`~skvec.CooccurrenceVectorizer` in a
    pipeline, so that ``Pipeline(memory=...)`` counts the corpus once for a
    whole grid over GloVe's settings.

    Parameters
    ----------
    n_components : int, default=100
        Dimension of the vectors.
    x_max : float, default=100
        Counts at or above ``x_max`` get the full weight 1.
    alpha : float, default=0.75
        Exponent of the weighting function.
    learning_rate : float, default=0.05
        Initial AdaGrad step size of the vectors.
    max_iter : int, default=25
        Number of epochs (passes over the non-zeros).
    grad_clip : float, default=100.0
        Bound on the magnitude of each gradient component of the vectors.
    vectors : {"word+context", "word"}, default="word+context"
        ``embedding_`` is ``W + W~`` (needs a square matrix, rows and columns
        in the same order) or ``W`` alone.
    tol : float or None, default=None
        Stop early once an epoch lowers the cost by less than ``tol`` times
        the previous epoch's cost; ``None`` runs all ``max_iter`` epochs.
    order : {"shuffled", "rows"}, default="shuffled"
        Order in which an epoch visits the non-zeros, in blocks of 16,384
        whose order is drawn anew every epoch. ``"shuffled"``: entries
        shuffled once and each block reshuffled before every visit, close to
        the C tool's fully shuffled file. ``"rows"``: entries in the
        matrix's row order (consecutive entries share their word), which
        reuses the word's parameters from the cache: on wiki17m an epoch
        took about 0.6 of the time, for the same analogy accuracy after 15
        epochs and a word-similarity correlation up to 0.01 lower (see the
        Performance page of the user guide).
    n_jobs : int, default=None
        Training threads; ``None`` uses all of Numba's threads, ``-1`` too.
    random_state : int, RandomState instance or None, default=None
        Seeds the initial vectors and the visiting orders.
    verbose : int, default=0
        How much progress is logged (logger ``skvec.glove``; shown on stderr
        when the application configured no logging): 0 nothing; 1 the
        problem size, the memory estimate and one line per epoch (cost,
        entries/s, time left); 2 also up to 10 lines per epoch.

    Attributes
    ----------
    embedding_ : ndarray of float32, shape (n_words, n_components)
        Word vectors: ``word_embedding_ + context_embedding_`` or
        ``word_embedding_``.
    word_embedding_ : ndarray of float32, shape (n_words, n_components)
        ``W``, the vectors of the rows.
    context_embedding_ : ndarray of float32, shape (n_contexts, n_components)
        ``W~``, the vectors of the columns.
    word_bias_ : ndarray of float32, shape (n_words,)
        Biases of the rows.
    context_bias_ : ndarray of float32, shape (n_contexts,)
        Biases of the columns.
    loss_curve_ : list of float
        Cost of each epoch: the mean over the non-zeros of
        ``0.5 f(X_ij) (w_i . w~_j + b_i + b~_j - log X_ij) ** 2``, summed
        during the epoch, as the GloVe tool prints it.
    n_iter_ : int
        Epochs run.
    n_features_in_ : int
        Number of columns of the matrix.

    See Also
    --------
    skvec.CooccurrenceVectorizer : The co-occurrence matrix of a corpus.
    skvec.SVDEmbedder : Vectors from a truncated SVD (e.g. of SPPMI).

    Notes
    -----
    Training diverges only with settings far from the defaults; each epoch's
    parameters and cost are checked, and a non-finite value raises a
    ``ValueError`` asking for a lower ``learning_rate`` instead of returning
    NaN vectors.

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from skvec import CooccurrenceVectorizer, GloVeEmbedder
    >>> docs = ["the cat sat on the mat", "the dog sat on the log"] * 20
    >>> model = make_pipeline(
    ...     CooccurrenceVectorizer(window=2, min_count=1),
    ...     GloVeEmbedder(n_components=4, x_max=10, max_iter=10, random_state=0),
    ... )
    >>> vectors = model.fit_transform(docs)
    >>> vectors.shape
    (7, 4)
    >>> glove = model[-1]
    >>> bool(glove.loss_curve_[-1] < glove.loss_curve_[0])
    True
    """

    _parameter_constraints = {
        "n_components": [POSITIVE_INT],
        "x_max": [POSITIVE_REAL],
        "alpha": [NON_NEGATIVE_REAL],
        "learning_rate": [POSITIVE_REAL],
        "max_iter": [POSITIVE_INT],
        "grad_clip": [POSITIVE_REAL],
        "vectors": [StrOptions({"word+context", "word"})],
        "tol": [NON_NEGATIVE_REAL, None],
        "order": [StrOptions({"shuffled", "rows"})],
        "n_jobs": N_JOBS,
        "random_state": ["random_state"],
        "verbose": VERBOSE,
    }

    def __init__(
        self,
        n_components=100,
        *,
        x_max=100,
        alpha=0.75,
        learning_rate=0.05,
        max_iter=25,
        grad_clip=100.0,
        vectors="word+context",
        tol=None,
        order="shuffled",
        n_jobs=None,
        random_state=None,
        verbose=0,
    ):
        self.n_components = n_components
        self.x_max = x_max
        self.alpha = alpha
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.grad_clip = grad_clip
        self.vectors = vectors
        self.tol = tol
        self.order = order
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.input_tags.positive_only = True
        # word + context vectors need rows and columns to be the same words:
        # a square matrix, which scikit-learn calls pairwise.
        tags.input_tags.pairwise = self.vectors == "word+context"
        tags.transformer_tags.preserves_dtype = ["float32"]
        return tags

    def _check_params(self):
        """Validate the parameters; return them as plain Python numbers in a ``GloVeSettings``."""
        self._validate_params()
        return GloVeSettings(
            n_components=int(self.n_components),
            x_max=float(self.x_max),
            alpha=float(self.alpha),
            learning_rate=float(self.learning_rate),
            max_iter=int(self.max_iter),
            grad_clip=float(self.grad_clip),
            vectors=self.vectors,
            tol=None if self.tol is None else float(self.tol),
            verbose=int(self.verbose),
            order=self.order,
        )

    def fit(self, X, y=None):
        """Fit the word and context vectors to the co-occurrence matrix ``X``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_words, n_contexts)
            Non-negative co-occurrence counts; only the positive entries
            enter the cost. Square, rows and columns in the same word order,
            unless ``vectors="word"``.
        y : None
            Ignored.

        Returns
        -------
        self : GloVeEmbedder
            The fitted embedder.
        """
        params = self._check_params()
        X = validate_data(
            self,
            X,
            accept_sparse=("csr", "csc", "coo"),
            dtype=(np.float32, np.float64),
            reset=True,
        )
        # scikit-learn's wording for negative input, which its checks expect.
        check_non_negative(X, "GloVeEmbedder (X must be a co-occurrence matrix)")
        n_rows, n_cols = X.shape
        if params.vectors == "word+context" and n_rows != n_cols:
            raise ValueError(
                f"vectors='word+context' adds each word's context vector, so X must be square "
                f"(rows and columns the same words); got shape {X.shape}. Use vectors='word' "
                "for a rectangular matrix."
            )
        stride = parameter_stride(params.n_components)
        check_fits_in_memory(
            {"parameters": 8 * stride * (n_rows + n_cols), "entries": 12 * (X.nnz if sp.issparse(X) else X.size)},
            f"lower n_components (now {self.n_components!r})",
        )
        if not sp.issparse(X):
            X = sp.csr_matrix(X)
        rows, cols, logx = _entries(X, sort=params.order == "rows")
        del X
        if len(rows) == 0:
            raise ValueError(
                "X has no positive entry; GloVe fits the logarithm of the non-zero co-occurrence counts."
            )
        self._train(rows, cols, logx, n_rows, n_cols, params)
        return self

    def fit_transform(self, X, y=None):
        """Fit the vectors to ``X`` and return ``embedding_``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_words, n_contexts)
            Non-negative co-occurrence counts.
        y : None
            Ignored.

        Returns
        -------
        embedding : ndarray of float32, shape (n_words, n_components)
            The word vectors, ``embedding_``.
        """
        return self.fit(X).embedding_

    def _train(self, rows, cols, logx, n_rows, n_cols, params):
        result = train_glove(
            rows, cols, logx, (n_rows, n_cols), params, n_jobs=self.n_jobs, random_state=self.random_state
        )
        self.loss_curve_ = result.loss_curve
        self.n_iter_ = len(result.loss_curve)
        self.word_embedding_ = result.word_vectors
        self.word_bias_ = result.word_bias
        self.context_embedding_ = result.context_vectors
        self.context_bias_ = result.context_bias
        if params.vectors == "word+context":
            self.embedding_ = self.word_embedding_ + self.context_embedding_
        else:
            self.embedding_ = self.word_embedding_.copy()

    @property
    def _n_features_out(self):
        return self.embedding_.shape[1]
