"""FastTextEmbedder: word2vec with character n-gram vectors (fastText's subword model)."""

import logging
from dataclasses import asdict
from numbers import Integral

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._corpus import DEFAULT_TOKEN_PATTERN, vocabulary_dict
from ._training.fasttext import FastTextSettings, train_fasttext
from ._training.initial import rows_for_words, subword_rows_for_words
from ._validation import NON_NEGATIVE_INT, Interval, check_fits_in_memory
from .subwords import SubwordVectors, compose, ngram_buckets, subwords_enabled
from .vectors._subword import (
    EMBEDDER_MODEL, pending_word_arrays, read_estimator_file, read_pending_word_counts, write_estimator_file,
)
from .word2vec import Word2VecEmbedder, training_memory

_MAX_BUCKET = int(np.iinfo(np.int32).max)
_LOGGER = logging.getLogger("skvec.fasttext")
# Fitted values a model file keeps besides the arrays.
_FITTED_VALUES = ("n_train_words", "encoding_time", "training_time", "loss_curve")


class FastTextEmbedder(Word2VecEmbedder):
    """Word vectors with subword information (fastText), skip-gram or CBOW.

    A word's input vector is the mean of its own row and the rows of its
    character n-grams: the substrings of ``<word>`` of ``min_n`` to ``max_n``
    characters, each hashed into one of ``bucket`` rows with fastText's hash
    (Bojanowski et al. 2017).  The gradient of that mean goes to every one of
    its rows.  Everything else is :class:`~skvec.Word2VecEmbedder`'s
    training, shared with it: corpus encoding and vocabulary, C's
    down-sampling, dynamic window, negative sampling (or hierarchical
    softmax), linear learning-rate decay, Hogwild threads, progress lines and
    the divergence check.  With ``min_n=0`` (or ``max_n=0``) there are no
    n-grams and the result is bit for bit ``Word2VecEmbedder``'s at
    ``n_jobs=1`` and the same ``random_state``.

    Because a vector is built from n-grams, any string -- a typo, a rare
    inflection, a name never seen -- gets one: ``word_vectors_`` (also
    returned by :func:`~skvec.get_word_vectors`) is a
    :class:`~skvec.SubwordVectors`, and :class:`~skvec.EmbeddingVectorizer`
    uses it for the words of new documents outside the vocabulary.

    As in word2vec's C tool, in skip-gram each context word's vector is
    trained to predict the focus word (fastText's tool does the reverse, an
    equivalent objective), and all input rows (words and n-grams) start
    uniform in ``[-0.5, 0.5) / n_components``.

    One difference from fastText's tool, for speed: a word's rows are summed
    once as it enters the window, that sum follows the word's own gradients
    at once, and the gradients reach the rows when the word leaves the
    window.  Each word then reads and writes its rows once per position
    instead of once per example (about twice as fast); it sees what other
    words of the window put on an n-gram row they share only after they
    leave it, a delay of at most ``2 * window`` positions.

    Parameters
    ----------
    n_components : int, default=100
        Dimension of the vectors.
    architecture : {"skipgram", "cbow"}, default="skipgram"
        Skip-gram predicts the focus word from each context word; CBOW from
        the mean (or sum) of all input rows of the context words.
    window : int, default=5
        Maximum distance between the focus word and a context word.
    negative : int, default=5
        Negative samples per positive example; 0 turns negative sampling off.
    hierarchical_softmax : bool, default=False
        Also (or instead) train a hierarchical softmax.
    ns_exponent : float, default=0.75
        Negatives are drawn in proportion to ``count ** ns_exponent``.
    sample : float, default=1e-3
        Down-sampling threshold for frequent words; 0 disables it.
    alpha : float or None, default=None
        Initial learning rate; None means 0.025 for skip-gram and 0.05 for
        CBOW.
    min_alpha : float or None, default=None
        Floor of the linearly decaying learning rate; None means
        ``alpha * 1e-4``.
    epochs : int, default=5
        Passes over the corpus.
    min_count : int, default=5
        Words occurring fewer times are dropped before training (they still
        get vectors from their n-grams afterwards).
    max_vocab_size : int or None, default=None
        Keep at most this many of the most frequent words.
    cbow_mean : bool, default=True
        In CBOW, average the context rows (True) or sum them.
    shrink_windows : bool, default=True
        Draw the effective window size uniformly in ``1..window``.
    min_n : int, default=3
        Shortest n-gram, in characters of ``<word>``; 0 turns n-grams off.
    max_n : int, default=6
        Longest n-gram; 0 turns n-grams off.  Must be at least ``min_n``
        otherwise.
    bucket : int, default=2_000_000
        Number of n-gram rows (hash buckets).
    lowercase : bool, default=True
        Lowercase string documents before tokenizing.
    token_pattern : str, default=r"(?u)\\b\\w+\\b"
        Regular expression for tokens of string documents.
    tokenizer : callable or None, default=None
        Overrides ``token_pattern``.
    n_jobs : int or None, default=None
        Training threads (None: all of Numba's).  With more than one thread
        training is Hogwild, not bit-reproducible; with ``n_jobs=1`` and a
        fixed ``random_state`` two fits are bit-identical.
    random_state : int, RandomState instance or None, default=None
        Seeds the initial vectors and each thread's generator.
    verbose : int, default=0
        Print progress on stderr.
    init_vectors : SubwordVectors, WordVectors, fitted model, gensim object or None, default=None
        Pretrained vectors of ``n_components`` dimensions.  From a fastText
        source (a fitted ``FastTextEmbedder``, a ``SubwordVectors`` with
        n-gram vectors, a gensim ``FastText`` model or its keyed vectors)
        with the same ``min_n``, ``max_n`` and ``bucket``, shared words
        start from their own input rows and all n-gram rows from the
        source's, so every word, in the vocabulary or not, starts from the
        source's vector.  From word vectors only (or a fastText source with
        other n-gram settings, with a warning), a shared word's own row
        starts from its vector and the n-gram rows start as usual, as
        fastText's ``-pretrainedVectors``.  Output vectors start at zero.
        The learning-rate schedule is unchanged (see
        :class:`~skvec.Word2VecEmbedder`).  In :meth:`partial_fit`, only
        the own rows of joining words are taken (trained n-gram rows stay).
    warm_start : bool, default=False
        When True and the model is fitted, :meth:`fit` continues training
        it, as :meth:`partial_fit` does.
    callbacks : list of callable or None, default=None
        Each is called as ``callback(estimator, epoch)`` at the end of every
        epoch, when the fitted attributes hold the model so far.

    Attributes
    ----------
    vocabulary_ : dict
        Word -> row; rows ordered by decreasing count, words that joined in
        later :meth:`partial_fit` calls after them (see
        :meth:`Word2VecEmbedder.partial_fit`).
    word_counts_ : ndarray of shape (n_words,), dtype int64
        Occurrences of each vocabulary word in all documents seen.
    pending_word_counts_ : dict
        Words seen but not in the vocabulary -> their total count.
    embedding_ : ndarray of shape (n_words, n_components), dtype float32
        The word vectors: the mean of each word's row and its n-gram rows,
        as fastText's ``getWordVector``.
    input_embedding_ : ndarray of shape (n_words, n_components), dtype float32
        The words' own input rows (``embedding_`` without n-grams).
    ngram_embedding_ : ndarray of shape (bucket, n_components) or None
        The n-gram rows; None when n-grams are off.
    context_embedding_ : ndarray of shape (n_words, n_components) or None
        The negative-sampling output vectors; None when ``negative == 0``.
    tree_embedding_ : ndarray of shape (n_words - 1, n_components) or None
        The hierarchical-softmax node vectors; None when it is off.
    ngram_indptr_, ngram_buckets_ : ndarray
        Each vocabulary word's n-gram buckets as CSR arrays: word ``w``'s
        are ``ngram_buckets_[ngram_indptr_[w]:ngram_indptr_[w + 1]]``.
    word_vectors_ : SubwordVectors
        The vectors as a value object (any string gets a vector).
    loss_curve_ : list of float
        Mean loss per training example in each epoch, taken as training
        reaches each example (see :class:`~skvec.Word2VecEmbedder`'s
        ``loss_curve_``).  It rises more often than word2vec's as the
        learning rate decays, since n-gram rows shared by nearby words add
        to the gain of the updates just made: 2.285 after epoch 2 and
        2.443 after epoch 10 on 5,000 paragraphs of the bundled sample,
        while the loss of a fixed sample of pairs falls from 2.916 to
        2.554.
    n_train_words_ : int
        Vocabulary tokens in the corpus (one epoch, before down-sampling).
    encoding_time_ : float
        Seconds spent reading and encoding the corpus.
    training_time_ : float
        Seconds spent training (n-gram hashing included).

    See Also
    --------
    Word2VecEmbedder : The same without n-grams.
    SubwordVectors : Lookups of any string.

    Notes
    -----
    P. Bojanowski, E. Grave, A. Joulin and T. Mikolov, "Enriching Word
    Vectors with Subword Information", TACL 2017.  The n-gram hash is 32-bit
    FNV-1a over the UTF-8 bytes, each byte sign-extended first, as in the
    fastText C++ tool and gensim >= 4, so n-gram matrices can be exchanged
    (:meth:`SubwordVectors.load_fasttext_bin`).  The n-gram matrix takes
    ``bucket * n_components * 4`` bytes (800 MB with the defaults).

    Examples
    --------
    >>> from skvec import FastTextEmbedder
    >>> docs = ["the cat sat on the mat", "the dog sat on the log"] * 50
    >>> model = FastTextEmbedder(n_components=10, min_count=1, bucket=1000, n_jobs=1,
    ...                          random_state=0).fit(docs)
    >>> model.embedding_.shape, model.ngram_embedding_.shape
    ((7, 10), (1000, 10))
    >>> model.word_vectors_["cats"].shape  # never seen, built from its n-grams
    (10,)
    """

    # Every progress line of a fit or partial_fit goes here.
    _logger = _LOGGER
    _progress_name = "fasttext"

    _parameter_constraints = {
        # word2vec's settings, but shared negatives (word2vec only, for now).
        **{key: value for key, value in Word2VecEmbedder._parameter_constraints.items() if key != "shared_negatives"},
        "min_n": [NON_NEGATIVE_INT],
        "max_n": [NON_NEGATIVE_INT],
        "bucket": [Interval(Integral, 1, _MAX_BUCKET, closed="both")],
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
        min_n=3,
        max_n=6,
        bucket=2_000_000,
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
        self.min_n = min_n
        self.max_n = max_n
        self.bucket = bucket
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
        """Word2vec's checks, then the n-gram settings; returns the training settings."""
        params = super()._check_params()
        if self.min_n > 0 and self.max_n > 0 and self.min_n > self.max_n:
            raise ValueError(
                f"min_n={self.min_n} is greater than max_n={self.max_n}; n-gram lengths need "
                "min_n <= max_n (or min_n=0 / max_n=0 to turn n-grams off)."
            )
        return FastTextSettings(**asdict(params), min_n=int(self.min_n), max_n=int(self.max_n),
                                bucket=int(self.bucket))

    def _structure(self):
        structure = super()._structure()
        structure.update(min_n=self.min_n, max_n=self.max_n, bucket=self.bucket)
        return structure

    def _check_memory(self, corpus, params):
        """word2vec's estimate with the n-gram rows among the input rows and the composed word vectors."""
        n_words, dim = len(corpus.counts), params.n_components
        bucket = params.bucket if subwords_enabled(params.min_n, params.max_n) else 0
        if n_words + bucket > _MAX_BUCKET:
            raise ValueError(
                f"bucket={self.bucket} plus the {n_words} vocabulary words exceed 2**31 - 1 input rows; "
                "use a smaller bucket."
            )
        word2vec = training_memory(corpus, params)
        memory = {"input vectors (words and n-grams)": 4 * (n_words + bucket) * dim}
        memory.update((role, size) for role, size in word2vec.items() if role not in ("input vectors", "corpus"))
        memory.update({"word vectors": 4 * n_words * dim, "corpus": word2vec["corpus"]})
        check_fits_in_memory(memory, f"lower bucket (now {self.bucket!r}) or n_components (now {dim!r})")
        return memory

    def _train(self, ids, offsets, counts, params, previous=None):
        """Hash the vocabulary's n-grams, train through the shared word2vec engine, compose the vectors."""
        words = list(self.vocabulary_)  # row order
        bucket = params.bucket if subwords_enabled(params.min_n, params.max_n) else 0
        self.ngram_indptr_, self.ngram_buckets_ = ngram_buckets(words, params.min_n, params.max_n, params.bucket)
        loss_before = list(self.loss_curve_)
        word_rows, ngram_rows, result = train_fasttext(
            ids, offsets, counts, params, self.ngram_indptr_, self.ngram_buckets_, bucket,
            n_jobs=self.n_jobs, random_state=self._random_state_of_call(),
            start=self._start(previous, params, bucket), on_epoch=self._epoch_callback(params, loss_before),
        )
        self._set_outputs(result.outputs, loss_before + list(result.loss_curve), params)
        self._set_vectors(words, word_rows, ngram_rows)

    def _start(self, previous, params, bucket):
        """Where the input rows start: the model so far, and ``init_vectors`` for the words new to it."""
        n_old = 0 if previous is None else len(previous.counts)
        start = {"previous": previous}
        if previous is not None:
            start.update(previous_rows=self.input_embedding_, previous_ngrams=self.ngram_embedding_)
        if self.init_vectors is not None:
            new_words = list(self.vocabulary_)[n_old:]
            if previous is None and bucket > 0:
                initial = subword_rows_for_words(self.init_vectors, new_words, params.n_components,
                                                 min_n=self.min_n, max_n=self.max_n, bucket=bucket)
            else:
                # Trained n-gram rows are kept: only the new words' own rows start from init_vectors.
                initial = rows_for_words(self.init_vectors, new_words, params.n_components)
            start["initial"] = initial._replace(positions=initial.positions + n_old)
        return start

    def _set_model(self, inputs, outputs, loss_curve, params):
        """Store the model so far (for callbacks): compose the word vectors from the input matrix."""
        n_words = len(self.vocabulary_)
        ngram_rows = inputs.vectors[n_words:] if len(inputs.vectors) > n_words else None
        self._set_outputs(outputs, loss_curve, params)
        self._set_vectors(list(self.vocabulary_), inputs.vectors[:n_words], ngram_rows)

    def _set_vectors(self, words, word_rows, ngram_rows):
        self.input_embedding_ = word_rows
        self.ngram_embedding_ = ngram_rows
        if ngram_rows is None:
            self.embedding_ = word_rows
        else:
            self.embedding_ = compose(word_rows, ngram_rows, self.ngram_indptr_, self.ngram_buckets_)
        self.word_vectors_ = SubwordVectors(words, self.embedding_, ngram_rows, min_n=self.min_n, max_n=self.max_n)

    # -- model files ----------------------------------------------------------------

    def save(self, path):
        """Write the fitted model (vectors, n-gram matrix, parameters) to a model file.

        The format is :meth:`SubwordVectors.save`'s (a versioned ``.npz``
        archive), with the words' own input rows, the output rows, the word
        counts, the parameters and the loss curve added, so that
        :meth:`load` gives back an equivalent fitted estimator and
        :meth:`SubwordVectors.load` reads the vectors alone.  Every
        parameter that is a number (NumPy scalars included), a string, a
        bool, None or a list of those is stored as it is; one that is not (a
        ``tokenizer`` function, a ``RandomState``) is stored as None, with a
        :class:`UserWarning` naming it.  The file is written to a temporary
        file next to ``path`` and moved over it when complete, so a failed
        save leaves a previous file as it was.  The file holds what
        :meth:`partial_fit` needs to continue as the model would have
        without the round trip (with ``n_jobs=1``, bit for bit): the
        hierarchical-softmax tree rows, the words below ``min_count`` with
        their counts, the number of training calls so far.  Files written
        before these were stored (format version 1) still load; training
        further then restarts the tree rows and the pending counts.  For
        the word vectors in fastText's ``.vec`` text format use
        ``model.word_vectors_.save_word2vec_format(path)``.

        Parameters
        ----------
        path : str or path-like
            Written as given (no suffix is added).

        Examples
        --------
        >>> import os, tempfile
        >>> from skvec import FastTextEmbedder
        >>> docs = ["the cat sat on the mat", "the dog sat on the log"] * 50
        >>> model = FastTextEmbedder(n_components=8, min_count=1, bucket=100, n_jobs=1,
        ...                          random_state=0).fit(docs)
        >>> path = os.path.join(tempfile.mkdtemp(), "model.npz")
        >>> model.save(path)
        >>> FastTextEmbedder.load(path).word_vectors_["cats"].shape
        (8,)
        """
        check_is_fitted(self, "embedding_")
        settings, arrays = self.word_vectors_.model_arrays()
        arrays["input_vectors"] = self.input_embedding_
        arrays["word_counts"] = self.word_counts_
        if self.context_embedding_ is not None:
            arrays["context_vectors"] = self.context_embedding_
        if getattr(self, "tree_embedding_", None) is not None:
            arrays["tree_vectors"] = self.tree_embedding_
        arrays.update(pending_word_arrays(getattr(self, "pending_word_counts_", {})))
        settings["model"] = EMBEDDER_MODEL
        fitted = {
            "loss_curve": [float(v) for v in self.loss_curve_],
            "n_train_words": int(self.n_train_words_),
            "encoding_time": float(self.encoding_time_),
            "training_time": float(self.training_time_),
            # Continued training draws each call's stream from the call's number.
            "training_calls": int(getattr(self, "_training_calls", 1)),
        }
        write_estimator_file(path, self, self.word_vectors_.words, settings, arrays, fitted)

    @classmethod
    def load(cls, path):
        """Read a model file written by :meth:`save`; returns a fitted estimator.

        Parameters
        ----------
        path : str or path-like

        Returns
        -------
        FastTextEmbedder
        """
        model, meta, words, arrays, fitted = read_estimator_file(path, cls, EMBEDDER_MODEL, _FITTED_VALUES)
        try:
            word_vectors = SubwordVectors(words, arrays["vectors"], arrays.get("ngram_vectors"),
                                          min_n=meta["min_n"], max_n=meta["max_n"])
            model.word_counts_ = arrays["word_counts"]
            training_calls = int(meta["fitted"].get("training_calls", 1))
        except (TypeError, KeyError, ValueError) as exc:
            raise ValueError(f"{str(path)!r}: the model's parameters or fitted values are damaged ({exc}).") from None
        model.vocabulary_ = vocabulary_dict(words)
        model.n_train_words_ = fitted["n_train_words"]
        model.encoding_time_ = fitted["encoding_time"]
        model.training_time_ = fitted["training_time"]
        model.loss_curve_ = fitted["loss_curve"]
        model.context_embedding_ = arrays.get("context_vectors")
        # Files of version 1 hold neither: the tree rows then restart at zero, the pending counts at nothing.
        model.tree_embedding_ = arrays.get("tree_vectors")
        model.pending_word_counts_ = read_pending_word_counts(path, arrays)
        model._training_calls = training_calls
        model.ngram_indptr_, model.ngram_buckets_ = ngram_buckets(words, meta["min_n"], meta["max_n"], meta["bucket"])
        model.input_embedding_ = arrays["input_vectors"]
        model.ngram_embedding_ = arrays.get("ngram_vectors")
        model.embedding_ = word_vectors.vectors
        model.word_vectors_ = word_vectors
        return model
