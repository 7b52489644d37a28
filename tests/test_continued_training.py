"""Training further: init_vectors, partial_fit with a growing vocabulary, warm_start, callbacks."""

import os
import pickle
import subprocess
import sys
import warnings

import numpy as np
import pytest
from corpora import topic_documents, topic_of_word, with_new_words
from sklearn.base import clone

from skvec import FastTextEmbedder, SubwordVectors, Word2VecEmbedder, WordVectors
from skvec._corpus import encode_corpus, grow_vocabulary
from skvec._kernels.word2vec import OutputRows, huffman_tree
from skvec._training.initial import rows_for_words, subword_rows_for_words
from skvec._training.word2vec import PreviousModel, carry_outputs, huffman_codes, node_paths

SMALL = dict(n_components=12, window=3, epochs=2, min_count=2, n_jobs=1, random_state=0)
FT_SMALL = dict(SMALL, bucket=300, min_n=2, max_n=4)
# Enough training for the topics to show in the neighbours.
QUALITY = dict(SMALL, sample=0, epochs=5)


def _docs(seed, n_docs=300):
    return topic_documents(n_docs=n_docs, doc_length=(8, 16), seed=seed, n_topics=4, words_per_topic=10)


# -- vocabulary growth -----------------------------------------------------------------------------


def test_grow_vocabulary_accumulates_and_appends_in_count_order():
    first = encode_corpus([["a", "a", "a", "b", "c"], ["a", "b", "d"]], min_count=2, keep_unused=True)
    assert first.words == ["a", "b"] and first.unused.words == ["c", "d"]
    grown = grow_vocabulary(
        [["e", "d", "c", "e", "c", "f"], ["e"]], first.vocabulary, first.unused, min_count=2,
    )
    # c and d reach min_count in total (one before, more now); e is new with 3, tied with c,
    # which was seen first; f stays below.
    assert grown.words == ["a", "b", "c", "e", "d"]
    np.testing.assert_array_equal(grown.counts, [4, 2, 3, 3, 2])
    assert grown.unused.words == ["f"] and grown.unused.counts.tolist() == [1]
    # Only the new documents are encoded, with the grown rows.
    np.testing.assert_array_equal(grown.ids, [3, 4, 2, 3, 2, 3])
    np.testing.assert_array_equal(grown.offsets, [0, 5, 6])


def test_grow_vocabulary_honours_max_vocab_size_and_never_removes_words():
    first = encode_corpus([["a", "b", "b"]], min_count=1, keep_unused=True)
    grown = grow_vocabulary([["c"] * 9 + ["d"] * 5 + ["e"] * 7], first.vocabulary, first.unused,
                            min_count=1, max_vocab_size=4)
    assert grown.words == ["b", "a", "c", "e"]  # rare a stays; the two most frequent new words join
    assert grown.unused.words == ["d"] and grown.unused.counts.tolist() == [5]


# -- Huffman codes and the output rows of a rebuilt tree -----------------------------------------


def test_huffman_codes_of_unsorted_counts_follow_each_word():
    counts = np.array([900, 700, 500, 300, 200, 100, 50])
    order = np.array([3, 0, 6, 1, 5, 2, 4])
    reference = huffman_tree(counts)
    shuffled = huffman_codes(counts[order])
    for row, word in enumerate(order):
        ref = slice(reference[0][word], reference[0][word + 1])
        got = slice(shuffled[0][row], shuffled[0][row + 1])
        np.testing.assert_array_equal(shuffled[1][got], reference[1][ref])
        np.testing.assert_array_equal(shuffled[2][got], reference[2][ref])
    sorted_codes = huffman_codes(counts)
    for a, b in zip(sorted_codes, reference):
        np.testing.assert_array_equal(a, b)


