"""The ``.bin`` model files of the fastText C++ tool (format version 12), read strictly.

Layout (little-endian): magic and version (int32); the arguments (12 int32
and a float64 ``t``); the dictionary: entry, word and label counts (int32),
token count and prune-index size (int64), then every entry (its bytes, a NUL,
its count as int64 and its type as one byte: 0 a word, 1 a label), then the
prune index (pairs of int32); then the input matrix and the output matrix,
each a quantization flag (one byte), rows and columns (int64) and the
float32 values.

Every count the header declares is checked against what is parsed (entries,
words, labels, their order, the matrices' shapes against the dictionary and
the arguments) and every size against the bytes the file holds, and the file
must end with the output matrix: a damaged file is a :class:`ValueError`
naming the file, the byte and what to do, never words paired with the wrong
rows.
"""

import os

import numpy as np

from .._io import compression_of, open_file

__all__ = ["FASTTEXT_MAGIC", "read_fasttext_bin"]

FASTTEXT_MAGIC = np.array([793712314], dtype="<i4").tobytes()
_FASTTEXT_VERSION = 12
_ARG_NAMES = ("dim", "ws", "epoch", "minCount", "neg", "wordNgrams", "loss", "model", "bucket", "minn", "maxn",
              "lrUpdateRate")
_CHUNK = 1 << 20
_MAX_WORD_BYTES = 1 << 16


def _name(path):
    return repr(os.fspath(path))


class _Reader:
    """Sequential, bounded reads of a binary file, with the byte position for messages."""

    def __init__(self, f, path, size):
        self.f = f
        self.path = path
        self.size = size  # None for a compressed file
        self.data = b""
        self.pos = 0
        self.offset = 0  # file position of data[0]

    @property
    def position(self):
        return self.offset + self.pos

    def fail(self, what, at=None):
        at = self.position if at is None else at
        raise ValueError(
            f"{_name(self.path)} is not a valid fastText .bin model: {what} (byte {at}). The file is damaged "
            "or truncated; download or train it again."
        )

    def _fill(self, n_bytes):
        available = len(self.data) - self.pos
        if available >= n_bytes:
            return True
        parts = [self.data[self.pos:]]
        while available < n_bytes:
            chunk = self.f.read(max(_CHUNK, n_bytes - available) if n_bytes - available < (1 << 26) else _CHUNK)
            if not chunk:
                break
            parts.append(chunk)
            available += len(chunk)
        self.offset += self.pos
        self.data, self.pos = b"".join(parts), 0
        return available >= n_bytes

    def take(self, n_bytes, what):
        if not self._fill(n_bytes):
            self.fail(f"the file ends inside {what}")
        chunk = self.data[self.pos:self.pos + n_bytes]
        self.pos += n_bytes
        return chunk

    def numbers(self, dtype, count, what):
        return np.frombuffer(self.take(np.dtype(dtype).itemsize * count, what), dtype=dtype)

    def entry_text(self, number):
        """The bytes of dictionary entry ``number`` up to its NUL (consumed)."""
        while True:
            end = self.data.find(b"\0", self.pos, self.pos + _MAX_WORD_BYTES + 1)
            if end >= 0:
                text, self.pos = self.data[self.pos:end], end + 1
                return text
            available = len(self.data) - self.pos
            if available > _MAX_WORD_BYTES or not self._fill(available + 1):
                self.fail(f"dictionary entry {number} has no terminating NUL within {_MAX_WORD_BYTES} bytes")

    def remaining_at_most(self, n_bytes):
        """Whether the file can still hold ``n_bytes`` (always True for a compressed file)."""
        return self.size is None or self.position + n_bytes <= self.size

    def array(self, n_values, what):
        """``n_values`` float32 values, as a writable array (checked against the file size first)."""
        n_bytes = 4 * n_values
        if not self.remaining_at_most(n_bytes):
            self.fail(f"{what} declares {n_values} values ({n_bytes} bytes), more than the "
                      f"{self.size - self.position} bytes left")
        out = np.empty(n_values, dtype="<f4")
        view = memoryview(out).cast("B")
        buffered = min(len(self.data) - self.pos, n_bytes)
        view[:buffered] = self.data[self.pos:self.pos + buffered]
        self.pos += buffered
        if buffered == n_bytes:
            return out
        # The buffer is used up: read the rest straight into the array.
        self.offset += self.pos
        self.data, self.pos = b"", 0
        filled = buffered
        while filled < n_bytes:
            got = self.f.readinto(view[filled:])
            if not got:
                self.offset += filled - buffered
                self.fail(f"the file ends inside {what}")
            filled += got
        self.offset += n_bytes - buffered
        return out

    def at_end(self):
        return not self._fill(1)


