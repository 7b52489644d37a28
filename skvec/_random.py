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


def uniform_rows(n_rows, dim, seed, scale=1.0):
    """Return float32 rows drawn uniformly from ``[-scale / dim, scale / dim)``, seeded by ``seed``.

    The starting rows of the Paragraph Vector model, from a full generator.
    C word2vec's ``syn0`` takes each value from the low 16 bits of its
    generator, which repeat every 65,536 draws: with 100 components every
    16,384th row starts equal to an earlier one, and rows 655 apart start as
    shifted copies.  Word2vec and fastText keep C's start, whose results are
    their reference.
    """
    rng = np.random.default_rng(int(seed))
    rows = rng.random((n_rows, dim), dtype=np.float32)
    rows -= np.float32(0.5)
    rows *= np.float32(2.0 * scale / dim)
    return rows
