"""analogy_accuracy, word_similarity, make_analogy_scorer and WholeCorpusSplit."""

import warnings

import gensim.models as gensim_models
import numpy as np
import pytest
import scipy.sparse as sp
from scipy.stats import spearmanr
from sklearn.base import BaseEstimator
from sklearn.decomposition import TruncatedSVD
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline, make_pipeline

from corpora import FEMALE, MALE, PLURAL, SINGULAR, gender_number_sentences
from skvec import WholeCorpusSplit, WordVectors, analogy_accuracy, make_analogy_scorer, word_similarity
from skvec.cooccurrence import CooccurrenceVectorizer

# -- a planted set: "female = male + gender", "plural = singular + number" ------


def planted_vectors(noise=0.0, seed=0, extra=0):
    rng = np.random.default_rng(seed)
    d = 40
    gender, number = rng.standard_normal(d), rng.standard_normal(d)
    words, vectors = [], []
    for base, derived, offset in ((MALE, FEMALE, gender), (SINGULAR, PLURAL, number)):
        for a, b in zip(base, derived):
            v = rng.standard_normal(d)
            words += [a, b]
            vectors += [v, v + offset + noise * rng.standard_normal(d)]
    for i in range(extra):
        words.append(f"filler{i}")
        vectors.append(rng.standard_normal(d))
    return WordVectors(words, np.array(vectors))


def pair_questions(base, derived):
    return [
        (base[i], derived[i], base[j], derived[j])
        for i in range(len(base))
        for j in range(len(base))
        if i != j
    ]


PLANTED_QUESTIONS = {
    "family": pair_questions(MALE, FEMALE),
    "gram8-plural": pair_questions(SINGULAR, PLURAL),
}


@pytest.mark.parametrize("method", ["3cosadd", "3cosmul"])
def test_planted_answers_are_found(method):
    result = analogy_accuracy(planted_vectors(), PLANTED_QUESTIONS, method=method)
    n_family, n_plural = 30, 20
    assert result.overall.total == result.overall.evaluated == result.correct == n_family + n_plural
    assert result.accuracy == 1.0 and result.coverage == 1.0
    assert result.semantic.total == n_family and result.syntactic.total == n_plural
    assert result.sections["family"].correct == n_family
    assert result.sections["gram8-plural"].accuracy == 1.0


def test_answer_excludes_the_question_words():
    # b - a + c is closest to c itself here; the answer must be the next best.
    wv = WordVectors(["a", "b", "c", "d", "e"],
                     np.array([[1, 0, 0], [1, 0.1, 0], [0, 0, 1], [0, 0.3, 1], [0, -1, 0]], dtype=float))
    result = analogy_accuracy(wv, [("a", "b", "c", "d")])
    assert result.correct == 1


def test_oov_restrict_vocab_and_coverage():
    wv = planted_vectors()
    questions = {"family": [("king", "queen", "man", "woman"),
                            ("king", "queen", "man", "unicorn"),
                            ("father", "mother", "uncle", "aunt")]}
    skip = analogy_accuracy(wv, questions)
    assert (skip.correct, skip.evaluated, skip.overall.in_scope, skip.overall.total) == (2, 2, 2, 3)
    assert skip.coverage == pytest.approx(2 / 3)
    wrong = analogy_accuracy(wv, questions, oov="wrong")
    assert (wrong.correct, wrong.evaluated) == (2, 3)
    assert wrong.accuracy == pytest.approx(2 / 3) and wrong.coverage == pytest.approx(2 / 3)
    # "father", "mother", "uncle", "aunt" are rows 10, 11, 8, 9: outside the first 10
    restricted = analogy_accuracy(wv, questions, restrict_vocab=10)
    assert (restricted.correct, restricted.evaluated) == (1, 1)


def test_restrict_vocab_limits_the_candidates():
    wv = WordVectors(["a", "b", "c", "d", "best"],
                     np.array([[1, 0, 0], [1, 1, 0], [0, 0, 1], [0, 0.5, 1], [0, 0.7, 1]], dtype=float))
    # the best answer "best" is outside the candidates with restrict_vocab=4
    assert analogy_accuracy(wv, [("a", "b", "c", "best")], restrict_vocab=None).correct == 1
    assert analogy_accuracy(wv, [("a", "b", "c", "d")], restrict_vocab=None).correct == 0
    assert analogy_accuracy(wv, [("a", "b", "c", "d")], restrict_vocab=4).correct == 1


