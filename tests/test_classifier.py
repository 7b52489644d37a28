"""FastTextClassifier: learning, the four losses, n-grams, files, the fastText tool's .bin, API contracts, errors."""

import logging
import mmap
import os
import pickle
import subprocess
import sys

import numpy as np
import pytest
from corpora import FUNCTION_WORDS, topic_sentences
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.preprocessing import MultiLabelBinarizer

from skvec import FastTextClassifier, WordVectors, Word2VecEmbedder
from skvec import classifier as classifier_module
from skvec._kernels import classifier as kernels
from skvec._training import classifier as engine
from skvec.subwords import fasttext_hash

TOPICS = [[f"t{t}w{i}" for i in range(10)] for t in range(4)]
SMALL = dict(n_components=16, epochs=10, n_jobs=1, random_state=0)


def _data(n_docs=400, seed=0):
    docs, labels = topic_sentences(TOPICS, FUNCTION_WORDS, n_docs, 4, 4, seed=seed)
    return docs, np.array(["alpha", "beta", "gamma", "delta"])[labels]


DOCS, Y = _data()
TEST_DOCS, TEST_Y = _data(200, seed=1)


@pytest.mark.parametrize("loss", ["softmax", "hs", "ns", "ova"])
def test_each_loss_learns_the_topics(loss):
    clf = FastTextClassifier(loss=loss, **SMALL).fit(DOCS, Y)
    assert clf.score(TEST_DOCS, TEST_Y) > 0.95
    proba = clf.predict_proba(TEST_DOCS)
    assert proba.shape == (200, 4)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    assert np.array_equal(clf.classes_[proba.argmax(axis=1)], clf.predict(TEST_DOCS))
    np.testing.assert_allclose(np.exp(clf.predict_log_proba(TEST_DOCS)), proba, rtol=1e-6)
    assert clf.decision_function(TEST_DOCS).shape == (200, 4)


def test_word_and_character_ngrams_learn_and_use_the_buckets():
    clf = FastTextClassifier(word_ngrams=3, min_n=2, max_n=4, bucket=5000, **SMALL).fit(DOCS, Y)
    assert clf.input_vectors_.shape == (len(clf.vocabulary_) + 5000, 16)
    assert clf.score(TEST_DOCS, TEST_Y) > 0.95
    # An unseen word still gets a class from its character n-grams.
    assert clf.predict(["t2w3x t2w5x"])[0] == clf.predict(["t2w3 t2w5"])[0]


def test_word_ngram_rows_follow_fasttexts_hash_of_the_word_hashes():
    words = ["a", "b", "c"]
    hashes = np.array([fasttext_hash(w) for w in words], dtype=np.uint32).view(np.int32)
    docs = kernels.Documents(np.array([0, 1, 2], dtype=np.int32), np.array([0, 3], dtype=np.int64),
                             np.array([0, 1, 2, 3], dtype=np.int64), np.array([0, 1, 2], dtype=np.int32), hashes, 10)
    buf = np.zeros(10, dtype=np.int32)
    n = kernels.document_rows(docs, kernels.InputSettings(3, 1000, 3), 0, buf)
    expected = []
    for i in range(3):
        h = int(np.int64(hashes[i])) % 2**64
        for j in range(i + 1, min(3, i + 3)):
            h = (h * 116049371 + int(np.int64(hashes[j])) % 2**64) % 2**64
            expected.append(3 + h % 1000)
    assert buf[:n].tolist() == [0, 1, 2] + expected


def test_binary_decision_function_is_one_column():
    binary = np.isin(Y, ["alpha", "beta"])
    clf = FastTextClassifier(**SMALL).fit(DOCS, binary)
    scores = clf.decision_function(TEST_DOCS)
    assert scores.shape == (200,)
    assert np.array_equal(clf.predict(TEST_DOCS), clf.classes_[(scores > 0).astype(int)])


