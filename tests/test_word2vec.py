import heapq
import itertools

import numpy as np
import pytest
from scipy import stats
from sklearn.exceptions import NotFittedError

from corpora import N_TOPICS, WORDS_PER_TOPIC, topic_documents, topic_of_word
from skvec._corpus import encode_corpus
from skvec._kernels import word2vec as kernels
from skvec._training.word2vec import Word2VecSettings, train_word2vec
from skvec.vectors import get_word_vectors
from skvec.word2vec import Word2VecEmbedder

def _nearest_same_topic(model):
    words = sorted(model.vocabulary_, key=model.vocabulary_.__getitem__)
    vectors = model.embedding_ / np.linalg.norm(model.embedding_, axis=1, keepdims=True)
    similarity = vectors @ vectors.T
    np.fill_diagonal(similarity, -np.inf)
    nearest = similarity.argmax(axis=1)
    return np.mean([topic_of_word(words[i]) == topic_of_word(words[j]) for i, j in enumerate(nearest)])


@pytest.mark.parametrize(
    "architecture, hierarchical_softmax, negative",
    [("skipgram", False, 5), ("cbow", False, 5), ("skipgram", True, 0), ("cbow", True, 0)],
)
def test_planted_topics_are_neighbours(architecture, hierarchical_softmax, negative):
    docs = topic_documents()
    model = Word2VecEmbedder(
        16, architecture=architecture, hierarchical_softmax=hierarchical_softmax, negative=negative,
        sample=0, min_count=1, epochs=3, n_jobs=1, random_state=0,
    ).fit(docs)
    assert model.embedding_.shape == (N_TOPICS * WORDS_PER_TOPIC, 16)
    assert model.embedding_.dtype == np.float32
    assert _nearest_same_topic(model) == 1.0
    assert len(model.loss_curve_) == 3
    assert all(np.isfinite(model.loss_curve_))
    # Training lowers the loss.
    assert model.loss_curve_[-1] < model.loss_curve_[0]
    if negative:
        assert model.context_embedding_.shape == model.embedding_.shape
    else:
        assert model.context_embedding_ is None


def test_fitted_attributes_and_fit_transform():
    docs = [["a", "b", "c", "a"], ["a", "b", "d"], ["e"]]
    model = Word2VecEmbedder(4, min_count=2, sample=0, n_jobs=1, random_state=0)
    out = model.fit_transform(docs)
    assert out is model.embedding_
    assert model.vocabulary_ == {"a": 0, "b": 1}
    np.testing.assert_array_equal(model.word_counts_, [3, 2])
    assert model.word_counts_.dtype == np.int64
    assert model.n_train_words_ == 5
    assert not hasattr(model, "transform")


def test_initial_vectors_follow_c():
    seed = np.uint64(12345)
    out = kernels.init_input_vectors(3, 4, seed)
    r = int(seed)
    expected = np.empty((3, 4), dtype=np.float32)
    for i, k in itertools.product(range(3), range(4)):
        r = (r * 25214903917 + 11) % 2**64
        expected[i, k] = (np.float32(r & 0xFFFF) / np.float32(65536) - np.float32(0.5)) / np.float32(4)
    np.testing.assert_array_equal(out, expected)
    assert np.all(np.abs(out) <= 0.5 / 4)


def test_bit_identical_single_thread_fits():
    docs = topic_documents(n_docs=300)
    for architecture in ("skipgram", "cbow"):
        params = dict(architecture=architecture, min_count=1, sample=1e-2, hierarchical_softmax=True,
                      epochs=2, n_jobs=1, random_state=7)
        first = Word2VecEmbedder(8, **params).fit(docs)
        second = Word2VecEmbedder(8, **params).fit(docs)
        np.testing.assert_array_equal(first.embedding_, second.embedding_)
        np.testing.assert_array_equal(first.context_embedding_, second.context_embedding_)
        assert first.loss_curve_ == second.loss_curve_
        other = Word2VecEmbedder(8, **{**params, "random_state": 8}).fit(docs)
        assert not np.array_equal(first.embedding_, other.embedding_)