def test_case_insensitive_uses_the_first_variant():
    base = planted_vectors()
    rng = np.random.default_rng(1)
    # "King" after "king": a variant with an unrelated vector, which must not be used.
    words = base.words + ["King", "QUEEN"]
    vectors = np.vstack([base.vectors, rng.standard_normal((2, base.vector_size))])
    wv = WordVectors(words, vectors)
    questions = [("MAN", "Woman", "King", "Queen"), ("man", "woman", "king", "queen")]
    assert analogy_accuracy(wv, questions).correct == 2
    strict = analogy_accuracy(wv, questions, case_insensitive=False)
    assert (strict.correct, strict.overall.in_scope) == (1, 1)


def test_sparse_and_blocked_scoring_agree_with_dense():
    wv = planted_vectors(noise=1.5, extra=200)
    sparse_wv = WordVectors(wv.words, sp.csr_matrix(np.where(np.abs(wv.vectors) > 0.3, wv.vectors, 0)))
    dense_of_sparse = WordVectors(wv.words, sparse_wv.vectors.toarray())
    for method in ("3cosadd", "3cosmul"):
        reference = analogy_accuracy(wv, PLANTED_QUESTIONS, method=method)
        assert 0 < reference.correct < reference.evaluated  # a non-trivial case
        blocked = analogy_accuracy(wv, PLANTED_QUESTIONS, method=method, batch_size=7, n_jobs=1)
        assert blocked.to_dict() == reference.to_dict()
        assert (analogy_accuracy(sparse_wv, PLANTED_QUESTIONS, method=method).to_dict()
                == analogy_accuracy(dense_of_sparse, PLANTED_QUESTIONS, method=method).to_dict())


def brute_force(wv, questions, method, restrict):
    """Plain statement of the protocol, one question at a time (case-insensitive)."""
    words = [w.lower() for w in wv.words[:restrict]]
    first = {}
    for row, word in enumerate(words):
        first.setdefault(word, row)
    unit = wv.vectors[:restrict] / np.linalg.norm(wv.vectors[:restrict], axis=1, keepdims=True)
    correct = evaluated = 0
    for question in questions:
        q = [w.lower() for w in question]
        if not all(w in first for w in q):
            continue
        evaluated += 1
        a, b, c = (unit[first[w]].astype(np.float64) for w in q[:3])
        cos = unit.astype(np.float64) @ np.array([a, b, c]).T
        if method == "3cosadd":
            scores = cos[:, 1] - cos[:, 0] + cos[:, 2]
        else:
            shifted = (cos + 1) / 2
            scores = shifted[:, 1] * shifted[:, 2] / (shifted[:, 0] + 1e-3)
        banned = [row for row, word in enumerate(words) if word in q[:3]]
        scores[banned] = -np.inf
        correct += words[int(np.argmax(scores))] == q[3]
    return correct, evaluated


def random_vocabulary(n_words=300, d=12, seed=0):
    """Random vectors, with case variants and a planted offset for half of the pairs."""
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(n_words)]
    for i in range(0, n_words, 23):  # case variants, later in the vocabulary
        words[min(i + 5, n_words - 1)] = words[i].upper()
    words = list(dict.fromkeys(words))
    vectors = rng.standard_normal((len(words), d))
    offset = rng.standard_normal(d)
    for i in range(0, len(words) - 1, 4):
        vectors[i + 1] = vectors[i] + offset + 0.7 * rng.standard_normal(d)
    return WordVectors(words, vectors)


def random_questions(wv, n=400, seed=1):
    rng = np.random.default_rng(seed)
    pairs = [(wv.words[i], wv.words[i + 1]) for i in range(0, len(wv) - 1, 4)]
    questions = {"capital-ish": [], "gram-ish": []}
    for k in range(n):
        (a, b), (c, d) = (pairs[i] for i in rng.choice(len(pairs), 2, replace=False))
        if k % 7 == 0:
            d = "missing"
        if k % 5 == 0:
            a, c = a.upper(), c.capitalize()
        questions["capital-ish" if k % 2 else "gram-ish"].append((a, b, c, d))
    return questions


@pytest.mark.parametrize("method", ["3cosadd", "3cosmul"])
@pytest.mark.parametrize("restrict", [None, 150])
def test_matches_brute_force(method, restrict):
    wv = random_vocabulary()
    questions = random_questions(wv)
    result = analogy_accuracy(wv, questions, method=method, restrict_vocab=restrict)
    all_questions = questions["capital-ish"] + questions["gram-ish"]
    expected = brute_force(wv, all_questions, method, restrict or len(wv))
    assert (result.correct, result.evaluated) == expected
    assert 0 < result.correct < result.evaluated


