import math
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from skvec import (
    CooccurrenceVectorizer,
    EmbeddingVectorizer,
    PhraseDetector,
    SPPMITransformer,
    SVDEmbedder,
    Word2VecEmbedder,
    get_word_vectors,
)
from skvec.datasets import load_wiki_sample
from skvec.phrases import ENGLISH_CONNECTOR_WORDS

# Counts: new 3, york 4, is 2, big 2, old 1 (12 tokens); inside documents
# new_york 3, york_is 2, is_big 2, york_new 1, old_york 1; across the two
# document boundaries big_new 1, york_old 1.
HAND_DOCS = [["new", "york", "is", "big"], ["new", "york", "new", "york"], ["old", "york", "is", "big"]]


def _identity(tokens):
    return tokens


# -- scores against a hand-computed example ----------------------------------


def test_word2phrase_scores_by_hand():
    detector = PhraseDetector(min_count=1, threshold=0.1, scoring="word2phrase").fit(HAND_DOCS)
    # (n_ab - min_count) / (n_a * n_b) * n_tokens; pairs of count min_count score 0.
    assert detector.phrases_ == {
        "is_big": (2 - 1) / (2 * 2) * 12,
        "new_york": (3 - 1) / (3 * 4) * 12,
        "york_is": (2 - 1) / (4 * 2) * 12,
    }
    assert detector.n_train_words_ == 12


def test_gensim_scores_by_hand():
    detector = PhraseDetector(min_count=1, threshold=0.1, scoring="gensim").fit(HAND_DOCS)
    n_entries = 5 + 5  # distinct words + distinct pairs inside documents
    assert detector.phrases_ == pytest.approx({
        "is_big": (2 - 1) / (2 * 2) * n_entries,
        "new_york": (3 - 1) / (3 * 4) * n_entries,
        "york_is": (2 - 1) / (4 * 2) * n_entries,
    }, rel=1e-15)
    assert detector.n_candidates_ == 5


def test_npmi_scores_by_hand():
    detector = PhraseDetector(min_count=1, threshold=-1.0, scoring="npmi").fit(HAND_DOCS)

    def npmi(n_a, n_b, n_ab, n=12):
        return math.log((n_ab / n) / ((n_a / n) * (n_b / n))) / -math.log(n_ab / n)

    expected = {"is_big": 1.0, "new_york": math.log(3) / math.log(4), "york_is": math.log(3) / math.log(6),
                "old_york": math.log(3) / math.log(12), "york_new": 0.0}
    assert detector.phrases_ == pytest.approx(expected, abs=1e-12)
    assert expected["new_york"] == pytest.approx(npmi(3, 4, 3))
    assert list(detector.phrases_)[0] == "is_big"


def test_word2phrase_counts_pairs_across_documents_but_never_joins_them():
    docs = [["a", "b"], ["c", "a"], ["b", "d"]]
    # a_b: once inside the first document, once across the second boundary.
    detector = PhraseDetector(min_count=1, threshold=1.0, scoring="word2phrase")
    assert detector.fit_transform(docs) == [["a_b"], ["c", "a"], ["b", "d"]]
    assert detector.phrases_["a_b"] == (2 - 1) / (2 * 2) * 6
    # gensim's counts stop at document boundaries: a_b seen once scores 0.
    assert "a_b" not in PhraseDetector(min_count=1, threshold=0.1, scoring="gensim").fit(docs).phrases_


def test_word2phrase_minimum_counts_and_float32_scores():
    docs = [["x", "y"]] * 3 + [["x", "z"]] * 2
    # x: 5, y: 3, z: 2, x_y: 3, x_z: 2 (10 tokens); y_x 2, z_x 1 across documents.
    detector = PhraseDetector(min_count=3, threshold=1e-6, scoring="word2phrase").fit(docs)
    # z and x_z are seen fewer than min_count times, x_y scores 0.
    assert detector.phrases_ == {}
    detector.set_params(min_count=1).fit(docs)
    # The C tool's float32 arithmetic, left to right: 4/3 rounded to float32.
    score = np.float32(np.float32(np.float32(3 - 1) / np.float32(5)) / np.float32(3)) * np.float32(10)
    assert detector.phrases_["x_y"] == float(score) != (3 - 1) / (5 * 3) * 10
    # Strictly above the threshold.
    detector.set_params(threshold=float(score)).fit(docs)
    assert "x_y" not in detector.phrases_


