"""Training further, shared by the trained embedders: fit, partial_fit, warm_start, init_vectors, callbacks.

:class:`ContinuedTrainingMixin` holds what every model trained by the
word2vec engine does the same way when it starts from pretrained vectors or
goes on with more documents: encoding (a first fit keeps the words below
``min_count``; a later call grows the vocabulary from the cumulative
counts), the checks of ``init_vectors`` and of the parameters that cannot
change, the output rows carried over, each call's random stream, the rows
``init_vectors`` gives to new words, the epoch callbacks, and the rollback
of a call that fails.  An estimator using it provides ``_train_corpus``
(train on an encoded corpus, given the previous model or None),
``_set_model`` (store the model so far), ``_STRUCTURE`` (the parameters
that shape the model), ``_FITTED_ATTRIBUTE`` and ``_logger`` (the
estimator's documented logger, which every progress line of the call uses).
"""

import time
from numbers import Integral

import numpy as np

from ._corpus import Vocabulary, encode_corpus, encode_known, grow_vocabulary, tokenization_params, vocabulary_dict
from ._kernels.arrays import all_finite
from ._kernels.word2vec import OutputRows
from ._training.initial import rows_for_words, source_vectors
from ._training.word2vec import PreviousModel

__all__ = ["ContinuedTrainingMixin"]


