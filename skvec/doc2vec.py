"""Doc2VecEmbedder: Paragraph Vector (PV-DBOW and PV-DM) as a scikit-learn transformer."""

import time
from dataclasses import replace
from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ._continued import ContinuedTrainingMixin
from ._corpus import DEFAULT_TOKEN_PATTERN, CorpusInputMixin, encode_with_vocabulary, tokenization_params
from ._kernels.arrays import all_finite
from ._progress import emit, log_info, log_memory
from ._training.doc2vec import (
    LOGGER,
    Doc2VecSettings,
    InferenceModel,
    infer_documents,
    train_doc2vec,
    word_rows_start,
)
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

_DEFAULT_ALPHA = 0.025


class Doc2VecEmbedder(ContinuedTrainingMixin, CorpusInputMixin, ClassNamePrefixFeaturesOutMixin, TransformerMixin,
                      BaseEstimator):
    """Document vectors learned by Paragraph Vector (doc2vec): PV-DBOW or PV-DM.

    Each sample is a document.  ``fit`` learns word vectors, output vectors
    and a vector for each training document; ``transform`` infers the vector
    of each given document with the words and outputs frozen (training a new
    document row for ``infer_epochs`` passes), so training and new documents
    get vectors the same way and ``fit_transform(X)`` equals
    ``fit(X).transform(X)``.  The trained rows of the training documents stay
    available as ``document_vectors_``.

    Training is word2vec's (see :class:`~skvec.Word2VecEmbedder`): the same
    vocabulary, down-sampling, dynamic window, negative sampling or
    hierarchical softmax, learning-rate decay, threads and divergence checks,
    with the document row added as an input:

    - PV-DBOW (``architecture="dbow"``): the document vector alone predicts
      each of the document's words; with ``train_words=True``, skip-gram
      trains the word vectors in the same pass (gensim's ``dbow_words=1``);
    - PV-DM (``architecture="dm"``): the document vector joins the context
      words as an input of CBOW, averaged (``dm_mean=True``, gensim's
      ``dm_mean=1``) or summed; the word vectors are trained too.

    Training can start from pretrained word vectors (``init_vectors``) and go
    on with more documents (:meth:`partial_fit`, or :meth:`fit` with
    ``warm_start=True``): the vocabulary grows as word2vec's does, and each new
    document gets a row appended to ``document_vectors_`` (see the user guide's
    "Continued training").

    Parameters
    ----------
    n_components : int, default=100
        Dimension of the document (and word) vectors.
    architecture : {"dbow", "dm"}, default="dbow"
        PV-DBOW (distributed bag of words) or PV-DM (distributed memory).
    train_words : bool, default=False
        PV-DBOW only: also train word vectors by skip-gram (slower by about
        ``window`` times, but words and documents then share a space and
        :func:`~skvec.get_word_vectors` gives useful vectors).  PV-DM always
        trains its word vectors.
    window : int, default=5
        Maximum distance between the focus word and a context word (PV-DM,
        and the skip-gram part of PV-DBOW).
    negative : int, default=5
        Negative samples per positive example; 0 turns negative sampling off
        (then ``hierarchical_softmax`` must be on).
    hierarchical_softmax : bool, default=False
        Also (or instead) train a hierarchical softmax over a Huffman tree.
    ns_exponent : float, default=0.75
        Negatives are drawn in proportion to ``count ** ns_exponent``; in
        ``[-10, 10]``.
    sample : float, default=1e-3
        Down-sampling threshold for frequent words, in ``[0, 1]``; 0
        disables it.  Applied in inference too.
    alpha : float or None, default=None
        Initial learning rate; None means 0.025 (both architectures, as
        gensim).
    min_alpha : float or None, default=None
        Floor of the learning rate, which falls linearly over all epochs;
        None means ``alpha * 1e-4``.  Inference ends at it too.
    epochs : int, default=20
        Passes over the corpus.  Paragraph Vector needs more than word2vec
        (each document row is updated only by its own words): 20 is what the
        literature and gensim's documentation suggest for small corpora.
    min_count : int, default=2
        Words occurring fewer times are dropped before training.
    max_vocab_size : int or None, default=None
        Keep at most this many of the most frequent words.
    dm_mean : bool, default=True
        PV-DM: average the document and context vectors (True) or sum them.
    shrink_windows : bool, default=True
        Draw the effective window size uniformly in ``1..window`` for each
        focus word, as word2vec does.
    infer_epochs : int or None, default=None
        Passes over a document in ``transform``; None means ``epochs``.
    infer_alpha : float or None, default=None
        Learning rate of the first inference pass, falling linearly to
        ``min_alpha`` in the last; None means ``alpha``.  ``infer_epochs``,
        ``infer_alpha``, ``n_jobs`` and ``verbose`` set after ``fit`` apply
        to the next ``transform``; the other parameters to the next ``fit``.
    lowercase : bool, default=True
        Lowercase string documents before tokenizing.
    token_pattern : str, default=r"(?u)\\b\\w+\\b"
        Regular expression for tokens of string documents.
    tokenizer : callable or None, default=None
        Overrides ``token_pattern``.
    n_jobs : int or None, default=None
        Threads of training and inference (None: all of Numba's).  Training
        with more than one thread is Hogwild (not bit-reproducible); with
        ``n_jobs=1`` and a fixed ``random_state`` two fits are bit-identical.
        Inference is deterministic whatever ``n_jobs``.
    random_state : int, RandomState instance or None, default=None
        Seeds the initial vectors, the training generators and the seed of
        inference.
    verbose : int, default=0
        How much progress is logged (logger ``skvec.doc2vec``): 0 nothing;
        1 the vocabulary summary, the memory estimate, one line per epoch and
        one per ``transform``; 2 also lines within epochs and within the
        encoding of the documents of a ``transform``.
    init_vectors : WordVectors, fitted model, gensim KeyedVectors or None, default=None
        Pretrained word vectors (anything :func:`~skvec.get_word_vectors`
        accepts) of ``n_components`` dimensions.  Vocabulary words present
        there start from their vector instead of a random one; the other
        words, the document rows and the output vectors start as in a fresh
        fit.  The learning-rate schedule is unchanged: training starts at
        full ``alpha``, which moves the pretrained vectors as much as random
        ones; a smaller ``alpha`` keeps more of them.  Also used for the
        words that join in :meth:`partial_fit`.  PV-DBOW without
        ``train_words`` neither trains nor reads word vectors, so they have
        no effect there.  Checked at ``fit``, before any document is read
        (a source of word vectors, dimension, finite values).
        scikit-learn's ``clone`` unfits a model given here: wrap it in
        ``sklearn.frozen.FrozenEstimator`` or pass ``get_word_vectors(model)``.
    warm_start : bool, default=False
        When True and the model is fitted, :meth:`fit` continues training
        it on the new documents as :meth:`partial_fit` does, instead of
        starting over.
    callbacks : list of callable or None, default=None
        Each is called as ``callback(estimator, epoch)`` at the end of every
        epoch (``epoch`` counts from 1 within the call), when
        ``document_vectors_``, ``embedding_``, ``context_embedding_`` and
        ``loss_curve_`` hold the model as trained so far.

    Attributes
    ----------
    document_vectors_ : ndarray of shape (n_docs, n_components), dtype float32
        The trained vectors of the training documents, in the order they
        were trained: those of ``fit``, then those of each
        :meth:`partial_fit` call (a row is trained only in the call that
        has its document).
    vocabulary_ : dict
        Word -> row of ``embedding_``.  After :meth:`fit`, rows are ordered
        by decreasing count; words that joined in later :meth:`partial_fit`
        calls come after, in the order they joined.
    word_counts_ : ndarray of shape (n_words,), dtype int64
        Occurrences of each vocabulary word in all documents seen.
    pending_word_counts_ : dict
        Words seen but not in the vocabulary (below ``min_count``, or beyond
        ``max_vocab_size``) -> their total count, kept so that
        :meth:`partial_fit` adds them when they reach ``min_count``.
    embedding_ : ndarray of shape (n_words, n_components) or None
        The word vectors; None for PV-DBOW without ``train_words`` (they are
        not trained).
    context_embedding_ : ndarray of shape (n_words, n_components) or None
        The negative-sampling output vectors; None when ``negative == 0``.
    tree_embedding_ : ndarray of shape (n_words - 1, n_components) or None
        The output vectors of the Huffman tree's inner nodes; None without
        hierarchical softmax.
    loss_curve_ : list of float
        Mean loss per training example in each epoch; epochs of later
        :meth:`partial_fit` calls are appended.  Taken as training reaches
        each example, so it can rise a little in the last epochs as the
        learning rate decays (see :class:`~skvec.Word2VecEmbedder`'s
        ``loss_curve_``).
    n_train_words_ : int
        Vocabulary tokens in the documents of the last call (one epoch,
        before down-sampling).
    encoding_time_ : float
        Seconds spent reading and encoding the corpus.
    training_time_ : float
        Seconds spent training.

    See Also
    --------
    EmbeddingVectorizer : Document vectors pooled from word vectors.
    Word2VecEmbedder : The word model this one extends.

    Notes
    -----
    Inference is deterministic: the vector of a document depends only on its
    tokens (those of the vocabulary), the fitted model and ``random_state``
    -- its initial vector and its sampling are seeded from a hash of its
    token ids and the model's seed -- not on the other documents of the
    batch, their order or number, or ``n_jobs``.  Documents are used whole,
    whatever their length.  A document with no vocabulary word (empty, or
    all words unknown) gets a zero row; their number is logged at INFO on
    ``skvec.doc2vec`` (and shown on stderr with ``verbose >= 1``).

    References
    ----------
    Q. Le and T. Mikolov. "Distributed Representations of Sentences and
    Documents." ICML 2014.

    Examples
    --------
    >>> from skvec import Doc2VecEmbedder
    >>> docs = ["the cat sat on the mat", "the dog sat on the log"] * 20
    >>> model = Doc2VecEmbedder(n_components=8, min_count=1, epochs=5, n_jobs=1, random_state=0)
    >>> model.fit_transform(docs).shape
    (40, 8)
    >>> model.document_vectors_.shape
    (40, 8)
    >>> model.transform(["an unknown document"])
    array([[0., 0., 0., 0., 0., 0., 0., 0.]], dtype=float32)
    """

    # Every progress line of a fit, partial_fit or transform goes here.
    _logger = LOGGER

    _parameter_constraints = {
        "n_components": [POSITIVE_INT],
        "architecture": [StrOptions({"dbow", "dm"})],
        "train_words": ["boolean"],
        "window": [POSITIVE_INT],
        "negative": [NON_NEGATIVE_INT],
        "hierarchical_softmax": ["boolean"],
        "ns_exponent": [Interval(Real, -10.0, 10.0, closed="both")],
        "sample": [Interval(Real, 0, 1, closed="both")],
        "alpha": [POSITIVE_REAL, None],
        "min_alpha": [NON_NEGATIVE_REAL, None],
        "epochs": [POSITIVE_INT],
        **VOCABULARY_CONSTRAINTS,
        "dm_mean": ["boolean"],
        "shrink_windows": ["boolean"],
        "infer_epochs": [POSITIVE_INT, None],
        "infer_alpha": [POSITIVE_REAL, None],
        **TOKENIZATION_CONSTRAINTS,
        "n_jobs": N_JOBS,
        "random_state": ["random_state"],
        "verbose": VERBOSE,
        "init_vectors": "no_validation",
        "warm_start": ["boolean"],
        "callbacks": [list, tuple, None],
    }

    _STRUCTURE = ("n_components", "architecture", "hierarchical_softmax", "dm_mean", "train_words", "lowercase",
                  "token_pattern")
    _FITTED_ATTRIBUTE = "document_vectors_"

    def __init__(
        self,
        n_components=100,
        *,
        architecture="dbow",
        train_words=False,
        window=5,
        negative=5,
        hierarchical_softmax=False,
        ns_exponent=0.75,
        sample=1e-3,
        alpha=None,
        min_alpha=None,
        epochs=20,
        min_count=2,
        max_vocab_size=None,
        dm_mean=True,
        shrink_windows=True,
        infer_epochs=None,
        infer_alpha=None,
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
        self.train_words = train_words
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
        self.dm_mean = dm_mean
        self.shrink_windows = shrink_windows
        self.infer_epochs = infer_epochs
        self.infer_alpha = infer_alpha
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
        alpha = _DEFAULT_ALPHA if self.alpha is None else float(self.alpha)
        min_alpha = alpha * 1e-4 if self.min_alpha is None else float(self.min_alpha)
        if min_alpha > alpha:
            raise ValueError(f"min_alpha={self.min_alpha!r} must not exceed alpha={alpha!r}.")
        infer_alpha = alpha if self.infer_alpha is None else float(self.infer_alpha)
        self._check_callbacks()
        return Doc2VecSettings(
            n_components=int(self.n_components),
            dm=self.architecture == "dm",
            train_words=bool(self.train_words),
            dm_mean=bool(self.dm_mean),
            window=int(self.window),
            negative=int(self.negative),
            hs=bool(self.hierarchical_softmax),
            ns_exponent=float(self.ns_exponent),
            sample=float(self.sample),
            alpha=alpha,
            min_alpha=min_alpha,
            epochs=int(self.epochs),
            cbow_mean=bool(self.dm_mean),
            shrink_windows=bool(self.shrink_windows),
            infer_epochs=int(self.epochs if self.infer_epochs is None else self.infer_epochs),
            infer_alpha=infer_alpha,
            infer_min_alpha=min(min_alpha, infer_alpha),
            verbose=int(self.verbose),
        )

    def fit(self, X, y=None):
        """Learn the vocabulary, the word and output vectors and the training documents' vectors.

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
        self : Doc2VecEmbedder
            The fitted estimator.
        """
        self._fit_corpus(X, self._check_params())
        return self

    def partial_fit(self, X, y=None, *, update_vocabulary=True):
        """Continue training on more documents; the first call is :meth:`fit`.

        The vocabulary grows as in :meth:`Word2VecEmbedder.partial_fit
        <skvec.Word2VecEmbedder.partial_fit>`: counts accumulate over every
        document seen, a word whose total count reaches ``min_count`` joins
        with a row appended after the existing ones (starting from its
        ``init_vectors`` row when it has one), words below it wait in
        ``pending_word_counts_``; the sampling tables and the Huffman codes
        are rebuilt from the total counts; the word and output rows trained
        so far are carried over.

        Each document of ``X`` gets a new row, appended to
        ``document_vectors_`` (which keeps the rows of the documents of
        earlier calls first, in the order they were trained).  The rows of
        earlier documents are not trained further: their documents are not
        in this call; they drift from the words and outputs as these move.
        Use :meth:`transform` for vectors that all come from the current
        model.  :meth:`transform` infers with the updated model.

        Each call runs its own learning-rate schedule, from ``alpha`` down
        to ``min_alpha`` over ``epochs`` passes over ``X``.  Parameters that
        shape the model (``n_components``, ``architecture``,
        ``hierarchical_softmax``, whether ``negative`` is 0, ``dm_mean``,
        ``train_words``, the tokenization) cannot change between calls.  With
        ``n_jobs=1`` and an integer ``random_state`` every sequence of calls
        is bit-reproducible; a call that fails leaves the model as it was.

        With ``update_vocabulary=False`` the documents are not counted: the
        vocabulary, ``word_counts_``, ``pending_word_counts_`` and the
        sampling tables stay as they are, and tokens of words outside the
        vocabulary are skipped, as :meth:`transform` skips them.  The
        documents still get new rows: a call cannot tell which earlier
        documents it reads again, so going over the same documents several
        times is ``epochs`` within one call, not several calls (which would
        append their rows again).  Use it to train on new documents without
        letting them change the vocabulary.

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
        self : Doc2VecEmbedder
            The updated estimator.

        Examples
        --------
        >>> from skvec import Doc2VecEmbedder
        >>> model = Doc2VecEmbedder(n_components=8, min_count=1, epochs=5, n_jobs=1, random_state=0)
        >>> model = model.partial_fit(["the cat sat on the mat"] * 20)
        >>> model.document_vectors_.shape, len(model.vocabulary_)
        ((20, 8), 5)
        >>> model = model.partial_fit(["the dog sat on the log"] * 10)
        >>> model.document_vectors_.shape, model.vocabulary_["dog"]
        ((30, 8), 5)
        >>> model = model.partial_fit(["the bird sat on the log"] * 10, update_vocabulary=False)
        >>> model.document_vectors_.shape, "bird" in model.vocabulary_
        ((40, 8), False)
        """
        return self._partial_fit(X, update_vocabulary)

    def fit_transform(self, X, y=None):
        """Fit, then infer the vector of each training document.

        Equal to ``fit(X).transform(X)`` (the documents are read once; with
        ``warm_start=True`` the fit continues the model); the trained rows
        are in ``document_vectors_``.

        Parameters
        ----------
        X : iterable of str or of sequences of str
            The documents.
        y : None
            Ignored.

        Returns
        -------
        ndarray of shape (n_docs, n_components), dtype float32
            The inferred document vectors.
        """
        params = self._check_params()
        corpus = self._fit_corpus(X, params)
        return self._infer(corpus.ids, corpus.offsets, self._inference_settings(params))

    def _train_corpus(self, corpus, params, previous):
        """Check the memory, train the new documents' rows (and the words and outputs), time it."""
        n_earlier = 0 if previous is None else len(self.document_vectors_)
        memory = _training_memory(len(corpus.counts), n_earlier + corpus.n_docs, corpus, params)
        check_fits_in_memory(
            memory,
            f"lower n_components (now {self.n_components!r}) or keep fewer words (min_count, max_vocab_size)",
        )
        log_memory(params.verbose, "doc2vec", memory, logger=LOGGER)
        started = time.perf_counter()
        n_old = 0 if previous is None else len(previous.counts)
        # PV-DBOW without train_words neither trains nor reads its word rows: they start afresh.
        words_trained = params.dm or params.train_words
        make_inputs = word_rows_start(
            previous_rows=self.embedding_ if previous is not None and words_trained else None,
            initial=self._new_word_rows(n_old, params) if words_trained else None,
        )
        loss_before = list(self.loss_curve_)
        # Rows of the documents of earlier calls: kept as they are, this call's rows go after them.
        self._earlier_documents = self.document_vectors_ if previous is not None else None
        # Set first, so that callbacks can call transform.
        self._fitted_settings = params
        result = train_doc2vec(corpus.ids, corpus.offsets, corpus.counts, params, n_jobs=self.n_jobs,
                               random_state=self._random_state_of_call(), make_inputs=make_inputs,
                               previous=previous, on_epoch=self._epoch_callback(params, loss_before))
        loss_curve = loss_before + (list(result.loss_curve) if len(corpus.ids) else [])
        self._set_model(result.inputs, result.outputs, loss_curve, params, result.documents, result.inference_seed)
        del self._earlier_documents
        self.training_time_ = time.perf_counter() - started

    def _set_model(self, inputs, outputs, loss_curve, params, documents, inference_seed):
        """Store the model so far: words, outputs, the earlier documents' rows followed by these.

        The seed of inference is the first fit's: continuing does not change it.
        """
        if self._training_calls == 1:
            self._inference_seed = inference_seed
        words_trained = params.dm or params.train_words
        self.embedding_ = inputs.vectors if words_trained else None
        self.context_embedding_ = outputs.syn1neg if params.negative > 0 else None
        self.tree_embedding_ = outputs.syn1 if params.hs else None
        if self._earlier_documents is not None:
            documents = np.concatenate([self._earlier_documents, documents])
        self.document_vectors_ = documents
        self.loss_curve_ = loss_curve
        # The input rows PV-DBOW uses in inference: none (its words are not inputs).
        self._inference_inputs = inputs.vectors if params.dm else None

    def _inference_settings(self, current):
        """The fitted model's settings, with the inference schedule, threads and verbosity of now.

        Parameters set after ``fit`` change the next fit, except these, which
        only inference reads.
        """
        fitted = self._fitted_settings
        return replace(fitted, infer_epochs=current.infer_epochs, infer_alpha=current.infer_alpha,
                       infer_min_alpha=min(fitted.min_alpha, current.infer_alpha), verbose=current.verbose)

    def transform(self, X):
        """Infer the vector of each document, the model frozen.

        Parameters
        ----------
        X : iterable of str or of sequences of str
            The documents, tokenized as in ``fit``.

        Returns
        -------
        ndarray of shape (n_docs, n_components), dtype float32
            One row per document; a document with no vocabulary word is a
            zero row.
        """
        check_is_fitted(self, "document_vectors_")
        params = self._inference_settings(self._check_params())
        ids, offsets = encode_with_vocabulary(
            X, self.vocabulary_, **tokenization_params(self),
            # Encoding lines (periodic, then a summary) are within-stage detail.
            verbose=params.verbose if params.verbose >= 2 else 0, logger=LOGGER,
        )
        return self._infer(ids, offsets, params)

    def _infer(self, ids, offsets, params):
        started = time.perf_counter()
        model = InferenceModel(
            word_vectors=self._inference_inputs,
            syn1neg=self.context_embedding_,
            syn1=self.tree_embedding_,
            counts=self.word_counts_,
            # The down-sampling of training: the tokens of every call.
            n_train_words=int(self.word_counts_.sum()),
        )
        rows = infer_documents(ids, offsets, model, params, self._inference_seed, n_jobs=self.n_jobs)
        if not all_finite(rows):
            raise FloatingPointError(
                f"Inference diverged (document vectors became NaN or infinite): infer_alpha="
                f"{params.infer_alpha!r} is too large; use a smaller infer_alpha."
            )
        n_docs = len(offsets) - 1
        n_empty = int(np.count_nonzero(np.diff(offsets) == 0))
        if n_empty:
            message = (f"doc2vec: {n_empty} of {n_docs} documents have no vocabulary word; "
                       "their vectors are zero")
            if params.verbose >= 1:
                emit(LOGGER, message)
            else:
                LOGGER.info(message)
        log_info(params.verbose, f"doc2vec: inferred {n_docs} document vectors in "
                 f"{time.perf_counter() - started:.2f} s", logger=LOGGER)
        return rows

    def __setstate__(self, state):
        # Models pickled before the tree vectors were public kept them as ``_tree_embedding``.
        if "_tree_embedding" in state:
            state = dict(state)
            state["tree_embedding_"] = state.pop("_tree_embedding")
        # Models pickled before the settings had a type kept them as a dict.
        if isinstance(state.get("_fitted_settings"), dict):
            state = dict(state)
            state["_fitted_settings"] = Doc2VecSettings(**state["_fitted_settings"])
        super().__setstate__(state)

    @property
    def _n_features_out(self):
        return self.document_vectors_.shape[1]


def _training_memory(n_words, n_docs, corpus, params):
    """Bytes of the arrays training allocates or keeps, by role."""
    dim = params.n_components
    parts = {"word vectors": 4 * n_words * dim, "document vectors": 4 * n_docs * dim}
    if params.negative > 0:
        parts["output vectors"] = 4 * n_words * dim
    if params.hs:
        parts["tree vectors"] = 4 * n_words * dim
    parts["corpus"] = corpus.ids.nbytes + corpus.offsets.nbytes
    return parts
