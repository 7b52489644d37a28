import numpy as np
import pytest
from numba import njit

from skvec._kernels import _common


@njit(cache=True)
def _prefetch_every_row(matrix, for_write):
    total = 0.0
    for row in range(matrix.shape[0]):
        if for_write:
            _common.prefetch_row_for_write(matrix, row)
        else:
            _common.prefetch_row(matrix, row)
        total += matrix[row, -1]
    return total


@pytest.mark.parametrize("n_cols", [1, 16, 100, 300])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_prefetch_compiles_and_leaves_data_alone(n_cols, dtype):
    # Rows shorter than a cache line, about one kilobyte, and longer.
    matrix = np.arange(7 * n_cols, dtype=dtype).reshape(7, n_cols)
    before = matrix.copy()
    for for_write in (False, True):
        assert _prefetch_every_row(matrix, for_write) == before[:, -1].sum()
    np.testing.assert_array_equal(matrix, before)


def test_prefetch_name_matches_the_pointer_type_llvmlite_writes():
    from llvmlite import ir

    pointer = str(ir.IntType(8).as_pointer())
    expected = "llvm.prefetch.p0" if pointer == "ptr" else "llvm.prefetch.p0i8"
    assert _common.PREFETCH_INTRINSIC == expected


def test_lcg_is_the_c_generator():
    r = np.uint64(1)
    expected = 1
    for _ in range(5):
        r = np.uint64(_common.lcg_next(r))
        expected = (expected * 25214903917 + 11) % 2**64
        assert int(r) == expected


def test_xorshift_star_matches_its_definition():
    state = np.array([88172645463325252], dtype=np.uint64)
    x = int(state[0])
    mask = 2**64 - 1
    for _ in range(5):
        out = _common.xorshift_next(state)
        x ^= x >> 12
        x ^= (x << 25) & mask
        x ^= x >> 27
        assert int(state[0]) == x
        assert int(out) == (x * 2685821657736338717) & mask


def test_splitmix64_matches_its_definition():
    mask = 2**64 - 1
    for seed in (0, 1, 2**63 + 5):
        z = (seed + 0x9E3779B97F4A7C15) & mask
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        assert int(_common.splitmix64(np.uint64(seed))) == z ^ (z >> 31)


def test_below_stays_in_range_and_reaches_both_ends():
    assert _common.below(np.uint64(0), 10) == 0
    assert _common.below(np.uint64(2**32 - 1), 10) == 9
    assert _common.below(np.uint64(2**31), 10) == 5
