"""Starting rows of the Paragraph Vector model: a full generator, words at gensim's scale, documents at C's."""

import numpy as np

from skvec import Doc2VecEmbedder
from skvec._kernels.word2vec import init_input_vectors
from skvec._random import uniform_rows
from skvec._training.doc2vec import DOCUMENT_SCALE, WORD_SCALE, new_word_rows

from corpora import topic_documents


def test_uniform_rows_range_dtype_and_seed():
    rows = uniform_rows(2000, 50, seed=7, scale=0.5)
    assert rows.dtype == np.float32 and rows.shape == (2000, 50)
    assert -0.5 / 50 <= rows.min() < -0.49 / 50 and 0.49 / 50 < rows.max() < 0.5 / 50
    assert abs(float(rows.mean())) < 1e-4
    np.testing.assert_array_equal(rows, uniform_rows(2000, 50, seed=7, scale=0.5))
    assert not np.array_equal(rows, uniform_rows(2000, 50, seed=8, scale=0.5))
    np.testing.assert_allclose(uniform_rows(10, 4, seed=1, scale=1.0), 2 * uniform_rows(10, 4, seed=1, scale=0.5),
                               rtol=1e-6)


def test_rows_do_not_repeat_as_c_syn0_does():
    # C's syn0 repeats every 65,536 values: row i + 16,384 equals row i at 100 components.
    c_rows = init_input_vectors(16_385, 100, 12345)
    np.testing.assert_array_equal(c_rows[0], c_rows[16_384])
    rows = new_word_rows(16_385, 100, 12345)
    assert not np.array_equal(rows[0], rows[16_384])
    assert len(np.unique(rows, axis=0)) == len(rows)


def test_scales_are_gensim_words_and_c_documents():
    assert (WORD_SCALE, DOCUMENT_SCALE) == (1.0, 0.5)
    assert 0.99 / 100 < np.abs(new_word_rows(1000, 100, 3)).max() < 1 / 100


def test_document_rows_start_within_c_half_width():
    # One epoch at a tiny rate barely moves the rows: they stay at their start's scale, and differ.
    docs = topic_documents(n_docs=40, doc_length=(5, 8), seed=0, n_topics=2, words_per_topic=6)
    model = Doc2VecEmbedder(n_components=20, epochs=1, alpha=1e-7, min_alpha=1e-7, min_count=1, sample=0,
                            n_jobs=1, random_state=0).fit(docs)
    rows = model.document_vectors_
    assert np.abs(rows).max() <= 0.5 / 20 + 1e-6 and np.abs(rows).max() > 0.45 / 20
    assert len(np.unique(rows, axis=0)) == len(rows)
