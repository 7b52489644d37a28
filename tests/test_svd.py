import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.decomposition import TruncatedSVD
from sklearn.utils.extmath import svd_flip

from skvec import SVDEmbedder
from skvec._kernels.spmm import balanced_row_chunks, csr_times_dense


def low_rank_matrix(n_rows=80, n_cols=60, rank=12, seed=0, sparse=True, dtype=np.float64):
    """A sparse non-negative matrix of low rank with distinct singular values.

    Sparse non-negative factors give a product with many zeros and rank at
    most ``rank``, so the randomized solver (whose subspace is larger than the
    rank) is as exact as numpy's SVD and both algorithms can be compared
    with it.
    """
    rng = np.random.default_rng(seed)
    left = rng.random((n_rows, rank)) * (rng.random((n_rows, rank)) < 0.25)
    right = rng.random((rank, n_cols)) * (rng.random((rank, n_cols)) < 0.25)
    dense = (left * 1.5 ** -np.arange(rank)) @ right
    dense = dense.astype(dtype)
    return sp.csr_matrix(dense) if sparse else dense


def exact_svd(X, k):
    dense = X.toarray() if sp.issparse(X) else X
    U, S, Vt = np.linalg.svd(dense.astype(np.float64), full_matrices=False)
    U, Vt = svd_flip(U[:, :k], Vt[:k], u_based_decision=False)
    return U, S[:k], Vt


ALGORITHMS = [
    {"algorithm": "randomized", "n_iter": 7},
    {"algorithm": "arpack"},
]


@pytest.mark.parametrize("params", ALGORITHMS)
@pytest.mark.parametrize("eig", [0.0, 0.5, 1.0])
def test_eig_matches_numpy_svd(params, eig):
    X = low_rank_matrix()
    k = 5
    U, S, Vt = exact_svd(X, k)
    svd = SVDEmbedder(n_components=k, eig=eig, random_state=0, **params)
    vectors = svd.fit_transform(X)
    assert vectors is svd.embedding_
    assert_allclose(svd.singular_values_, S, rtol=1e-6)
    assert_allclose(svd.components_, Vt, atol=1e-6)
    assert_allclose(vectors, U * S**eig, atol=1e-6)


def test_eig_one_is_truncated_svd():
    X = low_rank_matrix(seed=1)
    ours = SVDEmbedder(n_components=4, eig=1.0, algorithm="arpack", random_state=0).fit_transform(X)
    theirs = TruncatedSVD(n_components=4, algorithm="arpack", random_state=0).fit_transform(X)
    assert_allclose(ours, theirs, atol=1e-8)


def test_singular_values_sorted_and_components_orthonormal():
    X = low_rank_matrix(seed=2)
    svd = SVDEmbedder(n_components=8, random_state=0).fit(X)
    assert np.all(np.diff(svd.singular_values_) <= 0)
    assert_allclose(svd.components_ @ svd.components_.T, np.eye(8), atol=1e-10)
    assert svd.components_.shape == (8, X.shape[1])
    assert svd.n_features_in_ == X.shape[1]


@pytest.mark.parametrize("params", ALGORITHMS)
def test_add_context(params):
    X = low_rank_matrix(n_rows=60, n_cols=60, seed=3)
    k = 4
    U, S, Vt = exact_svd(X, k)
    svd = SVDEmbedder(n_components=k, add_context=True, random_state=0, **params)
    vectors = svd.fit_transform(X)
    assert_allclose(vectors, U * np.sqrt(S) + Vt.T * np.sqrt(S), atol=1e-6)
    # transform of the fitted (square) matrix gives the same vectors.
    assert_allclose(svd.transform(X), vectors, rtol=1e-10, atol=1e-12)
    with pytest.raises(ValueError, match="square"):
        svd.transform(X[:10])


def test_add_context_needs_square_matrix():
    with pytest.raises(ValueError, match="add_context=True needs a square matrix"):
        SVDEmbedder(n_components=3, add_context=True).fit(low_rank_matrix(n_rows=50, n_cols=40))


@pytest.mark.parametrize("params", ALGORITHMS)
def test_transform_consistent_with_fit_transform(params):
    X = low_rank_matrix(seed=4)
    svd = SVDEmbedder(n_components=6, random_state=0, **params)
    vectors = svd.fit_transform(X)
    assert_allclose(svd.transform(X), vectors, rtol=1e-10, atol=1e-12)
    # Rows are independent: a subset of rows gives the same rows.
    assert_allclose(svd.transform(X[10:20]), vectors[10:20], rtol=1e-10, atol=1e-12)
    # transform is X V S^(eig - 1).
    expected = X @ svd.components_.T * svd.singular_values_ ** (svd.eig - 1)
    assert_allclose(svd.transform(X), expected, rtol=1e-10)
    # Dense input is the same matrix.
    assert_allclose(svd.transform(X.toarray()), vectors, rtol=1e-8, atol=1e-10)


