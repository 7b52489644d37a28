"""Bad input gets a clear, early error.

Every case asserts the exception type and that the message names the
parameter, the document or the file at fault.  A parameter error must come
before any document is read, so those cases pass a corpus that fails when it
is iterated.

Sections: parameters of each estimator; corpus and tokens; numerical safety
(no NaN or inf ever returned); metrics; then the vector files, counting memory
and temporary files, and the command line, each in its own section at the end.
"""

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import tracemalloc
from fractions import Fraction

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import skvec

from skvec import (
    CooccurrenceVectorizer,
    EmbeddingVectorizer,
    FastTextEmbedder,
    GloVeEmbedder,
    PhraseDetector,
    SPPMITransformer,
    SVDEmbedder,
    Word2VecEmbedder,
    WordVectors,
    analogy_accuracy,
    get_word_vectors,
    make_analogy_scorer,
    word_similarity,
)
from skvec.datasets import LineCorpus, read_analogies

DOCS = ["the cat sat on the mat", "the dog sat on the log", "a cat and a dog"] * 4


class UnreadableCorpus:
    """A corpus that fails when read: parameter errors must come first."""

    def __iter__(self):
        raise AssertionError("the corpus was read before the parameters were validated")

    def __len__(self):
        return 3

    def __getitem__(self, index):
        raise AssertionError("the corpus was read before the parameters were validated")


def raises(exception, *fragments):
    """``pytest.raises`` whose message must contain every fragment (literally)."""
    pattern = "".join(f"(?=.*{re.escape(fragment)})" for fragment in fragments)
    return pytest.raises(exception, match=re.compile(pattern, re.DOTALL))


def analogy_vectors():
    words = ["king", "queen", "man", "woman", "apple"]
    vectors = np.array([[1.0, 1.0, 0.1], [1.0, -1.0, 0.1], [0.2, 1.0, 0.0], [0.2, -1.0, 0.0], [0.0, 0.0, 1.0]])
    return WordVectors(words, vectors)


def count_matrix(n_words=12, seed=0, dtype=np.float32):
    rng = np.random.default_rng(seed)
    dense = rng.poisson(2.0, size=(n_words, n_words)).astype(dtype)
    dense = dense + dense.T
    return sp.csr_matrix(dense)


# -- parameters of the text estimators (checked before the corpus is read) ----------------


@pytest.mark.parametrize(
    "params, exception, name",
    [
        ({"window": 0}, ValueError, "window"),
        ({"window": 2.5}, TypeError, "window"),
        ({"weighting": "gaussian"}, ValueError, "weighting"),
        ({"context": "up"}, ValueError, "context"),
        ({"min_count": 0}, ValueError, "min_count"),
        ({"min_count": "2"}, TypeError, "min_count"),
        ({"min_count": 0, "max_memory": "1GB"}, ValueError, "min_count"),
        ({"min_count": "2", "max_memory": "1GB"}, TypeError, "min_count"),
        ({"max_vocab_size": 0}, ValueError, "max_vocab_size"),
        ({"subsample": -1e-3}, ValueError, "subsample"),
        ({"dtype": np.int32}, ValueError, "dtype"),
        ({"max_memory": "lots"}, ValueError, "max_memory"),
        ({"max_memory": 0}, ValueError, "max_memory"),
        ({"max_memory": 1}, ValueError, "max_memory"),
        ({"max_memory": "1kB"}, ValueError, "max_memory"),
        ({"max_memory": "1e400GB"}, ValueError, "max_memory"),
        ({"max_memory": 2.5e9}, TypeError, "max_memory"),
        ({"n_shards": 0}, ValueError, "n_shards"),
        ({"n_jobs": 0}, ValueError, "n_jobs"),
        ({"n_jobs": "x"}, TypeError, "n_jobs"),
        ({"verbose": -1}, ValueError, "verbose"),
        ({"lowercase": "yes"}, TypeError, "lowercase"),
        ({"tokenizer": "split"}, TypeError, "tokenizer"),
        ({"token_pattern": "(a)(b)"}, ValueError, "token_pattern"),
        ({"token_pattern": "(", "n_shards": 2}, ValueError, "token_pattern"),
        ({"vocabulary": "abc"}, TypeError, "vocabulary"),
        ({"random_state": "abc"}, ValueError, "random_state"),
    ],
)
def test_cooccurrence_parameters(params, exception, name):
    with raises(exception, name):
        CooccurrenceVectorizer(**params).fit(UnreadableCorpus())


@pytest.mark.parametrize(
    "params, exception, name",
    [
        ({"n_components": 0}, ValueError, "n_components"),
        ({"architecture": "glove"}, ValueError, "architecture"),
        ({"window": 0}, ValueError, "window"),
        ({"negative": -1}, ValueError, "negative"),
        ({"negative": 0}, ValueError, "negative"),
        ({"hierarchical_softmax": "no"}, TypeError, "hierarchical_softmax"),
        ({"ns_exponent": 1000}, ValueError, "ns_exponent"),
        ({"ns_exponent": -1000}, ValueError, "ns_exponent"),
        ({"ns_exponent": float("nan")}, ValueError, "ns_exponent"),
        ({"sample": -1.0}, ValueError, "sample"),
        ({"alpha": 0.0}, ValueError, "alpha"),
        ({"min_alpha": 1.0}, ValueError, "min_alpha"),
        ({"epochs": 0}, ValueError, "epochs"),
        ({"min_count": 0}, ValueError, "min_count"),
        ({"min_count": "2"}, TypeError, "min_count"),
        ({"max_vocab_size": -5}, ValueError, "max_vocab_size"),
        ({"cbow_mean": 1.5}, TypeError, "cbow_mean"),
        ({"n_jobs": 0}, ValueError, "n_jobs"),
        ({"random_state": "abc"}, ValueError, "random_state"),
        ({"lowercase": None}, TypeError, "lowercase"),
    ],
)
def test_word2vec_parameters(params, exception, name):
    with raises(exception, name):
        Word2VecEmbedder(**params).fit(UnreadableCorpus())


