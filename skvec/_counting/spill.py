"""Co-occurrence counting under a memory cap: spill partial counts, merge them.

The corpus is read once.  The vocabulary pass writes every document's
provisional token ids to a temporary file (so the text is tokenized only
once); if the vocabulary grows past what the cap allows, it is pruned as
word2vec's C tool does (drop the words seen at most ``min_reduce`` times, then
raise ``min_reduce``).  The counting pass reads the ids back in chunks sized
to the cap, counts each chunk into an int64 fixed-point CSR matrix and writes
it as a sorted run.  A k-way merge with a bounded fan-in (in rounds when there
are more runs) adds the runs row block by row block.  Integer sums do not
depend on the order of addition, so the result equals the in-memory count
bit for bit.  Every temporary file lives in one directory that is removed on
success, on error, on ``KeyboardInterrupt`` and on SIGTERM (see
``SpillDirectory``).
"""

import os
import re
import shutil
import signal
import tempfile
import threading
import warnings
from itertools import islice

import numpy as np

from .._corpus import check_documents, drop_unknown, encode_documents, make_analyzer
from .._kernels import cooccurrence as kernels
from .._progress import Progress
from .._threads import numba_threads
from .._validation import user_stacklevel
from .engine import canonical_csr, entry_bounds, scaled, thread_blocks

# Bytes of one entry of a partial count: int32 column + int64 fixed-point sum.
ENTRY_BYTES = 12
# Most runs merged at once (each holds two files open).
FAN_IN = 16
# Memory of one vocabulary entry during the vocabulary pass (dict slot, str
# object, count); the pass may use a quarter of the cap.
BYTES_PER_WORD = 128
# Documents encoded per call of the shared encoder.
BATCH_DOCS = 4096

# Name of a spill directory in the temporary directory: this prefix, the
# process id, a dash and a random part, e.g. ``skvec-cooccurrence-4242-k3v9x1qz``.
SPILL_PREFIX = "skvec-cooccurrence-"
_SPILL_NAME = re.compile(re.escape(SPILL_PREFIX) + r"(\d+)-")


class Terminated(BaseException):
    """SIGTERM arrived while a spill directory was open (raised in the main thread)."""


def _raise_terminated(signum, frame):
    raise Terminated("The spilled co-occurrence count was stopped by SIGTERM.")


# The owner of a spill directory holds an exclusive lock on this file in it for
# as long as the directory is in use. Locks, unlike process ids, hold across pid
# namespaces (containers sharing a temporary directory) and on NFS.
_LOCK_NAME = "owner.lock"


def _lock(path):
    """An open descriptor of ``path`` locked exclusively, or None if another process holds the lock."""
    try:
        import fcntl
    except ImportError:  # no flock on this platform: never judge a directory stale
        return None
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def remove_stale_directories(root=None):
    """Remove the spill directories whose owner is gone (killed with SIGKILL, say).

    A directory is stale when the lock its owner holds on its lock file can
    be taken; one whose lock is held, or that has no lock file, is left alone.
    """
    root = tempfile.gettempdir() if root is None else root
    try:
        names = os.listdir(root)
    except OSError:
        return
    for name in names:
        if _SPILL_NAME.match(name) is None:
            continue
        path = os.path.join(root, name)
        fd = _lock(os.path.join(path, _LOCK_NAME))
        if fd is not None:
            try:
                shutil.rmtree(path, ignore_errors=True)
            finally:
                os.close(fd)


def _make_locked_directory():
    """A new spill directory and the descriptor of its held lock (None where flock is missing).

    The directory is made and locked under a name the cleanup ignores, then
    renamed, so that no other process ever sees it unlocked.
    """
    hidden = tempfile.mkdtemp(prefix=f".{SPILL_PREFIX}")
    lock_path = os.path.join(hidden, _LOCK_NAME)
    os.close(os.open(lock_path, os.O_CREAT | os.O_WRONLY, 0o600))
    fd = _lock(lock_path)
    path = os.path.join(os.path.dirname(hidden), f"{SPILL_PREFIX}{os.getpid()}-{os.path.basename(hidden)[-8:]}")
    try:
        os.rename(hidden, path)
    except OSError:
        path = hidden  # a name taken (never in practice): keep the hidden one
    return path, fd


