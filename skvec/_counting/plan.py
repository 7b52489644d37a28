"""What a count needs besides the corpus, derived once per count.

A ``CountPlan`` holds the integer window weights and their fixed-point
``scale``, the context sides and the subsampling probabilities.  Every
strategy (in memory, spilled, sharded) counts with the same plan, which is
why their results agree bit for bit: the scale depends on the number of
vocabulary tokens of the whole corpus, never on how it is cut into pieces.
"""

import math
from dataclasses import dataclass

import numpy as np

from .._random import thread_seeds

# Fixed-point sums must stay below this bound (int64 with a factor 2 spare).
MAX_FIXED_POINT = 2**62


def _exact_weights(window, weighting, reach):
    """Float weights of the distances ``1..reach`` and the fractions behind them.

    Returns ``(exact, denominator, numerators)``; ``denominator`` is None when
    the common denominator is too large to be of use (harmonic weights beyond
    a window of 40).
    """
    distances = np.arange(1, reach + 1, dtype=np.float64)
    if weighting == "uniform":
        return np.ones(reach), 1, [1] * reach
    if weighting == "linear":
        return (window - distances + 1) / window, window, [window - d + 1 for d in range(1, reach + 1)]
    if weighting != "harmonic":
        raise ValueError(f"Unknown weighting {weighting!r}; expected 'uniform', 'linear' or 'harmonic'.")
    if reach > 40:
        return 1.0 / distances, None, None
    denominator = math.lcm(*range(1, reach + 1))
    return 1.0 / distances, denominator, [denominator // d for d in range(1, reach + 1)]


def weight_table(window, weighting, max_count, reach=None):
    """Integer window weights and their common denominator.

    Returns ``(weights, scale)``: ``weights[d] / scale`` is the weight of a
    context at distance ``d`` (``weights[0]`` unused).  The scale is the least
    common denominator of the weights, so the fixed-point sums are exact,
    unless a cell could then overflow int64 (``max_count`` bounds the
    occurrences of a word; this happens with harmonic weights and a window
    above about 15 on a huge corpus, or above 40).  The weights are then
    rounded to multiples of ``2**-k`` with ``k`` as large as int64 allows
    (29 for a billion tokens and a window of 40), and the sums, still exact
    and order-independent, are within float32 rounding of the true ones.

    ``reach`` is the longest distance that can occur (the longest document
    less one); the table stops there, so a window far longer than any
    document costs no memory.  Harmonic and uniform weights do not depend on
    the window, so their table is that of a window of ``reach``: the same
    fractions, hence the same sums wherever they are exact.  Linear weights
    do depend on it and keep ``window`` in their formula.
    """
    reach = window if reach is None else max(1, min(int(reach), window))
    if weighting != "linear":
        window = reach
    exact, denominator, numerators = _exact_weights(window, weighting, reach)
    max_count = max(int(max_count), 1)
    weights = np.zeros(reach + 1, dtype=np.int64)
    if denominator is not None and max_count * 2 * sum(numerators) < MAX_FIXED_POINT:
        weights[1:] = numerators
        return weights, denominator
    bits = int(math.floor(math.log2(MAX_FIXED_POINT / (max_count * 2 * exact.sum()))))
    scale = 2.0**bits
    weights[1:] = np.maximum(np.rint(exact * scale), 1).astype(np.int64)
    return weights, scale


def keep_probabilities(word_counts, subsample):
    """word2vec's probability of keeping each occurrence of a word.

    ``(sqrt(f / (s T)) + 1) * (s T) / f`` for a word seen ``f`` times among
    ``T`` vocabulary tokens (values above 1 mean always kept).

    Deliberately not ``skvec._kernels.word2vec.keep_probabilities`` (C's
    float32 rounding, ``T`` given): the counts' down-sampling is its own
    definition, exact in float64 with ``T`` the sum of the counts, so no
    reference's rounding is reproduced here.
    """
    counts = np.asarray(word_counts, dtype=np.float64)
    threshold = subsample * counts.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        keep = (np.sqrt(counts / threshold) + 1.0) * threshold / counts
    keep[counts == 0] = 1.0
    return keep


@dataclass(frozen=True)
class CountPlan:
    """Everything a count needs besides the corpus.

    Attributes
    ----------
    weights : ndarray of int64
        ``weights[d] / scale`` is the weight of a context at distance ``d``.
    scale : int or float
        The fixed-point unit: the counts are ``sum / scale``.
    left, right : int
        Context distances taken on each side (0 for a side left out).
    dtype : numpy dtype
        Type of the returned matrix.
    keep : ndarray of float64 or None
        Probability of keeping each word's occurrences (subsampling).
    seed : int or None
        Seed of the subsampling draws.
    """

    weights: np.ndarray
    scale: object
    left: int
    right: int
    dtype: np.dtype
    keep: object = None
    seed: object = None


def make_plan(*, window, weighting, context, dtype, n_tokens, longest_document, subsampling=None):
    """The plan of a count.

    Parameters
    ----------
    window, weighting, context, dtype
        The vectorizer's parameters, validated.
    n_tokens : int
        Vocabulary tokens of the corpus to count (a bound of any word's
        occurrences, which sets the fixed-point scale).
    longest_document : int
        Tokens of the longest document; no distance reaches beyond it.
    subsampling : (word_counts, subsample, random_state) or None
        word2vec's down-sampling, from the fitted counts.
    """
    weights, scale = weight_table(window, weighting, n_tokens, reach=max(int(longest_document) - 1, 1))
    reach = len(weights) - 1
    left = reach if context in ("both", "left") else 0
    right = reach if context in ("both", "right") else 0
    keep = seed = None
    if subsampling is not None:
        word_counts, subsample, random_state = subsampling
        keep = keep_probabilities(word_counts, subsample)
        seed = thread_seeds(random_state, 1)[0]
    return CountPlan(weights, scale, left, right, np.dtype(dtype), keep, seed)
