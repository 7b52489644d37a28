"""skvec's own files: versioned, uncompressed NumPy ``.npz`` archives, readable in place.

One container for every file skvec writes for itself: the subword model of
:meth:`SubwordVectors.save` and ``FastTextEmbedder.save`` (format
``"skvec-subword-model"``) and the vectors of :meth:`WordVectors.save`
(format ``"skvec-word-vectors"``).  An archive holds a JSON ``meta`` entry
(``format``, ``version`` and the format's settings), the words as UTF-8
bytes with offsets, and arrays.

Members are stored uncompressed, so :func:`read_archive` can memory-map an
array where it lies in the file (``mmap="r"``): nothing is read until used,
and processes mapping one file share its pages.  Every entry is checked
against what the archive declares (names, dtypes, shapes, word offsets), and
every failure is a :class:`ValueError` naming the file.
"""

import io
import json
import os
import struct
import warnings
import zipfile
import zlib

import numpy as np

from .._io import compression_of, open_file, replacing_file

__all__ = ["ZIP_MAGIC", "archive_format", "json_params", "read_archive", "write_archive"]

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # zip local file header (30 bytes)
_RESERVED = ("meta", "words_utf8", "word_offsets")


def _name(path):
    return repr(os.fspath(path))


def utf8_with_offsets(strings):
    """UTF-8 bytes of every string, flat (uint8), with int64 offsets."""
    encoded = [string.encode("utf-8") for string in strings]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)), out=offsets[1:])
    return np.frombuffer(b"".join(encoded), dtype=np.uint8), offsets


def _json_value(value):
    """``value`` as plain JSON data (NumPy scalars and arrays become numbers and lists), or raise TypeError."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        return [_json_value(item) for item in value.tolist()]
    if isinstance(value, (list, tuple)):
        return [_json_value(item) for item in value]
    raise TypeError(type(value).__name__)


def json_params(params, owner):
    """Parameters as JSON data; one that has no JSON form is stored as None, with a warning naming it.

    Examples
    --------
    >>> import numpy as np
    >>> from skvec.vectors import json_params
    >>> json_params({"n_components": np.int64(8), "alpha": np.float32(0.5)}, "Model")
    {'n_components': 8, 'alpha': 0.5}
    """
    out = {}
    for name, value in params.items():
        try:
            out[name] = _json_value(value)
        except TypeError as exc:
            warnings.warn(
                f"{owner}.save: the parameter {name}={value!r} ({exc}) cannot be written to the model file; "
                f"it is stored as None, so set it again (set_params({name}=...)) after loading.",
                UserWarning, stacklevel=3,
            )
            out[name] = None
    return out


def write_archive(path, meta, words, arrays):
    """Write a versioned archive atomically (a temporary file, then ``os.replace``).

    ``meta`` must be JSON-serialisable; ``arrays`` maps names to arrays.
    """
    data, offsets = utf8_with_offsets(words)
    entries = {"meta": np.array(json.dumps(meta)), "words_utf8": data, "word_offsets": offsets}
    entries.update(arrays)
    with replacing_file(path, "wb") as out:
        np.savez(out, **entries)


class _Archive:
    """The members of an open archive, read (checked by zip's CRC) or memory-mapped."""

    def __init__(self, path, mmap):
        self.path = path
        self.mmap = mmap
        self.zip = zipfile.ZipFile(path if mmap else _readable(path))
        self.members = {info.filename[:-4]: info for info in self.zip.infolist() if info.filename.endswith(".npy")}

    def close(self):
        self.zip.close()

    def array(self, name):
        info = self.members[name]
        if self.mmap and info.compress_type == zipfile.ZIP_STORED and name not in _RESERVED:
            return self._mapped(name, info)
        with self.zip.open(info) as member:
            array = np.lib.format.read_array(member, allow_pickle=False)
            if member.read(1):
                raise ValueError(f"the entry {name!r} of {_name(self.path)} goes on after its array.")
            return array

    def _mapped(self, name, info):
        with open(self.path, "rb") as f:
            f.seek(info.header_offset)
            header = _LOCAL_HEADER.unpack(f.read(_LOCAL_HEADER.size))
            if header[0] != b"PK\x03\x04":
                raise ValueError(f"the entry {name!r} of {_name(self.path)} has no local header at byte "
                                 f"{info.header_offset}.")
            f.seek(header[-2] + header[-1], os.SEEK_CUR)  # name and extra field
            data_start = f.tell()
            version = np.lib.format.read_magic(f)
            read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                           else np.lib.format.read_array_header_2_0)
            shape, fortran, dtype = read_header(f)
            start = f.tell()
        if dtype.hasobject:
            raise ValueError(f"the entry {name!r} of {_name(self.path)} holds Python objects.")
        size = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
        if start + size > data_start + info.compress_size or start + size > os.path.getsize(self.path):
            raise ValueError(f"the entry {name!r} of {_name(self.path)} declares {shape} values of {dtype}, more "
                             f"than the file holds from byte {start}.")
        if size == 0:
            return np.empty(shape, dtype=dtype)
        order = "F" if fortran else "C"
        return np.memmap(self.path, dtype=dtype, mode=self.mmap, offset=start, shape=shape, order=order)


