"""Training engines: epoch and block scheduling, progress and divergence checks.

Estimators validate their parameters, encode the input and hand the arrays to
an engine; the engine prepares the model arrays, calls the Numba kernels of
``skvec._kernels`` block after block and returns the trained arrays.
"""