def test_negative_draws_follow_count_power():
    counts = np.array([5000, 2000, 900, 400, 150, 60, 20, 7, 3, 1], dtype=np.int64)
    weights = counts.astype(np.float64) ** 0.75
    threshold, alias = kernels.alias_table(weights)
    n_draws = 400_000
    draws = kernels.draw_negatives(threshold, alias, n_draws, np.uint64(2024))
    observed = np.bincount(draws, minlength=len(counts))
    expected = n_draws * weights / weights.sum()
    # Fixed seed: deterministic; a wrong exponent or table gives p ~ 0.
    assert stats.chisquare(observed, expected).pvalue > 1e-3
    assert np.all(np.abs(observed - expected) < 5 * np.sqrt(expected))
    # The plain unigram distribution is clearly rejected.
    unigram = n_draws * counts / counts.sum()
    assert stats.chisquare(observed, unigram).pvalue < 1e-12


def test_keep_probability_is_c_formula():
    counts = np.array([100_000, 20_000, 3_000, 500, 10, 1], dtype=np.int64)
    sample, total = 1e-3, 250_000
    keep = kernels.keep_probabilities(counts, sample, total)
    threshold = sample * total
    expected = (np.sqrt(counts / threshold) + 1) * threshold / counts
    np.testing.assert_allclose(keep, expected, rtol=1e-6)
    assert keep.dtype == np.float32


def test_subsampling_keeps_words_at_that_rate():
    counts = np.array([60_000, 30_000, 10_000], dtype=np.int64)
    keep = kernels.keep_probabilities(counts, 1e-3, 100_000)
    ids = np.repeat(np.arange(3, dtype=np.int32), [60_000, 30_000, 10_000])
    sentence = np.empty(kernels.MAX_SENTENCE_LENGTH, dtype=np.int32)
    kept = np.zeros(3)
    p, r = 0, np.uint64(99)
    while p < len(ids):
        n, p, r = kernels.read_sentence(ids, p, len(ids), keep, True, sentence, r)
        kept += np.bincount(sentence[:n], minlength=3)
    rate = kept / counts
    expected = np.minimum(keep, 1.0)
    tolerance = 5 * np.sqrt(expected * (1 - expected) / counts)
    assert np.all(np.abs(rate - expected) < tolerance)


def test_sentences_are_cut_at_c_length():
    ids = np.zeros(2500, dtype=np.int32)
    sentence = np.empty(kernels.MAX_SENTENCE_LENGTH, dtype=np.int32)
    keep = np.ones(1, dtype=np.float32)
    n, p, _ = kernels.read_sentence(ids, 0, 2500, keep, False, sentence, np.uint64(1))
    assert (n, p) == (1000, 1000)
    n, p, _ = kernels.read_sentence(ids, 2000, 2500, keep, False, sentence, np.uint64(1))
    assert (n, p) == (500, 2500)


def _huffman_cost(counts):
    heap = list(map(int, counts))
    heapq.heapify(heap)
    cost = 0
    while len(heap) > 1:
        merged = heapq.heappop(heap) + heapq.heappop(heap)
        cost += merged
        heapq.heappush(heap, merged)
    return cost


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_huffman_codes_are_valid(seed):
    rng = np.random.default_rng(seed)
    counts = np.sort(rng.zipf(1.5, size=300).astype(np.int64))[::-1]
    n = len(counts)
    code_offsets, codes, points = kernels.huffman_tree(counts)
    words = [codes[code_offsets[w]:code_offsets[w + 1]] for w in range(n)]
    lengths = np.diff(code_offsets)
    strings = ["".join(map(str, c)) for c in words]
    assert len(set(strings)) == n
    # Prefix-free: in sorted order a prefix would sit right before its extension.
    ordered = sorted(strings)
    assert not any(b.startswith(a) for a, b in zip(ordered, ordered[1:]))
    # A full binary tree (Kraft equality) and the optimal total length.
    assert sum(2.0 ** -lengths) == pytest.approx(1.0)
    assert int(np.dot(lengths, counts)) == _huffman_cost(counts)
    # More frequent words never get longer codes.
    assert np.all(np.diff(lengths) >= 0)
    # Inner nodes: the root (n - 2) first, and the same prefix always
    # reaches the same node.
    assert points.min() >= 0 and points.max() == n - 2
    assert np.all(points[code_offsets[:-1]] == n - 2)
    node_of_prefix = {}
    for w in range(n):
        path = points[code_offsets[w]:code_offsets[w + 1]]
        for depth, node in enumerate(path):
            prefix = strings[w][:depth]
            assert node_of_prefix.setdefault(prefix, node) == node