@pytest.mark.parametrize(
    "params, exception, name",
    [
        ({"min_count": 0}, ValueError, "min_count"),
        ({"threshold": float("nan")}, ValueError, "threshold"),
        ({"threshold": 2.0, "scoring": "npmi"}, ValueError, "threshold"),
        ({"threshold": -1.0}, ValueError, "threshold"),
        ({"scoring": "pmi"}, ValueError, "scoring"),
        ({"delimiter": 0}, TypeError, "delimiter"),
        ({"connector_words": "french"}, ValueError, "connector_words"),
        ({"connector_words": [1, 2]}, TypeError, "connector_words"),
        ({"max_vocab_size": 0}, ValueError, "max_vocab_size"),
        ({"lowercase": 1.0}, TypeError, "lowercase"),
    ],
)
def test_phrase_detector_parameters(params, exception, name):
    with raises(exception, name):
        PhraseDetector(**params).fit(UnreadableCorpus())


@pytest.mark.parametrize(
    "params, exception, name",
    [
        ({"shift": 0}, ValueError, "shift"),
        ({"shift": -1.0}, ValueError, "shift"),
        ({"shift": float("inf")}, ValueError, "shift"),
        ({"shift": "5"}, TypeError, "shift"),
        ({"context_smoothing": 1.5}, ValueError, "context_smoothing"),
        ({"context_smoothing": -0.1}, ValueError, "context_smoothing"),
    ],
)
def test_sppmi_parameters(params, exception, name):
    with raises(exception, name):
        SPPMITransformer(**params).fit(count_matrix())


@pytest.mark.parametrize(
    "params, exception, name",
    [
        ({"n_components": 0}, ValueError, "n_components"),
        ({"n_components": 50}, ValueError, "n_components=50"),
        ({"eig": -1.0}, ValueError, "eig"),
        ({"eig": float("nan")}, ValueError, "eig"),
        ({"add_context": 1.0}, TypeError, "add_context"),
        ({"algorithm": "lanczos"}, ValueError, "algorithm"),
        ({"n_iter": -1}, ValueError, "n_iter"),
        ({"n_oversamples": 2.5}, TypeError, "n_oversamples"),
        ({"tol": -1e-3}, ValueError, "tol"),
        ({"n_jobs": 0}, ValueError, "n_jobs"),
        ({"n_jobs": "x"}, TypeError, "n_jobs"),
        ({"random_state": "abc"}, ValueError, "random_state"),
        ({"verbose": -2}, ValueError, "verbose"),
    ],
)
def test_svd_parameters(params, exception, name):
    with raises(exception, name):
        SVDEmbedder(**{"n_components": 3, **params}).fit(count_matrix().toarray())


@pytest.mark.parametrize(
    "params, exception, name",
    [
        ({"n_components": 0}, ValueError, "n_components"),
        ({"x_max": 0}, ValueError, "x_max"),
        ({"alpha": -0.5}, ValueError, "alpha"),
        ({"learning_rate": float("inf")}, ValueError, "learning_rate"),
        ({"max_iter": 0}, ValueError, "max_iter"),
        ({"grad_clip": 0.0}, ValueError, "grad_clip"),
        ({"vectors": "context"}, ValueError, "vectors"),
        ({"tol": -1.0}, ValueError, "tol"),
        ({"n_jobs": 0}, ValueError, "n_jobs"),
        ({"random_state": "abc"}, ValueError, "random_state"),
    ],
)
def test_glove_parameters(params, exception, name):
    with raises(exception, name):
        GloVeEmbedder(**{"n_components": 4, **params}).fit(count_matrix())


@pytest.mark.parametrize(
    "params, exception, name",
    [
        ({"embedder": "word2vec"}, TypeError, "embedder"),
        ({"pooling": "median"}, ValueError, "pooling"),
        ({"norm": "l1"}, ValueError, "norm"),
        ({"prefit": "no"}, TypeError, "prefit"),
        ({"sif_a": 0.0, "pooling": "sif"}, ValueError, "sif_a"),
        ({"n_jobs": 0}, ValueError, "n_jobs"),
    ],
)
def test_embedding_vectorizer_parameters(params, exception, name):
    params = {"embedder": Word2VecEmbedder(n_components=4, min_count=1), **params}
    with raises(exception, name):
        EmbeddingVectorizer(**params).fit(UnreadableCorpus())


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


# -- corpus and tokens ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "docs, document, position",
    [
        ([["a", 1, None, "b"]], 0, 1),
        ([["a", ["b"]]], 0, 1),
        ([["a", "b"], ["b", "c", b"d"]], 1, 2),
        ([[None]], 0, 0),
        ([["a", "b"], ("c", 3.5)], 1, 1),
    ],
)
@pytest.mark.parametrize(
    "make",
    [
        lambda: CooccurrenceVectorizer(min_count=1),
        lambda: CooccurrenceVectorizer(min_count=1, max_memory="64MB"),
        lambda: Word2VecEmbedder(n_components=4, min_count=1, epochs=1, n_jobs=1),
        lambda: FastTextEmbedder(n_components=4, min_count=1, epochs=1, n_jobs=1, bucket=100),
        lambda: PhraseDetector(min_count=1),
    ],
    ids=["cooccurrence", "cooccurrence-spilled", "word2vec", "fasttext", "phrases"],
)
def test_non_string_tokens(make, docs, document, position):
    with raises(TypeError, f"Document {document}, token {position}", "strings"):
        make().fit(docs)