def _read_args(reader):
    magic = reader.take(4, "the magic number")
    if magic != FASTTEXT_MAGIC:
        reader.fail("bad magic number, this is not a fastText .bin file", 0)
    version = int(reader.numbers("<i4", 1, "the version")[0])
    if version != _FASTTEXT_VERSION:
        reader.fail(f"format version {version}, only version {_FASTTEXT_VERSION} is read", 4)
    values = reader.numbers("<i4", len(_ARG_NAMES), "the arguments")
    args = dict(zip(_ARG_NAMES, (int(v) for v in values)))
    args["t"] = float(reader.numbers("<f8", 1, "the arguments")[0])
    n_grams_on = args["minn"] > 0 and args["maxn"] > 0
    if (args["dim"] < 1 or args["bucket"] < 0 or args["minn"] < 0 or args["maxn"] < 0 or args["maxn"] > 1000
            or (n_grams_on and args["minn"] > args["maxn"])):
        reader.fail(f"impossible arguments dim={args['dim']}, bucket={args['bucket']}, minn={args['minn']}, "
                    f"maxn={args['maxn']}", 8)
    return args


def _read_dictionary(reader):
    start = reader.position
    size, n_words, n_labels = (int(v) for v in reader.numbers("<i4", 3, "the dictionary header"))
    _n_tokens, prune_size = (int(v) for v in reader.numbers("<i8", 2, "the dictionary header"))
    if n_words < 0 or n_labels < 0 or size != n_words + n_labels or prune_size < -1:
        reader.fail(f"the dictionary declares {size} entries, {n_words} words and {n_labels} labels "
                    f"(prune index {prune_size}); entries must be words plus labels", start)
    # Each entry takes at least 10 bytes (a NUL, a count, a type).
    if not reader.remaining_at_most(10 * size):
        reader.fail(f"the dictionary declares {size} entries, more than the file can hold", start)
    texts, counts, types = [], np.empty(size, dtype=np.int64), np.empty(size, dtype=np.int16)
    for number in range(size):
        at = reader.position
        texts.append(reader.entry_text(number))
        counts[number] = reader.numbers("<i8", 1, f"dictionary entry {number}")[0]
        types[number] = reader.take(1, f"dictionary entry {number}")[0]
        if types[number] not in (0, 1) or counts[number] < 0:
            reader.fail(f"dictionary entry {number} has type {types[number]} and count {counts[number]}; "
                        "the type must be 0 (word) or 1 (label) and the count >= 0", at)
        if number and types[number] < types[number - 1]:
            reader.fail(f"dictionary entry {number} is a word after a label; words come first", at)
    if int((types == 0).sum()) != n_words:
        reader.fail(f"the dictionary declares {n_words} words and {n_labels} labels but holds "
                    f"{int((types == 0).sum())} words and {int((types == 1).sum())} labels", start)
    if len(set(texts)) != len(texts):
        reader.fail("the dictionary holds a repeated entry", start)
    if prune_size > 0:
        if not reader.remaining_at_most(8 * prune_size):
            reader.fail(f"the prune index declares {prune_size} pairs, more than the file holds")
        reader.take(8 * prune_size, "the prune index")
    words = [text.decode("utf-8", "replace") for text in texts[:n_words]]
    labels = [text.decode("utf-8", "replace") for text in texts[n_words:]]
    if len(set(words)) != len(words) or len(set(labels)) != len(labels):
        reader.fail("two dictionary entries decode to the same text (they are not UTF-8)", start)
    return words, counts[:n_words].copy(), labels, counts[n_words:].copy()


def _read_matrix(reader, rows, columns, what):
    at = reader.position
    if reader.take(1, f"the {what} matrix") != b"\0":
        reader.fail(f"the {what} matrix is quantized (an .ftz model); quantized models are not read", at)
    shape = tuple(int(v) for v in reader.numbers("<i8", 2, f"the {what} matrix's shape"))
    if shape != (rows, columns):
        reader.fail(f"the {what} matrix is {shape[0]} x {shape[1]}, but the dictionary and the arguments "
                    f"give {rows} x {columns}", at)
    return reader.array(rows * columns, f"the {what} matrix").reshape(rows, columns)


def read_fasttext_bin(path):
    """Parse a fastText C++ ``.bin`` model (format version 12), strictly.

    Returns
    -------
    dict
        ``args`` (the training arguments), ``words`` and ``counts`` (word
        entries only, in file order), ``labels`` and ``label_counts`` (label
        entries, entry type 1; empty for an unsupervised model), ``input``
        (float32, words plus buckets x dim) and ``output`` (float32) matrices.

    Raises
    ------
    ValueError
        Naming the file and the byte, for a file that is not a complete,
        consistent fastText model.
    """
    size = os.path.getsize(path) if compression_of(path) is None else None
    with open_file(path, "rb") as f:
        reader = _Reader(f, path, size)
        args = _read_args(reader)
        words, counts, labels, label_counts = _read_dictionary(reader)
        input_matrix = _read_matrix(reader, len(words) + args["bucket"], args["dim"], "input")
        output_rows = len(labels) if args["model"] == 3 else len(words)
        output_matrix = _read_matrix(reader, output_rows, args["dim"], "output")
        if not reader.at_end():
            reader.fail("the file goes on after the output matrix")
    for what, matrix in (("input", input_matrix), ("output", output_matrix)):
        if not np.isfinite(matrix).all():
            raise ValueError(f"{_name(path)}: the {what} matrix holds NaN or infinite values; the model is damaged.")
    return {"args": args, "words": words, "counts": counts, "labels": labels, "label_counts": label_counts,
            "input": input_matrix, "output": output_matrix}
