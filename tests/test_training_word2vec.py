"""The word2vec training engine on its own: where the input rows start, the per-epoch hook."""

import numpy as np

from corpora import topic_documents
from skvec import Word2VecEmbedder
from skvec._corpus import encode_corpus
from skvec._kernels.word2vec import init_input_vectors
from skvec._training.initial import InitialRows
from skvec._training.word2vec import grown_rows, start_inputs, train_word2vec


def test_grown_rows_keep_the_previous_rows_and_draw_the_new_ones_as_c():
    previous = np.arange(12, dtype=np.float32).reshape(3, 4)
    rows = grown_rows(previous, 7, 5, 4)
    np.testing.assert_array_equal(rows[:3], previous)
    np.testing.assert_array_equal(rows[3:], init_input_vectors(4, 4, 5))


def test_start_inputs_fresh_continued_and_initial():
    np.testing.assert_array_equal(start_inputs(5, 3, 9).vectors, init_input_vectors(5, 3, 9))
    previous = np.ones((2, 3), dtype=np.float32)
    initial = InitialRows(np.array([1, 4]), np.full((2, 3), 7.0, dtype=np.float32), None)
    inputs = start_inputs(5, 3, 9, previous_rows=previous, initial=initial)
    np.testing.assert_array_equal(inputs.vectors[[0, 2, 3]], grown_rows(previous, 5, 9, 3)[[0, 2, 3]])
    np.testing.assert_array_equal(inputs.vectors[[1, 4]], 7.0)
    assert len(inputs.extra_rows) == 0 and np.all(inputs.extra_offsets == 0)  # words only


def test_on_epoch_sees_each_epoch_and_the_loss_so_far():
    corpus = encode_corpus(topic_documents(n_docs=100), min_count=1)
    settings = Word2VecEmbedder(n_components=8, epochs=3, min_count=1)._check_params()
    seen = []

    def on_epoch(epoch, inputs, outputs, loss_curve):
        seen.append((epoch, list(loss_curve), inputs.vectors.copy()))

    result = train_word2vec(corpus.ids, corpus.offsets, corpus.counts, settings, n_jobs=1, random_state=0,
                            on_epoch=on_epoch)
    assert [epoch for epoch, _, _ in seen] == [1, 2, 3]
    assert [len(curve) for _, curve, _ in seen] == [1, 2, 3]
    assert seen[-1][1] == list(result.loss_curve)
    np.testing.assert_array_equal(seen[-1][2], result.inputs.vectors)
    assert not np.array_equal(seen[0][2], seen[-1][2])  # the hook gets the model as trained so far
