"""Training engine of the fastText classifier: model arrays, epochs and blocks, progress.

``train_classifier`` takes encoded documents (``skvec._kernels.classifier.Documents``)
and their classes, builds the model (input rows uniform in ``[-1/d, 1/d)``
as the tool initialises them, zero output rows, the Huffman tree or the
negative table of the classes), and calls
``skvec._kernels.classifier.train_block`` block after block: each epoch
visits the documents in a fresh random order (or in the given order), cut
into at most ``_BLOCKS_PER_EPOCH`` calls of one chunk per thread, so that
progress is reported and divergence is checked between calls.
"""

import logging
import mmap
from collections import namedtuple
from dataclasses import dataclass

import numpy as np

from .._kernels import classifier as kernels
from .._kernels.arrays import all_finite
from .._kernels.word2vec import alias_table, huffman_tree
from .._progress import Progress
from .._random import thread_seeds
from .._threads import numba_threads

_BLOCKS_PER_EPOCH = 20
_MIN_BLOCK_TOKENS = 200_000
# Input matrices of this many bytes or more are memory-mapped (see ``row_matrix``).
MAPPED_FROM = 64 << 20
# Negative classes are drawn in proportion to count ** 0.5, as in the tool.
NEGATIVE_EXPONENT = 0.5

LOSS_KINDS = {"softmax": kernels.SOFTMAX, "hs": kernels.HS, "ns": kernels.NS, "ova": kernels.OVA}

_LOGGER = logging.getLogger("skvec.classifier")

ClassifierResult = namedtuple("ClassifierResult", ["inputs", "outputs", "loss_curve"])
ClassifierResult.__doc__ = """Trained input rows, output rows and the mean loss of each epoch."""


@dataclass(frozen=True)
class ClassifierPlan:
    """Validated settings of one fit, built once by the estimator."""

    n_components: int
    loss: str
    alpha: float
    epochs: int
    negative: int
    shuffle: bool
    verbose: int


@dataclass(frozen=True)
class InputLayout:
    """Where a document's input rows come from: word rows, then ``bucket`` rows when n-grams are on."""

    n_words: int
    bucket: int
    word_ngrams: int
    min_n: int
    max_n: int

    @property
    def subwords(self):
        """Whether character n-grams are on."""
        return self.min_n > 0 and self.max_n > 0 and self.min_n <= self.max_n

    @property
    def n_bucket_rows(self):
        """Rows of n-grams (word and character n-grams share them, as in the tool)."""
        return self.bucket if (self.word_ngrams > 1 or self.subwords) else 0

    def kernel_settings(self):
        """The kernels' ``InputSettings`` (bucket at least 1: it is only a modulus there)."""
        return kernels.InputSettings(int(self.n_words), max(int(self.bucket), 1), int(self.word_ngrams))


def output_rows_needed(loss, n_classes):
    """Rows of the output matrix: one per class, or one per inner node of the tree."""
    return max(n_classes - 1, 1) if loss == "hs" else n_classes


def build_outputs(loss, vectors, class_counts):
    """The kernels' ``Outputs`` record: the output rows with the tree or negative table of the classes.

    The Huffman tree is built on the classes sorted by decreasing count
    (stable), as the tool builds it on its labels (stored in that order).
    """
    class_counts = np.asarray(class_counts, dtype=np.int64)
    n_classes = len(class_counts)
    leaf = np.zeros(n_classes, dtype=np.int64)
    code_offsets = np.zeros(n_classes + 1, dtype=np.int64)
    codes, points = np.zeros(0, dtype=np.uint8), np.zeros(0, dtype=np.int32)
    if loss == "hs":
        order = np.argsort(-class_counts, kind="stable")
        code_offsets, codes, points = huffman_tree(class_counts[order])
        leaf[order] = np.arange(n_classes)
    threshold, alias = np.zeros(1, dtype=np.uint32), np.zeros(1, dtype=np.int32)
    if loss == "ns":
        weights = np.maximum(class_counts, 0).astype(np.float64) ** NEGATIVE_EXPONENT
        threshold, alias = alias_table(weights if weights.sum() > 0 else np.ones(n_classes))
    return kernels.Outputs(LOSS_KINDS[loss], vectors, code_offsets, codes, points, leaf, threshold, alias)


def walk_tree(outputs):
    """The kernels' ``Tree`` of a hierarchical-softmax ``Outputs``: children of each inner node, root, leaf classes."""
    n_classes = len(outputs.leaf)
    children = np.zeros((max(n_classes - 1, 1), 2), dtype=np.int64)
    leaf_class = np.zeros(n_classes, dtype=np.int64)
    leaf_class[outputs.leaf] = np.arange(n_classes)
    root = 0
    for leaf in range(n_classes):
        lo, hi = outputs.code_offsets[leaf], outputs.code_offsets[leaf + 1]
        if hi > lo:
            root = int(outputs.points[lo])
        for j in range(lo, hi):
            child = outputs.points[j + 1] if j + 1 < hi else -1 - leaf
            children[outputs.points[j], outputs.codes[j]] = child
    if n_classes == 1:
        children[0] = -1
    return kernels.Tree(children, root, leaf_class)