def _readable(path):
    """The path itself, or the decompressed bytes of a compressed archive (gzip, bzip2, xz)."""
    if compression_of(path) is None:
        return path
    with open_file(path, "rb") as f:
        return io.BytesIO(f.read())


_ARCHIVE_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, KeyError, TypeError, AttributeError,
                   OverflowError, struct.error, NotImplementedError, IndexError, UnicodeDecodeError, MemoryError)


def archive_format(path):
    """The ``format`` of a skvec archive's meta, or None if it has none readable."""
    try:
        return read_archive(path, meta_only=True)[0].get("format")
    except ValueError:
        return None


def read_archive(path, formats=None, versions=None, mmap=None, meta_only=False):
    """Read a skvec archive: ``(meta, words, arrays)``, every declared size checked.

    Parameters
    ----------
    path : str or path-like
    formats : dict or None
        Format name -> newest version this reader knows; None accepts any.
    mmap : {None, "r", "c"}
        Memory-map the arrays in place instead of reading them.  ``"r+"``
        is refused: a change written through the map would not update the
        archive's CRC, and the file would no longer load unmapped.
    meta_only : bool
        Stop after the meta entry (words and arrays are then None).

    Raises
    ------
    ValueError
        Naming the file and the entry, for anything that is not a complete,
        consistent archive.
    """
    if mmap not in (None, "r", "c"):
        raise ValueError(f"mmap must be None, 'r' or 'c', got {mmap!r}. Mapping a model file read-write ('r+') "
                         "would damage it: its checksums would no longer match its contents; use 'c' to change "
                         "the mapped vectors in this process only.")
    try:
        archive = _Archive(path, mmap)
    except (OSError, ValueError, *_ARCHIVE_ERRORS) as exc:
        if isinstance(exc, (FileNotFoundError, IsADirectoryError, PermissionError)):
            raise
        raise ValueError(f"{_name(path)} is not a readable skvec model file (a .npz archive): {exc}. "
                         "It may be truncated; write it again.") from None
    try:
        return _read_entries(archive, formats, meta_only)
    except _ARCHIVE_ERRORS + (OSError,) as exc:
        if isinstance(exc, ValueError):
            raise
        raise ValueError(f"{_name(path)} is a damaged skvec model file ({type(exc).__name__}: {exc}); "
                         "write it again.") from None
    except ValueError as exc:
        text = str(exc)
        if _name(path) in text:
            raise
        raise ValueError(f"{_name(path)} is a damaged skvec model file: {text} Write it again.") from None
    finally:
        archive.close()


