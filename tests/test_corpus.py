import gzip

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpora import reference_encoding
from skvec._corpus import (
    DEFAULT_TOKEN_PATTERN,
    encode_corpus,
    encode_with_vocabulary,
    make_analyzer,
    vocabulary_dict,
)


def split_docs(encoded):
    return [encoded.ids[a:b].tolist() for a, b in zip(encoded.offsets[:-1], encoded.offsets[1:])]


def test_order_is_count_then_first_occurrence():
    docs = ["b a c", "a b d", "c e"]
    enc = encode_corpus(docs)
    # a, b, c occur twice (first seen: b, a, c); d, e once (d first).
    assert enc.words == ["b", "a", "c", "d", "e"]
    assert enc.counts.tolist() == [2, 2, 2, 1, 1]
    assert enc.ids.dtype == np.int32 and enc.offsets.dtype == np.int64
    assert split_docs(enc) == [[0, 1, 2], [1, 0, 3], [2, 4]]
    assert enc.n_tokens == 8


def test_min_count_drops_tokens_before_windowing():
    enc = encode_corpus(["x rare y", "x y"], min_count=2)
    assert enc.words == ["x", "y"]
    # "rare" is removed from the flat array, so x and y become adjacent.
    assert split_docs(enc) == [[0, 1], [0, 1]]
    assert enc.n_tokens == 5


def test_max_vocab_size_keeps_most_frequent():
    enc = encode_corpus(["a a a b b c", "c d"], max_vocab_size=2)
    assert enc.words == ["a", "b"]  # c ties with b on count but comes later
    assert enc.counts.tolist() == [3, 2]


def test_empty_documents_keep_their_place():
    enc = encode_corpus(["a b", "", "zzz", "b a"], min_count=2)
    assert enc.n_docs == 4
    assert enc.words == ["a", "b"]
    assert split_docs(enc) == [[0, 1], [], [], [1, 0]]


def test_tokenization_parameters():
    assert encode_corpus(["The cat, THE dog."]).words == ["the", "cat", "dog"]
    assert encode_corpus(["The the"], lowercase=False).words == ["The", "the"]
    assert encode_corpus(["a-b c"], token_pattern=r"[^ ]+").words == ["a-b", "c"]
    assert encode_corpus(["A;B;a"], tokenizer=lambda s: s.split(";")).words == ["a", "b"]
    # Token sequences are taken as they are: no lowercasing, no splitting.
    assert encode_corpus([["New York", "NY"], ("NY",)]).words == ["NY", "New York"]
    assert encode_corpus([np.array(["u", "v"])]).words == ["u", "v"]


def test_default_pattern_keeps_single_characters():
    analyzer = make_analyzer(True, DEFAULT_TOKEN_PATTERN, None)
    assert analyzer("A b 1 x2 é!") == ["a", "b", "1", "x2", "é"]


def test_generator_corpus_is_read_once():
    enc = encode_corpus(line for line in ["a b", "b"])
    assert enc.words == ["b", "a"]


def test_fixed_vocabulary():
    enc = encode_corpus(["a b c a", "z"], vocabulary=["c", "a", "never"])
    assert enc.words == ["c", "a", "never"]
    assert enc.counts.tolist() == [1, 2, 0]
    assert split_docs(enc) == [[1, 0, 1], []]
    enc = encode_corpus(["a b"], vocabulary={"b": 0, "a": 1})
    assert enc.words == ["b", "a"]


def test_encode_with_vocabulary():
    ids, offsets = encode_with_vocabulary(["a q b", "b b"], vocabulary_dict(["b", "a"]))
    assert ids.tolist() == [1, 0, 0, 0]
    assert offsets.tolist() == [0, 2, 4]


@pytest.mark.parametrize(
    "docs, error, match",
    [
        ([], ValueError, "empty"),
        ("a single string", TypeError, "single str"),
        (["ok", 3], TypeError, "Document 1"),
        ([b"bytes"], TypeError, "bytes"),
        ([[1, 2]], TypeError, "tokens must be strings"),
        (5, TypeError, "iterable"),
        (["", "  "], ValueError, "no token"),
    ],
)
def test_bad_corpus(docs, error, match):
    with pytest.raises(error, match=match):
        encode_corpus(docs)


def test_no_word_reaches_min_count():
    with pytest.raises(ValueError, match="min_count=5"):
        encode_corpus(["a b c"], min_count=5)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"token_pattern": "("}, ValueError, "token_pattern"),
        ({"token_pattern": "(a)(b)"}, ValueError, "token_pattern"),
        ({"tokenizer": "split"}, TypeError, "tokenizer"),
        ({"lowercase": "yes"}, TypeError, "lowercase"),
        ({"vocabulary": ["a", "a"]}, ValueError, "repeated"),
        ({"vocabulary": {"a": 0, "b": 0}}, ValueError, "same row"),
        ({"vocabulary": {"a": 3}}, ValueError, "distinct row"),
        ({"vocabulary": []}, ValueError, "empty"),
        ({"vocabulary": "abc"}, TypeError, "vocabulary"),
    ],
)
def test_bad_parameters(kwargs, error, match):
    with pytest.raises(error, match=match):
        encode_corpus(["a b"], **kwargs)


def test_gzip_lines_round_trip(tmp_path):
    path = tmp_path / "c.txt.gz"
    with gzip.open(path, "wt") as f:
        f.write("a b\nb c\n")
    with gzip.open(path, "rt") as f:
        enc = encode_corpus(f)
    assert enc.words == ["b", "a", "c"]


words = st.sampled_from(list("abcdefghij"))