class ContinuedTrainingMixin:
    """Fit, continue (``partial_fit``, ``warm_start``) and start from ``init_vectors``."""

    # Parameters that shape the model's arrays or its vocabulary's tokens.
    _STRUCTURE = ("n_components", "hierarchical_softmax", "lowercase", "token_pattern")
    # The attribute whose presence means the model is fitted.
    _FITTED_ATTRIBUTE = "embedding_"

    def _is_fitted(self):
        return hasattr(self, self._FITTED_ATTRIBUTE)

    def _check_callbacks(self):
        for callback in self.callbacks or ():
            if not callable(callback):
                raise TypeError(f"callbacks must be a list of callables, got {callback!r} in it.")

    def _fit_corpus(self, X, params):
        """``fit``: start over (or continue, with ``warm_start``); returns the encoded documents."""
        if self.warm_start and self._is_fitted():
            return self._fit_more(X, params)
        if self.init_vectors is not None:
            self._check_init_vectors(params)
        started = time.perf_counter()
        corpus = encode_corpus(
            X,
            **tokenization_params(self),
            min_count=self.min_count,
            max_vocab_size=self.max_vocab_size,
            verbose=params.verbose,
            logger=self._logger,
            keep_unused=True,
        )
        self.encoding_time_ = time.perf_counter() - started
        self._fitted_structure = self._structure()
        self._training_calls = 1
        self.loss_curve_ = []
        self._set_vocabulary(corpus)
        self._train_corpus(corpus, params, None)
        return corpus

    def _partial_fit(self, X, update_vocabulary):
        """``partial_fit``: the first call fits; later ones continue, counting ``X`` or not."""
        params = self._check_params()
        if not isinstance(update_vocabulary, (bool, np.bool_)):
            raise TypeError(f"update_vocabulary must be True or False, got {update_vocabulary!r}.")
        if not self._is_fitted():
            if not update_vocabulary:
                raise ValueError(
                    "partial_fit(update_vocabulary=False) trains with the vocabulary of a fitted model, and "
                    f"this {type(self).__name__} is not fitted yet: the first call must count its documents "
                    "(update_vocabulary=True)."
                )
            return self.fit(X)
        else:
            self._fit_more(X, params, bool(update_vocabulary))
        return self

    def _fit_more(self, X, params, update_vocabulary=True):
        """Continue the fitted model on ``X`` (``partial_fit``, ``fit`` with ``warm_start``).

        With ``update_vocabulary=False`` the documents are not counted: the
        vocabulary, its counts and the words pending stay as they are, and
        tokens of words outside the vocabulary are skipped.  Returns the
        encoded documents of ``X``.
        """
        self._check_structure()
        if self.init_vectors is not None:
            self._check_init_vectors(params)
        previous = PreviousModel(self.word_counts_, self._output_rows())
        started = time.perf_counter()
        pending = getattr(self, "pending_word_counts_", {})
        vocabulary = Vocabulary(list(self.vocabulary_), self.word_counts_)
        unused = Vocabulary(list(pending), np.fromiter(pending.values(), dtype=np.int64, count=len(pending)))
        tokenization = dict(tokenization_params(self), verbose=params.verbose, logger=self._logger)
        if update_vocabulary:
            corpus = grow_vocabulary(X, vocabulary, unused, min_count=self.min_count,
                                     max_vocab_size=self.max_vocab_size, **tokenization)
        else:
            corpus = encode_known(X, vocabulary, unused, **tokenization)
        # Training copies the arrays it grows, so the model before this call
        # stays intact and comes back whole if the call fails.
        state = dict(self.__dict__)
        try:
            self.encoding_time_ = time.perf_counter() - started
            self._training_calls = getattr(self, "_training_calls", 1) + 1
            self._set_vocabulary(corpus)
            self._train_corpus(corpus, params, previous)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(state)
            raise
        return corpus

    def _set_vocabulary(self, corpus):
        self.vocabulary_ = vocabulary_dict(corpus.words)
        self.word_counts_ = corpus.counts
        self.pending_word_counts_ = dict(zip(corpus.unused.words, corpus.unused.counts.tolist()))
        self.n_train_words_ = len(corpus.ids)

    def _check_init_vectors(self, params):
        """Fail before reading documents when ``init_vectors`` cannot be used."""
        vectors = source_vectors(self.init_vectors)
        if vectors.vector_size != params.n_components:
            raise ValueError(
                f"init_vectors has vectors of {vectors.vector_size} dimensions but "
                f"n_components={self.n_components}; they must be equal."
            )
        matrix = vectors.vectors
        values = np.ascontiguousarray(matrix.data if hasattr(matrix, "toarray") else matrix)
        if values.dtype.kind == "f" and not all_finite(values):
            raise ValueError("init_vectors holds NaN or infinite values; every vector must be finite.")

    def _structure(self):
        params = self.get_params(deep=False)
        structure = {name: params[name] for name in self._STRUCTURE}
        structure["negative sampling"] = params["negative"] > 0
        return structure

    def _check_structure(self):
        """Raise if a parameter that shapes the model changed since it was fitted."""
        fitted = getattr(self, "_fitted_structure", None) or self._structure()
        for name, value in self._structure().items():
            if fitted.get(name, value) != value:
                raise ValueError(
                    f"The model was fitted with {name}={fitted[name]!r} and now has {name}={value!r}; "
                    f"{name} cannot change when training continues (partial_fit, warm_start=True). "
                    "Set it back, or fit a new model."
                )

    def _output_rows(self):
        """The output rows trained so far, placeholders for sides not trained."""
        placeholder = np.zeros((1, int(self.n_components)), dtype=np.float32)
        syn1neg = getattr(self, "context_embedding_", None)
        syn1 = getattr(self, "tree_embedding_", None)
        return OutputRows(placeholder if syn1neg is None else syn1neg, placeholder if syn1 is None else syn1)

    def _random_state_of_call(self):
        """This call's ``random_state``: the parameter itself on the first call.

        Later calls with an integer seed draw from a stream derived from the
        seed and the call's number, so that new words do not start from the
        rows earlier new words started from.
        """
        calls = getattr(self, "_training_calls", 1)
        if calls <= 1 or not isinstance(self.random_state, Integral):
            return self.random_state
        return np.random.RandomState(np.random.MT19937(np.random.SeedSequence([int(self.random_state), calls])))

    def _new_word_rows(self, n_old, params):
        """``init_vectors`` rows for the words from row ``n_old`` on, positions in the whole vocabulary."""
        if self.init_vectors is None:
            return None
        words = list(self.vocabulary_)[n_old:]
        initial = rows_for_words(self.init_vectors, words, params.n_components)
        return initial._replace(positions=initial.positions + n_old)

    def _epoch_callback(self, params, loss_before):
        """The engine's ``on_epoch``: store the model so far, then call each callback."""
        if not self.callbacks:
            return None

        def on_epoch(epoch, inputs, outputs, loss_curve, *more):
            self._set_model(inputs, outputs, loss_before + list(loss_curve), params, *more)
            for callback in self.callbacks:
                callback(self, epoch)

        return on_epoch