def test_non_string_tokens_against_a_fitted_vocabulary():
    vectorizer = CooccurrenceVectorizer(min_count=1).fit([["a", "b", "c"]])
    with raises(TypeError, "Document 1, token 2", "int"):
        vectorizer.transform([["a"], ["b", "c", 7]])


def test_non_string_tokens_from_a_tokenizer():
    vectorizer = CooccurrenceVectorizer(min_count=1, tokenizer=lambda doc: [len(doc)])
    with raises(TypeError, "Document 0, token 0", "int"):
        vectorizer.fit(["a b"])


def test_string_and_token_documents_mix():
    vectorizer = CooccurrenceVectorizer(min_count=1).fit(["a", ["b"]])
    assert sorted(vectorizer.vocabulary_) == ["a", "b"]


@pytest.mark.parametrize(
    "docs, message",
    [
        ("the cat sat", "single str"),
        (b"the cat sat", "single bytes"),
        (42, "int"),
        ([b"the cat"], "Document 0 is bytes"),
        ([{"a": 1}], "Document 0 is a dict"),
    ],
)
def test_corpus_of_the_wrong_type(docs, message):
    with raises(TypeError, message):
        CooccurrenceVectorizer(min_count=1).fit(docs)


def test_empty_corpus():
    with raises(ValueError, "corpus is empty"):
        Word2VecEmbedder(min_count=1).fit([])
    with raises(ValueError, "no token"):
        CooccurrenceVectorizer(min_count=1).fit(["", "  ,, "])


def test_min_count_above_every_count_names_min_count():
    with raises(ValueError, "min_count=50"):
        CooccurrenceVectorizer(min_count=50).fit(DOCS)


def test_vocabulary_pruning_warning_points_at_the_caller():
    docs = [" ".join(f"w{i * 37 + j}" for j in range(50)) for i in range(2000)]
    for method in ("fit", "fit_transform"):
        with pytest.warns(UserWarning, match="max_memory") as record:
            getattr(CooccurrenceVectorizer(min_count=1, max_memory="200kB"), method)(docs)
        assert {warning.filename for warning in record} == {__file__}, method


@pytest.mark.parametrize(
    "text, tokens",
    [
        ("cafe\u0301 caf\u00e9", ["caf\u00e9", "caf\u00e9"]),
        ("\u0130stanbul", ["i\u0307stanbul"]),
        ("\u0928\u092e\u0938\u094d\u0924\u0947 \u0926\u0941\u0928\u093f\u092f\u093e", 2),
    ],
    ids=["combining-accent", "dotted-capital-i", "devanagari-vowel-signs"],
)
def test_text_is_normalized_before_tokenizing(text, tokens):
    vectorizer = CooccurrenceVectorizer(min_count=1).fit([text])
    words = list(vectorizer.get_feature_names_out())
    if isinstance(tokens, int):
        assert len(words) == tokens
    else:
        assert words == list(dict.fromkeys(tokens))


# -- numerical safety: nothing returns NaN or inf ------------------------------------------


@pytest.mark.parametrize("eig", [20, 1000])
def test_svd_eig_that_overflows_float32_names_eig(eig):
    X = count_matrix(40, dtype=np.float32)  # largest singular value about 160
    with raises(ValueError, f"eig={eig}", "float32"):
        SVDEmbedder(n_components=8, eig=eig, random_state=0).fit_transform(X)


def test_svd_large_eig_is_computed_in_float64():
    X = count_matrix(40, dtype=np.float64)
    vectors = SVDEmbedder(n_components=8, eig=20, random_state=0).fit_transform(X)
    assert vectors.dtype == np.float64
    assert np.isfinite(vectors).all()
    with raises(ValueError, "eig=1000", "float64"):
        SVDEmbedder(n_components=8, eig=1000, random_state=0).fit_transform(X)


@pytest.mark.parametrize("algorithm", ["randomized", "arpack"])
@pytest.mark.parametrize("sparse", [False, True])
def test_svd_of_an_all_zero_matrix(algorithm, sparse):
    X = np.zeros((6, 6))
    X = sp.csr_matrix(X) if sparse else X
    with raises(ValueError, "no non-zero entry"):
        SVDEmbedder(n_components=2, algorithm=algorithm).fit(X)


@pytest.mark.parametrize("algorithm", ["randomized", "arpack"])
@pytest.mark.parametrize("factor", [2.0**300, 2.0**-300, 2.0**-1000])
def test_svd_of_huge_or_tiny_entries(algorithm, factor):
    # Products inside the solvers would overflow (or underflow); the vectors
    # of c X are those of X times c ** eig.
    X = count_matrix(20, dtype=np.float64)
    svd = SVDEmbedder(n_components=3, algorithm=algorithm, random_state=0)
    expected = svd.fit_transform(X)
    vectors = svd.fit_transform(X * factor)
    assert np.isfinite(vectors).all()
    np.testing.assert_allclose(vectors, expected * factor**0.5, rtol=1e-6, atol=1e-9 * abs(expected).max() * factor**0.5)
    np.testing.assert_allclose(svd.transform(X * factor), vectors, rtol=1e-6, atol=1e-9 * abs(vectors).max())


def test_svd_singular_values_beyond_float32_name_float64():
    X = np.full((6, 6), 3e38, dtype=np.float32)
    with raises(ValueError, "exceed the range of float32", "float64"):
        SVDEmbedder(n_components=2).fit(X)