def _word2phrase_reference(docs, min_count, threshold):
    """The C tool's rules restated in plain Python: counts over the whole stream, float32 scores."""
    stream = [token for doc in docs for token in doc]
    unigrams, pairs = {}, {}
    for i, token in enumerate(stream):
        unigrams[token] = unigrams.get(token, 0) + 1
        if i:
            pairs[stream[i - 1], token] = pairs.get((stream[i - 1], token), 0) + 1

    def score(a, b):
        n_a, n_b, n_ab = unigrams[a], unigrams[b], pairs.get((a, b), 0)
        if min(n_a, n_b, n_ab) < min_count:
            return None
        return np.float32(np.float32(np.float32(n_ab - min_count) / np.float32(n_a)) / np.float32(n_b)) * np.float32(
            len(stream))

    out = []
    for doc in docs:
        tokens, joined_last = [], False
        for i, token in enumerate(doc):
            s = score(doc[i - 1], token) if i and not joined_last else None
            if s is not None and s > np.float32(threshold):
                tokens[-1] = tokens[-1] + "_" + token
                joined_last = True
            else:
                tokens.append(token)
                joined_last = False
        out.append(tokens)
    return out


@settings(max_examples=60, deadline=None)
@given(
    docs=st.lists(st.lists(st.sampled_from("abcde"), max_size=12), min_size=1, max_size=12),
    min_count=st.integers(1, 3),
    threshold=st.sampled_from([0.5, 1.0, 2.0, 4.0]),
)
def test_word2phrase_matches_plain_python_restatement(docs, min_count, threshold):
    detector = PhraseDetector(min_count=min_count, threshold=threshold, scoring="word2phrase")
    expected = _word2phrase_reference(docs, min_count, threshold)
    assert detector.fit_transform(docs) == expected
    assert detector.transform(docs) == expected


# -- connector words -----------------------------------------------------------


CONNECTOR_DOCS = [
    "the bank of america said", "a loan from the bank of america", "bank of england rates",
    "the bank of america and the bank of england", "river bank erosion", "of america",
] * 3


def test_connector_words_inside_phrases_only():
    detector = PhraseDetector(min_count=2, threshold=0.1, scoring="gensim", connector_words="english")
    out = detector.fit_transform(CONNECTOR_DOCS)
    assert "bank_of_america" in detector.phrases_
    assert "bank_of_england" in detector.phrases_
    # A connector never starts nor ends a phrase.
    for phrase in detector.phrases_:
        words = phrase.split("_")
        assert words[0] not in ENGLISH_CONNECTOR_WORDS and words[-1] not in ENGLISH_CONNECTOR_WORDS
    assert out[0] == ["the", "bank_of_america", "said"]
    assert out[3] == ["the", "bank_of_america", "and", "the", "bank_of_england"]
    assert out[5] == ["of", "america"]
    # Connector words are not counted: words bank, america, said, loan, england,
    # rates, river, erosion; pairs bank-of-america, america-said, loan-from-the-bank,
    # bank-of-england, england-rates, america-and-the-bank, river-bank, bank-erosion.
    assert detector.n_candidates_ == 8
    n_bank, n_america, n_pair = 6 * 3, 4 * 3, 3 * 3
    assert detector.phrases_["bank_of_america"] == pytest.approx((n_pair - 2) / (n_bank * n_america) * (8 + 8))


def test_connector_words_as_collection_and_unseen_at_fit():
    detector = PhraseDetector(min_count=2, threshold=0.1, scoring="gensim", connector_words={"of", "zz"})
    detector.fit(CONNECTOR_DOCS)
    assert "bank_of_america" in detector.phrases_
    # "zz" never occurred in training, but still cannot end a candidate.
    assert detector.transform([["bank", "of", "america"], ["bank", "zz", "of", "america"]]) == [
        ["bank_of_america"], ["bank", "zz", "of", "america"]]


