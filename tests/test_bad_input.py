"""Parameters drawn at random give a clear error or finite output, for every estimator.

One property over all estimators, kept in one table so that a new estimator or
parameter is added in one place.  The bad-input cases of each estimator (its
parameters, numerical safety, files) stand beside its other tests
(test_word2vec.py, test_glove.py, ...); those of the corpus encoding in
test_corpus.py, of the command line in test_cli.py.
"""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpora import count_matrix
from skvec import (
    CooccurrenceVectorizer,
    EmbeddingVectorizer,
    FastTextEmbedder,
    GloVeEmbedder,
    PhraseDetector,
    SPPMITransformer,
    SVDEmbedder,
    Word2VecEmbedder,
)


# -- parameters drawn at random ---------------------------------------------------------------
#
# Each estimator is fitted on a tiny input with parameters drawn from valid
# values, invalid ones and extremes.  The outcome must be either a clear error
# at fit (ValueError or TypeError; MemoryError or FloatingPointError where
# that is what happened) whose message names a parameter, or finite output of
# the documented shape.  Values that only cost time (epochs, iterations) are
# drawn small: time grows linearly in them, by design.

# Values no parameter of any estimator accepts, and extremes.
WRONG = ["x", [], {}, float("nan"), float("inf"), -float("inf"), -1, -(10**12), 1e300, -1e-300]


def drawn(*valid):
    """A valid value, or (one time in twelve) a wrong one."""
    return st.integers(0, 11).flatmap(lambda i: st.sampled_from(WRONG if i == 0 else list(valid)))


TINY_TEXT = [["a", "b", "c", "a", "b"], ["b", "c", "d", "a"], "a b c d e a b", ["e", "a"]] * 3
TINY_MATRIX = count_matrix(10)

RANDOM_PARAMETERS = {
    "CooccurrenceVectorizer": (
        CooccurrenceVectorizer,
        {
            "window": drawn(1, 2, 5, 100_000, 10**9, 2**62),
            "weighting": drawn("harmonic", "uniform", "linear"),
            "context": drawn("both", "left", "right"),
            "min_count": drawn(1, 2, 10**12),
            "max_vocab_size": drawn(None, 1, 3, 10**12),
            "subsample": drawn(None, 1e-5, 0.5, 1.0),
            "dtype": drawn(np.float32, np.float64, "float64"),
            "max_memory": drawn(None, "64kB", 10**6, "1GB", 10**18),
            "n_shards": drawn(None, 1, 3, 10**6),
            "n_jobs": drawn(None, 1, -1, 2),
            "random_state": drawn(None, 0, 2**32 - 1),
        },
    ),
    "SPPMITransformer": (
        SPPMITransformer,
        {
            "shift": drawn(1, 5, 1e-300, 1e300),
            "context_smoothing": drawn(0.0, 0.75, 1.0),
        },
    ),
    "SVDEmbedder": (
        lambda **params: SVDEmbedder(**{"n_components": 3, **params}),
        {
            "n_components": drawn(1, 2, 5, 9, 10, 10**12),
            "eig": drawn(0.0, 0.5, 1.0, 3.0, 50.0, 1e6),
            "add_context": drawn(False, True),
            "algorithm": drawn("randomized", "arpack"),
            "n_iter": drawn(0, 1, 5),
            "n_oversamples": drawn(0, 10, 10**12),
            "tol": drawn(0.0, 1e-3, 0.999, 1e300),
            "n_jobs": drawn(None, 1, -1),
            "random_state": drawn(None, 0),
        },
    ),
    "GloVeEmbedder": (
        GloVeEmbedder,
        {
            "n_components": drawn(1, 4, 10**12),
            "x_max": drawn(1e-300, 1.0, 100, 1e300),
            "alpha": drawn(0.0, 0.75, 1.0, 1e3),
            "learning_rate": drawn(1e-300, 0.05, 1.0, 1e6),
            "max_iter": drawn(1, 3),
            "grad_clip": drawn(1e-300, 100.0, 1e300),
            "vectors": drawn("word+context", "word"),
            "tol": drawn(None, 0.0, 1e-3, 1e300),
            "n_jobs": drawn(None, 1),
            "random_state": drawn(None, 0),
        },
    ),
    "Word2VecEmbedder": (
        Word2VecEmbedder,
        {
            "n_components": drawn(1, 4, 10**12),
            "architecture": drawn("skipgram", "cbow"),
            "window": drawn(1, 5, 10**6, 2**62),
            "negative": drawn(0, 1, 5, 1000),
            "hierarchical_softmax": drawn(False, True),
            "ns_exponent": drawn(-10.0, -1.0, 0.0, 0.75, 10.0, 1000.0),
            "sample": drawn(0.0, 1e-3, 1.0),
            "alpha": drawn(None, 1e-300, 0.025, 10.0, 1e300),
            "min_alpha": drawn(None, 0.0, 1e-4, 1e300),
            "epochs": drawn(1, 2),
            "min_count": drawn(1, 2, 10**12),
            "max_vocab_size": drawn(None, 1, 3),
            "cbow_mean": drawn(True, False),
            "shrink_windows": drawn(True, False),
            "n_jobs": drawn(1, None),
            "random_state": drawn(0, None),
        },
    ),
    "FastTextEmbedder": (
        FastTextEmbedder,
        {
            "n_components": drawn(1, 4, 10**12),
            "architecture": drawn("skipgram", "cbow"),
            "negative": drawn(0, 1, 5),
            "hierarchical_softmax": drawn(False, True),
            "min_count": drawn(1, 2, 10**12),
            "min_n": drawn(0, 1, 3, 6, 10**6),
            "max_n": drawn(0, 1, 3, 6, 10**6),
            "bucket": drawn(1, 100, 2**31 - 1),
            "n_jobs": drawn(1),
            "random_state": drawn(0),
        },
    ),
    "PhraseDetector": (
        PhraseDetector,
        {
            "min_count": drawn(1, 2, 10**12),
            "threshold": drawn(None, -1.0, 0.5, 1.0, 10.0, 1e300),
            "scoring": drawn("word2phrase", "npmi"),
            "delimiter": drawn("_", " ", ""),
            "connector_words": drawn(None, "english", ["of", "the"]),
            "max_vocab_size": drawn(None, 1, 3, 10**12),
        },
    ),
    "EmbeddingVectorizer": (
        lambda **params: EmbeddingVectorizer(
            Word2VecEmbedder(n_components=4, min_count=1, epochs=1, n_jobs=1, random_state=0), **params
        ),
        {
            "pooling": drawn("mean", "sum", "max", "tfidf", "sif"),
            "norm": drawn("l2", None),
            "prefit": drawn(False),
            "sif_a": drawn(1e-300, 1e-3, 1.0, 1e300),
            "n_jobs": drawn(None, 1, -1),
        },
    ),
}


