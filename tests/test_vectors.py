"""WordVectors (lookup, similarity, word2vec I/O) and get_word_vectors."""

import pickle

import gensim.models as gensim_models
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.decomposition import TruncatedSVD
from sklearn.pipeline import make_pipeline

from corpora import random_word_vectors as random_vectors
from skvec import CooccurrenceVectorizer, SPPMITransformer, SVDEmbedder, WordVectors, get_word_vectors
from skvec._io import compression_of, open_file

WORDS = ["king", "queen", "man", "woman", "apple", "pear"]
VECTORS = np.array(
    [
        [1.0, 1.0, 0.1, 0.0],
        [1.0, -1.0, 0.1, 0.0],
        [0.2, 1.0, 0.0, 0.1],
        [0.2, -1.0, 0.0, 0.1],
        [0.0, 0.0, 1.0, 0.5],
        [0.0, 0.1, 0.9, 0.6],
    ]
)


@pytest.fixture(params=["dense", "sparse"])
def wv(request):
    vectors = VECTORS if request.param == "dense" else sp.csr_matrix(VECTORS)
    return WordVectors(WORDS, vectors)


def cosine(u, v):
    return float(u @ v / np.linalg.norm(u) / np.linalg.norm(v))


def brute_most_similar(positive, negative, topn, restrict=None):
    unit = VECTORS / np.linalg.norm(VECTORS, axis=1, keepdims=True)
    rows = [WORDS.index(w) for w in positive] + [WORDS.index(w) for w in negative]
    query = unit[[WORDS.index(w) for w in positive]].sum(0) - unit[[WORDS.index(w) for w in negative]].sum(0)
    scores = unit @ query / np.linalg.norm(query)
    n = len(WORDS) if restrict is None else restrict
    ranked = [r for r in np.argsort(-scores[:n], kind="stable") if r not in rows]
    return [(WORDS[r], scores[r]) for r in ranked[:topn]]


def test_construction_and_lookup(wv):
    assert len(wv) == 6 and wv.vector_size == 4
    assert wv.words == WORDS and wv.index["queen"] == 1
    assert "apple" in wv and "plum" not in wv and 3 not in wv
    assert list(wv) == WORDS
    vector = wv["woman"]
    assert vector.dtype == np.float32 and vector.shape == (4,)
    np.testing.assert_allclose(vector, VECTORS[3])
    np.testing.assert_allclose(wv[["pear", "king"]], VECTORS[[5, 0]])
    with pytest.raises(KeyError, match="plum"):
        wv[["pear", "plum"]]
    if wv.is_sparse:
        assert sp.isspmatrix_csr(wv.vectors) and wv.vectors.dtype == np.float32
        assert sp.issparse(wv.unit_vectors)
    else:
        assert wv.vectors.dtype == np.float32 and wv.vectors.flags.c_contiguous
    assert "6 words" in repr(wv)


def test_unknown_word_raises_key_error_naming_it(wv):
    with pytest.raises(KeyError, match="plum"):
        wv["plum"]
    with pytest.raises(KeyError, match="plum"):
        wv.most_similar("plum")
    with pytest.raises(KeyError, match="plum"):
        wv.similarity("king", "plum")


@pytest.mark.parametrize(
    "words, vectors, error, match",
    [
        ("king", np.ones((1, 2)), TypeError, "sequence of str"),
        ([1, 2], np.ones((2, 2)), TypeError, "strings"),
        (["a", "a"], np.ones((2, 2)), ValueError, "'a' occurs more than once"),
        (["a", "b"], np.ones((3, 2)), ValueError, "one row per word"),
        (["a", "b"], np.ones(2), ValueError, "2-dimensional"),
        (["a", "b"], np.array([[1.0, np.nan], [0.0, 1.0]]), ValueError, "NaN"),
    ],
)
def test_bad_construction(words, vectors, error, match):
    with pytest.raises(error, match=match):
        WordVectors(words, vectors)


