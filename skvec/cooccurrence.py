"""Word-context co-occurrence counts from a corpus, as a scikit-learn transformer."""

import math
from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ._corpus import (
    DEFAULT_TOKEN_PATTERN,
    check_fixed_vocabulary,
    encode_corpus,
    encode_with_vocabulary,
    make_analyzer,
    select_vocabulary,
    vocabulary_dict,
)
from ._counting.engine import canonical_csr, count_window
from ._counting.shards import ShardedCorpus
from ._counting.spill import (
    RunCollector,
    SpillDirectory,
    chunks,
    encode_to_file,
    parse_memory,
    scaled,
    vocabulary_limit,
    warn_pruned,
)
from ._kernels import cooccurrence as kernels
from ._progress import Progress
from ._random import thread_seeds
from ._threads import numba_threads
from ._validation import (
    FIXED_VOCABULARY,
    FLOAT_DTYPES,
    MEMORY,
    MIN_MEMORY,
    N_JOBS,
    POSITIVE_INT,
    TOKENIZATION_CONSTRAINTS,
    VERBOSE,
    VOCABULARY_CONSTRAINTS,
    Interval,
    StrOptions,
)

WEIGHTINGS = ("harmonic", "uniform", "linear")
CONTEXTS = ("both", "left", "right")

# Fixed-point sums must stay below this bound (int64 with a factor 2 spare).
_MAX_FIXED_POINT = 2**62


