"""FastTextEmbedder: subword training on the word2vec engine, its vectors and files."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from corpora import STEMS, morphology_corpus
from skvec import EmbeddingVectorizer, FastTextEmbedder, SubwordVectors, Word2VecEmbedder, get_word_vectors
from skvec.subwords import ngram_buckets

def small(**params):
    defaults = dict(n_components=16, window=3, min_count=2, epochs=3, bucket=5000, n_jobs=1, random_state=0)
    defaults.update(params)
    return FastTextEmbedder(**defaults)


@pytest.mark.parametrize("architecture", ["skipgram", "cbow"])
@pytest.mark.parametrize("hierarchical_softmax, negative", [(False, 5), (True, 0)])
def test_without_ngrams_equals_word2vec(architecture, hierarchical_softmax, negative):
    docs = morphology_corpus(200)
    settings = dict(n_components=12, architecture=architecture, window=3, min_count=2, epochs=2, n_jobs=1,
                    random_state=3, hierarchical_softmax=hierarchical_softmax, negative=negative)
    word2vec = Word2VecEmbedder(**settings).fit(docs)
    for off in (dict(min_n=0), dict(max_n=0)):
        fasttext = FastTextEmbedder(**settings, **off).fit(docs)
        assert fasttext.vocabulary_ == word2vec.vocabulary_
        np.testing.assert_array_equal(fasttext.embedding_, word2vec.embedding_)
        np.testing.assert_array_equal(fasttext.input_embedding_, word2vec.embedding_)
        if negative:
            np.testing.assert_array_equal(fasttext.context_embedding_, word2vec.context_embedding_)
        assert fasttext.loss_curve_ == word2vec.loss_curve_
        assert fasttext.ngram_embedding_ is None and len(fasttext.ngram_buckets_) == 0


@pytest.mark.parametrize("architecture", ["skipgram", "cbow"])
def test_fitted_model(architecture):
    docs = morphology_corpus()
    model = small(architecture=architecture).fit(docs)
    n_words = len(model.vocabulary_)
    assert model.embedding_.shape == model.input_embedding_.shape == (n_words, 16)
    assert model.ngram_embedding_.shape == (5000, 16) and model.embedding_.dtype == np.float32
    words = sorted(model.vocabulary_, key=model.vocabulary_.get)
    indptr, buckets = ngram_buckets(words, 3, 6, 5000)
    np.testing.assert_array_equal(model.ngram_indptr_, indptr)
    np.testing.assert_array_equal(model.ngram_buckets_, buckets)
    # A word's vector is the mean of its own row and its n-gram rows.
    row = model.vocabulary_["walking"]
    rows = np.vstack([model.input_embedding_[row], model.ngram_embedding_[buckets[indptr[row]:indptr[row + 1]]]])
    np.testing.assert_allclose(model.embedding_[row], rows.mean(axis=0), atol=1e-6)
    assert np.isfinite(model.loss_curve_).all() and model.loss_curve_[-1] > 0
    wv = get_word_vectors(model)
    assert isinstance(wv, SubwordVectors) and wv.words == words
    np.testing.assert_array_equal(wv.vectors, model.embedding_)
    np.testing.assert_array_equal(model.fit_transform(docs), model.embedding_)


def test_single_thread_fits_are_identical():
    docs = morphology_corpus(150)
    first = small().fit(docs)
    second = small().fit(docs)
    np.testing.assert_array_equal(first.embedding_, second.embedding_)
    np.testing.assert_array_equal(first.ngram_embedding_, second.ngram_embedding_)


def test_unseen_inflections_land_near_their_topic():
    # Words of one topic share contexts; an inflection never seen in training
    # gets its vector from n-grams shared with its stem's seen forms.
    docs = [[w for w in doc if not w.endswith("er")] for doc in morphology_corpus(600)]
    model = small(epochs=5, min_n=3, max_n=5).fit(docs)
    wv = model.word_vectors_
    for stem in STEMS:
        unseen = stem + "er"
        assert not wv.has_index_for(unseen)
        topic = STEMS[:5] if stem in STEMS[:5] else STEMS[5:]
        other = STEMS[5:] if stem in STEMS[:5] else STEMS[:5]
        same = np.mean([wv.similarity(unseen, s + "s") for s in topic if s != stem])
        different = np.mean([wv.similarity(unseen, s + "s") for s in other])
        assert same > different, stem


def test_embedding_vectorizer_uses_subword_vectors():
    docs = [" ".join(doc) for doc in morphology_corpus()]
    vectorizer = EmbeddingVectorizer(small(min_count=1), pooling="mean", norm=None, standardize=False).fit(docs)
    wv = vectorizer.word_vectors_
    unseen = "walkinger paintinger"
    expected = (wv["walkinger"] + wv["paintinger"]) / 2
    np.testing.assert_allclose(vectorizer.transform([unseen])[0], expected, atol=1e-6)
    # Known and unknown words together; a word without n-grams is ignored.
    mixed = vectorizer.transform(["walk walkinger"])[0]
    np.testing.assert_allclose(mixed, (wv["walk"] + wv["walkinger"]) / 2, atol=1e-6)
    off = vectorizer.set_params(use_subwords=False)
    np.testing.assert_array_equal(off.transform([unseen]), np.zeros((1, 16)))
    np.testing.assert_allclose(off.transform(["walk walkinger"])[0], wv["walk"], atol=1e-6)


@pytest.mark.parametrize("pooling", ["sum", "max", "tfidf", "sif"])
def test_subword_vectors_in_every_pooling(pooling):
    docs = [" ".join(doc) for doc in morphology_corpus()]
    vectorizer = EmbeddingVectorizer(small(min_count=1), pooling=pooling, norm=None, standardize=False).fit(docs)
    out = vectorizer.transform(["walkinger", "walk walkinger talkinger", "qq"])
    assert out.shape == (3, 16) and np.isfinite(out).all()
    assert np.abs(out[0]).sum() > 0 and np.abs(out[1]).sum() > 0
    if pooling == "sum":
        wv = vectorizer.word_vectors_
        np.testing.assert_allclose(out[1], wv["walk"] + wv["walkinger"] + wv["talkinger"], atol=1e-5)
    assert not vectorizer.set_params(use_subwords=False).transform(["walkinger"]).any()


def test_in_a_classification_pipeline():
    docs = [" ".join(doc) for doc in morphology_corpus()]
    labels = np.arange(len(docs)) % 2
    pipe = make_pipeline(EmbeddingVectorizer(small(min_count=1)), LogisticRegression())
    pipe.fit(docs[:300], labels[:300])
    assert pipe.score(docs[300:], labels[300:]) > 0.9
    assert clone(pipe).get_params()["embeddingvectorizer__embedder__bucket"] == 5000


def test_model_file_roundtrip(tmp_path):
    docs = morphology_corpus(150)
    model = small().fit(docs)
    model.save(tmp_path / "model.npz")
    loaded = FastTextEmbedder.load(tmp_path / "model.npz")
    assert loaded.get_params() == model.get_params()
    for name in ("embedding_", "input_embedding_", "ngram_embedding_", "context_embedding_", "word_counts_",
                 "ngram_indptr_", "ngram_buckets_"):
        np.testing.assert_array_equal(getattr(loaded, name), getattr(model, name))
    assert loaded.vocabulary_ == model.vocabulary_ and loaded.loss_curve_ == model.loss_curve_
    np.testing.assert_array_equal(loaded.word_vectors_["walkinger"], model.word_vectors_["walkinger"])
    vectors = SubwordVectors.load(tmp_path / "model.npz")
    np.testing.assert_array_equal(vectors["walkinger"], model.word_vectors_["walkinger"])
    vectors.save(tmp_path / "vectors.npz")
    with pytest.raises(ValueError, match="SubwordVectors.load"):
        FastTextEmbedder.load(tmp_path / "vectors.npz")


@pytest.mark.parametrize(
    "params, error, match",
    [
        (dict(min_n=5, max_n=3), ValueError, "min_n=5 is greater than max_n=3"),
        (dict(bucket=0), ValueError, "bucket"),
        (dict(bucket=-3), ValueError, "bucket"),
        (dict(min_n=-1), ValueError, "min_n"),
        (dict(bucket=2.5), TypeError, "bucket"),
        (dict(architecture="glove"), ValueError, "architecture"),
        (dict(negative=0), ValueError, "hierarchical_softmax"),
        (dict(alpha=0.01, min_alpha=0.1), ValueError, "min_alpha"),
        (dict(n_jobs=0), ValueError, "n_jobs"),
    ],
)
def test_bad_parameters(params, error, match):
    with pytest.raises(error, match=match):
        small(**params).fit(iter_never_read())


def iter_never_read():
    """A corpus that fails the test if read: parameters are checked before any document."""
    raise AssertionError("the corpus was read before the parameters were checked")
    yield  # pragma: no cover


def test_non_string_tokens():
    with pytest.raises(TypeError, match="strings"):
        small(min_count=1).fit([["walk", 3, "talk"], ["walk", 3]])
    with pytest.raises(TypeError, match="tokens must be strings"):
        small(min_count=1).fit([[1, 2, 3]])


def test_command_line(tmp_path, capsys):
    from skvec.cli import main

    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(" ".join(doc) for doc in morphology_corpus(200)) + "\n")
    params = ["--param", "n_components=8", "--param", "bucket=2000", "--param", "min_count=1", "--param", "epochs=1",
              "--param", "n_jobs=1", "--param", "random_state=0"]
    out, model = tmp_path / "vectors.vec", tmp_path / "model.npz"
    assert main(["train", "fasttext", "--corpus", str(corpus), "--out", str(out), "--model", str(model),
                 *params]) == 0
    wv = SubwordVectors.load(model)
    assert out.read_text().splitlines()[0] == f"{len(wv)} 8"
    capsys.readouterr()
    assert main(["similar", str(model), "walkinger", "-n", "3"]) == 0  # a word never seen
    assert len(capsys.readouterr().out.splitlines()) == 3
    assert main(["train", "word2vec", "--corpus", str(corpus), "--out", str(out), "--model", str(model),
                 *params[4:]]) == 1
    assert "only fasttext" in capsys.readouterr().err