def test_word2vec_vectors_larger_than_memory_name_n_components():
    with raises(MemoryError, "n_components (now 1000000000000)", "GiB"):
        Word2VecEmbedder(n_components=10**12, min_count=1).fit(DOCS)


def test_glove_vectors_larger_than_memory_name_n_components():
    with raises(MemoryError, "n_components (now 1000000000000)", "GiB"):
        GloVeEmbedder(n_components=10**12).fit(count_matrix())


def test_glove_divergence_names_learning_rate():
    with raises(ValueError, "diverged", "learning_rate"):
        GloVeEmbedder(n_components=4, learning_rate=1e30, grad_clip=1e30, max_iter=3, n_jobs=1,
                      random_state=0).fit(count_matrix())


def test_word2vec_divergence_names_alpha():
    with raises(FloatingPointError, "alpha=1e+30"):
        Word2VecEmbedder(n_components=4, min_count=1, alpha=1e30, epochs=2, n_jobs=1,
                         random_state=0).fit(DOCS * 20)


# -- metrics ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "questions, fragment",
    [
        ([("man", 1, "king", "queen")], "holds 1 (int)"),
        ([("man", "woman", None, "queen")], "holds None"),
        ({"family": [("man", "woman", "king", b"queen")]}, "section 'family'"),
    ],
)
def test_analogy_question_words_must_be_strings(questions, fragment):
    with raises(TypeError, fragment, "strings"):
        analogy_accuracy(analogy_vectors(), questions)


def test_analogy_question_of_the_wrong_length():
    with raises(ValueError, "4 words"):
        analogy_accuracy(analogy_vectors(), [("man", "woman", "king")])


def test_word_similarity_words_must_be_strings():
    with raises(TypeError, "not a string"):
        word_similarity(analogy_vectors(), [("man", 3, 1.0), ("king", "queen", 2.0)])


def test_zero_vectors_score_no_analogy_point_through_ties():
    # All cosines with a zero vector are 0, so every candidate ties; the most
    # frequent word ("d", row 0) used to win and be counted right.
    words = ["d", "a", "b", "c", "e"]
    vectors = np.zeros((5, 3))
    vectors[4] = [1.0, 0.0, 0.0]
    result = analogy_accuracy(WordVectors(words, vectors), [("a", "b", "c", "d")])
    assert result.overall.in_scope == 0 and result.overall.correct == 0


def test_zero_vectors_are_not_answers():
    words = ["zero", "man", "woman", "king", "queen"]
    vectors = np.array([[0.0, 0.0, 0.0], [0.2, 1.0, 0.0], [0.2, -1.0, 0.0], [1.0, 1.0, 0.1], [1.0, -1.0, 0.1]])
    result = analogy_accuracy(WordVectors(words, vectors), [("man", "woman", "king", "queen")])
    assert (result.overall.in_scope, result.overall.correct) == (1, 1)


# -- functions and value objects ----------------------------------------------------------------


@pytest.mark.parametrize("model", [SVDEmbedder(), "vectors.txt", 42], ids=["unfitted", "path", "int"])
def test_get_word_vectors_of_something_else(model):
    with raises(TypeError, "get_word_vectors expects", type(model).__name__):
        get_word_vectors(model)


@pytest.mark.parametrize(
    "kwargs, exception, fragment",
    [
        ({"method": "3cosmax"}, ValueError, "method"),
        ({"oov": "ignore"}, ValueError, "oov"),
        ({"restrict_vocab": 0}, ValueError, "restrict_vocab"),
        ({"batch_size": -1}, ValueError, "batch_size"),
        ({"restrict_vocab": 2.5}, TypeError, "restrict_vocab"),
    ],
)
def test_analogy_accuracy_arguments(kwargs, exception, fragment):
    with raises(exception, fragment):
        analogy_accuracy(analogy_vectors(), [("man", "woman", "king", "queen")], **kwargs)


def test_analogy_scorer_checks_its_questions_when_made():
    with raises(ValueError, "4 words"):
        make_analogy_scorer([("a", "b")])


def test_analogy_questions_file_with_a_short_line(tmp_path):
    path = tmp_path / "questions.txt"
    path.write_text(": family\nman woman king queen\na b c\n", encoding="utf-8")
    with raises(ValueError, "Line 3", str(path), "four"):
        read_analogies(path)


def test_missing_corpus_file(tmp_path):
    with raises(FileNotFoundError, str(tmp_path / "missing.txt")):
        LineCorpus(tmp_path / "missing.txt")


@pytest.mark.parametrize(
    "words, vectors, exception, fragment",
    [
        (["a", "b"], np.ones((3, 2)), ValueError, "3 rows"),
        (["a", "a"], np.ones((2, 2)), ValueError, "'a' occurs more than once"),
        (["a", 1], np.ones((2, 2)), TypeError, "words must be strings"),
        (["a", "b"], np.array([[1.0, np.nan], [1.0, 2.0]]), ValueError, "NaN"),
        (["a", "b"], np.array([[1.0, np.inf], [1.0, 2.0]]), ValueError, "infinite"),
    ],
)
def test_word_vectors_of_inconsistent_parts(words, vectors, exception, fragment):
    with raises(exception, fragment):
        WordVectors(words, vectors)


# -- vector files -------------------------------------------------------------------------------
# Every message names the file, the line (or the vector and byte of a binary file) and what to do;
# no header is trusted for memory.

VECTOR_SIZE = 3
ROWS = np.array([[1.0, -2.0, 0.5], [0.25, 4.0, -1.0], [3.0, 0.0, 2.0]], dtype="<f4")