def test_same_as_gensim_with_connectors_on_small_corpus():
    phrases = pytest.importorskip("gensim.models.phrases")
    tokens = [doc.split() for doc in CONNECTOR_DOCS]
    reference = phrases.Phrases(tokens, min_count=2, threshold=0.1, connector_words=ENGLISH_CONNECTOR_WORDS)
    detector = PhraseDetector(min_count=2, threshold=0.1, scoring="gensim", connector_words="english").fit(tokens)
    assert detector.phrases_ == reference.export_phrases()
    frozen = reference.freeze()
    assert detector.transform(tokens) == [frozen[doc] for doc in tokens]


# -- trigrams, degenerate corpora ----------------------------------------------


def _phrase_corpus(n_docs=600, seed=0, planted=(("new", "york"), ("prime", "minister"), ("los", "angeles"))):
    """Documents of random filler words, each planted phrase inserted in half of them."""
    rng = np.random.default_rng(seed)
    filler = [f"w{i}" for i in range(60)]
    docs = []
    for _ in range(n_docs):
        units = [(word,) for word in rng.choice(filler, size=12)]
        units += [phrase for phrase in planted if rng.random() < 0.5]
        docs.append(" ".join(word for unit in rng.permutation(np.array(units, dtype=object)) for word in unit))
    return docs


def test_two_detectors_give_trigrams():
    docs = _phrase_corpus(planted=(("new", "york", "times"), ("new", "york"), ("prime", "minister")))
    pipeline = make_pipeline(PhraseDetector(min_count=5, threshold=2.0, scoring="gensim"),
                             PhraseDetector(min_count=5, threshold=2.0, scoring="gensim"))
    out = pipeline.fit_transform(docs)
    first, second = pipeline.steps[0][1], pipeline.steps[1][1]
    # york_times scores too, but "new york" comes first, left to right.
    assert set(first.phrases_) == {"new_york", "york_times", "prime_minister"}
    assert first.transform(["new york times"]) == [["new_york", "times"]]
    assert set(second.phrases_) == {"new_york_times"}
    tokens = {token for doc in out for token in doc}
    assert {"new_york_times", "new_york", "prime_minister"} <= tokens
    assert not {"new", "york", "times"} & tokens
    assert pipeline.transform(["w1 new york times w2 new york"]) == [["w1", "new_york_times", "w2", "new_york"]]


@pytest.mark.parametrize("scoring", ["word2phrase", "gensim", "npmi"])
def test_no_pair_above_threshold_leaves_documents_unchanged(scoring):
    docs = ["alpha beta gamma", "delta", "", "beta alpha"]
    detector = PhraseDetector(min_count=1, threshold=0.99 if scoring == "npmi" else 1e9, scoring=scoring)
    assert detector.fit_transform(docs) == [["alpha", "beta", "gamma"], ["delta"], [], ["beta", "alpha"]]
    assert detector.phrases_ == {}
    assert list(detector.get_feature_names_out()) == []
    assert detector.transform(["Gamma Delta"]) == [["gamma", "delta"]]


def test_degenerate_corpora():
    detector = PhraseDetector(min_count=1, threshold=1.0)
    assert detector.fit_transform(["", "   ", "!!"]) == [[], [], []]
    assert detector.n_train_words_ == 0 and detector.phrases_ == {}
    assert detector.fit_transform([["solo"], ["solo"]]) == [["solo"], ["solo"]]
    with pytest.raises(ValueError, match="empty"):
        PhraseDetector().fit([])


def test_max_vocab_size_prunes_like_gensim():
    phrases = pytest.importorskip("gensim.models.phrases")
    tokens = [doc.split() for doc in load_wiki_sample().data[:2000]]
    for max_vocab_size, connectors in [(20000, frozenset()), (8000, ENGLISH_CONNECTOR_WORDS)]:
        reference = phrases.Phrases(tokens, min_count=3, threshold=5.0, max_vocab_size=max_vocab_size,
                                    connector_words=connectors)
        assert len(reference.vocab) < max_vocab_size  # pruning happened
        detector = PhraseDetector(min_count=3, threshold=5.0, scoring="gensim", max_vocab_size=max_vocab_size,
                                  connector_words=connectors).fit(tokens)
        assert detector.phrases_ == reference.export_phrases()


