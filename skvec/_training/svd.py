"""Solvers of the truncated SVD: a threaded linear operator, randomized and ARPACK SVDs, exact scaling.

``skvec.svd.SVDEmbedder`` validates its parameters and calls these; they take
arrays and settings and know nothing of scikit-learn's estimator API.
"""

import numpy as np
import scipy.linalg
import scipy.sparse as sp
from scipy.sparse.linalg import svds
from threadpoolctl import threadpool_limits

from .._kernels.spmm import balanced_row_chunks, chunk_count, csr_times_dense
from .._threads import effective_n_jobs, numba_threads
from .._validation import check_random_state


class MatrixOperator:
    """``A @ B`` and ``A.T @ B`` for dense blocks ``B``, on ``n_jobs`` threads.

    A sparse ``A`` is held as CSR together with the CSR of its transpose, so
    both products run row-parallel in the Numba kernel; a dense ``A`` uses
    BLAS.
    """

    def __init__(self, A, n_jobs):
        self.shape = A.shape
        self.dtype = A.dtype
        self.n_jobs = n_jobs
        self.sparse = sp.issparse(A)
        if self.sparse:
            self.n_chunks = chunk_count(effective_n_jobs(n_jobs))
            self._A = self._prepare(A.tocsr())
            self._At = self._prepare(A.T.tocsr())
        else:
            self._A = np.asarray(A)

    def _prepare(self, csr):
        indptr = csr.indptr.astype(np.int64, copy=False)
        bounds = balanced_row_chunks(indptr, self.n_chunks)
        return indptr, csr.indices, csr.data, bounds, csr.shape[0]

    def _product(self, parts, B):
        indptr, indices, data, bounds, n_rows = parts
        B = np.ascontiguousarray(B, dtype=self.dtype)
        out = np.empty((n_rows, B.shape[1]), dtype=self.dtype)
        with numba_threads(self.n_jobs):
            csr_times_dense(indptr, indices, data, B, bounds, out)
        return out

    def matmat(self, B):
        if self.sparse:
            return self._product(self._A, B)
        return self._A @ B.astype(self.dtype, copy=False)

    def rmatmat(self, B):
        if self.sparse:
            return self._product(self._At, B)
        return self._A.T @ B.astype(self.dtype, copy=False)


def _orthonormalize_lu(Y):
    # A cheap basis for power iterations (Halko et al. 2011, as scikit-learn
    # does): L of a pivoted LU spans the same space as Y, well conditioned.
    return scipy.linalg.lu(Y, permute_l=True, check_finite=False)[0]


def _orthonormalize_qr(Y):
    return scipy.linalg.qr(Y, mode="economic", check_finite=False)[0]


def _dense_threads():
    # The dense steps (LU, QR, the small SVD) run BLAS on one thread.  They
    # are a small share of the time, and multi-threaded OpenBLAS next to
    # other busy threads (Numba's, other processes') loses far more at its
    # barriers than the second core gains: 10x slower QRs were measured on a
    # loaded 2-core machine.
    return threadpool_limits(limits=1, user_api="blas")


def randomized_svd(operator, n_components, n_oversamples, n_iter, random_state, progress):
    """Truncated SVD by randomized subspace iteration (Halko et al. 2011).

    Returns ``(U, S, Vt)`` with the ``n_components`` largest singular values,
    in ``operator.dtype``.
    """
    n_rows, n_cols = operator.shape
    size = min(n_components + n_oversamples, n_rows, n_cols)
    rng = check_random_state(random_state)
    Q = rng.standard_normal(size=(n_cols, size)).astype(operator.dtype)
    for step in range(n_iter):
        Y = operator.matmat(Q)
        with _dense_threads():
            Y = _orthonormalize_lu(Y)
        Q = operator.rmatmat(Y)
        with _dense_threads():
            Q = _orthonormalize_lu(Q)
        progress.update(step + 1, stage="power iteration")
    Y = operator.matmat(Q)
    with _dense_threads():
        Q = _orthonormalize_qr(Y)
    B = operator.rmatmat(Q).T  # Q.T @ A, size x n_cols
    with _dense_threads():
        U_small, S, Vt = scipy.linalg.svd(B, full_matrices=False, check_finite=False, lapack_driver="gesdd")
        U = Q @ U_small[:, :n_components]
    return U, S[:n_components], Vt[:n_components]


def arpack_svd(A, n_components, tol, random_state):
    """Truncated SVD with ARPACK, largest singular values first."""
    rng = check_random_state(random_state)
    # A deterministic start vector (ARPACK picks a random one otherwise).
    v0 = rng.uniform(-1, 1, size=min(A.shape)).astype(A.dtype)
    U, S, Vt = svds(A, k=n_components, tol=tol, v0=v0, solver="arpack")
    order = np.argsort(S)[::-1]
    return U[:, order], S[order], Vt[order]


# Matrices whose largest entry is outside [2**-40, 2**40] are factorized
# divided by a power of two (exact), so that no product inside the solvers
# overflows or underflows; the singular values are scaled back.
_SAFE_EXPONENT = 40


def binary_exponent(X):
    """``k`` such that ``X / 2**k`` is safe to factorize (0 when ``X`` already is)."""
    data = X.data if sp.issparse(X) else X
    largest = float(np.max(np.abs(data), initial=0.0))
    if largest == 0.0 or 2.0**-_SAFE_EXPONENT <= largest <= 2.0**_SAFE_EXPONENT:
        return 0
    return int(np.frexp(largest)[1])


def scaled(X, exponent):
    """``X / 2**exponent``, computed exactly (a copy unless ``exponent`` is 0)."""
    if exponent == 0:
        return X
    if sp.issparse(X):
        X = X.copy()
        X.data = np.ldexp(X.data, -exponent).astype(X.dtype, copy=False)
        return X
    return np.ldexp(X, -exponent).astype(X.dtype, copy=False)


def check_magnitude(S, eig, dtype):
    """Refuse an ``eig`` whose ``S ** eig`` overflows the vectors' type.

    Checked in logarithms, before anything is raised to a power: the word
    vectors are ``U S^eig`` with unit columns ``U``, so their entries are
    bounded by the largest ``S ** eig``.
    """
    largest = float(np.max(S, initial=0.0))
    if largest <= 0.0 or eig == 0:
        return
    # A factor 2 of headroom for add_context (w + c) and rounding.
    if eig * np.log(largest) > np.log(np.finfo(dtype).max) - np.log(2.0):
        raise ValueError(
            f"eig={eig!r} makes the vectors overflow {np.dtype(dtype).name}: the largest singular value is "
            f"{largest:.4g}, and {largest:.4g} ** {eig!r} exceeds the largest {np.dtype(dtype).name} "
            f"({np.finfo(dtype).max:.3g}). Use a smaller eig (eig=1 gives TruncatedSVD's scale)"
            + (", or float64 input." if np.dtype(dtype) != np.float64 else ".")
        )
