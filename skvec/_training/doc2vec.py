"""Training and inference engine of the Paragraph Vector model (doc2vec).

Training is word2vec's engine (``train_word2vec``: model arrays, sampling
tables, epoch and block schedule, threads, progress, divergence checks) run
with the document kernel of ``skvec._kernels.doc2vec`` and one more matrix,
the rows of the training documents.  Inference rebuilds the same sampling
tables from the fitted counts and runs the batched inference kernel.
"""

import logging
from collections import namedtuple
from dataclasses import dataclass
from functools import partial

import numpy as np
from numba import parallel_chunksize
from sklearn.utils import check_random_state

from .._kernels import doc2vec as kernels
from .._kernels.word2vec import InputRows, OutputRows
from .._random import thread_seeds, uniform_rows
from .._threads import numba_threads
from .word2vec import Word2VecSettings, sampling_tables, start_inputs, train_word2vec

# Progress of a fit is reported on the estimator's logger.
LOGGER = logging.getLogger("skvec.doc2vec")


@dataclass(frozen=True, kw_only=True)
class Doc2VecSettings(Word2VecSettings):
    """word2vec's settings plus the document model's and inference's, built once by the estimator.

    ``architecture`` stays ``"skipgram"``: the word part of PV-DBOW with
    ``train_words`` is skip-gram, and PV-DM reads ``dm`` and ``dm_mean`` from
    the document rows, not the architecture.  ``cbow_mean`` is ``dm_mean``.
    """

    architecture: str = "skipgram"
    dm: bool
    train_words: bool
    dm_mean: bool
    infer_epochs: int
    infer_alpha: float
    infer_min_alpha: float


InferenceModel = namedtuple("InferenceModel", ["word_vectors", "syn1neg", "syn1", "counts", "n_train_words"])
InferenceModel.__doc__ = """The frozen model inference reads.

``word_vectors`` (None when PV-DBOW did not train them), ``syn1neg``,
``syn1`` (or None), ``counts`` and ``n_train_words`` (the training tokens,
which set the down-sampling).
"""

Doc2VecResult = namedtuple("Doc2VecResult", ["inputs", "outputs", "documents", "loss_curve", "inference_seed"])
Doc2VecResult.__doc__ = """Trained word inputs, outputs, document rows, mean loss per epoch and the inference seed."""


# Half-widths of the starting rows, in units of 1 / n_components.  Words start
# at gensim's scale, twice C's.  With C's start instead (its scale and its
# generator, for words and documents), PV-DBOW (train_words) and PV-DM
# classified the bundled sample's paragraphs 3.3 and 3.0 points of macro-F1
# worse after 5 epochs (means of 3 seeds, one thread).  Documents start at
# C's scale, as inferred rows do: a document row is moved only by its own
# words, so the noise of its start weighs more in its trained row (with
# gensim's scale for documents too, PV-DM's trained rows of a small corpus
# lost much of their topic structure, and the sample did no better).
WORD_SCALE = 1.0
DOCUMENT_SCALE = 0.5


def new_word_rows(n_rows, dim, seed):
    """Random starting rows of new words."""
    return uniform_rows(n_rows, dim, seed, WORD_SCALE)


def word_rows_start(*, previous_rows=None, initial=None):
    """The ``make_inputs`` of the document model: ``start_inputs`` with new word rows from :func:`new_word_rows`."""
    return partial(start_inputs, previous_rows=previous_rows, initial=initial, init_rows=new_word_rows)