# -- the same phrases as gensim on the bundled sample --------------------------


@pytest.fixture(scope="module")
def sample_tokens():
    return [doc.split() for doc in load_wiki_sample().data]


@pytest.mark.parametrize("connectors, n_docs", [(frozenset(), None), (ENGLISH_CONNECTOR_WORDS, 12000)])
def test_same_phrases_as_gensim_on_the_sample(sample_tokens, connectors, n_docs):
    phrases = pytest.importorskip("gensim.models.phrases")
    docs = sample_tokens[:n_docs]
    reference = phrases.Phrases(docs, min_count=5, threshold=10.0, connector_words=connectors)
    detector = PhraseDetector(min_count=5, threshold=10.0, scoring="gensim", connector_words=connectors)
    out = detector.fit_transform(docs)
    expected = reference.export_phrases()
    assert len(expected) > 1000
    assert detector.phrases_ == expected
    assert out[:2000] == [reference[doc] for doc in docs[:2000]]

    # npmi on the same counts
    reference.scoring, reference.threshold = phrases.npmi_scorer, 0.5
    detector.set_params(scoring="npmi", threshold=0.5).fit(docs)
    expected = reference.export_phrases()
    assert len(expected) > 1000
    assert detector.phrases_ == expected


def test_fit_transform_equals_fit_then_transform(sample_tokens):
    docs = load_wiki_sample().data[:3000]
    for params in [{"scoring": "word2phrase"}, {"scoring": "gensim", "connector_words": "english"}]:
        detector = PhraseDetector(**params)
        joined = detector.fit_transform(docs)
        assert detector.transform(docs) == joined
        assert sum(token.count("_") for doc in joined for token in doc) > 100


# -- attributes, pickling, parameters -------------------------------------------


def test_feature_names_and_lean_pickle():
    docs = load_wiki_sample().data[:3000]
    detector = PhraseDetector(scoring="gensim").fit(docs)
    names = detector.get_feature_names_out()
    assert list(names) == list(detector.phrases_)
    scores = list(detector.phrases_.values())
    assert scores == sorted(scores, reverse=True)
    restored = pickle.loads(pickle.dumps(detector))
    assert restored.transform(docs[:200]) == detector.transform(docs[:200])
    # Only the phrases and their words are kept, not the corpus vocabulary.
    vocabulary = {token for doc in restored.transform(docs) for token in doc}
    assert len(pickle.dumps(detector)) < len(pickle.dumps(sorted(vocabulary))) / 2


def test_delimiter_and_tokenization():
    docs = ["New York is big", "new york is old"] * 3
    detector = PhraseDetector(min_count=1, threshold=0.5, scoring="gensim", delimiter=" ").fit(docs)
    assert "new york" in detector.phrases_
    assert detector.transform(["NEW YORK"]) == [["new york"]]
    cased = PhraseDetector(min_count=1, threshold=0.5, scoring="gensim", lowercase=False).fit(docs)
    assert cased.transform(["NEW YORK", "New York"]) == [["NEW", "YORK"], ["New_York"]]
    split = PhraseDetector(min_count=1, threshold=0.5, scoring="gensim", tokenizer=str.split).fit(["a-b c"] * 3)
    assert split.transform(["a-b c"]) == [["a-b_c"]]


def _unread_corpus():
    raise AssertionError("the corpus was read before the parameters were checked")
    yield  # pragma: no cover