def test_multilabel_indicator_with_one_vs_all():
    rng = np.random.default_rng(0)
    docs, labels = [], []
    for _ in range(400):
        topics = rng.choice(4, size=rng.integers(1, 3), replace=False)
        words = [w for t in topics for w in rng.choice(TOPICS[t], size=4)]
        docs.append(" ".join(words))
        labels.append([f"t{t}" for t in topics])
    binarizer = MultiLabelBinarizer()
    indicator = binarizer.fit_transform(labels)
    clf = FastTextClassifier(loss="ova", **SMALL).fit(docs[:300], indicator[:300])
    assert clf.multilabel_ and clf.classes_.tolist() == [0, 1, 2, 3]
    predicted = clf.predict(docs[300:])
    assert predicted.shape == (100, 4) and set(np.unique(predicted)) <= {0, 1}
    assert (predicted == indicator[300:]).all(axis=1).mean() > 0.9
    assert FastTextClassifier(loss="ova", threshold=1.0, **SMALL).fit(docs, indicator).predict(docs).sum() == 0


def test_n_jobs_1_is_reproducible_and_sample_weight_scales_the_learning_rate():
    first = FastTextClassifier(alpha=0.2, **SMALL).fit(DOCS, Y)
    again = FastTextClassifier(alpha=0.2, **SMALL).fit(DOCS, Y)
    weighted = FastTextClassifier(alpha=0.1, **SMALL).fit(DOCS, Y, sample_weight=np.full(len(DOCS), 2.0))
    assert np.array_equal(first.input_vectors_, again.input_vectors_)
    assert np.array_equal(first.output_vectors_, weighted.output_vectors_)
    zero = FastTextClassifier(**SMALL).fit(DOCS, Y, sample_weight=np.zeros(len(DOCS)))
    assert not zero.output_vectors_.any()


def _is_mapped(array):
    base = array
    while isinstance(base, np.ndarray):
        base = base.base
    return isinstance(getattr(base, "obj", base), mmap.mmap)


def test_mapped_input_matrix_holds_the_same_rows_and_pickles(monkeypatch):
    ordinary = np.empty((300, 16), dtype=np.float32)
    kernels.fill_uniform(ordinary, 1.0 / 16, 5)
    reference = FastTextClassifier(word_ngrams=2, bucket=1000, **SMALL).fit(DOCS, Y)
    monkeypatch.setattr(engine, "MAPPED_FROM", 1)
    mapped = engine.row_matrix(300, 16)
    assert _is_mapped(mapped) and mapped.flags.writeable and mapped.flags.c_contiguous
    np.testing.assert_array_equal(engine.initial_inputs(300, 16, 5), ordinary)
    # A fit whose input matrix is mapped gives the same model, and the model pickles as usual.
    clf = FastTextClassifier(word_ngrams=2, bucket=1000, **SMALL).fit(DOCS, Y)
    assert _is_mapped(clf.input_vectors_) and not _is_mapped(reference.input_vectors_)
    np.testing.assert_array_equal(clf.input_vectors_, reference.input_vectors_)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(clf)).input_vectors_, reference.input_vectors_)


def test_documents_without_known_words_get_the_end_of_line_prediction(caplog):
    clf = FastTextClassifier(verbose=1, **SMALL).fit(DOCS, Y)
    with caplog.at_level(logging.INFO, logger="skvec.classifier"):
        proba = clf.predict_proba(["", "unknown words only", [], "t1w1"])
    assert np.isfinite(proba).all()
    np.testing.assert_array_equal(proba[0], proba[1])
    np.testing.assert_array_equal(proba[0], proba[2])
    assert "3 of 4 documents have no vocabulary word" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="skvec.classifier"):
        clf.predict_proba(["t1w1", "t2w1"])
    assert "have no vocabulary word" not in caplog.text  # nothing to report, nothing said


def test_batches_give_the_same_scores(monkeypatch):
    clf = FastTextClassifier(loss="hs", **SMALL).fit(DOCS, Y)
    whole = clf.predict_proba(TEST_DOCS)
    monkeypatch.setattr(classifier_module, "_BATCH", 7)
    np.testing.assert_array_equal(clf.predict_proba(TEST_DOCS), whole)