def text_file(tmp_path, text, name="vectors.txt"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def binary_bytes(header=b"3 3\n", rows=ROWS, words=(b"a", b"b", b"c")):
    return header + b"".join(word + b" " + row.tobytes() + b"\n" for word, row in zip(words, rows))


def load(path, **kwargs):
    from skvec import WordVectors

    return WordVectors.load_word2vec_format(path, **kwargs)


def test_text_file_read_as_binary(tmp_path):
    path = text_file(tmp_path, "3 3\na 1 -2 0.5\nb 0.25 4 -1\nc 3 0 2\n")
    with raises(ValueError, "vectors.txt", "line 2", "text word2vec format", "binary=False"):
        load(path, binary=True)


def test_binary_file_read_as_text(tmp_path):
    path = text_file(tmp_path, binary_bytes(), "vectors.bin")
    with raises(ValueError, "Line 2", "vectors.bin", "binary=True"):  # binary=False insists on text
        load(path, binary=False)
    assert load(path).words == ["a", "b", "c"]  # detected by content


@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_header_count_smaller_than_the_text_file(tmp_path, suffix):
    from skvec._io import open_file

    path = tmp_path / f"vectors.txt{suffix}"
    with open_file(path, "wt") as f:
        f.write("2 3\na 1 -2 0.5\nb 0.25 4 -1\nc 3 0 2\n")
    with raises(ValueError, "vectors.txt", "line 4", "after the 2 vectors its header announces", "limit=2"):
        load(path)
    assert len(load(path, limit=2)) == 2


def test_header_count_smaller_than_the_binary_file(tmp_path):
    path = text_file(tmp_path, binary_bytes(header=b"2 3\n"), "vectors.bin")
    with raises(ValueError, "vectors.bin", "goes on at byte", "header announces", "limit=2"):
        load(path, binary=True)
    assert load(path, binary=True, limit=2).words == ["a", "b"]


@pytest.mark.parametrize("suffix", ["", ".gz"])
@pytest.mark.parametrize("binary", [False, True])
def test_huge_header_count_allocates_nothing_for_it(tmp_path, suffix, binary):
    from skvec._io import open_file

    path = tmp_path / f"vectors{suffix}"
    header = b"1000000000000 3\n"
    data = binary_bytes(header=header) if binary else header + b"a 1 -2 0.5\nb 0.25 4 -1\nc 3 0 2\n"
    with open_file(path, "wb") as f:
        f.write(data)
    where = "vector 4" if binary else "line 4"
    with raises(ValueError, "vectors", where, "after 3 vectors", "announces 1000000000000", "limit=3"):
        load(path, binary=binary)
    assert len(load(path, binary=binary, limit=3)) == 3


@pytest.mark.parametrize("binary", [False, True])
def test_huge_header_vector_size(tmp_path, binary):
    path = text_file(tmp_path, "2 1000000000000\na 1 2\nb 3 4\n")
    with raises(ValueError, "Line 1", "vectors.txt", "1000000000000 dimensions", "fix the header"):
        load(path, binary=binary)


def test_huge_header_vector_size_in_a_compressed_file(tmp_path):
    from skvec._io import open_file

    path = tmp_path / "vectors.bin.gz"
    with open_file(path, "wb") as f:
        f.write(b"2 1000000000000\na " + ROWS[0].tobytes())
    with raises(ValueError, "vectors.bin.gz", "vector 1", "after 0 vectors"):
        load(path, binary=True)
    with raises(ValueError, "Line 2", "vectors.bin.gz", "header announces 1000000000000"):
        load(path, binary=False)


@pytest.mark.parametrize("header, problem", [("-3 2", "-3 vectors"), ("3 0", "0 dimensions"), ("2 -5", "-5 dimensions")])
@pytest.mark.parametrize("binary", [False, True])
def test_negative_or_zero_header(tmp_path, header, problem, binary):
    path = text_file(tmp_path, f"{header}\na 1 2\n")
    with raises(ValueError, "Line 1", "vectors.txt", problem, ">= 0", ">= 1", "fix the header"):
        load(path, binary=binary)


def test_header_count_larger_than_the_file(tmp_path):
    path = text_file(tmp_path, "5 3\na 1 -2 0.5\nb 0.25 4 -1\n")
    with raises(ValueError, "vectors.txt", "after 2 vectors", "announces 5", "limit=2"):
        load(path)
    path = text_file(tmp_path, binary_bytes(header=b"5 3\n", rows=ROWS[:2]), "vectors.bin")
    with raises(ValueError, "vectors.bin", "vector 3", "after 2 vectors", "announces 5", "limit=2"):
        load(path, binary=True)


def test_binary_file_cut_inside_a_vector(tmp_path):
    path = text_file(tmp_path, binary_bytes()[:-7], "vectors.bin")
    with raises(ValueError, "vectors.bin", "vector 3", "after 2 vectors"):
        load(path, binary=True)


@pytest.mark.parametrize(
    "text, fragments",
    [
        ("2 3\na 1 2 3\nb 1 2\n", ["Line 3", "2 values after the word", "header announces 3"]),
        ("2 3\na 1 2 3\nb 1 2 3 4\n", ["Line 3", "4 values after the word", "header announces 3"]),
        ("a 1 2 3\nb 1 2\n", ["Line 2", "2 values after the word", "first line has 3"]),
        ("2 3\na 1 2 3\nb 1 x 3\n", ["Line 3", "'x' is not a number"]),
        ("2 3\na 1 2 3\nb 1 nan 3\n", ["Line 3", "NaN or infinite"]),
        ("a\n", ["Line 1", "no values"]),
        ("\n", ["Line 1", "is empty"]),
    ],
)
def test_malformed_text_lines(tmp_path, text, fragments):
    path = text_file(tmp_path, text)
    with raises(ValueError, "vectors.txt", *fragments):
        load(path)


def test_nan_in_a_binary_vector(tmp_path):
    rows = ROWS.copy()
    rows[1, 2] = np.nan
    path = text_file(tmp_path, binary_bytes(rows=rows), "vectors.bin")
    with raises(ValueError, "Vector 2", "vectors.bin", "NaN or infinite"):
        load(path, binary=True)


def test_undecodable_word_names_line_and_remedy(tmp_path):
    path = text_file(tmp_path, b"1 2\n\xff\xfe 1 2\n")
    with raises(ValueError, "Line 2", "vectors.txt", "not utf-8", "unicode_errors='replace'"):
        load(path)
    assert len(load(path, unicode_errors="replace")) == 1


def test_header_options_that_do_not_fit_the_file(tmp_path):
    glove = text_file(tmp_path, "a 1 2\nb 3 4\n", "glove.txt")
    with raises(ValueError, "Line 1", "glove.txt", "not a header", "no_header=False requires one"):
        load(glove, no_header=False)
    with raises(ValueError, "Line 1", "glove.txt", "the binary format always has one", "binary=False"):
        load(glove, binary=True)
    with_header = text_file(tmp_path, "2 2\na 1 2\nb 3 4\n", "w2v.txt")
    with raises(ValueError, "Line 2", "w2v.txt", "looks like a header", "leave no_header unset"):
        load(with_header, no_header=True)


@pytest.mark.parametrize(
    "kwargs, exception, fragments",
    [
        (dict(limit=-1), ValueError, ["limit"]),
        (dict(limit=1.5), TypeError, ["limit"]),
        (dict(no_header="yes"), TypeError, ["no_header"]),
    ],
)
def test_reader_parameters(tmp_path, kwargs, exception, fragments):
    path = text_file(tmp_path, "1 2\na 1 2\n")
    with raises(exception, *fragments):
        load(path, **kwargs)


def test_missing_vector_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "missing.txt")