class SpillDirectory:
    """A temporary directory removed, with everything in it, on exit.

    It is ``skvec-cooccurrence-<pid>-<random>`` in ``tempfile.gettempdir()``
    and is removed on success, on an exception, on ``KeyboardInterrupt`` and
    on SIGTERM: while it exists, a SIGTERM handler (installed only from the
    main thread, and only over the default or a Python handler) turns the
    signal into an exception, so the directory is removed on the way out;
    then the previous handler is restored and the signal raised again, so
    the process ends as it would have.  A process killed outright (SIGKILL)
    cannot clean up: the next spill directory opened removes the directories
    whose owner is gone, known by the lock file the owner holds (``flock``)
    for as long as it uses the directory, never by process id (which means
    nothing across containers or on a shared file system).
    """

    def __init__(self):
        self.path = None
        self.n_files = 0
        self._previous_handler = None
        self._lock_fd = None

    def __enter__(self):
        remove_stale_directories()
        self.path, self._lock_fd = _make_locked_directory()
        self._install_handler()
        return self

    def _install_handler(self):
        if threading.current_thread() is not threading.main_thread():
            return
        previous = signal.getsignal(signal.SIGTERM)
        if previous is signal.SIG_DFL or (callable(previous) and previous is not _raise_terminated):
            signal.signal(signal.SIGTERM, _raise_terminated)
            self._previous_handler = previous

    def new_file(self, stem):
        self.n_files += 1
        return os.path.join(self.path, f"{stem}-{self.n_files}.bin")

    def __exit__(self, exc_type, exc, traceback):
        try:
            shutil.rmtree(self.path, ignore_errors=True)
        finally:
            if self._lock_fd is not None:
                os.close(self._lock_fd)
                self._lock_fd = None
            if self._previous_handler is not None:
                signal.signal(signal.SIGTERM, self._previous_handler)
                self._previous_handler = None
        if exc_type is Terminated:
            # Deliver the signal again to the handler it was meant for
            # (by default, the process ends with the status of SIGTERM).
            signal.raise_signal(signal.SIGTERM)
        return False


# -- vocabulary pass ------------------------------------------------------------


class SpilledCorpus:
    """Provisional ids of a corpus, on disk, in batches of documents, and its vocabulary.

    Attributes
    ----------
    vocabulary : Vocabulary
        Chosen after the vocabulary pass.
    n_tokens : int
        Tokens read.
    longest_document : int
        Tokens read in the longest document.
    n_pruned : int
        Word entries dropped while reading because the vocabulary outgrew the cap.
    """

    def __init__(self, spill):
        self.ids_path = spill.new_file("ids")
        self.lengths_path = spill.new_file("lengths")
        self.batches = []  # (epoch, n_docs, n_tokens)
        self.remaps = []  # provisional ids of epoch e -> ids of epoch e + 1 (-1 pruned)
        self.final_ids = None  # final_ids[e]: provisional ids of epoch e -> rows (-1 -> -1)
        self.vocabulary = None
        self.n_tokens = self.longest_document = self.n_pruned = 0

    def set_vocabulary(self, vocabulary, remap):
        """Fix the vocabulary; ``remap`` maps the last epoch's provisional ids to rows."""
        self.vocabulary = vocabulary
        self.final_ids = [remap]
        for epoch_remap in reversed(self.remaps):
            self.final_ids.insert(0, self.final_ids[0][epoch_remap])

    def read(self):
        """Yield (ids, offsets) of each batch in rows, words outside the vocabulary removed."""
        with open(self.ids_path, "rb") as ids_file, open(self.lengths_path, "rb") as lengths_file:
            for epoch, n_docs, n_tokens in self.batches:
                ids = np.fromfile(ids_file, dtype=np.int32, count=n_tokens)
                lengths = np.fromfile(lengths_file, dtype=np.int64, count=n_docs)
                offsets = np.zeros(n_docs + 1, dtype=np.int64)
                np.cumsum(lengths, out=offsets[1:])
                yield drop_unknown(self.final_ids[epoch][ids], offsets)


