"""Co-occurrence counting in shards of documents through joblib.

Each shard is a contiguous range of documents.  A first round of jobs counts
the words of every shard; the vocabulary is their sum, ordered as the
in-memory encoder orders it (shards are concatenated in order, so first
occurrences agree).  A second round encodes each shard against the vocabulary
and counts it into an int64 fixed-point matrix; the parent adds them up.
Shards of an indexable corpus that is not a list (for instance one read
lazily from a file) are sliced inside the job, so only the corpus object, not
its text, travels to the workers.  Any joblib backend runs the jobs,
including Dask's.
"""

import numpy as np
from joblib import Parallel, delayed
from joblib import effective_n_jobs as joblib_n_jobs

from .._corpus import check_documents, encode_documents, encode_with_vocabulary, make_analyzer
from .._kernels import cooccurrence as kernels
from .._threads import effective_n_jobs
from .engine import count_window


def _check_indexable(docs):
    check_documents(docs)
    if not hasattr(docs, "__len__") or not hasattr(docs, "__getitem__"):
        raise TypeError(
            "n_shards needs a corpus that supports len() and slicing (a list, or a file-backed corpus); "
            f"got {type(docs).__name__}."
        )
    if len(docs) == 0:
        raise ValueError("The corpus is empty: it contains no document.")


def shard_bounds(n_docs, n_shards):
    n_shards = max(1, min(n_shards, n_docs))
    return np.linspace(0, n_docs, n_shards + 1).round().astype(np.int64)


def _slice(docs, start, stop):
    try:
        return docs[start:stop]
    except (TypeError, KeyError, IndexError):
        return docs[np.arange(start, stop)]


def _shard_arguments(docs, bounds):
    """(docs, start, stop) per shard: lists are sliced here, other corpora in the job."""
    lazy = not isinstance(docs, (list, tuple, np.ndarray))
    for start, stop in zip(bounds[:-1], bounds[1:]):
        if lazy:
            yield docs, int(start), int(stop)
        else:
            yield docs[start:stop], None, None


def _shard_docs(docs, start, stop):
    return docs if start is None else _slice(docs, start, stop)


def _vocabulary_job(docs, start, stop, tokenization):
    index = {}
    ids, _ = encode_documents(_shard_docs(docs, start, stop), make_analyzer(**tokenization), index, True, 0, "vocabulary")
    return list(index), np.bincount(ids, minlength=len(index)).astype(np.int64)


def _count_job(docs, start, stop, tokenization, vocabulary, count_args, subsample_args, n_threads):
    ids, offsets = encode_with_vocabulary(_shard_docs(docs, start, stop), vocabulary, **tokenization)
    if subsample_args is not None:
        keep, seed, first_position = subsample_args
        ids, offsets = kernels.subsample(ids, offsets, keep, seed, first_position)
    n_words, weights, left, right = count_args
    return count_window(ids, offsets, n_words, weights, left, right, n_threads)


class ShardedCorpus:
    """A corpus cut into shards, counted by joblib jobs."""

    def __init__(self, docs, n_shards, tokenization, n_jobs, verbose):
        _check_indexable(docs)
        self.docs = docs
        self.bounds = shard_bounds(len(docs), n_shards)
        self.tokenization = tokenization
        self.n_jobs = n_jobs
        self.verbose = verbose

    def _parallel(self, **kwargs):
        return Parallel(n_jobs=self.n_jobs, verbose=max(self.verbose - 1, 0), **kwargs)

    def vocabulary_counts(self):
        """Words in first-occurrence order, their counts, per-shard counts and the token total."""
        results = self._parallel()(
            delayed(_vocabulary_job)(docs, start, stop, self.tokenization)
            for docs, start, stop in _shard_arguments(self.docs, self.bounds)
        )
        index = {}
        for words, _ in results:
            for word in words:
                index.setdefault(word, len(index))
        counts = np.zeros(len(index), dtype=np.int64)
        shard_rows = []
        for words, shard_counts in results:
            rows = np.fromiter((index[w] for w in words), dtype=np.int64, count=len(words))
            counts[rows] += shard_counts
            shard_rows.append((rows, shard_counts))
        n_tokens = int(counts.sum())
        return list(index), counts, shard_rows, n_tokens

    def count(self, vocabulary, count_args, subsample_args):
        """Yield the int64 partial count of each shard, in shard order.

        ``subsample_args`` is None or ``(keep, seed, first_positions)`` with
        one first position per shard.
        """
        n_threads = max(1, effective_n_jobs(None) // max(1, joblib_n_jobs(self.n_jobs)))
        jobs = []
        for i, (docs, start, stop) in enumerate(_shard_arguments(self.docs, self.bounds)):
            shard_subsample = None
            if subsample_args is not None:
                keep, seed, first_positions = subsample_args
                shard_subsample = (keep, seed, int(first_positions[i]))
            jobs.append(delayed(_count_job)(docs, start, stop, self.tokenization, vocabulary, count_args,
                                            shard_subsample, n_threads))
        # Partials are handed over as they come, so that a capped reduction
        # can spill each before the next arrives.
        yield from self._parallel(return_as="generator")(jobs)