def test_writer_refuses_what_the_format_cannot_hold(tmp_path):
    from skvec import WordVectors

    with raises(ValueError, "'a b'", "whitespace"):
        WordVectors(["a b"], np.ones((1, 2))).save_word2vec_format(tmp_path / "x.txt")
    with raises(ValueError, "write_header=False", "binary format always has a header"):
        WordVectors(["a"], np.ones((1, 2))).save_word2vec_format(tmp_path / "x.bin", binary=True, write_header=False)


# -- counting: memory estimates and temporary files -----------------------------------------------

# A window is the distance a count reaches; no distance exceeds the longest
# document, so a longer window must cost nothing more.  Memory the count cannot
# have is refused before it is allocated.  A spilled count removes its
# temporary directory on every way out (SIGTERM included), and the directory
# of a process killed outright is removed by the next spilled count.


def _traced_peak(function):
    tracemalloc.start()
    try:
        result = function()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _linear_reference(window):
    """Counts of WINDOW_DOCS with linear weights (window - d + 1) / window, in exact fractions."""
    w1, w2 = Fraction(1), Fraction(window - 1, window)
    # rows/columns a, c, b: a-c at distances 2 and 1, a-b and b-c at distance 1
    dense = [[0, w2 + w1, w1], [w2 + w1, 0, w1], [w1, w1, 0]]
    return np.array([[float(x) for x in row] for row in dense]).astype(np.float32)


WINDOW_DOCS = ["a b c", "c a"]
STRATEGIES = [{}, {"max_memory": "1MB"}, {"n_shards": 2, "n_jobs": 1}]


@pytest.mark.parametrize("strategy", STRATEGIES, ids=["in_memory", "spilled", "sharded"])
@pytest.mark.parametrize("weighting", ["harmonic", "uniform", "linear"])
def test_window_longer_than_every_document_costs_no_memory(weighting, strategy):
    huge = CooccurrenceVectorizer(window=10**9, weighting=weighting, min_count=1, **strategy)
    counts, peak = _traced_peak(lambda: huge.fit_transform(WINDOW_DOCS))
    assert peak < 64 * 2**20, f"window=10**9 on two short documents traced {peak / 2**20:.0f} MiB"
    assert huge.window == 10**9  # the parameter is the user's, unchanged
    assert huge.get_feature_names_out().tolist() == ["a", "c", "b"]
    if weighting == "linear":
        np.testing.assert_array_equal(counts.toarray(), _linear_reference(10**9))
    else:
        # 1/d and 1 do not depend on the window: the whole document is window 2 here.
        whole = CooccurrenceVectorizer(window=2, weighting=weighting, min_count=1).fit_transform(WINDOW_DOCS)
        np.testing.assert_array_equal(counts.indptr, whole.indptr)
        np.testing.assert_array_equal(counts.indices, whole.indices)
        np.testing.assert_array_equal(counts.data, whole.data)


@pytest.mark.parametrize("weighting", ["harmonic", "uniform", "linear"])
def test_window_beyond_the_documents_gives_the_exact_counts(weighting):
    docs = [["a", "b", "c", "a", "d"], ["b", "d"], ["c"]]
    expected = {"harmonic": lambda d: Fraction(1, d), "uniform": lambda d: Fraction(1),
                "linear": lambda d: Fraction(50 - d + 1, 50)}[weighting]
    vectorizer = CooccurrenceVectorizer(window=50, weighting=weighting, min_count=1, dtype=np.float64)
    counts = vectorizer.fit_transform(docs).toarray()
    row = vectorizer.vocabulary_
    reference = np.zeros_like(counts)
    for doc in docs:
        for p, word in enumerate(doc):
            for q, context in enumerate(doc):
                if p != q:
                    reference[row[word], row[context]] += float(expected(abs(p - q)))
    np.testing.assert_allclose(counts, reference, rtol=1e-15)