def test_deterministic_and_independent_of_n_jobs():
    X = low_rank_matrix(n_rows=200, n_cols=150, rank=20, seed=5)
    first = SVDEmbedder(n_components=10, random_state=42, n_jobs=1).fit_transform(X)
    again = SVDEmbedder(n_components=10, random_state=42, n_jobs=1).fit_transform(X)
    two_threads = SVDEmbedder(n_components=10, random_state=42, n_jobs=2).fit_transform(X)
    assert_array_equal(first, again)
    assert_array_equal(first, two_threads)


def test_sign_convention():
    X = low_rank_matrix(seed=6)
    svd = SVDEmbedder(n_components=5, random_state=3).fit(X)
    # svd_flip on V: the largest-magnitude entry of each component is positive.
    largest = svd.components_[np.arange(5), np.abs(svd.components_).argmax(axis=1)]
    assert np.all(largest > 0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("sparse", [True, False])
def test_dtype_preserved(dtype, sparse):
    X = low_rank_matrix(seed=7, dtype=dtype, sparse=sparse)
    svd = SVDEmbedder(n_components=4, random_state=0)
    vectors = svd.fit_transform(X)
    assert vectors.dtype == dtype
    assert svd.components_.dtype == dtype
    assert svd.transform(X).dtype == dtype
    U, S, _ = exact_svd(X, 4)
    assert_allclose(vectors, U * np.sqrt(S), atol=1e-4 if dtype == np.float32 else 1e-8)


def test_integer_input_becomes_float64():
    X = (low_rank_matrix(seed=8, sparse=False) * 10).round().astype(np.int64)
    vectors = SVDEmbedder(n_components=3, random_state=0).fit_transform(sp.coo_matrix(X))
    assert vectors.dtype == np.float64


@pytest.mark.parametrize("algorithm", ["randomized", "arpack"])
@pytest.mark.parametrize("eig", [0.0, 0.5])
def test_zero_singular_values_give_zero_columns(algorithm, eig):
    # Rank 2: the third and fourth singular values are zero up to rounding;
    # dividing by them must not turn rounding noise into large vectors.
    rng = np.random.default_rng(9)
    X = rng.random((30, 2)) @ rng.random((2, 20))
    svd = SVDEmbedder(n_components=4, eig=eig, algorithm=algorithm, random_state=0)
    vectors = svd.fit_transform(X)
    assert svd.singular_values_[2] < 1e-10 * svd.singular_values_[0]
    assert_array_equal(vectors[:, 2:], 0.0)
    U, S, _ = exact_svd(X, 2)
    assert_allclose(vectors[:, :2], U * S**eig, atol=1e-8)


@pytest.mark.parametrize("n_components", [40, 41, 100])
def test_n_components_too_large(n_components):
    X = low_rank_matrix(n_rows=50, n_cols=40)
    with pytest.raises(ValueError, match=r"n_components=\d+ must be smaller than both dimensions of X"):
        SVDEmbedder(n_components=n_components).fit(X)


@pytest.mark.parametrize(
    "params, error, message",
    [
        ({"n_components": 0}, ValueError, "n_components"),
        ({"n_components": 2.5}, TypeError, "n_components"),
        ({"eig": -0.5}, ValueError, "eig"),
        ({"eig": "half"}, TypeError, "eig"),
        ({"add_context": "yes"}, TypeError, "add_context"),
        ({"algorithm": "lanczos"}, ValueError, "'algorithm' parameter of SVDEmbedder"),
        ({"n_iter": -1}, ValueError, "n_iter"),
        ({"n_oversamples": -3}, ValueError, "n_oversamples"),
        ({"tol": -1.0}, ValueError, "tol"),
        ({"n_jobs": 0}, ValueError, "n_jobs"),
    ],
)
def test_bad_parameters(params, error, message):
    with pytest.raises(error, match=message):
        SVDEmbedder(**{"n_components": 3, **params}).fit(low_rank_matrix())


def test_bad_matrix():
    X = low_rank_matrix().toarray()
    X[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        SVDEmbedder(n_components=3).fit(X)
    svd = SVDEmbedder(n_components=3, random_state=0).fit(low_rank_matrix())
    with pytest.raises(ValueError, match="features"):
        svd.transform(low_rank_matrix(n_cols=30))


@pytest.mark.parametrize("n_chunks", [1, 3, 16, 500])
def test_kernel_matches_scipy(n_chunks):
    rng = np.random.default_rng(10)
    A = sp.random(120, 70, density=0.1, random_state=11, format="csr", dtype=np.float64)
    A = sp.vstack([A[:40], sp.csr_matrix((15, 70)), A[40:]]).tocsr()  # empty rows
    A.data[:] = rng.random(A.nnz)
    dense = rng.standard_normal((70, 9))
    indptr = A.indptr.astype(np.int64)
    bounds = balanced_row_chunks(indptr, n_chunks)
    assert bounds[0] == 0 and bounds[-1] == A.shape[0]
    assert np.all(np.diff(bounds) > 0)
    out = np.full((A.shape[0], 9), np.nan)
    csr_times_dense(indptr, A.indices, A.data, dense, bounds, out)
    assert_allclose(out, A @ dense, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("algorithm", ["randomized", "arpack"])
def test_verbose_progress(algorithm, caplog):
    X = low_rank_matrix()
    SVDEmbedder(n_components=3, algorithm=algorithm, random_state=0).fit(X)
    assert caplog.records == []
    SVDEmbedder(n_components=3, algorithm=algorithm, random_state=0, verbose=1).fit(X)
    assert any(r.name == "skvec.svd" and "SVD: done in" in r.getMessage() for r in caplog.records)


# -- bad input: parameters, and numerical safety (nothing returns NaN or inf) ------------------

from corpora import count_matrix, raises  # noqa: E402


@pytest.mark.parametrize(
    "params, exception, name",
    [
        ({"n_components": 0}, ValueError, "n_components"),
        ({"n_components": 50}, ValueError, "n_components=50"),
        ({"eig": -1.0}, ValueError, "eig"),
        ({"eig": float("nan")}, ValueError, "eig"),
        ({"add_context": 1.0}, TypeError, "add_context"),
        ({"algorithm": "lanczos"}, ValueError, "algorithm"),
        ({"n_iter": -1}, ValueError, "n_iter"),
        ({"n_oversamples": 2.5}, TypeError, "n_oversamples"),
        ({"tol": -1e-3}, ValueError, "tol"),
        ({"n_jobs": 0}, ValueError, "n_jobs"),
        ({"n_jobs": "x"}, TypeError, "n_jobs"),
        ({"random_state": "abc"}, ValueError, "random_state"),
        ({"verbose": -2}, ValueError, "verbose"),
    ],
)
def test_svd_parameters(params, exception, name):
    with raises(exception, name):
        SVDEmbedder(**{"n_components": 3, **params}).fit(count_matrix().toarray())


@pytest.mark.parametrize("eig", [20, 1000])
def test_svd_eig_that_overflows_float32_names_eig(eig):
    X = count_matrix(40, dtype=np.float32)  # largest singular value about 160
    with raises(ValueError, f"eig={eig}", "float32"):
        SVDEmbedder(n_components=8, eig=eig, random_state=0).fit_transform(X)


def test_svd_large_eig_is_computed_in_float64():
    X = count_matrix(40, dtype=np.float64)
    vectors = SVDEmbedder(n_components=8, eig=20, random_state=0).fit_transform(X)
    assert vectors.dtype == np.float64
    assert np.isfinite(vectors).all()
    with raises(ValueError, "eig=1000", "float64"):
        SVDEmbedder(n_components=8, eig=1000, random_state=0).fit_transform(X)


@pytest.mark.parametrize("algorithm", ["randomized", "arpack"])
@pytest.mark.parametrize("sparse", [False, True])
def test_svd_of_an_all_zero_matrix(algorithm, sparse):
    X = np.zeros((6, 6))
    X = sp.csr_matrix(X) if sparse else X
    with raises(ValueError, "no non-zero entry"):
        SVDEmbedder(n_components=2, algorithm=algorithm).fit(X)


@pytest.mark.parametrize("algorithm", ["randomized", "arpack"])
@pytest.mark.parametrize("factor", [2.0**300, 2.0**-300, 2.0**-1000])
def test_svd_of_huge_or_tiny_entries(algorithm, factor):
    # Products inside the solvers would overflow (or underflow); the vectors
    # of c X are those of X times c ** eig.
    X = count_matrix(20, dtype=np.float64)
    svd = SVDEmbedder(n_components=3, algorithm=algorithm, random_state=0)
    expected = svd.fit_transform(X)
    vectors = svd.fit_transform(X * factor)
    assert np.isfinite(vectors).all()
    np.testing.assert_allclose(vectors, expected * factor**0.5, rtol=1e-6, atol=1e-9 * abs(expected).max() * factor**0.5)
    np.testing.assert_allclose(svd.transform(X * factor), vectors, rtol=1e-6, atol=1e-9 * abs(vectors).max())


def test_svd_singular_values_beyond_float32_name_float64():
    X = np.full((6, 6), 3e38, dtype=np.float32)
    with raises(ValueError, "exceed the range of float32", "float64"):
        SVDEmbedder(n_components=2).fit(X)
