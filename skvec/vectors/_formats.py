"""Word vector files: word2vec text and binary, headerless text (GloVe), fastText ``.vec``.

Every file goes through :func:`skvec._io.open_file`, so gzip, bzip2 and xz
files are read (recognised by content) and written (chosen by extension)
like plain ones.

A header is never trusted for memory: rows are allocated for at most what the
file can hold, and a count that disagrees with the data is an error naming the
file, the line and what to do.
"""

import lzma
import os
import re
import zlib

import numpy as np

from .._io import compression_of, open_file, replacing_file

__all__ = ["read_vectors", "write_vectors"]

_LITTLE_ENDIAN = np.dtype("<f4")
_NUMBER_TEXT = re.compile(rb"[0-9eE+\-.naifNAIF \t\r\n]*")
_UTF8_BOM = b"\xef\xbb\xbf"
_CHUNK = 1 << 20
# Bytes allocated at first when the file size does not bound the number of rows
# (a compressed file); the block doubles as rows arrive.
_FIRST_BLOCK_BYTES = 1 << 26


def _name(path):
    return repr(os.fspath(path))


def parse_header(line):
    """``(n_words, vector_size)`` if ``line`` (bytes) is a word2vec header, else None."""
    fields = line.split()
    if len(fields) != 2:
        return None
    try:
        return int(fields[0]), int(fields[1])
    except ValueError:
        return None


def _check_header(header, path):
    n_words, vector_size = header
    if n_words < 0 or vector_size < 1:
        raise ValueError(
            f"Line 1 of {_name(path)} is the header '{n_words} {vector_size}': {n_words} vectors of "
            f"{vector_size} dimensions. The count must be >= 0 and the size >= 1; fix the header "
            "line '<n_words> <vector_size>'."
        )


class _Rows:
    """Float32 rows filled one at a time, in one block resized in place.

    The block is allocated when the first row arrives, with ``capacity``
    rows (what the file can hold at most, or a guess); it doubles (up to
    ``max_rows``) only when a row arrives that does not fit, and shrinks to
    the rows read at the end. A header announcing more vectors than the file
    holds therefore allocates nothing for them.
    """

    def __init__(self, capacity, vector_size, max_rows=None):
        self.capacity = max(capacity, 1)
        self.vector_size = vector_size
        self.block = None  # allocated when the first row arrives, once the file has shown one
        self.n_rows = 0
        self.max_rows = max_rows

    def next_row(self):
        """The next row to fill (a view)."""
        if self.block is None:
            self.block = np.empty((self.capacity, self.vector_size), dtype=np.float32)
        elif self.n_rows == len(self.block):
            size = 2 * len(self.block)
            if self.max_rows is not None:
                size = min(size, self.max_rows)
            # In place (realloc): no view of the block outlives the row it was given for.
            self.block.resize((size, self.vector_size), refcheck=False)
        self.n_rows += 1
        return self.block[self.n_rows - 1]

    def result(self):
        if self.block is None:
            return np.empty((0, self.vector_size), dtype=np.float32)
        if self.n_rows < len(self.block):
            self.block.resize((self.n_rows, self.vector_size), refcheck=False)  # gives the rest back
        return self.block


def _first_capacity(path, n_rows, vector_size, min_row_bytes):
    """Rows to allocate first: ``n_rows`` (None: unknown), capped by what the file can hold."""
    if compression_of(path) is None:
        fits = os.path.getsize(path) // min_row_bytes + 1
    else:
        fits = max(1, _FIRST_BLOCK_BYTES // (4 * vector_size))
    return fits if n_rows is None else min(n_rows, fits)


def _decode(word, encoding, errors, path, where):
    try:
        return word.decode(encoding, errors)
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"{where} of {_name(path)}: the word {word[:40]!r} is not {encoding} ({exc.reason}). Pass "
            "the file's encoding, or unicode_errors='replace' to keep going."
        ) from None


def _is_number(field):
    try:
        float(field)
    except ValueError:
        return False
    return True


