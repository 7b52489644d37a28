import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone

from skvec import SPPMITransformer


def random_counts(n_rows=30, n_cols=25, density=0.3, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    dense = rng.poisson(3.0, size=(n_rows, n_cols)) * (rng.random((n_rows, n_cols)) < density)
    return dense.astype(dtype)


def dense_sppmi(X, shift, alpha):
    """The textbook formula, entry by entry on a dense matrix."""
    X = np.asarray(X, dtype=np.float64)
    total = X.sum()
    p_w = X.sum(axis=1) / total
    col = X.sum(axis=0)
    p_c = col**alpha / (col**alpha).sum()
    out = np.zeros_like(X)
    for i in range(X.shape[0]):
        for j in range(X.shape[1]):
            if X[i, j] > 0:
                pmi = np.log((X[i, j] / total) / (p_w[i] * p_c[j]))
                out[i, j] = max(pmi - np.log(shift), 0.0)
    return out


@pytest.mark.parametrize("shift", [1, 2.5, 10])
@pytest.mark.parametrize("alpha", [1.0, 0.75, 0.5])
def test_matches_dense_formula(shift, alpha):
    X = random_counts()
    expected = dense_sppmi(X, shift, alpha)
    out = SPPMITransformer(shift=shift, context_smoothing=alpha).fit_transform(sp.csr_matrix(X))
    assert sp.isspmatrix_csr(out) or isinstance(out, sp.csr_array)
    assert_allclose(out.toarray(), expected, rtol=1e-12, atol=1e-12)
    # Dense input follows the same formula and stays dense.
    dense_out = SPPMITransformer(shift=shift, context_smoothing=alpha).fit_transform(X)
    assert isinstance(dense_out, np.ndarray)
    assert_allclose(dense_out, expected, rtol=1e-12, atol=1e-12)


def test_tiny_matrix_by_hand():
    X = sp.csr_matrix(np.array([[0, 4, 1], [4, 0, 2], [1, 2, 0]], dtype=np.float64))
    out = SPPMITransformer(shift=1, context_smoothing=1.0).fit_transform(X).toarray()
    # Contexts total 5, 6, 3 of 14; row 0 totals 5.
    assert out[0, 1] == pytest.approx(np.log((4 / 5) / (6 / 14)))
    assert out[0, 2] == 0.0  # log((1/5) / (3/14)) < 0
    assert out[1, 2] == pytest.approx(np.log((2 / 6) / (3 / 14)))


def test_no_explicit_zeros_and_same_shape():
    X = sp.csr_matrix(random_counts(40, 35, seed=3))
    X.data[::7] = 0.0  # explicit zeros in the input too
    out = SPPMITransformer(shift=2).fit_transform(X)
    assert out.shape == X.shape
    assert out.nnz > 0
    assert np.all(out.data > 0)
    assert out.has_canonical_format


def test_shift_removes_weak_associations():
    X = sp.csr_matrix(random_counts(seed=1))
    base = SPPMITransformer(shift=1).fit_transform(X)
    shifted = SPPMITransformer(shift=5).fit_transform(X)
    assert shifted.nnz < base.nnz
    # Shifting subtracts log k from every surviving value.
    expected = np.maximum(base.toarray() - np.log(5), 0)
    assert_allclose(shifted.toarray(), expected, atol=1e-12)


def test_smoothing_raises_rare_context_probability():
    # Context 0 is very frequent, context 2 rare.
    X = np.array([[50, 5, 0], [40, 3, 0], [10, 2, 5]], dtype=np.float64)
    smooth = SPPMITransformer(context_smoothing=0.75).fit(X).context_distribution_
    plain = SPPMITransformer(context_smoothing=1.0).fit(X).context_distribution_
    assert_allclose(plain, X.sum(0) / X.sum())
    assert_allclose(smooth.sum(), 1.0)
    assert smooth[2] > plain[2]
    assert smooth[0] < plain[0]
    # A rare context's PMI shrinks with smoothing.
    out_smooth = SPPMITransformer(context_smoothing=0.75).fit_transform(X)
    out_plain = SPPMITransformer(context_smoothing=1.0).fit_transform(X)
    assert 0 < out_smooth[2, 2] < out_plain[2, 2]


def test_transform_uses_fitted_context_distribution_rowwise():
    X = sp.csr_matrix(random_counts(seed=2))
    sppmi = SPPMITransformer().fit(X)
    full = sppmi.transform(X)
    assert_allclose(sppmi.fit_transform(X).toarray(), full.toarray())
    # A row's output depends on that row only.
    assert_allclose(sppmi.transform(X[5:9]).toarray(), full[5:9].toarray())
    # Rescaling a row (a longer corpus for that word) changes nothing.
    scaled = sp.diags(np.arange(1.0, X.shape[0] + 1)) @ X
    assert_allclose(sppmi.transform(scaled).toarray(), full.toarray(), rtol=1e-12)
    assert_array_equal(sppmi.get_feature_names_out(["a", "b"] + [f"c{i}" for i in range(23)])[:2], ["a", "b"])


def test_unseen_context_and_empty_row():
    X = np.array([[2, 1, 0], [1, 3, 0], [0, 0, 0]], dtype=np.float64)
    sppmi = SPPMITransformer(context_smoothing=0.75).fit(X)
    assert sppmi.context_distribution_[2] == 0.0
    new = sp.csr_matrix(np.array([[1, 1, 5], [0, 0, 0]], dtype=np.float64))
    out = sppmi.transform(new)
    assert np.all(np.isfinite(out.data))
    assert out[0, 2] == 0  # undefined PMI: dropped, not infinite
    assert out[1].nnz == 0
    assert_array_equal(sppmi.transform(X)[2], 0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_kept(dtype):
    X = sp.csr_matrix(random_counts(dtype=dtype))
    out = SPPMITransformer().fit_transform(X)
    assert out.dtype == dtype
    expected = dense_sppmi(X.toarray(), 1, 0.75)
    assert_allclose(out.toarray(), expected, rtol=1e-5, atol=1e-5)


def test_integer_and_coo_input_and_duplicates():
    X = random_counts(seed=4)
    expected = dense_sppmi(X, 1, 0.75)
    out = SPPMITransformer().fit_transform(sp.coo_matrix(X.astype(np.int64)))
    assert out.dtype == np.float64
    assert_allclose(out.toarray(), expected)
    # Duplicate coordinates (a non-canonical CSR) are summed before the logarithm.
    csr = sp.csr_matrix(X)
    lengths = np.diff(csr.indptr)
    duplicated = sp.csr_matrix(
        (
            np.repeat(csr.data / 2, 2),
            np.repeat(csr.indices, 2),
            np.r_[0, np.cumsum(2 * lengths)],
        ),
        shape=X.shape,
    )
    assert not duplicated.has_canonical_format
    assert_allclose(SPPMITransformer().fit_transform(duplicated).toarray(), expected)


@pytest.mark.parametrize(
    "X, message",
    [
        (np.array([[1.0, -1.0], [2.0, 0.0]]), "Negative values"),
        (np.array([[1.0, np.nan], [2.0, 0.0]]), "NaN or infinite"),
        (np.array([[1.0, np.inf], [2.0, 0.0]]), "NaN or infinite"),
        (np.zeros((3, 3)), "no positive entry"),
    ],
)
@pytest.mark.parametrize("sparse", [False, True])
def test_bad_matrix(X, message, sparse):
    if sparse:
        X = sp.csr_matrix(X)
    with pytest.raises(ValueError, match=message):
        SPPMITransformer().fit(X)


def test_bad_matrix_in_transform():
    sppmi = SPPMITransformer().fit(random_counts())
    bad = random_counts()
    bad[0, 0] = -3
    with pytest.raises(ValueError, match="Negative values"):
        sppmi.transform(sp.csr_matrix(bad))
    with pytest.raises(ValueError, match="features"):
        sppmi.transform(random_counts(n_cols=4))


@pytest.mark.parametrize(
    "params, error, message",
    [
        ({"shift": 0}, ValueError, "shift"),
        ({"shift": -1}, ValueError, "shift"),
        ({"shift": "5"}, TypeError, "shift"),
        ({"context_smoothing": 1.5}, ValueError, "context_smoothing"),
        ({"context_smoothing": -0.1}, ValueError, "context_smoothing"),
        ({"context_smoothing": np.nan}, ValueError, "context_smoothing"),
    ],
)
def test_bad_parameters(params, error, message):
    with pytest.raises(error, match=message):
        SPPMITransformer(**params).fit(random_counts())


def test_clone_keeps_parameters():
    sppmi = SPPMITransformer(shift=5, context_smoothing=0.5)
    assert clone(sppmi).get_params() == {"shift": 5, "context_smoothing": 0.5}


# -- bad input: parameters (checked before the corpus is read) ---------------------------------

from corpora import count_matrix, raises  # noqa: E402


@pytest.mark.parametrize(
    "params, exception, name",
    [
        ({"shift": 0}, ValueError, "shift"),
        ({"shift": -1.0}, ValueError, "shift"),
        ({"shift": float("inf")}, ValueError, "shift"),
        ({"shift": "5"}, TypeError, "shift"),
        ({"context_smoothing": 1.5}, ValueError, "context_smoothing"),
        ({"context_smoothing": -0.1}, ValueError, "context_smoothing"),
    ],
)
def test_sppmi_parameters(params, exception, name):
    with raises(exception, name):
        SPPMITransformer(**params).fit(count_matrix())