def test_huffman_small_vocabularies():
    offsets, codes, points = kernels.huffman_tree(np.array([7], dtype=np.int64))
    assert list(offsets) == [0, 0] and len(codes) == 0
    offsets, codes, points = kernels.huffman_tree(np.array([7, 3], dtype=np.int64))
    assert list(offsets) == [0, 1, 2]
    assert list(codes) == [1, 0] and list(points) == [0, 0]


def test_long_document_split_between_threads():
    # One long document of topic runs, as text8 is one line.
    doc = [word for run in topic_documents(n_docs=1500, doc_length=25, seed=3) for word in run]
    model = Word2VecEmbedder(16, min_count=1, sample=0, epochs=3, n_jobs=2, random_state=0).fit([doc])
    assert np.all(np.isfinite(model.embedding_))
    assert _nearest_same_topic(model) > 0.9


def test_input_rows_average_extra_rows_and_share_the_gradient():
    vectors = np.arange(12, dtype=np.float32).reshape(4, 3)
    # Word 0 has no extra row, word 1 has rows 2 and 3.
    inputs = kernels.InputRows(vectors, np.array([0, 0, 2], dtype=np.int64), np.array([2, 3], dtype=np.int32))
    h = np.full(3, 99.0, dtype=np.float32)
    assert kernels.gather_input(h, inputs, 0, False) == 1
    np.testing.assert_array_equal(h, vectors[0])
    assert kernels.gather_input(h, inputs, 1, True) == 3
    np.testing.assert_array_equal(h, vectors.sum(axis=0))
    before = vectors.copy()
    kernels.scatter_gradient(np.array([1.0, 2.0, 3.0], dtype=np.float32), inputs, 1)
    np.testing.assert_array_equal(vectors[0], before[0])
    np.testing.assert_array_equal(vectors[1:], before[1:] + [1.0, 2.0, 3.0])


def _word2vec_settings(**changes):
    settings = dict(n_components=8, architecture="skipgram", window=3, negative=3, hs=True, ns_exponent=0.75,
                    sample=1e-2, alpha=0.025, min_alpha=0.025e-4, epochs=2, cbow_mean=True,
                    shrink_windows=True, verbose=0)
    return Word2VecSettings(**{**settings, **changes})


@pytest.mark.parametrize("architecture", ["skipgram", "cbow"])
def test_engine_trains_extra_input_rows(architecture):
    # Every word gets one extra input row starting equal to its own row: the
    # mean of two equal rows is that row and both get the same gradient, so
    # skip-gram must train exactly as without extra rows (CBOW sums in
    # another order, so up to rounding).
    corpus = encode_corpus(topic_documents(n_docs=200), min_count=1)
    ids, offsets, counts = corpus.ids, corpus.offsets, corpus.counts
    n_words = len(counts)
    settings = _word2vec_settings(architecture=architecture)

    def doubled_inputs(n, dim, seed):
        rows = kernels.init_input_vectors(n, dim, seed)
        return kernels.InputRows(np.vstack([rows, rows]), np.arange(n + 1, dtype=np.int64),
                                 np.arange(n, 2 * n, dtype=np.int32))

    plain = train_word2vec(ids, offsets, counts, settings, n_jobs=1, random_state=0)
    doubled = train_word2vec(ids, offsets, counts, settings, n_jobs=1, random_state=0,
                             make_inputs=doubled_inputs)
    words, extra = doubled.inputs.vectors[:n_words], doubled.inputs.vectors[n_words:]
    if architecture == "skipgram":
        np.testing.assert_array_equal(words, plain.inputs.vectors)
        np.testing.assert_array_equal(extra, plain.inputs.vectors)
        np.testing.assert_array_equal(doubled.outputs.syn1neg, plain.outputs.syn1neg)
        assert doubled.loss_curve == plain.loss_curve
    else:
        # float32 rounding differences grow a little over the updates.
        np.testing.assert_allclose(words, plain.inputs.vectors, rtol=0, atol=1e-4)
        np.testing.assert_array_equal(words, extra)


def test_cbow_sum_and_fixed_window():
    docs = topic_documents(n_docs=600)
    model = Word2VecEmbedder(16, architecture="cbow", cbow_mean=False, shrink_windows=False, alpha=0.01,
                             min_count=1, sample=0, epochs=3, n_jobs=1, random_state=0).fit(docs)
    assert _nearest_same_topic(model) == 1.0


