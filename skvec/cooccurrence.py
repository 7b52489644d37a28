"""Word-context co-occurrence counts from a corpus, as a scikit-learn transformer.

The estimator validates its parameters, chooses a counting strategy (in
memory, spilled under ``max_memory``, or in ``n_shards``), lets it encode the
corpus and learn the vocabulary, derives the count's plan (weights,
fixed-point scale, subsampling) once, and lets the strategy count.  The
counting itself lives in ``skvec._counting``.
"""

import logging
from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ._corpus import (
    DEFAULT_TOKEN_PATTERN,
    CorpusInputMixin,
    VocabularyRule,
    make_analyzer,
    tokenization_params,
    words_in_row_order,
)
from ._counting.plan import make_plan
from ._counting.strategies import choose_strategy
from ._memory import parse_memory
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
_LOGGER = logging.getLogger("skvec.cooccurrence")
CONTEXTS = ("both", "left", "right")


class CooccurrenceVectorizer(CorpusInputMixin, TransformerMixin, BaseEstimator):
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
        Maximum distance between a word and its context.  A window longer
        than the longest document takes the whole document and costs no more
        memory than that.  A matrix that cannot fit in the machine's memory
        is refused with a ``MemoryError`` before it is allocated.
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
        to the uncapped count.  The temporary files live in one directory,
        ``skvec-cooccurrence-<pid>-<random>`` in ``tempfile.gettempdir()``,
        removed on success, error, ``KeyboardInterrupt`` and SIGTERM; the
        directory of a process killed outright (SIGKILL) is removed by the
        next capped count once that process id is gone.  If the vocabulary
        pass itself outgrows a quarter of the budget, rare words are pruned
        while reading as word2vec's C tool does, with a warning.  The budget
        covers the counting, not the returned matrix.
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

    # -- validation -----------------------------------------------------

    def _validate(self):
        """Check every parameter, before any document is read."""
        self._validate_params()
        # The pattern is compiled here: the sharded count tokenizes in its jobs.
        make_analyzer(**tokenization_params(self))
        # A string budget is parsed here so that its errors come early too.
        max_memory = parse_memory(self.max_memory)
        if max_memory is not None and max_memory < MIN_MEMORY:
            raise ValueError(
                f"max_memory={self.max_memory!r} is below the smallest budget the count can honour, "
                f"{MIN_MEMORY} bytes (16KiB)."
            )
        return max_memory

    def _strategy(self, max_memory):
        return choose_strategy(
            tokenization=tokenization_params(self),
            max_memory=max_memory,
            n_shards=self.n_shards,
            n_jobs=self.n_jobs,
            verbose=self.verbose,
            logger=_LOGGER,
        )

    def _plan(self, corpus):
        """The count's weights, scale and subsampling, derived once for the whole corpus."""
        subsampling = None
        if self.subsample is not None:
            subsampling = (self.word_counts_, self.subsample, self.random_state)
        return make_plan(
            window=int(self.window),
            weighting=self.weighting,
            context=self.context,
            dtype=self.dtype,
            n_tokens=int(corpus.vocabulary.counts.sum()),
            longest_document=corpus.longest_document,
            subsampling=subsampling,
        )

    # -- fitting --------------------------------------------------------

    def _fit_count(self, docs, count):
        """Learn the vocabulary of ``docs``; with ``count``, also return the matrix."""
        max_memory = self._validate()
        rule = VocabularyRule.from_params(self.vocabulary, self.min_count, self.max_vocab_size)
        with self._strategy(max_memory) as strategy:
            corpus = strategy.encode(docs, rule)
            self.vocabulary_ = corpus.vocabulary.index()
            self.word_counts_ = np.asarray(corpus.vocabulary.counts, dtype=np.int64)
            self.n_tokens_ = int(corpus.n_tokens)
            if not count:
                return None
            return strategy.count(corpus, self._plan(corpus))

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
        rule = VocabularyRule(words_in_row_order(self.vocabulary_, "vocabulary_"))
        with self._strategy(max_memory) as strategy:
            corpus = strategy.encode(X, rule)
            return strategy.count(corpus, self._plan(corpus))

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
        words[:] = words_in_row_order(self.vocabulary_, "vocabulary_")
        return words
