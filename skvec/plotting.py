"""Plots of word vectors and their evaluation (needs matplotlib).

matplotlib is an optional dependency (``pip install "skvec[plot]"``); it is
imported only when a plot is drawn. Every function draws on the given
``ax`` (or a new figure's) and returns the matplotlib ``Axes``, so a plot
can be styled, combined with others and saved by the caller.
"""

import numpy as np

_SUMMARY = ("overall", "semantic", "syntactic")


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError(
            "Plotting needs matplotlib; install it with pip install matplotlib "
            '(or pip install "skvec[plot]").'
        ) from None
    return plt


def _axes(ax, figsize):
    if ax is not None:
        return ax
    plt = _pyplot()
    _, ax = plt.subplots(figsize=figsize)
    return ax


def _accuracies(result):
    """Section name -> accuracy (NaN where nothing was evaluated), summaries last."""
    if not hasattr(result, "sections") or not hasattr(result, "overall"):
        raise TypeError(
            f"Expected what skvec.analogy_accuracy returns (an AnalogyResult), got {type(result).__name__}."
        )
    table = {}
    for name, score in list(result.sections.items()) + [(name, getattr(result, name)) for name in _SUMMARY]:
        table[name] = score.accuracy if score.evaluated else np.nan
    return table


def plot_analogy_accuracy(results, *, ax=None, sections="all", title=None):
    """Bar chart of analogy accuracy per section, for one model or several.

    Parameters
    ----------
    results : AnalogyResult or dict of str to AnalogyResult
        What :func:`skvec.analogy_accuracy` returned, or a mapping from a
        model's label to it; each model gets one bar per section. A section
        where nothing was evaluated has no bar.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when omitted.
    sections : {"all", "summary"} or list of str, default="all"
        ``"all"``: every section, then the overall, semantic and syntactic
        accuracy; ``"summary"``: only the last three; or the section names to
        show.
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skvec import WordVectors, analogy_accuracy
    >>> from skvec.plotting import plot_analogy_accuracy
    >>> import numpy as np
    >>> words = ["man", "woman", "king", "queen"]
    >>> vectors = WordVectors(words, np.array([[1, 0, 0], [1, 1, 0], [1, 0, 1], [1, 1, 1]], dtype=float))
    >>> result = analogy_accuracy(vectors, {"family": [("man", "woman", "king", "queen")]})
    >>> ax = plot_analogy_accuracy({"toy": result})
    >>> ax.get_ylabel()
    'accuracy'
    """
    if not isinstance(results, dict):
        results = {"": results}
    if not results:
        raise ValueError("results is empty: give at least one analogy result.")
    tables = {label: _accuracies(result) for label, result in results.items()}
    if isinstance(sections, str):
        if sections not in ("all", "summary"):
            raise ValueError(f"sections must be 'all', 'summary' or a list of section names; got {sections!r}.")
        names = []
        if sections == "all":
            for table in tables.values():
                names.extend(name for name in table if name not in _SUMMARY and name not in names)
        names += list(_SUMMARY)
    else:
        names = list(sections)
        known = {name for table in tables.values() for name in table}
        unknown = [name for name in names if name not in known]
        if unknown or not names:
            raise ValueError(f"Unknown section(s) {unknown}; the results have {sorted(known)}.")
    ax = _axes(ax, (min(16.0, 2.0 + len(names) * (0.4 + 0.15 * len(tables))), 5.0))
    positions = np.arange(len(names))
    width = 0.8 / len(tables)
    for i, (label, table) in enumerate(tables.items()):
        heights = [table.get(name, np.nan) for name in names]
        ax.bar(positions + (i - (len(tables) - 1) / 2) * width, heights, width, label=label or None)
    ax.set_xticks(positions)
    ax.set_xticklabels(names, rotation=60, ha="right")
    highest = max((h for table in tables.values() for h in table.values() if h == h), default=0.0)
    ax.set_ylim(0, min(1.0, max(0.05, 1.15 * highest)))
    ax.set_ylabel("accuracy")
    if len(tables) > 1 or next(iter(tables)):
        ax.legend()
    if title:
        ax.set_title(title)
    return ax


def plot_word_map(word_vectors, words, *, ax=None, annotate=True, title=None, **scatter_kwargs):
    """Scatter chosen words on the plane of their first two principal components.

    Parameters
    ----------
    word_vectors : WordVectors or fitted word model
        The vectors; a fitted embedder or word-plane pipeline is passed
        through :func:`skvec.get_word_vectors`.
    words : list of str
        The words to place (at least two, all in the vocabulary).
    ax : matplotlib Axes, optional
        Where to draw; a new figure when omitted.
    annotate : bool, default=True
        Write each word next to its point.
    title : str, optional
        Axes title.
    **scatter_kwargs
        Passed to ``Axes.scatter``.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from skvec import WordVectors
    >>> from skvec.plotting import plot_word_map
    >>> vectors = WordVectors(["a", "b", "c"], np.eye(3))
    >>> ax = plot_word_map(vectors, ["a", "b", "c"])
    >>> len(ax.texts)
    3
    """
    from .vectors import WordVectors, get_word_vectors

    if not isinstance(word_vectors, WordVectors):
        word_vectors = get_word_vectors(word_vectors)
    if isinstance(words, str):
        raise TypeError("words must be a list of words, got a single str.")
    words = list(words)
    if len(words) < 2:
        raise ValueError(f"words must hold at least two words to map, got {len(words)}.")
    rows = {word: row for row, word in enumerate(word_vectors.words)}
    missing = [word for word in words if word not in rows]
    if missing:
        raise KeyError(f"Not in the vocabulary: {', '.join(map(repr, missing))}.")
    points = np.asarray(word_vectors.vectors)[[rows[word] for word in words]].astype(np.float64)
    points = points - points.mean(axis=0)
    # Principal axes from the SVD of the centred points (PCA without scikit-learn's estimator).
    _, _, axes = np.linalg.svd(points, full_matrices=False)
    coords = points @ axes[:2].T
    if coords.shape[1] < 2:
        coords = np.column_stack([coords, np.zeros(len(words))])
    ax = _axes(ax, (6.0, 6.0))
    ax.scatter(coords[:, 0], coords[:, 1], **scatter_kwargs)
    if annotate:
        for word, (x, y) in zip(words, coords):
            ax.annotate(word, (x, y), textcoords="offset points", xytext=(3, 3))
    ax.set_xlabel("first principal component")
    ax.set_ylabel("second principal component")
    if title:
        ax.set_title(title)
    return ax