def test_divergence_raises_naming_alpha():
    docs = topic_documents(n_docs=200)
    with pytest.raises(FloatingPointError, match="alpha=1e\\+30"):
        Word2VecEmbedder(8, alpha=1e30, min_count=1, n_jobs=1, random_state=0).fit(docs)


def test_verbose_logs_progress(caplog):
    Word2VecEmbedder(8, min_count=1, epochs=2, n_jobs=1, random_state=0, verbose=1).fit(topic_documents(200))
    text = "\n".join(r.getMessage() for r in caplog.records if r.name == "skvec.word2vec")
    assert "word2vec: epoch 2/2" in text and "loss" in text


def test_feature_names_as_other_embedders():
    model = Word2VecEmbedder(4, min_count=1, n_jobs=1, random_state=0)
    with pytest.raises(NotFittedError):
        model.get_feature_names_out()
    embedding = model.fit_transform(topic_documents(n_docs=50))
    assert embedding is model.embedding_
    assert list(model.get_feature_names_out()) == [f"word2vecembedder{i}" for i in range(4)]
    assert not hasattr(model, "transform")


def test_string_documents_are_tokenized():
    docs = ["The cat sat.", "the CAT ran"] * 20
    model = Word2VecEmbedder(4, min_count=1, n_jobs=1, random_state=0).fit(docs)
    assert set(model.vocabulary_) == {"the", "cat", "sat", "ran"}


@pytest.mark.parametrize(
    "params, error, match",
    [
        ({"n_components": 0}, ValueError, "n_components"),
        ({"n_components": 2.5}, TypeError, "n_components"),
        ({"window": 0}, ValueError, "window"),
        ({"negative": -1}, ValueError, "negative"),
        ({"negative": 0}, ValueError, "hierarchical_softmax"),
        ({"architecture": "glove"}, ValueError, "architecture"),
        ({"sample": -1e-3}, ValueError, "sample"),
        ({"alpha": 0.0}, ValueError, "alpha"),
        ({"alpha": -0.1}, ValueError, "alpha"),
        ({"min_alpha": 1.0}, ValueError, "min_alpha"),
        ({"epochs": 0}, ValueError, "epochs"),
        ({"hierarchical_softmax": "yes"}, TypeError, "hierarchical_softmax"),
        ({"ns_exponent": float("nan")}, ValueError, "ns_exponent"),
        ({"min_count": 0}, ValueError, "min_count"),
        ({"n_jobs": 0}, ValueError, "n_jobs"),
    ],
)
def test_bad_parameters(params, error, match):
    with pytest.raises(error, match=match):
        Word2VecEmbedder(**params).fit([["a", "b"]] * 10)


def test_bad_corpora():
    with pytest.raises(ValueError, match="empty"):
        Word2VecEmbedder().fit([])
    with pytest.raises(ValueError, match="min_count"):
        Word2VecEmbedder(min_count=5).fit([["a", "b"], ["c"]])
    with pytest.raises(TypeError):
        Word2VecEmbedder().fit("just one string")


def test_word_vectors_of_fitted_model():
    model = Word2VecEmbedder(16, min_count=1, sample=0, epochs=3, n_jobs=1, random_state=0).fit(topic_documents())
    wv = get_word_vectors(model)
    assert len(wv) == len(model.vocabulary_)
    np.testing.assert_array_equal(wv["t3w4"], model.embedding_[model.vocabulary_["t3w4"]])
    neighbours = [word for word, _ in wv.most_similar("t3w4", topn=5)]
    assert all(topic_of_word(word) == "t3" for word in neighbours)


# -- bad input: parameters (checked before the corpus is read) and numerical safety ------------

from corpora import CAT_DOG_DOCS, UnreadableCorpus, raises  # noqa: E402


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


def test_word2vec_vectors_larger_than_memory_name_n_components():
    with raises(MemoryError, "n_components (now 1000000000000)", "GiB"):
        Word2VecEmbedder(n_components=10**12, min_count=1).fit(CAT_DOG_DOCS)


def test_word2vec_divergence_names_alpha():
    with raises(FloatingPointError, "alpha=1e+30"):
        Word2VecEmbedder(n_components=4, min_count=1, alpha=1e30, epochs=2, n_jobs=1,
                         random_state=0).fit(CAT_DOG_DOCS * 20)