def _binary_hint(line):
    """A hint when a line that should be text holds raw bytes (NUL, or not UTF-8)."""
    try:
        raw = b"\x00" in line or not line.decode("utf-8")
    except UnicodeDecodeError:
        raw = True
    return " It looks like the binary word2vec format: pass binary=True." if raw else ""


# -- text ----------------------------------------------------------------------------


def _parse_text_line(line, vector_size, number, path, expected):
    """The word (bytes) and float32 values of a text line.

    A word may contain spaces (a few GloVe files have such words): the last
    ``vector_size`` fields are the values and the fields before them the word.
    """
    fields = line.split()
    n_word_fields = len(fields) - vector_size
    if n_word_fields < 1 or (n_word_fields > 1 and _is_number(fields[1])):
        raise ValueError(
            f"Line {number} of {_name(path)} has {len(fields) - 1} values after the word; {expected} "
            f"{vector_size}.{_binary_hint(line)}"
        )
    try:
        values = np.array(fields[n_word_fields:], dtype=np.float32)
    except ValueError:
        bad = next(field for field in fields[n_word_fields:] if not _is_number(field))
        raise ValueError(
            f"Line {number} of {_name(path)}: {bad[:40]!r} is not a number.{_binary_hint(line)}"
        ) from None
    if not np.isfinite(values).all():
        raise ValueError(f"Line {number} of {_name(path)} holds a NaN or infinite value; vectors must be finite.")
    return b" ".join(fields[:n_word_fields]), values


def _read_text(f, first_line, header, limit, path, encoding, errors):
    """Words and rows of a text file; ``first_line`` is data when ``header`` is None."""
    if header is None:
        vector_size, n_words = len(first_line.split()) - 1, None
        expected, lines, start = "the first line has", _chain(first_line, f), 1
        if vector_size < 1:
            raise ValueError(f"Line 1 of {_name(path)} has a word but no values; this is not a vector file.")
    else:
        (n_words, vector_size), expected, lines, start = header, "the header announces", f, 2
    if n_words != 0 and 2 * vector_size > os.path.getsize(path) and compression_of(path) is None:
        raise ValueError(
            f"Line 1 of {_name(path)} announces {vector_size} dimensions, more than the whole file can hold; "
            "fix the header line '<n_words> <vector_size>'."
        )
    n_read = n_words if limit is None else limit if n_words is None else min(n_words, limit)
    # Without a count, guess from the first line's length; the block doubles if the guess is short.
    guess = n_read if n_read is not None else 2 * os.path.getsize(path) // len(first_line) + 16
    rows = _Rows(_first_capacity(path, guess, vector_size, 2 * vector_size + 2), vector_size, n_read)
    words, number = [], start - 1
    for number, line in enumerate(lines, start):
        if n_read is not None and len(words) == n_read:
            if n_words is not None and (limit is None or limit > n_words) and line.strip():
                _raise_surplus(path, n_words, f"line {number}")
            if line.strip():
                break
            continue
        if not line.strip():
            continue
        word, values = _parse_text_line(line, vector_size, number, path, expected)
        rows.next_row()[:] = values
        words.append(_decode(word, encoding, errors, path, f"Line {number}"))
    if n_words is not None and len(words) < n_read:
        _raise_short(path, n_words, len(words), f"line {number}")
    return words, rows.result()


def _chain(first_line, f):
    yield first_line
    yield from f


def _raise_surplus(path, n_words, where):
    raise ValueError(
        f"{_name(path)} goes on at {where} after the {n_words} vectors its header announces. Fix the "
        f"header's count, or pass limit={n_words} to read only those."
    )


def _raise_short(path, n_words, n_found, where):
    raise ValueError(
        f"{_name(path)} ends at {where} after {n_found} vectors, but its header announces {n_words}. Fix the "
        f"header's count, or pass limit={n_found} to read the vectors there are."
    )


# -- binary --------------------------------------------------------------------------