def test_save_load_and_pickle_in_a_fresh_process(tmp_path):
    clf = FastTextClassifier(word_ngrams=2, bucket=1000, **SMALL).fit(DOCS, Y)
    path = tmp_path / "clf.npz"
    clf.save(path)
    loaded = FastTextClassifier.load(path)
    np.testing.assert_array_equal(loaded.predict_proba(TEST_DOCS), clf.predict_proba(TEST_DOCS))
    assert loaded.get_params() == clf.get_params()
    with open(tmp_path / "clf.pkl", "wb") as f:
        pickle.dump(clf, f)
    np.save(tmp_path / "docs.npy", np.array(TEST_DOCS))
    script = (
        "import pickle, numpy as np; clf = pickle.load(open(r'{0}/clf.pkl', 'rb'));"
        "np.save(r'{0}/proba.npy', clf.predict_proba(list(np.load(r'{0}/docs.npy'))))"
    ).format(tmp_path)
    subprocess.run([sys.executable, "-c", script], check=True, env=dict(os.environ))
    np.testing.assert_array_equal(np.load(tmp_path / "proba.npy"), clf.predict_proba(TEST_DOCS))
    cloned = clone(clf).fit(DOCS, Y)
    np.testing.assert_array_equal(cloned.predict_proba(TEST_DOCS), clf.predict_proba(TEST_DOCS))


def test_init_vectors_start_the_word_rows():
    rng = np.random.default_rng(0)
    pretrained = WordVectors(["t0w0", "t1w1", "absent"], rng.normal(size=(3, 16)).astype(np.float32))
    clf = FastTextClassifier(init_vectors=pretrained, alpha=1e-9, **SMALL).fit(DOCS, Y)
    row = clf.vocabulary_["t1w1"]
    np.testing.assert_allclose(clf.embedding_[row], pretrained["t1w1"], atol=1e-6)
    word_model = Word2VecEmbedder(n_components=16, min_count=1, epochs=1, n_jobs=1, random_state=0).fit(DOCS)
    assert FastTextClassifier(init_vectors=word_model, **SMALL).fit(DOCS, Y).score(TEST_DOCS, TEST_Y) > 0.9
    with pytest.raises(ValueError, match="n_components=8"):
        FastTextClassifier(n_components=8, init_vectors=pretrained).fit(DOCS, Y)
    with pytest.raises(TypeError, match="init_vectors"):
        FastTextClassifier(init_vectors="vectors.txt").fit(DOCS, Y)


@pytest.mark.parametrize(
    "params, y, match",
    [
        ({"word_ngrams": 0}, Y, "word_ngrams"),
        ({"loss": "hinge"}, Y, "loss"),
        ({"word_ngrams": 2, "bucket": 0}, Y, "bucket=0"),
        ({"min_n": 5, "max_n": 3}, Y, "min_n=5"),
        ({}, np.array(["a"] * len(DOCS)), "single class"),
        ({}, Y[:-1], "same length"),
        ({}, np.where(np.arange(len(DOCS)) == 3, None, Y).astype(object), "missing label"),
        ({}, np.where(np.arange(len(DOCS)) == 5, np.nan, 1.0), "missing label"),
        ({}, np.linspace(0, 1, len(DOCS)), "continuous"),
    ],
)
def test_bad_input_is_refused_before_training(params, y, match):
    with pytest.raises(ValueError, match=match):
        FastTextClassifier(**params).fit(DOCS, y)


def test_other_bad_input():
    with pytest.raises(NotFittedError):
        FastTextClassifier().predict(["a b"])
    with pytest.raises(TypeError, match="token 1"):
        FastTextClassifier().fit([["a", 3], ["b"]], ["x", "y"])
    with pytest.raises(TypeError, match="single str"):
        FastTextClassifier().fit("one document", ["x", "y"])
    with pytest.raises(ValueError, match="sample_weight"):
        FastTextClassifier().fit(DOCS, Y, sample_weight=-np.ones(len(DOCS)))


def test_cross_validation_and_grid_search():
    scores = cross_val_score(FastTextClassifier(**SMALL), DOCS, Y, cv=3)
    assert scores.min() > 0.9
    search = GridSearchCV(FastTextClassifier(**SMALL), {"word_ngrams": [1, 2], "bucket": [1000]}, cv=2, n_jobs=2)
    search.fit(np.array(DOCS, dtype=object), Y)
    assert search.best_score_ > 0.9


