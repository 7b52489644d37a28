"""Shifted positive pointwise mutual information (SPPMI) of a co-occurrence matrix."""

from numbers import Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted, check_non_negative, validate_data

from ._validation import POSITIVE_REAL, Interval, check_nonnegative_finite

__all__ = ["SPPMITransformer"]


class SPPMITransformer(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Shifted positive PMI with context-distribution smoothing.

    Turns a word x context co-occurrence matrix ``X`` (e.g. the output of
    :class:`~skvec.CooccurrenceVectorizer`) into

    .. math::

        \\mathrm{SPPMI}(w, c) = \\max\\left(\\log \\frac{P(c \\mid w)}{P_\\alpha(c)}
        - \\log k,\\ 0\\right),
        \\quad P(c \\mid w) = \\frac{X_{wc}}{\\sum_{c'} X_{wc'}},
        \\quad P_\\alpha(c) = \\frac{n_c^\\alpha}{\\sum_{c'} n_{c'}^\\alpha},

    where ``n_c`` is the total count of context ``c`` (a column sum of the
    matrix seen in :meth:`fit`), ``k`` is ``shift`` and ``alpha`` is
    ``context_smoothing`` (Levy, Goldberg and Dagan, 2015).  This is the usual
    ``log(P(w, c) / (P(w) P_alpha(c)))``: the corpus size cancels.

    :meth:`fit` learns only the smoothed context distribution ``P_alpha``
    (one number per column).  :meth:`transform` applies it to any matrix with
    the same columns, taking ``P(c | w)`` from each row of that matrix, so a
    row's output depends on that row alone and ``fit_transform(X)`` equals
    ``fit(X).transform(X)``.

    Entries that are zero in the input, or whose shifted PMI is not positive,
    are absent from the output (no explicit zeros are stored).  So are entries
    in columns whose total count was zero in :meth:`fit` (their PMI is
    undefined) and all entries of rows that sum to zero.

    Parameters
    ----------
    shift : float, default=1
        The ``k`` of ``log k``, the number of negative samples of the
        word2vec model that SPPMI mirrors; must be positive.  ``1`` gives the
        positive PMI; larger values keep only stronger associations.
    context_smoothing : float, default=0.75
        Exponent ``alpha`` applied to the context counts, in ``[0, 1]``.
        ``0.75`` follows word2vec's negative-sampling distribution and damps
        the very high PMI of rare contexts; ``1.0`` turns smoothing off.

    Attributes
    ----------
    context_distribution_ : ndarray of float64, shape (n_features,)
        The smoothed context distribution ``P_alpha`` (sums to one).
    n_features_in_ : int
        Number of columns seen in :meth:`fit`.
    feature_names_in_ : ndarray of str, shape (n_features_in_,)
        Column names, when ``X`` had string column names.

    See Also
    --------
    CooccurrenceVectorizer : Counts the co-occurrence matrix this transforms.
    SVDEmbedder : Factorizes the SPPMI matrix into word vectors.

    Notes
    -----
    Input may be dense or sparse; sparse input gives CSR output, dense input
    dense output.  float32 input stays float32, any other input becomes
    float64.  The input must be non-negative and finite and must contain at
    least one positive entry.

    References
    ----------
    O. Levy and Y. Goldberg (2014). Neural word embedding as implicit matrix
    factorization. NIPS.

    O. Levy, Y. Goldberg and I. Dagan (2015). Improving distributional
    similarity with lessons learned from word embeddings. TACL 3.

    Examples
    --------
    >>> import numpy as np
    >>> import scipy.sparse as sp
    >>> from skvec import SPPMITransformer
    >>> counts = sp.csr_matrix(np.array([[0, 4, 1], [4, 0, 2], [1, 2, 0]], dtype=np.float32))
    >>> sppmi = SPPMITransformer(shift=1, context_smoothing=1.0).fit(counts)
    >>> sppmi.transform(counts).toarray().round(3)
    array([[0.   , 0.624, 0.   ],
           [0.624, 0.   , 0.442],
           [0.   , 0.442, 0.   ]], dtype=float32)
    """

    _parameter_constraints = {
        "shift": [POSITIVE_REAL],
        "context_smoothing": [Interval(Real, 0, 1, closed="both")],
    }

    def __init__(self, shift=1, context_smoothing=0.75):
        self.shift = shift
        self.context_smoothing = context_smoothing

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.input_tags.positive_only = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags

    def _validate_matrix(self, X, reset):
        X = validate_data(
            self,
            X,
            accept_sparse=("csr", "csc", "coo"),
            dtype=(np.float64, np.float32),
            ensure_all_finite=False,  # checked below, with a message about counts
            reset=reset,
        )
        # scikit-learn's wording for negative input, then the finiteness check.
        check_non_negative(X, "SPPMITransformer (X must hold co-occurrence counts)")
        check_nonnegative_finite(X, "X")
        if sp.issparse(X):
            X = X.tocsr()
            if not X.has_canonical_format:
                # Duplicate entries must be summed before taking logs.
                X = X.copy()
                X.sum_duplicates()
        return X

    def fit(self, X, y=None):
        """Learn the smoothed context distribution of ``X``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_words, n_contexts)
            Non-negative co-occurrence counts (or weights).
        y : None
            Ignored.

        Returns
        -------
        self : SPPMITransformer
            The fitted transformer.
        """
        self._validate_params()
        alpha = float(self.context_smoothing)
        X = self._validate_matrix(X, reset=True)
        column_totals = np.asarray(X.sum(axis=0, dtype=np.float64)).ravel()
        if not column_totals.sum() > 0:
            raise ValueError("X has no positive entry; SPPMI needs at least one non-zero co-occurrence count.")
        smoothed = np.zeros_like(column_totals)
        seen = column_totals > 0
        # 0 ** 0 would be 1: unseen contexts must keep probability zero.
        smoothed[seen] = column_totals[seen] ** alpha
        self.context_distribution_ = smoothed / smoothed.sum()
        return self

    def transform(self, X):
        """Compute the SPPMI of ``X`` with the fitted context distribution.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_words, n_contexts)
            Non-negative co-occurrence counts with the columns seen in
            :meth:`fit`.

        Returns
        -------
        X_new : {ndarray, CSR matrix} of shape (n_words, n_contexts)
            The SPPMI values, CSR without explicit zeros for sparse input.
        """
        check_is_fitted(self)
        X = self._validate_matrix(X, reset=False)
        log_shift = np.log(float(self.shift))
        seen = self.context_distribution_ > 0
        # Unseen contexts get an infinite offset, so their entries are never kept.
        log_context = np.full(self.n_features_in_, np.inf)
        log_context[seen] = np.log(self.context_distribution_[seen])
        if sp.issparse(X):
            return _sppmi_csr(X, log_context, log_shift)
        return _sppmi_dense(X, log_context, log_shift)


def _sppmi_csr(X, log_context, log_shift):
    dtype = X.dtype
    row_totals = np.asarray(X.sum(axis=1, dtype=np.float64)).ravel()
    with np.errstate(divide="ignore"):
        # -log(row total) - log k per row; empty rows have no entries to use it.
        row_offset = (-np.log(row_totals) - log_shift).astype(dtype)
    with np.errstate(divide="ignore"):
        values = np.log(X.data)  # explicit zeros give -inf and are dropped below
    values -= log_context[X.indices].astype(dtype)
    values += np.repeat(row_offset, np.diff(X.indptr))
    keep = values > 0
    kept_before = np.zeros(len(keep) + 1, dtype=X.indptr.dtype)
    np.cumsum(keep, out=kept_before[1:])
    indptr = kept_before[X.indptr]
    return sp.csr_matrix((values[keep], X.indices[keep], indptr), shape=X.shape)


def _sppmi_dense(X, log_context, log_shift):
    row_totals = X.sum(axis=1, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        values = np.log(X) - np.log(row_totals)[:, None].astype(X.dtype)
        values -= (log_context + log_shift).astype(X.dtype)
    # NaN (empty rows) and -inf (zero counts) compare False and become zero.
    return np.where(values > 0, values, 0).astype(X.dtype, copy=False)
