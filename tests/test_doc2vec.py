"""Doc2VecEmbedder: what PV-DBOW and PV-DM learn, deterministic inference, the estimator contract."""

import logging
import pickle
import subprocess
import sys

import numpy as np
import pytest
from corpora import topic_documents, topic_of_word
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from skvec import Doc2VecEmbedder, get_word_vectors
from skvec._kernels import doc2vec as doc2vec_kernels
from skvec._kernels import word2vec as word2vec_kernels

DOCS = topic_documents(n_docs=240, doc_length=(10, 30), seed=1, n_topics=4, words_per_topic=10)
TOPICS = np.array([topic_of_word(doc[0]) for doc in DOCS])


def small(**params):
    # No down-sampling: each of the 40 words of this corpus is frequent enough to be dropped 3 times in 4.
    settings = dict(n_components=16, min_count=1, epochs=10, sample=0, n_jobs=1, random_state=0)
    settings.update(params)
    return Doc2VecEmbedder(**settings)


def _nearest_topic_accuracy(vectors, topics):
    """Share of documents whose nearest other document (cosine) has their topic."""
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    similarity = unit @ unit.T
    np.fill_diagonal(similarity, -np.inf)
    return float(np.mean(topics[similarity.argmax(axis=1)] == topics))


ARCHITECTURES = [
    {"architecture": "dbow"},
    {"architecture": "dbow", "train_words": True},
    {"architecture": "dm"},
    {"architecture": "dm", "dm_mean": False},
    {"architecture": "dbow", "negative": 0, "hierarchical_softmax": True},
    {"architecture": "dm", "negative": 0, "hierarchical_softmax": True},
    {"architecture": "dbow", "hierarchical_softmax": True},
]


@pytest.mark.parametrize("params", ARCHITECTURES)
def test_documents_of_a_topic_are_close(params):
    model = small(**params)
    inferred = model.fit_transform(DOCS)
    assert inferred.dtype == np.float32 and inferred.shape == (len(DOCS), 16)
    # Chance is 0.25.  In PV-DM the context words already predict their
    # topic here, so the document row learns less: gensim's Doc2Vec (dm=1,
    # same settings) reaches 0.60 (hierarchical softmax) to 0.75 on this corpus.
    expected = 0.55 if params["architecture"] == "dm" else 0.95
    assert _nearest_topic_accuracy(model.document_vectors_, TOPICS) > expected
    assert _nearest_topic_accuracy(inferred, TOPICS) > expected
    assert all(np.isfinite(loss) for loss in model.loss_curve_)


def test_inferred_vector_is_nearest_to_its_trained_vector_topic():
    model = small(epochs=20).fit(DOCS)
    inferred = model.transform(DOCS[:40])
    trained = model.document_vectors_
    unit = trained / np.linalg.norm(trained, axis=1, keepdims=True)
    nearest = (inferred @ unit.T).argmax(axis=1)
    assert np.mean(TOPICS[nearest] == TOPICS[:40]) > 0.9


def test_inference_draws_negatives_as_training_does():
    # Inference reads the alias table packed one slot an int64; the words drawn are the same.
    weights = np.arange(1, 41, dtype=np.float64) ** 0.75
    threshold, alias = word2vec_kernels.alias_table(weights)
    slots = word2vec_kernels.packed_alias(threshold, alias)
    expected = word2vec_kernels.draw_negatives(threshold, alias, 5000, np.uint64(7))
    np.testing.assert_array_equal(word2vec_kernels.draw_packed(slots, 5000, np.uint64(7)), expected)


