"""Parameter and input checks shared by the estimators.

Every message names the parameter and what it accepts, so a user never has to
read a Numba traceback to learn what went wrong.
"""

import inspect
import numbers
import os
import sys
from collections.abc import Iterable, Mapping

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.utils import check_random_state  # noqa: F401  (re-exported)
from sklearn.utils._param_validation import (
    HasMethods,  # noqa: F401  (re-exported)
    Interval,
    Options,
    StrOptions,
)

# Constraints shared by the estimators' ``_parameter_constraints`` (the
# declarative validation of scikit-learn, run once at the start of ``fit``).
POSITIVE_INT = Interval(numbers.Integral, 1, None, closed="left")
NON_NEGATIVE_INT = Interval(numbers.Integral, 0, None, closed="left")
POSITIVE_REAL = Interval(numbers.Real, 0, None, closed="neither")
NON_NEGATIVE_REAL = Interval(numbers.Real, 0, None, closed="left")
# joblib's meaning: None or -1 all threads, -2 all but one, ...; 0 has none.
N_JOBS = [
    Interval(numbers.Integral, None, -1, closed="right"),
    Interval(numbers.Integral, 1, None, closed="left"),
    None,
]
VERBOSE = [NON_NEGATIVE_INT, "boolean"]
FLOAT_DTYPES = [
    Options(type, {np.float32, np.float64}),
    Options(np.dtype, {np.dtype(np.float32), np.dtype(np.float64)}),
    StrOptions({"float32", "float64"}),
]
# A memory budget: bytes (at least this many) or a string such as "1GB".
# Below this, the fixed-size parts of a count (a vocabulary of 1000 words, one
# merge buffer per run) would exceed the budget by orders of magnitude.
MIN_MEMORY = 16 << 10
MEMORY = [Interval(numbers.Integral, MIN_MEMORY, None, closed="left"), str, None]
TOKENIZATION_CONSTRAINTS = {
    "lowercase": ["boolean"],
    "token_pattern": [str],
    "tokenizer": [callable, None],
}
VOCABULARY_CONSTRAINTS = {
    "min_count": [POSITIVE_INT],
    "max_vocab_size": [POSITIVE_INT, None],
}
FIXED_VOCABULARY = [Mapping, Iterable, None]

_INF = float("inf")


def _bounds_text(min_val, max_val, include_boundaries):
    left = "[" if include_boundaries in ("both", "left") else "("
    right = "]" if include_boundaries in ("both", "right") else ")"
    lo = "-inf" if min_val is None else repr(min_val)
    hi = "inf" if max_val is None else repr(max_val)
    if max_val is None:
        right = ")"
    if min_val is None:
        left = "("
    return f"{left}{lo}, {hi}{right}"


def _check_range(value, name, kind, min_val, max_val, include_boundaries):
    low_ok = (
        min_val is None
        or value > min_val
        or (value == min_val and include_boundaries in ("both", "left"))
    )
    high_ok = (
        max_val is None
        or value < max_val
        or (value == max_val and include_boundaries in ("both", "right"))
    )
    if not (low_ok and high_ok):
        raise ValueError(
            f"{name} must be {kind} in the range "
            f"{_bounds_text(min_val, max_val, include_boundaries)}, got {value!r}."
        )


def check_int(value, name, min_val=None, max_val=None, allow_none=False):
    """Check that ``value`` is an integer in ``[min_val, max_val]``; return it as int."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        none = " or None" if allow_none else ""
        raise TypeError(f"{name} must be an int{none}, got {value!r} ({type(value).__name__}).")
    value = int(value)
    _check_range(value, name, "an int", min_val, max_val, "both")
    return value


def check_float(value, name, min_val=None, max_val=None, include_boundaries="both", allow_none=False):
    """Check that ``value`` is a finite real number within the bounds; return it as float.

    ``include_boundaries`` is one of ``"both"``, ``"left"``, ``"right"``, ``"neither"``.
    """
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        none = " or None" if allow_none else ""
        raise TypeError(f"{name} must be a real number{none}, got {value!r} ({type(value).__name__}).")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}.")
    _check_range(value, name, "a number", min_val, max_val, include_boundaries)
    return value


def check_bool(value, name):
    """Check that ``value`` is a bool (Python's or NumPy's); return it as bool."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a bool, got {value!r}.")
    return bool(value)


def check_option(value, name, allowed):
    """Check that ``value`` is one of ``allowed``; return it."""
    allowed = tuple(allowed)
    if not isinstance(value, str) or value not in allowed:
        options = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"{name} must be one of {options}; got {value!r}.")
    return value


def check_nonnegative_finite(X, name="X"):
    """Reject matrices (dense or sparse) with negative, NaN or infinite entries."""
    data = X.data if sp.issparse(X) else np.asarray(X)
    if data.size == 0:
        return X
    if not np.all(np.isfinite(data)):
        raise ValueError(f"{name} contains NaN or infinite values; a co-occurrence matrix must be finite.")
    if data.min() < 0:
        raise ValueError(
            f"{name} contains negative values (min {data.min()!r}); a co-occurrence matrix must be non-negative."
        )
    return X


_LIBRARY_DIRS = tuple(
    os.path.dirname(os.path.abspath(module.__file__)) + os.sep for module in (sys.modules[__package__], sklearn)
)


def user_stacklevel():
    """The ``stacklevel`` that makes a warning point at the user's code.

    For the function that calls ``warnings.warn`` right after calling this:
    frames inside skvec and scikit-learn (e.g. its ``set_output`` wrapper
    around ``fit_transform``) are skipped, whatever the call path.
    """
    frame = inspect.currentframe().f_back
    level = 1
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(_LIBRARY_DIRS):
        frame = frame.f_back
        level += 1
    return level


def physical_memory():
    """Bytes of physical memory of this machine, or None where unknown."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # pragma: no cover - not POSIX
        return None


def memory_shortfall(needed):
    """This machine's memory in bytes when ``needed`` bytes exceed it; None when they fit or it is unknown."""
    available = physical_memory()
    return None if available is None or needed <= available else available


def check_fits_in_memory(parts, remedy):
    """Raise MemoryError, before allocating, if ``parts`` (role -> bytes) exceed the machine's memory.

    ``remedy`` says which parameter to change, e.g. "lower n_components (now 10**9)".
    """
    total = sum(parts.values())
    available = memory_shortfall(total)
    if available is None:
        return
    detail = ", ".join(f"{role} {size / 2**30:.3g} GiB" for role, size in parts.items())
    raise MemoryError(
        f"Training would need {total / 2**30:.3g} GiB ({detail}), more than this machine's "
        f"{available / 2**30:.3g} GiB of memory; {remedy}."
    )
