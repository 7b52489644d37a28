"""Word vectors as a value object, their files, and their extraction from fitted models.

:class:`WordVectors` pairs a vocabulary with one vector per word (dense, or
the rows of a sparse matrix such as an SPPMI matrix), answers the similarity
queries of gensim's ``KeyedVectors`` and reads and writes word2vec text and
binary, headerless text (GloVe) and fastText ``.vec`` files.
:func:`get_word_vectors` turns any fitted word-plane model, or a gensim
``KeyedVectors`` or model, into one.

Modules, one purpose each: ``_keyed`` (the class: lookups, files, gensim),
``_similarity`` (the queries), ``_formats`` (file formats), ``_gensim``
(conversion from and to gensim), ``_extract`` (``get_word_vectors``).
"""

from ._extract import get_word_vectors
from ._keyed import WordVectors, unit_rows

__all__ = ["WordVectors", "get_word_vectors", "unit_rows"]