@pytest.mark.parametrize("case_insensitive", [True, False])
@pytest.mark.parametrize("restrict", [300000, 150])
def test_counts_equal_gensim(tmp_path, case_insensitive, restrict):
    wv = random_vocabulary()
    questions = random_questions(wv)
    path = tmp_path / "questions.txt"
    with open(path, "w") as f:
        for name, items in questions.items():
            f.write(f": {name}\n")
            f.writelines(" ".join(q) + "\n" for q in items)
    kv = gensim_models.KeyedVectors(wv.vector_size)
    kv.add_vectors(wv.words, wv.vectors)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, sections = kv.evaluate_word_analogies(str(path), restrict_vocab=restrict,
                                                 case_insensitive=case_insensitive)
    ours = analogy_accuracy(wv, path, restrict_vocab=restrict, case_insensitive=case_insensitive)
    for section in sections[:-1]:
        mine = ours.sections[section["section"]]
        assert (mine.correct, mine.evaluated) == (len(section["correct"]),
                                                 len(section["correct"]) + len(section["incorrect"]))
    assert ours.correct == len(sections[-1]["correct"]) > 0


def test_result_table_and_dict():
    result = analogy_accuracy(planted_vectors(), PLANTED_QUESTIONS)
    table = result.table()
    assert "family" in table and "gram8-plural" in table and "semantic" in table and "overall" in table
    assert str(result) == table
    as_dict = result.to_dict()
    assert as_dict["overall"]["correct"] == 50 and as_dict["sections"]["family"]["total"] == 30
    assert as_dict["method"] == "3cosadd" and as_dict["restrict_vocab"] == 30000


def test_default_questions_are_the_google_set():
    wv = planted_vectors()
    result = analogy_accuracy(wv)
    assert result.overall.total == 19544 and len(result.sections) == 14
    assert result.semantic.total == 8869 and result.syntactic.total == 10675
    assert result.sections["family"].in_scope > 0


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"method": "3cosmax"}, "method must be one of '3cosadd', '3cosmul'"),
        ({"oov": "ignore"}, "oov must be one of"),
        ({"restrict_vocab": 0}, "restrict_vocab"),
        ({"batch_size": 0}, "batch_size"),
    ],
)
def test_bad_parameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        analogy_accuracy(planted_vectors(), PLANTED_QUESTIONS, **kwargs)


def test_bad_questions():
    with pytest.raises(ValueError, match="4 words"):
        analogy_accuracy(planted_vectors(), [("king", "queen", "man")])
    with pytest.raises(ValueError, match="no analogy question"):
        analogy_accuracy(planted_vectors(), {"empty": []})


def test_nothing_in_scope_gives_zero_accuracy():
    result = analogy_accuracy(planted_vectors(), [("x", "y", "z", "w")])
    assert (result.accuracy, result.coverage, result.evaluated) == (0.0, 0.0, 0)


# -- word similarity ---------------------------------------------------------------


def test_word_similarity_known_case(tmp_path):
    wv = WordVectors(["cat", "dog", "car", "Tiger"],
                     np.array([[1.0, 0.1], [0.9, 0.3], [0.0, 1.0], [1.0, 0.0]]))
    pairs = [("cat", "dog", 8.0), ("cat", "car", 1.0), ("dog", "car", 2.0), ("tiger", "cat", 9.0),
             ("cat", "unicorn", 3.0)]
    result = word_similarity(wv, pairs)
    assert result["n_pairs"] == 5 and result["n_evaluated"] == 4 and result["coverage"] == 0.8
    model = [wv.similarity(a, b) for a, b in [("cat", "dog"), ("cat", "car"), ("dog", "car"), ("Tiger", "cat")]]
    assert result["spearman"] == pytest.approx(spearmanr(model, [8, 1, 2, 9]).statistic)
    assert result["spearman"] == pytest.approx(1.0)
    path = tmp_path / "pairs.txt"
    path.write_text("# a comment\n" + "".join(f"{a}\t{b}\t{s}\n" for a, b, s in pairs))
    assert word_similarity(wv, path) == result
    strict = word_similarity(wv, pairs, case_insensitive=False)
    assert strict["n_evaluated"] == 3
    few = word_similarity(wv, [("cat", "dog", 1.0)])
    assert np.isnan(few["spearman"]) and few["coverage"] == 1.0


# -- scorer, grid search, whole-corpus split ---------------------------------------


