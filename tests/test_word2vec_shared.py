"""word2vec with shared negatives (``shared_negatives=True``): the block products, learning, determinism."""

import numpy as np
import pytest

from corpora import topic_documents, topic_of_word
from skvec._kernels import word2vec as kernels
from skvec._kernels import word2vec_shared as shared
from skvec.word2vec import Word2VecEmbedder


def _nearest_same_topic(model):
    words = sorted(model.vocabulary_, key=model.vocabulary_.__getitem__)
    vectors = model.embedding_ / np.linalg.norm(model.embedding_, axis=1, keepdims=True)
    similarity = vectors @ vectors.T
    np.fill_diagonal(similarity, -np.inf)
    nearest = similarity.argmax(axis=1)
    return np.mean([topic_of_word(words[i]) == topic_of_word(words[j]) for i, j in enumerate(nearest)])


def _fit(architecture, *, seed=0, **kwargs):
    settings = dict(sample=0, min_count=1, epochs=3, n_jobs=1, random_state=seed, shared_negatives=True)
    settings.update(kwargs)
    return Word2VecEmbedder(16, architecture=architecture, **settings).fit(topic_documents(n_docs=600))


@pytest.mark.parametrize("architecture", ["skipgram", "cbow"])
@pytest.mark.parametrize("hierarchical_softmax", [False, True])
def test_planted_topics_are_neighbours(architecture, hierarchical_softmax):
    model = _fit(architecture, hierarchical_softmax=hierarchical_softmax)
    assert _nearest_same_topic(model) == 1.0
    assert all(np.isfinite(model.loss_curve_))
    assert model.loss_curve_[-1] < model.loss_curve_[0]
    assert model.context_embedding_.shape == model.embedding_.shape
    assert (model.tree_embedding_ is not None) == hierarchical_softmax


@pytest.mark.parametrize("architecture", ["skipgram", "cbow"])
def test_one_thread_is_bit_reproducible(architecture):
    first, second = _fit(architecture, epochs=1), _fit(architecture, epochs=1)
    np.testing.assert_array_equal(first.embedding_, second.embedding_)
    np.testing.assert_array_equal(first.context_embedding_, second.context_embedding_)
    assert first.loss_curve_ == second.loss_curve_
    # A different mode: different vectors, the same shapes.
    default = _fit(architecture, epochs=1, shared_negatives=False)
    assert default.embedding_.shape == first.embedding_.shape
    assert not np.array_equal(default.embedding_, first.embedding_)


def test_default_is_off_and_unchanged():
    assert Word2VecEmbedder().shared_negatives is False
    explicit = _fit("skipgram", epochs=1, shared_negatives=False)
    implicit = Word2VecEmbedder(16, sample=0, min_count=1, epochs=1, n_jobs=1, random_state=0).fit(
        topic_documents(n_docs=600))
    np.testing.assert_array_equal(explicit.embedding_, implicit.embedding_)


@pytest.mark.parametrize("value", ["yes", 1.5, None])
def test_bad_value_is_rejected_before_reading(value):
    def never_read():
        raise AssertionError("documents read before validation")
        yield

    with pytest.raises(ValueError, match="shared_negatives"):
        Word2VecEmbedder(shared_negatives=value).fit(never_read())


def _sigmoid_tables():
    sigmoid, neg_log_sigmoid = kernels.sigmoid_tables()
    return sigmoid, neg_log_sigmoid


@pytest.mark.parametrize("n_in", [1, 2, 3, 5, 6, 7, 9])
@pytest.mark.parametrize("accumulate", [False, True])
def test_block_products_match_numpy(n_in, accumulate):
    """One group: scores, gradient factors and both updates against a plain numpy computation.

    Input counts cover whole and partial tiles of both products; without
    ``accumulate`` the input gradients must be written over whatever the
    block held.
    """
    rng = np.random.default_rng(n_in)
    dim, negative = 37, 5
    n_out = 1 + negative
    blocks = shared._blocks(dim, 12, shared._padded(n_out, shared.OUT_TILE), 4)
    x = (0.3 * rng.standard_normal((n_in, dim))).astype(np.float32)
    syn1neg = (0.3 * rng.standard_normal((50, dim))).astype(np.float32)
    # Output 0 the positive; a negative drawn twice and one equal to the positive.
    targets = np.array([7, 3, 11, 3, 7, 20])
    blocks.inputs[:n_in] = x
    blocks.inputs[n_in:] = np.nan  # padding: must be zeroed before use
    blocks.outputs[:n_out] = syn1neg[targets]
    blocks.targets[0, :n_out] = targets
    blocks.positives[:n_in] = 7
    start = (rng.standard_normal((n_in, dim)) if accumulate else np.full((n_in, dim), np.nan)).astype(np.float32)
    blocks.input_grad[:n_in] = start
    alpha = np.float32(0.05)
    sigmoid, neg_log_sigmoid = _sigmoid_tables()
    before = syn1neg.copy()
    shared._zero_padding(n_in, n_out, blocks)
    loss = shared._score(n_in, 1, n_out, blocks.inputs, blocks.outputs, blocks.targets[0], blocks.positives,
                         blocks.scores, sigmoid, neg_log_sigmoid, alpha)
    shared._block_gradients(n_in, n_out, blocks.inputs, blocks.outputs, blocks.scores, blocks.targets[0],
                            blocks.input_grad, syn1neg, accumulate)

    scores = x.astype(np.float64) @ before[targets].T.astype(np.float64)
    labels = np.zeros(n_out)
    labels[0] = 1.0
    trained = np.ones(n_out, dtype=bool)
    trained[4] = False  # negative 7 is the positive word
    # The C table: sigmoid at the bucket of each score.
    buckets = ((scores + 6.0) * (1000 / 12.0)).astype(int)
    factors = (labels - sigmoid[buckets]) * alpha * trained
    np.testing.assert_allclose(blocks.scores[:n_in, :n_out], factors, rtol=1e-5, atol=1e-7)
    expected_grad = factors @ before[targets] + (start if accumulate else 0.0)
    np.testing.assert_allclose(blocks.input_grad[:n_in], expected_grad, rtol=1e-4, atol=1e-6)
    expected = before.copy()
    np.add.at(expected, targets, factors.T @ x)
    np.testing.assert_allclose(syn1neg, expected, rtol=1e-4, atol=1e-6)
    untouched = np.setdiff1d(np.arange(50), targets)
    np.testing.assert_array_equal(syn1neg[untouched], before[untouched])
    expected_loss = -np.sum(np.log(1 / (1 + np.exp(-scores[:, 0])))) - np.sum(
        np.log(1 / (1 + np.exp(scores[:, 1:][:, trained[1:]]))))
    assert loss == pytest.approx(expected_loss, rel=1e-2)