@pytest.mark.parametrize(
    "params, error, message",
    [
        ({"threshold": 0.0, "scoring": "gensim"}, ValueError, "threshold must be > 0"),
        ({"threshold": -5.0, "scoring": "word2phrase"}, ValueError, "threshold must be > 0"),
        ({"threshold": 1.5, "scoring": "npmi"}, ValueError, r"threshold must be in \[-1, 1\]"),
        ({"threshold": -1.01, "scoring": "npmi"}, ValueError, r"threshold must be in \[-1, 1\]"),
        ({"threshold": float("nan")}, ValueError, "threshold"),
        ({"scoring": "original"}, ValueError, "scoring"),
        ({"min_count": 0}, ValueError, "min_count"),
        ({"max_vocab_size": 0}, ValueError, "max_vocab_size"),
        ({"connector_words": "of the"}, ValueError, "connector_words"),
        ({"connector_words": [1, 2]}, TypeError, "connector_words"),
        ({"delimiter": None}, ValueError, "delimiter"),
        ({"token_pattern": 3}, ValueError, "token_pattern"),
    ],
)
def test_bad_parameters_fail_at_fit_before_reading(params, error, message):
    detector = PhraseDetector(**params)  # __init__ stores, never checks
    with pytest.raises(error, match=message):
        detector.fit(_unread_corpus())


def test_npmi_threshold_bounds_are_allowed():
    for threshold in (-1.0, 1.0):
        PhraseDetector(scoring="npmi", threshold=threshold, min_count=1).fit(HAND_DOCS)


def test_transform_before_fit_and_bad_tokens():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        PhraseDetector().transform(["a b"])
    with pytest.raises(TypeError, match="token"):
        PhraseDetector(min_count=1).fit([["a", 3]])


# -- composition ---------------------------------------------------------------




def test_pipeline_with_word2vec_gives_phrase_vectors():
    docs = _phrase_corpus()
    model = make_pipeline(PhraseDetector(min_count=5, threshold=5.0),
                          Word2VecEmbedder(n_components=8, min_count=5, epochs=1, n_jobs=1, random_state=0))
    model.fit(docs)
    vectors = get_word_vectors(model)
    for phrase in ("new_york", "prime_minister", "los_angeles"):
        assert phrase in vectors
    assert "york" not in vectors  # every "york" was joined


def test_pipeline_with_count_model_and_embedding_vectorizer():
    docs = _phrase_corpus()
    word_model = make_pipeline(PhraseDetector(min_count=5, threshold=5.0), CooccurrenceVectorizer(window=2),
                               SPPMITransformer(), SVDEmbedder(n_components=4, random_state=0))
    vectors = get_word_vectors(word_model.fit(docs))
    assert "prime_minister" in vectors
    vectorizer = EmbeddingVectorizer(word_model, standardize=False).fit(docs)
    assert "los_angeles" in vectorizer.word_vectors_
    # A document made only of a phrase gets that phrase's vector.
    X = vectorizer.transform(["los angeles", "unknownword"])
    expected = vectorizer.word_vectors_["los_angeles"]
    np.testing.assert_allclose(X[0], expected / np.linalg.norm(expected), rtol=1e-5)
    assert not X[1].any()


def test_before_tfidf_in_a_classifier():
    docs = _phrase_corpus(200)
    labels = np.array(["prime minister" in doc for doc in docs])
    classifier = make_pipeline(PhraseDetector(min_count=5, threshold=5.0),
                               TfidfVectorizer(analyzer=_identity), LogisticRegression(C=100.0))
    classifier.fit(docs, labels)
    vocabulary = classifier.steps[1][1].vocabulary_
    assert classifier.steps[2][1].coef_[0].argmax() == vocabulary["prime_minister"]
    assert classifier.score(docs, labels) == 1.0


# -- command line ----------------------------------------------------------------


@pytest.fixture(scope="module")
def phrase_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("phrases") / "corpus.txt"
    path.write_text("\n".join(_phrase_corpus()) + "\n", encoding="utf-8")
    return path


def test_cli_phrases_rewrites_a_corpus(phrase_file, tmp_path, capsys):
    from skvec.cli import main

    out = tmp_path / "joined.txt.gz"
    assert main(["phrases", "--corpus", str(phrase_file), "--out", str(out), "--param", "threshold=5.0"]) == 0
    assert "3 phrases learned" in capsys.readouterr().out
    from skvec._io import open_file

    with open_file(out, "rt", encoding="utf-8") as f:
        written = [line.split() for line in f.read().splitlines()]
    expected = PhraseDetector(threshold=5.0).fit_transform(phrase_file.read_text(encoding="utf-8").splitlines())
    assert written == expected
    assert sum(doc.count("new_york") for doc in written) > 100


