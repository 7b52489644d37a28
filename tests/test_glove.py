import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from skvec import (
    CooccurrenceVectorizer,
    GloVeEmbedder,
    WholeCorpusSplit,
    analogy_accuracy,
    get_word_vectors,
    make_analogy_scorer,
)
from corpora import gender_pair_sentences, random_documents
from skvec._kernels.glove import Entries, GloVeModel, GloVeParams, glove_blocks, shuffle_entries
from skvec._training.glove import GloVeSettings, train_glove


def small_counts(seed=0, n=12, density=0.6, scale=20.0):
    rng = np.random.RandomState(seed)
    dense = rng.exponential(scale, size=(n, n)) * (rng.rand(n, n) < density)
    return sp.csr_matrix(dense.astype(np.float32))


def numpy_glove_pass(W, C, rows, cols, X_values, d, eta, grad_clip, x_max, alpha):
    """The C tool's AdaGrad step in float64 numpy, over entries in the given order.

    W and C are (n, d + 1) vectors + bias, GW and GC their accumulators.
    """
    W, GW = W
    C, GC = C
    cost = 0.0
    for i, j, x in zip(rows, cols, X_values):
        diff = W[i, :d] @ C[j, :d] + W[i, d] + C[j, d] - np.log(x)
        weight = 1.0 if x >= x_max else (x / x_max) ** alpha
        fdiff = weight * diff
        cost += 0.5 * fdiff * diff
        grad_w = np.clip(fdiff * C[j, :d], -grad_clip, grad_clip) * eta
        grad_c = np.clip(fdiff * W[i, :d], -grad_clip, grad_clip) * eta
        W[i, :d] -= grad_w / np.sqrt(GW[i, :d])
        C[j, :d] -= grad_c / np.sqrt(GC[j, :d])
        GW[i, :d] += grad_w**2
        GC[j, :d] += grad_c**2
        W[i, d] -= fdiff / np.sqrt(GW[i, d])
        C[j, d] -= fdiff / np.sqrt(GC[j, d])
        GW[i, d] += fdiff**2
        GC[j, d] += fdiff**2
    return cost


