"""The counting plan on its own: window weights as exact fractions, and what it refuses."""

from fractions import Fraction

import pytest

from skvec._counting.plan import weight_table


@pytest.mark.parametrize("weighting", ["harmonic", "uniform", "linear"])
def test_weight_table_gives_each_distance_its_fraction(weighting):
    window = 4
    weights, scale = weight_table(window, weighting, max_count=1000)
    expected = {
        "harmonic": [Fraction(1, d) for d in range(1, window + 1)],
        "uniform": [Fraction(1)] * window,
        "linear": [Fraction(window - d + 1, window) for d in range(1, window + 1)],
    }[weighting]
    assert [Fraction(int(w), int(scale)) for w in weights[1:window + 1]] == expected


def test_an_unknown_weighting_is_refused_rather_than_taken_as_harmonic():
    with pytest.raises(ValueError, match="Unknown weighting 'gaussian'.*'harmonic'"):
        weight_table(5, "gaussian", max_count=1000)
