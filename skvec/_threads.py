"""Thread-count control for the Numba kernels."""

import contextlib
import numbers
import os

import numba


def effective_n_jobs(n_jobs):
    """Number of Numba threads that ``n_jobs`` asks for.

    ``None`` means every thread Numba was started with; negative values count
    back from that number as in joblib (``-1`` all, ``-2`` all but one).
    """
    max_threads = numba.config.NUMBA_NUM_THREADS
    if n_jobs is None:
        return max_threads
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, numbers.Integral):
        raise TypeError(f"n_jobs must be an int or None, got {n_jobs!r}.")
    n_jobs = int(n_jobs)
    if n_jobs == 0:
        raise ValueError("n_jobs == 0 has no meaning; use None, a positive int or a negative int.")
    if n_jobs < 0:
        n_jobs = max(max_threads + 1 + n_jobs, 1)
    return min(n_jobs, max_threads)


@contextlib.contextmanager
def numba_threads(n_jobs):
    """Run the enclosed kernel calls with ``n_jobs`` Numba threads, then restore.

    The previous thread count of the calling thread is restored even when the
    enclosed code raises.
    """
    n_threads = effective_n_jobs(n_jobs)
    previous = numba.get_num_threads()
    numba.set_num_threads(n_threads)
    try:
        yield n_threads
    finally:
        numba.set_num_threads(previous)


def cpu_count():
    """CPUs usable by this process."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1