def test_inference_context_sums_from_prefix_sums():
    rng = np.random.default_rng(0)
    word_rows = rng.normal(size=(50, 16)).astype(np.float32)
    n = 300
    sentence = rng.integers(0, 50, size=n).astype(np.int32)
    prefix = np.empty((n + 1, 16), dtype=np.float32)
    doc2vec_kernels._prefix_sums(n, sentence, word_rows, prefix)
    for i in [0, 1, 150, n - 1]:
        for half in [1, 3, 10]:
            lo, hi = max(i - half, 0), min(i + half + 1, n)
            context = word_rows[sentence[lo:hi]].astype(np.float64).sum(axis=0) - word_rows[sentence[i]]
            from_prefix = (prefix[hi] - prefix[i + 1]) + (prefix[i] - prefix[lo])
            np.testing.assert_allclose(from_prefix, context, atol=1e-4)


@pytest.mark.parametrize("architecture", ["dbow", "dm"])
def test_fit_transform_equals_fit_then_transform(architecture):
    a = small(architecture=architecture).fit_transform(DOCS)
    b = small(architecture=architecture).fit(DOCS).transform(DOCS)
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("params", [{"architecture": "dbow", "train_words": True}, {"architecture": "dm"}])
def test_single_thread_training_is_bit_reproducible(params):
    a = small(**params).fit(DOCS)
    b = small(**params).fit(DOCS)
    np.testing.assert_array_equal(a.document_vectors_, b.document_vectors_)
    np.testing.assert_array_equal(a.embedding_, b.embedding_)
    np.testing.assert_array_equal(a.context_embedding_, b.context_embedding_)
    c = small(**dict(params, random_state=1)).fit(DOCS)
    assert not np.array_equal(a.document_vectors_, c.document_vectors_)


@pytest.mark.parametrize("architecture", ["dbow", "dm"])
def test_inference_does_not_depend_on_batch_order_size_or_threads(architecture):
    model = small(architecture=architecture).fit(DOCS)
    docs = DOCS[:60] + [["unknownword"], []]
    reference = model.transform(docs)
    rng = np.random.default_rng(0)
    order = rng.permutation(len(docs))
    shuffled = model.set_params(n_jobs=2).transform([docs[i] for i in order])
    np.testing.assert_array_equal(shuffled, reference[order])
    parts = [model.set_params(n_jobs=n_jobs).transform(docs[lo:hi])
             for lo, hi, n_jobs in [(0, 1, 1), (1, 17, 2), (17, 18, -1), (18, 62, 1)]]
    np.testing.assert_array_equal(np.vstack(parts), reference)
    # Repeated calls give the same rows (no state carried between calls).
    np.testing.assert_array_equal(model.transform(docs), reference)


def test_inference_depends_on_random_state():
    a = small(random_state=0).fit(DOCS).transform(DOCS[:5])
    b = small(random_state=0).fit(DOCS).transform(DOCS[:5])
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("architecture", ["dbow", "dm"])
def test_long_document_is_used_whole(architecture):
    model = small(architecture=architecture, epochs=2, infer_epochs=2).fit(DOCS)
    rng = np.random.default_rng(0)
    words = [f"t0w{i}" for i in range(10)]
    long_doc = list(rng.choice(words, size=200_000))
    changed_tail = long_doc[:-50] + [f"t3w{i % 10}" for i in range(50)]
    rows = model.transform([long_doc, changed_tail])
    assert np.isfinite(rows).all()
    # The last 50 of 200,000 words change the vector: nothing is cut.
    assert not np.array_equal(rows[0], rows[1])


def test_empty_and_unknown_documents_give_zero_rows_and_a_log_line(caplog):
    model = small().fit(DOCS)
    with caplog.at_level(logging.INFO, logger="skvec.doc2vec"):
        rows = model.transform([[], ["nothing", "known"], DOCS[0], ""])
    np.testing.assert_array_equal(rows[[0, 1, 3]], 0.0)
    assert np.abs(rows[2]).sum() > 0
    assert any("3 of 4 documents have no vocabulary word" in record.getMessage() for record in caplog.records)


def test_word_vectors_when_trained():
    with pytest.raises(ValueError, match="train_words"):
        get_word_vectors(small().fit(DOCS))
    for params in [{"train_words": True}, {"architecture": "dm"}]:
        model = small(**params).fit(DOCS)
        vectors = get_word_vectors(model)
        assert vectors.vectors.shape == (len(model.vocabulary_), 16)
        neighbour = vectors.most_similar("t0w1", topn=1)[0][0]
        assert topic_of_word(neighbour) == "t0"