def _fit_output(name, estimator):
    if name == "PhraseDetector":
        out = estimator.fit_transform(TINY_TEXT)
        # Rewritten documents: one per input document, each a list of strings.
        assert len(out) == len(TINY_TEXT) and all(isinstance(t, str) for doc in out for t in doc)
        return np.zeros((len(out), 0)), len(out)
    if name in ("CooccurrenceVectorizer", "Word2VecEmbedder", "FastTextEmbedder", "EmbeddingVectorizer"):
        out = estimator.fit_transform(TINY_TEXT)
        n_rows = len(TINY_TEXT) if name == "EmbeddingVectorizer" else len(estimator.vocabulary_)
    else:
        out = estimator.fit_transform(TINY_MATRIX)
        n_rows = TINY_MATRIX.shape[0]
    return out, n_rows


def _expected_columns(name, estimator, out):
    if name == "CooccurrenceVectorizer":
        return len(estimator.vocabulary_)
    if name == "SPPMITransformer":
        return TINY_MATRIX.shape[1]
    if name == "EmbeddingVectorizer":
        return 4
    if name == "PhraseDetector":
        return 0
    return estimator.n_components


@pytest.mark.parametrize("name", sorted(RANDOM_PARAMETERS))
def test_random_parameters_give_an_error_or_finite_output(name):
    make, strategies = RANDOM_PARAMETERS[name]

    @settings(max_examples=60, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(st.fixed_dictionaries({}, optional=strategies))
    def check(params):
        estimator = make(**params)
        try:
            out, n_rows = _fit_output(name, estimator)
        except (ValueError, TypeError, MemoryError, FloatingPointError) as error:
            message = str(error)
            named = [key for key in estimator.get_params() if key in message]
            assert named, f"{type(error).__name__} names no parameter: {message}"
            return
        dense = out.toarray() if sp.issparse(out) else np.asarray(out)
        assert dense.shape == (n_rows, _expected_columns(name, estimator, out))
        assert np.isfinite(dense).all(), params

    check()