class _ByteStream:
    """Sequential reads from a binary file through a buffer of about a megabyte."""

    def __init__(self, f, offset):
        self.f = f
        self.data = b""
        self.pos = 0
        self.offset = offset  # file offset of data[0]

    def fill(self, n_bytes):
        """Make ``n_bytes`` available from the current position; False if the file ends first."""
        available = len(self.data) - self.pos
        if available >= n_bytes:
            return True
        parts = [self.data[self.pos :]]
        while available < n_bytes:
            chunk = self.f.read(_CHUNK)  # never one read of an unchecked size
            if not chunk:
                break
            parts.append(chunk)
            available += len(chunk)
        self.offset += self.pos
        self.data, self.pos = b"".join(parts), 0
        return available >= n_bytes

    @property
    def position(self):
        return self.offset + self.pos

    def skip_newlines(self):
        # The C tool writes a newline after each vector; gensim writes none.
        while self.fill(1) and self.data[self.pos] in b"\n\r":
            self.pos += 1

    def word(self, max_bytes=1 << 16):
        """The bytes up to the next space (consumed), or None if there is none nearby."""
        while True:
            space = self.data.find(b" ", self.pos)
            if space >= 0:
                word, self.pos = self.data[self.pos : space], space + 1
                return word
            available = len(self.data) - self.pos
            if available > max_bytes or not self.fill(available + 1):
                return None

    def line(self, max_bytes):
        """The bytes up to the next newline, without consuming them (None if none is near)."""
        self.fill(max_bytes)
        end = self.data.find(b"\n", self.pos, self.pos + max_bytes)
        return None if end < 0 else self.data[self.pos : end]


def _looks_like_text(line, vector_size):
    fields = line.split() if line is not None else []
    return len(fields) == vector_size + 1 and all(_is_number(field) for field in fields[1:])


def _read_binary(f, header_bytes, header, limit, path, encoding, errors):
    """Words and rows of a binary file (the header line already read)."""
    n_words, vector_size = header
    record_bytes = 4 * vector_size
    if n_words and record_bytes > os.path.getsize(path) and compression_of(path) is None:
        raise ValueError(
            f"Line 1 of {_name(path)} announces {vector_size} dimensions: one vector would take more bytes "
            "than the whole file holds; fix the header line '<n_words> <vector_size>'."
        )
    stream = _ByteStream(f, header_bytes)
    if n_words and _looks_like_text(stream.line(32 * vector_size + 1024), vector_size):
        raise ValueError(
            f"{_name(path)} is in the text word2vec format (line 2 is a word and {vector_size} numbers), "
            "not binary: pass binary=False."
        )
    n_read = n_words if limit is None else min(n_words, limit)
    rows = _Rows(_first_capacity(path, n_read, vector_size, record_bytes + 2), vector_size, n_read)
    words = []
    for number in range(n_read):
        stream.skip_newlines()
        where = f"vector {number + 1} (byte {stream.position})"
        word = stream.word()
        if word is None or not stream.fill(record_bytes):
            _raise_short(path, n_words, number, where)
        row = rows.next_row()
        row[:] = np.frombuffer(stream.data, dtype=_LITTLE_ENDIAN, count=vector_size, offset=stream.pos)
        stream.pos += record_bytes
        if not np.isfinite(row).all():
            raise ValueError(f"Vector {number + 1} of {_name(path)} holds a NaN or infinite value; vectors must be finite.")
        words.append(_decode(word, encoding, errors, path, f"Vector {number + 1}"))
    if limit is None or limit > n_words:
        stream.skip_newlines()
        if stream.fill(1):
            _raise_surplus(path, n_words, f"byte {stream.position}")
    return words, rows.result()


# -- entry points --------------------------------------------------------------------


def _refuse_other_formats(first, path):
    """A pointed error for a file of another format (recognised by its magic number)."""
    if first.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        kind = "a skvec model file (a .npz archive)"
    elif first.startswith(b"\xba\x16O/"):
        kind = "a fastText .bin model"
    else:
        return
    raise ValueError(
        f"{_name(path)} is {kind}, not a word2vec, GloVe or .vec file: read it with "
        "skvec.load_vectors(path), which detects every format."
    )


