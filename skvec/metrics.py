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

import os
import warnings
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.stats import pearsonr, spearmanr

from ._kernels.analogy import COSADD, COSMUL, pick_answers, update_top_candidates
from ._progress import Progress
from ._threads import numba_threads
from ._validation import check_bool, check_float, check_int, check_option
from .vectors import WordVectors, get_word_vectors

__all__ = ["analogy_accuracy", "word_similarity", "make_analogy_scorer", "AnalogyResult", "SectionScore"]

# gensim looks at this many candidates (after dropping a, b, c themselves)
# for the first that is not a case variant of a, b or c.
_N_TOP = 5
# Cosines of the question words with a block of candidates take about this
# many float32 values (64 MB) at a time.
_BLOCK_VALUES = 1 << 24
_METHODS = {"3cosadd": COSADD, "3cosmul": COSMUL}


@dataclass(frozen=True)
class SectionScore:
    """Analogy counts of one section (or of a group of sections).

    Attributes
    ----------
    name : str
    total : int
        Questions in the section.
    in_scope : int
        Questions whose four words are all candidates.
    evaluated : int
        Questions counted in the accuracy: ``in_scope``, or ``total``
        when out-of-scope questions count as wrong.
    correct : int

    See Also
    --------
    AnalogyResult : Holds one per section and per group of sections.

    Examples
    --------
    >>> import numpy as np
    >>> from skvec import WordVectors, analogy_accuracy
    >>> vectors = WordVectors(["man", "woman", "king", "queen", "apple"],
    ...                       np.array([[1, 0, 0], [1, 1, 0], [0, 0, 1], [0, 1, 1], [1, 1, 1]], dtype=float))
    >>> questions = {"family": [("man", "woman", "king", "queen"), ("man", "woman", "boy", "girl")]}
    >>> result = analogy_accuracy(vectors, questions)
    >>> result.sections["family"]
    SectionScore(name='family', total=2, in_scope=1, evaluated=1, correct=1)
    >>> result.sections["family"].accuracy, result.sections["family"].coverage
    (1.0, 0.5)
    """

    name: str
    total: int
    in_scope: int
    evaluated: int
    correct: int

    @property
    def accuracy(self):
        """``correct / evaluated`` (0.0 when nothing was evaluated, as in gensim)."""
        return self.correct / self.evaluated if self.evaluated else 0.0

    @property
    def coverage(self):
        """``in_scope / total``: the share of questions the vectors could answer."""
        return self.in_scope / self.total if self.total else 0.0


def _overall(name, doc):
    """A read-only attribute of the result that is the overall score's ``name``."""
    return property(lambda result: getattr(result.overall, name), doc=doc)


