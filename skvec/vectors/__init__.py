"""Word vectors as value objects, every vector and model file, and extraction from fitted models.

:class:`WordVectors` pairs a vocabulary with one vector per word (dense, or
the rows of a sparse matrix such as an SPPMI matrix) and answers the
similarity queries of gensim's ``KeyedVectors``; :class:`SubwordVectors`
adds fastText's n-gram vectors, so any string gets a vector.
:func:`load_vectors` reads any vector or model file, its format detected by
content: word2vec text and binary, headerless text (GloVe), fastText
``.vec`` and ``.bin``, and skvec's own ``.npz`` files (memory-mappable).
:func:`get_word_vectors` turns any fitted word-plane model, or a gensim
``KeyedVectors`` or model, into vectors.

Every file is opened through :func:`skvec._io.open_file` (compression
detected by content on read, chosen by the extension on write); every
writer writes a temporary file next to the target and moves it over the
target when complete; every reader checks the counts and offsets a file
declares and raises a :class:`ValueError` naming the file and the position.

Modules, one purpose each: ``_keyed`` (the class: lookups, files, gensim),
``_subword`` (:class:`SubwordVectors` and its model file), ``_similarity``
(the queries), ``_formats`` (word2vec, GloVe and ``.vec`` files),
``_fasttext_bin`` (fastText's ``.bin``), ``_archive`` (skvec's ``.npz``
files), ``_load`` (:func:`load_vectors`), ``_gensim`` (conversion from and
to gensim), ``_extract`` (``get_word_vectors``).
"""

from ._archive import json_params
from ._extract import get_word_vectors
from ._fasttext_bin import read_fasttext_bin
from ._keyed import WordVectors, lookup_word, unit_rows
from ._load import detect_format, load_vectors
from ._subword import SubwordVectors, read_model_file, write_model_file

__all__ = [
    "SubwordVectors",
    "WordVectors",
    "detect_format",
    "get_word_vectors",
    "json_params",
    "load_vectors",
    "lookup_word",
    "read_fasttext_bin",
    "read_model_file",
    "unit_rows",
    "write_model_file",
]