def test_matrix_that_cannot_fit_is_refused_before_it_is_allocated(monkeypatch):
    import skvec._validation as validation

    monkeypatch.setattr(validation, "physical_memory", lambda: 64)
    with pytest.raises(MemoryError, match=r"needs .* GiB.*Lower window.*max_memory") as error:
        CooccurrenceVectorizer(window=5, min_count=1).fit_transform(DOCS)
    assert "entries" in str(error.value)
    # The vocabulary alone still fits.
    assert len(CooccurrenceVectorizer(window=5, min_count=1).fit(DOCS).vocabulary_) == 9


SPILL_SCRIPT = """
import os, sys, time
import skvec._counting.spill as spill
from skvec import CooccurrenceVectorizer

marker = sys.argv[1]
spill.BATCH_DOCS = 13
merge = spill.kernels.sum_partials


def slow_merge(*args, **kwargs):
    n_files = sum(len(files) for _, _, files in os.walk(spill.tempfile.gettempdir()))
    with open(marker + ".tmp", "w") as handle:
        handle.write(str(n_files))
    os.replace(marker + ".tmp", marker)
    time.sleep(120)
    return merge(*args, **kwargs)


spill.kernels.sum_partials = slow_merge
docs = [" ".join(f"w{(7 * i + 3 * j) % 97}" for j in range(25)) for i in range(300)]
CooccurrenceVectorizer(min_count=1, max_memory="20kB", n_jobs=1).fit_transform(docs)
"""


def _killed_during_merge(tmp_path, signum):
    """Run a spilled count in a child process and send it ``signum`` during the merge."""
    spill_root = tmp_path / "spill"
    spill_root.mkdir()
    marker = tmp_path / "merging"
    repository = os.path.dirname(os.path.dirname(os.path.abspath(skvec.__file__)))
    env = {**os.environ, "TMPDIR": str(spill_root), "PYTHONPATH": repository}
    child = subprocess.Popen([sys.executable, "-c", SPILL_SCRIPT, str(marker)], env=env, cwd=repository)
    try:
        deadline = time.monotonic() + 300
        while not marker.exists():
            assert child.poll() is None, "the child ended before the merge"
            assert time.monotonic() < deadline, "the child never reached the merge"
            time.sleep(0.1)
        child.send_signal(signum)
        returncode = child.wait(timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert int(marker.read_text()) > 4, "runs should be on disk when the merge starts"
    return spill_root, child.pid, returncode


def test_temporary_files_removed_on_sigterm(tmp_path):
    spill_root, _, returncode = _killed_during_merge(tmp_path, signal.SIGTERM)
    assert returncode == -signal.SIGTERM  # the process still ends as SIGTERM ends it
    assert os.listdir(spill_root) == []


def test_leftovers_of_a_killed_process_are_removed_by_the_next_count(tmp_path, monkeypatch):
    spill_root, pid, returncode = _killed_during_merge(tmp_path, signal.SIGKILL)
    assert returncode == -signal.SIGKILL
    leftovers = os.listdir(spill_root)
    assert len(leftovers) == 1 and leftovers[0].startswith(f"skvec-cooccurrence-{pid}-")
    # Directories of live processes, and names that are not spill directories, stay.
    alive = spill_root / f"skvec-cooccurrence-{os.getppid()}-live"
    other = spill_root / "skvec-cooccurrence-notapid"
    alive.mkdir()
    other.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spill_root))
    CooccurrenceVectorizer(min_count=1, max_memory="1MB").fit_transform(DOCS)
    assert sorted(os.listdir(spill_root)) == sorted([alive.name, other.name])


class _Handled(Exception):
    pass


def test_sigterm_reaches_the_previous_handler_which_is_restored(tmp_path, monkeypatch):
    import skvec._counting.spill as spill

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    calls = []

    def handler(signum, frame):
        calls.append(signum)
        raise _Handled

    merge = spill.kernels.sum_partials

    def terminated_merge(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGTERM)
        return merge(*args, **kwargs)

    monkeypatch.setattr(spill, "BATCH_DOCS", 2)
    monkeypatch.setattr(spill.kernels, "sum_partials", terminated_merge)
    previous = signal.signal(signal.SIGTERM, handler)
    try:
        with pytest.raises(_Handled):
            CooccurrenceVectorizer(min_count=1, max_memory="16KiB", n_jobs=1).fit_transform(DOCS * 20)
        assert signal.getsignal(signal.SIGTERM) is handler
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert calls == [signal.SIGTERM]
    assert os.listdir(tmp_path) == []


