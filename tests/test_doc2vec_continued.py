"""Doc2VecEmbedder trained further: init_vectors, partial_fit, warm_start, callbacks."""

import os
import pickle
import subprocess
import sys

import numpy as np
import pytest
from corpora import topic_documents, topic_of_word, with_new_words
from sklearn.base import clone

from skvec import Doc2VecEmbedder, WordVectors

SMALL = dict(n_components=8, window=3, epochs=2, min_count=2, sample=0, n_jobs=1, random_state=0)
ARCHITECTURES = [
    {"architecture": "dbow"},
    {"architecture": "dbow", "train_words": True},
    {"architecture": "dm"},
    {"architecture": "dm", "dm_mean": False, "hierarchical_softmax": True, "negative": 0},
    {"architecture": "dbow", "train_words": True, "hierarchical_softmax": True},
]


def _docs(seed, n_docs=120):
    return topic_documents(n_docs=n_docs, doc_length=(8, 16), seed=seed, n_topics=4, words_per_topic=10)


def _arrays(model):
    names = ["document_vectors_", "embedding_", "context_embedding_", "tree_embedding_", "word_counts_"]
    return {name: getattr(model, name) for name in names}


def _assert_same_model(a, b):
    assert a.vocabulary_ == b.vocabulary_
    assert a.pending_word_counts_ == b.pending_word_counts_
    assert a.loss_curve_ == b.loss_curve_
    for name, value in _arrays(a).items():
        other = getattr(b, name)
        if value is None:
            assert other is None, name
        else:
            np.testing.assert_array_equal(value, other, err_msg=name)


# -- partial_fit and warm_start ---------------------------------------------------------------------


@pytest.mark.parametrize("arch", ARCHITECTURES)
def test_first_partial_fit_is_fit(arch):
    fitted = Doc2VecEmbedder(**SMALL, **arch).fit(_docs(0))
    partial = Doc2VecEmbedder(**SMALL, **arch).partial_fit(_docs(0))
    _assert_same_model(fitted, partial)
    docs = _docs(5, n_docs=10)
    np.testing.assert_array_equal(fitted.transform(docs), partial.transform(docs))


@pytest.mark.parametrize("arch", ARCHITECTURES)
def test_partial_fit_is_reproducible_and_equals_warm_start(arch):
    first, second = _docs(0), with_new_words(_docs(1))
    a = Doc2VecEmbedder(**SMALL, **arch).fit(first).partial_fit(second)
    b = Doc2VecEmbedder(**SMALL, **arch).fit(first).partial_fit(second)
    _assert_same_model(a, b)
    c = Doc2VecEmbedder(warm_start=True, **SMALL, **arch).fit(first).fit(second)
    _assert_same_model(a, c)
    # fit_transform with warm_start continues too, and returns the inferred vectors of its documents.
    d = Doc2VecEmbedder(warm_start=True, **SMALL, **arch).fit(first)
    np.testing.assert_array_equal(d.fit_transform(second), a.transform(second))
    _assert_same_model(a, d)


def test_partial_fit_grows_the_vocabulary_and_appends_document_rows():
    first, second = _docs(0), with_new_words(_docs(1), seed=2) + [["rare", "t0w1"]]
    model = Doc2VecEmbedder(**SMALL, architecture="dm").fit(first)
    before = {name: None if value is None else value.copy() for name, value in _arrays(model).items()}
    words_before = list(model.vocabulary_)
    model.set_params(epochs=3).partial_fit(second)
    words = list(model.vocabulary_)
    # Existing words keep their rows; the new ones are appended; counts accumulate; "rare" waits.
    assert words[: len(words_before)] == words_before
    assert set(words[len(words_before):]) == {"newa", "newb"}
    assert model.pending_word_counts_ == {"rare": 1}
    counted = {word: 0 for word in words}
    for doc in first + second:
        for token in doc:
            if token in counted:
                counted[token] += 1
    assert model.word_counts_.tolist() == [counted[word] for word in words]
    # The training documents' rows: the first fit's documents (untouched), then the new ones.
    assert model.document_vectors_.shape == (len(first) + len(second), 8)
    np.testing.assert_array_equal(model.document_vectors_[: len(first)], before["document_vectors_"])
    assert not np.array_equal(model.embedding_[: len(words_before)], before["embedding_"])
    # Each call its own schedule: its epochs are appended to the loss curve.
    assert len(model.loss_curve_) == 2 + 3
    # The model's word and output rows were carried over, not restarted: a second call with a
    # tiny learning rate leaves them (almost) where the first left them.
    still = Doc2VecEmbedder(**SMALL, architecture="dm").fit(first)
    still.set_params(alpha=1e-9, min_alpha=1e-9).partial_fit(second)
    n_old = len(words_before)
    np.testing.assert_allclose(still.embedding_[:n_old], before["embedding_"], atol=1e-6)
    np.testing.assert_allclose(still.context_embedding_[:n_old], before["context_embedding_"], atol=1e-6)
    assert np.abs(still.context_embedding_[n_old:]).max() < 1e-6  # new words start at zero


