"""WordVectors answers gensim's KeyedVectors queries with gensim's results, on the same vectors.

Every query is run on both objects built from one random float32 matrix; the
words must agree and the scores to 1e-5 (absolute; relative for 3CosMul scores
above 1, whose float32 cancellation both sides share). Our side is dense or sparse (the same
values), gensim's dense.
"""

import logging
import warnings

import gensim.models as gensim_models
import numpy as np
import pytest
import scipy.sparse as sp

from skvec import EmbeddingVectorizer, WordVectors, analogy_accuracy, get_word_vectors

pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated:DeprecationWarning")

N_WORDS, DIM = 120, 12
WORDS = [f"w{i}" for i in range(N_WORDS)]


def _matrix(seed=0):
    rng = np.random.default_rng(seed)
    matrix = rng.standard_normal((N_WORDS, DIM)).astype(np.float32)
    matrix[rng.random(matrix.shape) < 0.3] = 0.0  # zeros, so that the sparse twin is really sparse
    return matrix


def _gensim(words, matrix):
    keyed = gensim_models.KeyedVectors(matrix.shape[1], dtype=np.float32)
    keyed.add_vectors(list(words), matrix.copy())
    return keyed


@pytest.fixture(scope="module")
def theirs():
    return _gensim(WORDS, _matrix())


@pytest.fixture(params=["dense", "sparse"])
def ours(request):
    matrix = _matrix()
    return WordVectors(WORDS, sp.csr_matrix(matrix) if request.param == "sparse" else matrix)


def assert_same(got, expected):
    if isinstance(expected, np.ndarray):
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
        return
    assert [word for word, _ in got] == [word for word, _ in expected]
    np.testing.assert_allclose([s for _, s in got], [s for _, s in expected], rtol=1e-5, atol=1e-5)


def vec(i):
    return _matrix(seed=1)[i]


def short_vec(i):
    """A vector of norm 0.8: 3CosMul's shifted cosines stay in [0.1, 0.9], away from float32 cancellation."""
    return (0.8 * vec(i) / np.linalg.norm(vec(i))).astype(np.float32)


MOST_SIMILAR_CASES = [
    dict(positive=["w1"]),
    dict(positive="w1", topn=3),
    dict(positive=["w1", "w7"], negative=["w3"], topn=7),
    dict(negative=["w5"], topn=4),
    dict(positive=[vec(0)], topn=5),
    dict(positive=vec(2), negative=["w9"]),
    dict(positive=[("w1", 2.0), ("w2", 0.5)], negative=[("w3", -1.5)]),
    dict(positive=[(vec(3), 0.7), "w4"], negative=[vec(5)], topn=6),
    dict(positive=["w10", "w11"], restrict_vocab=40),
    dict(positive=["w10"], clip_start=20, clip_end=90, topn=8),
    dict(positive=["w50"], clip_start=30),
    dict(positive=["w1", "w2"], negative=["w3"], topn=None),
    dict(positive=["w1"], restrict_vocab=30, topn=None),
    dict(positive=["w1"], topn=N_WORDS + 5),
    dict(positive=["w1"], topn=0),
]


@pytest.mark.parametrize("case", MOST_SIMILAR_CASES)
def test_most_similar(ours, theirs, case):
    assert_same(ours.most_similar(**case), theirs.most_similar(**case))


def test_similar_by_word_key_and_vector(ours, theirs):
    assert_same(ours.similar_by_word("w8", topn=6), theirs.similar_by_word("w8", topn=6))
    assert_same(ours.similar_by_key("w8", restrict_vocab=50), theirs.similar_by_key("w8", restrict_vocab=50))
    assert_same(ours.similar_by_vector(vec(4), topn=9), theirs.similar_by_vector(vec(4), topn=9))
    assert_same(ours.similar_by_vector(vec(4), topn=None), theirs.similar_by_vector(vec(4), topn=None))


@pytest.mark.parametrize(
    "case",
    [
        dict(positive=["w1", "w2"], negative=["w3"]),
        dict(positive=["w1"], topn=4),
        dict(positive=["w4", short_vec(1)], negative=[short_vec(2)], topn=6),
        dict(positive="w5", negative="w6"),
        dict(positive=["w1", "w2"], negative=["w3", "w9"], topn=None),
    ],
)
def test_most_similar_cosmul(ours, theirs, case):
    assert_same(ours.most_similar_cosmul(**case), theirs.most_similar_cosmul(**case))


def test_most_similar_cosmul_restrict_vocab_limits_candidates(ours):
    # gensim 4.4 accepts restrict_vocab here but searches every word; we honour it.
    full = ours.most_similar_cosmul(["w1", "w2"], ["w3"], topn=None)
    restricted = ours.most_similar_cosmul(["w1", "w2"], ["w3"], topn=None, restrict_vocab=25)
    np.testing.assert_allclose(restricted, full[:25], atol=1e-6)
    best = ours.most_similar_cosmul(["w1", "w2"], ["w3"], topn=3, restrict_vocab=25)
    expected = [WORDS[i] for i in np.argsort(-full[:25], kind="stable") if i not in (1, 2, 3)][:3]
    assert [word for word, _ in best] == expected