def row_matrix(n_rows, dim):
    """An uninitialised float32 ``n_rows x dim`` matrix; a large one on ordinary (4 KiB) pages.

    NumPy asks the kernel for transparent huge pages for large arrays.
    Faulting those in took three to four times as long as 4 KiB pages
    here (about 4 s against 1.2 s for the 800 MB of the default 2M buckets
    at 100 dimensions, in a fresh process), while the training calls of a
    bigram fit took no longer on 4 KiB pages (11.2-12.0 s against
    11.5-12.7 s).  An anonymous memory map is not so advised: its pages are faulted in by their first writer, the parallel
    initialisation.
    """
    n_bytes = int(n_rows) * int(dim) * 4
    if n_bytes < MAPPED_FROM:
        return np.empty((n_rows, dim), dtype=np.float32)
    return np.frombuffer(mmap.mmap(-1, n_bytes), dtype=np.float32).reshape(n_rows, dim)


def initial_inputs(n_rows, dim, seed, pretrained=None):
    """Input rows uniform in ``[-1/dim, 1/dim)`` (the tool's range); ``pretrained`` = (rows, vectors) replaces rows."""
    inputs = row_matrix(n_rows, dim)
    kernels.fill_uniform(inputs, 1.0 / dim, seed)
    if pretrained is not None:
        rows, vectors = pretrained
        inputs[rows] = vectors
    return inputs


def train_classifier(docs, layout, targets, class_counts, plan, *, pretrained=None, n_jobs=None,
                     random_state=None, logger=_LOGGER):
    """Train the classifier on encoded documents.

    Parameters
    ----------
    docs : skvec._kernels.classifier.Documents
    layout : InputLayout
    targets : skvec._kernels.classifier.Targets
    class_counts : ndarray of int64
        Training documents of each class (the tree and the negative table).
    plan : ClassifierPlan
    pretrained : tuple (rows, vectors) or None
        Input rows to start from given vectors.
    n_jobs, random_state
        Threads and seed.
    logger : logging.Logger

    Returns
    -------
    ClassifierResult
    """
    n_rows = layout.n_words + layout.n_bucket_rows
    with numba_threads(n_jobs) as n_threads:
        seeds = thread_seeds(random_state, n_threads + 2)
        inputs = initial_inputs(n_rows, plan.n_components, seeds[0], pretrained)
        vectors = np.zeros((output_rows_needed(plan.loss, len(class_counts)), plan.n_components), dtype=np.float32)
        outputs = build_outputs(plan.loss, vectors, class_counts)
        state = kernels.ThreadState(seeds[2:].copy(), np.zeros(kernels.COUNTER_STRIDE * n_threads, dtype=np.int64),
                                    np.zeros(n_threads, dtype=np.float64), np.zeros(n_threads, dtype=np.int64))
        doc_tokens = np.diff(docs.offsets)
        total = int(doc_tokens.sum()) * plan.epochs
        progress = Progress(total, desc="classifier", verbose=plan.verbose, unit="tokens", epochs=plan.epochs,
                            logger=logger)
        run = _Run(docs, layout.kernel_settings(), targets, inputs, outputs, state, plan, total)
        loss_curve = _run_epochs(run, doc_tokens, np.random.default_rng(seeds[1]), progress)
        # A non-finite input row makes the loss of the next document using it non-finite (checked
        # after each block); the word rows are checked here too, the n-gram rows (up to GBs) are not.
        if not all_finite(inputs[: layout.n_words]):
            _diverged(plan, plan.epochs)
    return ClassifierResult(inputs, vectors, loss_curve)


_Run = namedtuple("_Run", ["docs", "settings", "targets", "inputs", "outputs", "state", "plan", "total"])


def _run_epochs(run, doc_tokens, rng, progress):
    """Every epoch, block after block; returns the mean loss of each epoch."""
    plan = run.plan
    params = kernels.TrainParams(float(plan.alpha), float(max(run.total, 1)), int(plan.negative))
    n_docs = len(doc_tokens)
    n_threads = len(run.state.losses)
    n_blocks = int(min(_BLOCKS_PER_EPOCH, max(1, run.total // plan.epochs // _MIN_BLOCK_TOKENS), n_docs))
    blocks = np.linspace(0, n_docs, n_blocks + 1).astype(np.int64)
    progress.compiling(kernels.train_block)
    loss_curve = []
    done = 0
    for epoch in range(plan.epochs):
        order = rng.permutation(n_docs) if plan.shuffle else np.arange(n_docs)
        order = order.astype(np.int64)
        epoch_loss, epoch_examples = 0.0, 0
        for lo, hi in zip(blocks[:-1], blocks[1:]):
            bounds = np.linspace(lo, hi, n_threads + 1).astype(np.int64)
            run.state.tokens_read[:] = 0
            kernels.train_block(order, bounds, run.docs, run.settings, run.targets, run.inputs, run.outputs,
                                params, done, run.state)
            done += int(doc_tokens[order[lo:hi]].sum())
            epoch_loss += float(run.state.losses.sum())
            epoch_examples += int(run.state.examples.sum())
            if not (np.isfinite(epoch_loss) and all_finite(run.outputs.vectors)):
                _diverged(plan, epoch + 1)
            alpha_now = max(plan.alpha * (1.0 - done / max(run.total, 1)), 0.0)
            progress.update(done, epoch=f"{epoch + 1}/{plan.epochs}", alpha=alpha_now,
                            loss=epoch_loss / max(epoch_examples, 1))
        loss_curve.append(epoch_loss / max(epoch_examples, 1))
        progress.epoch(epoch + 1, plan.epochs, done, loss=loss_curve[-1])
    progress.close(loss=loss_curve[-1])
    return loss_curve


def _diverged(plan, epoch):
    raise FloatingPointError(
        f"Training diverged in epoch {epoch} (vectors or loss became NaN or infinite): "
        f"alpha={plan.alpha!r} is too large; use a smaller alpha."
    )
