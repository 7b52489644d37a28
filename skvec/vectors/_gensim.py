"""gensim's ``KeyedVectors`` and models, recognised by their attributes (gensim is never required).

One routine, :func:`words_and_vectors`, turns a gensim ``KeyedVectors`` (or
any object with ``index_to_key`` and ``vectors``) or a gensim model (through
its ``wv``) into words and rows; :func:`~skvec.get_word_vectors`,
:class:`~skvec.EmbeddingVectorizer` with ``prefit=True`` and
:func:`~skvec.analogy_accuracy` all reach it through ``get_word_vectors``.
"""

import numpy as np
import scipy.sparse as sp

__all__ = ["keyed_vectors_of", "words_and_vectors", "make_gensim_keyed_vectors", "subword_parts",
           "make_gensim_fasttext_keyed_vectors"]


def keyed_vectors_of(obj):
    """The gensim-like keyed vectors of ``obj`` (itself, or its ``wv``), or None."""
    for candidate in (obj, getattr(obj, "wv", None)):
        if candidate is not None and hasattr(candidate, "index_to_key") and hasattr(candidate, "vectors"):
            return candidate
    return None


def words_and_vectors(obj):
    """Words (list) and rows of a gensim ``KeyedVectors`` or model.

    The rows are the object's own array (not copied).

    Raises
    ------
    TypeError
        If ``obj`` has neither ``index_to_key`` and ``vectors`` nor a
        ``wv`` that has them.
    ValueError
        If the number of rows differs from the number of words.
    """
    keyed = keyed_vectors_of(obj)
    if keyed is None:
        raise TypeError(
            "Expected a gensim KeyedVectors (with index_to_key and vectors) or a gensim model "
            f"(with wv); got {type(obj).__name__}."
        )
    words = list(keyed.index_to_key)
    vectors = keyed.vectors
    if vectors.shape[0] != len(words):
        raise ValueError(
            f"The keyed vectors hold {vectors.shape[0]} rows for {len(words)} words in index_to_key; "
            "there must be one row per word."
        )
    return words, vectors


def make_gensim_keyed_vectors(words, vectors):
    """A gensim ``KeyedVectors`` holding a copy of ``words`` and ``vectors`` (densified)."""
    try:
        from gensim.models import KeyedVectors
    except ImportError:
        raise ImportError("to_gensim needs gensim: pip install gensim.") from None
    dense = vectors.toarray() if sp.issparse(vectors) else np.array(vectors, dtype=np.float32, copy=True)
    keyed = KeyedVectors(dense.shape[1], dtype=np.float32)
    keyed.add_vectors(list(words), dense)
    return keyed


def subword_parts(obj):
    """``(ngram_vectors, min_n, max_n)`` of a gensim ``FastTextKeyedVectors`` (or FastText model), else None."""
    keyed = keyed_vectors_of(obj)
    ngrams = getattr(keyed, "vectors_ngrams", None)
    if ngrams is None or not getattr(keyed, "bucket", 0) or len(ngrams) == 0:
        return None
    return np.asarray(ngrams), int(keyed.min_n), int(keyed.max_n)


def make_gensim_fasttext_keyed_vectors(words, vectors, ngram_vectors, min_n, max_n, input_rows):
    """A gensim ``FastTextKeyedVectors``: the words' vectors, their input rows and the n-gram matrix (copies).

    ``input_rows`` are the words' own rows (``vectors_vocab``), from which
    gensim recomputes the word vectors when it adjusts them.
    """
    try:
        from gensim.models.fasttext import FastTextKeyedVectors
    except ImportError:
        raise ImportError("to_gensim needs gensim: pip install gensim.") from None
    ngram_vectors = np.array(ngram_vectors, dtype=np.float32, copy=True)
    keyed = FastTextKeyedVectors(vectors.shape[1], min_n, max_n, len(ngram_vectors))
    keyed.add_vectors(list(words), np.array(vectors, dtype=np.float32, copy=True))
    keyed.vectors_vocab = np.array(input_rows, dtype=np.float32, copy=True)
    keyed.vectors_ngrams = ngram_vectors
    keyed.recalc_char_ngram_buckets()
    return keyed