def test_clone_pickle_and_fresh_process(tmp_path):
    model = small(architecture="dm").fit(DOCS)
    assert clone(model).get_params() == model.get_params()
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps(model))
    docs = DOCS[:20]
    np.save(tmp_path / "expected.npy", model.transform(docs))
    code = (
        "import pickle, sys, numpy as np; sys.path.insert(0, sys.argv[2])\n"
        "from corpora import topic_documents\n"
        "docs = topic_documents(n_docs=240, doc_length=(10, 30), seed=1, n_topics=4, words_per_topic=10)[:20]\n"
        "model = pickle.load(open(sys.argv[1] + '/model.pkl', 'rb'))\n"
        "np.testing.assert_array_equal(model.transform(docs), np.load(sys.argv[1] + '/expected.npy'))\n"
    )
    tests_dir = str(__import__("pathlib").Path(__file__).parent)
    subprocess.run([sys.executable, "-c", code, str(tmp_path), tests_dir], check=True)


def test_feature_names_and_pandas_output():
    pytest.importorskip("pandas")
    model = small(n_components=4).fit(DOCS)
    assert list(model.get_feature_names_out()) == [f"doc2vecembedder{i}" for i in range(4)]
    frame = model.set_output(transform="pandas").transform(DOCS[:3])
    assert list(frame.columns) == list(model.get_feature_names_out()) and frame.shape == (3, 4)


def test_grid_search_over_its_parameters():
    pipeline = make_pipeline(small(), LogisticRegression())
    search = GridSearchCV(pipeline, {"doc2vecembedder__architecture": ["dbow", "dm"]}, cv=2)
    search.fit(DOCS[:120], TOPICS[:120])
    assert search.best_score_ > 0.8


def _unread(docs):
    """Documents that fail the test if anything reads them."""
    def generate():
        raise AssertionError("a document was read before the parameters were checked")
        yield from docs
    return generate()


@pytest.mark.parametrize(
    "params, match",
    [
        ({"window": 0}, "window"),
        ({"n_components": 0}, "n_components"),
        ({"infer_epochs": 0}, "infer_epochs"),
        ({"architecture": "pv"}, "architecture"),
        ({"negative": 0}, "hierarchical_softmax"),
        ({"alpha": 0.01, "min_alpha": 0.1}, "min_alpha"),
    ],
)
def test_bad_parameters_are_rejected_before_reading(params, match):
    with pytest.raises(ValueError, match=match):
        small(**params).fit(_unread(DOCS))


def test_bad_documents_and_unfitted_transform():
    with pytest.raises(TypeError, match="tokens must be strings"):
        small().fit([["a", "b"], ["c", 3]])
    with pytest.raises(NotFittedError):
        small().transform(DOCS)
    model = small().fit(DOCS)
    with pytest.raises(TypeError, match="tokens must be strings"):
        model.transform([["t0w1", None]])
    with pytest.raises(ValueError, match="infer_epochs"):
        model.set_params(infer_epochs=0).transform(_unread(DOCS))


def test_divergence_is_reported():
    with pytest.raises(FloatingPointError, match="alpha"):
        small(alpha=1e30, min_alpha=1e30, sample=0).fit(DOCS)