@dataclass(frozen=True)
class AnalogyResult:
    """Result of :func:`analogy_accuracy`.

    Attributes
    ----------
    overall, semantic, syntactic : SectionScore
        All sections; those whose name does not start with ``"gram"``; those
        whose name does (the Google set's convention).
    sections : dict of str to SectionScore
        Per section, file order.
    method, restrict_vocab, case_insensitive, oov
        The settings used.

    Examples
    --------
    >>> import numpy as np
    >>> from skvec import WordVectors, analogy_accuracy
    >>> vectors = WordVectors(["man", "woman", "king", "queen", "apple"],
    ...                       np.array([[1, 0, 0], [1, 1, 0], [0, 0, 1], [0, 1, 1], [1, 1, 1]], dtype=float))
    >>> questions = {"family": [("man", "woman", "king", "queen"), ("man", "woman", "boy", "girl")]}
    >>> result = analogy_accuracy(vectors, questions)
    >>> result.accuracy, result.coverage
    (1.0, 0.5)
    >>> print(result.table())
    section    accuracy  correct/evaluated  coverage
    family      100.00%                1/1    50.00%
    ------------------------------------------------
    semantic    100.00%                1/1    50.00%
    overall     100.00%                1/1    50.00%
    """

    overall: SectionScore
    semantic: SectionScore
    syntactic: SectionScore
    sections: dict = field(repr=False)
    method: str = "3cosadd"
    restrict_vocab: object = None
    case_insensitive: bool = True
    oov: str = "skip"

    accuracy = _overall("accuracy", "Overall accuracy.")
    coverage = _overall("coverage", "Overall coverage (questions in scope / all questions).")
    correct = _overall("correct", "Questions answered correctly, over all sections.")
    evaluated = _overall("evaluated", "Questions evaluated, over all sections.")

    def to_dict(self):
        """Plain nested dict (JSON-serializable)."""

        def row(score):
            return {
                "total": score.total,
                "in_scope": score.in_scope,
                "evaluated": score.evaluated,
                "correct": score.correct,
                "accuracy": score.accuracy,
                "coverage": score.coverage,
            }

        return {
            "method": self.method,
            "restrict_vocab": self.restrict_vocab,
            "case_insensitive": self.case_insensitive,
            "oov": self.oov,
            "overall": row(self.overall),
            "semantic": row(self.semantic),
            "syntactic": row(self.syntactic),
            "sections": {name: row(score) for name, score in self.sections.items()},
        }

    def table(self):
        """The per-section table as text (section, accuracy, correct/evaluated, coverage)."""
        width = max([len(name) for name in self.sections] + [len("syntactic")])
        lines = [f"{'section':<{width}}  accuracy  correct/evaluated  coverage"]

        def line(score, name):
            counts = f"{score.correct}/{score.evaluated}"
            return f"{name:<{width}}  {100 * score.accuracy:7.2f}%  {counts:>17}  {100 * score.coverage:7.2f}%"

        lines += [line(score, name) for name, score in self.sections.items()]
        lines.append("-" * len(lines[0]))
        for name in ("semantic", "syntactic", "overall"):
            score = getattr(self, name)
            if score.total:
                lines.append(line(score, name))
        return "\n".join(lines)

    def __str__(self):
        return self.table()


def _as_questions(questions):
    """Normalize ``questions`` to a dict section -> list of 4-tuples."""
    from .datasets import load_google_analogies, read_analogies

    if questions is None:
        return load_google_analogies()
    if isinstance(questions, (str, os.PathLike)):
        return read_analogies(questions)
    if isinstance(questions, dict):
        sections = questions
    else:
        sections = {"questions": list(questions)}
    checked = {}
    for name, items in sections.items():
        rows = []
        for question in items:
            if isinstance(question, str) or len(question) != 4:
                raise ValueError(
                    f"Each analogy question must be 4 words (a, b, c, d); got {question!r} in section {name!r}."
                )
            for word in question:
                if not isinstance(word, str):
                    raise TypeError(
                        f"Analogy question {tuple(question)!r} in section {name!r} holds {word!r} "
                        f"({type(word).__name__}); question words must be strings."
                    )
            rows.append(tuple(question))
        checked[str(name)] = rows
    if not any(checked.values()):
        raise ValueError("questions contains no analogy question.")
    return checked


def _zero_rows(unit, n_candidates):
    """Which of the first ``n_candidates`` vectors are all zero."""
    head = unit[:n_candidates]
    if sp.issparse(head):
        return np.asarray(abs(head).sum(axis=1)).ravel() == 0
    return ~np.asarray(head).any(axis=1)