def train_doc2vec(ids, offsets, counts, params, *, n_jobs=None, random_state=None, make_inputs=None,
                  previous=None, on_epoch=None):
    """Train PV-DBOW or PV-DM on an encoded corpus.

    Parameters
    ----------
    ids, offsets : ndarray
        The corpus: token ids (int32) and document offsets (int64); each
        document gets a row.
    counts : ndarray of int64
        Count of each vocabulary word, in decreasing order.
    params : Doc2VecSettings
        The validated settings.
    n_jobs : int or None
        Threads.
    random_state : int, RandomState instance or None
        Seeds the document rows, the word rows, each thread's generator and
        the inference seed.
    make_inputs, previous : optional
        Where the word rows and the output rows start, as for
        ``train_word2vec`` (continued training: the rows trained so far,
        ``init_vectors``); by default (None) new rows, from
        :func:`word_rows_start`.  The documents of ``ids`` always get new
        rows, from ``uniform_rows``.
    on_epoch : callable or None
        Called as ``on_epoch(epoch, inputs, outputs, loss_curve, documents,
        inference_seed)`` after each epoch, ``documents`` being the document
        rows so far.

    Returns
    -------
    result : Doc2VecResult
    """
    rng = check_random_state(random_state)
    if make_inputs is None:
        make_inputs = word_rows_start()
    document_seed, inference_seed = thread_seeds(rng, 2)
    documents = kernels.DocumentRows(
        uniform_rows(len(offsets) - 1, params.n_components, document_seed, DOCUMENT_SCALE),
        bool(params.dm), bool(params.train_words), bool(params.dm_mean),
    )
    epoch_done = None
    if on_epoch is not None:
        def epoch_done(epoch, inputs, outputs, loss_curve):
            on_epoch(epoch, inputs, outputs, loss_curve, documents.vectors, int(inference_seed))
    result = train_word2vec(ids, offsets, counts, params, n_jobs=n_jobs, random_state=rng,
                            make_inputs=make_inputs, previous=previous, on_epoch=epoch_done, logger=LOGGER,
                            name="doc2vec", kernel=kernels.train_block, extra=(documents,))
    return Doc2VecResult(result.inputs, result.outputs, documents.vectors, result.loss_curve, int(inference_seed))


def infer_documents(ids, offsets, model, params, seed, *, n_jobs=None):
    """Infer a row for each document of an encoded batch with the model frozen.

    Parameters
    ----------
    ids, offsets : ndarray
        The batch: token ids (int32, vocabulary words only) and document
        offsets (int64).
    model : InferenceModel
        The trained arrays and counts.
    params : Doc2VecSettings
        The fitted model's settings with the inference schedule
        (``infer_epochs``, ``infer_alpha``, ``infer_min_alpha``) of now.
    seed : int
        The inference seed (each document's generator derives from it).
    n_jobs : int or None
        Threads; the rows do not depend on it.

    Returns
    -------
    ndarray of shape (n_docs, n_components), dtype float32
        Zero rows for empty documents.
    """
    dim = params.n_components
    word_vectors = model.word_vectors
    if word_vectors is None:
        word_vectors = np.zeros((1, dim), dtype=np.float32)
    inputs = InputRows(word_vectors, np.zeros(len(word_vectors) + 1, dtype=np.int64), np.zeros(0, dtype=np.int32))
    placeholder = np.zeros((1, dim), dtype=np.float32)
    syn1neg = model.syn1neg if model.syn1neg is not None else placeholder
    syn1 = model.syn1 if model.syn1 is not None else placeholder
    tables = sampling_tables(model.counts, params, model.n_train_words)
    kernel_params = kernels.InferenceParams(
        dm=bool(params.dm),
        dm_mean=bool(params.dm_mean),
        negative=int(params.negative),
        hs=bool(params.hs),
        subsample=params.sample > 0,
        window=int(params.window),
        shrink=bool(params.shrink_windows),
        epochs=int(params.infer_epochs),
        start_alpha=float(params.infer_alpha),
        min_alpha=float(params.infer_min_alpha),
        seed=np.uint64(seed),
    )
    out = np.zeros((len(offsets) - 1, dim), dtype=np.float32)
    with numba_threads(n_jobs), parallel_chunksize(kernels.INFER_CHUNK_SIZE):
        kernels.infer_batch(ids, offsets, inputs, OutputRows(syn1neg, syn1), tables, kernel_params, out)
    return out
