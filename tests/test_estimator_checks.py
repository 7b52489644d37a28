"""scikit-learn's estimator checks on every public estimator.

The matrix estimators (SPPMI, SVD, GloVe) run ``parametrize_with_checks`` in
their default configuration and their main variants.  A check that fails for
a reason inherent to the estimator is declared in ``EXPECTED_FAILURES`` with
that reason; anything else is a defect.

The text estimators take a corpus, which scikit-learn's checks cannot
generate (they skip estimators without the ``two_d_array`` input tag), so they
run the checks that need no data, scikit-learn's parameter-validation check,
and the same API contracts on a small corpus here.
"""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.utils.estimator_checks import (
    check_do_not_raise_errors_in_init_or_set_params,
    check_estimator_cloneable,
    check_estimator_repr,
    check_estimator_tags_renamed,
    check_get_params_invariance,
    check_mixin_order,
    check_no_attributes_set_in_init,
    check_param_validation,
    check_parameters_default_constructible,
    check_set_params,
    check_valid_tag_types,
    parametrize_with_checks,
)

from skvec import (
    CooccurrenceVectorizer,
    Doc2VecEmbedder,
    EmbeddingVectorizer,
    FastTextEmbedder,
    GloVeEmbedder,
    PhraseDetector,
    SPPMITransformer,
    SVDEmbedder,
    Word2VecEmbedder,
)

# The checks' data have 1 to 10 features; SVDEmbedder's components must be
# fewer than both dimensions of the matrix (as TruncatedSVD with ARPACK).
_TOO_FEW_FEATURES = (
    "the check fits data with fewer features than n_components; a truncated SVD "
    "needs n_components below both dimensions of the matrix"
)
_ROWS_ARE_WORDS = (
    "add_context=True adds to row i the context vector of word i, so transform needs "
    "the whole square matrix in the fitted order: rows cannot be subsets or reordered"
)

SVD_DEFAULT_FAILURES = {
    name: _TOO_FEW_FEATURES
    for name in [
        "check_fit_score_takes_y",
        "check_estimators_overwrite_params",
        "check_estimators_fit_returns_self",
        "check_readonly_memmap_input",
        "check_n_features_in_after_fitting",
        "check_positive_only_tag_during_fit",
        "check_estimators_dtypes",
        "check_dtype_object",
        "check_pipeline_consistency",
        "check_estimators_nan_inf",
        "check_estimator_sparse_tag",
        "check_estimator_sparse_array",
        "check_estimator_sparse_matrix",
        "check_estimators_pickle",
        "check_f_contiguous_array_estimator",
        "check_transformer_data_not_an_array",
        "check_transformer_general",
        "check_transformer_preserve_dtypes",
        "check_dict_unchanged",
        "check_fit_idempotent",
        "check_fit_check_is_fitted",
        "check_n_features_in",
        "check_array_api_input",
    ]
}

EXPECTED_FAILURES = {
    "SVDEmbedder()": SVD_DEFAULT_FAILURES,
    "SVDEmbedder(n_components=2)": {
        name: _TOO_FEW_FEATURES
        for name in [
            "check_estimators_overwrite_params",
            "check_estimators_fit_returns_self",
            "check_readonly_memmap_input",
            "check_fit_idempotent",
            "check_fit_check_is_fitted",
            "check_n_features_in",
        ]
    },
    "SVDEmbedder(add_context=True, n_components=1)": {
        "check_methods_sample_order_invariance": _ROWS_ARE_WORDS,
        "check_methods_subset_invariance": _ROWS_ARE_WORDS,
        "check_fit_idempotent": _ROWS_ARE_WORDS + " (the check transforms a test set of other rows)",
    },
}


def expected_failed_checks(estimator):
    return EXPECTED_FAILURES.get(repr(estimator), {})


MATRIX_ESTIMATORS = [
    SPPMITransformer(),
    SPPMITransformer(shift=5, context_smoothing=1.0),
    SVDEmbedder(),
    SVDEmbedder(n_components=2),
    SVDEmbedder(n_components=1, random_state=0),
    SVDEmbedder(n_components=1, eig=1.0, algorithm="arpack", random_state=0),
    SVDEmbedder(n_components=1, add_context=True),
    GloVeEmbedder(),
    GloVeEmbedder(n_components=2, max_iter=2, vectors="word", n_jobs=1, random_state=0),
]