def _candidate_index(words, n_candidates, case_insensitive, zero):
    """Folded word -> row of its first occurrence among the candidates; and each row's folded row.

    Words with an all-zero vector are left out (folded row -1): a zero vector
    has no direction, and its cosines (all 0) would let it win ties.
    """
    first = {}
    fold = np.full(n_candidates, -1, dtype=np.int64)
    for row in np.flatnonzero(~zero).tolist():
        key = words[row].lower() if case_insensitive else words[row]
        fold[row] = first.setdefault(key, row)
    return first, fold


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
    method = check_option(method, "method", tuple(_METHODS))
    oov = check_option(oov, "oov", ("skip", "wrong"))
    restrict_vocab = check_int(restrict_vocab, "restrict_vocab", min_val=1, allow_none=True)
    batch_size = check_int(batch_size, "batch_size", min_val=1, allow_none=True)
    check_bool(case_insensitive, "case_insensitive")
    sections = _as_questions(questions)
    wv = get_word_vectors(vectors, X=X)

    n_candidates = len(wv) if restrict_vocab is None else min(restrict_vocab, len(wv))
    zero = _zero_rows(wv.unit_vectors, n_candidates)
    first, fold = _candidate_index(wv.words, n_candidates, case_insensitive, zero)

    # Resolve every question to candidate rows (-1: out of scope), looking up
    # each distinct word once.
    names = list(sections)
    flat = [word for questions_ in sections.values() for question in questions_ for word in question]
    section_of = np.repeat(np.arange(len(names)), [len(sections[name]) for name in names])
    word_ids = {}
    ids = np.fromiter((word_ids.setdefault(word, len(word_ids)) for word in flat), dtype=np.int64, count=len(flat))
    fold_word = str.lower if case_insensitive else str
    distinct_rows = np.array([first.get(fold_word(word), -1) for word in word_ids], dtype=np.int64)
    rows = distinct_rows[ids].reshape(-1, 4)
    in_scope = np.all(rows >= 0, axis=1)
    correct = np.zeros(len(rows), dtype=bool)

    scoped = rows[in_scope]
    if len(scoped):
        answers = _answer(wv, scoped, fold, n_candidates, _METHODS[method], batch_size, n_jobs, verbose)
        correct[in_scope] = fold[np.maximum(answers, 0)] == scoped[:, 3]
        correct[in_scope] &= answers >= 0

    def score(name, mask):
        total = int(mask.sum())
        n_in_scope = int((mask & in_scope).sum())
        return SectionScore(
            name=name,
            total=total,
            in_scope=n_in_scope,
            evaluated=n_in_scope if oov == "skip" else total,
            correct=int((mask & correct).sum()),
        )

    per_section = {name: score(name, section_of == s) for s, name in enumerate(names)}
    syntactic_ids = [s for s, name in enumerate(names) if name.startswith("gram")]
    syntactic_mask = np.isin(section_of, syntactic_ids)
    return AnalogyResult(
        overall=score("overall", np.ones(len(rows), dtype=bool)),
        semantic=score("semantic", ~syntactic_mask),
        syntactic=score("syntactic", syntactic_mask),
        sections=per_section,
        method=method,
        restrict_vocab=restrict_vocab,
        case_insensitive=bool(case_insensitive),
        oov=oov,
    )


def _answer(wv, rows, fold, n_candidates, method, batch_size, n_jobs, verbose):
    """Candidate row answering each question of ``rows`` (a, b, c, d rows), or -1.

    Candidates are the rows with ``fold >= 0`` (zero vectors are left out).
    """
    unit = wv.unit_vectors
    candidates = np.flatnonzero(fold >= 0)
    if len(candidates) < n_candidates:
        # Score the kept rows only; rows are positions among them from here on.
        unit = unit[candidates]
        fold = fold[candidates]
        rows = np.searchsorted(candidates, rows)
        n_candidates = len(candidates)
        answers = _answer_rows(unit, rows, fold, n_candidates, method, batch_size, n_jobs, verbose)
        return np.where(answers >= 0, candidates[np.maximum(answers, 0)], -1)
    return _answer_rows(unit, rows, fold, n_candidates, method, batch_size, n_jobs, verbose)