def test_similarity(wv):
    assert wv.similarity("king", "man") == pytest.approx(cosine(VECTORS[0], VECTORS[2]), abs=1e-6)
    assert wv.similarity("apple", "apple") == pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize(
    "positive, negative, topn, restrict",
    [
        (["king", "woman"], ["man"], 3, None),
        (["apple"], [], 10, None),
        (["queen"], ["apple"], 2, 4),
        ([], ["pear"], 5, None),
    ],
)
def test_most_similar_matches_brute_force(wv, positive, negative, topn, restrict):
    got = wv.most_similar(positive=positive, negative=negative, topn=topn, restrict_vocab=restrict)
    expected = brute_most_similar(positive, negative, topn, restrict)
    assert [w for w, _ in got] == [w for w, _ in expected]
    np.testing.assert_allclose([s for _, s in got], [s for _, s in expected], atol=1e-6)


def test_most_similar_details(wv):
    assert wv.most_similar(positive=["king", "woman"], negative=["man"], topn=1)[0][0] == "queen"
    # a single word may be given as a string; query words are never returned
    assert [w for w, _ in wv.most_similar("apple", topn=5)] == ["pear", "king", "queen", "man", "woman"]  # ties: vocabulary order
    assert len(wv.most_similar("apple", topn=2)) == 2
    # topn=None: the cosine of every word, in row order, the query word included (as gensim)
    every = wv.most_similar("apple", topn=None)
    assert isinstance(every, np.ndarray) and every.shape == (6,)
    np.testing.assert_allclose(every, [wv.similarity("apple", word) for word in WORDS], atol=1e-6)
    assert wv.most_similar("apple", restrict_vocab=1) == [("king", pytest.approx(wv.similarity("apple", "king")))]
    with pytest.raises(ValueError, match="at least one word"):
        wv.most_similar()
    assert wv.most_similar("king", topn=0) == []
    with pytest.raises(ValueError, match="topn"):
        wv.most_similar("king", topn=-1)


def test_zero_vector_has_zero_similarity():
    wv = WordVectors(["a", "b", "zero"], np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]))
    assert wv.similarity("a", "zero") == 0.0
    assert np.all(np.isfinite(wv.unit_vectors))


def test_unit_vectors_are_cached_and_not_pickled(wv):
    unit = wv.unit_vectors
    assert wv.unit_vectors is unit
    clone = pickle.loads(pickle.dumps(wv))
    assert clone._unit is None and clone.words == WORDS
    np.testing.assert_allclose(clone["pear"], wv["pear"])


# -- word2vec formats -----------------------------------------------------------


@pytest.mark.parametrize("binary", [False, True])
@pytest.mark.parametrize("suffix", ["", ".gz", ".bz2", ".xz"])
def test_own_round_trip_is_exact(tmp_path, binary, suffix):
    wv = random_vectors()
    path = tmp_path / f"vectors{suffix}"
    wv.save_word2vec_format(path, binary=binary)
    assert compression_of(path) == {"": None, ".gz": "gzip", ".bz2": "bz2", ".xz": "xz"}[suffix]
    with open_file(path, "rb") as f:
        assert f.readline() == b"50 7\n"
    loaded = WordVectors.load_word2vec_format(path, binary=binary)
    assert loaded.words == wv.words
    np.testing.assert_array_equal(loaded.vectors, wv.vectors)
    limited = WordVectors.load_word2vec_format(path, binary=binary, limit=5)
    assert limited.words == wv.words[:5]
    np.testing.assert_array_equal(limited.vectors, wv.vectors[:5])


@pytest.mark.parametrize("binary", [False, True])
def test_sparse_vectors_are_saved_dense(tmp_path, binary):
    wv = random_vectors(sparse=True)
    wv.save_word2vec_format(tmp_path / "v", binary=binary)
    loaded = WordVectors.load_word2vec_format(tmp_path / "v", binary=binary)
    np.testing.assert_array_equal(loaded.vectors, wv.vectors.toarray())