@pytest.mark.parametrize("words", [["w1", "w2", "w3", "w40"], ["w5", "w6", "w90"], ["w7", "w8", "w9", "w10", "w11"]])
def test_doesnt_match_and_rank_by_centrality(ours, theirs, words):
    assert ours.doesnt_match(words) == theirs.doesnt_match(words)
    ranked_ours, ranked_theirs = ours.rank_by_centrality(words), theirs.rank_by_centrality(words)
    assert [w for _, w in ranked_ours] == [w for _, w in ranked_theirs]
    np.testing.assert_allclose([s for s, _ in ranked_ours], [s for s, _ in ranked_theirs], atol=1e-5)


def test_doesnt_match_ignores_unknown_words_with_a_warning(ours, theirs):
    logging.getLogger("gensim").setLevel(logging.ERROR)
    with pytest.warns(UserWarning, match="'nope'"):
        assert ours.doesnt_match(["w1", "nope", "w2", "w3"]) == theirs.doesnt_match(["w1", "w2", "w3"])
    with pytest.raises(ValueError, match="None of the words"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ours.doesnt_match(["nope"])


def test_similarity_distance_n_similarity(ours, theirs):
    for a, b in [("w1", "w2"), ("w3", "w3"), ("w100", "w7")]:
        assert ours.similarity(a, b) == pytest.approx(float(theirs.similarity(a, b)), abs=1e-5)
        assert ours.distance(a, b) == pytest.approx(float(theirs.distance(a, b)), abs=1e-5)
    for ws1, ws2 in [(["w1", "w2"], ["w3"]), (["w4"], ["w4", "w5", "w6"]), (["w9", "w1"], ["w1", "w9"])]:
        assert ours.n_similarity(ws1, ws2) == pytest.approx(float(theirs.n_similarity(ws1, ws2)), abs=1e-5)
    with pytest.raises(KeyError, match="nope"):  # gensim skips unknown words silently
        ours.n_similarity(["w1", "nope"], ["w2"])
    with pytest.raises(ValueError, match="at least one word"):
        ours.n_similarity([], ["w2"])


def test_distances_and_cosine_similarities(ours, theirs):
    assert_same(ours.distances("w3"), theirs.distances("w3"))
    assert_same(ours.distances("w3", ["w1", "w50", "w3"]), theirs.distances("w3", ["w1", "w50", "w3"]))
    assert_same(ours.distances(vec(7)), theirs.distances(vec(7)))
    assert_same(ours.distances(vec(7), ("w2", "w8")), theirs.distances(vec(7), ("w2", "w8")))
    others = _matrix(seed=2)[:10]
    expected = gensim_models.KeyedVectors.cosine_similarities(vec(1), others)
    assert_same(WordVectors.cosine_similarities(vec(1), others), expected)
    assert_same(ours.cosine_similarities(vec(1), sp.csr_matrix(others)), expected)


@pytest.mark.parametrize("pair", [("w1", "w2"), ("w10", "w99"), ("w5", "w5"), ("w7", "w60")])
def test_rank_closer_than(ours, theirs, pair):
    assert ours.closer_than(*pair) == theirs.closer_than(*pair)
    assert ours.words_closer_than(*pair) == theirs.closer_than(*pair)
    assert ours.rank(*pair) == theirs.rank(*pair)


def test_index_aliases_and_lookups(ours, theirs):
    assert ours.index_to_key == theirs.index_to_key and ours.index_to_key is ours.words
    assert ours.key_to_index == theirs.key_to_index and ours.key_to_index is ours.index
    for key in ["w0", "w77", 5, np.int64(119)]:
        assert ours.get_index(key) == theirs.get_index(key)
        assert ours.has_index_for(key) == theirs.has_index_for(key)
        np.testing.assert_array_equal(ours.get_vector(key), theirs.get_vector(key))
        np.testing.assert_allclose(ours.get_vector(key, norm=True), theirs.get_vector(key, norm=True), atol=1e-6)
    for key in ["nope", 120, -1]:
        assert ours.has_index_for(key) is theirs.has_index_for(key) is False
        assert ours.get_index(key, -7) == theirs.get_index(key, -7) == -7
        with pytest.raises(KeyError):
            ours.get_index(key)
    np.testing.assert_array_equal(ours[[3, "w4"]], theirs[[3, "w4"]])
    assert "w3" in ours and 3 not in ours  # `in` is for words


def test_normed_vectors_without_fill_norms(ours, theirs):
    normed = ours.get_normed_vectors()
    normed = normed.toarray() if sp.issparse(normed) else normed
    np.testing.assert_allclose(normed, theirs.get_normed_vectors(), atol=1e-6)
    assert ours.get_normed_vectors() is ours.get_normed_vectors()  # computed once


@pytest.mark.parametrize(
    "case",
    [
        dict(keys=["w1", "w2"]),
        dict(keys=["w1", vec(0), "w3"], weights=[1.0, -2.0, 0.5]),
        dict(keys=["w1", "w2"], pre_normalize=False, post_normalize=True),
        dict(keys=["w1", "nope"], weights=np.array([2.0, 1.0])),
    ],
)
def test_get_mean_vector(ours, theirs, case):
    np.testing.assert_allclose(ours.get_mean_vector(**case), theirs.get_mean_vector(**case), atol=1e-6)


def test_relative_cosine_similarity_and_vectors_for_all(ours, theirs):
    for wa, wb, topn in [("w1", "w2", 10), ("w7", "w30", 3)]:
        expected = float(theirs.relative_cosine_similarity(wa, wb, topn=topn))
        assert ours.relative_cosine_similarity(wa, wb, topn=topn) == pytest.approx(expected, abs=1e-5)
    keys = ["w5", "nope", "w2", "w5", "w7"]
    subset, expected = ours.vectors_for_all(keys), theirs.vectors_for_all(keys)
    assert subset.words == expected.index_to_key == ["w5", "w2", "w7"]
    np.testing.assert_array_equal(subset.vectors, expected.vectors)
    assert ours.vectors_for_all([7, "w7"]).words == ["w7"]  # a row number stands for its word


def test_most_similar_to_given(ours, theirs):
    assert ours.most_similar_to_given("w1", ["w5", "w9", "w30"]) == theirs.most_similar_to_given("w1", ["w5", "w9", "w30"])


@pytest.mark.parametrize("replace", [False, True])
def test_add_vectors(ours, replace):
    theirs = _gensim(WORDS, _matrix())
    ours.most_similar("w1")  # fills the unit-vector cache, which adding must drop
    new = _matrix(seed=3)[:4]
    keys = ["new0", "w2", "new1", "w5"]
    ours.add_vectors(keys, new, replace=replace)
    theirs.add_vectors(keys, new, replace=replace)
    assert ours.index_to_key == theirs.index_to_key and ours.key_to_index == theirs.key_to_index
    dense = ours.vectors.toarray() if ours.is_sparse else ours.vectors
    np.testing.assert_array_equal(dense, theirs.vectors)
    theirs.fill_norms(force=True)
    assert_same(ours.most_similar("new0", topn=5), theirs.most_similar("new0", topn=5))
    assert_same(ours.most_similar("w2", topn=5), theirs.most_similar("w2", topn=5))
    assert ours.add_vector("new2", new[0]) == len(WORDS) + 2 and "new2" in ours
    ours["w0"] = new[1]
    np.testing.assert_array_equal(ours["w0"], new[1])


def test_add_vectors_errors(ours):
    with pytest.raises(ValueError, match="columns"):
        ours.add_vectors(["x"], np.ones((1, DIM + 1)))
    with pytest.raises(ValueError, match="one row per word"):
        ours.add_vectors(["x", "y"], np.ones((1, DIM)))
    with pytest.raises(ValueError, match="distinct"):
        ours.add_vectors(["x", "x"], np.ones((2, DIM)))
    with pytest.raises(ValueError, match="NaN"):
        ours.add_vectors(["x"], np.full((1, DIM), np.nan))
    assert len(ours) == N_WORDS


def test_query_errors_name_the_problem(ours):
    with pytest.raises(KeyError, match="'nope'"):
        ours.most_similar(["w1", "nope"])
    with pytest.raises(ValueError, match=f"1-d array of {DIM} numbers"):
        ours.most_similar(positive=[np.ones(DIM + 1)])
    with pytest.raises(TypeError, match="positive and negative hold"):
        ours.most_similar(positive=[{"w1": 1}])
    with pytest.raises(ValueError, match="at least one"):
        ours.most_similar_cosmul(negative=["w1"])
    with pytest.raises(ValueError, match="restrict_vocab"):
        ours.most_similar("w1", restrict_vocab=0)
    with pytest.raises(KeyError) as error:
        ours.get_vector(list(range(1000)))
    assert len(str(error.value)) < 100  # never the whole key


# -- evaluation, with gensim's call shape -----------------------------------------------


def _analogy_file(tmp_path):
    rng = np.random.default_rng(5)
    lines = []
    for section in ("capital-common-countries", "gram1-adjective-to-adverb"):
        lines.append(f": {section}")
        for _ in range(60):
            lines.append(" ".join(WORDS[i] for i in rng.integers(0, N_WORDS, 4)))
        lines.append("w1 w2 w3 unknown")
    path = tmp_path / "questions.txt"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("restrict_vocab, dummy4unknown", [(300000, False), (80, False), (80, True)])
def test_evaluate_word_analogies(ours, theirs, tmp_path, restrict_vocab, dummy4unknown):
    path = _analogy_file(tmp_path)
    logging.getLogger("gensim").setLevel(logging.ERROR)
    score, result = ours.evaluate_word_analogies(path, restrict_vocab=restrict_vocab, dummy4unknown=dummy4unknown)
    expected, sections = theirs.evaluate_word_analogies(
        str(path), restrict_vocab=restrict_vocab, dummy4unknown=dummy4unknown
    )
    assert score == pytest.approx(expected, abs=1e-12)
    assert result.correct == len(sections[-1]["correct"])
    assert result.evaluated == len(sections[-1]["correct"]) + len(sections[-1]["incorrect"])


@pytest.mark.parametrize("dummy4unknown", [False, True])
@pytest.mark.parametrize("delimiter", ["\t", ","])
def test_evaluate_word_pairs(ours, theirs, tmp_path, dummy4unknown, delimiter):
    rng = np.random.default_rng(6)
    lines = [f"{WORDS[a]}\t{WORDS[b]}\t{score:.2f}" for a, b, score in zip(
        rng.integers(0, N_WORDS, 40), rng.integers(0, N_WORDS, 40), rng.uniform(0, 10, 40))]
    lines += ["w1\tunknown\t5.0", "unknown\tw2\t1.0", "w3\tnope\t9.5"]
    path = tmp_path / "pairs.tsv"
    path.write_text("\n".join(line.replace("\t", delimiter) for line in lines) + "\n")
    logging.getLogger("gensim").setLevel(logging.ERROR)
    pearson, spearman, oov_ratio = ours.evaluate_word_pairs(path, delimiter, dummy4unknown=dummy4unknown)
    expected = theirs.evaluate_word_pairs(str(path), delimiter, dummy4unknown=dummy4unknown)
    np.testing.assert_allclose(pearson, tuple(expected[0]), atol=1e-5)
    np.testing.assert_allclose(spearman, tuple(expected[1]), atol=1e-5)
    assert oov_ratio == pytest.approx(expected[2])


# -- conversion: gensim objects wherever vectors are accepted ----------------------------


def test_from_and_to_gensim(theirs):
    ours = WordVectors.from_gensim(theirs)
    assert ours.words == theirs.index_to_key
    np.testing.assert_array_equal(ours.vectors, theirs.vectors)
    back = ours.to_gensim()
    assert back.index_to_key == theirs.index_to_key and back.vectors is not ours.vectors
    np.testing.assert_array_equal(back.vectors, theirs.vectors)
    assert_same(back.most_similar("w3"), theirs.most_similar("w3"))
    sparse = WordVectors(WORDS, sp.csr_matrix(_matrix())).to_gensim()
    np.testing.assert_array_equal(sparse.vectors, theirs.vectors)


@pytest.fixture(scope="module")
def gensim_model():
    docs = [["the", "cat", "sat", "on", "the", "mat"], ["the", "dog", "sat", "on", "the", "log"]] * 20
    return gensim_models.Word2Vec(docs, vector_size=8, min_count=1, seed=0, workers=1, epochs=2)


def test_gensim_objects_are_accepted_where_vectors_are(theirs, gensim_model):
    for source in (theirs, gensim_model, gensim_model.wv):
        wv = get_word_vectors(source)
        keyed = gensim_model.wv if source is gensim_model else source
        assert isinstance(wv, WordVectors) and wv.words == list(keyed.index_to_key)
        np.testing.assert_array_equal(wv.vectors, keyed.vectors)
        assert WordVectors.from_gensim(source).words == wv.words
    questions = [("w1", "w2", "w3", "w4"), ("w5", "w6", "w7", "w8"), ("w9", "w10", "w11", "w12")]
    assert analogy_accuracy(theirs, questions).to_dict() == analogy_accuracy(WordVectors.from_gensim(theirs), questions).to_dict()


def test_embedding_vectorizer_takes_gensim_vectors(gensim_model):
    docs = ["the cat sat", "the dog on the log", "a mat"]
    expected = EmbeddingVectorizer(get_word_vectors(gensim_model), prefit=True).fit_transform(docs)
    for source in (gensim_model, gensim_model.wv):
        vectorizer = EmbeddingVectorizer(source, prefit=True)
        np.testing.assert_allclose(vectorizer.fit_transform(docs), expected)
        assert vectorizer.word_vectors_.words == list(gensim_model.wv.index_to_key)
    with pytest.raises(TypeError, match="fit method"):
        EmbeddingVectorizer(gensim_model.wv).fit(docs)
