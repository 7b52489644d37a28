"""One policy for opening files: transparent gzip, bz2 and xz compression.

Every reader and writer of the package (vector files, corpora, evaluation
files, the command line) opens its files through :func:`open_file`, so a
format that works in one place works in all of them.

- Reading: the compression is recognised from the file's first bytes (its
  magic number), whatever the file is called; a file of no known compression
  is read as it is.
- Writing: the compression follows the extension: ``.gz`` (gzip), ``.bz2``
  (bzip2), ``.xz`` or ``.lzma`` (xz); any other name is written plain.
  :func:`replacing_file` writes a temporary file next to the target and
  moves it over the target only once it is complete, so a failed write
  (full disk, file-size limit, Ctrl-C) leaves the previous file as it was.
"""

import bz2
import contextlib
import gzip
import io
import lzma
import os
import stat
import tempfile

__all__ = ["COMPRESSED_SUFFIXES", "compression_of", "open_file", "replacing_file"]

# Extension -> compression, for writing (and for reading a file not yet there).
COMPRESSED_SUFFIXES = {".gz": "gzip", ".bz2": "bz2", ".xz": "xz", ".lzma": "xz"}

# Magic numbers. bzip2's "BZh" + level digit is checked with the block magic that
# follows, so that a plain text file starting with "BZh" is not mistaken for it.
_MAGIC = (
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x1f\x8b\x08", "gzip"),
)
# A bzip2 stream starts with a block (pi in BCD) or, when empty, the end of stream (sqrt pi).
_BZIP2_BLOCKS = (b"1AY&SY", b"\x17rE8P\x90")
_OPENERS = {"gzip": gzip.open, "bz2": bz2.open, "xz": lzma.open}


def _compression_by_name(path):
    name = os.fspath(path)
    if isinstance(name, bytes):
        name = os.fsdecode(name)
    return COMPRESSED_SUFFIXES.get(os.path.splitext(name)[1].lower())


def _compression_by_content(head):
    for magic, compression in _MAGIC:
        if head.startswith(magic):
            return compression
    level = head[3:4]
    if head[:3] == b"BZh" and level and level in b"123456789" and head[4:10] in _BZIP2_BLOCKS:
        return "bz2"
    return None


def compression_of(path, mode="r"):
    """Return the compression of ``path``: ``"gzip"``, ``"bz2"``, ``"xz"`` or ``None``.

    For reading (``mode`` starting with ``"r"``), the file's first bytes
    decide; for writing, its extension.

    Examples
    --------
    >>> from skvec._io import compression_of
    >>> compression_of("vectors.txt.bz2", "w")
    'bz2'
    """
    if mode.startswith("r"):
        with open(path, "rb") as f:
            return _compression_by_content(f.read(10))
    return _compression_by_name(path)


def open_file(path, mode="rb", *, encoding="utf-8", errors="strict", newline=None):
    """Open ``path`` for reading or writing, compressed or not.

    Parameters
    ----------
    path : str or path-like
    mode : str, default="rb"
        As for :func:`open`: ``"r"``, ``"w"``, ``"x"`` or ``"a"``, followed
        by ``"b"`` (bytes) or ``"t"`` (text, the default without ``"b"``).
    encoding, errors, newline : optional
        For text modes, as for :func:`open`.

    Returns
    -------
    file object
        Reading a gzip, bzip2 or xz file (recognised by content)
        decompresses it; writing to a name ending in ``.gz``, ``.bz2``,
        ``.xz`` or ``.lzma`` compresses it.

    Examples
    --------
    >>> import os, tempfile
    >>> from skvec._io import open_file
    >>> path = os.path.join(tempfile.mkdtemp(), "words.txt.xz")
    >>> with open_file(path, "wt") as f:
    ...     _ = f.write("un deux trois\\n")
    >>> with open_file(path, "rt") as f:
    ...     f.read()
    'un deux trois\\n'
    """
    binary = "b" in mode
    raw_mode = mode.replace("t", "").replace("b", "")
    if raw_mode not in ("r", "w", "x", "a"):
        raise ValueError(f"mode must be one of 'r', 'w', 'x', 'a' with 'b' or 't', got {mode!r}.")
    compression = compression_of(path, raw_mode)
    if compression is None:
        if binary:
            return open(path, raw_mode + "b")
        return open(path, raw_mode, encoding=encoding, errors=errors, newline=newline)
    opener = _OPENERS[compression]
    if binary:
        return opener(path, raw_mode + "b")
    return opener(path, raw_mode + "t", encoding=encoding, errors=errors, newline=newline)


_STREAM_WRITERS = {
    "gzip": lambda raw: gzip.GzipFile(fileobj=raw, mode="wb"),
    "bz2": lambda raw: bz2.BZ2File(raw, "wb"),
    "xz": lambda raw: lzma.LZMAFile(raw, "wb"),
}


def _new_file_mode():
    # The permissions open() would give a new file: 0o666 less the umask.
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


@contextlib.contextmanager
def replacing_file(path, mode="wb", *, encoding="utf-8", newline=None):
    """Write ``path`` all or nothing: a temporary file next to it, moved over it when complete.

    The temporary file is created in the target's directory (so the final
    ``os.replace`` is atomic on one file system), compressed as the target's
    extension says, flushed and synced to disk, and then renamed over the
    target. If anything fails or is interrupted before that (an exception, a
    full disk, a file-size limit, Ctrl-C), the temporary file is removed and
    the previous file at ``path``, if any, is left untouched.  A symbolic
    link is written through (the link stays); a device or a pipe
    (``/dev/stdout``) is written to directly.

    Parameters
    ----------
    path : str or path-like
    mode : {"wb", "wt", "w"}, default="wb"
    encoding, newline : optional
        For text mode.

    Yields
    ------
    file object

    Examples
    --------
    >>> import os, tempfile
    >>> from skvec._io import replacing_file
    >>> path = os.path.join(tempfile.mkdtemp(), "words.txt.gz")
    >>> with replacing_file(path, "wt") as f:
    ...     _ = f.write("un deux\\n")
    >>> from skvec._io import open_file
    >>> open_file(path, "rt").read()
    'un deux\\n'
    """
    if mode not in ("wb", "wt", "w"):
        raise ValueError(f"mode must be 'wb', 'wt' or 'w', got {mode!r}.")
    target = os.fspath(path)
    if isinstance(target, bytes):
        target = os.fsdecode(target)
    target = os.path.realpath(target)  # through a symbolic link: the link stays
    directory = os.path.dirname(target)
    if os.path.isdir(target):
        raise IsADirectoryError(f"{target!r} is a directory")
    if os.path.exists(target) and not stat.S_ISREG(os.stat(target).st_mode):
        # A device or a pipe (/dev/stdout): nothing to replace, write to it.
        with open_file(target, mode, encoding=encoding, newline=newline) as stream:
            yield stream
        return
    fd, temporary = tempfile.mkstemp(dir=directory, prefix="." + os.path.basename(target) + ".", suffix=".tmp")
    try:
        with open(fd, "wb") as raw:
            compression = _compression_by_name(target)
            stream = _STREAM_WRITERS[compression](raw) if compression else raw
            try:
                if mode == "wb":
                    yield stream
                else:
                    text = io.TextIOWrapper(stream, encoding=encoding, newline=newline, write_through=False)
                    yield text
                    text.flush()
                    text.detach()
            finally:
                if stream is not raw:
                    stream.close()  # ends the compressed stream; ``raw`` stays open
            raw.flush()
            os.fsync(raw.fileno())
        os.chmod(temporary, _new_file_mode() if not os.path.exists(target) else os.stat(target).st_mode & 0o7777)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