def _reference_skipgram_sentence(sentence, syn0, syn1neg, tables, window, negative, alpha, r):
    """Skip-gram with shared negatives one window at a time, in numpy: the shrink, then the negatives.

    Returns the generator state and the number of (context, focus) examples.
    """
    sigmoid = tables.sigmoid
    n = len(sentence)
    mask = (1 << 64) - 1
    examples = 0
    for i, word in enumerate(sentence):
        r = (r * 25214903917 + 11) & mask
        b = r % window
        context = [sentence[c] for c in range(max(i - window + b, 0), min(i + window + 1 - b, n)) if c != i]
        if not context:
            continue
        examples += len(context)
        targets = [word]
        for _ in range(negative):
            r, target = kernels.draw_word(np.uint64(r), tables.threshold, tables.alias, syn1neg.shape[0])
            r = int(r)
            targets.append(int(target))
        x = syn0[context].astype(np.float64)
        outputs = syn1neg[targets].astype(np.float64)
        scores = x @ outputs.T
        labels = np.array([1.0] + [0.0] * negative)
        buckets = np.clip(((scores + 6.0) * (1000 / 12.0)).astype(int), 0, 1000)
        factors = np.where(scores > 6.0, labels - 1.0, np.where(scores < -6.0, labels, labels - sigmoid[buckets]))
        factors = factors * alpha
        factors[:, 1:][:, np.array(targets[1:]) == word] = 0.0
        grads = factors @ outputs
        for column, target in enumerate(targets):
            syn1neg[target] += (factors[:, column] @ x).astype(np.float32)
        for row, c in enumerate(context):
            syn0[c] += grads[row].astype(np.float32)
    return r, examples


@pytest.mark.parametrize("n", [0, 1, 2, 13])
def test_skipgram_sentence_matches_one_window_at_a_time(n):
    """The kernel draws a window's negatives while the window before is trained: same draws, same result."""
    from skvec._training.word2vec import _kernel_params, _tables

    rng = np.random.default_rng(n)
    n_words, dim, window, negative = 9, 8, 3, 3
    counts = np.arange(n_words, 0, -1, dtype=np.int64) * 10
    settings = Word2VecEmbedder(dim, window=window, negative=negative, sample=0)._check_params()
    tables = _tables(counts, settings, int(counts.sum()))
    params = _kernel_params(settings, 1000)
    sentence = rng.integers(0, n_words, size=n).astype(np.int32)
    syn0 = (0.3 * rng.standard_normal((n_words, dim))).astype(np.float32)
    syn1neg = (0.3 * rng.standard_normal((n_words, dim))).astype(np.float32)
    alpha = np.float32(0.05)
    expected_syn0, expected_syn1neg = syn0.copy(), syn1neg.copy()
    expected_r, expected_examples = _reference_skipgram_sentence(
        list(sentence), expected_syn0, expected_syn1neg, tables, window, negative, alpha, 12345)

    blocks = shared._blocks(dim, 8, shared._padded(1 + negative, shared.OUT_TILE), shared.CBOW_BATCH + 2 * window)
    blocks.sentence[:n] = sentence
    inputs = kernels.InputRows(syn0, np.zeros(n_words + 1, dtype=np.int64), np.zeros(0, dtype=np.int32))
    outputs = kernels.OutputRows(syn1neg, np.zeros((1, dim), dtype=np.float32))
    _, examples, r = shared._skipgram_sentence(n, inputs, outputs, tables, params, alpha, blocks, np.uint64(12345))
    assert int(r) == expected_r
    assert examples == expected_examples
    np.testing.assert_allclose(syn0, expected_syn0, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(syn1neg, expected_syn1neg, rtol=1e-5, atol=1e-6)