@parametrize_with_checks(MATRIX_ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_matrix_estimators(estimator, check):
    check(estimator)


def test_expected_failures_name_configurations_that_are_checked():
    checked = {repr(estimator) for estimator in MATRIX_ESTIMATORS}
    assert set(EXPECTED_FAILURES) <= checked


# -- text estimators -----------------------------------------------------------------------


DOCS = ["the cat sat on the mat", "the dog sat on the log", "a cat and a dog met"] * 5
TINY_WORD2VEC = dict(n_components=4, epochs=1, min_count=1, n_jobs=1, random_state=0)

TEXT_ESTIMATORS = [
    CooccurrenceVectorizer(),
    CooccurrenceVectorizer(window=2, weighting="uniform", context="left", min_count=1, subsample=0.1,
                           random_state=0),
    CooccurrenceVectorizer(min_count=1, max_memory="1MB"),
    Word2VecEmbedder(),
    Word2VecEmbedder(architecture="cbow", hierarchical_softmax=True, negative=0, **TINY_WORD2VEC),
    EmbeddingVectorizer(Word2VecEmbedder()),
    EmbeddingVectorizer(Word2VecEmbedder(**TINY_WORD2VEC), pooling="sif", norm=None),
    FastTextEmbedder(bucket=1000),
    FastTextEmbedder(architecture="cbow", min_n=2, max_n=4, bucket=50, **TINY_WORD2VEC),
    EmbeddingVectorizer(FastTextEmbedder(bucket=1000, **TINY_WORD2VEC), pooling="tfidf"),
    PhraseDetector(),
    PhraseDetector(min_count=1, threshold=0.1, scoring="npmi", connector_words="english"),
    Doc2VecEmbedder(),
    Doc2VecEmbedder(architecture="dm", hierarchical_softmax=True, negative=0, **TINY_WORD2VEC),
]

DATA_FREE_CHECKS = [
    check_estimator_cloneable,
    check_estimator_tags_renamed,
    check_valid_tag_types,
    check_estimator_repr,
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
    check_get_params_invariance,
    check_set_params,
    check_do_not_raise_errors_in_init_or_set_params,
    check_mixin_order,
    check_param_validation,
]


@pytest.mark.parametrize("estimator", TEXT_ESTIMATORS, ids=repr)
@pytest.mark.parametrize("check", DATA_FREE_CHECKS, ids=lambda check: check.__name__)
def test_text_estimators_data_free_checks(estimator, check):
    check(type(estimator).__name__, clone(estimator))


def _fittable(estimator):
    """The estimator with settings that fit the tiny corpus quickly and exactly."""
    estimator = clone(estimator)
    params = estimator.get_params()
    small = {"min_count": 1, "n_components": 4, "epochs": 1, "n_jobs": 1, "random_state": 0}
    estimator.set_params(**{key: value for key, value in small.items() if key in params})
    if "embedder__min_count" in params:
        estimator.set_params(**{f"embedder__{key}": value for key, value in small.items()})
    return estimator


def _dense(matrix):
    if isinstance(matrix, list):  # documents of tokens (PhraseDetector)
        return np.array([" ".join(doc) for doc in matrix], dtype=object)
    return matrix.toarray() if hasattr(matrix, "toarray") else np.asarray(matrix)


def _output(estimator, docs):
    return _dense(estimator.fit_transform(docs))


@pytest.mark.parametrize("estimator", TEXT_ESTIMATORS, ids=repr)
def test_text_estimators_fit_contracts(estimator):
    estimator = _fittable(estimator)
    before = estimator.get_params(deep=False)
    assert estimator.fit(DOCS) is estimator
    # fit leaves the parameters as they were (same objects, same values).
    after = estimator.get_params(deep=False)
    for key, value in before.items():
        assert after[key] is value or repr(after[key]) == repr(value), key
    first = _output(estimator, DOCS)
    assert first.dtype == object or np.isfinite(first).all()
    # Fitting again gives the same result (idempotent) ...
    np.testing.assert_array_equal(_output(estimator, DOCS), first)
    # ... so does a clone, and the fitted model survives pickling.
    np.testing.assert_array_equal(_output(clone(estimator), DOCS), first)
    restored = pickle.loads(pickle.dumps(estimator))
    if hasattr(estimator, "transform"):
        np.testing.assert_array_equal(_dense(restored.transform(DOCS)), _dense(estimator.transform(DOCS)))
    else:
        np.testing.assert_array_equal(restored.embedding_, estimator.embedding_)


@pytest.mark.parametrize("estimator", TEXT_ESTIMATORS, ids=repr)
def test_text_estimators_accept_a_generator_and_a_tuple(estimator):
    estimator = _fittable(estimator)
    expected = _output(estimator, DOCS)
    np.testing.assert_array_equal(_output(clone(estimator), tuple(DOCS)), expected)
    if not isinstance(estimator, EmbeddingVectorizer):  # it reads the corpus twice
        np.testing.assert_array_equal(_output(clone(estimator), (doc for doc in DOCS)), expected)