def test_binary_layout_is_the_c_tools(tmp_path):
    wv = WordVectors(["ab", "c"], np.array([[1.0, -2.0], [0.5, 0.25]]))
    wv.save_word2vec_format(tmp_path / "v.bin", binary=True)
    expected = (
        b"2 2\n"
        + b"ab " + np.array([1.0, -2.0], dtype="<f4").tobytes() + b"\n"
        + b"c " + np.array([0.5, 0.25], dtype="<f4").tobytes() + b"\n"
    )
    assert (tmp_path / "v.bin").read_bytes() == expected


def test_reads_c_tool_variants(tmp_path):
    # text with trailing spaces (as the C tool writes it)
    (tmp_path / "v.txt").write_text("2 3\nx 1.000000 2.000000 3.000000 \ny -1 0 0.5 \n")
    wv = WordVectors.load_word2vec_format(tmp_path / "v.txt")
    np.testing.assert_array_equal(wv["y"], [-1, 0, 0.5])
    # binary without newline after each vector (as gensim writes it)
    data = b"2 1\nx " + np.float32(1.5).tobytes() + b"y " + np.float32(-2).tobytes()
    (tmp_path / "v.bin").write_bytes(data)
    wv = WordVectors.load_word2vec_format(tmp_path / "v.bin", binary=True)
    assert wv.words == ["x", "y"] and wv["y"][0] == -2


def test_malformed_files(tmp_path):
    (tmp_path / "noheader.txt").write_text("x 1 2\n")
    with pytest.raises(ValueError, match="header"):
        WordVectors.load_word2vec_format(tmp_path / "noheader.txt", no_header=False)
    (tmp_path / "short.txt").write_text("2 2\nx 1 2\n")
    with pytest.raises(ValueError, match="after 1 vectors"):
        WordVectors.load_word2vec_format(tmp_path / "short.txt")
    (tmp_path / "wrong.txt").write_text("1 3\nx 1 2\n")
    with pytest.raises(ValueError, match="Line 2 .* 2 values after the word; the header announces 3"):
        WordVectors.load_word2vec_format(tmp_path / "wrong.txt")
    (tmp_path / "short.bin").write_bytes(b"2 2\nx " + np.zeros(2, "<f4").tobytes())
    with pytest.raises(ValueError, match="ends at vector 2 .* after 1 vectors"):
        WordVectors.load_word2vec_format(tmp_path / "short.bin", binary=True)
    with pytest.raises(ValueError, match="whitespace"):
        WordVectors(["a b"], np.ones((1, 2))).save_word2vec_format(tmp_path / "x.txt")


def test_repeated_word_keeps_first_vector(tmp_path):
    (tmp_path / "dup.txt").write_text("3 1\nx 1\ny 2\nx 3\n")
    with pytest.warns(UserWarning, match="Repeated word 'x'"):
        wv = WordVectors.load_word2vec_format(tmp_path / "dup.txt")
    assert wv.words == ["x", "y"] and wv["x"][0] == 1


@pytest.mark.parametrize("binary", [False, True])
def test_round_trip_through_gensim(tmp_path, binary):
    wv = random_vectors()
    wv.save_word2vec_format(tmp_path / "ours", binary=binary)
    kv = gensim_models.KeyedVectors.load_word2vec_format(str(tmp_path / "ours"), binary=binary)
    assert list(kv.index_to_key) == wv.words
    np.testing.assert_array_equal(kv.vectors, wv.vectors)
    kv.save_word2vec_format(str(tmp_path / "theirs"), binary=binary)
    back = WordVectors.load_word2vec_format(tmp_path / "theirs", binary=binary)
    assert back.words == wv.words
    np.testing.assert_allclose(back.vectors, wv.vectors, rtol=1e-6)
    assert [w for w, _ in back.most_similar("w3", topn=5)] == [w for w, _ in kv.most_similar("w3", topn=5)]


# -- get_word_vectors -----------------------------------------------------------