def test_command_line_writes_word_and_document_vectors(tmp_path, capsys):
    from skvec.cli import main
    from skvec import WordVectors

    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(" ".join(doc) for doc in DOCS[:100]) + "\n", encoding="utf-8")
    words, documents = tmp_path / "words.txt", tmp_path / "docs.txt"
    params = ["n_components=8", "min_count=1", "epochs=3", "n_jobs=1", "random_state=0"]
    argv = ["train", "doc2vec", "--corpus", str(corpus), "--out", str(words), "--docvecs", str(documents)]
    assert main(argv + [arg for value in params for arg in ("--param", value)]) == 0
    assert "wrote 100 document vectors" in capsys.readouterr().out
    word_vectors, document_vectors = WordVectors.load_word2vec_format(words), WordVectors.load_word2vec_format(documents)
    assert word_vectors.vectors.shape == (40, 8)
    assert document_vectors.index_to_key[:3] == ["0", "1", "2"] and document_vectors.vectors.shape == (100, 8)
    assert main(["train", "word2vec", "--corpus", str(corpus), "--out", str(words), "--docvecs", str(documents),
                 "--param", "min_count=1", "--param", "epochs=1"]) != 0
    assert "only doc2vec" in capsys.readouterr().err


def test_parameters_set_after_fit_change_inference_schedule_only():
    model = small().fit(DOCS)
    reference = model.transform(DOCS[:10])
    # The architecture of the fitted model stays (a PV-DBOW model has no word inputs for PV-DM).
    np.testing.assert_array_equal(model.set_params(architecture="dm", window=2).transform(DOCS[:10]), reference)
    assert not np.array_equal(model.set_params(infer_epochs=3).transform(DOCS[:10]), reference)


@pytest.mark.parametrize("params", ARCHITECTURES + [{"architecture": "dm", "shrink_windows": False, "sample": 1e-2}])
def test_batched_inference_equals_one_document_at_a_time(params):
    # Documents of very unequal length (one longer than a sentence of 10,000
    # words), inferred in one batch on two threads, give the rows each gets alone.
    model = small(**params).fit(DOCS)
    rng = np.random.default_rng(1)
    docs = [DOCS[i][: rng.integers(1, 30)] for i in range(40)] + [[w for doc in DOCS for w in doc] * 3]
    batch = model.set_params(n_jobs=2, infer_epochs=3).transform(docs)
    alone = np.vstack([model.set_params(n_jobs=1).transform([doc]) for doc in docs])
    np.testing.assert_array_equal(batch, alone)


def test_transform_logs_encoding_lines_at_verbose_2(caplog):
    model = small().fit(DOCS)
    docs = [DOCS[i % len(DOCS)][:3] for i in range(12_000)]
    with caplog.at_level(logging.INFO, logger="skvec.doc2vec"):
        model.set_params(verbose=1, infer_epochs=1).transform(docs)
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 1 and "inferred 12000 document vectors" in messages[0]
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="skvec.doc2vec"):
        model.set_params(verbose=2).transform(docs)
    messages = [record.getMessage() for record in caplog.records]
    # Periodic lines come at most once per interval; the summary always.
    assert any(message.startswith("encoding: done, docs 12000, 36k tokens") for message in messages), messages
    assert "inferred 12000 document vectors" in messages[-1]
    assert all(record.name == "skvec.doc2vec" for record in caplog.records)


@pytest.mark.parametrize("params", [{"architecture": "dbow"}, {"architecture": "dm"},
                                    {"architecture": "dbow", "negative": 0, "hierarchical_softmax": True},
                                    {"architecture": "dm", "hierarchical_softmax": True}])
def test_large_batch_equals_one_document_at_a_time(params):
    # More documents than the kernel's 256 ranges, so that a thread infers
    # several documents of one range in turn: unequal lengths, empty and
    # unknown documents among them, an odd count, one and two threads; each
    # row is the one it gets alone.
    model = small(**params, epochs=2, infer_epochs=2).fit(DOCS)
    rng = np.random.default_rng(2)
    docs = [DOCS[i % len(DOCS)][: rng.integers(1, 30)] for i in range(601)]
    docs[5], docs[6], docs[300] = [], ["unknownword"], []
    alone = np.vstack([model.set_params(n_jobs=1).transform([doc]) for doc in docs])
    for n_jobs in (1, 2):
        np.testing.assert_array_equal(model.set_params(n_jobs=n_jobs).transform(docs), alone)