def test_transform_after_partial_fit_uses_the_updated_model():
    model = Doc2VecEmbedder(**SMALL, architecture="dm").fit(_docs(0))
    new_doc = [["newa", "newb", "newa"]]
    assert not model.transform(new_doc).any()  # no vocabulary word yet
    old_rows = model.transform(_docs(3, n_docs=5))
    model.partial_fit(with_new_words(_docs(1)))
    assert model.transform(new_doc).any()
    assert not np.array_equal(model.transform(_docs(3, n_docs=5)), old_rows)


@pytest.mark.parametrize("arch", [{"architecture": "dbow", "train_words": True}, {"architecture": "dm"}])
def test_word_first_seen_in_a_later_call_gets_a_trained_vector(arch):
    model = Doc2VecEmbedder(**dict(SMALL, n_components=16, epochs=5), **arch)
    model.fit(_docs(0, n_docs=300))
    model.partial_fit(with_new_words(_docs(1, n_docs=300)))
    vectors = WordVectors(list(model.vocabulary_), model.embedding_)
    neighbours = [word for word, _ in vectors.most_similar("newa", topn=6) if word != "newb"]
    assert all(topic_of_word(word) == "t0" for word in neighbours[:5]), neighbours


def _nearest_topic_accuracy(vectors, topics):
    """Share of documents whose nearest other document (cosine) has their topic."""
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    similarity = unit @ unit.T
    np.fill_diagonal(similarity, -np.inf)
    return float(np.mean(topics[similarity.argmax(axis=1)] == topics))


@pytest.mark.parametrize(("arch", "least"), [({"architecture": "dbow"}, 0.95), ({"architecture": "dm"}, 0.6)])
def test_documents_of_a_later_call_get_trained_rows(arch, least):
    # Four topics: chance is 0.25.  Measured: PV-DBOW 1.0, PV-DM 0.70 (inferred: 1.0, 0.72).
    later = _docs(1, n_docs=200)
    topics = np.array([topic_of_word(doc[0]) for doc in later])
    model = Doc2VecEmbedder(**dict(SMALL, n_components=16, epochs=10), **arch).fit(_docs(0, n_docs=200))
    model.partial_fit(later)
    assert _nearest_topic_accuracy(model.document_vectors_[200:], topics) >= least
    assert _nearest_topic_accuracy(model.transform(later), topics) >= least


def test_partial_fit_without_known_words_still_gives_document_rows():
    model = Doc2VecEmbedder(**SMALL).fit(_docs(0))
    curve = list(model.loss_curve_)
    model.partial_fit([["unknown", "words"], []])
    assert model.document_vectors_.shape == (122, 8)
    assert model.loss_curve_ == curve
    assert model.pending_word_counts_ == {"unknown": 1, "words": 1}


@pytest.mark.parametrize("change", [
    {"n_components": 9}, {"architecture": "dm"}, {"hierarchical_softmax": True}, {"negative": 0},
    {"dm_mean": False}, {"train_words": True}, {"lowercase": False}, {"token_pattern": r"\w+"},
])
def test_structural_parameters_cannot_change(change):
    model = Doc2VecEmbedder(**SMALL).fit(_docs(0))
    if change == {"negative": 0}:
        model.set_params(hierarchical_softmax=True, negative=0)
        name = "hierarchical_softmax"
    else:
        model.set_params(**change)
        name = next(iter(change))
    with pytest.raises(ValueError, match=name):
        model.partial_fit(_docs(1))
    model.set_params(warm_start=True)
    with pytest.raises(ValueError, match=name):
        model.fit(_docs(1))


def test_only_negative_sampling_switch_is_structural():
    model = Doc2VecEmbedder(**SMALL, hierarchical_softmax=True).fit(_docs(0))
    with pytest.raises(ValueError, match="negative sampling"):
        model.set_params(negative=0).partial_fit(_docs(1))
    model.set_params(negative=3, epochs=1, window=2, alpha=0.01).partial_fit(_docs(1))
    assert model.document_vectors_.shape == (240, 8)


