"""Pretrained rows for the words of a model about to be trained (``init_vectors``).

Any model that starts some of its input rows from pretrained vectors asks
this module for them: :func:`rows_for_words` gives the rows of a source
(``WordVectors``, ``SubwordVectors``, a fitted skvec model, a gensim
``KeyedVectors`` or model) for the words of a vocabulary that the source
holds, checked for dimension and finiteness, with errors naming the
parameter; :func:`subword_rows_for_words` does the same for fastText's input
matrix (each word's own row and, from a fastText source with the same n-gram
settings, the n-gram rows).
"""

import warnings
from collections import namedtuple

import numpy as np

from .._kernels.arrays import all_finite
from ..subwords import SubwordVectors, compose, ngram_buckets, subwords_enabled
from ..vectors import get_word_vectors

__all__ = ["InitialRows", "rows_for_words", "subword_rows_for_words", "source_vectors"]

InitialRows = namedtuple("InitialRows", ["positions", "rows", "ngram_rows"])
InitialRows.__doc__ = """Pretrained input rows for some words of a vocabulary.

``positions`` (int64) are the rows of the vocabulary the source holds a vector
for, ``rows`` (float32, one per position) their starting input rows, and
``ngram_rows`` the starting n-gram matrix (fastText, from a fastText source
with the same n-gram settings) or None.
"""


def source_vectors(source, name="init_vectors"):
    """The :class:`~skvec.WordVectors` of a source of pretrained vectors.

    Raises a TypeError or ValueError starting with ``name`` when ``source``
    is not a source of word vectors (an unfitted model, another object) or
    holds NaN or infinite values.
    """
    try:
        return get_word_vectors(source)
    except (TypeError, ValueError) as exc:
        hint = ""
        if hasattr(source, "get_params"):
            hint = (" (scikit-learn's clone, which grid searches and cross-validation apply, unfits a model "
                    "given as a parameter: wrap it in sklearn.frozen.FrozenEstimator or pass "
                    "get_word_vectors(model))")
        raise type(exc)(
            f"{name} must be WordVectors, SubwordVectors, a fitted skvec model or a gensim KeyedVectors "
            f"or model with finite vectors{hint}: {exc}"
        ) from None


def _check_rows(rows, n_components, label, name):
    """Raise unless ``rows`` has ``n_components`` columns and finite values; ``label(i)`` names row ``i``."""
    if rows.shape[1] != n_components:
        raise ValueError(
            f"{name} has vectors of {rows.shape[1]} dimensions but n_components={n_components}; "
            "they must be equal."
        )
    if not all_finite(rows):
        bad = int(np.flatnonzero(~np.isfinite(rows).all(axis=1))[0])
        raise ValueError(f"{name} holds NaN or infinite values (in {label(bad)}).")


def rows_for_words(source, words, n_components, name="init_vectors"):
    """Rows of ``source`` for those of ``words`` it holds a vector for.

    Parameters
    ----------
    source : WordVectors, SubwordVectors, fitted model or gensim object
        Anything :func:`~skvec.get_word_vectors` accepts.  Only the words of
        its vocabulary count (n-gram vectors do not make up vectors for
        other words).
    words : sequence of str
        The vocabulary of the model to initialise, row order.
    n_components : int
        The model's dimension; the source's must be the same.
    name : str
        The parameter's name, for error messages.

    Returns
    -------
    InitialRows
        With ``ngram_rows`` None.

    Raises
    ------
    ValueError
        On a dimension mismatch or a NaN or infinite vector among the rows
        taken (or anywhere in the source, when it checks its rows itself).
    TypeError
        When ``source`` is not a source of word vectors.
    """
    vectors = source_vectors(source, name)
    if vectors.vector_size != n_components:
        raise ValueError(
            f"{name} has vectors of {vectors.vector_size} dimensions but n_components={n_components}; "
            "they must be equal."
        )
    index = vectors.index
    positions = np.fromiter((row for row, word in enumerate(words) if word in index), dtype=np.int64)
    taken = [index[words[row]] for row in positions]
    rows = vectors.vectors[taken]
    rows = np.asarray(rows.toarray() if hasattr(rows, "toarray") else rows, dtype=np.float32)
    rows = rows.reshape(len(positions), n_components)
    _check_rows(rows, n_components, lambda i: f"the vector of {words[positions[i]]!r}", name)
    return InitialRows(positions, rows, None)


