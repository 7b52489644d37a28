"""The fastText training engine on its own: input rows of words and n-grams, deferred input updates.

The engine is called as ``FastTextEmbedder`` calls it (its checked settings,
the corpus encoded with its ``min_count``, its n-gram buckets), so that the
two ways of applying input gradients are compared directly.
"""

import numpy as np
import pytest
from sklearn.preprocessing import normalize

from corpora import disjoint_ngram_corpus, morphology_corpus
from skvec import FastTextEmbedder
from skvec._corpus import encode_corpus
from skvec._training.fasttext import subword_inputs, train_fasttext
from skvec._training.word2vec import train_word2vec
from skvec.subwords import compose, ngram_buckets


def small(**params):
    defaults = dict(n_components=16, window=3, min_count=2, epochs=3, bucket=5000, n_jobs=1, random_state=0)
    defaults.update(params)
    return FastTextEmbedder(**defaults)


def train(docs, *, defer_inputs=True, **params):
    """Train through the engine as the estimator does; returns (word vectors, n-gram rows, loss curve)."""
    estimator = small(**params)
    settings = estimator._check_params()
    corpus = encode_corpus(docs, min_count=estimator.min_count)
    indptr, buckets = ngram_buckets(corpus.words, estimator.min_n, estimator.max_n, estimator.bucket)
    word_rows, ngram_rows, result = train_fasttext(
        corpus.ids, corpus.offsets, corpus.counts, settings, indptr, buckets, estimator.bucket, n_jobs=1,
        random_state=estimator.random_state, defer_inputs=defer_inputs,
    )
    return compose(word_rows, ngram_rows, indptr, buckets), ngram_rows, result.loss_curve


@pytest.mark.parametrize("architecture, hierarchical_softmax, negative",
                         [("skipgram", False, 5), ("cbow", False, 5), ("skipgram", True, 0), ("cbow", True, 0)])
def test_deferred_input_updates_equal_immediate_ones_without_shared_rows(architecture, hierarchical_softmax,
                                                                         negative):
    # Deferring changes what a word sees only through rows shared within a
    # window; with none, it is the same training up to rounding.
    docs, words = disjoint_ngram_corpus()
    bucket = 100_003
    _, buckets = ngram_buckets(words, 3, 6, bucket)
    assert len(np.unique(buckets)) == len(buckets)  # no two n-grams share a row either
    settings = dict(architecture=architecture, hierarchical_softmax=hierarchical_softmax, negative=negative,
                    bucket=bucket, window=3, epochs=3, sample=0)
    deferred, deferred_ngrams, deferred_loss = train(docs, **settings)
    immediate, immediate_ngrams, immediate_loss = train(docs, defer_inputs=False, **settings)
    assert np.abs(immediate).max() > 0.1  # trained, far from the initial vectors
    # Only float32 rounding differs (a cached sum moved by n_rows * gradient
    # against the rows summed again): measured at most 9e-6 on entries up to
    # 0.74, where a lost or doubled gradient shows as 1e-2 or more.
    np.testing.assert_allclose(deferred, immediate, rtol=0, atol=2e-5)
    np.testing.assert_allclose(deferred_ngrams, immediate_ngrams, rtol=0, atol=2e-5)
    np.testing.assert_allclose(deferred_loss, immediate_loss, rtol=1e-5)


@pytest.mark.parametrize("architecture", ["skipgram", "cbow"])
def test_deferred_input_updates_with_shared_ngrams(architecture):
    # Inflections of one stem share most n-grams and meet within windows:
    # the delayed view of shared rows barely changes the training.
    docs = morphology_corpus()
    deferred, _, deferred_loss = train(docs, architecture=architecture)
    immediate, _, immediate_loss = train(docs, defer_inputs=False, architecture=architecture)
    assert not np.array_equal(deferred, immediate)
    # Measured: losses within 0.25%, every word's vectors at cosine 0.99999.
    np.testing.assert_allclose(deferred_loss, immediate_loss, rtol=0.01)
    cosines = np.sum(normalize(deferred) * normalize(immediate), axis=1)
    assert cosines.min() > 0.999


def test_engine_gives_what_the_estimator_fits():
    docs = morphology_corpus(200)
    vectors, ngram_rows, loss_curve = train(docs, epochs=2)
    model = small(epochs=2).fit(docs)
    np.testing.assert_array_equal(vectors, model.embedding_)
    np.testing.assert_array_equal(ngram_rows, model.ngram_embedding_)
    assert list(loss_curve) == list(model.loss_curve_)


def test_without_buckets_the_engine_is_word2vec():
    docs = morphology_corpus(200)
    corpus = encode_corpus(docs, min_count=2)
    settings = small(epochs=2, min_n=0)._check_params()
    indptr, buckets = ngram_buckets(corpus.words, 0, 0, 5000)
    word_rows, ngram_rows, result = train_fasttext(corpus.ids, corpus.offsets, corpus.counts, settings, indptr,
                                                   buckets, 0, n_jobs=1, random_state=0)
    plain = train_word2vec(corpus.ids, corpus.offsets, corpus.counts, settings, n_jobs=1, random_state=0)
    assert ngram_rows is None
    np.testing.assert_array_equal(word_rows, plain.inputs.vectors)
    assert list(result.loss_curve) == list(plain.loss_curve)


def test_subword_inputs_stack_word_and_bucket_rows():
    words = ["walk", "walks", "talk"]
    indptr, buckets = ngram_buckets(words, 3, 4, 50)
    fresh = subword_inputs(3, 5, 7, indptr=indptr, buckets=buckets, bucket=50)
    assert fresh.vectors.shape == (53, 5) and fresh.vectors.dtype == np.float32
    # Each word's n-gram buckets are its extra input rows, after the word rows.
    np.testing.assert_array_equal(fresh.extra_offsets, indptr)
    np.testing.assert_array_equal(fresh.extra_rows, buckets + 3)
    # Continuing: the previous words' rows and every n-gram row are kept, new words drawn.
    previous_rows = np.arange(10, dtype=np.float32).reshape(2, 5)
    previous_ngrams = np.full((50, 5), 0.5, dtype=np.float32)
    grown = subword_inputs(3, 5, 7, indptr=indptr, buckets=buckets, bucket=50, previous_rows=previous_rows,
                           previous_ngrams=previous_ngrams)
    np.testing.assert_array_equal(grown.vectors[:2], previous_rows)
    np.testing.assert_array_equal(grown.vectors[3:], previous_ngrams)
    assert np.all(np.abs(grown.vectors[2]) <= 0.5 / 5) and np.any(grown.vectors[2] != 0)