def test_spilled_count_leaves_the_sigterm_handler_as_it_was(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    before = signal.getsignal(signal.SIGTERM)
    CooccurrenceVectorizer(min_count=1, max_memory="1MB").fit_transform(DOCS)
    assert signal.getsignal(signal.SIGTERM) is before
    assert os.listdir(tmp_path) == []



# -- command line ------------------------------------------------------------------------------------
# Every user error of the command line is one "skvec: error: ..." line on stderr
# and exit status 1 (the work failed) or 2 (usage); a traceback only with --debug.

import bz2  # noqa: E402
import gzip  # noqa: E402
import lzma  # noqa: E402

from skvec.cli import main as cli_main  # noqa: E402

CLI_TRAIN = ["--param", "n_components=4", "--param", "min_count=1", "--param", "n_jobs=1", "--param", "epochs=1"]


@pytest.fixture(scope="module")
def cli_files(tmp_path_factory):
    """A small corpus, plain and cut short in each compression, and damaged vector files."""
    root = tmp_path_factory.mktemp("cli")
    text = ("\n".join(DOCS) + "\n").encode() * 20
    (root / "corpus.txt").write_bytes(text)
    for suffix, compress in ((".gz", gzip.compress), (".bz2", bz2.compress), (".xz", lzma.compress)):
        packed = compress(text)
        (root / f"truncated.txt{suffix}").write_bytes(packed[: len(packed) // 2])
    (root / "latin1.txt").write_bytes("caf\xe9 au lait\n".encode("latin-1") * 5)
    (root / "empty.txt").write_text("")
    (root / "huge-header.txt").write_text("1000000000000 2\nthe 0.1 0.2\n")
    (root / "pairs.txt").write_text("cat dog not-a-number\n")
    return root


def cli_error(capsys, args, status):
    """Run the command; assert the status and one error line without traceback; return that line."""
    assert cli_main([str(arg) for arg in args]) == status
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if line.startswith("skvec: error: ")]
    assert len(errors) == 1, err
    assert "Traceback" not in err
    return errors[0]


@pytest.mark.parametrize(
    "param, fragment, status",
    [
        ("alpha=1e6", "alpha", 1),  # training diverges: FloatingPointError inside
        # Values the estimator rejects: refused before training, as a malformed parameter.
        ("ns_exponent=-1000", "ns_exponent", 2),
        ("window=-1", "window", 2),
        ("epochs=0", "epochs", 2),
        ("architecture='skip'", "architecture", 2),
    ],
)
def test_cli_parameter_that_fails_training(cli_files, tmp_path, capsys, param, fragment, status):
    args = ["train", "word2vec", "--corpus", cli_files / "corpus.txt", "--out", tmp_path / "v.txt", *CLI_TRAIN]
    line = cli_error(capsys, [*args, "--param", param], status)
    assert fragment in line


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz"])
def test_cli_truncated_compressed_corpus(cli_files, tmp_path, capsys, suffix):
    corpus = cli_files / f"truncated.txt{suffix}"
    line = cli_error(capsys, ["train", "word2vec", "--corpus", corpus, "--out", tmp_path / "v.txt", *CLI_TRAIN], 1)
    assert str(corpus) in line and "truncated or corrupt" in line


def test_cli_corpus_not_utf8(cli_files, tmp_path, capsys):
    corpus = cli_files / "latin1.txt"
    line = cli_error(capsys, ["train", "word2vec", "--corpus", corpus, "--out", tmp_path / "v.txt", *CLI_TRAIN], 1)
    assert str(corpus) in line and "UTF-8" in line


def test_cli_empty_corpus(cli_files, tmp_path, capsys):
    args = ["train", "word2vec", "--corpus", cli_files / "empty.txt", "--out", tmp_path / "v.txt", *CLI_TRAIN]
    assert "empty" in cli_error(capsys, args, 1)


def test_cli_corpus_is_a_directory(cli_files, tmp_path, capsys):
    line = cli_error(capsys, ["train", "sppmi-svd", "--corpus", cli_files, "--out", tmp_path / "v.txt"], 1)
    assert "is a directory" in line


def test_cli_unwritable_output(cli_files, tmp_path, capsys):
    out = tmp_path / "no" / "such" / "dir" / "v.txt"
    line = cli_error(capsys, ["train", "word2vec", "--corpus", cli_files / "corpus.txt", "--out", out, *CLI_TRAIN], 1)
    assert f"cannot write {out}" in line


def test_cli_vector_file_header_claims_too_many_words(cli_files, capsys):
    path = cli_files / "huge-header.txt"
    for command in (["evaluate", path], ["similar", path, "the"]):
        assert str(path) in cli_error(capsys, command, 1)


def test_cli_malformed_word_pairs(cli_files, capsys):
    vectors = cli_files / "w.txt"
    vectors.write_text("2 2\nthe 0.1 0.2\ncat 0.3 0.1\n")
    line = cli_error(capsys, ["evaluate", vectors, "--pairs", cli_files / "pairs.txt"], 1)
    assert "pairs.txt" in line


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["train", "word2vec", "--param", "alpha"], "NAME=VALUE"),
        (["train", "word2vec", "--param", "alhpa=0.1"], "did you mean 'alpha'"),
        (["train", "nonsense"], "unknown method 'nonsense'"),
        (["train"], "METHOD"),
        (["similar", "v.txt"], "WORD"),
        (["similar", "v.txt", "cat", "-n", "x"], "invalid int value"),
        (["evaluate", "v.txt", "--method", "3cosfoo"], "invalid choice"),
        (["similar", "v.txt", "cat", "--frobnicate"], "unrecognized arguments"),
    ],
)
def test_cli_usage_errors(capsys, args, fragment):
    assert fragment in cli_error(capsys, args, 2)


def test_cli_nonpositive_counts(cli_files, capsys):
    vectors = cli_files / "w2.txt"
    vectors.write_text("2 2\nthe 0.1 0.2\ncat 0.3 0.1\n")
    assert "-n must be a positive integer" in cli_error(capsys, ["similar", vectors, "cat", "-n", "0"], 2)
    assert "--restrict-vocab" in cli_error(capsys, ["evaluate", vectors, "--restrict-vocab", "0"], 2)


def test_cli_debug_shows_the_traceback(cli_files, tmp_path, capsys):
    args = ["train", "word2vec", "--corpus", str(cli_files / "truncated.txt.gz"), "--out", str(tmp_path / "v.txt")]
    for debug_args in ([*args, *CLI_TRAIN, "--debug"], ["--debug", *args, *CLI_TRAIN]):
        with pytest.raises(Exception) as info:
            cli_main(debug_args)
        # The original error is kept as the cause, so the traceback shows where it happened.
        assert isinstance(info.value.__cause__, EOFError)
    capsys.readouterr()