@pytest.mark.parametrize("grad_clip", [100.0, 0.002])
def test_kernel_pass_matches_numpy(grad_clip):
    """One pass of the kernel in a known order equals the float64 reference."""
    rng = np.random.RandomState(3)
    n, d, stride = 9, 5, 16
    X = small_counts(seed=1, n=n).tocoo()
    rows, cols = X.row.astype(np.int32), X.col.astype(np.int32)
    values = X.data.astype(np.float64)
    logx = np.log(values).astype(np.float32)
    x_max, alpha, eta = 10.0, 0.75, 0.05
    assert (values > x_max).any() and (values < x_max).any()

    def params():
        P = np.zeros((n, 2 * stride), dtype=np.float32)
        P[:, : d + 1] = (rng.rand(n, d + 1) - 0.5) / d
        P[:, stride : stride + d + 1] = 1.0 + rng.rand(n, d + 1)
        return P

    W, C = params(), params()
    ref_W = (W[:, : d + 1].astype(np.float64), W[:, stride : stride + d + 1].astype(np.float64))
    ref_C = (C[:, : d + 1].astype(np.float64), C[:, stride : stride + d + 1].astype(np.float64))
    costs, skipped = np.zeros(1), np.zeros(1, dtype=np.int64)
    glove_blocks(
        GloVeModel(W, C), Entries(rows, cols, logx), np.array([0]),
        GloVeParams(d, eta, grad_clip, x_max, alpha, len(rows), False), np.array([1], dtype=np.uint64),
        costs, skipped,
    )
    ref_cost = numpy_glove_pass(ref_W, ref_C, rows, cols, values, d, eta, grad_clip, x_max, alpha)

    assert skipped[0] == 0
    np.testing.assert_allclose(costs[0], ref_cost, rtol=1e-5)
    np.testing.assert_allclose(W[:, : d + 1], ref_W[0], rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(C[:, : d + 1], ref_C[0], rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(W[:, stride : stride + d + 1], ref_W[1], rtol=1e-4)
    np.testing.assert_allclose(C[:, stride : stride + d + 1], ref_C[1], rtol=1e-4)
    # The padding between the bias and the accumulators is never written.
    assert not W[:, d + 1 : stride].any() and not C[:, d + 1 : stride].any()


def test_kernel_shuffles_are_permutations():
    rows = np.arange(1000, dtype=np.int32)
    cols = rows[::-1].copy()
    logx = rows.astype(np.float32)
    shuffle_entries(rows, cols, logx, np.uint64(7))
    assert not np.array_equal(rows, np.arange(1000))
    assert np.array_equal(np.sort(rows), np.arange(1000))
    # Entries move as a whole.
    assert np.array_equal(cols, 999 - rows) and np.array_equal(logx, rows.astype(np.float32))

    # The block pass reshuffles each block within itself, still keeping entries whole.
    n = 50
    W = np.zeros((n, 32), dtype=np.float32)
    W[:, 16:] = 1.0
    C = W.copy()
    rows = np.arange(100, dtype=np.int32) % n
    cols = (np.arange(100, dtype=np.int32) * 7) % n
    logx = np.arange(100, dtype=np.float32)
    before = set(zip(rows.tolist(), cols.tolist(), logx.tolist()))
    glove_blocks(
        GloVeModel(W, C), Entries(rows, cols, logx), np.array([1, 0, 3, 2]),
        GloVeParams(4, 0.05, 100.0, 10.0, 0.75, 25, True), np.array([5, 6], dtype=np.uint64),
        np.zeros(2), np.zeros(2, dtype=np.int64),
    )
    assert set(zip(rows.tolist(), cols.tolist(), logx.tolist())) == before
    for block in range(4):
        part = slice(25 * block, 25 * (block + 1))
        assert np.array_equal(np.sort(logx[part]), np.arange(25 * block, 25 * (block + 1)))


def test_cost_decreases_on_a_small_corpus():
    counts = CooccurrenceVectorizer(window=5, min_count=1).fit_transform(
        random_documents(400, 300, 30, n_topics=10, as_tokens=False)
    )
    glove = GloVeEmbedder(10, x_max=10, max_iter=15, n_jobs=1, random_state=0).fit(counts)
    losses = np.array(glove.loss_curve_)
    assert len(losses) == glove.n_iter_ == 15
    assert np.all(np.diff(losses) < 0)
    assert losses[-1] < 0.6 * losses[0]
    assert np.isfinite(glove.embedding_).all()


def test_fitted_attributes_and_fit_transform():
    X = small_counts(seed=2, n=15)
    glove = GloVeEmbedder(6, max_iter=3, n_jobs=1, random_state=0)
    embedding = glove.fit_transform(X)
    assert embedding is glove.embedding_
    assert embedding.shape == (15, 6) and embedding.dtype == np.float32
    assert glove.word_embedding_.shape == glove.context_embedding_.shape == (15, 6)
    assert glove.word_bias_.shape == glove.context_bias_.shape == (15,)
    np.testing.assert_array_equal(embedding, glove.word_embedding_ + glove.context_embedding_)
    assert glove.n_features_in_ == 15
    assert list(glove.get_feature_names_out()) == [f"gloveembedder{i}" for i in range(6)]
    assert not hasattr(glove, "transform")

    word_only = GloVeEmbedder(6, max_iter=3, vectors="word", n_jobs=1, random_state=0).fit(X)
    np.testing.assert_array_equal(word_only.embedding_, word_only.word_embedding_)
    np.testing.assert_array_equal(word_only.word_embedding_, glove.word_embedding_)


def test_rectangular_matrix_with_word_vectors():
    X = small_counts(seed=4, n=20)[:, :7]
    glove = GloVeEmbedder(3, max_iter=4, vectors="word", n_jobs=1, random_state=0).fit(X)
    assert glove.embedding_.shape == (20, 3)
    assert glove.context_embedding_.shape == (7, 3)
    assert glove.context_bias_.shape == (7,)


@pytest.mark.parametrize("order", ["shuffled", "rows"])
def test_repeated_fits_are_bit_identical_with_one_thread(order):
    X = CooccurrenceVectorizer(window=4, min_count=1).fit_transform(gender_pair_sentences(200))
    fits = [GloVeEmbedder(8, x_max=5, max_iter=4, order=order, n_jobs=1, random_state=42).fit(X) for _ in range(2)]
    for name in ("embedding_", "word_embedding_", "context_embedding_", "word_bias_", "context_bias_"):
        np.testing.assert_array_equal(getattr(fits[0], name), getattr(fits[1], name))
    assert fits[0].loss_curve_ == fits[1].loss_curve_
    other = GloVeEmbedder(8, x_max=5, max_iter=4, order=order, n_jobs=1, random_state=43).fit(X)
    assert not np.array_equal(other.embedding_, fits[0].embedding_)


def test_default_order_is_the_shuffled_one():
    X = CooccurrenceVectorizer(window=4, min_count=1).fit_transform(gender_pair_sentences(200))
    params = dict(n_components=8, x_max=5, max_iter=4, n_jobs=1, random_state=0)
    default = GloVeEmbedder(**params)
    assert default.get_params()["order"] == "shuffled"
    default.fit(X)
    shuffled = GloVeEmbedder(order="shuffled", **params).fit(X)
    rows = GloVeEmbedder(order="rows", **params).fit(X)
    np.testing.assert_array_equal(default.embedding_, shuffled.embedding_)
    assert default.loss_curve_ == shuffled.loss_curve_
    # The orders start from the same vectors but visit the entries differently.
    assert not np.array_equal(rows.embedding_, shuffled.embedding_)
    assert rows.loss_curve_[0] != shuffled.loss_curve_[0]


def test_row_order_keeps_the_entries_in_row_order():
    """The engine shuffles the entry arrays in place, except in row order."""
    X = random_documents_counts().tocsr()
    X.sort_indices()
    assert X.nnz > 2 * 16384  # several blocks of the engine, visited in a random order
    for order in ("rows", "shuffled"):
        rows = np.repeat(np.arange(X.shape[0], dtype=np.int32), np.diff(X.indptr))
        cols, logx = X.indices.astype(np.int32), np.log(X.data).astype(np.float32)
        before = rows.copy(), cols.copy(), logx.copy()
        settings = GloVeSettings(n_components=4, x_max=10.0, alpha=0.75, learning_rate=0.05, max_iter=2,
                                 grad_clip=100.0, vectors="word", tol=None, verbose=0, order=order)
        result = train_glove(rows, cols, logx, X.shape, settings, n_jobs=1, random_state=0)
        assert np.isfinite(result.word_vectors).all() and result.loss_curve[1] < result.loss_curve[0]
        kept = all(np.array_equal(a, b) for a, b in zip((rows, cols, logx), before))
        assert kept == (order == "rows")
        # Either way the entries are the same set, each moved whole.
        order_now = np.lexsort((cols, rows))
        np.testing.assert_array_equal(rows[order_now], before[0])
        np.testing.assert_array_equal(cols[order_now], before[1])
        np.testing.assert_array_equal(logx[order_now], before[2])


def random_documents_counts():
    return CooccurrenceVectorizer(window=5, min_count=1).fit_transform(
        random_documents(300, 600, 40, n_topics=10, as_tokens=False)
    )


def test_row_order_does_not_depend_on_the_stored_column_order():
    X = CooccurrenceVectorizer(window=4, min_count=1).fit_transform(gender_pair_sentences(200)).tocsr()
    scrambled = X.copy()
    rng = np.random.RandomState(0)
    for i in range(X.shape[0]):
        part = slice(X.indptr[i], X.indptr[i + 1])
        permutation = rng.permutation(part.stop - part.start)
        scrambled.indices[part] = X.indices[part][permutation]
        scrambled.data[part] = X.data[part][permutation]
    scrambled.has_sorted_indices = False
    params = dict(n_components=6, x_max=5, max_iter=3, order="rows", n_jobs=1, random_state=0)
    np.testing.assert_array_equal(
        GloVeEmbedder(**params).fit(scrambled).embedding_, GloVeEmbedder(**params).fit(X).embedding_
    )
    # The caller's matrix is left as it was.
    assert not scrambled.has_sorted_indices


@pytest.mark.parametrize("order", ["shuffled", "rows"])
def test_both_orders_learn_the_topics(order):
    """Every one of the 100 most frequent words has a word of its own topic as nearest neighbour."""
    docs = random_documents(600, 200, 40, n_topics=5, as_tokens=False, seed=0)
    # random_documents draws each word's topic first from RandomState(seed).
    topic_of = np.random.RandomState(0).randint(5, size=200)
    vectorizer = CooccurrenceVectorizer(window=10, min_count=1)
    X = vectorizer.fit_transform(docs)
    assert X.nnz > 16384  # more than one block of entries
    glove = GloVeEmbedder(10, x_max=10, max_iter=15, order=order, n_jobs=1, random_state=0).fit(X)
    assert glove.loss_curve_[-1] < 0.7 * glove.loss_curve_[0]
    topics = topic_of[[int(word[1:]) for word in vectorizer.get_feature_names_out()]]
    unit = glove.embedding_ / np.linalg.norm(glove.embedding_, axis=1, keepdims=True)
    similarity = unit[:100] @ unit.T
    similarity[np.arange(100), np.arange(100)] = -np.inf
    nearest = similarity.argmax(axis=1)
    assert np.mean(topics[:100] == topics[nearest]) == 1.0
    # Chance would put a quarter or so of the neighbours in the same topic.
    assert np.mean(topics[:100, None] == topics[None, :]) < 0.4


def test_input_formats_give_the_same_fit():
    X = small_counts(seed=5, n=10)
    params = dict(n_components=4, max_iter=3, n_jobs=1, random_state=0)
    reference = GloVeEmbedder(**params).fit(X).embedding_
    for variant in (X.toarray(), X.tocsc(), X.tocoo(), X.astype(np.float64)):
        np.testing.assert_array_equal(GloVeEmbedder(**params).fit(variant).embedding_, reference)
    # Explicitly stored zeros are not co-occurrences.
    with_zeros = X.copy()
    with_zeros.data[::3] = 0.0
    pruned = with_zeros.copy()
    pruned.eliminate_zeros()
    assert with_zeros.nnz > pruned.nnz
    np.testing.assert_array_equal(
        GloVeEmbedder(**params).fit(with_zeros).embedding_, GloVeEmbedder(**params).fit(pruned).embedding_
    )


def test_several_threads_train_too():
    X = CooccurrenceVectorizer(window=4, min_count=1).fit_transform(gender_pair_sentences(200))
    glove = GloVeEmbedder(8, x_max=5, max_iter=5, n_jobs=2, random_state=0).fit(X)
    assert np.isfinite(glove.embedding_).all()
    assert glove.loss_curve_[-1] < glove.loss_curve_[0]


def test_wide_vectors_stay_finite_with_default_learning_rate():
    X = CooccurrenceVectorizer(window=5, min_count=1).fit_transform(gender_pair_sentences())
    glove = GloVeEmbedder(1000, x_max=10, max_iter=5, n_jobs=1, random_state=0).fit(X)
    assert np.isfinite(glove.embedding_).all()
    assert np.all(np.diff(glove.loss_curve_) < 0)


def test_divergence_raises_naming_learning_rate():
    X = small_counts(seed=6, n=10)
    glove = GloVeEmbedder(4, learning_rate=1e30, grad_clip=1e30, max_iter=5, n_jobs=1, random_state=0)
    with pytest.raises(ValueError, match="diverged.*learning_rate"):
        glove.fit(X)


def test_tol_stops_early():
    X = small_counts(seed=7, n=12)
    glove = GloVeEmbedder(4, max_iter=50, tol=0.5, n_jobs=1, random_state=0).fit(X)
    assert 1 < glove.n_iter_ < 50
    assert len(glove.loss_curve_) == glove.n_iter_


def test_verbose_reports_epochs(caplog):
    X = small_counts(seed=8, n=12)
    GloVeEmbedder(4, max_iter=2, n_jobs=1, random_state=0, verbose=1).fit(X)
    text = "\n".join(r.getMessage() for r in caplog.records if r.name == "skvec.glove")
    assert "epoch 1/2, cost" in text and "epoch 2/2, cost" in text
    caplog.clear()
    GloVeEmbedder(4, max_iter=2, n_jobs=1, random_state=0).fit(X)
    assert caplog.records == []


@pytest.mark.parametrize(
    "params, X, message",
    [
        ({}, sp.random(5, 4, density=0.5, random_state=0, format="csr"), "vectors='word\\+context'.*square"),
        ({}, sp.csr_matrix(-np.eye(3)), "Negative values"),
        ({}, sp.csr_matrix((4, 4)), "no positive entry"),
        ({}, np.zeros((4, 4)), "no positive entry"),
        ({"n_components": 0}, None, "n_components"),
        ({"x_max": 0}, None, "x_max"),
        ({"x_max": -1.0}, None, "x_max"),
        ({"learning_rate": 0.0}, None, "learning_rate"),
        ({"learning_rate": -0.1}, None, "learning_rate"),
        ({"grad_clip": 0}, None, "grad_clip"),
        ({"max_iter": 0}, None, "max_iter"),
        ({"alpha": -1}, None, "alpha"),
        ({"tol": -1e-3}, None, "tol"),
        ({"vectors": "context"}, None, "vectors"),
        ({"order": "sorted"}, None, "'order' parameter of GloVeEmbedder must be a str among .*'rows'.*Got 'sorted'"),
        ({"order": None}, None, "'order' parameter"),
    ],
)
def test_clear_errors(params, X, message):
    if X is None:
        X = small_counts(seed=9, n=6)
    with pytest.raises(ValueError, match=message):
        GloVeEmbedder(**params).fit(X)


def test_type_errors_name_the_parameter():
    X = small_counts(seed=9, n=6)
    with pytest.raises(TypeError, match="n_components"):
        GloVeEmbedder(n_components=2.5).fit(X)
    with pytest.raises(TypeError, match="learning_rate"):
        GloVeEmbedder(learning_rate="fast").fit(X)
    with pytest.raises(TypeError, match="n_jobs"):
        GloVeEmbedder(n_jobs=1.5).fit(X)
    with pytest.raises(ValueError, match="n_jobs"):
        GloVeEmbedder(n_jobs=0).fit(X)


def test_pipeline_scores_with_analogy_scorer():
    docs = gender_pair_sentences(400)
    questions = [("man", "woman", "king", "queen"), ("boy", "girl", "father", "mother"),
                 ("king", "queen", "son", "daughter"), ("man", "woman", "unseen", "words")]
    pipeline = make_pipeline(
        CooccurrenceVectorizer(window=5, min_count=1),
        GloVeEmbedder(8, x_max=10, max_iter=20, n_jobs=1, random_state=0),
    ).fit(docs)
    scorer = make_analogy_scorer(questions)
    score = scorer(pipeline, docs)
    expected = analogy_accuracy(get_word_vectors(pipeline), questions)
    assert 0.0 <= score <= 1.0 and score == expected.accuracy
    assert expected.overall.in_scope == 3

    search = GridSearchCV(
        pipeline, {"gloveembedder__x_max": [5, 10]}, scoring=scorer, cv=WholeCorpusSplit()
    ).fit(docs)
    assert search.best_params_["gloveembedder__x_max"] in (5, 10)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()


# -- bad input: parameters, and numerical safety (nothing returns NaN or inf) ------------------

from corpora import count_matrix, raises  # noqa: E402


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
        ({"order": "random"}, ValueError, "order"),
        ({"n_jobs": 0}, ValueError, "n_jobs"),
        ({"random_state": "abc"}, ValueError, "random_state"),
    ],
)
def test_glove_parameters(params, exception, name):
    with raises(exception, name):
        GloVeEmbedder(**{"n_components": 4, **params}).fit(count_matrix())


def test_glove_vectors_larger_than_memory_name_n_components():
    with raises(MemoryError, "n_components (now 1000000000000)", "GiB"):
        GloVeEmbedder(n_components=10**12).fit(count_matrix())


def test_glove_divergence_names_learning_rate():
    with raises(ValueError, "diverged", "learning_rate"):
        GloVeEmbedder(n_components=4, learning_rate=1e30, grad_clip=1e30, max_iter=3, n_jobs=1,
                      random_state=0).fit(count_matrix())
