"""Sizes of memory given as parameters: ``max_memory=1000000``, ``"800MB"``, ``"2GiB"``."""

import math
import re

import numpy as np

_UNITS = {
    "": 1, "b": 1,
    "k": 10**3, "kb": 10**3, "m": 10**6, "mb": 10**6, "g": 10**9, "gb": 10**9, "t": 10**12, "tb": 10**12,
    "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40,
}


def parse_memory(value, name="max_memory"):
    """Bytes from an int or a string such as ``"1GB"``, ``"512MiB"``, ``"2e9"``; None stays None."""
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a number of bytes, a string such as '1GB', or None; got {value!r}.")
    if isinstance(value, (int, np.integer)):
        number = int(value)
    elif isinstance(value, str):
        match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*([a-zA-Z]*)\s*", value)
        unit = match.group(2).lower() if match else None
        if match is None or unit not in _UNITS:
            raise ValueError(
                f"{name} must be a number of bytes or a string such as '800MB', '1GB' or '2GiB'; got {value!r}."
            )
        size = float(match.group(1)) * _UNITS[unit]
        if not math.isfinite(size):
            raise ValueError(f"{name} is too large to be a number of bytes: {value!r}.")
        number = int(size)
    else:
        raise TypeError(f"{name} must be a number of bytes, a string such as '1GB', or None; got {value!r}.")
    if number < 1:
        raise ValueError(f"{name} must be positive, got {value!r}.")
    return number
