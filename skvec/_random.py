"""Seeds for the kernels' own random generators."""

import numpy as np
from sklearn.utils import check_random_state


def thread_seeds(random_state, n):
    """Return ``n`` independent non-zero uint64 seeds drawn from ``random_state``.

    Kernels keep one generator state per thread (or per work chunk) seeded from
    these values, so a fixed ``random_state`` fixes every draw of a
    single-threaded run.
    """
    rng = check_random_state(random_state)
    seeds = rng.randint(1, np.iinfo(np.int64).max, size=n, dtype=np.int64)
    return seeds.astype(np.uint64)