def test_tree_vectors_follow_node_positions():
    counts = np.array([800, 400, 200, 100, 50])
    old_syn1 = np.arange(4 * 3, dtype=np.float32).reshape(4, 3) + 1
    previous = PreviousModel(counts, OutputRows(np.zeros((1, 3), np.float32), old_syn1))
    # Counts that grow in proportion keep the tree and every node vector.
    tables = _tables_of(counts * 3)
    outputs = OutputRows(np.zeros((1, 3), np.float32), np.zeros((4, 3), np.float32))
    carry_outputs(previous, outputs, tables, hs=True)
    np.testing.assert_array_equal(outputs.syn1, old_syn1)
    # A new rare word adds a node at a new position (zero); nodes at old positions keep their vectors.
    grown = np.array([800, 400, 200, 100, 50, 10])
    tables = _tables_of(grown)
    outputs = OutputRows(np.zeros((1, 3), np.float32), np.zeros((5, 3), np.float32))
    carry_outputs(previous, outputs, tables, hs=True)
    old_paths = node_paths(*huffman_codes(counts))
    new_paths = node_paths(tables.code_offsets, tables.codes, tables.points)
    for node, path in enumerate(new_paths):
        if path in old_paths:
            np.testing.assert_array_equal(outputs.syn1[node], old_syn1[old_paths.index(path)])
        else:
            assert not outputs.syn1[node].any()
    assert sum(path in old_paths for path in new_paths) == 4


def _tables_of(counts):
    code_offsets, codes, points = huffman_codes(counts)
    return type("T", (), {"code_offsets": code_offsets, "codes": codes, "points": points})


# -- partial_fit -----------------------------------------------------------------------------------


@pytest.mark.parametrize("estimator", [
    Word2VecEmbedder(**SMALL),
    Word2VecEmbedder(architecture="cbow", hierarchical_softmax=True, negative=0, **SMALL),
    FastTextEmbedder(**FT_SMALL),
])
def test_first_partial_fit_is_fit(estimator):
    docs = _docs(0)
    fitted = clone(estimator).fit(docs)
    partial = clone(estimator).partial_fit(docs)
    np.testing.assert_array_equal(fitted.embedding_, partial.embedding_)
    assert fitted.vocabulary_ == partial.vocabulary_
    assert fitted.loss_curve_ == partial.loss_curve_


@pytest.mark.parametrize("estimator", [
    Word2VecEmbedder(**SMALL),
    Word2VecEmbedder(architecture="cbow", hierarchical_softmax=True, **SMALL),
    FastTextEmbedder(**FT_SMALL),
])
def test_partial_fit_is_reproducible_and_equals_warm_start(estimator):
    first, second = _docs(0), with_new_words(_docs(1))
    runs = [clone(estimator).fit(first).partial_fit(second) for _ in range(2)]
    warm = clone(estimator).set_params(warm_start=True).fit(first).fit(second)
    for model in (runs[1], warm):
        np.testing.assert_array_equal(runs[0].embedding_, model.embedding_)
        np.testing.assert_array_equal(runs[0].context_embedding_, model.context_embedding_)
        assert runs[0].vocabulary_ == model.vocabulary_
    assert len(runs[0].loss_curve_) == 2 * estimator.epochs


def test_partial_fit_appends_new_words_and_keeps_existing_rows():
    first = _docs(0)
    model = Word2VecEmbedder(**QUALITY).fit(first)
    before = {word: model.embedding_[row].copy() for word, row in model.vocabulary_.items()}
    vocabulary = dict(model.vocabulary_)
    # Only topics t0 and t1 occur in the new documents, with two new words.
    second = [doc for doc in with_new_words(_docs(1)) if topic_of_word(doc[0]) in ("t0", "t1")]
    model.partial_fit(second)
    assert list(model.vocabulary_)[: len(vocabulary)] == list(vocabulary)
    assert all(model.vocabulary_[w] == r for w, r in vocabulary.items())
    assert set(list(model.vocabulary_)[len(vocabulary):]) == {"newa", "newb"}
    assert model.embedding_.shape == (len(vocabulary) + 2, QUALITY["n_components"])
    assert model.word_counts_.sum() == sum(map(len, first)) + sum(map(len, second))
    for word, row in vocabulary.items():
        if topic_of_word(word) in ("t2", "t3"):  # absent from the new documents: untouched
            np.testing.assert_array_equal(model.embedding_[row], before[word])
        else:  # trained further
            assert not np.array_equal(model.embedding_[row], before[word])
    # Rows start the call where they were (see the learning-rate test for the exact check) and
    # stay meaningful: each word's nearest neighbour shares its topic.
    vectors = WordVectors(list(vocabulary), model.embedding_[: len(vocabulary)])
    assert all(topic_of_word(vectors.most_similar(word, topn=1)[0][0]) == topic_of_word(word) for word in vocabulary)


