"""Word2VecEmbedder: skip-gram and CBOW as in the original C word2vec tool."""

import time
from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator

from ._corpus import DEFAULT_TOKEN_PATTERN, encode_corpus, vocabulary_dict
from ._kernels import word2vec as _k
from ._progress import Progress, log_memory
from ._random import thread_seeds
from ._threads import numba_threads
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
)

# Target number of kernel calls per epoch on a large corpus: enough for
# progress lines and divergence checks, few enough that the thread barrier
# at the end of each call costs nothing measurable.
_BLOCKS_PER_EPOCH = 20
_MIN_BLOCK_WORDS = 200_000
# A chunk boundary falling inside a document at most this long moves to the
# document's start, so short documents are never cut.
_SNAP_DOC_LENGTH = 10_000
# Bound of |ns_exponent|: count ** 10 stays finite in float64 for any count
# below 10**30, and larger exponents put all the mass on one word anyway.
_MAX_NS_EXPONENT = 10.0


class Word2VecEmbedder(BaseEstimator):
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

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags

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
        log_memory(params["verbose"], "word2vec", _training_memory(corpus, params))
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

    def _train(self, ids, offsets, counts, params):
        n_words = len(counts)
        dim = params["n_components"]
        negative = params["negative"]
        hs = params["hs"]
        window = params["window"]
        epochs = params["epochs"]
        n_train = len(ids)
        total_words = epochs * n_train

        with numba_threads(self.n_jobs) as n_threads:
            seeds = thread_seeds(self.random_state, n_threads + 1)
            syn0 = _k.init_input_vectors(n_words, dim, seeds[0])
            rng_states = seeds[1:].copy()

            if negative > 0:
                syn1neg = np.zeros((n_words, dim), dtype=np.float32)
                weights = counts.astype(np.float64) ** params["ns_exponent"]
                threshold, alias = _k.alias_table(weights)
            else:
                syn1neg = np.zeros((1, dim), dtype=np.float32)
                threshold = np.zeros(1, dtype=np.uint32)
                alias = np.zeros(1, dtype=np.int32)
            if hs:
                syn1 = np.zeros((max(n_words - 1, 1), dim), dtype=np.float32)
                code_offsets, codes, points = _k.huffman_tree(counts)
            else:
                syn1 = np.zeros((1, dim), dtype=np.float32)
                code_offsets = np.zeros(n_words + 1, dtype=np.int64)
                codes = np.zeros(0, dtype=np.uint8)
                points = np.zeros(0, dtype=np.int32)
            subsample = params["sample"] > 0
            if subsample:
                keep = _k.keep_probabilities(counts, params["sample"], n_train)
            else:
                keep = np.ones(n_words, dtype=np.float32)
            sigmoid, neg_log_sigmoid = _k.sigmoid_tables()

            blocks = _block_bounds(n_train)
            chunk_plan = [_chunk_bounds(offsets, lo, hi, n_threads) for lo, hi in zip(blocks[:-1], blocks[1:])]
            words_read = np.zeros(8 * n_threads, dtype=np.int64)
            losses = np.zeros(n_threads, dtype=np.float64)
            examples = np.zeros(n_threads, dtype=np.int64)

            progress = Progress(total_words, desc="word2vec", verbose=params["verbose"], unit="words", epochs=epochs)
            loss_curve = []
            done = 0
            for epoch in range(epochs):
                epoch_loss = 0.0
                epoch_examples = 0
                for bounds, first_doc in chunk_plan:
                    words_read[:] = 0
                    _k.train_block(
                        ids, offsets, bounds, first_doc, params["architecture"] == "skipgram",
                        params["cbow_mean"], syn0, syn1neg, syn1, negative, hs, threshold, alias,
                        code_offsets, codes, points, keep, subsample, window, params["shrink_windows"],
                        params["alpha"], params["min_alpha"], done, total_words, rng_states,
                        sigmoid, neg_log_sigmoid, words_read, losses, examples,
                    )
                    done += int(bounds[-1] - bounds[0])
                    epoch_loss += float(losses[:len(bounds) - 1].sum())
                    epoch_examples += int(examples[:len(bounds) - 1].sum())
                    if not (
                        np.isfinite(epoch_loss)
                        and _k.all_finite(syn0)
                        and _k.all_finite(syn1neg)
                        and _k.all_finite(syn1)
                    ):
                        raise FloatingPointError(
                            f"Training diverged in epoch {epoch + 1} (vectors or loss became NaN or "
                            f"infinite): alpha={params['alpha']!r} is too large; use a smaller alpha."
                        )
                    alpha_now = max(params["alpha"] * (1.0 - done / (total_words + 1.0)), params["min_alpha"])
                    progress.update(
                        done,
                        epoch=f"{epoch + 1}/{epochs}",
                        alpha=alpha_now,
                        loss=epoch_loss / max(epoch_examples, 1),
                    )
                loss_curve.append(epoch_loss / max(epoch_examples, 1))
                progress.epoch(epoch + 1, epochs, done, loss=loss_curve[-1])
            progress.close(epochs=epochs, loss=loss_curve[-1])

        self.embedding_ = syn0
        self.context_embedding_ = syn1neg if negative > 0 else None
        self.loss_curve_ = loss_curve


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


def _block_bounds(n_train):
    """Token positions splitting one epoch into kernel calls."""
    n_blocks = int(min(_BLOCKS_PER_EPOCH, max(1, n_train // _MIN_BLOCK_WORDS)))
    return np.linspace(0, n_train, n_blocks + 1).astype(np.int64)


def _chunk_bounds(offsets, lo, hi, n_chunks):
    """Split ``ids[lo:hi]`` into ``n_chunks`` ranges of about equal size.

    Returns ``(bounds, first_doc)``: chunk ``t`` is ``ids[bounds[t]:bounds[t+1]]``
    and starts inside document ``first_doc[t]``.  A boundary inside a short
    document moves to that document's start.
    """
    bounds = np.linspace(lo, hi, n_chunks + 1).astype(np.int64)
    docs = np.searchsorted(offsets, bounds, side="right") - 1
    docs = np.minimum(docs, len(offsets) - 2)
    short = (offsets[docs + 1] - offsets[docs]) <= _SNAP_DOC_LENGTH
    inner = np.zeros(n_chunks + 1, dtype=bool)
    inner[1:-1] = True
    snap = short & inner
    bounds[snap] = np.maximum(offsets[docs[snap]], lo)
    bounds = np.maximum.accumulate(bounds)
    first_doc = np.searchsorted(offsets, bounds[:-1], side="right") - 1
    # Skip empty documents at a chunk start (the kernel walks forward anyway).
    return bounds, np.minimum(first_doc, len(offsets) - 2).astype(np.int64)
