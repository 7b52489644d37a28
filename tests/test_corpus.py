import gzip

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import reference_encoding
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