def test_a_failed_call_leaves_the_model_as_it_was():
    model = Doc2VecEmbedder(**SMALL, architecture="dm").fit(_docs(0))
    before = pickle.dumps(model)

    def fail(estimator, epoch):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        model.set_params(callbacks=[fail]).partial_fit(with_new_words(_docs(1)))
    model.set_params(callbacks=None)
    assert pickle.dumps(model) == before
    with pytest.raises(FloatingPointError, match="alpha"):
        model.set_params(alpha=1e30, min_alpha=1e30).partial_fit(_docs(1))
    model.set_params(alpha=None, min_alpha=None)
    assert pickle.dumps(model) == before


_CONTINUE_SCRIPT = """
import pickle, sys
sys.path.insert(0, sys.argv[2])
from corpora import topic_documents
with open(sys.argv[1], "rb") as f:
    model = pickle.load(f)
docs = topic_documents(n_docs=120, doc_length=(8, 16), seed=1, n_topics=4, words_per_topic=10)
docs[0] = docs[0] + ["newa", "newa"]
model.partial_fit(docs)
with open(sys.argv[1], "wb") as f:
    pickle.dump(model, f)
"""


def test_pickled_model_continues_in_a_fresh_process_bit_identically(tmp_path):
    model = Doc2VecEmbedder(**SMALL, architecture="dm", hierarchical_softmax=True).fit(_docs(0))
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps(model))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [os.getcwd(), os.environ.get("PYTHONPATH")])))
    subprocess.run([sys.executable, "-c", _CONTINUE_SCRIPT, str(path), os.path.dirname(__file__)], check=True,
                   env=env)
    continued = pickle.loads(path.read_bytes())
    docs = _docs(1)
    docs[0] = docs[0] + ["newa", "newa"]
    model.partial_fit(docs)
    _assert_same_model(continued, model)
    np.testing.assert_array_equal(continued.transform(docs[:5]), model.transform(docs[:5]))


# -- callbacks ---------------------------------------------------------------------------------------


def test_callbacks_see_the_model_at_each_epoch():
    seen, inferred = [], []

    def record(model, epoch):
        seen.append((epoch, model.document_vectors_.copy(), model.embedding_.copy(), list(model.loss_curve_)))
        inferred.append(model.transform(_docs(4, n_docs=3)))  # the model so far can infer

    model = Doc2VecEmbedder(**dict(SMALL, epochs=3), architecture="dm", callbacks=[record]).fit(_docs(0))
    assert [epoch for epoch, *_ in seen] == [1, 2, 3]
    assert [len(curve) for *_, curve in seen] == [1, 2, 3]
    np.testing.assert_array_equal(seen[-1][1], model.document_vectors_)
    np.testing.assert_array_equal(seen[-1][2], model.embedding_)
    assert not np.array_equal(seen[0][1], seen[-1][1])
    np.testing.assert_array_equal(inferred[-1], model.transform(_docs(4, n_docs=3)))
    seen.clear()
    model.partial_fit(_docs(1, n_docs=30))
    assert [epoch for epoch, *_ in seen] == [1, 2, 3]
    assert [doc_rows.shape for _, doc_rows, *_ in seen] == [(150, 8)] * 3
    assert [len(curve) for *_, curve in seen] == [4, 5, 6]
    with pytest.raises(TypeError, match="callbacks"):
        Doc2VecEmbedder(callbacks=[1], **SMALL).fit(_docs(0))


# -- init_vectors -----------------------------------------------------------------------------------


def _source(words, dim=8, seed=3):
    rng = np.random.default_rng(seed)
    return WordVectors(list(words), rng.standard_normal((len(words), dim)).astype(np.float32))


@pytest.mark.parametrize("arch", [{"architecture": "dm"}, {"architecture": "dbow", "train_words": True}])
def test_init_vectors_start_shared_words_from_their_rows(arch):
    # A learning rate so small that the rows stay where they started.
    still = dict(SMALL, alpha=1e-9, min_alpha=1e-9, **arch)
    source = _source(["t0w0", "t1w3", "absent"])
    model = Doc2VecEmbedder(init_vectors=source, **still).fit(_docs(0))
    plain = Doc2VecEmbedder(**still).fit(_docs(0))
    shared = [model.vocabulary_[w] for w in ("t0w0", "t1w3")]
    np.testing.assert_allclose(model.embedding_[shared], source.vectors[[0, 1]], atol=1e-6)
    others = np.setdiff1d(np.arange(len(model.vocabulary_)), shared)
    np.testing.assert_array_equal(model.embedding_[others], plain.embedding_[others])
    # Document rows and outputs start as for a fresh fit.
    np.testing.assert_array_equal(model.document_vectors_, plain.document_vectors_)
    assert np.abs(model.context_embedding_).max() < 1e-6
    # Words joining later start from their row too.
    source = _source(["newa", "t0w0"], seed=4)
    model = Doc2VecEmbedder(**still).fit(_docs(0))
    model.set_params(init_vectors=source).partial_fit(with_new_words(_docs(1)))
    np.testing.assert_allclose(model.embedding_[model.vocabulary_["newa"]], source.vectors[0], atol=1e-6)
    assert np.abs(model.embedding_[model.vocabulary_["t0w0"]] - source.vectors[1]).max() > 1e-3


