"""Helpers shared by the benchmark scripts (not part of the package)."""

import gzip
import os
import resource
import statistics
import time
from pathlib import Path

DATA = Path(os.environ.get("SKVEC_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
WIKI17M = DATA / "wiki17m.txt.gz"
QUESTIONS = DATA / "questions-words.txt"


def read_lines(path=WIKI17M, max_lines=None):
    """The corpus as a list of lines (one document a line)."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        lines = f.read().splitlines()
    return lines[:max_lines] if max_lines else lines


def peak_rss_mb():
    """Peak resident set size of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def median(values):
    return statistics.median(values)
