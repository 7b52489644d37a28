"""Similarity queries of :class:`~skvec.WordVectors`, with gensim ``KeyedVectors``' names and results.

A mixin: it needs ``words``, ``vectors``, ``unit_vectors``, ``vector_size``,
``get_index``, ``has_index_for`` and ``get_vector`` from the class it is
mixed into. Every query reads a word's vector through ``get_vector``, so a
subclass that composes vectors for missing words (``missing_vector``) gets
them in every query.

Semantics follow gensim 4: a query is the normalised weighted mean of the
unit vectors of its words (raw vectors given as arrays are used as they
are), candidates are ranked by cosine similarity, and the query's words
(not its arrays) are left out of the answer.
"""

import numbers
import warnings

import numpy as np
import scipy.sparse as sp

from .._validation import check_int

__all__ = ["SimilarityQueries", "as_vector", "short_repr"]

# 3CosMul's denominator guard, as in gensim's most_similar_cosmul.
_COSMUL_EPSILON = 1e-6


def short_repr(value, width=60):
    """``repr(value)`` cut to ``width`` characters, so that an array never fills a message."""
    text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."


def _is_key(item):
    return isinstance(item, (str, numbers.Integral)) and not isinstance(item, (bool, np.bool_))


def _as_list(value):
    """A single word or 1-d vector becomes a one-item list, as gensim accepts it."""
    if value is None:
        return []
    if _is_key(value) or (isinstance(value, np.ndarray) and value.ndim == 1):
        return [value]
    return list(value)


def as_vector(value, vector_size, what):
    """``value`` as a finite 1-d float array of ``vector_size`` values."""
    vector = np.asarray(value.toarray().ravel() if sp.issparse(value) else value)
    if vector.shape != (vector_size,) or not np.issubdtype(vector.dtype, np.number):
        raise ValueError(f"{what} must be a 1-d array of {vector_size} numbers, got shape {vector.shape}.")
    if not np.all(np.isfinite(vector)):
        raise ValueError(f"{what} contains NaN or infinite values.")
    return vector


def _unit(vector):
    norm = np.linalg.norm(vector)
    return vector / norm if norm > 0 else vector


def _weighted_terms(positive, negative):
    """Keys (words, row numbers or arrays) and weights: +1 positive, -1 negative, or as paired."""
    keys, weights = [], []
    for items, default in ((_as_list(positive), 1.0), (_as_list(negative), -1.0)):
        for item in items:
            if _is_key(item) or isinstance(item, np.ndarray):
                keys.append(item)
                weights.append(default)
            elif isinstance(item, (tuple, list)) and len(item) == 2 and isinstance(item[1], numbers.Real):
                keys.append(item[0])
                weights.append(float(item[1]))
            else:
                raise TypeError(
                    "positive and negative hold words, vectors (1-d arrays) or (word or vector, weight) "
                    f"pairs; got {short_repr(item)}."
                )
    if not keys:
        raise ValueError("most_similar needs at least one word or vector in positive or negative.")
    return keys, weights


