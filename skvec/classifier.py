"""FastTextClassifier: fastText's supervised text classifier as a scikit-learn classifier."""

import logging
import time
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from scipy.special import expit, log_softmax, softmax
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted

from ._corpus import (
    DEFAULT_TOKEN_PATTERN,
    CorpusInputMixin,
    encode_all_tokens,
    select_vocabulary,
    tokenization_params,
    vocabulary_dict,
    words_in_row_order,
)
from ._kernels import classifier as kernels
from ._kernels.subword import fnv1a_hashes
from ._progress import log_info, log_memory
from ._threads import numba_threads
from ._training.classifier import (
    ClassifierPlan,
    InputLayout,
    build_outputs,
    output_rows_needed,
    train_classifier,
    walk_tree,
)
from ._training.initial import rows_for_words, source_vectors
from ._validation import (
    N_JOBS,
    NON_NEGATIVE_INT,
    POSITIVE_INT,
    POSITIVE_REAL,
    TOKENIZATION_CONSTRAINTS,
    VERBOSE,
    Interval,
    StrOptions,
    check_fits_in_memory,
)
from .subwords import ngram_buckets
from .vectors import read_fasttext_bin
from .vectors._subword import CLASSIFIER_MODEL, read_estimator_file, write_estimator_file
from .vectors._archive import utf8_with_offsets

__all__ = ["FastTextClassifier"]

EOS = "</s>"
# Tokens as the fastText tool reads them: runs of anything but its separators.
FASTTEXT_TOKEN_PATTERN = r"[^ \t\n\v\f\r\x00]+"
MODEL_KIND = CLASSIFIER_MODEL
# Fitted values a model file keeps besides the arrays.
_FITTED_VALUES = ("loss_curve", "encoding_time", "training_time")

_MAX_BUCKET = int(np.iinfo(np.int32).max)
# Documents scored per kernel call: memory of prediction is this times the classes.
_BATCH = 4096
_LOGGER = logging.getLogger("skvec.classifier")
_LOSS_CODES = {1: "hs", 2: "ns", 3: "softmax", 4: "ova"}  # the tool's loss_name enum