def _data_is_binary(f, vector_size):
    """Whether the vectors after a header are binary: the next line is not a word and ``vector_size`` numbers."""
    start = f.tell()
    line = f.readline(min(32 * vector_size + 1024, 1 << 22))
    f.seek(start)
    if not line.strip() or _looks_like_text(line, vector_size):
        return False
    # Text that does not match the header (a malformed text file) is still text:
    # after the word, only the characters of numbers and blanks.
    values = line.lstrip().partition(b" ")[2]
    return not _NUMBER_TEXT.fullmatch(values)


def read_vectors(path, binary=False, no_header=None, limit=None, encoding="utf-8", unicode_errors="strict"):
    """Words (list of str) and float32 rows of a vector file.

    ``binary``: None detects the format from the line after the header.
    ``no_header``: None detects a header line ``"<n_words> <vector_size>"``
    (two integers); True reads the first line as a vector (GloVe); False
    requires the header.  A damaged compressed stream is a ValueError too.
    """
    with open_file(path, "rb") as f:
        try:
            return _read_open(f, path, binary, no_header, limit, encoding, unicode_errors)
        except (EOFError, zlib.error, lzma.LZMAError, OSError) as exc:
            if compression_of(path) is None:
                raise
            raise ValueError(
                f"{_name(path)} is compressed ({compression_of(path)}) and its stream is damaged or truncated "
                f"({type(exc).__name__}: {exc}); download or write it again."
            ) from None


def _read_open(f, path, binary, no_header, limit, encoding, unicode_errors):
    """:func:`read_vectors` on the open file ``f``."""
    if True:
        first = f.readline()
        _refuse_other_formats(first, path)
        if first.startswith(_UTF8_BOM):  # as some Windows editors save text
            first = first[len(_UTF8_BOM) :]
        if not first.strip():
            raise ValueError(
                f"Line 1 of {_name(path)} is empty; a vector file starts with a header line "
                "'<n_words> <vector_size>' or with a vector."
            )
        header = None if no_header else parse_header(first)
        if header is None and (binary or no_header is False):
            needs = "the binary format always has one" if binary else "no_header=False requires one"
            raise ValueError(
                f"Line 1 of {_name(path)} is not a header '<n_words> <vector_size>' ({first[:60]!r}); {needs}. "
                "For a headerless text file (GloVe), pass binary=False and leave no_header unset."
            )
        if header is not None:
            _check_header(header, path)
        if binary is None:
            binary = header is not None and _data_is_binary(f, header[1])
        if binary:
            return _read_binary(f, f.tell(), header, limit, path, encoding, unicode_errors)
        try:
            return _read_text(f, first, header, limit, path, encoding, unicode_errors)
        except ValueError as exc:
            if no_header and parse_header(first) is not None:
                raise ValueError(
                    f"{exc} Line 1 ({first.strip().decode('ascii')!r}) looks like a header "
                    "'<n_words> <vector_size>': leave no_header unset."
                ) from None
            if no_header is None and header is not None and "header announces" in str(exc):
                # Line 1 of a headerless file of 1-dimensional vectors can look like a header.
                raise ValueError(f"{exc} If line 1 is a vector, not a header, pass no_header=True.") from None
            raise


def write_vectors(path, words, vectors, binary=False, write_header=True):
    """Write ``vectors`` (dense or sparse rows, one per word) in the word2vec text or binary format."""
    n_words, vector_size = vectors.shape
    for word in words:
        if not word or any(ch.isspace() for ch in word):
            raise ValueError(
                f"Cannot write the word {word!r} in the word2vec format: words must be "
                "non-empty and contain no whitespace."
            )
    if binary and not write_header:
        raise ValueError("write_header=False is for the text format; the binary format always has a header.")
    sparse = not isinstance(vectors, np.ndarray)
    with replacing_file(path, "wb") as out:
        if write_header:
            out.write(f"{n_words} {vector_size}\n".encode("utf-8"))
        for row, word in enumerate(words):
            vector = vectors[row].toarray().ravel() if sparse else vectors[row]
            if binary:
                out.write(word.encode("utf-8") + b" " + vector.astype(_LITTLE_ENDIAN).tobytes() + b"\n")
            else:
                values = " ".join(["%.9g" % value for value in vector.tolist()])
                out.write(f"{word} {values}\n".encode("utf-8"))
