"""Truncated SVD of a word x context matrix into word vectors ``U S^p``."""

import logging
from numbers import Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils.extmath import svd_flip
from sklearn.utils.validation import check_is_fitted, validate_data

from ._progress import Progress
from ._training.svd import MatrixOperator, arpack_svd, binary_exponent, check_magnitude, randomized_svd, scaled
from ._validation import (
    N_JOBS,
    NON_NEGATIVE_INT,
    NON_NEGATIVE_REAL,
    POSITIVE_INT,
    VERBOSE,
    Interval,
    StrOptions,
)

__all__ = ["SVDEmbedder"]

_LOGGER = logging.getLogger("skvec.svd")


class SVDEmbedder(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Word vectors from a truncated SVD of a word x context matrix.

    With the truncated SVD ``X ~ U S V^T`` of rank ``n_components``, each row
    (word) of ``X`` gets the vector ``U S^eig`` (Levy, Goldberg and Dagan,
    2015).  ``eig=1`` is what :class:`~sklearn.decomposition.TruncatedSVD`
    returns, ``eig=0`` keeps only the singular vectors, and the default
    ``eig=0.5`` splits the singular values symmetrically between words and
    contexts, which works best on word similarity and analogy tasks.

    With ``add_context=True`` the context vector of the same word,
    ``V S^eig``, is added ("w + c"); this needs a square matrix whose rows and
    columns are the same vocabulary, as :class:`~skvec.CooccurrenceVectorizer`
    and :class:`~skvec.SPPMITransformer` produce.

    Parameters
    ----------
    n_components : int, default=100
        Dimension of the vectors; must be smaller than both dimensions of the
        matrix.
    eig : float, default=0.5
        Exponent ``p`` of the singular values in ``U S^p``; non-negative.
    add_context : bool, default=False
        Return ``U S^p + V S^p`` instead of ``U S^p``.
    algorithm : {"randomized", "arpack"}, default="randomized"
        ``"randomized"``: randomized subspace iteration (Halko et al. 2011)
        with the sparse products on ``n_jobs`` threads; fast, and accurate
        enough for word vectors with the default ``n_iter``.
        ``"arpack"``: scipy's ARPACK Lanczos solver, accurate to ``tol`` but
        several times slower on a large vocabulary.
    n_iter : int, default=5
        Power iterations of the randomized solver.  Each costs two sparse
        products; more iterations sharpen the trailing components.
    n_oversamples : int, default=20
        Extra random directions of the randomized solver.
    tol : float, default=0.0
        Convergence tolerance of ARPACK, in ``[0, 1)`` (0 means machine
        precision).
    random_state : int, RandomState instance or None, default=None
        Seed of the random start; an int makes the result reproducible.
    n_jobs : int or None, default=None
        Threads for the sparse products (``None``: all of Numba's threads).
        The product of each row is summed by one thread in a fixed order, so
        results do not depend on ``n_jobs``.
    verbose : int, default=0
        Progress through ``logging`` (logger ``skvec.svd``; shown on stderr
        when the application configured no logging): 1 a line per stage, 2
        also one per power iteration.

    Attributes
    ----------
    embedding_ : ndarray of shape (n_samples, n_components)
        The word vectors of the fitted matrix, equal to ``transform(X)``.
    components_ : ndarray of shape (n_components, n_features)
        Right singular vectors ``V^T``, rows sorted by singular value.
    singular_values_ : ndarray of shape (n_components,)
        Singular values, descending.
    n_features_in_ : int
        Number of columns seen in :meth:`fit`.
    feature_names_in_ : ndarray of str, shape (n_features_in_,)
        Column names, when ``X`` had string column names.

    See Also
    --------
    SPPMITransformer : The matrix usually factorized.
    sklearn.decomposition.TruncatedSVD : ``eig=1`` without the context option.

    Notes
    -----
    As in :class:`~sklearn.decomposition.TruncatedSVD`, the vectors are
    computed as ``X V S^(eig - 1)``, which is ``U S^eig`` for an exact SVD
    and keeps ``transform(X)`` equal to ``fit_transform(X)`` for the
    approximate one.  For the context part, row ``i`` of the matrix must be
    the word of column ``i``; :meth:`transform` therefore only accepts a
    square matrix when ``add_context=True``.  Components with a zero singular
    value (zero up to rounding) are set to zero.  Signs are fixed (:func:`~sklearn.utils.extmath.svd_flip`
    on ``V``), so a fixed ``random_state`` gives identical vectors.

    float32 input is factorized in float32 (half the memory and time of
    float64); other input in float64.

    References
    ----------
    N. Halko, P.-G. Martinsson and J. A. Tropp (2011). Finding structure with
    randomness. SIAM Review 53(2).

    O. Levy, Y. Goldberg and I. Dagan (2015). Improving distributional
    similarity with lessons learned from word embeddings. TACL 3.

    Examples
    --------
    >>> import numpy as np
    >>> from skvec import SVDEmbedder
    >>> rng = np.random.default_rng(0)
    >>> X = rng.poisson(1.0, size=(50, 50)).astype(np.float64)
    >>> svd = SVDEmbedder(n_components=5, random_state=0)
    >>> vectors = svd.fit_transform(X)
    >>> vectors.shape
    (50, 5)
    >>> bool(np.all(np.diff(svd.singular_values_) <= 0))
    True
    """

    _parameter_constraints = {
        "n_components": [POSITIVE_INT],
        "eig": [NON_NEGATIVE_REAL],
        "add_context": ["boolean"],
        "algorithm": [StrOptions({"randomized", "arpack"})],
        "n_iter": [NON_NEGATIVE_INT],
        "n_oversamples": [NON_NEGATIVE_INT],
        # A relative accuracy: 1 or more asks for nothing (and overflows ARPACK).
        "tol": [Interval(Real, 0, 1, closed="left")],
        "random_state": ["random_state"],
        "n_jobs": N_JOBS,
        "verbose": VERBOSE,
    }

    def __init__(
        self,
        n_components=100,
        *,
        eig=0.5,
        add_context=False,
        algorithm="randomized",
        n_iter=5,
        n_oversamples=20,
        tol=0.0,
        random_state=None,
        n_jobs=None,
        verbose=0,
    ):
        self.n_components = n_components
        self.eig = eig
        self.add_context = add_context
        self.algorithm = algorithm
        self.n_iter = n_iter
        self.n_oversamples = n_oversamples
        self.tol = tol
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.verbose = verbose

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        # The context part needs rows and columns to be the same words: a
        # square matrix, which scikit-learn calls pairwise.
        tags.input_tags.pairwise = bool(self.add_context)
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags

    def fit(self, X, y=None):
        """Compute the truncated SVD of ``X``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The matrix, e.g. the SPPMI of a co-occurrence matrix.
        y : None
            Ignored.

        Returns
        -------
        self : SVDEmbedder
            The fitted embedder.
        """
        self.fit_transform(X)
        return self

    def fit_transform(self, X, y=None):
        """Compute the truncated SVD of ``X`` and return the word vectors.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The matrix, e.g. the SPPMI of a co-occurrence matrix.
        y : None
            Ignored.

        Returns
        -------
        embedding : ndarray of shape (n_samples, n_components)
            ``U S^eig`` (plus ``V S^eig`` with ``add_context``), the fitted
            ``embedding_``.
        """
        self._validate_params()
        X = validate_data(
            self,
            X,
            accept_sparse=("csr", "csc", "coo"),
            dtype=(np.float64, np.float32),
            ensure_min_samples=2,
            ensure_min_features=2,
            reset=True,
        )
        n_samples, n_features = X.shape
        if self.n_components >= min(n_samples, n_features):
            raise ValueError(
                f"n_components={self.n_components} must be smaller than both dimensions of X "
                f"(shape {X.shape}): at most {min(n_samples, n_features) - 1}."
            )
        if not (X.count_nonzero() if sp.issparse(X) else np.count_nonzero(X)):
            raise ValueError(
                "X has no non-zero entry: its singular values are all zero, so there is nothing to "
                "factorize into word vectors."
            )
        if self.add_context and n_samples != n_features:
            raise ValueError(
                f"add_context=True needs a square matrix (rows and columns the same words), got shape {X.shape}."
            )
        progress = Progress(self.n_iter, desc="SVD", verbose=self.verbose, unit="iterations", logger=_LOGGER)
        exponent = binary_exponent(X)
        X_work = scaled(X, exponent)
        operator = MatrixOperator(X_work, self.n_jobs)
        if self.algorithm == "randomized":
            U, S, Vt = randomized_svd(
                operator, self.n_components, self.n_oversamples, self.n_iter, self.random_state, progress
            )
        else:
            progress.message(f"ARPACK, {self.n_components} components of a {X.shape[0]} x {X.shape[1]} matrix")
            U, S, Vt = arpack_svd(X_work, self.n_components, self.tol, self.random_state)
        S = np.ldexp(S.astype(np.float64), exponent)
        if S.max(initial=0.0) > np.finfo(X.dtype).max:
            raise ValueError(
                f"The singular values of X (largest {S.max():.4g}) exceed the range of {X.dtype}; "
                "pass X as float64 or divide it by a constant (word vectors keep their directions)."
            )
        check_magnitude(S, self.eig, X.dtype)
        U, Vt = svd_flip(U, Vt, u_based_decision=False)
        self.components_ = np.ascontiguousarray(Vt, dtype=X.dtype)
        self.singular_values_ = S.astype(X.dtype)
        self.embedding_ = self._embed(operator, X.shape[0], exponent)
        progress.message(f"done in {progress.elapsed():.1f}s")
        return self.embedding_

    def _scales(self):
        S = self.singular_values_.astype(np.float64)
        # Singular values at rounding level are zero (as numpy's matrix_rank
        # decides); dividing by them would blow noise up into the vectors.
        eps = np.finfo(self.singular_values_.dtype).eps
        positive = S > S.max(initial=0.0) * eps * self.n_features_in_
        word_scale = np.zeros_like(S)
        word_scale[positive] = S[positive] ** (float(self.eig) - 1.0)
        context_scale = np.where(positive, S ** float(self.eig), 0.0)
        return word_scale, context_scale.astype(self.components_.dtype)

    def _embed(self, operator, n_samples, exponent=0):
        """``X V S^(eig - 1)`` for the operator of ``X / 2**exponent``."""
        word_scale, context_scale = self._scales()
        vectors = operator.matmat(self.components_.T)
        vectors *= np.ldexp(word_scale, exponent).astype(vectors.dtype)
        if self.add_context:
            if n_samples != self.n_features_in_:
                raise ValueError(
                    "add_context=True: transform needs a square matrix whose rows are the fitted "
                    f"vocabulary ({self.n_features_in_} rows), got {n_samples} rows."
                )
            vectors += self.components_.T * context_scale
        if not np.isfinite(vectors).all():
            raise ValueError(
                f"The vectors overflow {vectors.dtype} with eig={self.eig!r}: the singular values raised to "
                "eig exceed its range. Use a smaller eig, or float64 input."
            )
        return vectors

    def transform(self, X):
        """Word vectors of the rows of ``X``: ``X V S^(eig - 1)``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Rows in the column space seen in :meth:`fit`.  With
            ``add_context=True``, a square matrix over the fitted vocabulary.

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_components)
            The vectors; ``transform`` of the fitted matrix is ``embedding_``.
        """
        check_is_fitted(self)
        X = validate_data(
            self, X, accept_sparse=("csr", "csc", "coo"), dtype=(np.float64, np.float32), reset=False
        )
        X = X.astype(self.components_.dtype, copy=False)
        exponent = binary_exponent(X)
        return self._embed(MatrixOperator(scaled(X, exponent), self.n_jobs), X.shape[0], exponent)

    @property
    def _n_features_out(self):
        return self.components_.shape[0]