class FastTextClassifier(CorpusInputMixin, ClassifierMixin, BaseEstimator):
    """fastText's supervised text classifier (Joulin et al. 2016) as a scikit-learn classifier.

    A document is represented by the mean of the input rows of its words,
    of its word n-grams (``word_ngrams``, hashed into ``bucket`` rows with
    fastText's hash of the words' string hashes) and, optionally, of its
    words' character n-grams (``min_n`` to ``max_n``); every document ends
    with the end-of-line token ``</s>``, which has a row of its own, as in
    the fastText tool.  A linear output layer with the chosen ``loss``
    predicts the class; everything is trained by SGD with a learning rate
    falling linearly to 0 over all tokens of all epochs, with Hogwild
    threads.  This is the model of ``fasttext supervised``; see "Coming
    from fastText" in the user guide for the names of its options.

    Parameters
    ----------
    n_components : int, default=100
        Dimension of the input rows (the tool's ``-dim``).
    loss : {"softmax", "hs", "ns", "ova"}, default="softmax"
        Output layer: softmax over all classes; hierarchical softmax over
        the Huffman tree of the class counts (cost logarithmic in the
        number of classes); negative sampling; one-vs-all (independent
        logistic outputs, the loss for multi-label ``y``).
    word_ngrams : int, default=1
        Longest word n-gram (1: words only, 2: also bigrams...).
    bucket : int, default=2_000_000
        Rows shared by the hashed word and character n-grams; used only
        when ``word_ngrams > 1`` or character n-grams are on (it then takes
        ``bucket * n_components * 4`` bytes).
    min_n, max_n : int, default=0
        Character n-gram lengths in ``<word>``; 0 turns them off (the
        tool's supervised default).
    alpha : float, default=0.1
        Initial learning rate (``-lr``).
    epochs : int, default=5
        Passes over the documents (``-epoch``).
    min_count : int, default=1
        Words occurring fewer times get no row of their own (``-minCount``).
    negative : int, default=5
        Negative classes per example with ``loss="ns"`` (``-neg``).
    threshold : float, default=0.5
        Multi-label ``predict``: a label is predicted when its probability
        reaches it.
    init_vectors : WordVectors, SubwordVectors, fitted skvec word model, gensim KeyedVectors or None
        Start the rows of the words it shares with the vocabulary from
        these vectors (``-pretrainedVectors``); its dimension must equal
        ``n_components``.
    shuffle : bool, default=True
        Visit the documents in a new random order each epoch; False keeps
        the given order, as the tool reads its file.
    lowercase : bool, default=True
        Lowercase string documents before tokenizing.
    token_pattern : str, default=r"(?u)\\b\\w+\\b"
        Regular expression for tokens of string documents.
    tokenizer : callable or None, default=None
        Overrides ``token_pattern``.
    n_jobs : int or None, default=None
        Training and prediction threads (None: all of Numba's).  With more
        than one thread training is Hogwild and not bit-reproducible; with
        ``n_jobs=1`` and a fixed ``random_state`` two fits are identical.
    random_state : int, RandomState instance or None, default=None
        Seeds the initial rows, the document order and the negative draws.
    verbose : int, default=0
        Progress on the logger ``skvec.classifier``: 1 the vocabulary,
        memory, one line per epoch and the count of documents without any
        vocabulary word; 2 also lines within epochs.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels (for a 2-D indicator ``y``: ``0 .. n_labels - 1``).
    multilabel_ : bool
        Whether ``y`` was a 2-D indicator matrix.
    vocabulary_ : dict
        Word -> row of ``embedding_``, including ``"</s>"``.
    word_counts_ : ndarray of int64
        Occurrences of each vocabulary word.
    class_counts_ : ndarray of int64
        Training documents of each class.
    input_vectors_ : ndarray of shape (n_words + n_bucket_rows, n_components)
        The word rows followed by the n-gram rows (none when
        ``word_ngrams == 1`` and character n-grams are off).
    output_vectors_ : ndarray of float32
        One row per class, or per inner node of the tree with ``loss="hs"``.
    loss_curve_ : list of float
        Mean loss per trained document in each epoch.
    encoding_time_, training_time_ : float
        Seconds spent reading the documents and training.

    See Also
    --------
    EmbeddingVectorizer : Document vectors for any scikit-learn classifier.

    Notes
    -----
    A document with no vocabulary word is predicted from the row of
    ``</s>`` alone, as the tool predicts an empty line; with no row at all
    (``</s>`` below ``min_count``) its input vector is zero and so are its
    logits.  Such documents are counted in the log at ``verbose >= 1``.
    ``sample_weight`` multiplies the learning rate of a document's update.

    A. Joulin, E. Grave, P. Bojanowski and T. Mikolov, "Bag of Tricks for
    Efficient Text Classification", EACL 2017.

    Examples
    --------
    >>> from skvec import FastTextClassifier
    >>> docs = ["the cat purrs", "a dog barks", "the cat sleeps", "a dog runs"] * 20
    >>> y = ["cat", "dog", "cat", "dog"] * 20
    >>> clf = FastTextClassifier(n_components=10, epochs=20, n_jobs=1, random_state=0).fit(docs, y)
    >>> clf.predict(["my cat", "their dog"]).tolist()
    ['cat', 'dog']
    """

    _parameter_constraints = {
        "n_components": [POSITIVE_INT],
        "loss": [StrOptions({"softmax", "hs", "ns", "ova"})],
        "word_ngrams": [POSITIVE_INT],
        "bucket": [Interval(Integral, 0, _MAX_BUCKET, closed="both")],
        "min_n": [NON_NEGATIVE_INT],
        "max_n": [NON_NEGATIVE_INT],
        "alpha": [POSITIVE_REAL],
        "epochs": [POSITIVE_INT],
        "min_count": [POSITIVE_INT],
        "negative": [POSITIVE_INT],
        "threshold": [Interval(Real, 0, 1, closed="both")],
        "init_vectors": "no_validation",
        "shuffle": ["boolean"],
        **TOKENIZATION_CONSTRAINTS,
        "n_jobs": N_JOBS,
        "random_state": ["random_state"],
        "verbose": VERBOSE,
    }

    def __init__(
        self,
        n_components=100,
        *,
        loss="softmax",
        word_ngrams=1,
        bucket=2_000_000,
        min_n=0,
        max_n=0,
        alpha=0.1,
        epochs=5,
        min_count=1,
        negative=5,
        threshold=0.5,
        init_vectors=None,
        shuffle=True,
        lowercase=True,
        token_pattern=DEFAULT_TOKEN_PATTERN,
        tokenizer=None,
        n_jobs=None,
        random_state=None,
        verbose=0,
    ):
        self.n_components = n_components
        self.loss = loss
        self.word_ngrams = word_ngrams
        self.bucket = bucket
        self.min_n = min_n
        self.max_n = max_n
        self.alpha = alpha
        self.epochs = epochs
        self.min_count = min_count
        self.negative = negative
        self.threshold = threshold
        self.init_vectors = init_vectors
        self.shuffle = shuffle
        self.lowercase = lowercase
        self.token_pattern = token_pattern
        self.tokenizer = tokenizer
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose

    # -- fitting --------------------------------------------------------------------

    def _check_params(self):
        """Validate the parameters (before any document is read); return the pretrained vectors."""
        self._validate_params()
        if self.min_n > 0 and self.max_n > 0 and self.min_n > self.max_n:
            raise ValueError(f"min_n={self.min_n} is greater than max_n={self.max_n}; use min_n <= max_n "
                             "(or min_n=0 / max_n=0 to turn character n-grams off).")
        subwords = self.min_n > 0 and self.max_n > 0
        if self.bucket == 0 and (self.word_ngrams > 1 or subwords):
            what = f"word_ngrams={self.word_ngrams}" if self.word_ngrams > 1 else "character n-grams"
            raise ValueError(f"bucket=0 leaves no rows for the n-grams that {what} asks for; "
                             "use bucket >= 1 (e.g. 2_000_000) or word_ngrams=1 without character n-grams.")
        if self.init_vectors is None:
            return None
        pretrained = source_vectors(self.init_vectors)
        if pretrained.is_sparse or pretrained.vector_size != self.n_components:
            raise ValueError(
                f"init_vectors has {pretrained.vector_size}-dimensional vectors but n_components="
                f"{self.n_components}; they must be equal (and dense)."
            )
        return pretrained

    def fit(self, X, y, sample_weight=None):
        """Learn the vocabulary, the input rows and the output layer from labelled documents.

        Parameters
        ----------
        X : iterable of str or of sequences of str
            The documents, read once.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels of any hashable, sortable type, or a 0/1 indicator
            matrix for multi-label classification (e.g. from
            :class:`~sklearn.preprocessing.MultiLabelBinarizer`).
        sample_weight : array-like of shape (n_samples,), optional
            Non-negative weights; a document's update is scaled by its
            weight (0 skips it).

        Returns
        -------
        self : FastTextClassifier
        """
        pretrained = self._check_params()
        labels, class_counts = self._encode_targets(y)
        started = time.perf_counter()
        docs, words, counts = self._encode_training(X)
        self.encoding_time_ = time.perf_counter() - started
        n_docs = len(docs.offsets) - 1
        if n_docs != labels.offsets.shape[0] - 1:
            raise ValueError(f"X has {n_docs} documents but y has {labels.offsets.shape[0] - 1} labels; "
                             "they must have the same length.")
        targets = labels._replace(weights=_sample_weights(sample_weight, n_docs))
        self.vocabulary_ = vocabulary_dict(words)
        self.word_counts_ = counts
        self.class_counts_ = class_counts
        layout = self._layout()
        self._log_memory(layout, n_docs, len(class_counts))
        plan = ClassifierPlan(int(self.n_components), self.loss, float(self.alpha), int(self.epochs),
                              int(self.negative), bool(self.shuffle), int(self.verbose))
        started = time.perf_counter()
        result = train_classifier(docs, layout, targets, class_counts, plan, pretrained=_pretrained_rows(
            pretrained, words, self.n_components), n_jobs=self.n_jobs, random_state=self.random_state,
            logger=_LOGGER)
        self.training_time_ = time.perf_counter() - started
        self.input_vectors_ = result.inputs
        self.output_vectors_ = result.outputs
        self.loss_curve_ = result.loss_curve
        return self

    def _encode_targets(self, y):
        """Check ``y`` and encode it as the kernels' ``Targets`` (weights set later); set ``classes_``."""
        if sp.issparse(y):
            y = y.toarray()
        y = np.asarray(y) if not isinstance(y, np.ndarray) else y
        if y.ndim == 2 and y.shape[1] == 1:
            y = y.ravel()
        if y.ndim == 2:
            return self._encode_indicator(y)
        if y.ndim != 1:
            raise ValueError(f"y must be 1-d (one label per document) or a 2-d indicator matrix, got shape {y.shape}.")
        _check_no_missing(y)
        kind = type_of_target(y, input_name="y")
        if kind not in ("binary", "multiclass"):
            raise ValueError(f"y must hold class labels; type_of_target(y) is {kind!r} (continuous values are "
                             "not classes).")
        try:
            classes, encoded = np.unique(y, return_inverse=True)
        except TypeError:
            raise TypeError("y mixes labels of types that cannot be sorted together (e.g. str and int); "
                            "use labels of one type.") from None
        if len(classes) < 2:
            raise ValueError(f"y has a single class ({classes[0]!r}); a classifier needs at least 2 classes.")
        self.classes_ = classes
        self.multilabel_ = False
        n = len(encoded)
        targets = kernels.Targets(np.arange(n + 1, dtype=np.int64), encoded.astype(np.int32).ravel(), None)
        return targets, np.bincount(encoded.ravel(), minlength=len(classes)).astype(np.int64)

    def _encode_indicator(self, y):
        """Multi-label ``y``: a 0/1 matrix, one column per label."""
        if y.dtype.kind not in "biuf" or (y.dtype.kind == "f" and not np.isfinite(y).all()):
            raise ValueError("A 2-d y must be a 0/1 indicator matrix (numbers, no NaN); "
                             "use MultiLabelBinarizer to build one from lists of labels.")
        if not np.isin(y, (0, 1)).all():
            raise ValueError("A 2-d y must be a 0/1 indicator matrix; it holds other values.")
        if y.shape[1] < 1:
            raise ValueError("A 2-d y needs at least one label column.")
        self.classes_ = np.arange(y.shape[1])
        self.multilabel_ = True
        rows, cols = np.nonzero(y)
        offsets = np.zeros(y.shape[0] + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=y.shape[0]), out=offsets[1:])
        return kernels.Targets(offsets, cols.astype(np.int32), None), y.sum(axis=0).astype(np.int64)

    def _encode_training(self, X):
        """Vocabulary and encoded documents of the training corpus: (docs, words, counts)."""
        index = {EOS: 0}
        tokens, offsets = encode_all_tokens(X, index, **tokenization_params(self), verbose=int(self.verbose),
                                            logger=_LOGGER)
        tokens, offsets = _append_eos(tokens, offsets, index[EOS])
        type_words = list(index)
        counts = np.bincount(tokens, minlength=len(type_words)).astype(np.int64)
        kept = select_vocabulary(counts, self.min_count, None, int(self.verbose), _LOGGER)
        type_row = np.full(len(type_words), -1, dtype=np.int64)
        type_row[kept] = np.arange(len(kept))
        words = [type_words[i] for i in kept]
        docs = self._documents(tokens, offsets, type_words, type_row, index[EOS], len(words))
        self._log_unknown(tokens, offsets, type_row, index[EOS], "training documents")
        return docs, words, counts[kept]

    def _layout(self):
        return InputLayout(int(len(self.vocabulary_)), int(self.bucket), int(self.word_ngrams), int(self.min_n),
                           int(self.max_n))

    def _documents(self, tokens, offsets, type_words, type_row, eos, n_words):
        """The kernels' ``Documents``: token types' input rows and hashes, and the largest document."""
        layout = InputLayout(n_words, int(self.bucket), int(self.word_ngrams), int(self.min_n),
                             int(self.max_n))
        row_offsets, rows = _type_rows(type_words, type_row, eos, layout)
        data, data_offsets = utf8_with_offsets(type_words)
        hashes = fnv1a_hashes(data, data_offsets).view(np.int32)
        per_token = np.diff(row_offsets)[tokens]
        lengths = np.diff(offsets)
        needed = np.add.reduceat(per_token, offsets[:-1]) if len(per_token) else np.zeros(0, dtype=np.int64)
        for k in range(1, int(self.word_ngrams)):
            needed = needed + np.maximum(lengths - k, 0)
        capacity = int(needed.max()) if len(needed) else 0
        return kernels.Documents(tokens, offsets, row_offsets, rows, hashes, max(capacity, 1))

    def _log_unknown(self, tokens, offsets, type_row, eos, what):
        if int(self.verbose) < 1 or len(offsets) < 2:
            return
        known = ((type_row[tokens] >= 0) & (tokens != eos)).astype(np.int64)
        n_empty = int((np.add.reduceat(known, offsets[:-1]) == 0).sum())
        if n_empty == 0:  # said only when it happens, as the document model does
            return
        log_info(int(self.verbose), f"classifier: {n_empty} of {len(offsets) - 1} {what} have no vocabulary "
                 "word (predicted from the end-of-line row </s> alone)", logger=_LOGGER)

    def _log_memory(self, layout, n_docs, n_classes):
        dim = int(self.n_components)
        memory = {"input rows": 4 * (layout.n_words + layout.n_bucket_rows) * dim,
                  "output rows": 4 * output_rows_needed(self.loss, n_classes) * dim,
                  "documents": 8 * n_docs}
        check_fits_in_memory(memory, f"lower bucket (now {self.bucket!r}) or n_components (now {dim!r})")
        log_memory(int(self.verbose), "classifier", memory, logger=_LOGGER)

    # -- prediction -----------------------------------------------------------------

    def _encode_new(self, X):
        """Encode documents against the fitted vocabulary; unseen words keep their hashes."""
        check_is_fitted(self, "output_vectors_")
        words = words_in_row_order(self.vocabulary_)
        index = vocabulary_dict(words)
        index.setdefault(EOS, len(index))
        tokens, offsets = encode_all_tokens(X, index, **tokenization_params(self), verbose=0)
        eos = index[EOS]
        tokens, offsets = _append_eos(tokens, offsets, eos)
        type_words = list(index)
        type_row = np.full(len(type_words), -1, dtype=np.int64)
        type_row[: len(words)] = np.arange(len(words))
        self._log_unknown(tokens, offsets, type_row, eos, "documents")
        return self._documents(tokens, offsets, type_words, type_row, eos, len(words))

    def _batches(self, X):
        """Yield the raw scores of successive batches of documents (logits, or log-probabilities for hs)."""
        docs = self._encode_new(X)
        outputs = build_outputs(self.loss, self.output_vectors_, self.class_counts_)
        settings = self._layout().kernel_settings()
        n_docs = len(docs.offsets) - 1
        with numba_threads(self.n_jobs) as n_threads:
            for lo in range(0, n_docs, _BATCH):
                hi = min(lo + _BATCH, n_docs)
                out = np.empty((hi - lo, len(self.classes_)), dtype=np.float64)
                bounds = np.linspace(lo, hi, 4 * n_threads + 1).astype(np.int64)
                kernels.document_scores(bounds, docs, settings, self.input_vectors_, outputs, out)
                yield out

    def _predict_hs(self, X):
        """Classes by a pruned search of the tree (no per-class scores), as the tool predicts."""
        docs = self._encode_new(X)
        outputs = build_outputs(self.loss, self.output_vectors_, self.class_counts_)
        n_docs = len(docs.offsets) - 1
        best = np.zeros(n_docs, dtype=np.int64)
        with numba_threads(self.n_jobs) as n_threads:
            bounds = np.linspace(0, n_docs, 4 * n_threads + 1).astype(np.int64)
            kernels.hs_best_classes(bounds, docs, self._layout().kernel_settings(), self.input_vectors_,
                                    self.output_vectors_, walk_tree(outputs), best)
        return self.classes_[best]

    def _proba(self, scores):
        if self.loss == "softmax":
            return softmax(scores, axis=1)
        if self.loss == "hs":
            return np.exp(scores)
        proba = expit(scores)
        return proba if self.multilabel_ else proba / proba.sum(axis=1, keepdims=True)

    def decision_function(self, X):
        """Raw class scores: logits (softmax, ns, ova) or log-probabilities (hs).

        Parameters
        ----------
        X : iterable of str or of sequences of str

        Returns
        -------
        scores : ndarray of shape (n_samples, n_classes), or (n_samples,) for two classes
            With two classes (single-label), the score of ``classes_[1]``
            minus that of ``classes_[0]``.
        """
        scores = np.concatenate(list(self._batches(X)) or [np.zeros((0, len(self.classes_)))])
        if len(self.classes_) == 2 and not self.multilabel_:
            return scores[:, 1] - scores[:, 0]
        return scores

    def predict_proba(self, X):
        """Class probabilities of each document.

        Softmax and hierarchical softmax give a distribution over the
        classes; ``ns`` and ``ova`` give each class a logistic probability,
        normalized to sum to 1 for single-label ``y`` and left as they are
        for multi-label ``y``.

        Parameters
        ----------
        X : iterable of str or of sequences of str

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        parts = [self._proba(scores) for scores in self._batches(X)]
        return np.concatenate(parts) if parts else np.zeros((0, len(self.classes_)))

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : iterable of str or of sequences of str

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
        """
        if self.loss == "softmax":
            parts = [log_softmax(scores, axis=1) for scores in self._batches(X)]
            return np.concatenate(parts) if parts else np.zeros((0, len(self.classes_)))
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X):
        """Predict the class of each document (multi-label: the labels reaching ``threshold``).

        Parameters
        ----------
        X : iterable of str or of sequences of str

        Returns
        -------
        y : ndarray of shape (n_samples,), or (n_samples, n_labels) 0/1 for multi-label
        """
        if self.loss == "hs" and not self.multilabel_:
            return self._predict_hs(X)
        parts = []
        for scores in self._batches(X):
            if self.multilabel_:
                parts.append((self._proba(scores) >= self.threshold).astype(np.int64))
            else:
                parts.append(self.classes_[np.argmax(scores, axis=1)])
        if parts:
            return np.concatenate(parts)
        return np.zeros((0, len(self.classes_)), dtype=np.int64) if self.multilabel_ else self.classes_[:0]

    # -- files ----------------------------------------------------------------------

    def save(self, path):
        """Write the fitted classifier to a model file (the versioned format of :meth:`SubwordVectors.save`).

        The archive holds the vocabulary, ``vectors`` (the word rows),
        ``ngram_vectors`` (the n-gram rows, if any), ``output_vectors``,
        ``word_counts``, ``class_counts``, the classes and the parameters
        (those that are not plain numbers, strings or None, such as a
        ``tokenizer`` function or ``init_vectors``, are stored as None).
        Classes must be strings, integers, floats or bools.

        Parameters
        ----------
        path : str or path-like
            Written as given (no suffix is added).

        Examples
        --------
        >>> import os, tempfile
        >>> from skvec import FastTextClassifier
        >>> docs, y = ["good fun", "bad dull"] * 10, ["pos", "neg"] * 10
        >>> clf = FastTextClassifier(n_components=4, n_jobs=1, random_state=0).fit(docs, y)
        >>> path = os.path.join(tempfile.mkdtemp(), "clf.npz")
        >>> clf.save(path)
        >>> FastTextClassifier.load(path).predict(["fun"]).tolist()
        ['pos']
        """
        check_is_fitted(self, "output_vectors_")
        classes = self.classes_.tolist()
        if not all(isinstance(c, (str, int, float, bool)) for c in classes):
            raise TypeError("Only classes that are strings, integers, floats or bools can be saved; "
                            "use pickle for other labels.")
        n_words = len(self.vocabulary_)
        arrays = {"vectors": self.input_vectors_[:n_words], "output_vectors": self.output_vectors_,
                  "word_counts": self.word_counts_, "class_counts": self.class_counts_}
        if self.input_vectors_.shape[0] > n_words:
            arrays["ngram_vectors"] = self.input_vectors_[n_words:]
        settings = {"model": MODEL_KIND, "min_n": int(self.min_n), "max_n": int(self.max_n),
                    "bucket": int(self.input_vectors_.shape[0] - n_words),
                    "classes": classes, "classes_dtype": self.classes_.dtype.str, "multilabel": bool(self.multilabel_)}
        fitted = {"loss_curve": [float(v) for v in self.loss_curve_], "encoding_time": float(self.encoding_time_),
                  "training_time": float(self.training_time_)}
        write_estimator_file(path, self, words_in_row_order(self.vocabulary_), settings, arrays, fitted)

    @classmethod
    def load(cls, path):
        """Read a model file written by :meth:`save`; returns a fitted classifier.

        Parameters
        ----------
        path : str or path-like

        Returns
        -------
        FastTextClassifier
        """
        model, meta, words, arrays, fitted = read_estimator_file(path, cls, MODEL_KIND, _FITTED_VALUES)
        model.classes_ = np.array(meta["classes"], dtype=np.dtype(meta["classes_dtype"]))
        model.multilabel_ = bool(meta["multilabel"])
        model.vocabulary_ = vocabulary_dict(words)
        model.word_counts_ = arrays["word_counts"]
        model.class_counts_ = arrays["class_counts"]
        parts = [arrays["vectors"]] + ([arrays["ngram_vectors"]] if "ngram_vectors" in arrays else [])
        model.input_vectors_ = np.ascontiguousarray(np.concatenate(parts), dtype=np.float32)
        model.output_vectors_ = np.ascontiguousarray(arrays["output_vectors"], dtype=np.float32)
        model.loss_curve_ = fitted["loss_curve"]
        model.encoding_time_ = fitted["encoding_time"]
        model.training_time_ = fitted["training_time"]
        return model

    @classmethod
    def load_fasttext_bin(cls, path):
        """Read a supervised ``.bin`` model written by the fastText C++ tool; returns a fitted classifier.

        Its predictions are the tool's: documents are split at the tool's
        separators (space, tab, newline, vertical tab, form feed, carriage
        return, NUL) without lowercasing, end with ``</s>``, and take the
        word, word n-gram and character n-gram rows the tool takes (words
        outside the vocabulary included in word n-grams).  ``classes_`` are
        the tool's label strings (``__label__...``) in its order (by
        decreasing count).  Quantized ``.ftz`` models are not read.  The
        tool reports ``p + 1e-5`` for a class of probability ``p`` (it
        keeps ``log(p + 1e-5)``); ``predict_proba`` gives ``p``.

        Parameters
        ----------
        path : str or path-like

        Returns
        -------
        FastTextClassifier
        """
        model_file = read_fasttext_bin(path)
        args = model_file["args"]
        if args["model"] != 3 or not model_file["labels"]:
            raise ValueError(f"{path!r} is not a supervised fastText model (model {args['model']}); read "
                             "word vectors with SubwordVectors.load_fasttext_bin.")
        loss = _LOSS_CODES.get(args["loss"])
        if loss is None:
            raise ValueError(f"{path!r} has an unknown loss code {args['loss']}.")
        model = cls(n_components=args["dim"], loss=loss, word_ngrams=args["wordNgrams"], bucket=args["bucket"],
                    min_n=args["minn"], max_n=args["maxn"], epochs=args["epoch"], min_count=args["minCount"],
                    negative=max(args["neg"], 1), lowercase=False, token_pattern=FASTTEXT_TOKEN_PATTERN)
        labels = model_file["labels"]
        model.classes_ = np.array(labels, dtype=object)
        model.multilabel_ = False
        model.vocabulary_ = vocabulary_dict(model_file["words"])
        model.word_counts_ = np.array(model_file["counts"], dtype=np.int64)
        model.class_counts_ = np.array(model_file["label_counts"], dtype=np.int64)
        model.input_vectors_ = np.array(model_file["input"], dtype=np.float32)
        model.output_vectors_ = np.array(model_file["output"][: output_rows_needed(loss, len(labels))],
                                         dtype=np.float32)
        model.loss_curve_, model.encoding_time_, model.training_time_ = [], 0.0, 0.0
        return model

    @property
    def embedding_(self):
        """The input rows of the vocabulary words (``input_vectors_[:n_words]``)."""
        check_is_fitted(self, "input_vectors_")
        return self.input_vectors_[: len(self.vocabulary_)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        tags.non_deterministic = True
        return tags


def _append_eos(tokens, offsets, eos):
    """End every document with the token ``eos``, as the tool ends each line with ``</s>``."""
    tokens = np.insert(tokens, offsets[1:], np.int32(eos)).astype(np.int32, copy=False)
    return tokens, offsets + np.arange(len(offsets), dtype=np.int64)


def _type_rows(type_words, type_row, eos, layout):
    """CSR of the input rows of each token type: its word row (if any), then its character n-gram rows."""
    n_types = len(type_words)
    own = (type_row >= 0).astype(np.int64)
    if layout.subwords and layout.bucket > 0:
        gram_offsets, grams = ngram_buckets(type_words, layout.min_n, layout.max_n, layout.bucket)
        gram_lengths = np.diff(gram_offsets)
        # The end-of-line token has no n-grams in the tool.
        keep = np.ones(len(grams), dtype=bool)
        keep[gram_offsets[eos]:gram_offsets[eos + 1]] = False
        grams = grams[keep]
        gram_lengths[eos] = 0
    else:
        gram_lengths = np.zeros(n_types, dtype=np.int64)
        grams = np.zeros(0, dtype=np.int32)
    row_offsets = np.zeros(n_types + 1, dtype=np.int64)
    np.cumsum(own + gram_lengths, out=row_offsets[1:])
    rows = np.empty(row_offsets[-1], dtype=np.int32)
    starts = row_offsets[:-1]
    rows[starts[own > 0]] = type_row[own > 0]
    gram_starts = np.cumsum(gram_lengths) - gram_lengths
    positions = np.repeat(starts + own - gram_starts, gram_lengths) + np.arange(len(grams))
    rows[positions] = grams.astype(np.int64) + layout.n_words
    return row_offsets, rows


def _check_no_missing(y):
    """Reject None and NaN labels, naming the first one."""
    if y.dtype.kind == "f":
        missing = np.flatnonzero(np.isnan(y))
    elif y.dtype.kind == "O":
        missing = np.flatnonzero([v is None or (isinstance(v, float) and v != v) for v in y])
    else:
        return
    if len(missing):
        raise ValueError(f"y has a missing label (None or NaN) at position {missing[0]}; "
                         f"{len(missing)} in all. Drop those documents or give them a class.")


def _sample_weights(sample_weight, n_docs):
    """Per-document float32 weights (all 1 without ``sample_weight``)."""
    if sample_weight is None:
        return np.ones(n_docs, dtype=np.float32)
    weights = np.asarray(sample_weight, dtype=np.float64)
    if weights.shape != (n_docs,):
        raise ValueError(f"sample_weight has shape {weights.shape}; expected ({n_docs},), one weight per document.")
    if not np.isfinite(weights).all() or (weights < 0).any():
        raise ValueError("sample_weight must be finite and non-negative.")
    return weights.astype(np.float32)


def _pretrained_rows(pretrained, words, n_components):
    """(rows, vectors) of the vocabulary words that ``pretrained`` has, or None."""
    if pretrained is None:
        return None
    initial = rows_for_words(pretrained, words, n_components)
    return (initial.positions, initial.rows) if len(initial.positions) else None