def test_word_first_seen_in_a_later_piece_gets_a_trained_vector():
    pieces = [_docs(seed, n_docs=200) for seed in range(4)]
    pieces[3] = with_new_words(pieces[3])
    model = Word2VecEmbedder(**QUALITY)
    for piece in pieces:
        model.partial_fit(piece)
    vectors = WordVectors(list(model.vocabulary_), model.embedding_)
    neighbours = [word for word, _ in vectors.most_similar("newa", topn=6) if word != "newb"]
    assert all(topic_of_word(word) == "t0" for word in neighbours[:5])


def test_words_below_min_count_are_kept_until_they_join():
    model = Word2VecEmbedder(**dict(SMALL, min_count=3))
    model.fit([["a", "b", "a", "b", "a", "b", "rare"]] * 2)
    assert model.pending_word_counts_ == {"rare": 2}
    model.partial_fit([["a", "b", "c"]])
    assert "rare" not in model.vocabulary_ and model.pending_word_counts_ == {"rare": 2, "c": 1}
    model.partial_fit([["a", "rare"]])
    assert model.vocabulary_["rare"] == 2 and model.word_counts_[2] == 3
    assert model.pending_word_counts_ == {"c": 1}


def test_partial_fit_without_new_words_and_without_known_words():
    docs = _docs(0)
    model = Word2VecEmbedder(**SMALL).fit(docs)
    n_words, curve = len(model.vocabulary_), len(model.loss_curve_)
    model.partial_fit(docs[:50])  # no new word: fine (gensim raises here)
    assert len(model.vocabulary_) == n_words and len(model.loss_curve_) == curve + SMALL["epochs"]
    before = model.embedding_.copy()
    model.partial_fit([["unknown"]])  # nothing to train: counted, model unchanged
    np.testing.assert_array_equal(model.embedding_, before)
    assert model.pending_word_counts_["unknown"] == 1
    # min_count lowered: a pending word joins without occurring in the new documents.
    model.set_params(min_count=1).partial_fit([["unknown2"]])
    assert {"unknown", "unknown2"} <= set(model.vocabulary_)
    assert model.embedding_.shape[0] == n_words + 2 and np.isfinite(model.embedding_).all()


def test_each_call_runs_its_own_learning_rate_schedule():
    docs = _docs(0)
    model = Word2VecEmbedder(**SMALL).fit(docs)
    before = model.embedding_.copy()
    model.set_params(alpha=1e-12, min_alpha=0.0).partial_fit(docs)
    assert np.abs(model.embedding_ - before).max() < 1e-9
    model.set_params(alpha=0.05).partial_fit(docs)
    assert np.abs(model.embedding_ - before).max() > 1e-3


# -- init_vectors ----------------------------------------------------------------------------------


