"""fastText n-grams and hash, SubwordVectors lookups, and their files."""

import json
import pickle

import numpy as np
import pytest

from skvec import SubwordVectors, WordVectors
from skvec.subwords import char_ngrams, fasttext_hash, ngram_buckets, read_model_file

WORDS = ["where", "a", "", "naïve", "日本語", "über-cool", "x" * 40, "é", "🙂ok", "ß<>", "año"]


def test_hash_and_ngrams_match_gensim():
    fasttext_inner = pytest.importorskip("gensim.models.fasttext_inner")
    from gensim.models.fasttext import ft_ngram_hashes

    for text in WORDS + ["<ca", "ünïcödé>", "\x7f\x80"]:
        assert fasttext_hash(text) == fasttext_inner.ft_hash_bytes(text.encode("utf-8"))
    for min_n, max_n in [(3, 6), (1, 3), (2, 2), (1, 1), (5, 5), (4, 9)]:
        indptr, buckets = ngram_buckets(WORDS, min_n, max_n, 2_000_000)
        assert indptr.dtype == np.int64 and buckets.dtype == np.int32
        for i, word in enumerate(WORDS):
            expected = ft_ngram_hashes(word, min_n, max_n, 2_000_000)
            assert buckets[indptr[i]:indptr[i + 1]].tolist() == expected, (word, min_n, max_n)
            grams = [gram.encode("utf-8") for gram in char_ngrams(word, min_n, max_n)]
            assert grams == fasttext_inner.compute_ngrams_bytes(word, min_n, max_n), word


def test_hash_sign_extends_high_bytes():
    # FNV-1a over uint32(int8(byte)): a byte >= 128 enters as 0xFFFFFF00 | byte.
    expected = 2166136261
    for byte in "é".encode("utf-8"):
        expected = ((expected ^ (byte | 0xFFFFFF00 if byte >= 128 else byte)) * 16777619) % 2**32
    assert fasttext_hash("é") == expected
    assert fasttext_hash(b"") == 2166136261


def test_ngram_buckets_small_cases():
    indptr, buckets = ngram_buckets(["ab", "b"], min_n=3, max_n=3, bucket=7)
    assert indptr.tolist() == [0, 2, 3]
    assert buckets.tolist() == [fasttext_hash(g) % 7 for g in ("<ab", "ab>", "<b>")]
    # Subwords off: empty rows for every word.
    for min_n, max_n in [(0, 6), (3, 0), (4, 3)]:
        indptr, buckets = ngram_buckets(["ab", "b"], min_n, max_n, 7)
        assert indptr.tolist() == [0, 0, 0] and len(buckets) == 0
    assert char_ngrams("ab", 1, 2) == ["<a", "a", "ab", "b", "b>"]


@pytest.fixture(scope="module")
def gensim_model():
    gensim_fasttext = pytest.importorskip("gensim.models.fasttext")
    rng = np.random.default_rng(0)
    stems = ["walk", "talk", "jump", "play", "cook", "paint", "read", "sing"]
    suffixes = ["", "s", "ed", "ing", "er"]
    sentences = [[stems[s] + suffixes[x] for s, x in zip(rng.integers(0, 8, 12), rng.integers(0, 5, 12))]
                 for _ in range(300)]
    return gensim_fasttext.FastText(sentences, vector_size=16, window=3, min_count=3, min_n=2, max_n=5,
                                    bucket=1000, epochs=3, workers=1, seed=0)