def _encode_batch(batch, analyzer, index, grows, first_doc):
    """Encode a batch of documents, naming a bad document by its position in the corpus."""
    try:
        return encode_documents(batch, analyzer, index, grows, 0, "vocabulary")
    except TypeError as exc:
        match = re.match(r"Document (\d+)(.*)", str(exc), re.S)
        if match is None:
            raise
        raise TypeError(f"Document {first_doc + int(match.group(1))}{match.group(2)}") from None


def _prune(corpus, index, counts, min_reduce):
    """word2vec's ReduceVocab: drop the words seen at most ``min_reduce`` times."""
    keep = counts > min_reduce
    remap = np.full(len(counts) + 1, -1, dtype=np.int32)
    remap[:-1][keep] = np.arange(int(keep.sum()), dtype=np.int32)
    corpus.remaps.append(remap)
    corpus.n_pruned += int((~keep).sum())
    return {word: int(remap[i]) for word, i in index.items() if keep[i]}, counts[keep]


def encode_to_file(docs, spill, *, tokenization, rule, max_words, verbose, logger):
    """Vocabulary pass: write the encoded corpus to disk and choose its vocabulary by ``rule``.

    Returns a ``SpilledCorpus``.
    """
    check_documents(docs)
    analyzer = make_analyzer(**tokenization)
    index = rule.initial_index()
    counts = np.zeros(len(index), dtype=np.int64)
    corpus = SpilledCorpus(spill)
    progress = Progress(None, desc="vocabulary", verbose=verbose, unit="tokens", logger=logger)
    n_docs = 0
    min_reduce = 1
    iterator = iter(docs)
    with open(corpus.ids_path, "wb") as ids_file, open(corpus.lengths_path, "wb") as lengths_file:
        while batch := list(islice(iterator, BATCH_DOCS)):
            ids, offsets = _encode_batch(batch, analyzer, index, rule.grows, n_docs)
            ids.tofile(ids_file)
            lengths = np.diff(offsets)
            lengths.tofile(lengths_file)
            corpus.batches.append((len(corpus.remaps), len(batch), len(ids)))
            n_docs += len(batch)
            corpus.n_tokens += len(ids)
            corpus.longest_document = max(corpus.longest_document, int(lengths.max()))
            if len(counts) < len(index):
                counts = np.concatenate([counts, np.zeros(len(index) - len(counts), dtype=np.int64)])
            counts += np.bincount(ids if rule.grows else ids[ids >= 0], minlength=len(index))
            if rule.grows and max_words is not None and len(index) > max_words:
                index, counts = _prune(corpus, index, counts, min_reduce)
                min_reduce += 1
            progress.update(corpus.n_tokens, docs=n_docs)
    progress.close(docs=n_docs)
    if n_docs == 0:
        raise ValueError("The corpus is empty: it contains no document.")
    corpus.set_vocabulary(*rule.choose(list(index), counts, verbose, logger))
    return corpus


