import numba
import numpy as np
import pytest
import scipy.sparse as sp

from skvec._random import thread_seeds
from skvec._threads import effective_n_jobs, numba_threads
from skvec._validation import check_float, check_int, check_nonnegative_finite, check_option


def test_check_int():
    assert check_int(3, "window", min_val=1) == 3
    assert check_int(np.int64(3), "window", min_val=1) == 3
    assert check_int(None, "max_vocab_size", allow_none=True) is None
    with pytest.raises(ValueError, match=r"window must be an int in the range \[1, inf\), got 0"):
        check_int(0, "window", min_val=1)
    with pytest.raises(TypeError, match="window must be an int"):
        check_int(2.0, "window")
    with pytest.raises(TypeError, match="window"):
        check_int(True, "window")


def test_check_float():
    assert check_float(1, "alpha", min_val=0, include_boundaries="neither") == 1.0
    with pytest.raises(ValueError, match=r"alpha must be a number in the range \(0, inf\), got 0.0"):
        check_float(0, "alpha", min_val=0, include_boundaries="neither")
    with pytest.raises(ValueError, match="alpha must be finite"):
        check_float(float("nan"), "alpha")
    with pytest.raises(TypeError, match="alpha"):
        check_float("0.1", "alpha")


def test_check_option():
    assert check_option("left", "context", ("both", "left")) == "left"
    with pytest.raises(ValueError, match="context must be one of 'both', 'left'; got 'up'"):
        check_option("up", "context", ("both", "left"))


def test_check_nonnegative_finite():
    check_nonnegative_finite(sp.csr_matrix(np.eye(2)))
    with pytest.raises(ValueError, match="negative"):
        check_nonnegative_finite(sp.csr_matrix(-np.eye(2)))
    with pytest.raises(ValueError, match="NaN"):
        check_nonnegative_finite(np.array([[np.nan]]))


def test_numba_threads_restores():
    before = numba.get_num_threads()
    with numba_threads(1) as n:
        assert n == 1 and numba.get_num_threads() == 1
    assert numba.get_num_threads() == before
    with pytest.raises(RuntimeError):
        with numba_threads(1):
            raise RuntimeError
    assert numba.get_num_threads() == before


def test_effective_n_jobs():
    top = numba.config.NUMBA_NUM_THREADS
    assert effective_n_jobs(None) == top
    assert effective_n_jobs(-1) == top
    assert effective_n_jobs(10**6) == top
    assert effective_n_jobs(-(10**6)) == 1
    with pytest.raises(ValueError, match="n_jobs"):
        effective_n_jobs(0)
    with pytest.raises(TypeError, match="n_jobs"):
        effective_n_jobs(1.5)


def test_thread_seeds():
    a = thread_seeds(0, 4)
    assert a.dtype == np.uint64 and np.all(a > 0) and len(set(a.tolist())) == 4
    np.testing.assert_array_equal(a, thread_seeds(0, 4))
    assert not np.array_equal(a, thread_seeds(1, 4))