def test_init_vectors_start_shared_words_from_their_rows():
    docs = _docs(0)
    source = Word2VecEmbedder(**SMALL).fit(docs)
    frozen = dict(SMALL, alpha=1e-12, min_alpha=0.0, epochs=1, random_state=5)
    model = Word2VecEmbedder(init_vectors=source, **frozen).fit(docs + [["other", "other"]])
    for word, row in source.vocabulary_.items():
        np.testing.assert_allclose(model.embedding_[model.vocabulary_[word]], source.embedding_[row], atol=1e-8)
    plain = Word2VecEmbedder(**frozen).fit(docs + [["other", "other"]])
    np.testing.assert_allclose(model.embedding_[model.vocabulary_["other"]],
                               plain.embedding_[plain.vocabulary_["other"]], atol=1e-8)
    assert np.abs(model.context_embedding_).max() < 1e-9  # output rows start at zero
    # The same from WordVectors and from a gensim KeyedVectors.
    gensim = pytest.importorskip("gensim")
    keyed = gensim.models.KeyedVectors(SMALL["n_components"])
    keyed.add_vectors(list(source.vocabulary_), source.embedding_)
    for other in (WordVectors(list(source.vocabulary_), source.embedding_), keyed):
        again = Word2VecEmbedder(init_vectors=other, **frozen).fit(docs + [["other", "other"]])
        np.testing.assert_array_equal(again.embedding_, model.embedding_)


def test_init_vectors_errors():
    docs = _docs(0)
    source = WordVectors(["t0w0", "t0w1"], np.ones((2, 5)))
    with pytest.raises(ValueError, match="init_vectors has vectors of 5 dimensions but n_components=12"):
        Word2VecEmbedder(init_vectors=source, **SMALL).fit(docs)
    with pytest.raises(TypeError, match="init_vectors must be .*fitted"):
        Word2VecEmbedder(init_vectors=Word2VecEmbedder(), **SMALL).fit(docs)
    with pytest.raises(TypeError, match="init_vectors"):
        Word2VecEmbedder(init_vectors="vectors.txt", **SMALL).fit(docs)
    bad = np.ones((2, 12), dtype=np.float32)
    bad[1, 3] = np.nan
    with pytest.raises(ValueError, match="NaN or infinite"):
        rows_for_words(_Keyed(["t0w0", "t0w1"], bad), ["t0w1"], 12)
    gensim = pytest.importorskip("gensim")
    keyed = gensim.models.KeyedVectors(12)
    keyed.add_vectors(["t0w0", "t0w1"], bad)
    with pytest.raises(ValueError, match="init_vectors .*NaN or infinite"):
        Word2VecEmbedder(init_vectors=keyed, **SMALL).fit(docs)
    # partial_fit checks init_vectors too, before reading documents.
    model = Word2VecEmbedder(**SMALL).fit(docs)
    with pytest.raises(ValueError, match="n_components=12"):
        model.set_params(init_vectors=source).partial_fit(iter(_fail_if_read()))


def _fail_if_read():
    raise AssertionError("documents were read before the parameters were checked")
    yield


class _Keyed:
    """The attributes of a gensim KeyedVectors, without gensim's own checks."""

    def __init__(self, words, vectors):
        self.index_to_key = words
        self.vectors = vectors


def test_init_vectors_of_fasttext_take_ngram_rows():
    docs = _docs(0)
    source = FastTextEmbedder(**FT_SMALL).fit(docs)
    frozen = dict(FT_SMALL, alpha=1e-12, min_alpha=0.0, epochs=1, random_state=9)
    for other in (source, source.word_vectors_):
        model = FastTextEmbedder(init_vectors=other, **frozen).fit(docs)
        np.testing.assert_allclose(model.ngram_embedding_, source.ngram_embedding_, atol=1e-7)
        np.testing.assert_allclose(model.embedding_, source.embedding_, atol=1e-6)
        np.testing.assert_allclose(model.word_vectors_["t0w0zz"], source.word_vectors_["t0w0zz"], atol=1e-6)
    # Word vectors only: own rows from them, n-grams as usual (fastText's -pretrainedVectors).
    words_only = WordVectors(list(source.vocabulary_), source.embedding_)
    model = FastTextEmbedder(init_vectors=words_only, **frozen).fit(docs)
    np.testing.assert_allclose(model.input_embedding_, source.embedding_, atol=1e-7)
    with pytest.warns(UserWarning, match="n-gram rows are not used"):
        FastTextEmbedder(init_vectors=source, **dict(frozen, bucket=301)).fit(docs)