def _fasttext_matrices(source):
    """``(words, own rows, n-gram rows, min_n, max_n)`` of a fastText source, or None.

    A fitted ``FastTextEmbedder`` and a gensim ``FastText`` model or
    ``FastTextKeyedVectors`` keep each word's own row; for a
    ``SubwordVectors`` the own rows are recovered from the stored means.
    """
    if hasattr(source, "input_embedding_") and getattr(source, "ngram_embedding_", None) is not None:
        words = list(source.word_vectors_.words)
        return words, source.input_embedding_, source.ngram_embedding_, source.min_n, source.max_n
    keyed = getattr(source, "wv", source)
    if hasattr(keyed, "vectors_vocab") and hasattr(keyed, "vectors_ngrams") and hasattr(keyed, "index_to_key"):
        return list(keyed.index_to_key), keyed.vectors_vocab, keyed.vectors_ngrams, keyed.min_n, keyed.max_n
    if isinstance(source, SubwordVectors) and source.has_subwords:
        indptr, buckets = ngram_buckets(source.words, source.min_n, source.max_n, source.bucket)
        n_rows = (np.diff(indptr) + 1).astype(np.float32)[:, None]
        ngram_means = compose(np.zeros_like(source.vectors), source.ngram_vectors, indptr, buckets)
        own = (source.vectors - ngram_means) * n_rows
        return list(source.words), own, source.ngram_vectors, source.min_n, source.max_n
    return None


def subword_rows_for_words(source, words, n_components, *, min_n, max_n, bucket, name="init_vectors"):
    """fastText's starting input rows from ``source``: own rows of shared words, and n-gram rows.

    From a fastText source (a fitted ``FastTextEmbedder``, a gensim
    ``FastText`` model or its ``FastTextKeyedVectors``, a ``SubwordVectors``
    with n-gram vectors) with the same ``min_n``, ``max_n`` and ``bucket``,
    each shared word starts from its own input row and the whole n-gram
    matrix is taken, so every shared word's vector (the mean of its rows)
    and every out-of-vocabulary lookup start where the source is.  From any
    other source (word vectors only), a shared word's own row starts from
    its vector and the n-gram rows start as usual, as fastText's
    ``-pretrainedVectors`` does; a fastText source with other n-gram
    settings is used that way too, with a warning.

    Returns
    -------
    InitialRows
    """
    matrices = _fasttext_matrices(source)
    if matrices is None or not subwords_enabled(min_n, max_n):
        return rows_for_words(source, words, n_components, name)
    source_words, own, ngrams, source_min_n, source_max_n = matrices
    if (source_min_n, source_max_n, len(ngrams)) != (min_n, max_n, bucket):
        warnings.warn(
            f"{name} has n-grams of {source_min_n} to {source_max_n} characters in {len(ngrams)} buckets, "
            f"the model min_n={min_n}, max_n={max_n}, bucket={bucket}: its n-gram rows are not used, "
            "only its word vectors.",
            UserWarning,
            stacklevel=4,
        )
        return rows_for_words(source, words, n_components, name)
    initial = rows_for_words(SubwordVectors(source_words, np.asarray(own, dtype=np.float32)), words,
                             n_components, name)
    ngrams = np.ascontiguousarray(ngrams, dtype=np.float32)
    _check_rows(ngrams, n_components, lambda i: f"n-gram row {i}", name)
    return initial._replace(ngram_rows=ngrams)
