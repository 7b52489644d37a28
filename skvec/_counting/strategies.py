"""Three ways to count a corpus: in memory, spilled to disk under a memory cap, in shards.

A strategy reads a corpus once into an encoded form that knows its
vocabulary (``encode``), then counts that form with a plan (``count``).  So
``fit_transform`` reads the corpus once (twice in shards: once for the
vocabulary, once to count), ``fit`` stops after ``encode`` and ``transform``
encodes against the fitted vocabulary.  A strategy is a context manager: the
spilled one owns a temporary directory for the duration.
"""

from .._corpus import encode_corpus
from .._progress import Progress
from .engine import COUNTING_KERNELS, count_tokens, count_window, subsampled, sum_in_memory
from .shards import ShardedCorpus
from .spill import RunCollector, SpillDirectory, chunks, encode_to_file, vocabulary_limit, warn_pruned


class Strategy:
    """Settings shared by every strategy; entering and leaving it does nothing."""

    def __init__(self, tokenization, *, max_memory=None, n_shards=None, n_jobs=None, verbose=0, logger=None):
        self.tokenization = tokenization
        self.logger = logger
        self.max_memory = max_memory
        self.n_shards = n_shards
        self.n_jobs = n_jobs
        self.verbose = verbose

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def _collector(self, n_words, spill):
        """Receives partial counts; spills all but the last one in ``spill``."""
        return RunCollector((n_words, n_words), spill, max_memory=self.max_memory, n_jobs=self.n_jobs,
                            verbose=self.verbose, logger=self.logger)


class InMemory(Strategy):
    """Encode the whole corpus in memory and count it in one go."""

    def encode(self, docs, rule):
        """The corpus encoded against the vocabulary ``rule`` chooses (an ``EncodedCorpus``)."""
        return encode_corpus(
            docs,
            vocabulary=rule.fixed_words,
            min_count=rule.min_count,
            max_vocab_size=rule.max_vocab_size,
            verbose=self.verbose,
            logger=self.logger,
            **self.tokenization,
        )

    def count(self, corpus, plan):
        ids, offsets = subsampled(corpus.ids, corpus.offsets, plan)
        progress = Progress(None, desc="cooccurrence", verbose=self.verbose, unit="tokens", logger=self.logger)
        progress.compiling(*COUNTING_KERNELS)
        matrix = count_window(ids, offsets, len(corpus.vocabulary), plan, self.n_jobs)
        progress.update(len(ids))
        progress.close(nnz=matrix.nnz)
        return matrix


class Spilled(Strategy):
    """Keep the encoded corpus on disk, count it in chunks, spill and merge the partial counts."""

    def __enter__(self):
        self.spill = SpillDirectory().__enter__()
        return self

    def __exit__(self, *exc):
        return self.spill.__exit__(*exc)

    def encode(self, docs, rule):
        """The vocabulary pass (a ``SpilledCorpus``); rare words are pruned if it outgrows the cap."""
        max_words = vocabulary_limit(self.max_memory)
        corpus = encode_to_file(
            docs, self.spill, tokenization=self.tokenization, rule=rule, max_words=max_words, verbose=self.verbose,
            logger=self.logger,
        )
        warn_pruned(corpus.n_pruned, max_words)
        return corpus

    def count(self, corpus, plan):
        n_words = len(corpus.vocabulary)
        collector = self._collector(n_words, self.spill)
        progress = Progress(int(corpus.vocabulary.counts.sum()), desc="cooccurrence", verbose=self.verbose,
                            unit="tokens", logger=self.logger)
        progress.compiling(*COUNTING_KERNELS)
        position = 0
        chunk_memory = self.max_memory // 2
        for ids, offsets in chunks(corpus.read(), n_words, plan.left + plan.right, chunk_memory):
            # Spill the previous partial before counting the next chunk, so
            # that one partial at a time is in memory.  A chunk is sized so
            # that room for the bound of its entries fits in chunk_memory:
            # its rows are counted in one pass unless it is a single batch
            # too large for that.
            collector.flush()
            collector.add(count_tokens(ids, offsets, n_words, plan, self.n_jobs, position, exact=True,
                                       max_bytes=chunk_memory))
            position += len(ids)
            del ids, offsets
            progress.update(position, runs=collector.n_spilled)
        progress.close(runs=collector.n_spilled)
        return collector.result(plan.scale, plan.dtype)


class Sharded(Strategy):
    """Cut an indexable corpus into shards of documents, count them in joblib jobs, add them up."""

    def encode(self, docs, rule):
        """The vocabulary jobs (a ``ShardedCorpus`` whose vocabulary is chosen)."""
        corpus = ShardedCorpus(docs, self.n_shards, self.tokenization, self.n_jobs, self.verbose, self.logger)
        corpus.learn_vocabulary(rule)
        return corpus

    def count(self, corpus, plan):
        partials = corpus.count(plan)
        if self.max_memory is None:
            return sum_in_memory(partials, plan, self.n_jobs)
        with SpillDirectory() as spill:
            collector = self._collector(len(corpus.vocabulary), spill)
            for partial in partials:
                collector.add(partial)
            return collector.result(plan.scale, plan.dtype)


def choose_strategy(*, tokenization, max_memory, n_shards, n_jobs, verbose, logger):
    """Shards when asked for, spilling when memory is capped, else everything in memory.

    Every progress line of the count (reading, vocabulary, counting,
    merging) goes to ``logger``, the estimator's, as documented.
    """
    settings = dict(max_memory=max_memory, n_shards=n_shards, n_jobs=n_jobs, verbose=verbose, logger=logger)
    if n_shards is not None:
        return Sharded(tokenization, **settings)
    if max_memory is not None:
        return Spilled(tokenization, **settings)
    return InMemory(tokenization, **settings)
