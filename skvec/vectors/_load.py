"""One entry point for every vector and model file: :func:`load_vectors`, the format found by content."""

import lzma
import os
import zlib

from .._io import compression_of, open_file
from ._archive import ZIP_MAGIC, archive_format
from ._fasttext_bin import FASTTEXT_MAGIC
from ._keyed import WORD_VECTORS_FORMAT, WordVectors
from ._subword import MODEL_FORMAT, SubwordVectors

__all__ = ["detect_format", "load_vectors"]


def detect_format(path):
    """The format of a vector or model file, from its content (never its name).

    Returns one of ``"skvec-subword-model"``, ``"skvec-word-vectors"``,
    ``"fasttext-bin"`` or ``"word2vec"`` (text or binary, GloVe, ``.vec``;
    told apart by the reader). gzip, bzip2 and xz files are looked into.

    Examples
    --------
    >>> import numpy as np, os, tempfile
    >>> from skvec import WordVectors
    >>> from skvec.vectors import detect_format
    >>> path = os.path.join(tempfile.mkdtemp(), "vectors")  # no suffix needed
    >>> WordVectors(["a"], np.ones((1, 2))).save(path)
    >>> detect_format(path)
    'skvec-word-vectors'
    """
    with open_file(path, "rb") as f:
        try:
            head = f.read(8)
        except (EOFError, zlib.error, lzma.LZMAError, OSError) as exc:
            raise ValueError(
                f"{os.fspath(path)!r} is compressed ({compression_of(path)}) and its stream is damaged or "
                f"truncated ({type(exc).__name__}: {exc}); download or write it again."
            ) from None
    if head.startswith(FASTTEXT_MAGIC):
        return "fasttext-bin"
    if head.startswith(ZIP_MAGIC):
        name = archive_format(path)
        if name in (MODEL_FORMAT, WORD_VECTORS_FORMAT):
            return name
        raise ValueError(
            f"{os.fspath(path)!r} is a zip archive (.npz) but not a readable skvec vector or model file"
            + (f" (format {name!r})" if name else " (no readable 'meta' entry; damaged or not skvec's)")
            + "."
        )
    return "word2vec"


def load_vectors(path, *, mmap=None):
    """Load any vector or model file, its format detected by content.

    - skvec's model files (``SubwordVectors.save``, ``FastTextEmbedder.save``)
      and fastText ``.bin`` models give :class:`SubwordVectors` (a vector for
      any string);
    - skvec's vector files (:meth:`WordVectors.save`), word2vec text and
      binary files, headerless text (GloVe) and fastText ``.vec`` files give
      :class:`WordVectors`.

    The file's name plays no part: a model saved without the ``.npz``
    suffix, or a ``.bin`` that is a word2vec file, is read as what it is.
    gzip, bzip2 and xz compression is recognised by content too.

    Parameters
    ----------
    path : str or path-like
    mmap : {None, "r", "c"}, default=None
        For skvec's own files: map the matrices from the file instead of
        reading them (see :meth:`WordVectors.load`); ignored for the others.

    Returns
    -------
    WordVectors or SubwordVectors

    Raises
    ------
    ValueError
        Naming the file and the position, for a damaged or unknown file.

    Examples
    --------
    >>> import numpy as np, os, tempfile
    >>> from skvec import SubwordVectors, load_vectors
    >>> path = os.path.join(tempfile.mkdtemp(), "model")
    >>> SubwordVectors(["a"], np.ones((1, 2)), np.ones((4, 2))).save(path)
    >>> load_vectors(path)
    <SubwordVectors: 1 words, 2 dimensions, 4 n-gram buckets, n-grams of 3 to 6 characters>
    """
    kind = detect_format(path)
    if kind == "fasttext-bin":
        return SubwordVectors.load_fasttext_bin(path)
    if kind == MODEL_FORMAT:
        return SubwordVectors.load(path, mmap=mmap)
    if kind == WORD_VECTORS_FORMAT:
        return WordVectors.load(path, mmap=mmap)
    return WordVectors.load_word2vec_format(path, binary=None)