class DummyEmbedder(BaseEstimator):
    """A word-plane embedder: vocabulary_ in reverse alphabetical order, fixed vectors."""

    def fit(self, X, y=None):
        words = sorted({w for doc in X for w in doc.split()}, reverse=True)
        self.vocabulary_ = {w: i for i, w in enumerate(words)}
        self.embedding_ = np.arange(2 * len(words), dtype=np.float64).reshape(-1, 2) + 1
        return self


class DummyCounter(BaseEstimator):
    """A first pipeline step: vocabulary_ and a word x word matrix."""

    def fit(self, X, y=None):
        self.vocabulary_ = {w: i for i, w in enumerate(sorted({w for doc in X for w in doc.split()}))}
        return self

    def transform(self, X):
        n = len(self.vocabulary_)
        matrix = np.zeros((n, n))
        for doc in X:
            ids = [self.vocabulary_[w] for w in doc.split()]
            for i, j in zip(ids, ids[1:]):
                matrix[i, j] += 1
                matrix[j, i] += 1
        return sp.csr_matrix(matrix + np.eye(n))


class DummyLast(BaseEstimator):
    """A last step storing embedding_."""

    def fit(self, X, y=None):
        self.embedding_ = X.toarray()[:, :3]
        return self

    def transform(self, X):
        return X.toarray()[:, :3]


DOCS = ["a b c d", "b c d e", "c d e a", "e a b"]


def test_get_word_vectors_from_embedder():
    model = DummyEmbedder().fit(DOCS)
    wv = get_word_vectors(model)
    assert wv.words == ["e", "d", "c", "b", "a"]
    np.testing.assert_array_equal(wv["d"], [3, 4])
    assert get_word_vectors(wv) is wv


def test_get_word_vectors_from_pipelines():
    stored = make_pipeline(DummyCounter(), DummyLast()).fit(DOCS)
    wv = get_word_vectors(stored)
    assert wv.words == ["a", "b", "c", "d", "e"] and wv.vector_size == 3
    np.testing.assert_array_equal(wv.vectors, stored[-1].embedding_)

    svd = make_pipeline(DummyCounter(), TruncatedSVD(2, random_state=0)).fit(DOCS)
    with pytest.raises(ValueError, match="pass the training corpus as X"):
        get_word_vectors(svd)
    wv = get_word_vectors(svd, X=DOCS)
    np.testing.assert_allclose(wv.vectors, svd.transform(DOCS), rtol=1e-6)

    class SparseLast(DummyLast):
        def fit(self, X, y=None):
            self.n_features_in_ = X.shape[1]
            return self

        def transform(self, X):
            return X

    sparse_model = make_pipeline(DummyCounter(), SparseLast()).fit(DOCS)
    wv = get_word_vectors(sparse_model, X=DOCS)
    assert wv.is_sparse and wv.vectors.shape == (5, 5)


def test_get_word_vectors_errors():
    with pytest.raises(TypeError, match="Is it fitted"):
        get_word_vectors(DummyEmbedder())
    with pytest.raises(TypeError, match="no vocabulary_"):
        get_word_vectors(make_pipeline(DummyLast(), DummyLast()))
    model = DummyEmbedder().fit(DOCS)
    model.embedding_ = model.embedding_[:3]
    with pytest.raises(ValueError, match="3 rows but the vocabulary has 5 words"):
        get_word_vectors(model)
    stored = make_pipeline(DummyCounter(), DummyLast()).fit(DOCS)
    stored[-1].embedding_ = stored[-1].embedding_[:4]
    with pytest.raises(ValueError, match="DummyLast.embedding_ has 4 rows but the vocabulary has 5"):
        get_word_vectors(stored)


def test_get_word_vectors_from_count_pipeline():
    docs = ["the cat sat on the mat", "the dog sat on the log", "a cat and a dog"] * 5
    pipeline = make_pipeline(
        CooccurrenceVectorizer(window=2, min_count=1), SPPMITransformer(), SVDEmbedder(3, random_state=0)
    ).fit(docs)
    wv = get_word_vectors(pipeline)
    assert wv.words[0] == "the" and wv.vector_size == 3 and len(wv) == len(pipeline[0].vocabulary_)
    sppmi = make_pipeline(CooccurrenceVectorizer(window=2, min_count=1), SPPMITransformer()).fit(docs)
    wv = get_word_vectors(sppmi, X=docs)
    assert wv.is_sparse and wv.vectors.shape == (len(wv), len(wv))
    assert wv.most_similar("cat", topn=1)[0][0] in wv


