"""Training engine of fastText: word2vec's engine with n-gram input rows.

The input matrix stacks the word rows (``0 .. n_words - 1``) and the n-gram
bucket rows (``n_words .. n_words + bucket - 1``), all initialised as
word2vec initialises its input vectors; each word's n-gram buckets become its
extra input rows (the ``InputRows`` extension point of the word2vec kernels),
so the input vector of a word is the mean of its row and its n-gram rows and
its gradient goes to each of them, deferred until the word leaves the
window (``TrainingParams.defer_inputs``).  Scheduling, sampling, outputs,
progress and the divergence check are word2vec's.
"""

import logging
from dataclasses import dataclass, replace
from functools import partial

import numpy as np

from .._kernels import word2vec as kernels
from .word2vec import Word2VecSettings, grown_rows, start_inputs, train_word2vec

_LOGGER = logging.getLogger("skvec.fasttext")


@dataclass(frozen=True, kw_only=True)
class FastTextSettings(Word2VecSettings):
    """word2vec's settings plus the character n-grams: lengths ``min_n`` to ``max_n``, ``bucket`` rows."""

    min_n: int
    max_n: int
    bucket: int


def subword_inputs(n_words, dim, seed, *, indptr, buckets, bucket, previous_rows=None, previous_ngrams=None,
                   initial=None):
    """Input rows of words and n-gram buckets, with each word's buckets as extra rows.

    All rows start as C's ``syn0``, except: with ``previous_rows`` and
    ``previous_ngrams`` (a model trained so far), the previous words' rows
    and the n-gram rows are theirs and only new words' rows are drawn; with
    ``initial`` (an ``InitialRows``), the rows at ``initial.positions`` and,
    if given, the n-gram rows are set from it.
    """
    if previous_rows is None:
        vectors = kernels.init_input_vectors(n_words + bucket, dim, seed)
    else:
        vectors = np.empty((n_words + bucket, dim), dtype=np.float32)
        vectors[:n_words] = grown_rows(previous_rows, n_words, seed, dim)
        vectors[n_words:] = previous_ngrams
    if initial is not None:
        vectors[initial.positions] = initial.rows
        if initial.ngram_rows is not None:
            vectors[n_words:] = initial.ngram_rows
    extra_rows = (buckets.astype(np.int64) + n_words).astype(np.int32)
    return kernels.InputRows(vectors, np.ascontiguousarray(indptr, dtype=np.int64), extra_rows)


def train_fasttext(ids, offsets, counts, params, indptr, buckets, bucket, *, n_jobs=None, random_state=None,
                   defer_inputs=True, start=None, on_epoch=None):
    """Train fastText; ``bucket=0`` (or no n-grams at all) trains plain word2vec.

    Parameters
    ----------
    ids, offsets, counts
        As for :func:`skvec._training.word2vec.train_word2vec`.
    params : Word2VecSettings
        The validated settings (a ``FastTextSettings`` from the estimator).
    indptr, buckets : ndarray
        Each vocabulary word's n-gram buckets (CSR).
    bucket : int
        Number of n-gram rows; 0 for none.
    defer_inputs : bool
        Apply a word's input gradients to its rows when it leaves the window
        (its cached sum follows them at once; see
        ``skvec._kernels.word2vec``) rather than after each example.  Only
        with n-grams: without them the training is word2vec's, unchanged.
    start : dict or None
        Where the input side starts: keyword arguments of
        :func:`subword_inputs` (``previous_rows``, ``previous_ngrams``,
        ``initial``), plus ``previous``, the engine's ``PreviousModel``.
        None starts from random rows.
    on_epoch : callable or None
        The engine's ``on_epoch`` hook.

    Returns
    -------
    word_rows : ndarray of shape (n_words, dim)
    ngram_rows : ndarray of shape (bucket, dim) or None
        Views of the one trained input matrix.
    result : Word2VecResult
        The engine's result (outputs, loss curve).
    """
    n_words = len(counts)
    start = dict(start or {})
    previous = start.pop("previous", None)
    if bucket > 0:
        make_inputs = partial(subword_inputs, indptr=indptr, buckets=buckets, bucket=bucket, **start)
        params = replace(params, defer_inputs=bool(defer_inputs))
    else:
        start.pop("previous_ngrams", None)
        make_inputs = partial(start_inputs, **start)
    result = train_word2vec(ids, offsets, counts, params, n_jobs=n_jobs, random_state=random_state,
                            make_inputs=make_inputs, previous=previous, on_epoch=on_epoch, logger=_LOGGER,
                            name="fasttext")
    vectors = result.inputs.vectors
    ngram_rows = vectors[n_words:] if bucket > 0 else None
    return vectors[:n_words], ngram_rows, result