def test_init_vectors_from_gensim_fasttext():
    gensim = pytest.importorskip("gensim")
    docs = _docs(0)
    source = gensim.models.FastText(docs, vector_size=12, min_count=2, bucket=300, min_n=2, max_n=4, epochs=1,
                                    workers=1, seed=0)
    initial = subword_rows_for_words(source, ["t0w0", "zzz"], 12, min_n=2, max_n=4, bucket=300)
    np.testing.assert_array_equal(initial.positions, [0])
    np.testing.assert_allclose(initial.rows[0], source.wv.vectors_vocab[source.wv.key_to_index["t0w0"]])
    np.testing.assert_array_equal(initial.ngram_rows, source.wv.vectors_ngrams)
    frozen = dict(FT_SMALL, alpha=1e-12, min_alpha=0.0, epochs=1)
    model = FastTextEmbedder(init_vectors=source, **frozen).fit(docs)
    np.testing.assert_allclose(model.word_vectors_["t1w3"], source.wv["t1w3"], atol=1e-5)
    np.testing.assert_allclose(model.word_vectors_["t1w3q"], source.wv["t1w3q"], atol=1e-5)


def test_new_words_of_partial_fit_start_from_init_vectors():
    pretrained = WordVectors(["newa", "t0w0"], np.full((2, 12), 0.25))
    model = Word2VecEmbedder(init_vectors=pretrained, **dict(SMALL, alpha=1e-12, min_alpha=0.0))
    model.fit(_docs(0))
    model.partial_fit(with_new_words(_docs(1)))
    np.testing.assert_allclose(model.embedding_[model.vocabulary_["newa"]], 0.25, atol=1e-8)
    assert not np.allclose(model.embedding_[model.vocabulary_["newb"]], 0.25)


# -- fastText ----------------------------------------------------------------------------------------


def test_fasttext_partial_fit_updates_ngram_rows_used_by_oov_lookups():
    model = FastTextEmbedder(**FT_SMALL).fit(_docs(0))
    before_ngrams = model.ngram_embedding_.copy()
    before_oov = model.word_vectors_["t0w0x"].copy()
    n_words = len(model.vocabulary_)
    model.partial_fit(with_new_words(_docs(1)))
    assert len(model.vocabulary_) == n_words + 2
    assert model.ngram_embedding_.shape == before_ngrams.shape
    assert not np.array_equal(model.ngram_embedding_, before_ngrams)
    oov = model.word_vectors_["t0w0x"]
    assert not np.allclose(oov, before_oov)
    # The out-of-vocabulary vector is the mean of the updated n-gram rows.
    fresh = SubwordVectors(["x"], np.zeros((1, 12)), model.ngram_embedding_, min_n=2, max_n=4)
    np.testing.assert_allclose(oov, fresh["t0w0x"], rtol=1e-6)
    # The stacked matrix stays consistent: the word vectors are composed from the new rows.
    np.testing.assert_array_equal(model.word_vectors_.vectors, model.embedding_)
    assert model.input_embedding_.shape[0] == model.embedding_.shape[0] == len(model.word_counts_)


# -- bad input ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("change", [dict(n_components=8), dict(hierarchical_softmax=True),
                                    dict(negative=0, hierarchical_softmax=True), dict(lowercase=False),
                                    dict(bucket=200), dict(min_n=3)])
def test_partial_fit_with_other_parameters_raises(change):
    model = FastTextEmbedder(**FT_SMALL).fit(_docs(0))
    name = next(iter(change)) if "negative" not in change else "hierarchical_softmax"
    with pytest.raises(ValueError, match=f"fitted with {name}=.* cannot change"):
        model.set_params(**change).partial_fit(_docs(1))


def test_partial_fit_with_tokens_that_are_not_strings():
    model = Word2VecEmbedder(**SMALL).fit(_docs(0))
    with pytest.raises(TypeError, match="Document 1, token 2 is 3"):
        model.partial_fit([["t0w0", "t0w1"], ["t0w0", "t0w1", 3]])
    with pytest.raises(TypeError, match="callbacks"):
        Word2VecEmbedder(callbacks=[1], **SMALL).fit(_docs(0))