@settings(max_examples=60, deadline=None)
@given(
    docs=st.lists(st.lists(words, max_size=12), min_size=1, max_size=8),
    min_count=st.integers(1, 4),
    max_vocab_size=st.one_of(st.none(), st.integers(1, 6)),
)
def test_matches_reference(docs, min_count, max_vocab_size):
    ref_words, ref_counts, ref_docs = reference_encoding(docs, min_count, max_vocab_size)
    if not ref_words:
        with pytest.raises(ValueError):
            encode_corpus(docs, min_count=min_count, max_vocab_size=max_vocab_size)
        return
    enc = encode_corpus(docs, min_count=min_count, max_vocab_size=max_vocab_size)
    assert enc.words == ref_words
    assert enc.counts.tolist() == ref_counts
    assert split_docs(enc) == ref_docs


# -- bad input: corpus and tokens --------------------------------------------------------------

from corpora import CAT_DOG_DOCS, raises  # noqa: E402
from skvec import CooccurrenceVectorizer, FastTextEmbedder, PhraseDetector, Word2VecEmbedder  # noqa: E402


@pytest.mark.parametrize(
    "docs, document, position",
    [
        ([["a", 1, None, "b"]], 0, 1),
        ([["a", ["b"]]], 0, 1),
        ([["a", "b"], ["b", "c", b"d"]], 1, 2),
        ([[None]], 0, 0),
        ([["a", "b"], ("c", 3.5)], 1, 1),
    ],
)
@pytest.mark.parametrize(
    "make",
    [
        lambda: CooccurrenceVectorizer(min_count=1),
        lambda: CooccurrenceVectorizer(min_count=1, max_memory="64MB"),
        lambda: Word2VecEmbedder(n_components=4, min_count=1, epochs=1, n_jobs=1),
        lambda: FastTextEmbedder(n_components=4, min_count=1, epochs=1, n_jobs=1, bucket=100),
        lambda: PhraseDetector(min_count=1),
    ],
    ids=["cooccurrence", "cooccurrence-spilled", "word2vec", "fasttext", "phrases"],
)
def test_non_string_tokens(make, docs, document, position):
    with raises(TypeError, f"Document {document}, token {position}", "strings"):
        make().fit(docs)


def test_non_string_tokens_against_a_fitted_vocabulary():
    vectorizer = CooccurrenceVectorizer(min_count=1).fit([["a", "b", "c"]])
    with raises(TypeError, "Document 1, token 2", "int"):
        vectorizer.transform([["a"], ["b", "c", 7]])


def test_unhashable_and_unknown_non_string_tokens_against_a_fitted_vocabulary():
    # Known tokens are strings by construction; only unknown ones have their type checked, and an
    # unhashable token fails the lookup itself: both still name the document and the token.
    vectorizer = CooccurrenceVectorizer(min_count=1).fit([["a", "b", "c"]])
    with raises(TypeError, "Document 1, token 1", "list"):
        vectorizer.transform([["a"], ["b", ["c"]]])
    with raises(TypeError, "Document 0, token 2", "float"):
        vectorizer.transform([["a", "zzz", 1.5, "c"]])


def test_non_string_tokens_from_a_tokenizer():
    vectorizer = CooccurrenceVectorizer(min_count=1, tokenizer=lambda doc: [len(doc)])
    with raises(TypeError, "Document 0, token 0", "int"):
        vectorizer.fit(["a b"])


def test_string_and_token_documents_mix():
    vectorizer = CooccurrenceVectorizer(min_count=1).fit(["a", ["b"]])
    assert sorted(vectorizer.vocabulary_) == ["a", "b"]


@pytest.mark.parametrize(
    "docs, message",
    [
        ("the cat sat", "single str"),
        (b"the cat sat", "single bytes"),
        (42, "int"),
        ([b"the cat"], "Document 0 is bytes"),
        ([{"a": 1}], "Document 0 is a dict"),
    ],
)
def test_corpus_of_the_wrong_type(docs, message):
    with raises(TypeError, message):
        CooccurrenceVectorizer(min_count=1).fit(docs)


def test_empty_corpus():
    with raises(ValueError, "corpus is empty"):
        Word2VecEmbedder(min_count=1).fit([])
    with raises(ValueError, "no token"):
        CooccurrenceVectorizer(min_count=1).fit(["", "  ,, "])


def test_min_count_above_every_count_names_min_count():
    with raises(ValueError, "min_count=50"):
        CooccurrenceVectorizer(min_count=50).fit(CAT_DOG_DOCS)


def test_vocabulary_pruning_warning_points_at_the_caller():
    docs = [" ".join(f"w{i * 37 + j}" for j in range(50)) for i in range(2000)]
    for method in ("fit", "fit_transform"):
        with pytest.warns(UserWarning, match="max_memory") as record:
            getattr(CooccurrenceVectorizer(min_count=1, max_memory="200kB"), method)(docs)
        assert {warning.filename for warning in record} == {__file__}, method


@pytest.mark.parametrize(
    "text, tokens",
    [
        ("cafe\u0301 caf\u00e9", ["caf\u00e9", "caf\u00e9"]),
        ("\u0130stanbul", ["i\u0307stanbul"]),
        ("\u0928\u092e\u0938\u094d\u0924\u0947 \u0926\u0941\u0928\u093f\u092f\u093e", 2),
    ],
    ids=["combining-accent", "dotted-capital-i", "devanagari-vowel-signs"],
)
def test_text_is_normalized_before_tokenizing(text, tokens):
    vectorizer = CooccurrenceVectorizer(min_count=1).fit([text])
    words = list(vectorizer.get_feature_names_out())
    if isinstance(tokens, int):
        assert len(words) == tokens
    else:
        assert words == list(dict.fromkeys(tokens))