def test_check_estimator_on_the_default_configuration():
    from sklearn.utils import estimator_checks as checks

    # String input rules out the checks that feed numeric arrays: scikit-learn skips them by the
    # input tags (string=True, two_d_array=False), and warns that it did.
    with pytest.warns(checks.SkipTestWarning, match="string=True"):
        checks.check_estimator(FastTextClassifier())
    # The checks that need no data run here, as for the other text estimators.
    for check in (checks.check_estimator_cloneable, checks.check_estimator_tags_renamed, checks.check_valid_tag_types,
                  checks.check_estimator_repr, checks.check_no_attributes_set_in_init,
                  checks.check_parameters_default_constructible, checks.check_get_params_invariance,
                  checks.check_set_params, checks.check_do_not_raise_errors_in_init_or_set_params,
                  checks.check_mixin_order, checks.check_param_validation):
        check("FastTextClassifier", FastTextClassifier())


def test_fit_leaves_parameters_alone_and_accepts_a_generator():
    init = WordVectors(["t0w0"], np.ones((1, 16), dtype=np.float32))
    clf = FastTextClassifier(init_vectors=init, **SMALL)
    before = clf.get_params(deep=False)
    assert clf.fit((doc for doc in DOCS), Y) is clf
    assert all(clf.get_params(deep=False)[key] is value for key, value in before.items())
    np.testing.assert_array_equal(clone(clf).fit(tuple(DOCS), Y).input_vectors_, clf.input_vectors_)


# -- the fastText tool's .bin models -----------------------------------------------------------------


def _tool_corpus(tmp_path):
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(200)] + ["café", "naïve"]
    lines = []
    for _ in range(1500):
        c = rng.integers(5)
        tokens = [words[(c * 40 + rng.integers(50)) % len(words)] for _ in range(rng.integers(1, 10))]
        lines.append(f"__label__c{c} " + " ".join(tokens))
    path = tmp_path / "train.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "loss, word_ngrams, minn, maxn", [("softmax", 1, 0, 0), ("softmax", 2, 0, 0), ("softmax", 2, 2, 4),
                                      ("hs", 2, 0, 0), ("hs", 1, 3, 5), ("ova", 2, 0, 0), ("ns", 1, 0, 0)]
)
def test_predictions_of_a_fasttext_bin_equal_the_tools(tmp_path, loss, word_ngrams, minn, maxn):
    fasttext = pytest.importorskip("fasttext")
    model = fasttext.train_supervised(str(_tool_corpus(tmp_path)), dim=8, epoch=3, loss=loss, wordNgrams=word_ngrams,
                                      minn=minn, maxn=maxn, bucket=5000, thread=1, verbose=0, seed=0)
    model.save_model(str(tmp_path / "model.bin"))
    clf = FastTextClassifier.load_fasttext_bin(tmp_path / "model.bin")
    texts = ["w1 w2 w3", "w100 unseen w51", "", "zzz qqq", "café naïve w3", "w150 w151 w152 w1 w2"]
    k = len(model.labels)
    classes = list(clf.classes_)
    mine = clf.predict_proba(texts)
    scores = clf.decision_function(texts)
    for i, text in enumerate(texts):
        # The binding, not model.predict: the wheel's wrapper fails on NumPy 2.
        tool = model.f.predict(text + "\n", k, 0.0, "strict")
        order = [classes.index(label) for _, label in tool]
        tool_proba = np.array([p for p, _ in tool])
        if loss in ("softmax", "hs"):
            assert clf.predict([text])[0] == tool[0][1]
        if loss == "softmax":
            # The tool reports p + 1e-5 (it keeps log(p + 1e-5)).
            np.testing.assert_allclose(mine[i, order] + 1e-5, tool_proba, rtol=0, atol=1e-6)
        elif loss == "hs":
            # The tool adds 1e-5 to each node's probability along the path.
            np.testing.assert_allclose(mine[i, order], tool_proba, rtol=0, atol=1e-5 * 8)
        else:
            # The tool reads sigmoids from a 512-entry table over [-8, 8]: its probabilities are
            # those table entries (plus 1e-5) at our logits, and its label is ours up to the ties
            # the table makes.
            table = _tool_sigmoid(scores[i])
            np.testing.assert_allclose(table[order] + 1e-5, tool_proba, rtol=0, atol=1e-6)
            assert table[classes.index(tool[0][1])] == table[classes.index(clf.predict([text])[0])]
            assert np.abs(1 / (1 + np.exp(-scores[i, order])) - tool_proba).max() < 0.008