_CONTINUE_SCRIPT = """
import pickle, sys
sys.path.insert(0, sys.argv[2])
from corpora import topic_documents
with open(sys.argv[1], "rb") as f:
    model = pickle.load(f)
docs = topic_documents(n_docs=300, doc_length=(8, 16), seed=1, n_topics=4, words_per_topic=10)
docs[0] = docs[0] + ["newa", "newa"]
model.partial_fit(docs)
with open(sys.argv[1], "wb") as f:
    pickle.dump(model, f)
"""


@pytest.mark.parametrize("estimator", [Word2VecEmbedder(hierarchical_softmax=True, **SMALL),
                                       FastTextEmbedder(**FT_SMALL)])
def test_pickled_model_continues_in_a_fresh_process_bit_identically(estimator, tmp_path):
    model = clone(estimator).fit(_docs(0))
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps(model))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [os.getcwd(), os.environ.get("PYTHONPATH")])))
    subprocess.run([sys.executable, "-c", _CONTINUE_SCRIPT, str(path), os.path.dirname(__file__)], check=True,
                   env=env)
    continued = pickle.loads(path.read_bytes())
    docs = _docs(1)
    docs[0] = docs[0] + ["newa", "newa"]
    model.partial_fit(docs)
    assert continued.vocabulary_ == model.vocabulary_
    np.testing.assert_array_equal(continued.embedding_, model.embedding_)
    np.testing.assert_array_equal(continued.context_embedding_, model.context_embedding_)
    if model.tree_embedding_ is not None:
        np.testing.assert_array_equal(continued.tree_embedding_, model.tree_embedding_)


# -- callbacks ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("estimator", [Word2VecEmbedder(**SMALL), FastTextEmbedder(**FT_SMALL)])
def test_callbacks_see_the_model_at_each_epoch(estimator):
    seen = []

    def record(model, epoch):
        seen.append((epoch, model.embedding_.copy(), list(model.loss_curve_)))

    model = clone(estimator).set_params(callbacks=[record], epochs=3).fit(_docs(0))
    assert [epoch for epoch, _, _ in seen] == [1, 2, 3]
    assert [len(curve) for _, _, curve in seen] == [1, 2, 3]
    np.testing.assert_array_equal(seen[-1][1], model.embedding_)
    assert not np.array_equal(seen[0][1], seen[1][1])
    plain = clone(estimator).set_params(epochs=3).fit(_docs(0))
    np.testing.assert_array_equal(plain.embedding_, model.embedding_)
    model.partial_fit(_docs(1))
    assert [epoch for epoch, _, _ in seen[3:]] == [1, 2, 3] and len(seen[-1][2]) == 6


def test_no_warning_on_plain_use():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Word2VecEmbedder(**SMALL).fit(_docs(0)).partial_fit(_docs(1))


def test_init_vectors_survive_clone_when_frozen():
    from sklearn.frozen import FrozenEstimator

    docs = _docs(0)
    source = Word2VecEmbedder(**SMALL).fit(docs)
    with pytest.raises(TypeError, match="FrozenEstimator"):
        clone(Word2VecEmbedder(init_vectors=source, **SMALL)).fit(docs)
    frozen = dict(SMALL, alpha=1e-12, min_alpha=0.0, epochs=1)
    model = clone(Word2VecEmbedder(init_vectors=FrozenEstimator(source), **frozen)).fit(docs)
    np.testing.assert_allclose(model.embedding_, source.embedding_, atol=1e-8)


def test_fasttext_model_file_continues_training(tmp_path):
    model = FastTextEmbedder(**FT_SMALL).fit(_docs(0))
    path = tmp_path / "model.npz"
    model.save(path)
    loaded = FastTextEmbedder.load(path)
    n_words = len(loaded.vocabulary_)
    loaded.partial_fit(with_new_words(_docs(1)))
    assert len(loaded.vocabulary_) == n_words + 2
    assert np.isfinite(loaded.embedding_).all() and loaded.ngram_embedding_.shape == model.ngram_embedding_.shape