def _answer_rows(unit, rows, fold, n_candidates, method, batch_size, n_jobs, verbose):
    query_rows, inverse = np.unique(rows[:, :3], return_inverse=True)
    inverse = inverse.reshape(-1, 3)
    queries = unit[query_rows]
    if batch_size is None:
        batch_size = max(1024, _BLOCK_VALUES // max(len(query_rows), 1))
    n_questions = len(rows)
    top_scores = np.full((n_questions, _N_TOP), -np.inf, dtype=np.float32)
    top_rows = np.full((n_questions, _N_TOP), -1, dtype=np.int64)
    word_a, word_b, word_c = (np.ascontiguousarray(inverse[:, k]) for k in range(3))
    row_a, row_b, row_c = (np.ascontiguousarray(rows[:, k]) for k in range(3))
    progress = Progress(n_candidates, desc="analogies", verbose=verbose, unit="candidates")
    with numba_threads(n_jobs):
        for start in range(0, n_candidates, batch_size):
            stop = min(start + batch_size, n_candidates)
            block = queries @ unit[start:stop].T
            if sp.issparse(block):
                block = block.toarray()
            block = np.ascontiguousarray(block, dtype=np.float32)
            update_top_candidates(
                block, word_a, word_b, word_c, row_a, row_b, row_c, start, method, 1e-3, top_scores, top_rows
            )
            progress.update(stop)
    progress.close()
    return pick_answers(top_rows, fold, fold[row_a], fold[row_b], fold[row_c])


def _pair_rows(pairs, first, case_insensitive):
    """Candidate rows of the two words of each pair (-1: unknown) and the human scores."""
    rows, human = [], []
    for pair in pairs:
        if isinstance(pair, str) or len(pair) != 3:
            raise ValueError(f"Each pair must be (word1, word2, score); got {pair!r}.")
        w1, w2, human_score = pair
        if not (isinstance(w1, str) and isinstance(w2, str)):
            raise TypeError(f"Word pair {tuple(pair)!r} holds a word that is not a string.")
        if case_insensitive:
            w1, w2 = w1.lower(), w2.lower()
        rows.append((first.get(w1, -1), first.get(w2, -1)))
        human.append(check_float(float(human_score), "pair score"))
    return np.array(rows, dtype=np.int64).reshape(-1, 2), np.array(human, dtype=np.float64)


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
    from .datasets import read_word_pairs

    restrict_vocab = check_int(restrict_vocab, "restrict_vocab", min_val=1, allow_none=True)
    if isinstance(pairs, (str, os.PathLike)):
        pairs = read_word_pairs(pairs)
    oov = check_option(oov, "oov", ("skip", "zero"))
    pairs = list(pairs)
    if not pairs:
        raise ValueError("pairs is empty.")
    wv = get_word_vectors(vectors, X=X)
    n_candidates = len(wv) if restrict_vocab is None else min(restrict_vocab, len(wv))
    unit = wv.unit_vectors
    first, _ = _candidate_index(wv.words, n_candidates, case_insensitive, _zero_rows(unit, n_candidates))
    rows, human = _pair_rows(pairs, first, case_insensitive)
    known = np.all(rows >= 0, axis=1)
    if oov == "skip":
        rows, human = rows[known], human[known]
    n_evaluated = len(rows)
    spearman = pearson = spearman_pvalue = pearson_pvalue = float("nan")
    if n_evaluated >= 2:
        a, b = unit[np.maximum(rows[:, 0], 0)], unit[np.maximum(rows[:, 1], 0)]
        if sp.issparse(a):
            model = np.asarray(a.multiply(b).sum(axis=1), dtype=np.float64).ravel()
        else:
            model = np.einsum("ij,ij->i", a, b, dtype=np.float64)
        model[~np.all(rows >= 0, axis=1)] = 0.0  # unknown words (oov="zero")
        with warnings.catch_warnings():
            # A constant column gives NaN, which is the honest answer.
            warnings.simplefilter("ignore")
            rank_result, linear_result = spearmanr(model, human), pearsonr(model, human)
            spearman, spearman_pvalue = float(rank_result.statistic), float(rank_result.pvalue)
            pearson, pearson_pvalue = float(linear_result.statistic), float(linear_result.pvalue)
    return {
        "spearman": spearman,
        "pearson": pearson,
        "spearman_pvalue": spearman_pvalue,
        "pearson_pvalue": pearson_pvalue,
        "coverage": float(known.mean()),
        "n_pairs": len(pairs),
        "n_evaluated": n_evaluated,
    }


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
        "method": check_option(method, "method", tuple(_METHODS)),
        "restrict_vocab": check_int(restrict_vocab, "restrict_vocab", min_val=1, allow_none=True),
        "case_insensitive": case_insensitive,
        "oov": check_option(oov, "oov", ("skip", "wrong")),
        "batch_size": check_int(batch_size, "batch_size", min_val=1, allow_none=True),
        "n_jobs": n_jobs,
    }
    parsed = None if questions is None else _as_questions(questions)
    return _AnalogyScorer(parsed, kwargs)