def test_cli_phrases_errors(phrase_file, tmp_path, capsys):
    from skvec.cli import main

    assert main(["phrases", "--corpus", str(phrase_file), "--param", "thresold=5"]) == 2
    assert "did you mean 'threshold'" in capsys.readouterr().err
    out = str(tmp_path / "o.txt")
    # A value the detector rejects is refused before the corpus is read, as a malformed parameter.
    assert main(["phrases", "--corpus", str(phrase_file), "--out", out, "--param", "threshold=-1"]) == 2
    assert "threshold must be > 0" in capsys.readouterr().err
    assert main(["phrases", "--corpus", str(tmp_path / "missing.txt")]) == 1


def test_cli_train_with_phrases(phrase_file, tmp_path):
    from skvec.cli import main
    from skvec.vectors import WordVectors

    out = tmp_path / "vectors.txt"
    params = ["n_components=8", "epochs=1", "n_jobs=1", "random_state=0", "phrasedetector__threshold=5.0"]
    args = ["train", "word2vec", "--phrases", "--corpus", str(phrase_file), "--out", str(out)]
    assert main(args + [arg for value in params for arg in ("--param", value)]) == 0
    vectors = WordVectors.load_word2vec_format(out)
    assert "prime_minister" in vectors and "prime" not in vectors


# -- scikit-learn's estimator contracts --------------------------------------------


@pytest.mark.parametrize("params", [{}, {"scoring": "npmi", "connector_words": "english", "max_vocab_size": 100}])
def test_data_free_estimator_checks(params):
    from sklearn.base import clone
    from sklearn.utils import estimator_checks as checks

    estimator = PhraseDetector(**params)
    for check in (checks.check_estimator_cloneable, checks.check_estimator_tags_renamed,
                  checks.check_valid_tag_types, checks.check_estimator_repr,
                  checks.check_no_attributes_set_in_init, checks.check_parameters_default_constructible,
                  checks.check_get_params_invariance, checks.check_set_params,
                  checks.check_do_not_raise_errors_in_init_or_set_params, checks.check_mixin_order,
                  checks.check_param_validation):
        check("PhraseDetector", clone(estimator))


def test_fit_contracts():
    from sklearn.base import clone

    docs = _phrase_corpus(100)
    detector = PhraseDetector(threshold=5.0, connector_words={"w1"})
    before = detector.get_params(deep=False)
    assert detector.fit(docs) is detector
    assert detector.get_params(deep=False) == before
    first = detector.fit_transform(docs)
    assert detector.fit_transform(docs) == first
    assert clone(detector).fit_transform(tuple(docs)) == first
    assert clone(detector).fit_transform(doc for doc in docs) == first
    assert clone(detector).fit(docs).transform(doc for doc in docs) == first


# -- bad input: parameters (checked before the corpus is read) ---------------------------------

from corpora import UnreadableCorpus, raises  # noqa: E402


@pytest.mark.parametrize(
    "params, exception, name",
    [
        ({"min_count": 0}, ValueError, "min_count"),
        ({"threshold": float("nan")}, ValueError, "threshold"),
        ({"threshold": 2.0, "scoring": "npmi"}, ValueError, "threshold"),
        ({"threshold": -1.0}, ValueError, "threshold"),
        ({"scoring": "pmi"}, ValueError, "scoring"),
        ({"delimiter": 0}, TypeError, "delimiter"),
        ({"connector_words": "french"}, ValueError, "connector_words"),
        ({"connector_words": [1, 2]}, TypeError, "connector_words"),
        ({"max_vocab_size": 0}, ValueError, "max_vocab_size"),
        ({"lowercase": 1.0}, TypeError, "lowercase"),
    ],
)
def test_phrase_detector_parameters(params, exception, name):
    with raises(exception, name):
        PhraseDetector(**params).fit(UnreadableCorpus())