class SimilarityQueries:
    """Cosine-similarity queries over a vocabulary (mixed into :class:`~skvec.WordVectors`)."""

    # -- building blocks ------------------------------------------------------------

    def _key_or_vector(self, item, norm, what="a query item"):
        """The vector of a word or row number (through ``get_vector``), or an array as it is."""
        if isinstance(item, np.ndarray) or sp.issparse(item):
            return as_vector(item, self.vector_size, what).astype(np.float32, copy=False)
        if not _is_key(item):
            raise TypeError(f"{what} must be a word or a 1-d array, got {short_repr(item)}.")
        return self.get_vector(item, norm=norm)

    def _candidate_range(self, clip_start, clip_end, restrict_vocab):
        """Rows ``[start, stop)`` searched by a query."""
        n_words = len(self.words)
        restrict_vocab = check_int(restrict_vocab, "restrict_vocab", min_val=1, allow_none=True)
        if restrict_vocab is not None:
            return 0, min(restrict_vocab, n_words)
        clip_start = check_int(clip_start, "clip_start", min_val=0)
        clip_end = check_int(clip_end, "clip_end", min_val=0, allow_none=True)
        stop = n_words if clip_end is None or clip_end == 0 else min(clip_end, n_words)
        return min(clip_start, stop), stop

    def _cosines(self, unit_query, start=0, stop=None):
        """Cosine of every candidate row with a unit-length query (float32)."""
        candidates = self.unit_vectors[start:stop]
        return np.asarray(candidates @ unit_query.astype(np.float32), dtype=np.float32).ravel()

    def _best(self, scores, start, excluded_rows, topn):
        """The ``topn`` best (word, score), best first, leaving out ``excluded_rows``; ties keep row order."""
        local = sorted({row - start for row in excluded_rows if start <= row < start + len(scores)})
        masked = scores.copy()
        masked[local] = -np.inf
        n_best = min(topn, len(scores) - len(local))
        if n_best <= 0:
            return []
        if n_best < len(masked):
            best = np.argpartition(-masked, n_best - 1)[:n_best]
        else:
            best = np.arange(len(masked))
        best = best[np.lexsort((best, -masked[best]))][:n_best]
        return [(self.words[start + i], float(scores[i])) for i in best]

    def _query_rows(self, keys):
        """Rows of the query's words (not of its arrays): they are not answers."""
        return [self.get_index(key) for key in keys if _is_key(key) and self.has_index_for(key)]

    def get_mean_vector(self, keys, weights=None, pre_normalize=True, post_normalize=False, ignore_missing=True):
        """Weighted mean of the vectors of words (and of arrays, used as they are).

        Parameters
        ----------
        keys : list of (str, int or ndarray)
            Words, row numbers or vectors.
        weights : array-like of float, optional
            One weight per key (default 1). The sum is divided by the sum
            of the absolute weights of the keys used.
        pre_normalize : bool, default=True
            Use the unit vectors of the words.
        post_normalize : bool, default=False
            Scale the mean to unit length.
        ignore_missing : bool, default=True
            Skip words outside the vocabulary instead of raising :class:`KeyError`.

        Returns
        -------
        ndarray of float32 of shape (vector_size,)

        Examples
        --------
        >>> import numpy as np
        >>> from skvec import WordVectors
        >>> wv = WordVectors(["a", "b"], np.array([[2.0, 0.0], [0.0, 4.0]]))
        >>> wv.get_mean_vector(["a", "b", "zz"])
        array([0.5, 0.5], dtype=float32)
        """
        keys = _as_list(keys)
        if not keys:
            raise ValueError("get_mean_vector needs at least one key.")
        weights = np.ones(len(keys)) if weights is None else np.asarray(weights, dtype=np.float64).ravel()
        if weights.shape != (len(keys),):
            raise ValueError(f"weights has {weights.size} values for {len(keys)} keys; give one weight per key.")
        total = np.zeros(self.vector_size, dtype=np.float64)
        total_weight = 0.0
        for key, weight in zip(keys, weights):
            try:
                vector = self._key_or_vector(key, pre_normalize)
            except KeyError:
                if ignore_missing:
                    continue
                raise
            total += weight * vector
            total_weight += abs(weight)
        if total_weight > 0:
            total /= total_weight
        return (_unit(total) if post_normalize else total).astype(np.float32)

    # -- nearest neighbours -----------------------------------------------------------

    def most_similar(self, positive=None, negative=None, topn=10, clip_start=0, clip_end=None, restrict_vocab=None):
        """Words closest to the weighted mean of the positive terms minus the negative ones.

        With ``positive=[b, c], negative=[a]`` this answers the analogy
        ``a : b :: c : ?`` by 3CosAdd. Same semantics and results as
        gensim's ``KeyedVectors.most_similar``.

        Parameters
        ----------
        positive, negative : word, vector, or list of words, vectors (1-d arrays) and (term, weight) pairs, optional
            Terms that contribute positively (weight 1) or negatively (weight
            -1); a pair's weight replaces that default. Words are taken as
            unit vectors, arrays as they are.
        topn : int or None, default=10
            Number of words to return; ``None`` returns the cosine of every
            candidate (an array, in row order, query words included).
        clip_start, clip_end : int, default=0 and None
            Candidates are the rows ``clip_start:clip_end``.
        restrict_vocab : int or None, default=None
            Candidates are the first ``restrict_vocab`` words (the most
            frequent, for a vocabulary in frequency order); overrides the clips.

        Returns
        -------
        list of (str, float), or ndarray when ``topn`` is None
            Words and their cosine similarity to the query, best first, the
            query's words left out (ties in row order).

        Examples
        --------
        >>> import numpy as np
        >>> from skvec import WordVectors
        >>> wv = WordVectors(["a", "b", "c"], np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]]))
        >>> [word for word, _ in wv.most_similar("a")]
        ['b', 'c']
        >>> wv.most_similar(positive=[np.array([0.0, 2.0])], topn=1)
        [('c', 1.0)]
        >>> [word for word, _ in wv.most_similar(positive=[("a", 0.5), "c"], topn=1)]
        ['b']
        """
        topn = check_int(topn, "topn", min_val=0, allow_none=True)
        if topn == 0:
            return []
        keys, weights = _weighted_terms(positive, negative)
        query = self.get_mean_vector(keys, weights, pre_normalize=True, post_normalize=True, ignore_missing=False)
        start, stop = self._candidate_range(clip_start, clip_end, restrict_vocab)
        scores = self._cosines(query, start, stop)
        if topn is None:
            return scores
        return self._best(scores, start, self._query_rows(keys), topn)

    def similar_by_word(self, word, topn=10, restrict_vocab=None):
        """Words closest to ``word``: ``most_similar(positive=[word])``.

        Examples
        --------
        >>> import numpy as np
        >>> from skvec import WordVectors
        >>> wv = WordVectors(["a", "b", "c"], np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]]))
        >>> wv.similar_by_word("c", topn=1)[0][0]
        'b'
        """
        return self.most_similar(positive=[word], topn=topn, restrict_vocab=restrict_vocab)

    def similar_by_key(self, key, topn=10, restrict_vocab=None):
        """Same as :meth:`similar_by_word` (gensim's other name).

        Examples
        --------
        >>> import numpy as np
        >>> from skvec import WordVectors
        >>> WordVectors(["a", "b"], np.eye(2)).similar_by_key("a")
        [('b', 0.0)]
        """
        return self.similar_by_word(key, topn=topn, restrict_vocab=restrict_vocab)

    def similar_by_vector(self, vector, topn=10, restrict_vocab=None):
        """Words closest to a vector (no word is left out).

        Examples
        --------
        >>> import numpy as np
        >>> from skvec import WordVectors
        >>> wv = WordVectors(["a", "b", "c"], np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]]))
        >>> [word for word, _ in wv.similar_by_vector(np.array([1.0, 0.1]), topn=2)]
        ['a', 'b']
        """
        vector = as_vector(vector, self.vector_size, "vector")
        return self.most_similar(positive=[vector], topn=topn, restrict_vocab=restrict_vocab)

    def most_similar_cosmul(self, positive=None, negative=None, topn=10, restrict_vocab=None):
        """Words maximising 3CosMul (Levy & Goldberg 2014), as gensim's ``most_similar_cosmul``.

        Every candidate's cosine with each term is shifted to ``[0, 1]`` by
        ``(1 + cos) / 2``; the score is the product over the positive terms
        divided by (the product over the negative terms + 1e-6). Words are
        taken as unit vectors, arrays as they are.

        Parameters
        ----------
        positive, negative : word, vector, or list of words and vectors, optional
            At least one positive term is needed.
        topn : int or None, default=10
            ``None`` returns the score of every candidate (an array).
        restrict_vocab : int or None, default=None
            Candidates are the first ``restrict_vocab`` words. (gensim 4.4
            accepts this parameter but searches the whole vocabulary.)

        Returns
        -------
        list of (str, float), or ndarray when ``topn`` is None

        Examples
        --------
        >>> import numpy as np
        >>> from skvec import WordVectors
        >>> wv = WordVectors(["king", "queen", "man", "woman"],
        ...                  np.array([[1.0, 1.0], [1.0, -1.0], [0.9, 1.1], [0.9, -0.9]]))
        >>> wv.most_similar_cosmul(positive=["king", "woman"], negative=["man"], topn=1)[0][0]
        'queen'
        """
        topn = check_int(topn, "topn", min_val=0, allow_none=True)
        if topn == 0:
            return []
        positive, negative = _as_list(positive), _as_list(negative)
        if not positive:
            raise ValueError("most_similar_cosmul needs at least one word or vector in positive.")
        start, stop = self._candidate_range(0, None, restrict_vocab)

        def shifted(term):
            vector = self._key_or_vector(term, norm=True, what="a positive or negative term")
            return (1.0 + self._cosines(vector, start, stop)) / 2.0

        numerator = np.prod([shifted(term) for term in positive], axis=0)
        denominator = np.prod([shifted(term) for term in negative], axis=0) if negative else 1.0
        scores = (numerator / (denominator + _COSMUL_EPSILON)).astype(np.float32)
        if topn is None:
            return scores
        return self._best(scores, start, self._query_rows(positive + negative), topn)

    def most_similar_to_given(self, key1, keys_list):
        """The word of ``keys_list`` most similar to ``key1``.

        Examples
        --------
        >>> import numpy as np
        >>> from skvec import WordVectors
        >>> wv = WordVectors(["a", "b", "c"], np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]]))
        >>> wv.most_similar_to_given("a", ["c", "b"])
        'b'
        """
        keys_list = list(keys_list)
        if not keys_list:
            raise ValueError("keys_list is empty.")
        return keys_list[int(np.argmax([self.similarity(key1, key) for key in keys_list]))]

    # -- sets of words ------------------------------------------------------------------

    def rank_by_centrality(self, words, use_norm=True):
        """The words ranked by cosine with the normalised mean of their vectors, closest first.

        Words outside the vocabulary are left out, with a warning.

        Returns
        -------
        list of (float, str)

        Examples
        --------
        >>> import numpy as np
        >>> from skvec import WordVectors
        >>> wv = WordVectors(["a", "b", "c"], np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]]))
        >>> [word for _, word in wv.rank_by_centrality(["a", "b", "c"])]
        ['b', 'a', 'c']
        """
        return self._rank_by_centrality(words, use_norm)

    def _rank_by_centrality(self, words, use_norm):
        if isinstance(words, str):
            raise TypeError("words must be a list of words, not a single string.")
        words = list(words)
        used = [word for word in words if word in self or self.has_index_for(word)]
        if len(used) != len(words):
            ignored = sorted({short_repr(word) for word in words} - {short_repr(word) for word in used})
            # stacklevel 3: the caller of rank_by_centrality or doesnt_match
            warnings.warn(f"Words outside the vocabulary are ignored: {', '.join(ignored)}.", stacklevel=3)
        if not used:
            raise ValueError("None of the words is in the vocabulary; there is nothing to rank.")
        vectors = np.vstack([self.get_vector(word, norm=use_norm) for word in used]).astype(np.float32)
        mean = _unit(vectors.mean(axis=0, dtype=np.float64)).astype(np.float32)
        cosines = vectors @ mean
        return sorted(zip(cosines.tolist(), used), reverse=True)

    def doesnt_match(self, words):
        """The word that goes least with the others: the farthest from the mean of their unit vectors.

        Words outside the vocabulary are left out, with a warning.

        Examples
        --------
        >>> import numpy as np
        >>> from skvec import WordVectors
        >>> wv = WordVectors(["cat", "dog", "car"], np.array([[1.0, 0.1], [0.9, 0.3], [0.0, 1.0]]))
        >>> wv.doesnt_match(["cat", "dog", "car"])
        'car'
        """
        return self._rank_by_centrality(words, use_norm=True)[-1][1]

    def similarity(self, word1, word2):
        """Cosine similarity of two words.

        Examples
        --------
        >>> import numpy as np
        >>> from skvec import WordVectors
        >>> wv = WordVectors(["a", "b"], np.array([[1.0, 0.0], [1.0, 1.0]]))
        >>> round(wv.similarity("a", "b"), 4)
        0.7071
        """
        v1 = self.get_vector(word1, norm=True)
        v2 = self.get_vector(word2, norm=True)
        return float(np.dot(v1.astype(np.float64), v2.astype(np.float64)))

    def distance(self, word1, word2):
        """Cosine distance of two words: ``1 - similarity(word1, word2)``.

        Examples
        --------
        >>> import numpy as np
        >>> from skvec import WordVectors
        >>> WordVectors(["a", "b"], np.eye(2)).distance("a", "b")
        1.0
        """
        return 1.0 - self.similarity(word1, word2)

    def n_similarity(self, ws1, ws2):
        """Cosine similarity of the means of two sets of words (their raw vectors).

        Unlike gensim, which skips them silently, a word outside the
        vocabulary raises :class:`KeyError`.

        Examples
        --------
        >>> import numpy as np
        >>> from skvec import WordVectors
        >>> wv = WordVectors(["a", "b", "c"], np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]))
        >>> round(wv.n_similarity(["a", "b"], ["c"]), 4)
        1.0
        """
        if isinstance(ws1, str) or isinstance(ws2, str):
            raise TypeError("ws1 and ws2 must be lists of words, not single strings.")
        if not len(ws1) or not len(ws2):
            raise ValueError("n_similarity needs at least one word in each of ws1 and ws2.")
        mean1 = self.get_mean_vector(list(ws1), pre_normalize=False, ignore_missing=False)
        mean2 = self.get_mean_vector(list(ws2), pre_normalize=False, ignore_missing=False)
        return float(np.dot(_unit(mean1.astype(np.float64)), _unit(mean2.astype(np.float64))))

    # -- distances ----------------------------------------------------------------------

    @staticmethod
    def cosine_similarities(vector_1, vectors_all):
        """Cosine similarity of ``vector_1`` with every row of ``vectors_all`` (0 for a zero vector).

        Examples
        --------
        >>> import numpy as np
        >>> from skvec import WordVectors
        >>> WordVectors.cosine_similarities(np.array([1.0, 0.0]), np.array([[2.0, 0.0], [1.0, 1.0], [0.0, 0.0]]))
        array([1.        , 0.70710678, 0.        ])
        """
        vector = np.asarray(vector_1, dtype=np.float64).ravel()
        if sp.issparse(vectors_all):
            norms = np.sqrt(np.asarray(vectors_all.multiply(vectors_all).sum(axis=1)).ravel())
        else:
            vectors_all = np.asarray(vectors_all)
            norms = np.linalg.norm(vectors_all, axis=1)
        products = np.asarray(vectors_all @ vector, dtype=np.float64).ravel()
        scale = np.linalg.norm(vector) * norms
        return np.divide(products, scale, out=np.zeros_like(products), where=scale > 0)

    def distances(self, word_or_vector, other_words=()):
        """Cosine distances from a word or vector to ``other_words`` (default: every word, itself included).

        Examples
        --------
        >>> import numpy as np
        >>> from skvec import WordVectors
        >>> wv = WordVectors(["a", "b", "c"], np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]))
        >>> wv.distances("a", ["c", "a"])
        array([1., 0.])
        """
        vector = self._key_or_vector(word_or_vector, norm=False, what="word_or_vector")
        other_words = list(other_words) if other_words is not None else []
        if not other_words:
            return 1.0 - self._cosines(_unit(vector.astype(np.float64)))
        return 1.0 - self.cosine_similarities(vector, self[other_words])

    def closer_than(self, key1, key2):
        """Words closer to ``key1`` than ``key2`` is (``key1`` itself left out), in row order.

        Examples
        --------
        >>> import numpy as np
        >>> from skvec import WordVectors
        >>> wv = WordVectors(["a", "b", "c"], np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]))
        >>> wv.closer_than("a", "c")
        ['b']
        """
        all_distances = self.distances(key1)
        row1 = self.get_index(key1, -1)
        row2 = self.get_index(key2, -1)
        threshold = all_distances[row2] if row2 >= 0 else self.distance(key1, key2)
        return [self.words[row] for row in np.flatnonzero(all_distances < threshold) if row != row1]

    def words_closer_than(self, word1, word2):
        """Same as :meth:`closer_than` (gensim's older name).

        Examples
        --------
        >>> import numpy as np
        >>> from skvec import WordVectors
        >>> wv = WordVectors(["a", "b", "c"], np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]))
        >>> wv.words_closer_than("c", "a")
        ['b']
        """
        return self.closer_than(word1, word2)

    def rank(self, key1, key2):
        """Rank of ``key2`` among the neighbours of ``key1``: 1 + the number of words closer to ``key1``.

        Examples
        --------
        >>> import numpy as np
        >>> from skvec import WordVectors
        >>> wv = WordVectors(["a", "b", "c"], np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]))
        >>> wv.rank("a", "b"), wv.rank("a", "c")
        (1, 2)
        """
        return len(self.closer_than(key1, key2)) + 1

    def relative_cosine_similarity(self, wa, wb, topn=10):
        """Relative cosine similarity (Leeuwenberg et al. 2016): ``similarity(wa, wb)`` over the sum of
        the similarities of ``wa``'s ``topn`` nearest words.

        Examples
        --------
        >>> import numpy as np
        >>> from skvec import WordVectors
        >>> wv = WordVectors(["a", "b", "c"], np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]))
        >>> round(wv.relative_cosine_similarity("a", "b", topn=2), 4)
        1.0
        """
        topn = check_int(topn, "topn", min_val=1)
        total = sum(score for _, score in self.similar_by_word(wa, topn=topn))
        return self.similarity(wa, wb) / total if total != 0 else 0.0
