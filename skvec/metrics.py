"""Intrinsic evaluation of word vectors: analogies, word similarity, and a scorer.

Protocol (as in word2vec's ``compute-accuracy`` and gensim's
``evaluate_word_analogies``): vectors are unit-normalized; the candidate set
is the ``restrict_vocab`` most frequent words (the first rows); a question
``a : b :: c : d`` is in scope only if all four words are candidates; the
answer is the best-scoring candidate other than ``a``, ``b`` and ``c``.
Matching is case-insensitive by default: questions and vocabulary are
lowercased and a word with several case variants among the candidates takes
the vector of its first (most frequent) one.  Words with an all-zero vector are
not candidates.
"""

import logging
import warnings

from ._evaluation import METHODS, AnalogyResult, SectionScore, as_questions, score_analogies, score_word_pairs
from ._validation import check_int, check_option
from .vectors import get_word_vectors

_LOGGER = logging.getLogger("skvec.metrics")

__all__ = ["analogy_accuracy", "word_similarity", "make_analogy_scorer", "AnalogyResult", "SectionScore"]


def analogy_accuracy(
    vectors,
    questions=None,
    *,
    method="3cosadd",
    restrict_vocab=30000,
    case_insensitive=True,
    oov="skip",
    X=None,
    batch_size=None,
    n_jobs=None,
    verbose=0,
):
    """Accuracy of word vectors on analogy questions ``a : b :: c : d``.

    Parameters
    ----------
    vectors : WordVectors, fitted embedder or fitted word-plane pipeline
        Anything :func:`~skvec.get_word_vectors` accepts. Sparse vectors
        (e.g. SPPMI rows) are supported.
    questions : None, path, dict or list, default=None
        ``None`` for the bundled Google analogy set; a path to a file in
        ``questions-words.txt`` format; a dict section -> list of
        ``(a, b, c, d)``; or a list of ``(a, b, c, d)`` (one section).
    method : {"3cosadd", "3cosmul"}, default="3cosadd"
        ``"3cosadd"``: argmax of ``cos(w, b) - cos(w, a) + cos(w, c)``.
        ``"3cosmul"`` (Levy & Goldberg 2014): argmax of
        ``cos'(w, b) * cos'(w, c) / (cos'(w, a) + 0.001)`` with cosines
        shifted to ``[0, 1]`` by ``cos' = (cos + 1) / 2``.
    restrict_vocab : int or None, default=30000
        Candidates are the first ``restrict_vocab`` words (the most
        frequent); ``None`` uses the whole vocabulary.
    case_insensitive : bool, default=True
        Lowercase questions and vocabulary; a word with several case
        variants takes the vector of its first (most frequent) one.
    oov : {"skip", "wrong"}, default="skip"
        Out-of-scope questions are left out of the accuracy, or counted
        as wrong answers.
    X : iterable of documents, optional
        The training corpus, passed to :func:`~skvec.get_word_vectors`
        for pipelines whose last step does not store the vectors.
    batch_size : int or None, default=None
        Candidates scored at once (memory is about ``4 * batch_size`` bytes
        per distinct question word); ``None`` picks blocks of about 64 MB.
    n_jobs : int or None, default=None
        Threads for scoring (``None``: all).
    verbose : int, default=0
        Progress through ``logging`` (logger ``skvec.metrics``; shown on
        stderr when the application configured no logging): 1 a summary
        line, 2 also periodic lines.

    Returns
    -------
    AnalogyResult
        ``.accuracy``, ``.coverage``, ``.semantic``, ``.syntactic``,
        ``.sections`` (each a :class:`SectionScore` with counts),
        ``.table()`` for a printable summary.

    Notes
    -----
    The counts are those of gensim's ``evaluate_word_analogies`` (3CosAdd)
    with the same ``restrict_vocab`` and ``case_insensitive``: like gensim,
    a case variant of ``a``, ``b`` or ``c`` is not an answer, and only the
    five best candidates other than ``a``, ``b``, ``c`` are looked at to find
    one that is not such a variant.

    Cosines of the distinct question words with a block of candidates are one
    matrix product; the per-question scoring is a parallel Numba loop.

    Words whose vector is all zero count as absent: they are not candidates
    and questions using them are out of scope (a zero vector has no
    direction; its cosines, all 0, would otherwise win ties).

    Examples
    --------
    >>> import numpy as np
    >>> from skvec import WordVectors, analogy_accuracy
    >>> wv = WordVectors(["king", "queen", "man", "woman", "apple"],
    ...                  np.array([[1.0, 1.0, 0.1], [1.0, -1.0, 0.1], [0.2, 1.0, 0.0],
    ...                            [0.2, -1.0, 0.0], [0.0, 0.0, 1.0]]))
    >>> result = analogy_accuracy(wv, [("man", "woman", "king", "queen"),
    ...                                ("man", "king", "woman", "queen"),
    ...                                ("man", "woman", "prince", "princess")])
    >>> result.correct, result.evaluated, round(result.coverage, 3)
    (2, 2, 0.667)
    """
    return score_analogies(
        vectors, questions, method=method, restrict_vocab=restrict_vocab, case_insensitive=case_insensitive,
        oov=oov, batch_size=batch_size, n_jobs=n_jobs, verbose=verbose, logger=_LOGGER,
        to_vectors=lambda model: get_word_vectors(model, X=X),
    )


