"""Plots: per-section analogy bars and the PCA word map."""

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from skvec import WordVectors, analogy_accuracy  # noqa: E402
from skvec.plotting import plot_analogy_accuracy, plot_word_map  # noqa: E402

WORDS = ["man", "woman", "king", "queen", "boy", "girl", "big", "bigger", "small", "smaller"]
VECTORS = np.array(
    [
        [1, 0, 0, 0], [1, 1, 0, 0], [1, 0, 1, 0], [1, 1, 1, 0], [1, 0, 0, 1],
        [1, 1, 0, 1], [0, 0, 0, 1], [0, 1, 0, 1], [0, 0, 1, 1], [0.1, 0, 1, 0],
    ],
    dtype=float,
)
QUESTIONS = {
    "family": [("man", "woman", "king", "queen"), ("man", "woman", "boy", "girl")],
    "gram3-comparative": [("big", "bigger", "small", "smaller"), ("big", "bigger", "tall", "taller")],
}


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def result():
    return analogy_accuracy(WordVectors(WORDS, VECTORS), QUESTIONS)


def _heights(ax):
    return [patch.get_height() for patch in ax.patches]


def test_one_model_all_sections(result):
    ax = plot_analogy_accuracy(result, title="toy")
    labels = [tick.get_text() for tick in ax.get_xticklabels()]
    assert labels == ["family", "gram3-comparative", "overall", "semantic", "syntactic"]
    expected = [result.sections["family"].accuracy, result.sections["gram3-comparative"].accuracy,
                result.accuracy, result.semantic.accuracy, result.syntactic.accuracy]
    np.testing.assert_allclose(_heights(ax), expected)
    assert ax.get_title() == "toy"
    assert ax.get_legend() is None


def test_several_models_share_the_axes(result):
    other = analogy_accuracy(WordVectors(WORDS, VECTORS[:, ::-1].copy()), QUESTIONS)
    fig, given = plt.subplots()
    ax = plot_analogy_accuracy({"a": result, "b": other}, ax=given, sections="summary")
    assert ax is given
    assert len(ax.patches) == 2 * 3
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["a", "b"]
    np.testing.assert_allclose(_heights(ax)[3:], [other.accuracy, other.semantic.accuracy, other.syntactic.accuracy])


def test_sections_without_questions_have_no_bar():
    result = analogy_accuracy(WordVectors(WORDS, VECTORS), {"empty": [("x", "y", "z", "w")], **QUESTIONS})
    ax = plot_analogy_accuracy(result, sections=["empty", "family"])
    heights = _heights(ax)
    assert np.isnan(heights[0]) and heights[1] == result.sections["family"].accuracy


def test_analogy_plot_errors(result):
    with pytest.raises(ValueError, match="sections"):
        plot_analogy_accuracy(result, sections="some")
    with pytest.raises(ValueError, match="Unknown section"):
        plot_analogy_accuracy(result, sections=["capital-world"])
    with pytest.raises(TypeError, match="AnalogyResult"):
        plot_analogy_accuracy({"a": 0.5})
    with pytest.raises(ValueError, match="empty"):
        plot_analogy_accuracy({})


def test_word_map_is_the_pca_projection():
    words = ["man", "woman", "king", "queen", "big"]
    ax = plot_word_map(WordVectors(WORDS, VECTORS), words, s=12)
    points = ax.collections[0].get_offsets()
    assert [text.get_text() for text in ax.texts] == words
    rows = VECTORS[[WORDS.index(w) for w in words]]
    centred = rows - rows.mean(axis=0)
    # Same geometry as the top two principal components: pairwise distances in the
    # plane equal those of the projection, and the variance captured is maximal.
    _, singular, _ = np.linalg.svd(centred, full_matrices=False)
    np.testing.assert_allclose(np.sort((points ** 2).sum(axis=0))[::-1], singular[:2] ** 2, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(points).mean(axis=0), 0.0, atol=1e-9)


def test_word_map_accepts_a_fitted_model_and_rejects_bad_words():
    from skvec import Word2VecEmbedder

    docs = ["the cat sat on the mat", "the dog sat on the log"] * 10
    model = Word2VecEmbedder(n_components=4, min_count=1, epochs=1, n_jobs=1, random_state=0).fit(docs)
    ax = plot_word_map(model, ["cat", "dog", "mat"], annotate=False)
    assert len(ax.texts) == 0 and len(ax.collections[0].get_offsets()) == 3
    with pytest.raises(KeyError, match="'unicorn'"):
        plot_word_map(model, ["cat", "unicorn"])
    with pytest.raises(ValueError, match="at least two"):
        plot_word_map(model, ["cat"])
    with pytest.raises(TypeError, match="list of words"):
        plot_word_map(model, "cat")