def test_a_failed_call_leaves_the_model_as_it_was():
    model = Word2VecEmbedder(**SMALL).fit(_docs(0))
    before = pickle.dumps(model)

    def fail(estimator, epoch):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        model.set_params(callbacks=[fail]).partial_fit(with_new_words(_docs(1)))
    model.set_params(callbacks=None)
    assert pickle.dumps(model) == before


# -- partial_fit(update_vocabulary=False): documents read again, not counted ------------------------


@pytest.mark.parametrize("estimator", [
    Word2VecEmbedder(**SMALL),
    Word2VecEmbedder(architecture="cbow", hierarchical_softmax=True, **SMALL),
    FastTextEmbedder(**FT_SMALL),
])
def test_partial_fit_without_counting_trains_with_the_vocabulary_as_it_is(estimator):
    first = _docs(0)
    second = with_new_words(_docs(1)) + [["rare", "t0w1"]]
    runs = []
    for _ in range(2):
        model = clone(estimator).fit(first)
        vocabulary, counts = dict(model.vocabulary_), model.word_counts_.copy()
        pending, before = dict(model.pending_word_counts_), model.embedding_.copy()
        model.partial_fit(second, update_vocabulary=False)
        assert model.vocabulary_ == vocabulary and model.pending_word_counts_ == pending
        np.testing.assert_array_equal(model.word_counts_, counts)
        assert model.embedding_.shape == before.shape and not np.array_equal(model.embedding_, before)
        assert len(model.loss_curve_) == 2 * estimator.epochs
        runs.append(model)
    np.testing.assert_array_equal(runs[0].embedding_, runs[1].embedding_)
    # Words outside the vocabulary are skipped: the same as reading the documents without them.
    known = [[word for word in doc if word in runs[0].vocabulary_] for doc in second]
    stripped = clone(estimator).fit(first).partial_fit(known, update_vocabulary=False)
    for name in ("embedding_", "context_embedding_", "tree_embedding_"):
        a, b = getattr(runs[0], name), getattr(stripped, name)
        assert (a is None and b is None) or np.array_equal(a, b), name


@pytest.mark.parametrize("architecture", ["skipgram", "cbow"])
def test_rounds_counted_once_end_with_the_vocabulary_of_fit(architecture):
    pieces = [_docs(seed, n_docs=60) for seed in range(3)]
    pieces[2] = with_new_words(pieces[2])
    settings = dict(SMALL, architecture=architecture, hierarchical_softmax=True, min_count=3)
    whole = Word2VecEmbedder(**settings).fit([doc for piece in pieces for doc in piece])
    model = Word2VecEmbedder(**settings)
    for round_ in range(3):
        for piece in pieces:
            model.partial_fit(piece, update_vocabulary=round_ == 0)
    assert set(model.vocabulary_) == set(whole.vocabulary_)
    rows = [model.vocabulary_[word] for word in whole.vocabulary_]
    np.testing.assert_array_equal(model.word_counts_[rows], whole.word_counts_)
    assert model.pending_word_counts_ == whole.pending_word_counts_
    assert len(model.loss_curve_) == 9 * SMALL["epochs"] and np.isfinite(model.embedding_).all()


def test_update_vocabulary_errors():
    model = Word2VecEmbedder(**SMALL)
    with pytest.raises(ValueError, match=r"update_vocabulary=False.*not fitted"):
        model.partial_fit(_fail_if_read(), update_vocabulary=False)
    assert not hasattr(model, "embedding_")
    model.fit(_docs(0))
    for value in ("no", 0, None):
        with pytest.raises(TypeError, match="update_vocabulary must be True or False"):
            model.partial_fit(_fail_if_read(), update_vocabulary=value)
    model.partial_fit(_docs(1), update_vocabulary=np.bool_(False))  # NumPy's bool is a bool


# -- FastTextEmbedder model files and training further -------------------------------------------------