class NoisyPlanted(BaseEstimator):
    """A toy word-plane embedder: the planted vectors with `noise` added."""

    def __init__(self, noise=0.0):
        self.noise = noise

    def fit(self, X, y=None):
        self.n_documents_ = len(X)
        wv = planted_vectors(noise=self.noise, extra=30)
        self.vocabulary_ = wv.index
        self.embedding_ = wv.vectors
        return self


def test_whole_corpus_split():
    cv = WholeCorpusSplit()
    docs = ["a", "b", "c", "d"]
    splits = list(cv.split(docs))
    assert cv.get_n_splits(docs) == 1 and len(splits) == 1
    np.testing.assert_array_equal(splits[0][0], np.arange(4))
    np.testing.assert_array_equal(splits[0][1], np.arange(4))
    assert repr(cv) == "WholeCorpusSplit()"


def test_scorer_in_grid_search():
    docs = [f"doc {i}" for i in range(12)]
    scorer = make_analogy_scorer(PLANTED_QUESTIONS, restrict_vocab=None)
    search = GridSearchCV(NoisyPlanted(), {"noise": [4.0, 0.0, 2.0]}, scoring=scorer, cv=WholeCorpusSplit())
    search.fit(docs)
    assert search.best_params_ == {"noise": 0.0}
    scores = search.cv_results_["mean_test_score"]
    assert scores[1] == 1.0 and scores[0] < 1.0 and scores[2] < 1.0
    assert search.best_estimator_.n_documents_ == 12  # trained on the whole corpus
    assert "make_analogy_scorer" in repr(scorer)


def test_scorer_passes_X_to_pipelines_that_need_it():
    class Counter(BaseEstimator):
        def fit(self, X, y=None):
            self.vocabulary_ = {w: i for i, w in enumerate(dict.fromkeys(" ".join(X).split()))}
            return self

        def transform(self, X):
            n = len(self.vocabulary_)
            matrix = np.eye(n)
            for doc in X:
                ids = [self.vocabulary_[w] for w in doc.split()]
                for i, j in zip(ids, ids[1:]):
                    matrix[i, j] += 1
                    matrix[j, i] += 1
            return matrix

    docs = ["king queen man woman", "man woman boy girl", "king man queen woman"] * 3
    pipeline = make_pipeline(Counter(), TruncatedSVD(3, random_state=0))
    scorer = make_analogy_scorer([("man", "woman", "king", "queen"), ("boy", "girl", "man", "woman")])
    score = scorer(pipeline.fit(docs), docs)
    assert 0.0 <= score <= 1.0
    with pytest.warns(UserWarning, match="No analogy question is in scope"):
        assert make_analogy_scorer([("x", "y", "z", "w")])(pipeline, docs) == 0.0


def test_make_analogy_scorer_validates_early():
    with pytest.raises(ValueError, match="method"):
        make_analogy_scorer(method="cos")
    with pytest.raises(ValueError, match="4 words"):
        make_analogy_scorer([("a", "b")])


COUNTED = []


class CountingVectorizer(CooccurrenceVectorizer):
    """Records the size of each corpus it counts (module level, so joblib can hash it)."""

    def fit_transform(self, X, y=None):
        COUNTED.append(len(X))
        return super().fit_transform(X, y)


@pytest.mark.slow
def test_grid_search_over_a_cached_count_pipeline(tmp_path):
    from skvec import SPPMITransformer, SVDEmbedder
    from skvec.datasets import LineCorpus

    COUNTED.clear()
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(gender_number_sentences()) + "\n")
    corpus = LineCorpus(path)
    pipeline = Pipeline(
        [
            ("cooccurrencevectorizer", CountingVectorizer(window=3, min_count=1)),
            ("sppmitransformer", SPPMITransformer()),
            ("svdembedder", SVDEmbedder(random_state=0)),
        ],
        memory=str(tmp_path / "cache"),
    )
    grid = {"sppmitransformer__shift": [1, 5], "svdembedder__n_components": [4, 8]}
    scorer = make_analogy_scorer(PLANTED_QUESTIONS)
    search = GridSearchCV(pipeline, grid, scoring=scorer, cv=WholeCorpusSplit()).fit(corpus)
    assert COUNTED == [600]  # four candidates and the refit share one count
    scores = search.cv_results_["mean_test_score"]
    assert len(scores) == 4 and np.all((0 <= scores) & (scores <= 1))
    assert search.best_score_ == scores.max() > 0
    assert search.best_params_ == search.cv_results_["params"][int(np.argmax(scores))]
    # the same search in two processes gives the same scores
    pipeline.steps[0] = ("cooccurrencevectorizer", CooccurrenceVectorizer(window=3, min_count=1))
    pipeline.memory = str(tmp_path / "cache2")
    parallel = GridSearchCV(pipeline, grid, scoring=scorer, cv=WholeCorpusSplit(), n_jobs=2).fit(corpus)
    np.testing.assert_allclose(parallel.cv_results_["mean_test_score"], scores)


