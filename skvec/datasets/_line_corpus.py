"""A corpus read lazily from a text file, one document a line."""

import numbers
import os
from itertools import islice

import numpy as np

from .._io import compression_of, open_file

__all__ = ["LineCorpus"]

_CHUNK = 1 << 22


def _signature(path):
    stat = os.stat(path)
    return (stat.st_size, stat.st_mtime_ns)


def _rebuild(path, encoding, errors, signature, indices):
    corpus = LineCorpus.__new__(LineCorpus)
    corpus._setup(path, encoding, errors, signature, indices)
    return corpus


class LineCorpus:
    """A corpus read lazily from a text file, one document a line.

    The file (plain, or compressed with gzip, bzip2 or xz, recognised from
    its content whatever its name) is never
    held in memory: iterating streams it, and indexing with an integer array,
    a boolean mask or a slice returns another ``LineCorpus``, a lazy subset
    that reads only its lines when iterated.  It therefore works as ``X`` in
    :class:`~sklearn.model_selection.GridSearchCV` and ``cross_validate``
    (scikit-learn selects the training documents with ``X[indices, ...]``),
    and it pickles and hashes cheaply (path, file size and modification
    time, and the subset's line numbers) for ``Pipeline(memory=...)``.

    Parameters
    ----------
    path : str or path-like
        The text file. Lines are split on ``"\\n"``; the line ending
        (``"\\n"`` or ``"\\r\\n"``) is removed from each document.
    encoding : str, default="utf-8"
    errors : str, default="strict"
        How undecodable bytes are handled (see :func:`bytes.decode`).

    Attributes
    ----------
    path : str
        Absolute path of the file.
    indices : ndarray of int64 or None
        Line numbers of the subset, in order; ``None`` for the whole file.
    shape : tuple of int
        ``(n_documents,)``.

    Notes
    -----
    Counting the documents (``len``) of the whole file reads it once; the
    count is kept. Iterating a subset whose line numbers are in increasing
    order streams the file once. A subset in another order (e.g. from a
    shuffled split) seeks to each line in a plain file, but in a compressed
    file, which cannot seek cheaply, keeps that subset's lines in memory
    while it is iterated. ``corpus[i]`` reads one line (decompressing from
    the start of a compressed file). If the file changes after the corpus
    is opened, reading it raises an error rather than mixing two versions.

    Examples
    --------
    >>> import os, tempfile
    >>> from skvec.datasets import LineCorpus
    >>> path = os.path.join(tempfile.mkdtemp(), "corpus.txt")
    >>> with open(path, "w") as f:
    ...     _ = f.write("the cat sat\\nthe dog ran\\na bird sang\\n")
    >>> corpus = LineCorpus(path)
    >>> len(corpus), corpus[1]
    (3, 'the dog ran')
    >>> list(corpus[[2, 0]])
    ['a bird sang', 'the cat sat']
    """

    def __init__(self, path, encoding="utf-8", errors="strict"):
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"path must be a str or path-like, got {type(path).__name__}.")
        path = os.path.abspath(os.fspath(path))
        if not os.path.isfile(path):
            raise FileNotFoundError(f"No such corpus file: {path!r}.")
        "".encode(encoding)  # an unknown encoding fails here, not in the middle of a fit
        self._setup(path, encoding, errors, _signature(path), None)

    def _setup(self, path, encoding, errors, signature, indices):
        self.path = path
        self.encoding = encoding
        self.errors = errors
        self._signature = signature
        self.indices = indices
        self._n_lines = None  # lines of the whole file, once counted
        self._offsets = None  # byte offset of every line of a plain file
        self._compressed = None  # whether the file is compressed, once looked at

    def __reduce__(self):
        # Caches (line count, offsets) are left out so that pickles and joblib
        # hashes do not depend on what was computed before.
        return (_rebuild, (self.path, self.encoding, self.errors, self._signature, self.indices))

    # -- file access ------------------------------------------------------------

    def _check_unchanged(self):
        if _signature(self.path) != self._signature:
            raise RuntimeError(
                f"The corpus file {self.path!r} changed since the corpus was opened; open it again."
            )

    def _open(self):
        self._check_unchanged()
        return open_file(self.path, "rb")

    def _decode(self, line):
        if line.endswith(b"\n"):
            line = line[:-2] if line.endswith(b"\r\n") else line[:-1]
        return line.decode(self.encoding, self.errors)

    def _count_lines(self):
        if self._n_lines is None:
            with self._open() as f:
                count, last = 0, b"\n"
                for chunk in iter(lambda: f.read(_CHUNK), b""):
                    count += chunk.count(b"\n")
                    last = chunk[-1:]
                self._n_lines = count + (last != b"\n")
        return self._n_lines

    def _line_offsets(self, f):
        """Byte offsets of the line starts of a plain file, plus its size."""
        if self._offsets is None:
            starts = [np.zeros(1, dtype=np.int64)]
            position = 0
            for chunk in iter(lambda: f.read(_CHUNK), b""):
                newlines = np.flatnonzero(np.frombuffer(chunk, dtype=np.uint8) == 10)
                starts.append(newlines.astype(np.int64) + (position + 1))
                position += len(chunk)
            offsets = np.concatenate(starts)
            if offsets[-1] != position:  # last line without a newline
                offsets = np.append(offsets, position)
            self._offsets = offsets
            self._n_lines = len(offsets) - 1
        return self._offsets

    def _all_lines(self):
        with self._open() as f:
            for line in f:
                yield self._decode(line)

    def _read_line(self, line_number):
        with self._open() as f:
            if self._is_compressed():
                line = next(islice(f, line_number, None))
            else:
                f.seek(int(self._line_offsets(f)[line_number]))
                line = f.readline()
        return self._decode(line)

    # -- sequence protocol ------------------------------------------------------

    def __len__(self):
        if self.indices is not None:
            return len(self.indices)
        return self._count_lines()

    @property
    def shape(self):
        return (len(self),)

    def __iter__(self):
        if self.indices is None:
            yield from self._all_lines()
            return
        indices = self.indices
        if len(indices) == 0:
            return
        if np.all(indices[1:] >= indices[:-1]):
            yield from self._sorted_lines(indices)
        elif self._is_compressed():
            wanted = np.unique(indices)
            lines = dict(zip(wanted.tolist(), self._sorted_lines(wanted)))
            for i in indices.tolist():
                yield lines[i]
        else:
            with self._open() as f:
                offsets = self._line_offsets(f)
                for i in indices.tolist():
                    f.seek(int(offsets[i]))
                    yield self._decode(f.readline())

    def _is_compressed(self):
        if self._compressed is None:
            self._compressed = compression_of(self.path) is not None
        return self._compressed

    def _sorted_lines(self, indices):
        """Lines at the given non-decreasing line numbers, in one pass."""
        wanted = iter(indices.tolist())
        target = next(wanted)
        for number, line in enumerate(self._all_lines()):
            while number == target:
                yield line
                target = next(wanted, None)
                if target is None:
                    return
        raise IndexError(f"line {target} is beyond the end of {self.path!r}.")

    def _line_number(self, i):
        n = len(self)
        if not -n <= i < n:
            raise IndexError(f"document index {i} is out of range for a corpus of {n} documents.")
        i = i % n
        return i if self.indices is None else int(self.indices[i])

    def _subset(self, positions):
        total = self._count_lines()
        lines = positions if self.indices is None else self.indices[positions]
        lines = np.ascontiguousarray(lines, dtype=np.int64)
        # The whole file in order is the corpus itself: same pickle, same hash.
        if len(lines) == total and np.array_equal(lines, np.arange(total)):
            lines = None
        subset = _rebuild(self.path, self.encoding, self.errors, self._signature, lines)
        subset._n_lines, subset._offsets = self._n_lines, self._offsets
        subset._compressed = self._compressed
        return subset

    def __getitem__(self, key):
        """A document (integer key) or a lazy subset (slice, integer array, boolean mask).

        ``corpus[key, ...]``, as scikit-learn indexes arrays, is the same as
        ``corpus[key]``.
        """
        if isinstance(key, tuple):
            if len(key) == 2 and key[1] is Ellipsis or len(key) == 1:
                key = key[0]
            else:
                raise IndexError(f"A LineCorpus is one-dimensional; got the index {key!r}.")
        if isinstance(key, (numbers.Integral, np.integer)) and not isinstance(key, (bool, np.bool_)):
            return self._read_line(self._line_number(int(key)))
        n = len(self)
        if isinstance(key, slice):
            return self._subset(np.arange(n)[key])
        if isinstance(key, (str, bytes)) or not hasattr(key, "__len__") and not hasattr(key, "__array__"):
            raise TypeError(
                f"LineCorpus indices must be integers, slices, integer arrays or boolean masks, "
                f"got {type(key).__name__}."
            )
        key = np.asarray(key)
        if key.dtype == bool:
            if key.shape != (n,):
                raise IndexError(f"boolean mask of shape {key.shape} does not match a corpus of {n} documents.")
            return self._subset(np.flatnonzero(key))
        if key.size == 0:
            key = key.astype(np.int64)
        if key.ndim != 1 or not np.issubdtype(key.dtype, np.integer):
            raise IndexError(
                f"LineCorpus indices must be a 1-d integer array or boolean mask, got dtype "
                f"{key.dtype} and shape {key.shape}."
            )
        if key.size and (key.min() < -n or key.max() >= n):
            raise IndexError(f"document indices out of range for a corpus of {n} documents.")
        return self._subset(np.where(key < 0, key + n, key))

    def __repr__(self):
        if self.indices is None:
            return f"LineCorpus({self.path!r})"
        return f"LineCorpus({self.path!r})[<{len(self.indices)} documents>]"