def _as_version_1(path):
    """Rewrite a model file as version 1 wrote it: without the entries version 2 added."""
    import json

    with np.load(path, allow_pickle=False) as archive:
        entries = {name: archive[name] for name in archive.files
                   if name not in ("tree_vectors", "pending_words_utf8", "pending_word_offsets",
                                   "pending_word_counts")}
    meta = json.loads(str(entries["meta"]))
    meta["version"] = 1
    del meta["fitted"]["training_calls"]
    entries["meta"] = np.array(json.dumps(meta))
    with open(path, "wb") as f:
        np.savez(f, **entries)


@pytest.mark.parametrize("hs", [False, True])
def test_fasttext_model_file_continues_exactly_as_without_the_round_trip(hs, tmp_path):
    from skvec.vectors import read_model_file

    settings = dict(FT_SMALL, min_count=3, hierarchical_softmax=hs)
    first, second = _docs(0), with_new_words(_docs(1))
    second[0] = second[0] + ["rare", "rare"]  # seen twice: pending at min_count 3
    model = FastTextEmbedder(**settings).fit(first).partial_fit(second)
    assert model.pending_word_counts_.get("rare") == 2
    path = tmp_path / "model.npz"
    model.save(path)
    meta = read_model_file(path)[0]
    assert meta["version"] == 2 and meta["fitted"]["training_calls"] == 2
    loaded = FastTextEmbedder.load(path)
    assert loaded.pending_word_counts_ == model.pending_word_counts_
    if hs:
        np.testing.assert_array_equal(loaded.tree_embedding_, model.tree_embedding_)
    third = _docs(2) + [["rare", "t0w0"]]  # "rare" reaches min_count here
    for estimator in (model, loaded):
        estimator.partial_fit(third)
    assert "rare" in loaded.vocabulary_ and loaded.vocabulary_ == model.vocabulary_
    np.testing.assert_array_equal(loaded.word_counts_, model.word_counts_)
    for name in ("embedding_", "input_embedding_", "ngram_embedding_", "context_embedding_", "tree_embedding_"):
        a, b = getattr(model, name), getattr(loaded, name)
        assert (a is None and b is None) or np.array_equal(a, b), name
    assert loaded.loss_curve_ == model.loss_curve_


def test_fasttext_model_files_of_version_1_still_load_and_continue(tmp_path):
    from skvec.vectors import read_model_file

    model = FastTextEmbedder(**dict(FT_SMALL, min_count=3, hierarchical_softmax=True)).fit(_docs(0))
    model.partial_fit([["rare", "t0w0"]])
    path = tmp_path / "old.npz"
    model.save(path)
    _as_version_1(path)
    assert read_model_file(path)[0]["version"] == 1
    loaded = FastTextEmbedder.load(path)
    # Version 1 did not store them: the pending counts and the tree rows restart.
    assert loaded.pending_word_counts_ == {} and loaded.tree_embedding_ is None
    np.testing.assert_array_equal(loaded.embedding_, model.embedding_)
    loaded.partial_fit(with_new_words(_docs(1)))
    assert {"newa", "newb"} <= set(loaded.vocabulary_) and np.isfinite(loaded.embedding_).all()
    assert loaded.tree_embedding_.shape == (len(loaded.vocabulary_) - 1, FT_SMALL["n_components"])
    # Vectors alone are still written as version 1, which older readers take.
    model.word_vectors_.save(tmp_path / "vectors.npz")
    assert read_model_file(tmp_path / "vectors.npz")[0]["version"] == 1


def test_damaged_pending_words_of_a_model_file_are_reported(tmp_path):

    model = FastTextEmbedder(**dict(FT_SMALL, min_count=3)).fit(_docs(0) + [["rare"]])
    path = tmp_path / "model.npz"
    model.save(path)
    with np.load(path, allow_pickle=False) as archive:
        entries = {name: archive[name] for name in archive.files}
    entries["pending_word_counts"] = entries["pending_word_counts"][:0]
    with open(path, "wb") as f:
        np.savez(f, **entries)
    with pytest.raises(ValueError, match="pending_word_counts"):
        FastTextEmbedder.load(path)
