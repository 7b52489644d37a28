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
from .._threads import effective_n_jobs
from .engine import count_tokens


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
    analyzer = make_analyzer(**tokenization)
    ids, offsets = encode_documents(_shard_docs(docs, start, stop), analyzer, index, True, 0, "vocabulary")
    longest = int(np.diff(offsets).max())
    return list(index), np.bincount(ids, minlength=len(index)).astype(np.int64), longest


def _count_job(docs, start, stop, tokenization, vocabulary, plan, first_position, n_threads):
    ids, offsets = encode_with_vocabulary(_shard_docs(docs, start, stop), vocabulary, **tokenization)
    return count_tokens(ids, offsets, len(vocabulary), plan, n_threads, first_position, exact=True)


class ShardedCorpus:
    """A corpus cut into shards, counted by joblib jobs."""

    def __init__(self, docs, n_shards, tokenization, n_jobs, verbose, logger):
        _check_indexable(docs)
        self.docs = docs
        self.bounds = shard_bounds(len(docs), n_shards)
        self.tokenization = tokenization
        self.n_jobs = n_jobs
        self.verbose = verbose
        self.logger = logger

    def _parallel(self, **kwargs):
        return Parallel(n_jobs=self.n_jobs, verbose=max(self.verbose - 1, 0), **kwargs)

    def learn_vocabulary(self, rule):
        """Count every shard's words in jobs, add them up and choose the vocabulary by ``rule``.

        Sets ``vocabulary``, ``n_tokens``, ``longest_document`` and the
        position of each shard's first vocabulary token (for subsampling).
        """
        results = self._parallel()(
            delayed(_vocabulary_job)(docs, start, stop, self.tokenization)
            for docs, start, stop in _shard_arguments(self.docs, self.bounds)
        )
        index = {}
        for words, _, _ in results:
            for word in words:
                index.setdefault(word, len(index))
        counts = np.zeros(len(index), dtype=np.int64)
        shard_rows = []
        for words, shard_counts, _ in results:
            rows = np.fromiter((index[w] for w in words), dtype=np.int64, count=len(words))
            counts[rows] += shard_counts
            shard_rows.append((rows, shard_counts))
        self.n_tokens = int(counts.sum())
        self.longest_document = max(longest for _, _, longest in results)
        self.vocabulary, remap = rule.choose(list(index), counts, self.verbose, self.logger)
        shard_tokens = [int(c[remap[rows] >= 0].sum()) for rows, c in shard_rows]
        self.first_positions = np.concatenate([[0], np.cumsum(shard_tokens)[:-1]]).astype(np.int64)

    def count(self, plan):
        """Yield the int64 partial count of each shard, in shard order."""
        n_threads = max(1, effective_n_jobs(None) // max(1, joblib_n_jobs(self.n_jobs)))
        vocabulary = self.vocabulary.index()
        jobs = [
            delayed(_count_job)(docs, start, stop, self.tokenization, vocabulary, plan, int(first), n_threads)
            for (docs, start, stop), first in zip(_shard_arguments(self.docs, self.bounds), self.first_positions)
        ]
        # Partials are handed over as they come, so that a capped reduction
        # can spill each before the next arrives.
        yield from self._parallel(return_as="generator")(jobs)