def test_lookups_equal_gensim(gensim_model):
    kv = gensim_model.wv
    wv = SubwordVectors.from_input_vectors(kv.index_to_key, kv.vectors_vocab, kv.vectors_ngrams,
                                           min_n=kv.min_n, max_n=kv.max_n)
    np.testing.assert_allclose(wv.vectors, kv.vectors, rtol=0, atol=1e-6)
    unseen = ["walkings", "repainting", "cookered", "zzz", "sïngïng", "日本", "q"]
    for word in unseen:
        assert not wv.has_index_for(word) and word in wv
        np.testing.assert_allclose(wv[word], kv[word], rtol=0, atol=1e-6)
        np.testing.assert_allclose(wv.get_vector(word, norm=True), kv.get_vector(word, norm=True), atol=1e-6)
    vectors, found = wv.vectors_for(unseen + ["walk"])
    assert found.all()
    np.testing.assert_allclose(vectors, np.stack([kv[w] for w in unseen + ["walk"]]), atol=1e-6)
    assert wv.similarity("walkings", "walked") == pytest.approx(float(kv.similarity("walkings", "walked")), abs=1e-5)


def test_most_similar_for_unknown_words(gensim_model):
    kv = gensim_model.wv
    wv = SubwordVectors.from_input_vectors(kv.index_to_key, kv.vectors_vocab, kv.vectors_ngrams,
                                           min_n=kv.min_n, max_n=kv.max_n)
    unit = wv.vectors / np.linalg.norm(wv.vectors, axis=1, keepdims=True)
    for positive, negative in [(["walkings"], []), (["jumper", "sings"], ["plays"]), (["walk"], ["cookz"])]:
        query = sum(wv.get_vector(w, norm=True) for w in positive) - sum(wv.get_vector(w, norm=True)
                                                                         for w in negative)
        scores = unit @ (query / np.linalg.norm(query))
        excluded = {wv.index[w] for w in positive + negative if wv.has_index_for(w)}
        expected = [wv.words[r] for r in np.argsort(-scores, kind="stable") if r not in excluded][:5]
        got = wv.most_similar(positive=positive, negative=negative, topn=5)
        assert [w for w, _ in got] == expected
        np.testing.assert_allclose([s for _, s in got], np.sort(scores[[wv.index[w] for w in expected]])[::-1],
                                   atol=1e-5)
    # Same answers as gensim's most_similar for an unseen word.
    assert [w for w, _ in wv.most_similar("walkings", topn=3)] == [w for w, _ in kv.most_similar("walkings",
                                                                                                    topn=3)]


def test_unknown_word_errors():
    wv = SubwordVectors(["ab"], np.ones((1, 2)), np.ones((4, 2)), min_n=4, max_n=5)
    with pytest.raises(KeyError, match="no character n-gram of 4 to 5"):
        wv["x"]  # <x> has 3 characters
    assert "x" not in wv and "xy" in wv
    with pytest.raises(KeyError, match="no n-grams"):
        SubwordVectors(["ab"], np.ones((1, 2)))["abc"]
    with pytest.raises(KeyError, match="word 3 is not in the vocabulary"):
        wv[3]
    with pytest.raises(KeyError, match="'x'"):
        wv[["ab", "x"]]
    with pytest.raises(ValueError, match=r"shape \(bucket, 2\)"):
        SubwordVectors(["ab"], np.ones((1, 2)), np.ones((4, 3)))
    with pytest.raises(ValueError, match="NaN"):
        SubwordVectors(["ab"], np.ones((1, 2)), np.full((4, 2), np.nan))
    with pytest.raises(ValueError, match="min_n"):
        SubwordVectors(["ab"], np.ones((1, 2)), np.ones((4, 2)), min_n=-1)