def weight_table(window, weighting, max_count):
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
    """
    distances = np.arange(1, window + 1, dtype=np.float64)
    if weighting == "uniform":
        exact = np.ones(window)
    elif weighting == "linear":
        exact = (window - distances + 1) / window
    else:
        exact = 1.0 / distances
    max_count = max(int(max_count), 1)
    # Least common denominator; beyond a window of 40 that of the harmonic
    # weights is far too large to be of use.
    if weighting == "uniform":
        denominator = 1
    elif weighting == "linear":
        denominator = window
    else:
        denominator = math.lcm(*range(1, window + 1)) if window <= 40 else None
    if denominator is not None:
        if weighting == "harmonic":
            numerators = [denominator // d for d in range(1, window + 1)]
        else:
            numerators = [window - d + 1 if weighting == "linear" else 1 for d in range(1, window + 1)]
        if max_count * 2 * sum(numerators) < _MAX_FIXED_POINT:
            weights = np.zeros(window + 1, dtype=np.int64)
            weights[1:] = numerators
            return weights, denominator
    bits = int(math.floor(math.log2(_MAX_FIXED_POINT / (max_count * 2 * exact.sum()))))
    scale = 2.0**bits
    weights = np.zeros(window + 1, dtype=np.int64)
    weights[1:] = np.maximum(np.rint(exact * scale), 1).astype(np.int64)
    return weights, scale


def keep_probabilities(word_counts, subsample):
    """word2vec's probability of keeping each occurrence of a word.

    ``(sqrt(f / (s T)) + 1) * (s T) / f`` for a word seen ``f`` times among
    ``T`` vocabulary tokens (values above 1 mean always kept).
    """
    counts = np.asarray(word_counts, dtype=np.float64)
    threshold = subsample * counts.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        keep = (np.sqrt(counts / threshold) + 1.0) * threshold / counts
    keep[counts == 0] = 1.0
    return keep


def _sum_in_memory(partials, scale, dtype, n_jobs):
    """Add int64 partial counts as they arrive; the last addition writes the floats."""
    total = pending = None
    with numba_threads(n_jobs):
        for partial in partials:
            if pending is not None:
                total = pending if total is None else canonical_csr(total.shape, *kernels.add_pair(total, pending, np.int64, 0))
            pending = partial
        if total is None:
            return scaled(pending, scale, dtype)
        return canonical_csr(total.shape, *kernels.add_pair(total, pending, dtype, scale))


class CooccurrenceVectorizer(TransformerMixin, BaseEstimator):
    """Count how often each word occurs near each other word.

    Every vocabulary word is a row; its columns are the context words (the
    same vocabulary, same order), and a cell sums the window weights of all
    occurrences of the context within ``window`` tokens of the word.
    Documents are boundaries: no window crosses one.  Out-of-vocabulary
    tokens are removed before windowing (as in word2vec and GloVe), so the
    window spans vocabulary words only.

    The counting runs in parallel Numba threads over the rows of the matrix
    and never materializes the list of (word, context) pairs.  Sums are
    accumulated in exact fixed-point arithmetic and divided once at the end,
    so the result does not depend on ``n_jobs``.

    Parameters
    ----------
    window : int, default=10
        Maximum distance between a word and its context.
    weighting : {"harmonic", "uniform", "linear"}, default="harmonic"
        Weight of a context at distance ``d``: ``1/d`` (GloVe), ``1``, or
        ``(window - d + 1) / window``, the expected weight under word2vec's
        dynamic window.
    context : {"both", "left", "right"}, default="both"
        Which side of the word the context is taken from.
    min_count : int, default=5
        Words occurring fewer times are left out of the vocabulary.
    max_vocab_size : int or None, default=None
        Keep at most this many of the most frequent words.
    vocabulary : mapping or iterable of str, default=None
        A fixed vocabulary (word -> row, or words in row order);
        ``min_count`` and ``max_vocab_size`` are then ignored.
    subsample : float or None, default=None
        word2vec's down-sampling of frequent words (e.g. ``1e-3``): an
        occurrence of a word seen ``f`` times among ``T`` tokens is kept with
        probability ``(sqrt(f / (s T)) + 1) * s T / f``, before windowing;
        ``s`` is in ``(0, 1]``.
        ``transform`` uses the fitted ``word_counts_`` for ``f`` and ``T``,
        so ``fit(X).transform(X)`` equals ``fit_transform(X)``.
    random_state : int, RandomState instance or None, default=None
        Seeds the subsampling draws; the draw of a token depends only on the
        seed and its position, so the result does not depend on ``n_jobs``.
    lowercase : bool, default=True
        Lowercase string documents before tokenizing.
    token_pattern : str, default=r"(?u)\\b\\w+\\b"
        Regular expression of a token in string documents.
    tokenizer : callable, default=None
        Overrides ``token_pattern``: a function from a string to its tokens.
    dtype : {np.float32, np.float64}, default=np.float32
        Type of the matrix values.
    max_memory : int, str or None, default=None
        Memory budget of the count, in bytes or as a string such as
        ``"1GB"`` or ``"512MiB"``; at least 16KiB.  The corpus is then read once, its encoded
        ids are kept in a temporary file, it is counted in chunks that fit
        the budget, and the partial counts are spilled to temporary files and
        merged with a bounded number of files open.  The result is identical
        to the uncapped count.  The temporary files are removed on success,
        error and interruption.  If the vocabulary pass itself outgrows a
        quarter of the budget, rare words are pruned while reading as
        word2vec's C tool does, with a warning.  The budget covers the
        counting, not the returned matrix.
    n_shards : int or None, default=None
        Cut the corpus (which must support ``len`` and slicing) into this
        many shards of consecutive documents and count them in joblib jobs
        (``n_jobs`` of them at once, on the active joblib backend, e.g.
        Dask's); the shard matrices are added up.  Tokenization then runs in
        parallel too, at the price of reading every shard twice.  Shards of
        a corpus that is not a list are sliced inside the jobs.
    n_jobs : int, default=None
        Counting threads (``None`` uses all of Numba's threads, ``-1`` too),
        or, with ``n_shards``, parallel joblib jobs.
    verbose : int, default=0
        How much progress is logged (loggers ``skvec.cooccurrence`` and
        ``skvec._corpus``; shown on stderr when the application configured no
        logging): 0 nothing; 1 the vocabulary summary and one line per stage;
        2 also periodic lines while reading and counting.

    Attributes
    ----------
    vocabulary_ : dict
        Word -> row (and column) of the matrix.
    word_counts_ : ndarray of int64, shape (n_words,)
        Occurrences of each word in the training corpus.
    n_tokens_ : int
        Tokens read from the training corpus, before out-of-vocabulary
        tokens were removed.

    See Also
    --------
    sklearn.feature_extraction.text.CountVectorizer : Counts words per document.

    Examples
    --------
    >>> from skvec import CooccurrenceVectorizer
    >>> docs = ["the cat sat on the mat", "the dog sat on the log"]
    >>> vectorizer = CooccurrenceVectorizer(window=2, weighting="uniform", min_count=1)
    >>> counts = vectorizer.fit_transform(docs)
    >>> counts.shape
    (7, 7)
    >>> words = vectorizer.get_feature_names_out()
    >>> words[:3]
    array(['the', 'sat', 'on'], dtype=object)
    >>> int(counts[vectorizer.vocabulary_["sat"], vectorizer.vocabulary_["on"]])
    2
    """

    _parameter_constraints = {
        "window": [POSITIVE_INT],
        "weighting": [StrOptions(set(WEIGHTINGS))],
        "context": [StrOptions(set(CONTEXTS))],
        **VOCABULARY_CONSTRAINTS,
        "vocabulary": FIXED_VOCABULARY,
        "subsample": [Interval(Real, 0, 1, closed="right"), None],
        "random_state": ["random_state"],
        **TOKENIZATION_CONSTRAINTS,
        "dtype": FLOAT_DTYPES,
        "max_memory": MEMORY,
        "n_shards": [POSITIVE_INT, None],
        "n_jobs": N_JOBS,
        "verbose": VERBOSE,
    }

    def __init__(
        self,
        *,
        window=10,
        weighting="harmonic",
        context="both",
        min_count=5,
        max_vocab_size=None,
        vocabulary=None,
        subsample=None,
        random_state=None,
        lowercase=True,
        token_pattern=DEFAULT_TOKEN_PATTERN,
        tokenizer=None,
        dtype=np.float32,
        max_memory=None,
        n_shards=None,
        n_jobs=None,
        verbose=0,
    ):
        self.window = window
        self.weighting = weighting
        self.context = context
        self.min_count = min_count
        self.max_vocab_size = max_vocab_size
        self.vocabulary = vocabulary
        self.subsample = subsample
        self.random_state = random_state
        self.lowercase = lowercase
        self.token_pattern = token_pattern
        self.tokenizer = tokenizer
        self.dtype = dtype
        self.max_memory = max_memory
        self.n_shards = n_shards
        self.n_jobs = n_jobs
        self.verbose = verbose

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.input_tags.sparse = False
        return tags

    # -- validation -----------------------------------------------------

    def _validate(self):
        """Check every parameter, before any document is read."""
        self._validate_params()
        # The pattern is compiled here: the sharded count tokenizes in its jobs.
        make_analyzer(**self._tokenization())
        # A string budget is parsed here so that its errors come early too.
        max_memory = parse_memory(self.max_memory)
        if max_memory is not None and max_memory < MIN_MEMORY:
            raise ValueError(
                f"max_memory={self.max_memory!r} is below the smallest budget the count can honour, "
                f"{MIN_MEMORY} bytes (16KiB)."
            )
        return max_memory

    def _settings(self):
        window = int(self.window)
        left = window if self.context in ("both", "left") else 0
        right = window if self.context in ("both", "right") else 0
        return window, left, right, np.dtype(self.dtype)

    def _tokenization(self):
        return dict(lowercase=self.lowercase, token_pattern=self.token_pattern, tokenizer=self.tokenizer)

    # -- fitting --------------------------------------------------------

    def _set_vocabulary(self, words, counts, n_tokens):
        self.vocabulary_ = vocabulary_dict(words)
        self.word_counts_ = np.asarray(counts, dtype=np.int64)
        self.n_tokens_ = int(n_tokens)

    def _fit_count(self, docs, count):
        """Learn the vocabulary of ``docs``; with ``count``, also return the matrix."""
        max_memory = self._validate()
        params = self._settings()
        if self.n_shards is not None:
            return self._sharded(docs, params, self.n_shards, max_memory, fit=True, count=count)
        if max_memory is not None:
            return self._spilled(docs, params, max_memory, fit=True, count=count)
        corpus = encode_corpus(
            docs,
            min_count=self.min_count,
            max_vocab_size=self.max_vocab_size,
            vocabulary=self.vocabulary,
            verbose=self.verbose,
            **self._tokenization(),
        )
        self._set_vocabulary(corpus.words, corpus.counts, corpus.n_tokens)
        if count:
            return self._count(corpus.ids, corpus.offsets, params)
        return None

    def fit(self, X, y=None):
        """Learn the vocabulary of a corpus.

        Parameters
        ----------
        X : iterable of str or of sequences of str
            The documents.
        y : None
            Ignored.

        Returns
        -------
        self : CooccurrenceVectorizer
        """
        self._fit_count(X, count=False)
        return self

    def fit_transform(self, X, y=None):
        """Learn the vocabulary and count the co-occurrences of a corpus.

        The corpus is read and tokenized once (twice with ``n_shards``).

        Parameters
        ----------
        X : iterable of str or of sequences of str
            The documents.
        y : None
            Ignored.

        Returns
        -------
        counts : scipy.sparse.csr_matrix of shape (n_words, n_words)
        """
        return self._fit_count(X, count=True)

    def transform(self, X):
        """Count the co-occurrences of a corpus against the fitted vocabulary.

        Parameters
        ----------
        X : iterable of str or of sequences of str
            The documents; words outside ``vocabulary_`` are removed before
            windowing.

        Returns
        -------
        counts : scipy.sparse.csr_matrix of shape (n_words, n_words)
        """
        check_is_fitted(self, "vocabulary_")
        max_memory = self._validate()
        params = self._settings()
        if self.n_shards is not None:
            return self._sharded(X, params, self.n_shards, max_memory, fit=False, count=True)
        if max_memory is not None:
            return self._spilled(X, params, max_memory, fit=False, count=True)
        ids, offsets = encode_with_vocabulary(X, self.vocabulary_, verbose=self.verbose, **self._tokenization())
        return self._count(ids, offsets, params)

    def _subsampling(self):
        if self.subsample is None:
            return None, None
        return keep_probabilities(self.word_counts_, self.subsample), thread_seeds(self.random_state, 1)[0]

    def _count(self, ids, offsets, params):
        window, left, right, dtype = params
        n_words = len(self.vocabulary_)
        # The scale depends on the corpus size only, not on its split into
        # pieces, so every way of counting it agrees bit for bit.
        weights, scale = weight_table(window, self.weighting, len(ids))
        keep, seed = self._subsampling()
        if keep is not None:
            ids, offsets = kernels.subsample(ids, offsets, keep, seed, 0)
        progress = Progress(None, desc="cooccurrence", verbose=self.verbose, unit="tokens")
        matrix = count_window(ids, offsets, n_words, weights, left, right, self.n_jobs, scale, dtype)
        progress.update(len(ids))
        progress.close(nnz=matrix.nnz)
        return matrix

    def _spilled(self, docs, params, max_memory, fit, count):
        window, left, right, dtype = params
        with SpillDirectory() as spill:
            max_words = vocabulary_limit(max_memory)
            words, counts, n_tokens, encoded, final_ids, n_pruned = encode_to_file(
                docs,
                spill,
                tokenization=self._tokenization(),
                min_count=self.min_count,
                max_vocab_size=self.max_vocab_size,
                vocabulary=self.vocabulary if fit else self.vocabulary_,
                max_words=max_words,
                verbose=self.verbose,
            )
            warn_pruned(n_pruned, max_words)
            if fit:
                self._set_vocabulary(words, counts, n_tokens)
            if not count:
                return None
            n_words = len(self.vocabulary_)
            weights, scale = weight_table(window, self.weighting, int(counts.sum()))
            keep, seed = self._subsampling()
            collector = RunCollector((n_words, n_words), spill, max_memory=max_memory, n_jobs=self.n_jobs,
                                     verbose=self.verbose)
            progress = Progress(int(counts.sum()), desc="cooccurrence", verbose=self.verbose, unit="tokens")
            position = 0
            for ids, offsets in chunks(encoded.read(final_ids), n_words, left + right, max_memory // 2):
                n_chunk = len(ids)
                if keep is not None:
                    ids, offsets = kernels.subsample(ids, offsets, keep, seed, position)
                position += n_chunk
                # Spill the previous partial before counting the next chunk, so
                # that one partial at a time is in memory.
                collector.flush()
                collector.add(count_window(ids, offsets, n_words, weights, left, right, self.n_jobs))
                del ids, offsets
                progress.update(position, runs=collector.n_spilled)
            progress.close(runs=collector.n_spilled)
            return collector.result(scale, dtype)

    def _sharded(self, docs, params, n_shards, max_memory, fit, count):
        window, left, right, dtype = params
        sharded = ShardedCorpus(docs, n_shards, self._tokenization(), self.n_jobs, self.verbose)
        all_words, all_counts, shard_rows, n_tokens = sharded.vocabulary_counts()
        if fit and self.vocabulary is None:
            kept = select_vocabulary(all_counts, self.min_count, self.max_vocab_size, self.verbose)
            words = [all_words[i] for i in kept]
        else:
            words = check_fixed_vocabulary(self.vocabulary) if fit else list(self.get_feature_names_out())
            position = vocabulary_dict(all_words)
            kept = np.array([position.get(w, -1) for w in words], dtype=np.int64)
        padded = np.append(all_counts, 0)
        counts = padded[kept]
        if fit:
            self._set_vocabulary(words, counts, n_tokens)
        if not count:
            return None
        n_words = len(words)
        in_vocabulary = np.zeros(len(all_words) + 1, dtype=bool)
        in_vocabulary[kept] = True
        in_vocabulary[-1] = False
        shard_tokens = [int(c[in_vocabulary[rows]].sum()) for rows, c in shard_rows]
        weights, scale = weight_table(window, self.weighting, sum(shard_tokens))
        keep, seed = self._subsampling()
        subsample_args = None
        if keep is not None:
            subsample_args = (keep, seed, np.concatenate([[0], np.cumsum(shard_tokens)[:-1]]))
        partials = sharded.count(self.vocabulary_, (n_words, weights, left, right), subsample_args)
        if max_memory is None:
            return _sum_in_memory(partials, scale, dtype, self.n_jobs)
        with SpillDirectory() as spill:
            collector = RunCollector((n_words, n_words), spill, max_memory=max_memory, n_jobs=self.n_jobs,
                                     verbose=self.verbose)
            for partial in partials:
                collector.add(partial)
            return collector.result(scale, dtype)

    def get_feature_names_out(self, input_features=None):
        """Context words, in column order.

        Parameters
        ----------
        input_features : None
            Ignored (the input is text).

        Returns
        -------
        feature_names_out : ndarray of str objects
        """
        check_is_fitted(self, "vocabulary_")
        words = np.empty(len(self.vocabulary_), dtype=object)
        for word, row in self.vocabulary_.items():
            words[row] = word
        return words
