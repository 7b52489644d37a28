"""Word2VecEmbedder: skip-gram and CBOW as in the original C word2vec tool."""

import logging
import time
from functools import partial
from numbers import Real

from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin

from ._continued import ContinuedTrainingMixin
from ._corpus import DEFAULT_TOKEN_PATTERN, CorpusInputMixin
from ._progress import log_info, log_memory
from ._training.word2vec import Word2VecSettings, start_inputs, train_word2vec
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

_LOGGER = logging.getLogger("skvec.word2vec")

# Bound of |ns_exponent|: count ** 10 stays finite in float64 for any count
# below 10**30, and larger exponents put all the mass on one word anyway.
_MAX_NS_EXPONENT = 10.0


class Word2VecEmbedder(ContinuedTrainingMixin, CorpusInputMixin, ClassNamePrefixFeaturesOutMixin, TransformerMixin,
                       BaseEstimator):
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

    Training can start from pretrained vectors (``init_vectors``) and go on
    with more text (:meth:`partial_fit`, or :meth:`fit` with
    ``warm_start=True``): counts accumulate, new words get rows appended,
    existing rows are never moved or reset (see the user guide's "Continued
    training").

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
    shared_negatives : bool, default=False
        Negative sampling with the negatives drawn once for a group of
        inputs and scored as one small matrix product (Ji et al., 2016):
        in skip-gram a window's context words share the focus word and its
        negatives; in CBOW 16 consecutive focus words share their
        negatives.  Rows of a group see each other's updates after the
        group.  Skip-gram trains in about 0.46 of the time with the same
        accuracy within run-to-run noise (wiki17m, 2 threads, median of
        3); CBOW is faster too but loses
        analogy accuracy (about 3.6 points on the bundled sample), so it
        is not recommended there.  See :ref:`performance` for the figures
        (False: C's pair-by-pair updates).  Hierarchical softmax is trained
        pair by pair either way.
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
    init_vectors : WordVectors, fitted model, gensim KeyedVectors or None, default=None
        Pretrained vectors (anything :func:`~skvec.get_word_vectors`
        accepts: ``WordVectors``, ``SubwordVectors``, a fitted skvec model,
        a gensim ``KeyedVectors`` or model) of ``n_components`` dimensions.
        Vocabulary words present there start from their vector instead of a
        random one (gensim's ``intersect_word2vec_format``, fastText's
        ``-pretrainedVectors``); the other words start as usual and the
        output vectors start at zero, as the tools do.  The learning-rate
        schedule is unchanged: training starts at full ``alpha``, which
        moves the pretrained vectors as much as random ones; a smaller
        ``alpha`` keeps more of them.  Also used for the words that join in
        :meth:`partial_fit`.  Checked at ``fit`` (dimension, finite values).
        scikit-learn's ``clone`` (grid searches, cross-validation) unfits a
        model given here: wrap it in ``sklearn.frozen.FrozenEstimator`` or
        pass ``get_word_vectors(model)``.
    warm_start : bool, default=False
        When True and the model is fitted, :meth:`fit` continues training
        it on the new documents as :meth:`partial_fit` does, instead of
        starting over (scikit-learn's meaning).
    callbacks : list of callable or None, default=None
        Each is called as ``callback(estimator, epoch)`` at the end of every
        epoch (``epoch`` counts from 1 within the call), when ``embedding_``,
        ``context_embedding_`` and ``loss_curve_`` hold the model as trained
        so far; use it to evaluate or save the model during training.

    Attributes
    ----------
    vocabulary_ : dict
        Word -> row of ``embedding_``.  After :meth:`fit`, rows are ordered
        by decreasing count; words that joined in later :meth:`partial_fit`
        calls come after, in the order they joined (by total count within a
        call), so this order is no longer by count.
    word_counts_ : ndarray of shape (n_words,), dtype int64
        Occurrences of each vocabulary word in all documents seen (summed
        over ``fit`` and every ``partial_fit`` since).
    pending_word_counts_ : dict
        Words seen but not in the vocabulary (below ``min_count``, or beyond
        ``max_vocab_size``) -> their total count, kept so that
        :meth:`partial_fit` adds them when they reach ``min_count``.
    embedding_ : ndarray of shape (n_words, n_components), dtype float32
        The word vectors (C's ``syn0``).
    context_embedding_ : ndarray of shape (n_words, n_components) or None
        The negative-sampling output vectors (C's ``syn1neg``); None when
        ``negative == 0``.
    tree_embedding_ : ndarray of shape (n_words - 1, n_components) or None
        The output vectors of the Huffman tree's inner nodes (C's ``syn1``);
        None without hierarchical softmax.
    loss_curve_ : list of float
        Mean loss per training example (a skip-gram pair or a CBOW focus
        word) in each epoch, summed in float64; epochs of later
        :meth:`partial_fit` calls are appended.  Each example's loss is
        taken when training reaches it, before its own update, so it gains
        from the updates just made on the examples before it (the same
        focus word's other pairs, the same paragraph's words), a gain that
        grows with the learning rate.  As the rate decays to ``min_alpha``
        the gain fades, so the last epochs can show a slightly higher loss
        while the model still improves: skip-gram on 5,000 paragraphs of
        the bundled sample reports 2.361 after epoch 8 and 2.383 after
        epoch 10, while its loss on a fixed sample of pairs falls from
        2.545 to 2.512 (with a constant rate the curve falls every epoch,
        to 2.081, and the fixed sample ends worse, at 2.594).  Read it to
        see training converge or diverge; compare models on held-out
        measures, not on this curve.
    n_train_words_ : int
        Vocabulary tokens in the documents of the last call (one epoch,
        before down-sampling).
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

    # Every progress line of a fit or partial_fit goes here.
    _logger = _LOGGER
    # The model's name on its progress lines.
    _progress_name = "word2vec"

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
        "shared_negatives": ["boolean"],
        **TOKENIZATION_CONSTRAINTS,
        "n_jobs": N_JOBS,
        "random_state": ["random_state"],
        "verbose": VERBOSE,
        "init_vectors": "no_validation",
        "warm_start": ["boolean"],
        "callbacks": [list, tuple, None],
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
        shared_negatives=False,
        lowercase=True,
        token_pattern=DEFAULT_TOKEN_PATTERN,
        tokenizer=None,
        n_jobs=None,
        random_state=None,
        verbose=0,
        init_vectors=None,
        warm_start=False,
        callbacks=None,
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
        self.shared_negatives = shared_negatives
        self.lowercase = lowercase
        self.token_pattern = token_pattern
        self.tokenizer = tokenizer
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose
        self.init_vectors = init_vectors
        self.warm_start = warm_start
        self.callbacks = callbacks

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
        self._check_callbacks()
        return Word2VecSettings(
            n_components=int(self.n_components),
            architecture=self.architecture,
            window=int(self.window),
            negative=int(self.negative),
            hs=bool(self.hierarchical_softmax),
            ns_exponent=float(self.ns_exponent),
            sample=float(self.sample),
            alpha=alpha,
            min_alpha=min_alpha,
            epochs=int(self.epochs),
            cbow_mean=bool(self.cbow_mean),
            shrink_windows=bool(self.shrink_windows),
            verbose=int(self.verbose),
            shared_negatives=bool(getattr(self, "shared_negatives", False)),
        )

    def fit(self, X, y=None):
        """Learn the vocabulary and the word vectors from a corpus.

        With ``warm_start=True`` and a fitted model, continues training it
        on ``X`` instead, as :meth:`partial_fit` does.

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
        self._fit_corpus(X, self._check_params())
        return self

    def partial_fit(self, X, y=None, *, update_vocabulary=True):
        """Continue training on more documents; the first call is :meth:`fit`.

        Counts accumulate over every document seen since the model was
        first fitted.  A word whose total count reaches ``min_count`` joins
        the vocabulary with a new row appended after the existing ones
        (appended words ordered by total count, descending, ties by first
        occurrence), while the vocabulary holds fewer than
        ``max_vocab_size`` words; words already in it keep their rows and
        vectors and are never removed.  Words still below ``min_count``
        keep their counts in ``pending_word_counts_``, so they can join
        later.  A new word starts from its ``init_vectors`` row when it has
        one, otherwise as C initialises ``syn0``; its output rows start at
        zero.  The negative-sampling table, the down-sampling probabilities
        and (with hierarchical softmax) the Huffman codes are rebuilt from
        the total counts; a tree node keeps the output vector of the
        previous tree's node at the same position (see the user guide's
        "Continued training").

        Each call runs its own learning-rate schedule: from ``alpha`` down
        to ``min_alpha`` over ``epochs`` passes over ``X``, as gensim's
        ``train`` does; lower ``alpha`` to move trained vectors less.  Calls
        with no new word are fine.  Parameters that shape the model
        (``n_components``, ``hierarchical_softmax``, whether ``negative`` is
        0, the tokenization) cannot change between calls; the others
        (``epochs``, ``alpha``, ``window``, ``min_count``, ...) may.  With
        ``n_jobs=1`` and an integer ``random_state`` every sequence of calls
        is bit-reproducible (each call draws from its own stream, derived
        from ``random_state`` and the call's number).

        With ``update_vocabulary=False`` the documents are trained on but
        not counted, for passes over documents seen before (several rounds
        over mini-batches, as with scikit-learn's ``SGDClassifier``): the
        vocabulary, ``word_counts_``, ``pending_word_counts_`` and thus the
        sampling tables and Huffman codes stay as they are, and tokens of
        words outside the vocabulary are skipped, as :meth:`transform`
        skips them.  Once a first round of counting calls has read every
        piece of a corpus, the counts are the whole corpus's, so the
        vocabulary and tables are those :meth:`fit` builds on it (the rows
        of words that joined in later pieces are appended, so the row order
        differs).

        Parameters
        ----------
        X : iterable of str or of sequences of str
            The new documents.
        y : None
            Ignored.
        update_vocabulary : bool, default=True
            Count the documents (words may join the vocabulary); False
            trains on them with the vocabulary as it is.  Must be True for
            the first call, which fits.

        Returns
        -------
        self : Word2VecEmbedder
            The updated estimator.

        Examples
        --------
        >>> from skvec import Word2VecEmbedder
        >>> model = Word2VecEmbedder(n_components=10, min_count=2, n_jobs=1, random_state=0)
        >>> model = model.partial_fit(["the cat sat on the mat"] * 20)
        >>> len(model.vocabulary_)
        5
        >>> model = model.partial_fit(["the dog sat on the log"] * 20)
        >>> len(model.vocabulary_), model.vocabulary_["dog"]
        (7, 5)

        A second round over the same documents, counted only once:

        >>> model = model.partial_fit(["the cat sat on the mat"] * 20, update_vocabulary=False)
        >>> int(model.word_counts_[model.vocabulary_["cat"]])
        20
        """
        return self._partial_fit(X, update_vocabulary)

    def _train_corpus(self, corpus, params, previous):
        """Check the memory, train, time it."""
        memory = self._check_memory(corpus, params)
        log_memory(params.verbose, self._progress_name, memory, logger=self._logger)
        started = time.perf_counter()
        if len(corpus.ids) == 0 and previous is not None and len(corpus.counts) == len(previous.counts):
            # Only words still below min_count: counted, nothing to train.
            log_info(params.verbose, "no vocabulary word in these documents: nothing to train",
                     logger=self._logger)
        else:
            loss_before = list(self.loss_curve_)
            self._train(corpus.ids, corpus.offsets, corpus.counts, params, previous)
            if len(corpus.ids) == 0:
                # Words joined (min_count was lowered) but none occurs here: rows added, no example seen.
                self.loss_curve_ = loss_before
        self.training_time_ = time.perf_counter() - started

    def _check_memory(self, corpus, params):
        """The bytes training needs, by role; raises MemoryError when they exceed the machine's."""
        memory = training_memory(corpus, params)
        check_fits_in_memory(
            memory,
            f"lower n_components (now {self.n_components!r}) or keep fewer words (min_count, max_vocab_size)",
        )
        return memory

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

    def _train(self, ids, offsets, counts, params, previous=None):
        n_old = 0 if previous is None else len(previous.counts)
        make_inputs = partial(
            start_inputs,
            previous_rows=None if previous is None else self.embedding_,
            initial=self._new_word_rows(n_old, params),
        )
        loss_before = list(self.loss_curve_)
        result = train_word2vec(
            ids, offsets, counts, params, n_jobs=self.n_jobs, random_state=self._random_state_of_call(),
            make_inputs=make_inputs, previous=previous, on_epoch=self._epoch_callback(params, loss_before),
            logger=self._logger,
        )
        self._set_model(result.inputs, result.outputs, loss_before + list(result.loss_curve), params)

    def _set_model(self, inputs, outputs, loss_curve, params):
        """Store the trained arrays (after training, and for callbacks after each epoch)."""
        self.embedding_ = inputs.vectors
        self._set_outputs(outputs, loss_curve, params)

    def _set_outputs(self, outputs, loss_curve, params):
        self.context_embedding_ = outputs.syn1neg if params.negative > 0 else None
        self.tree_embedding_ = outputs.syn1 if params.hs else None
        self.loss_curve_ = loss_curve


def training_memory(corpus, params):
    """Bytes of the arrays training allocates or keeps, by role."""
    n_words, dim = len(corpus.counts), params.n_components
    parts = {"input vectors": 4 * n_words * dim}
    if params.negative > 0:
        parts["output vectors"] = 4 * n_words * dim
    if params.hs:
        parts["tree vectors"] = 4 * n_words * dim
    parts["corpus"] = corpus.ids.nbytes + corpus.offsets.nbytes
    return parts