def _tool_sigmoid(logits):
    """The fastText tool's sigmoid: a table of 513 float32 values over [-8, 8], saturated outside."""
    x = (np.arange(513) * 16 / 512 - 8).astype(np.float32)
    table = (1.0 / (1.0 + np.exp(-x.astype(np.float64)))).astype(np.float32)
    logits = np.asarray(logits, dtype=np.float32)
    index = np.clip(((logits + np.float32(8)) * np.float32(512 / 16)).astype(np.int64), 0, 512)
    return np.where(logits < -8, 0.0, np.where(logits > 8, 1.0, table[index]))


def test_reading_a_non_supervised_bin_is_refused(tmp_path):
    fasttext = pytest.importorskip("fasttext")
    path = tmp_path / "text.txt"
    path.write_text(" ".join(f"w{i % 30}" for i in range(3000)), encoding="utf-8")
    model = fasttext.train_unsupervised(str(path), dim=4, epoch=1, minCount=1, bucket=100, thread=1, verbose=0)
    model.save_model(str(tmp_path / "sg.bin"))
    with pytest.raises(ValueError, match="not a supervised"):
        FastTextClassifier.load_fasttext_bin(tmp_path / "sg.bin")


# -- the fast path of corpus encoding (ASCII batches) ------------------------------------------------


@pytest.mark.parametrize("lowercase", [True, False])
def test_ascii_batches_encode_as_the_general_path(lowercase):
    from skvec._corpus import encode_all_tokens, encode_with_vocabulary

    rng = np.random.default_rng(0)
    alphabet = list("abcABC_09 \n\t.,;:-'\"!") + ["xy", "Zz", " the ", "\x00", "\x1c"]
    docs = ["".join(rng.choice(alphabet, size=rng.integers(0, 40))) for _ in range(12000)]
    docs[7] = "café au lait"  # its batch takes the general path
    fast_index, general_index = {"seed": 0}, {"seed": 0}
    fast = encode_all_tokens(docs, fast_index, lowercase=lowercase)
    # The same tokens through the general path: an equivalent pattern that is not the default one.
    general = encode_all_tokens(docs, general_index, lowercase=lowercase, token_pattern=r"(?u)\w+")
    assert list(fast_index.items()) == list(general_index.items())
    assert np.array_equal(fast[0], general[0]) and np.array_equal(fast[1], general[1])
    vocabulary = {word: row for row, word in enumerate(list(general_index)[:40])}
    fixed = encode_with_vocabulary(docs, vocabulary, lowercase=lowercase)
    fixed_general = encode_with_vocabulary(docs, vocabulary, lowercase=lowercase, token_pattern=r"(?u)\w+")
    assert np.array_equal(fixed[0], fixed_general[0]) and np.array_equal(fixed[1], fixed_general[1])


