"""Scoring of word vectors on analogies and word pairs: the computation behind :mod:`skvec.metrics`.

The functions here take vectors that are already a ``WordVectors`` (or a
``to_vectors`` callable that makes one), so :mod:`skvec.vectors` can evaluate
itself without importing :mod:`skvec.metrics`, which converts fitted models.

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

__all__ = ["AnalogyResult", "SectionScore", "score_analogies", "score_word_pairs"]

# gensim looks at this many candidates (after dropping a, b, c themselves)
# for the first that is not a case variant of a, b or c.
_N_TOP = 5
# Cosines of the question words with a block of candidates take about this
# many float32 values (64 MB) at a time.
_BLOCK_VALUES = 1 << 24
METHODS = {"3cosadd": COSADD, "3cosmul": COSMUL}


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


def as_questions(questions):
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


def score_analogies(
    vectors,
    questions=None,
    *,
    method="3cosadd",
    restrict_vocab=30000,
    case_insensitive=True,
    oov="skip",
    to_vectors=None,
    batch_size=None,
    n_jobs=None,
    verbose=0,
    logger=logging.getLogger("skvec.metrics"),
):
    """:func:`skvec.analogy_accuracy` on ``to_vectors(vectors)`` (``vectors`` itself when None)."""
    method = check_option(method, "method", tuple(METHODS))
    oov = check_option(oov, "oov", ("skip", "wrong"))
    restrict_vocab = check_int(restrict_vocab, "restrict_vocab", min_val=1, allow_none=True)
    batch_size = check_int(batch_size, "batch_size", min_val=1, allow_none=True)
    check_bool(case_insensitive, "case_insensitive")
    sections = as_questions(questions)
    wv = vectors if to_vectors is None else to_vectors(vectors)

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
        answers = _answer(wv, scoped, fold, n_candidates, METHODS[method], batch_size, n_jobs, (verbose, logger))
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


def _answer(wv, rows, fold, n_candidates, method, batch_size, n_jobs, report):
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
        answers = _answer_rows(unit, rows, fold, n_candidates, method, batch_size, n_jobs, report)
        return np.where(answers >= 0, candidates[np.maximum(answers, 0)], -1)
    return _answer_rows(unit, rows, fold, n_candidates, method, batch_size, n_jobs, report)


def _answer_rows(unit, rows, fold, n_candidates, method, batch_size, n_jobs, report):
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
    verbose, logger = report
    progress = Progress(n_candidates, desc="analogies", verbose=verbose, unit="candidates", logger=logger)
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


def score_word_pairs(vectors, pairs, *, restrict_vocab=None, case_insensitive=True, oov="skip", to_vectors=None):
    """:func:`skvec.word_similarity` on ``to_vectors(vectors)`` (``vectors`` itself when None)."""
    from .datasets import read_word_pairs

    restrict_vocab = check_int(restrict_vocab, "restrict_vocab", min_val=1, allow_none=True)
    if isinstance(pairs, (str, os.PathLike)):
        pairs = read_word_pairs(pairs)
    oov = check_option(oov, "oov", ("skip", "zero"))
    pairs = list(pairs)
    if not pairs:
        raise ValueError("pairs is empty.")
    wv = vectors if to_vectors is None else to_vectors(vectors)
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


