"""The count-based family end to end: corpus -> counts -> SPPMI -> SVD -> vectors."""

import glob
import os

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.decomposition import TruncatedSVD
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline, make_pipeline

import skvec._counting.strategies
from corpora import N_PAIRS, planted_analogies, planted_questions
from skvec import (
    CooccurrenceVectorizer,
    SPPMITransformer,
    SVDEmbedder,
    WholeCorpusSplit,
    analogy_accuracy,
    get_word_vectors,
    make_analogy_scorer,
)


@pytest.fixture(scope="module")
def docs():
    return planted_analogies()


def count_pipeline(n_components=16, shift=1, **svd_params):
    return make_pipeline(
        CooccurrenceVectorizer(window=5, weighting="uniform", min_count=1),
        SPPMITransformer(shift=shift, context_smoothing=0.75),
        SVDEmbedder(n_components, eig=0.5, random_state=0, **svd_params),
    )


def test_planted_structure_recovered(docs):
    pipeline = count_pipeline().fit(docs)
    vectors = get_word_vectors(pipeline)
    assert len(vectors) == len(pipeline[0].vocabulary_)
    assert vectors.vector_size == 16
    for i in range(N_PAIRS):
        # A word's nearest neighbours are mostly its own topic words and partner.
        own = {f"capitaltopic{i}a", f"capitaltopic{i}b", f"capitaltopic{i}c", f"capital{i}"}
        neighbours = [word for word, _ in vectors.most_similar(f"country{i}", topn=4)]
        assert neighbours[0] in own
        assert len(own.intersection(neighbours)) >= 3
        # Among all words of the other side, the partner is the closest.
        partners = [f"female{j}" for j in range(N_PAIRS)]
        similarities = [vectors.similarity(f"male{i}", partner) for partner in partners]
        assert int(np.argmax(similarities)) == i
    result = analogy_accuracy(pipeline, planted_questions(), restrict_vocab=None)
    assert result.coverage == 1.0
    assert result.accuracy >= 0.9


def test_pipeline_is_deterministic(docs):
    first = count_pipeline().fit(docs)[-1].embedding_
    second = count_pipeline().fit(docs)[-1].embedding_
    assert_array_equal(first, second)


def test_more_dimensions_answer_more_analogies(docs):
    questions = planted_questions()
    small = analogy_accuracy(count_pipeline(n_components=4).fit(docs), questions, restrict_vocab=None)
    large = analogy_accuracy(count_pipeline(n_components=16).fit(docs), questions, restrict_vocab=None)
    assert small.accuracy < large.accuracy


def test_truncated_svd_as_last_step(docs):
    pipeline = make_pipeline(
        CooccurrenceVectorizer(window=5, weighting="uniform", min_count=1),
        SPPMITransformer(),
        TruncatedSVD(n_components=16, algorithm="arpack", random_state=0),
    ).fit(docs)
    vectors = get_word_vectors(pipeline, X=docs)
    assert vectors.vector_size == 16
    # TruncatedSVD is eig=1 without the context part: the same vectors.
    ours = make_pipeline(
        CooccurrenceVectorizer(window=5, weighting="uniform", min_count=1),
        SPPMITransformer(),
        SVDEmbedder(n_components=16, eig=1.0, algorithm="arpack", random_state=0),
    ).fit(docs)
    assert_allclose(vectors.vectors, ours[-1].embedding_, atol=1e-4)
    neighbours = [word for word, _ in vectors.most_similar("female2", topn=4)]
    assert len({"gendertopic2a", "gendertopic2b", "gendertopic2c", "male2"}.intersection(neighbours)) >= 3


def test_sppmi_rows_as_vectors(docs):
    pipeline = make_pipeline(
        CooccurrenceVectorizer(window=5, weighting="uniform", min_count=1), SPPMITransformer()
    ).fit(docs)
    vectors = get_word_vectors(pipeline, X=docs)
    neighbours = [word for word, _ in vectors.most_similar("capital5", topn=4)]
    assert len({"capitaltopic5a", "capitaltopic5b", "capitaltopic5c", "country5"}.intersection(neighbours)) >= 3


GRID = {"sppmitransformer__shift": [1, 5], "svdembedder__n_components": [4, 16]}


def grid_search(cache, n_jobs):
    pipeline = Pipeline(count_pipeline().steps, memory=cache)
    return GridSearchCV(
        pipeline,
        GRID,
        scoring=make_analogy_scorer(planted_questions(), restrict_vocab=None),
        cv=WholeCorpusSplit(),
        n_jobs=n_jobs,
    )


def test_grid_search_counts_the_corpus_once(docs, tmp_path, monkeypatch):
    calls = []
    count_window = skvec._counting.strategies.count_window

    def counting(*args, **kwargs):
        calls.append(1)
        return count_window(*args, **kwargs)

    monkeypatch.setattr(skvec._counting.strategies, "count_window", counting)
    sppmi_fits = []
    sppmi_fit = SPPMITransformer.fit

    def fit(self, X, y=None):
        sppmi_fits.append(self.shift)
        return sppmi_fit(self, X, y)

    monkeypatch.setattr(SPPMITransformer, "fit", fit)

    search = grid_search(str(tmp_path), n_jobs=1).fit(docs)
    # Four candidates and the refit: the counts are computed once, each SPPMI
    # matrix once per shift; every other fit reads them from the cache.
    assert len(calls) == 1
    assert sorted(sppmi_fits) == [1, 5]

    results = search.cv_results_
    assert len(results["params"]) == 4
    scores = results["mean_test_score"]
    assert np.all((scores >= 0) & (scores <= 1))
    by_params = {(p["sppmitransformer__shift"], p["svdembedder__n_components"]): s for p, s in zip(results["params"], scores)}
    for shift in (1, 5):
        assert by_params[(shift, 16)] > by_params[(shift, 4)]
    assert search.best_params_["svdembedder__n_components"] == 16
    assert search.best_score_ == scores.max() >= 0.9
    assert results["rank_test_score"][np.argmax(scores)] == 1
    # The refitted best pipeline is usable directly.
    assert get_word_vectors(search.best_estimator_).vector_size == 16


@pytest.mark.slow
def test_grid_search_in_parallel(docs, tmp_path):
    sequential = grid_search(str(tmp_path / "one"), n_jobs=1).fit(docs)
    parallel = grid_search(str(tmp_path / "two"), n_jobs=2).fit(docs)
    assert parallel.cv_results_["params"] == sequential.cv_results_["params"]
    assert_allclose(parallel.cv_results_["mean_test_score"], sequential.cv_results_["mean_test_score"])
    assert parallel.best_params_ == sequential.best_params_
    # The cache holds one count and one SPPMI matrix per shift.
    # (The cached function's name differs between scikit-learn versions.)
    entries = [
        path
        for path in glob.glob(str(tmp_path / "two" / "joblib" / "sklearn" / "pipeline" / "_fit_transform_one*" / "*"))
        if os.path.isdir(path)
    ]
    assert len(entries) == 3


def test_feature_names_through_the_pipeline(docs):
    pipeline = count_pipeline(n_components=4).fit(docs)
    contexts = pipeline[:2].get_feature_names_out()
    assert_array_equal(contexts, pipeline[0].get_feature_names_out())
    assert_array_equal(pipeline.get_feature_names_out(), [f"svdembedder{i}" for i in range(4)])