def test_command_line_trains_and_predicts(tmp_path, capsys):
    from skvec.cli import main

    lines = [f"__label__{label} {doc}" for doc, label in zip(DOCS, Y)]
    (tmp_path / "train.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "docs.txt").write_text("\n".join(DOCS) + "\n", encoding="utf-8")
    (tmp_path / "labels.txt").write_text("\n".join(Y) + "\n", encoding="utf-8")
    model = str(tmp_path / "clf.npz")
    assert main(["classify", "train", "--corpus", str(tmp_path / "train.txt"), "--out", model, "--param", "epochs=10",
                 "--param", "random_state=0", "-v"]) == 0
    assert "epoch 10/10" in capsys.readouterr().err
    assert main(["classify", "predict", model, "--corpus", str(tmp_path / "train.txt"), "--proba"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[0].startswith(f"__label__{Y[0]}\t")
    assert float(err.split()[1]) > 0.95  # "accuracy 0.99.. on 400 labelled documents"
    assert main(["classify", "train", "--corpus", str(tmp_path / "docs.txt"), "--labels",
                 str(tmp_path / "labels.txt"), "--out", model]) == 0
    assert main(["classify", "train", "--corpus", str(tmp_path / "docs.txt"), "--out", model]) == 1
    assert "line 1: no label" in capsys.readouterr().err
    assert main(["classify", "train", "--corpus", str(tmp_path / "train.txt"), "--param", "loss=hinge"]) == 1
    assert "'loss' parameter" in capsys.readouterr().err
    assert main(["classify", "train", "--corpus", str(tmp_path / "train.txt"), "--param", "bogus=1"]) == 2


def test_divergence_is_an_error_not_nan():
    with pytest.raises(FloatingPointError, match="alpha"):
        FastTextClassifier(alpha=1e30, **SMALL).fit(DOCS, Y)


def test_numpy_integer_parameters_survive_save_and_load(tmp_path):
    docs = ["good fun film", "bad dull film"] * 10
    labels = ["pos", "neg"] * 10
    clf = FastTextClassifier(n_components=np.int64(8), epochs=np.int64(2), min_count=1, n_jobs=1,
                             random_state=0).fit(docs, labels)
    clf.save(tmp_path / "model.npz")
    loaded = FastTextClassifier.load(tmp_path / "model.npz")
    assert loaded.get_params()["n_components"] == 8 and loaded.get_params()["epochs"] == 2
    assert loaded.predict(docs).tolist() == clf.predict(docs).tolist()


def test_model_files_of_each_kind_name_their_reader_and_older_files_load(tmp_path):
    from skvec import FastTextEmbedder, SubwordVectors
    from skvec.vectors import read_model_file, write_model_file

    clf = FastTextClassifier(word_ngrams=2, bucket=100, **SMALL).fit(DOCS, Y)
    clf.save(tmp_path / "clf.npz")
    embedder = FastTextEmbedder(n_components=8, min_count=1, bucket=100, epochs=1, n_jobs=1, random_state=0)
    embedder.fit(DOCS[:50]).save(tmp_path / "embedder.npz")
    SubwordVectors(["a"], np.ones((1, 3))).save(tmp_path / "vectors.npz")
    with pytest.raises(ValueError, match="not a FastTextEmbedder model file: it holds a FastTextClassifier "
                                         r"\(written by FastTextClassifier.save\); read it with FastTextClassifier.load"):
        FastTextEmbedder.load(tmp_path / "clf.npz")
    with pytest.raises(ValueError, match="not a FastTextClassifier model file: it holds a FastTextEmbedder"):
        FastTextClassifier.load(tmp_path / "embedder.npz")
    for reader in (FastTextClassifier.load, FastTextEmbedder.load):
        with pytest.raises(ValueError, match="holds word vectors only"):
            reader(tmp_path / "vectors.npz")
    # Files as written before the files named their model: the embedder's had no "model" setting.
    for name, reader in (("embedder", FastTextEmbedder.load), ("clf", FastTextClassifier.load)):
        meta, words, arrays = read_model_file(tmp_path / f"{name}.npz")
        settings = {k: v for k, v in meta.items() if k not in ("format", "version", "hash", "params")}
        if name == "embedder":
            assert settings.pop("model") == "fasttext-embedder"
        write_model_file(tmp_path / f"old-{name}.npz", words, settings, arrays, params=meta["params"])
        old = reader(tmp_path / f"old-{name}.npz")
        new = reader(tmp_path / f"{name}.npz")
        assert old.get_params() == new.get_params() and old.vocabulary_ == new.vocabulary_
        assert old.loss_curve_ == new.loss_curve_ and old.training_time_ == new.training_time_
    np.testing.assert_array_equal(FastTextClassifier.load(tmp_path / "old-clf.npz").predict_proba(TEST_DOCS),
                                  clf.predict_proba(TEST_DOCS))
    np.testing.assert_array_equal(FastTextEmbedder.load(tmp_path / "old-embedder.npz").embedding_, embedder.embedding_)
    assert SubwordVectors.load(tmp_path / "embedder.npz").vectors.shape == embedder.embedding_.shape