def test_model_file_roundtrip(tmp_path):
    rng = np.random.default_rng(1)
    wv = SubwordVectors(["naïve", "b", "日本"], rng.normal(size=(3, 4)), rng.normal(size=(11, 4)), min_n=2, max_n=4)
    path = tmp_path / "model.npz"
    wv.save(path)
    loaded = SubwordVectors.load(path)
    assert loaded.words == wv.words and (loaded.min_n, loaded.max_n, loaded.bucket) == (2, 4, 11)
    np.testing.assert_array_equal(loaded.vectors, wv.vectors)
    np.testing.assert_array_equal(loaded.ngram_vectors, wv.ngram_vectors)
    np.testing.assert_array_equal(loaded["unknown"], wv["unknown"])
    meta, _, _ = read_model_file(path)
    assert meta["format"] == "skvec-subword-model" and meta["version"] == 1
    # A newer version is refused with a clear message.
    with np.load(path) as archive:
        arrays = dict(archive)
    arrays["meta"] = np.array(json.dumps(dict(meta, version=99)))
    with open(tmp_path / "newer.npz", "wb") as out:
        np.savez(out, **arrays)
    with pytest.raises(ValueError, match="version 99"):
        SubwordVectors.load(tmp_path / "newer.npz")
    (tmp_path / "junk.npz").write_bytes(b"not a model")
    with pytest.raises(ValueError, match="not a readable skvec model file"):
        SubwordVectors.load(tmp_path / "junk.npz")
    # .vec: the word vectors in fastText's text format.
    wv.save_word2vec_format(tmp_path / "vectors.vec")
    vec = WordVectors.load_word2vec_format(tmp_path / "vectors.vec")
    assert vec.words == wv.words
    np.testing.assert_allclose(vec.vectors, wv.vectors)
    again = pickle.loads(pickle.dumps(wv))
    np.testing.assert_array_equal(again["unknown"], wv["unknown"])


def test_load_fasttext_bin(tmp_path):
    fasttext = pytest.importorskip("fasttext")
    rng = np.random.default_rng(2)
    stems = ["walk", "talk", "jump", "play", "naïve", "日本"]
    lines = [" ".join(stems[i] + ["", "s", "ing"][j] for i, j in zip(rng.integers(0, 6, 10), rng.integers(0, 3, 10)))
             for _ in range(200)]
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    model = fasttext.train_unsupervised(str(corpus), model="skipgram", dim=8, epoch=1, minCount=2, bucket=500,
                                        minn=2, maxn=4, thread=1, verbose=0)
    model.save_model(str(tmp_path / "model.bin"))
    wv = SubwordVectors.load_fasttext_bin(tmp_path / "model.bin")
    assert wv.words == model.words and (wv.min_n, wv.max_n, wv.bucket) == (2, 4, 500)
    for word in model.words + ["walker", "naïvely", "日本語", "q"]:
        np.testing.assert_allclose(wv[word], model.get_word_vector(word), rtol=0, atol=1e-6)
    with pytest.raises(ValueError, match="not a fastText"):
        SubwordVectors.load_fasttext_bin(corpus)


def test_embedding_vectorizer_with_prefit_subword_vectors():
    from skvec import EmbeddingVectorizer

    rng = np.random.default_rng(3)
    wv = SubwordVectors(["walk", "talk"], rng.normal(size=(2, 4)), rng.normal(size=(50, 4)), min_n=4, max_n=5)
    vectorizer = EmbeddingVectorizer(wv, prefit=True, norm=None, standardize=False).fit(["walk"])
    np.testing.assert_allclose(vectorizer.transform(["walking talk x"])[0], (wv["walking"] + wv["talk"]) / 2,
                               atol=1e-6)
    assert not vectorizer.set_params(use_subwords=False).transform(["walking"]).any()
    plain = EmbeddingVectorizer(WordVectors(wv.words, wv.vectors), prefit=True).fit(["walk"])
    assert not plain.transform(["walking"]).any()


def test_names_moved_to_vectors_stay_importable_from_subwords():
    # SubwordVectors is resolved on first use, also by a star import of its __all__.
    import skvec.subwords
    from skvec.vectors import SubwordVectors

    namespace = {}
    exec("from skvec.subwords import *", namespace)  # noqa: S102
    assert namespace["SubwordVectors"] is SubwordVectors is skvec.subwords.SubwordVectors
    assert set(skvec.subwords.__all__) <= set(namespace)
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        skvec.subwords.nothing  # noqa: B018