def test_word_similarity_counts_unknown_pairs_as_zero_on_request():
    wv = WordVectors(["cat", "dog", "car"], np.array([[1.0, 0.1], [0.9, 0.3], [0.0, 1.0]]))
    pairs = [("cat", "dog", 8.0), ("cat", "car", 1.0), ("dog", "car", 2.0), ("cat", "unicorn", 3.0)]
    skipped = word_similarity(wv, pairs)
    zero = word_similarity(wv, pairs, oov="zero")
    assert skipped["n_evaluated"] == 3 and zero["n_evaluated"] == 4
    assert skipped["coverage"] == zero["coverage"] == 0.75
    # cosines 0.98, 0.10, 0.32 and 0 for the unknown pair, against 8, 1, 2, 3
    assert zero["spearman"] == pytest.approx(0.4)
    with pytest.raises(ValueError, match="oov"):
        word_similarity(wv, pairs, oov="drop")


# -- bad input: questions, arguments, zero vectors ---------------------------------------------

from corpora import raises  # noqa: E402


def analogy_vectors():
    words = ["king", "queen", "man", "woman", "apple"]
    vectors = np.array([[1.0, 1.0, 0.1], [1.0, -1.0, 0.1], [0.2, 1.0, 0.0], [0.2, -1.0, 0.0], [0.0, 0.0, 1.0]])
    return WordVectors(words, vectors)


@pytest.mark.parametrize(
    "questions, fragment",
    [
        ([("man", 1, "king", "queen")], "holds 1 (int)"),
        ([("man", "woman", None, "queen")], "holds None"),
        ({"family": [("man", "woman", "king", b"queen")]}, "section 'family'"),
    ],
)
def test_analogy_question_words_must_be_strings(questions, fragment):
    with raises(TypeError, fragment, "strings"):
        analogy_accuracy(analogy_vectors(), questions)


def test_analogy_question_of_the_wrong_length():
    with raises(ValueError, "4 words"):
        analogy_accuracy(analogy_vectors(), [("man", "woman", "king")])


def test_word_similarity_words_must_be_strings():
    with raises(TypeError, "not a string"):
        word_similarity(analogy_vectors(), [("man", 3, 1.0), ("king", "queen", 2.0)])


def test_zero_vectors_score_no_analogy_point_through_ties():
    # All cosines with a zero vector are 0, so every candidate ties; the most
    # frequent word ("d", row 0) used to win and be counted right.
    words = ["d", "a", "b", "c", "e"]
    vectors = np.zeros((5, 3))
    vectors[4] = [1.0, 0.0, 0.0]
    result = analogy_accuracy(WordVectors(words, vectors), [("a", "b", "c", "d")])
    assert result.overall.in_scope == 0 and result.overall.correct == 0


def test_zero_vectors_are_not_answers():
    words = ["zero", "man", "woman", "king", "queen"]
    vectors = np.array([[0.0, 0.0, 0.0], [0.2, 1.0, 0.0], [0.2, -1.0, 0.0], [1.0, 1.0, 0.1], [1.0, -1.0, 0.1]])
    result = analogy_accuracy(WordVectors(words, vectors), [("man", "woman", "king", "queen")])
    assert (result.overall.in_scope, result.overall.correct) == (1, 1)


@pytest.mark.parametrize(
    "kwargs, exception, fragment",
    [
        ({"method": "3cosmax"}, ValueError, "method"),
        ({"oov": "ignore"}, ValueError, "oov"),
        ({"restrict_vocab": 0}, ValueError, "restrict_vocab"),
        ({"batch_size": -1}, ValueError, "batch_size"),
        ({"restrict_vocab": 2.5}, TypeError, "restrict_vocab"),
    ],
)
def test_analogy_accuracy_arguments(kwargs, exception, fragment):
    with raises(exception, fragment):
        analogy_accuracy(analogy_vectors(), [("man", "woman", "king", "queen")], **kwargs)


def test_analogy_scorer_checks_its_questions_when_made():
    with raises(ValueError, "4 words"):
        make_analogy_scorer([("a", "b")])