def _read_entries(archive, formats, meta_only):
    path = archive.path
    if "meta" not in archive.members:
        raise ValueError(f"{_name(path)} is a .npz archive but not a skvec model file (no 'meta' entry).")
    meta_array = archive.array("meta")
    if meta_array.shape != () or meta_array.dtype.kind != "U":
        raise ValueError(f"the 'meta' entry of {_name(path)} is not a string.")
    try:
        meta = json.loads(str(meta_array))
    except json.JSONDecodeError as exc:
        raise ValueError(f"the 'meta' entry of {_name(path)} is not valid JSON ({exc}).") from None
    if not isinstance(meta, dict):
        raise ValueError(f"the 'meta' entry of {_name(path)} is not a JSON object.")
    _check_format(meta, formats, path)
    if meta_only:
        return meta, None, None
    words = _read_words(archive)
    arrays = {name: archive.array(name) for name in archive.members if name not in _RESERVED}
    return meta, words, arrays


def _check_format(meta, formats, path):
    name, version = meta.get("format"), meta.get("version")
    if formats is None:
        return
    if name not in formats:
        raise ValueError(f"{_name(path)} has format {name!r}, not {' or '.join(map(repr, formats))}.")
    if not isinstance(version, int) or version < 1:
        raise ValueError(f"{_name(path)} declares format version {version!r}; a version is a positive integer.")
    if version > formats[name]:
        raise ValueError(
            f"{_name(path)} is format version {version}; this skvec reads versions up to {formats[name]}. "
            "Upgrade skvec."
        )


def _read_words(archive):
    path = archive.path
    for name in ("words_utf8", "word_offsets"):
        if name not in archive.members:
            raise ValueError(f"{_name(path)} has no {name!r} entry.")
    return strings_from_utf8(path, archive.array("words_utf8"), archive.array("word_offsets"))


def strings_from_utf8(path, data, offsets, name="word"):
    """The strings stored as UTF-8 bytes ``data`` with ``offsets`` (see ``utf8_with_offsets``), checked.

    ``name`` is how errors call a string; the entries are ``{name}s_utf8``
    and ``{name}_offsets``.
    """
    if data.dtype != np.uint8 or data.ndim != 1:
        raise ValueError(f"the '{name}s_utf8' entry of {_name(path)} is not a 1-d uint8 array.")
    if offsets.dtype.kind != "i" or offsets.ndim != 1 or len(offsets) < 1:
        raise ValueError(f"the '{name}_offsets' entry of {_name(path)} is not a 1-d integer array.")
    steps = np.diff(offsets)
    if offsets[0] != 0 or offsets[-1] != len(data) or (steps <= 0).any():
        bad = 0 if offsets[0] != 0 else int(np.flatnonzero(steps <= 0)[0]) + 1 if (steps <= 0).any() else len(steps)
        raise ValueError(
            f"the {name} offsets of {_name(path)} are inconsistent at {name} {bad}: offsets must start at 0, "
            f"increase, and end at the {len(data)} bytes of the {name}s."
        )
    raw = data.tobytes()
    bounds = offsets.tolist()
    if raw.isascii():  # one decode, then string slices (byte and character offsets agree)
        text = raw.decode("ascii")
        return [text[start:end] for start, end in zip(bounds, bounds[1:])]
    try:
        return [raw[start:end].decode("utf-8") for start, end in zip(bounds, bounds[1:])]
    except UnicodeDecodeError as exc:
        raise ValueError(f"the {name}s of {_name(path)} are not UTF-8 (byte {exc.start}).") from None


def check_rows(path, arrays, name, n_rows, n_columns=None, dtype=np.float32, required=True):
    """The entry ``name`` of ``arrays``, checked to be ``n_rows`` x ``n_columns`` of ``dtype``."""
    if name not in arrays:
        if required:
            raise ValueError(f"{_name(path)} has no {name!r} entry.")
        return None
    array = arrays[name]
    expected = (n_rows,) if n_columns is None else (n_rows, n_columns)
    if array.dtype != dtype or (n_rows is not None and array.shape[:1] != expected[:1]) or (
            len(array.shape) != len(expected)) or (n_columns is not None and n_columns >= 0 and
                                                   array.shape[1] != n_columns):
        raise ValueError(
            f"the {name!r} entry of {_name(path)} has shape {array.shape} and dtype {array.dtype}; expected "
            f"{'x'.join('?' if d is None or d < 0 else str(d) for d in expected)} {np.dtype(dtype)}."
        )
    return array
