"""Word2VecEmbedder: skip-gram and CBOW as in the original C word2vec tool."""

import time
from numbers import Real

from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin

from ._corpus import DEFAULT_TOKEN_PATTERN, CorpusInputMixin, encode_corpus, vocabulary_dict
from ._progress import log_memory
from ._training.word2vec import train_word2vec
from ._validation import (
    N_JOBS,
    NON_NEGATIVE_INT,
    NON_NEGATIVE_REAL,
    POSITIVE_INT,
    POSITIVE_REAL,
    TOKENIZATION_CONSTRAINTS,
    VERBOSE,
    VOCABULARY_CONSTRAINTS,
    Interval,
    StrOptions,
    check_fits_in_memory,
)

# Bound of |ns_exponent|: count ** 10 stays finite in float64 for any count
# below 10**30, and larger exponents put all the mass on one word anyway.
_MAX_NS_EXPONENT = 10.0


class Word2VecEmbedder(CorpusInputMixin, ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Word vectors learned by word2vec (skip-gram or CBOW).

    Training follows the original C tool (``word2vec.c``) rather than the
    paper: input vectors uniform in ``[-0.5, 0.5) / n_components``, output
    vectors zero; frequent words down-sampled with C's keep probability as
    each sentence is read, every epoch; documents cut into sentences of at
    most 1000 kept words; dynamic window ``window - (r % window)``; the
    input-vector gradient accumulated over the positive and all negative (or
    Huffman-tree) outputs and applied once; in skip-gram each context word's
    vector is trained to predict the focus word; a negative equal to the
    positive word skipped; sigmoid from C's table, saturated at +-6; linear
    learning-rate decay over all epochs; C's linear congruential generator.
    Negatives are drawn exactly from ``count ** ns_exponent`` with an alias
    table instead of C's 400 MB table.

    Parameters
    ----------
    n_components : int, default=100
        Dimension of the vectors.
    architecture : {"skipgram", "cbow"}, default="skipgram"
        Skip-gram predicts the focus word from each context word; CBOW
        predicts it from the sum (or mean) of the context vectors.
    window : int, default=5
        Maximum distance between the focus word and a context word.
    negative : int, default=5
        Negative samples per positive example; 0 turns negative sampling off
        (then ``hierarchical_softmax`` must be on).
    hierarchical_softmax : bool, default=False
        Also (or instead) train a hierarchical softmax over C's Huffman tree.
    ns_exponent : float, default=0.75
        Negatives are drawn in proportion to ``count ** ns_exponent``; in
        ``[-10, 10]`` (0 draws uniformly, negative values favour rare words).
    sample : float, default=1e-3
        Down-sampling threshold for frequent words, in ``[0, 1]``; 0 disables it.  A word of
        frequency ``f`` is kept with probability
        ``(sqrt(f / sample) + 1) * sample / f``.
    alpha : float or None, default=None
        Initial learning rate; None means 0.025 for skip-gram and 0.05 for
        CBOW, as in C.
    min_alpha : float or None, default=None
        Floor of the learning rate, which falls linearly as
        ``alpha * (1 - progress)`` over all epochs; None means
        ``alpha * 1e-4``.
    epochs : int, default=5
        Passes over the corpus.
    min_count : int, default=5
        Words occurring fewer times are dropped before training.
    max_vocab_size : int or None, default=None
        Keep at most this many of the most frequent words.
    cbow_mean : bool, default=True
        In CBOW, average the context vectors (True) or sum them.
    shrink_windows : bool, default=True
        Draw the effective window size uniformly in ``1..window`` for each
        focus word, as C does; False always uses ``window``.
    lowercase : bool, default=True
        Lowercase string documents before tokenizing.
    token_pattern : str, default=r"(?u)\\b\\w+\\b"
        Regular expression for tokens of string documents.
    tokenizer : callable or None, default=None
        Overrides ``token_pattern``.
    n_jobs : int or None, default=None
        Training threads (None: all of Numba's).  With more than one thread
        training is Hogwild, as in C: threads update shared vectors without
        locks, so results are not bit-reproducible even with a fixed
        ``random_state``.  With ``n_jobs=1`` and a fixed ``random_state`` two
        fits are bit-identical.
    random_state : int, RandomState instance or None, default=None
        Seeds the initial vectors and each thread's generator.
    verbose : int, default=0
        How much progress is logged (logger ``skvec.word2vec``; shown on
        stderr when the application configured no logging): 0 nothing; 1 the
        vocabulary summary, the memory estimate and one line per epoch (loss,
        words/s, time left); 2 also up to 10 lines per epoch (percent,
        learning rate, running loss).  See the user guide's "Progress and
        logging".

    Attributes
    ----------
    vocabulary_ : dict
        Word -> row of ``embedding_``; rows ordered by decreasing count.
    word_counts_ : ndarray of shape (n_words,), dtype int64
        Occurrences of each vocabulary word in the corpus.
    embedding_ : ndarray of shape (n_words, n_components), dtype float32
        The word vectors (C's ``syn0``).
    context_embedding_ : ndarray of shape (n_words, n_components) or None
        The negative-sampling output vectors (C's ``syn1neg``); None when
        ``negative == 0``.
    loss_curve_ : list of float
        Mean loss per training example (a skip-gram pair or a CBOW focus
        word) in each epoch, summed in float64.
    n_train_words_ : int
        Vocabulary tokens in the corpus (one epoch, before down-sampling).
    encoding_time_ : float
        Seconds spent reading and encoding the corpus.
    training_time_ : float
        Seconds spent training.

    See Also
    --------
    GloVeEmbedder : Word vectors from a co-occurrence matrix.
    FastTextEmbedder : word2vec with character n-grams, so any string gets a vector.

    Notes
    -----
    Mikolov et al., "Efficient Estimation of Word Representations in Vector
    Space" (2013) and "Distributed Representations of Words and Phrases and
    their Compositionality" (2013).  Long documents are split between threads
    at arbitrary token positions, as C splits its training file.

    Examples
    --------
    >>> from skvec import Word2VecEmbedder
    >>> docs = ["the cat sat on the mat", "the dog sat on the log"] * 50
    >>> model = Word2VecEmbedder(n_components=10, min_count=1, n_jobs=1,
    ...                          random_state=0).fit(docs)
    >>> model.embedding_.shape
    (7, 10)
    >>> model.vocabulary_["the"]
    0
    """

    _parameter_constraints = {
        "n_components": [POSITIVE_INT],
        "architecture": [StrOptions({"skipgram", "cbow"})],
        "window": [POSITIVE_INT],
        "negative": [NON_NEGATIVE_INT],
        "hierarchical_softmax": ["boolean"],
        "ns_exponent": [Interval(Real, -_MAX_NS_EXPONENT, _MAX_NS_EXPONENT, closed="both")],
        "sample": [Interval(Real, 0, 1, closed="both")],
        "alpha": [POSITIVE_REAL, None],
        "min_alpha": [NON_NEGATIVE_REAL, None],
        "epochs": [POSITIVE_INT],
        **VOCABULARY_CONSTRAINTS,
        "cbow_mean": ["boolean"],
        "shrink_windows": ["boolean"],
        **TOKENIZATION_CONSTRAINTS,
        "n_jobs": N_JOBS,
        "random_state": ["random_state"],
        "verbose": VERBOSE,
    }

    def __init__(
        self,
        n_components=100,
        *,
        architecture="skipgram",
        window=5,
        negative=5,
        hierarchical_softmax=False,
        ns_exponent=0.75,
        sample=1e-3,
        alpha=None,
        min_alpha=None,
        epochs=5,
        min_count=5,
        max_vocab_size=None,
        cbow_mean=True,
        shrink_windows=True,
        lowercase=True,
        token_pattern=DEFAULT_TOKEN_PATTERN,
        tokenizer=None,
        n_jobs=None,
        random_state=None,
        verbose=0,
    ):
        self.n_components = n_components
        self.architecture = architecture
        self.window = window
        self.negative = negative
        self.hierarchical_softmax = hierarchical_softmax
        self.ns_exponent = ns_exponent
        self.sample = sample
        self.alpha = alpha
        self.min_alpha = min_alpha
        self.epochs = epochs
        self.min_count = min_count
        self.max_vocab_size = max_vocab_size
        self.cbow_mean = cbow_mean
        self.shrink_windows = shrink_windows
        self.lowercase = lowercase
        self.token_pattern = token_pattern
        self.tokenizer = tokenizer
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose

    def _check_params(self):
        """Validate the parameters (before any document is read); return the settings."""
        self._validate_params()
        if self.negative == 0 and not self.hierarchical_softmax:
            raise ValueError(
                "negative=0 leaves nothing to train unless hierarchical_softmax=True; "
                "set negative >= 1 or hierarchical_softmax=True."
            )
        alpha = (0.025 if self.architecture == "skipgram" else 0.05) if self.alpha is None else float(self.alpha)
        min_alpha = alpha * 1e-4 if self.min_alpha is None else float(self.min_alpha)
        if min_alpha > alpha:
            raise ValueError(f"min_alpha={self.min_alpha!r} must not exceed alpha={alpha!r}.")
        return {
            "n_components": int(self.n_components),
            "architecture": self.architecture,
            "window": int(self.window),
            "negative": int(self.negative),
            "hs": bool(self.hierarchical_softmax),
            "ns_exponent": float(self.ns_exponent),
            "sample": float(self.sample),
            "alpha": alpha,
            "min_alpha": min_alpha,
            "epochs": int(self.epochs),
            "cbow_mean": bool(self.cbow_mean),
            "shrink_windows": bool(self.shrink_windows),
            "verbose": int(self.verbose),
        }

    def fit(self, X, y=None):
        """Learn the vocabulary and the word vectors from a corpus.

        Parameters
        ----------
        X : iterable of str or of sequences of str
            The documents.  Strings are tokenized with ``lowercase``,
            ``token_pattern`` and ``tokenizer``; token sequences are used as
            they are.  Read once.
        y : None
            Ignored.

        Returns
        -------
        self : Word2VecEmbedder
            The fitted estimator.
        """
        params = self._check_params()
        started = time.perf_counter()
        corpus = encode_corpus(
            X,
            lowercase=self.lowercase,
            token_pattern=self.token_pattern,
            tokenizer=self.tokenizer,
            min_count=self.min_count,
            max_vocab_size=self.max_vocab_size,
            verbose=params["verbose"],
        )
        self.encoding_time_ = time.perf_counter() - started
        self.vocabulary_ = vocabulary_dict(corpus.words)
        self.word_counts_ = corpus.counts
        self.n_train_words_ = int(len(corpus.ids))
        memory = _training_memory(corpus, params)
        check_fits_in_memory(
            memory,
            f"lower n_components (now {self.n_components!r}) or keep fewer words (min_count, max_vocab_size)",
        )
        log_memory(params["verbose"], "word2vec", memory)
        started = time.perf_counter()
        self._train(corpus.ids, corpus.offsets, corpus.counts, params)
        self.training_time_ = time.perf_counter() - started
        return self

    def fit_transform(self, X, y=None):
        """Fit on a corpus and return the word vectors.

        Parameters
        ----------
        X : iterable of str or of sequences of str
            The documents.
        y : None
            Ignored.

        Returns
        -------
        embedding : ndarray of shape (n_words, n_components)
            ``embedding_``, one row per vocabulary word.
        """
        return self.fit(X, y).embedding_

    @property
    def _n_features_out(self):
        return self.embedding_.shape[1]

    def _train(self, ids, offsets, counts, params):
        result = train_word2vec(
            ids, offsets, counts, params, n_jobs=self.n_jobs, random_state=self.random_state
        )
        self.embedding_ = result.inputs.vectors
        self.context_embedding_ = result.outputs.syn1neg if params["negative"] > 0 else None
        self.loss_curve_ = result.loss_curve


def _training_memory(corpus, params):
    """Bytes of the arrays training allocates or keeps, by role."""
    n_words, dim = len(corpus.counts), params["n_components"]
    parts = {"input vectors": 4 * n_words * dim}
    if params["negative"] > 0:
        parts["output vectors"] = 4 * n_words * dim
    if params["hs"]:
        parts["tree vectors"] = 4 * n_words * dim
    parts["corpus"] = corpus.ids.nbytes + corpus.offsets.nbytes
    return parts
