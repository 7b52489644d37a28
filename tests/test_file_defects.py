"""Regression tests, one or more per defect of files and edge cases (see the test names)."""

import numpy as np
import pytest

from skvec import PhraseDetector


# -- phrases keyed by word ids, not by their joined text -------------------------------


def test_phrases_joining_into_the_same_text_keep_other_phrases_right():
    docs = ["a_b c"] * 20 + ["a b_c"] * 20 + ["x y"] * 20 + ["p q"] * 20
    detector = PhraseDetector(min_count=1, threshold=1e-9).fit(docs)
    assert detector.transform(["a b_c", "x y", "p q", "a_b c"]) == [["a_b_c"], ["x_y"], ["p_q"], ["a_b_c"]]
    assert detector.fit_transform(docs)[-1] == ["p_q"]
    assert list(detector.phrases_).count("a_b_c") == 1


def test_phrases_with_empty_delimiter_keep_other_phrases_right():
    docs = ["ab c"] * 20 + ["a bc"] * 20 + ["x y"] * 20 + ["p q"] * 20
    detector = PhraseDetector(min_count=1, threshold=1e-9, delimiter="").fit(docs)
    assert detector.transform(["a bc", "ab c", "x y", "p q"]) == [["abc"], ["abc"], ["xy"], ["pq"]]


# -- parameters refused or honoured at fit ----------------------------------------------


def test_connector_words_in_upper_case_match_lowercased_text():
    detector = PhraseDetector(min_count=1, threshold=1e-9, connector_words=["OF"]).fit(["bank of america"] * 20)
    assert "bank_of_america" in detector.phrases_