def word_similarity(vectors, pairs, *, restrict_vocab=None, case_insensitive=True, oov="skip", X=None):
    """Spearman correlation between cosine similarities and human scores.

    Parameters
    ----------
    vectors : WordVectors, fitted embedder or fitted word-plane pipeline
        Anything :func:`~skvec.get_word_vectors` accepts.
    pairs : path or iterable of (str, str, float)
        A ``word1 word2 score`` file (see
        :func:`skvec.datasets.read_word_pairs`) or the pairs themselves.
    restrict_vocab : int or None, default=None
        Only the first ``restrict_vocab`` words can be looked up.
    case_insensitive : bool, default=True
        Lowercase pairs and vocabulary (first case variant wins).
    oov : {"skip", "zero"}, default="skip"
        Pairs with an unknown word are left out, or count with a model
        similarity of 0 (gensim's ``dummy4unknown``).
    X : iterable of documents, optional
        Training corpus, for pipelines that need it (see ``get_word_vectors``).

    Returns
    -------
    dict
        ``spearman`` (correlation over the pairs evaluated: those whose two
        words are known, or all with ``oov="zero"``; NaN with fewer than two), ``pearson``, their p-values
        ``spearman_pvalue`` and ``pearson_pvalue``, ``coverage`` (known
        pairs / all pairs), ``n_pairs``, ``n_evaluated``.

    Examples
    --------
    >>> import numpy as np
    >>> from skvec import WordVectors, word_similarity
    >>> wv = WordVectors(["cat", "dog", "car"], np.array([[1.0, 0.1], [0.9, 0.3], [0.0, 1.0]]))
    >>> result = word_similarity(wv, [("cat", "dog", 8.0), ("cat", "car", 1.0),
    ...                               ("dog", "car", 2.0), ("cat", "unicorn", 3.0)])
    >>> result["spearman"], result["coverage"]
    (1.0, 0.75)
    """
    return score_word_pairs(
        vectors, pairs, restrict_vocab=restrict_vocab, case_insensitive=case_insensitive, oov=oov,
        to_vectors=lambda model: get_word_vectors(model, X=X),
    )


class _AnalogyScorer:
    """Callable ``(estimator, X, y=None) -> accuracy`` made by :func:`make_analogy_scorer`."""

    def __init__(self, questions, kwargs):
        self.questions = questions
        self.kwargs = kwargs

    def __call__(self, estimator, X, y=None):
        result = analogy_accuracy(estimator, self.questions, X=X, **self.kwargs)
        if result.overall.in_scope == 0:
            warnings.warn(
                "No analogy question is in scope for these vectors (coverage 0); the score is 0.",
                UserWarning,
            )
        return result.accuracy

    def __repr__(self):
        args = "".join(f", {key}={value!r}" for key, value in self.kwargs.items())
        questions = "None" if self.questions is None else "<questions>"
        return f"make_analogy_scorer({questions}{args})"


def make_analogy_scorer(
    questions=None, *, method="3cosadd", restrict_vocab=30000, case_insensitive=True, oov="skip",
    batch_size=None, n_jobs=None,
):
    """Make a scikit-learn scorer: analogy accuracy of a fitted word-plane model.

    Use it as ``GridSearchCV(..., scoring=make_analogy_scorer(),
    cv=WholeCorpusSplit())``: each candidate model is trained on the whole
    corpus and scored by the accuracy of its vectors (higher is better).

    Parameters
    ----------
    questions : None, path, dict or list, default=None
        As in :func:`analogy_accuracy` (``None``: the Google set). Parsed
        once, here.
    method, restrict_vocab, case_insensitive, oov, batch_size, n_jobs
        As in :func:`analogy_accuracy`. ``n_jobs`` is the thread count of
        the scoring itself, inside each search job.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y=None) -> float``; it calls
        :func:`~skvec.get_word_vectors` with ``X``, so pipelines ending with
        ``TruncatedSVD`` or ``SPPMITransformer`` work too (their vectors
        are recomputed from ``X``).

    Examples
    --------
    >>> from sklearn.model_selection import GridSearchCV
    >>> from sklearn.pipeline import make_pipeline
    >>> from skvec import (CooccurrenceVectorizer, SPPMITransformer, SVDEmbedder,
    ...                    WholeCorpusSplit, make_analogy_scorer)
    >>> docs = ["the king and the queen", "a man and a woman", "the man is king"] * 10
    >>> search = GridSearchCV(
    ...     make_pipeline(CooccurrenceVectorizer(window=2, min_count=1), SPPMITransformer(),
    ...                   SVDEmbedder(n_components=2, random_state=0)),
    ...     {"sppmitransformer__shift": [1, 2]},
    ...     scoring=make_analogy_scorer([("man", "woman", "king", "queen")]),
    ...     cv=WholeCorpusSplit())
    >>> search.fit(docs).best_params_ in ({"sppmitransformer__shift": 1}, {"sppmitransformer__shift": 2})
    True
    """
    kwargs = {
        "method": check_option(method, "method", tuple(METHODS)),
        "restrict_vocab": check_int(restrict_vocab, "restrict_vocab", min_val=1, allow_none=True),
        "case_insensitive": case_insensitive,
        "oov": check_option(oov, "oov", ("skip", "wrong")),
        "batch_size": check_int(batch_size, "batch_size", min_val=1, allow_none=True),
        "n_jobs": n_jobs,
    }
    parsed = None if questions is None else as_questions(questions)
    return _AnalogyScorer(parsed, kwargs)
