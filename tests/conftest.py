"""pytest set-up of the test run (the shared corpora live in ``corpora.py``)."""

import os

# scikit-learn's check of array-API dispatch with NumPy inputs runs only when
# SciPy's array-API mode is on, which must be set before SciPy is imported:
# pytest loads this file before any test module.
os.environ.setdefault("SCIPY_ARRAY_API", "1")
