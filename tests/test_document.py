"""EmbeddingVectorizer: pooling arithmetic, edge cases and scikit-learn integration."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, clone
from sklearn.decomposition import TruncatedSVD
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from corpora import FINANCE, FUNCTION_WORDS, PETS, topic_sentences
from skvec import EmbeddingVectorizer
from skvec._corpus import DEFAULT_TOKEN_PATTERN, encode_corpus, make_analyzer, vocabulary_dict

POOLINGS = ["mean", "sum", "max", "tfidf", "sif"]


class TableEmbedder(BaseEstimator):
    """A word model with fixed pseudo-random vectors: exact expectations are easy to state."""

    def __init__(self, n_components=5, min_count=1, lowercase=True, token_pattern=DEFAULT_TOKEN_PATTERN,
                 tokenizer=None, random_state=0):
        self.n_components = n_components
        self.min_count = min_count
        self.lowercase = lowercase
        self.token_pattern = token_pattern
        self.tokenizer = tokenizer
        self.random_state = random_state

    def fit(self, X, y=None):
        encoded = encode_corpus(
            X, lowercase=self.lowercase, token_pattern=self.token_pattern, tokenizer=self.tokenizer,
            min_count=self.min_count,
        )
        self.vocabulary_ = vocabulary_dict(encoded.words)
        self.word_counts_ = encoded.counts
        rng = np.random.RandomState(self.random_state)
        self.embedding_ = rng.standard_normal((len(encoded.words), self.n_components))
        return self

    def fit_transform(self, X, y=None):
        return self.fit(X).embedding_


DOCS = [
    "the cat sat on the mat",
    "The dog sat on the log and the dog slept",
    "a cat and a dog",
    "the log",
    "birds fly over the mat",
    "the cat the cat the cat",
]


def _reference(vectorizer, docs, pooling):
    """Pool one document at a time in plain Python."""
    model = vectorizer.embedder_
    analyzer = make_analyzer(model.lowercase, model.token_pattern, model.tokenizer)
    vocab = model.vocabulary_
    E = vectorizer.word_vectors_.vectors
    rows = []
    counts = model.word_counts_ / model.word_counts_.sum()
    for doc in docs:
        tokens = [vocab[t] for t in analyzer(doc) if t in vocab]
        if not tokens:
            rows.append(np.zeros(E.shape[1]))
            continue
        vecs = E[tokens]
        if pooling == "mean":
            rows.append(vecs.mean(axis=0))
        elif pooling == "sum":
            rows.append(vecs.sum(axis=0))
        elif pooling == "max":
            rows.append(vecs.max(axis=0))
        elif pooling == "tfidf":
            w = vectorizer.idf_[tokens]
            rows.append((w[:, None] * vecs).sum(axis=0) / w.sum())
        else:
            a = vectorizer.sif_a
            w = a / (a + counts[tokens])
            rows.append((w[:, None] * vecs).sum(axis=0) / len(tokens))
    out = np.array(rows)
    if pooling == "sif":
        u = vectorizer.sif_component_
        out = out - np.outer(out @ u, u)
    return out


@pytest.mark.parametrize("pooling", POOLINGS)
def test_pooling_matches_per_document_reference(pooling):
    vectorizer = EmbeddingVectorizer(TableEmbedder(), pooling=pooling, norm=None, standardize=False)
    X = vectorizer.fit_transform(DOCS)
    assert X.shape == (len(DOCS), 5)
    np.testing.assert_allclose(X, _reference(vectorizer, DOCS, pooling), rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(vectorizer.transform(DOCS), X)


@pytest.mark.parametrize("pooling", POOLINGS)
@pytest.mark.parametrize("norm", ["l2", None])
def test_documents_without_known_words_give_zero_rows(pooling, norm):
    vectorizer = EmbeddingVectorizer(TableEmbedder(), pooling=pooling, norm=norm).fit(DOCS)
    X = vectorizer.transform(["", "zebra quagga", "cat", "!!!"])
    assert np.isfinite(X).all()
    np.testing.assert_array_equal(X[[0, 1, 3]], 0.0)
    assert np.abs(X[2]).sum() > 0


def test_max_pooling_does_not_depend_on_threads():
    docs = DOCS * 7 + ["", "unknown words only"]
    one = EmbeddingVectorizer(TableEmbedder(), pooling="max", n_jobs=1).fit_transform(docs)
    every = EmbeddingVectorizer(TableEmbedder(), pooling="max", n_jobs=-1).fit_transform(docs)
    np.testing.assert_array_equal(one, every)


@pytest.mark.parametrize("pooling", POOLINGS)
def test_l2_norm_gives_unit_rows(pooling):
    X = EmbeddingVectorizer(TableEmbedder(), pooling=pooling, standardize=False).fit_transform(DOCS)
    np.testing.assert_allclose(np.linalg.norm(X, axis=1), 1.0, rtol=1e-6)


@pytest.mark.parametrize("pooling", POOLINGS)
def test_standardize_gives_columns_of_zero_mean_and_unit_variance(pooling):
    docs = DOCS + [""]
    vectorizer = EmbeddingVectorizer(TableEmbedder(), pooling=pooling)
    X = vectorizer.fit_transform(docs)
    raw = EmbeddingVectorizer(TableEmbedder(), pooling=pooling, standardize=False).fit_transform(docs)
    known = slice(0, len(DOCS))
    np.testing.assert_allclose(X[known].mean(axis=0), 0.0, atol=1e-5)
    np.testing.assert_allclose(X[known].std(axis=0), 1.0, rtol=1e-4)
    np.testing.assert_allclose(X[known], (raw[known] - vectorizer.mean_) / vectorizer.scale_, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(X[len(DOCS):], 0.0)
    np.testing.assert_allclose(vectorizer.transform(docs), X, rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(vectorizer.transform(["zebra quagga"]), 0.0)


def test_tfidf_idf_matches_scikit_learn():
    vectorizer = EmbeddingVectorizer(TableEmbedder(), pooling="tfidf").fit(DOCS)
    tfidf = TfidfVectorizer(vocabulary=vectorizer.word_vectors_.words, token_pattern=DEFAULT_TOKEN_PATTERN)
    tfidf.fit(DOCS)
    np.testing.assert_allclose(vectorizer.idf_, tfidf.idf_)


def test_sif_removes_the_common_component():
    vectorizer = EmbeddingVectorizer(TableEmbedder(), pooling="sif", norm=None, sif_a=1e-2, standardize=False)
    vectorizer.fit(DOCS)
    u = vectorizer.sif_component_
    np.testing.assert_allclose(np.linalg.norm(u), 1.0, rtol=1e-6)
    X = vectorizer.transform(DOCS + ["the dog and the bird"])
    np.testing.assert_allclose(X @ u, 0.0, atol=1e-6)
    weights = vectorizer.word_weights_
    assert weights.shape == (len(vectorizer.word_vectors_.words),)
    # The most frequent word ("the") gets the smallest weight.
    assert weights.argmin() == vectorizer.embedder_.vocabulary_["the"]


def test_statistics_of_another_pooling_do_not_linger():
    vectorizer = EmbeddingVectorizer(TableEmbedder(), pooling="tfidf").fit(DOCS)
    assert hasattr(vectorizer, "idf_")
    vectorizer.set_params(pooling="mean").fit(DOCS)
    assert not hasattr(vectorizer, "idf_")


def test_fit_trains_a_clone_and_prefit_uses_the_model_as_is():
    embedder = TableEmbedder()
    vectorizer = EmbeddingVectorizer(embedder).fit(DOCS)
    assert not hasattr(embedder, "vocabulary_")
    assert vectorizer.embedder_ is not embedder

    fitted = TableEmbedder().fit(DOCS[:3])
    prefit = EmbeddingVectorizer(fitted, prefit=True).fit(DOCS)
    assert prefit.embedder_ is fitted
    assert prefit.word_vectors_.words == list(fitted.vocabulary_)
    # "birds" is only in the documents given to fit, not in the prefit model.
    np.testing.assert_array_equal(prefit.transform(["birds"]), 0.0)

    with pytest.raises(NotFittedError):
        EmbeddingVectorizer(TableEmbedder(), prefit=True).fit(DOCS)


def test_tokenization_follows_the_word_model():
    docs = ["Paris is big", "paris is old", "Paris Paris"]
    sensitive = EmbeddingVectorizer(TableEmbedder(lowercase=False), norm=None).fit(docs)
    assert "Paris" in sensitive.word_vectors_.words and "paris" in sensitive.word_vectors_.words
    a, b = sensitive.transform(["Paris", "paris"])
    assert not np.allclose(a, b)
    folded = EmbeddingVectorizer(TableEmbedder(), norm=None).fit(docs)
    a, b = folded.transform(["Paris", "paris"])
    np.testing.assert_array_equal(a, b)


def test_token_sequences_and_generators():
    tokenized = [doc.lower().split() for doc in DOCS]
    from_tokens = EmbeddingVectorizer(TableEmbedder()).fit_transform(tokenized)
    from_text = EmbeddingVectorizer(TableEmbedder()).fit_transform(DOCS)
    np.testing.assert_allclose(from_tokens, from_text)
    from_generator = EmbeddingVectorizer(TableEmbedder()).fit((doc for doc in DOCS)).transform(DOCS)
    np.testing.assert_allclose(from_generator, from_text)


@pytest.mark.parametrize(
    "params, error, match",
    [
        ({"pooling": "median"}, ValueError, "pooling"),
        ({"norm": "l3"}, ValueError, "norm"),
        ({"pooling": "sif", "sif_a": 0.0}, ValueError, "sif_a"),
        ({"pooling": "sif", "sif_a": "small"}, TypeError, "sif_a"),
        ({"prefit": "yes"}, TypeError, "prefit"),
        ({"n_jobs": 0}, ValueError, "n_jobs"),
        ({"n_jobs": 1.5}, TypeError, "n_jobs"),
    ],
)
def test_invalid_parameters_are_named(params, error, match):
    with pytest.raises(error, match=match):
        EmbeddingVectorizer(TableEmbedder(), **params).fit(DOCS)


def test_invalid_embedder_and_input():
    with pytest.raises(TypeError, match="embedder"):
        EmbeddingVectorizer("word2vec").fit(DOCS)
    with pytest.raises(TypeError, match="single str"):
        EmbeddingVectorizer(TableEmbedder()).fit("one long string")
    with pytest.raises(NotFittedError):
        EmbeddingVectorizer(TableEmbedder()).transform(DOCS)


def test_feature_names_and_pandas_output():
    vectorizer = EmbeddingVectorizer(TableEmbedder(n_components=3)).fit(DOCS)
    names = vectorizer.get_feature_names_out()
    assert list(names) == ["embeddingvectorizer0", "embeddingvectorizer1", "embeddingvectorizer2"]
    frame = vectorizer.set_output(transform="pandas").transform(DOCS)
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == list(names)
    np.testing.assert_allclose(frame.to_numpy(), vectorizer.set_output(transform="default").transform(DOCS))


def test_clone_and_pickle():
    vectorizer = EmbeddingVectorizer(TableEmbedder(), pooling="sif", norm=None, sif_a=0.01)
    cloned = clone(vectorizer)
    assert cloned.get_params()["embedder__n_components"] == 5
    assert cloned.get_params()["sif_a"] == 0.01
    vectorizer.fit(DOCS)
    restored = pickle.loads(pickle.dumps(vectorizer))
    np.testing.assert_array_equal(restored.transform(DOCS), vectorizer.transform(DOCS))


# -- with the real word models -------------------------------------------------------------

def _corpus(n_docs):
    """Two topics (pets, finance) of eight words each, plus function words; the topic is the label."""
    return topic_sentences([PETS, FINANCE], FUNCTION_WORDS, n_docs, 8, 4)


def _count_pipeline(last=None):
    from skvec import CooccurrenceVectorizer, SPPMITransformer, SVDEmbedder

    last = SVDEmbedder(n_components=4, random_state=0) if last is None else last
    steps = [CooccurrenceVectorizer(window=2, min_count=1), SPPMITransformer()]
    if last != "sparse":
        steps.append(last)
    return make_pipeline(*steps)


def _glove_pipeline():
    from skvec import CooccurrenceVectorizer, GloVeEmbedder

    return make_pipeline(
        CooccurrenceVectorizer(window=2, min_count=1),
        GloVeEmbedder(n_components=4, max_iter=3, n_jobs=1, random_state=0),
    )


@pytest.mark.parametrize(
    "make_model",
    [
        lambda: _count_pipeline(),
        lambda: _count_pipeline(TruncatedSVD(n_components=4, random_state=0)),
        lambda: _count_pipeline("sparse"),
        lambda: _glove_pipeline(),
    ],
    ids=["svdembedder", "truncatedsvd", "sppmi-rows", "glove"],
)
def test_word_plane_pipelines(make_model):
    from skvec import get_word_vectors

    docs, _ = _corpus(60)
    vectorizer = EmbeddingVectorizer(make_model(), pooling="sif")
    X = vectorizer.fit_transform(docs)
    reference = get_word_vectors(make_model().fit(docs), X=docs)
    assert vectorizer.word_vectors_.words == reference.words
    assert X.shape == (len(docs), reference.vectors.shape[1])
    assert isinstance(X, np.ndarray) and np.isfinite(X).all()
    np.testing.assert_allclose(vectorizer.transform(docs), X, rtol=1e-5, atol=1e-6)


def test_max_pooling_rejects_sparse_word_vectors():
    docs, _ = _corpus(20)
    with pytest.raises(ValueError, match="pooling='max'"):
        EmbeddingVectorizer(_count_pipeline("sparse"), pooling="max").fit(docs)


def test_word2vec_in_a_classifier_grid_search():
    from skvec import Word2VecEmbedder

    docs, labels = _corpus(200)
    embedder = Word2VecEmbedder(n_components=8, min_count=1, epochs=3, n_jobs=1, random_state=0)
    pipeline = make_pipeline(EmbeddingVectorizer(embedder), LogisticRegression())
    search = GridSearchCV(
        pipeline, {"embeddingvectorizer__embedder__window": [2, 3], "embeddingvectorizer__pooling": ["mean"]}, cv=2
    )
    search.fit(docs, labels)
    assert search.best_params_["embeddingvectorizer__embedder__window"] in (2, 3)
    fitted = search.best_estimator_.named_steps["embeddingvectorizer"].embedder_
    assert fitted.window == search.best_params_["embeddingvectorizer__embedder__window"]
    # The two topics use disjoint words: pooled word2vec vectors separate them.
    assert search.best_score_ > 0.9


def test_word2vec_is_deterministic_with_one_thread():
    from skvec import Word2VecEmbedder

    docs, _ = _corpus(80)
    embedder = Word2VecEmbedder(n_components=6, min_count=1, epochs=2, n_jobs=1, random_state=3)
    first = EmbeddingVectorizer(embedder, pooling="tfidf").fit_transform(docs)
    second = EmbeddingVectorizer(embedder, pooling="tfidf").fit_transform(docs)
    np.testing.assert_array_equal(first, second)


def test_prefit_word_vectors_from_a_file(tmp_path):
    from skvec import WordVectors

    model = TableEmbedder().fit(DOCS)
    path = tmp_path / "vectors.txt"
    WordVectors(list(model.vocabulary_), model.embedding_).save_word2vec_format(path)
    loaded = WordVectors.load_word2vec_format(path)
    from_file = EmbeddingVectorizer(loaded, prefit=True, pooling="sif").fit(DOCS)
    assert from_file.word_vectors_ is loaded
    from_model = EmbeddingVectorizer(model, prefit=True, pooling="mean").fit(DOCS)
    np.testing.assert_allclose(
        EmbeddingVectorizer(loaded, prefit=True).fit(DOCS).transform(DOCS), from_model.transform(DOCS), atol=1e-6
    )
    # Without counts in the vectors, SIF weights come from the documents given to fit.
    counts = np.bincount(from_file._encode(DOCS)[0], minlength=len(loaded))
    np.testing.assert_allclose(from_file.word_weights_, 1e-3 / (1e-3 + counts / counts.sum()))
    with pytest.raises(TypeError, match="embedder"):
        EmbeddingVectorizer(loaded).fit(DOCS)


def test_prefit_model_survives_cloning_when_frozen():
    frozen_module = pytest.importorskip("sklearn.frozen")  # scikit-learn >= 1.6; skvec supports 1.4
    from sklearn.model_selection import cross_val_score

    docs, labels = _corpus(120)
    words = _count_pipeline().fit(docs)
    classifier = make_pipeline(EmbeddingVectorizer(words, prefit=True), LogisticRegression())
    with pytest.raises(NotFittedError, match="FrozenEstimator"):
        cross_val_score(classifier, docs, labels, cv=2, error_score="raise")
    frozen = make_pipeline(EmbeddingVectorizer(frozen_module.FrozenEstimator(words), prefit=True), LogisticRegression())
    scores = cross_val_score(frozen, docs, labels, cv=2, error_score="raise")
    assert scores.min() > 0.9
    vectorizer = frozen.fit(docs, labels).steps[0][1]
    assert vectorizer.word_vectors_.words == EmbeddingVectorizer(words, prefit=True).fit(docs).word_vectors_.words


def test_prefit_pipeline_without_stored_vectors_is_refused():
    docs, _ = _corpus(40)
    words = _count_pipeline(TruncatedSVD(n_components=3, random_state=0)).fit(docs)
    with pytest.raises(ValueError, match="get_word_vectors"):
        EmbeddingVectorizer(words, prefit=True).fit(docs)


@pytest.mark.parametrize("shape", [(50, 10), (2, 2500), (40, 2500)])
def test_sif_component_of_narrow_and_wide_matrices(shape):
    from skvec.document import _first_singular_vector

    matrix = np.random.RandomState(0).rand(*shape).astype(np.float32)
    expected = np.linalg.svd(matrix.astype(np.float64), full_matrices=False)[2][0]
    found = _first_singular_vector(matrix)
    assert found.dtype == np.float32
    np.testing.assert_allclose(abs(found.astype(np.float64) @ expected), 1.0, rtol=1e-5)


# -- bad input: parameters (checked before the corpus is read) ---------------------------------

from corpora import UnreadableCorpus, raises  # noqa: E402
from skvec import Word2VecEmbedder  # noqa: E402


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