class LetterVectors(WordVectors):
    """A subclass that composes a vector for any string from its letters' vectors."""

    def missing_vector(self, word):
        letters = [letter for letter in word if letter in self.index]
        if not letters:
            raise KeyError(f"word {word!r} has no known letter")
        return self[letters].mean(axis=0)

    def __contains__(self, word):
        return isinstance(word, str) and any(letter in self.index for letter in word)


def test_a_subclass_composing_missing_words_reaches_every_query():
    rng = np.random.default_rng(0)
    wv = LetterVectors(list("abcdefgh"), rng.standard_normal((8, 5)))
    composed = wv.vectors[[0, 1]].mean(axis=0)
    np.testing.assert_allclose(wv["ab"], composed, rtol=1e-6)
    np.testing.assert_allclose(wv[["ab", "c"]], [composed, wv.vectors[2]], rtol=1e-6)
    np.testing.assert_allclose(wv.get_vector("ab", norm=True), composed / np.linalg.norm(composed), rtol=1e-6)
    assert "ab" in wv and not wv.has_index_for("ab")
    assert wv.similarity("ab", "a") == pytest.approx(cosine(composed, wv.vectors[0]), abs=1e-6)
    # the composed word is a query, never an answer; its letters are answers
    answers = [word for word, _ in wv.most_similar("ab", topn=8)]
    assert "ab" not in answers and sorted(answers) == list("abcdefgh")
    assert len(wv.most_similar_cosmul(["ab", "c"], ["d"], topn=3)) == 3
    with pytest.warns(UserWarning, match="'xyz'") as record:  # "xyz" has no known letter
        assert wv.doesnt_match(["ab", "a", "b", "xyz"]) in ("ab", "a", "b")
    assert record[0].filename == __file__  # the warning points at the caller
    assert wv.n_similarity(["ab"], ["a", "b"]) == pytest.approx(1.0, abs=1e-6)
    assert wv.distances("ab", ["a", "ab"])[1] == pytest.approx(0.0, abs=1e-6)
    assert wv.closer_than("ab", "a") == [w for w in "abcdefgh" if wv.distance("ab", w) < wv.distance("ab", "a")]
    assert wv.vectors_for_all(["ab", "c"]).words == ["ab", "c"]
    assert wv.vectors_for_all(["ab", "c"], allow_inference=False).words == ["c"]
    with pytest.raises(KeyError, match="no known letter"):
        wv.most_similar("xyz")


# -- bad input: what is not word vectors -------------------------------------------------------

from corpora import raises  # noqa: E402


@pytest.mark.parametrize("model", [SVDEmbedder(), "vectors.txt", 42], ids=["unfitted", "path", "int"])
def test_get_word_vectors_of_something_else(model):
    with raises(TypeError, "get_word_vectors expects", type(model).__name__):
        get_word_vectors(model)


@pytest.mark.parametrize(
    "words, vectors, exception, fragment",
    [
        (["a", "b"], np.ones((3, 2)), ValueError, "3 rows"),
        (["a", "a"], np.ones((2, 2)), ValueError, "'a' occurs more than once"),
        (["a", 1], np.ones((2, 2)), TypeError, "words must be strings"),
        (["a", "b"], np.array([[1.0, np.nan], [1.0, 2.0]]), ValueError, "NaN"),
        (["a", "b"], np.array([[1.0, np.inf], [1.0, 2.0]]), ValueError, "infinite"),
    ],
)
def test_word_vectors_of_inconsistent_parts(words, vectors, exception, fragment):
    with raises(exception, fragment):
        WordVectors(words, vectors)