def vocabulary_limit(max_memory):
    """Distinct words the vocabulary pass may hold under ``max_memory`` before pruning."""
    return max(max_memory // 4 // BYTES_PER_WORD, 1000)


def warn_pruned(n_pruned, max_words):
    """Warn that the vocabulary pass pruned rare words (if it did)."""
    if n_pruned:
        warnings.warn(
            f"The vocabulary pass outgrew max_memory ({max_words} distinct words) and was pruned as "
            f"word2vec does: {n_pruned} rare word entries were dropped while reading, so rare words may "
            "be missing or undercounted. Raise max_memory to count every word exactly.",
            UserWarning,
            stacklevel=user_stacklevel(),
        )


# -- runs and their merge ------------------------------------------------------------


class Run:
    """A sorted partial count (CSR rows, int64 sums) on disk; row pointers in memory."""

    def __init__(self, indptr, indices_path, data_path):
        self.indptr = indptr
        self.indices_path = indices_path
        self.data_path = data_path

    @classmethod
    def write(cls, matrix, spill):
        run = cls(np.asarray(matrix.indptr, dtype=np.int64), spill.new_file("indices"), spill.new_file("data"))
        np.asarray(matrix.indices, dtype=np.int32).tofile(run.indices_path)
        np.asarray(matrix.data, dtype=np.int64).tofile(run.data_path)
        return run

    def remove(self):
        for path in (self.indices_path, self.data_path):
            if os.path.exists(path):
                os.remove(path)


def _read_into(handle, out):
    view = memoryview(out).cast("B")
    done = 0
    while done < len(view):
        n = handle.readinto(view[done:])
        if not n:
            raise OSError(f"Unexpected end of the temporary file {handle.name!r}.")
        done += n


def _merge_blocks(row_nnz, block_entries):
    """Row blocks holding about ``block_entries`` entries (at least one row each)."""
    cumulative = np.concatenate([[0], np.cumsum(row_nnz)])
    n_rows = len(row_nnz)
    bounds = [0]
    while bounds[-1] < n_rows:
        start = bounds[-1]
        stop = int(np.searchsorted(cumulative, cumulative[start] + block_entries, side="right")) - 1
        bounds.append(min(max(stop, start + 1), n_rows))
    return bounds


def merge_runs(runs, n_cols, *, block_entries, spill, n_jobs, scale=None, dtype=None):
    """Add runs row block by row block.

    Without ``scale``, the sum is written as a new run; with it, the result
    is a float CSR matrix of ``dtype`` holding ``sum / scale``.
    """
    n_rows = len(runs[0].indptr) - 1
    row_nnz = sum(np.diff(run.indptr) for run in runs)
    final = scale is not None
    out_dtype = np.dtype(dtype) if final else np.dtype(np.int64)
    out = Run(np.zeros(n_rows + 1, dtype=np.int64), spill.new_file("indices"), spill.new_file("data"))
    files = []
    try:
        for run in runs:
            files.append((open(run.indices_path, "rb"), open(run.data_path, "rb")))
        with open(out.indices_path, "wb") as out_indices, open(out.data_path, "wb") as out_data, \
                numba_threads(n_jobs) as n_threads:
            bounds = _merge_blocks(row_nnz, block_entries)
            for r0, r1 in zip(bounds[:-1], bounds[1:]):
                sizes = np.array([run.indptr[r1] - run.indptr[r0] for run in runs], dtype=np.int64)
                starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
                indptrs = np.stack([run.indptr[r0 : r1 + 1] - run.indptr[r0] for run in runs])
                indices = np.empty(int(sizes.sum()), dtype=np.int32)
                data = np.empty(int(sizes.sum()), dtype=np.int64)
                for (f, g), start, n in zip(files, starts, sizes):
                    _read_into(f, indices[start : start + n])
                    _read_into(g, data[start : start + n])
                blocks = thread_blocks(np.concatenate([[0], np.cumsum(row_nnz[r0:r1])]), n_threads)
                block_indptr, block_indices, block_data = kernels.sum_partials(
                    indptrs, starts, indices, data, n_cols, blocks, out_dtype, scale if final else 0
                )
                out.indptr[r0 + 1 : r1 + 1] = out.indptr[r0] + block_indptr[1:]
                block_indices.tofile(out_indices)
                block_data.tofile(out_data)
    finally:
        for handles in files:
            for handle in handles:
                handle.close()
    if not final:
        return out
    indices = np.fromfile(out.indices_path, dtype=np.int32)
    os.remove(out.indices_path)
    data = np.fromfile(out.data_path, dtype=out_dtype)
    os.remove(out.data_path)
    return canonical_csr((n_rows, n_cols), out.indptr, indices, data)


class RunCollector:
    """Receives int64 partial counts; keeps one in memory, spills the rest as runs."""

    def __init__(self, shape, spill, *, max_memory, n_jobs, verbose, logger):
        self.shape = shape
        self.spill = spill
        self.max_memory = max_memory
        self.n_jobs = n_jobs
        self.pending = None
        self.runs = []
        self.n_spilled = 0
        self.progress = Progress(None, desc="merge", verbose=verbose, unit="runs", logger=logger)

    def flush(self):
        """Write the partial count held in memory, if any, as a run."""
        if self.pending is not None:
            self.runs.append(Run.write(self.pending, self.spill))
            self.n_spilled += 1
            self.pending = None

    def add(self, matrix):
        # Only the last partial stays in memory: if it is the only one, no run is written.
        self.flush()
        self.pending = matrix

    def result(self, scale, dtype):
        if not self.runs:
            return scaled(self.pending, scale, dtype)
        self.flush()
        block_entries = max(self.max_memory // 4 // ENTRY_BYTES, 1)
        runs = self.runs
        while len(runs) > FAN_IN:
            merged = []
            for start in range(0, len(runs), FAN_IN):
                group = runs[start : start + FAN_IN]
                if len(group) == 1:
                    merged.append(group[0])
                    continue
                merged.append(merge_runs(group, self.shape[1], block_entries=block_entries, spill=self.spill,
                                         n_jobs=self.n_jobs))
                for run in group:
                    run.remove()
                self.progress.message(f"merged {len(group)} runs")
            runs = merged
        result = merge_runs(runs, self.shape[1], block_entries=block_entries, spill=self.spill, n_jobs=self.n_jobs,
                            scale=scale, dtype=dtype)
        for run in runs:
            run.remove()
        return result


def chunk_bound(chunk_counts, reach):
    """Upper bound of the entries of a chunk's count: a row has at most
    ``reach`` new contexts per occurrence, and no more than the number of
    distinct words of the chunk (``engine.entry_bounds``): a chunk sized by
    it is counted in one pass."""
    return int(entry_bounds(chunk_counts, reach).sum())


def chunks(batches, n_words, reach, chunk_memory):
    """Group encoded batches into chunks whose count fits in ``chunk_memory``."""
    ids_parts, offsets_parts = [], []
    counts = np.zeros(n_words, dtype=np.int64)
    n_tokens = 0
    for ids, offsets in batches:
        batch_counts = np.bincount(ids, minlength=n_words)
        if ids_parts:
            tokens = n_tokens + len(ids)
            entries = chunk_bound(counts + batch_counts, reach)
            if tokens * 24 + entries * ENTRY_BYTES > chunk_memory:
                yield _join(ids_parts, offsets_parts)
                ids_parts, offsets_parts = [], []
                counts[:] = 0
                n_tokens = 0
        ids_parts.append(ids)
        offsets_parts.append(offsets)
        counts += batch_counts
        n_tokens += len(ids)
    if ids_parts:
        yield _join(ids_parts, offsets_parts)


def _join(ids_parts, offsets_parts):
    ids = np.concatenate(ids_parts) if len(ids_parts) > 1 else ids_parts[0]
    shifted = [offsets_parts[0]]
    base = offsets_parts[0][-1]
    for offsets in offsets_parts[1:]:
        shifted.append(offsets[1:] + base)
        base += offsets[-1]
    return np.ascontiguousarray(ids, dtype=np.int32), np.concatenate(shifted)