def _unread():
    raise AssertionError("documents were read")
    yield


def test_init_vectors_errors_before_reading_documents():
    nan = _source(["t0w0", "t0w1"])
    nan.vectors[1, 2] = np.nan
    cases = [
        (_source(["t0w0"], dim=5), ValueError, "init_vectors.*5 dimensions.*n_components=8"),
        (nan, ValueError, "init_vectors.*NaN"),
        ("vectors.txt", TypeError, "init_vectors"),
        (Doc2VecEmbedder(), (TypeError, ValueError), "init_vectors"),
    ]
    for source, error, message in cases:
        with pytest.raises(error, match=message):
            Doc2VecEmbedder(init_vectors=source, **SMALL).fit(_unread())
        fitted = Doc2VecEmbedder(**SMALL).fit(_docs(0))
        with pytest.raises(error, match=message):
            fitted.set_params(init_vectors=source).partial_fit(_unread())


def test_clone_keeps_the_new_parameters():
    model = Doc2VecEmbedder(warm_start=True, callbacks=[print], init_vectors=None)
    params = clone(model).get_params()
    assert params["warm_start"] is True and params["callbacks"] == [print]


def test_models_pickled_with_the_private_tree_vectors_still_load():
    model = Doc2VecEmbedder(**SMALL, hierarchical_softmax=True).fit(_docs(0))
    state = dict(model.__getstate__())
    state["_tree_embedding"] = state.pop("tree_embedding_")
    old = Doc2VecEmbedder.__new__(Doc2VecEmbedder)
    old.__setstate__(state)
    np.testing.assert_array_equal(old.tree_embedding_, model.tree_embedding_)
    np.testing.assert_array_equal(old.transform(_docs(2, n_docs=5)), model.transform(_docs(2, n_docs=5)))


# -- partial_fit(update_vocabulary=False) -----------------------------------------------------------


@pytest.mark.parametrize("arch", ARCHITECTURES)
def test_partial_fit_without_counting_keeps_the_vocabulary_and_appends_document_rows(arch):
    first, second = _docs(0), with_new_words(_docs(1), seed=2) + [["rare", "t0w1"]]
    runs = []
    for _ in range(2):
        model = Doc2VecEmbedder(**SMALL, **arch).fit(first)
        before = {name: None if value is None else value.copy() for name, value in _arrays(model).items()}
        vocabulary, pending = dict(model.vocabulary_), dict(model.pending_word_counts_)
        model.partial_fit(second, update_vocabulary=False)
        assert model.vocabulary_ == vocabulary and model.pending_word_counts_ == pending
        np.testing.assert_array_equal(model.word_counts_, before["word_counts_"])
        # Every document gets a new row, after the first fit's (untouched).
        assert model.document_vectors_.shape == (len(first) + len(second), 8)
        np.testing.assert_array_equal(model.document_vectors_[: len(first)], before["document_vectors_"])
        assert not np.array_equal(model.context_embedding_ if model.negative else model.tree_embedding_,
                                  before["context_embedding_"] if model.negative else before["tree_embedding_"])
        runs.append(model)
    _assert_same_model(*runs)
    # Words outside the vocabulary are skipped: the same as reading the documents without them.
    known = [[word for word in doc if word in runs[0].vocabulary_] for doc in second]
    stripped = Doc2VecEmbedder(**SMALL, **arch).fit(first).partial_fit(known, update_vocabulary=False)
    _assert_same_model(runs[0], stripped)


def test_update_vocabulary_errors():
    model = Doc2VecEmbedder(**SMALL)
    with pytest.raises(ValueError, match=r"update_vocabulary=False.*Doc2VecEmbedder is not fitted"):
        model.partial_fit(_unread(), update_vocabulary=False)
    model.fit(_docs(0))
    with pytest.raises(TypeError, match="update_vocabulary must be True or False, got 'yes'"):
        model.partial_fit(_unread(), update_vocabulary="yes")
