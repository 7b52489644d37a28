"""PhraseDetector: multi-word expressions ("new_york") learned from adjacent tokens."""

import logging
import time
from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ._corpus import DEFAULT_TOKEN_PATTERN, CorpusInputMixin, encode_all_tokens, tokenization_params, vocabulary_dict
from ._kernels import phrases as _k
from ._progress import log_info
from ._validation import TOKENIZATION_CONSTRAINTS, VERBOSE, VOCABULARY_CONSTRAINTS, Interval, StrOptions

_LOGGER = logging.getLogger("skvec.phrases")

#: Articles, prepositions and conjunctions allowed inside an English phrase
#: ("bank_of_america"); the list gensim offers as ``ENGLISH_CONNECTOR_WORDS``.
ENGLISH_CONNECTOR_WORDS = frozenset(
    "a an the for of with without at from to in on by and or".split()
)

_SCORINGS = {
    "word2phrase": _k.SCORING_WORD2PHRASE,
    "gensim": _k.SCORING_GENSIM,
    "npmi": _k.SCORING_NPMI,
}
_DEFAULT_THRESHOLDS = {"word2phrase": 100.0, "gensim": 10.0, "npmi": 0.5}


class PhraseDetector(CorpusInputMixin, TransformerMixin, BaseEstimator, auto_wrap_output_keys=None):
    """Join frequent adjacent words into phrases ("new york" -> "new_york").

    ``fit`` counts every word and every pair of adjacent words of a corpus
    and keeps the pairs that score above ``threshold``; ``transform``
    rewrites documents with those pairs joined by ``delimiter``, greedily
    left to right (the second word of a phrase never starts another), as
    the word2vec tool ``word2phrase`` and gensim's ``Phrases`` do.  The
    output is a list of token lists, which every skvec word model and a
    scikit-learn vectorizer with a callable ``analyzer`` take as they are,
    so a detector in front of a word model gives vectors for phrases.  Two
    detectors in a row give phrases of up to four words, as running
    ``word2phrase`` twice does.

    Parameters
    ----------
    min_count : int, default=5
        The discount of the ``"word2phrase"`` and ``"gensim"`` scores, and
        the least count of a pair (and, for ``"word2phrase"``, of each of
        its words) that can be a phrase.
    threshold : float or None, default=None
        A pair scoring strictly above it is a phrase.  None means 100 for
        ``"word2phrase"`` (the C tool's default), 10 for ``"gensim"``
        (gensim's default) and 0.5 for ``"npmi"``.
    scoring : {"word2phrase", "gensim", "npmi"}, default="word2phrase"
        How a pair ``a b`` seen ``n_ab`` times is scored, with ``n_a``,
        ``n_b`` the counts of its words:

        - ``"word2phrase"``: ``(n_ab - min_count) / (n_a * n_b) * N``, ``N``
          the number of tokens, as the C tool ``word2phrase`` computes it:
          in float32, words and pair seen fewer than ``min_count`` times
          excluded, and the pair spanning the end of one document and the
          start of the next counted (the tool reads its input as one
          stream; such a pair is never joined);
        - ``"gensim"``: gensim's default scorer, the same with ``V``, the
          number of distinct words and pairs counted, in place of ``N``
          (float64);
        - ``"npmi"``: normalized pointwise mutual information
          ``log(p_ab / (p_a p_b)) / -log(p_ab)``, in ``[-1, 1]``, pairs seen
          fewer than ``min_count`` times excluded.
    delimiter : str, default="_"
        Joins the words of a phrase (see Notes for a space).
    connector_words : "english", collection of str or None, default=None
        Words that never start or end a phrase but may appear, any number
        of them, inside one ("bank_of_america"), as gensim's
        ``connector_words``: a pair is then two non-connector words with
        the connectors between them.  Connector words are not counted as
        words.  ``"english"`` is :data:`ENGLISH_CONNECTOR_WORDS`.  With
        ``lowercase=True`` the lowercase form of each connector word is a
        connector too (``["OF"]`` matches the ``of`` of lowercased text).
    max_vocab_size : int or None, default=40_000_000
        Bounds the memory of counting: after a document, if more than this
        many distinct words and pairs are held, those seen fewer than
        ``m`` times are dropped, with ``m = 1, 2, ...`` at successive
        prunings (gensim's rule).  None: never prune.
    lowercase : bool, default=True
        Lowercase string documents before tokenizing.
    token_pattern : str, default=r"(?u)\\b\\w+\\b"
        Regular expression for the tokens of string documents.
    tokenizer : callable or None, default=None
        Overrides ``token_pattern``.
    verbose : int, default=0
        1: a summary line (logger ``skvec.phrases``); 2: also progress lines
        while reading.

    Attributes
    ----------
    phrases_ : dict
        Phrase (words joined by ``delimiter``) -> score, highest score
        first, ties in alphabetical order.  Phrases are learned as pairs of
        words, never as joined strings: when two pairs join into the same
        text (``"a_b c"`` and ``"a b_c"`` both give ``"a_b_c"``) both are
        phrases, each rewritten as that text, and ``phrases_`` lists the
        text once with the higher score.
    n_train_words_ : int
        Tokens read by ``fit``.
    n_candidates_ : int
        Distinct pairs counted (after pruning).

    See Also
    --------
    Word2VecEmbedder : Word vectors; put a detector in front for phrase vectors.

    Notes
    -----
    Mikolov et al., "Distributed Representations of Words and Phrases and
    their Compositionality" (2013), section 4; G. Bouma, "Normalized
    (Pointwise) Mutual Information in Collocation Extraction" (2009).

    Unlike the two tools, which keep words and pairs in one table of
    strings, a token that already contains ``delimiter`` is counted apart
    from the pair it spells.  In the output, though, a joined phrase equal
    to an existing token (the pair ``new york`` and a token ``new_york`` of
    the corpus) is that same string: a model fitted on the output sees one
    word.  Choose a ``delimiter`` that the tokens do not contain to keep
    them apart.  A phrase joined by a space (``delimiter=" "``) is one
    token, which the word2vec text format writes and reads back, but the
    binary format cannot hold, and which a corpus file written one token
    after another does not keep.  Only what ``transform`` needs is kept after
    ``fit`` (the phrases and their words), so a fitted detector pickles
    small whatever the corpus.

    Examples
    --------
    >>> from skvec import PhraseDetector
    >>> docs = ["she moved to new york in may", "new york is large",
    ...         "he left new york", "a new idea", "old york"]
    >>> detector = PhraseDetector(min_count=1, threshold=1.0).fit(docs)
    >>> detector.phrases_  # (3 - 1) / (4 * 4) * 20 tokens
    {'new_york': 2.5}
    >>> detector.transform(["He saw New York"])
    [['he', 'saw', 'new_york']]
    """

    _parameter_constraints = {
        **{"min_count": VOCABULARY_CONSTRAINTS["min_count"]},
        "threshold": [Interval(Real, None, None, closed="neither"), None],
        "scoring": [StrOptions(set(_SCORINGS))],
        "delimiter": [str],
        "connector_words": [StrOptions({"english"}), "array-like", None],
        **{"max_vocab_size": VOCABULARY_CONSTRAINTS["max_vocab_size"]},
        **TOKENIZATION_CONSTRAINTS,
        "verbose": VERBOSE,
    }

    def __init__(
        self,
        *,
        min_count=5,
        threshold=None,
        scoring="word2phrase",
        delimiter="_",
        connector_words=None,
        max_vocab_size=40_000_000,
        lowercase=True,
        token_pattern=DEFAULT_TOKEN_PATTERN,
        tokenizer=None,
        verbose=0,
    ):
        self.min_count = min_count
        self.threshold = threshold
        self.scoring = scoring
        self.delimiter = delimiter
        self.connector_words = connector_words
        self.max_vocab_size = max_vocab_size
        self.lowercase = lowercase
        self.token_pattern = token_pattern
        self.tokenizer = tokenizer
        self.verbose = verbose

    # -- validation -----------------------------------------------------

    def _threshold(self):
        """The threshold in effect, checked against the scoring's range."""
        if self.threshold is None:
            return _DEFAULT_THRESHOLDS[self.scoring]
        threshold = float(self.threshold)
        if self.scoring == "npmi" and not -1.0 <= threshold <= 1.0:
            raise ValueError(
                f"threshold must be in [-1, 1] with scoring='npmi' (the range of NPMI), got {self.threshold!r}."
            )
        if self.scoring != "npmi" and threshold <= 0:
            raise ValueError(
                f"threshold must be > 0 with scoring={self.scoring!r} (a pair seen min_count times "
                f"scores 0, and a rarer one less), got {self.threshold!r}."
            )
        return threshold

    def _connector_set(self):
        if self.connector_words is None:
            return frozenset()
        if isinstance(self.connector_words, str):
            return ENGLISH_CONNECTOR_WORDS
        words = frozenset(self.connector_words)
        for word in words:
            if not isinstance(word, str):
                raise TypeError(f"connector_words must hold strings, got {word!r} ({type(word).__name__}).")
        if self.lowercase:
            # String documents are lowercased: so are their connector words.
            words = words | {word.lower() for word in words}
        return words

    def _check_params(self):
        """Validate the parameters (before any document is read); return the settings."""
        self._validate_params()
        return {
            "threshold": self._threshold(),
            "connectors": self._connector_set(),
            "max_vocab_size": -1 if self.max_vocab_size is None else int(self.max_vocab_size),
        }

    # -- fitting --------------------------------------------------------

    def fit(self, X, y=None):
        """Learn the phrases of a corpus.

        Parameters
        ----------
        X : iterable of str or of sequences of str
            The documents.  Strings are tokenized with ``lowercase``,
            ``token_pattern`` and ``tokenizer``; token sequences are used as
            they are.  Read once.
        y : None
            Ignored.

        Returns
        -------
        self : PhraseDetector
            The fitted detector.
        """
        self._fit(X)
        return self

    def fit_transform(self, X, y=None):
        """Learn the phrases of a corpus and return it rewritten with them.

        The same as ``fit(X).transform(X)``, but ``X`` is read and tokenized
        once.

        Parameters
        ----------
        X : iterable of str or of sequences of str
            The documents.
        y : None
            Ignored.

        Returns
        -------
        list of list of str
            The tokens of each document, phrases joined.
        """
        ids, offsets, words, lean_of = self._fit(X)
        return self._join(ids, offsets, words, lean_of)

    def _fit(self, X):
        settings = self._check_params()
        started = time.perf_counter()
        index = {}
        ids, offsets = encode_all_tokens(X, index, **tokenization_params(self), verbose=self.verbose,
                                         logger=_LOGGER)
        words = list(index)
        is_connector = np.zeros(len(words), dtype=np.bool_)
        for word in settings["connectors"]:
            if word in index:
                is_connector[index[word]] = True
        unigram_counts, candidates, middles, n_unigrams = _k.count_candidates(
            ids, offsets, is_connector, settings["max_vocab_size"], self.scoring == "word2phrase"
        )
        slots, scores = _k.score_candidates(
            candidates, unigram_counts, _SCORINGS[self.scoring], int(self.min_count),
            settings["threshold"], len(ids), n_unigrams + int(candidates.size[0]),
        )
        self.n_train_words_ = int(len(ids))
        self.n_candidates_ = int(candidates.size[0])
        lean_of = self._store_phrases(index, words, (candidates, middles, slots, scores), settings["connectors"])
        log_info(
            self.verbose,
            f"phrases: {len(self.phrases_):,} phrases among {self.n_candidates_:,} candidate pairs "
            f"of {self.n_train_words_:,} tokens ({time.perf_counter() - started:.1f} s)",
            logger=_LOGGER,
        )
        return ids, offsets, words, lean_of

    def _store_phrases(self, index, words, found, connectors):
        """Keep the phrases and what ``transform`` needs; return fit id -> lean id."""
        candidates, middles, slots, scores = found
        n_words = len(words)
        keys = candidates.slots[slots, _k.KEY]
        middle_nodes = candidates.slots[slots, _k.AUX].tolist()
        runs = _connector_runs(middles, n_words, set(middle_nodes) - {0})
        # Each phrase as fit ids: first word, connector run, last word.
        members = [(a, *runs.get(m, ()), b) for a, m, b in zip((keys // n_words).tolist(), middle_nodes,
                                                               (keys % n_words).tolist())]
        texts = [self.delimiter.join([words[w] for w in ids]) for ids in members]
        order = sorted(range(len(texts)), key=lambda p: (-scores[p], texts[p], members[p]))
        # Phrases are the rows of the phrase table, keyed by their word ids: two
        # pairs that join into the same text ("a_b c", "a b_c") stay two phrases
        # and each is written as its own text. ``phrases_`` keeps the text once,
        # with the higher score.
        self._phrase_texts = [texts[p] for p in order]
        self.phrases_ = {}
        for p in order:
            self.phrases_.setdefault(texts[p], float(scores[p]))

        # The lean vocabulary: words of phrases, then every connector word
        # (connectors change how a document is scanned even in no phrase).
        lean = {}
        parts = [[lean.setdefault(w, len(lean)) for w in members[p]] for p in order]
        lean_words = [words[w] for w in lean]
        extra = sorted(connectors - set(lean_words))
        self._lean_words = lean_words + extra
        self._lean_connector = np.array([word in connectors for word in self._lean_words], dtype=np.bool_)
        self._phrase_parts, self._middle_parts = _lean_tables(parts)
        lean_of = np.full(n_words, -1, dtype=np.int32)
        lean_of[list(lean)] = np.arange(len(lean), dtype=np.int32)
        for row, word in enumerate(extra, len(lean)):
            if word in index:
                lean_of[index[word]] = row
        return lean_of

    # -- transforming ---------------------------------------------------

    def transform(self, X):
        """Rewrite documents with the learned phrases joined.

        Parameters
        ----------
        X : iterable of str or of sequences of str
            The documents, tokenized as in ``fit``.

        Returns
        -------
        list of list of str
            The tokens of each document, each phrase one token (its words
            joined by ``delimiter``), greedily left to right.
        """
        check_is_fitted(self, "phrases_")
        index = vocabulary_dict(self._lean_words)
        ids, offsets = encode_all_tokens(X, index, **tokenization_params(self), verbose=self.verbose,
                                         logger=_LOGGER)
        lean_of = np.arange(len(self._lean_words), dtype=np.int32)
        return self._join(ids, offsets, list(index), lean_of)

    def _join(self, ids, offsets, words, lean_of):
        phrases, middles = _k.build_tables(
            self._phrase_parts[:, 0], self._phrase_parts[:, 2], self._phrase_parts[:, 1],
            self._middle_parts[:, 0], self._middle_parts[:, 1], len(self._lean_words),
        )
        out_ids, out_offsets = _k.join_phrases(
            ids, offsets, lean_of, self._lean_connector, phrases, middles, len(words)
        )
        tokens = np.empty(len(words) + len(self._phrase_texts), dtype=object)
        tokens[: len(words)] = words
        tokens[len(words):] = self._phrase_texts
        flat = tokens[out_ids]
        bounds = out_offsets.tolist()
        return [flat[start:end].tolist() for start, end in zip(bounds, bounds[1:])]

    def get_feature_names_out(self, input_features=None):
        """The learned phrases, in the order of ``phrases_``.

        Parameters
        ----------
        input_features : None
            Ignored; present for API consistency.

        Returns
        -------
        ndarray of str objects
            The phrases, words joined by ``delimiter``.
        """
        check_is_fitted(self, "phrases_")
        return np.asarray(list(self.phrases_), dtype=object)


def _connector_runs(middles, n_words, nodes):
    """Word ids of the connector run of each trie node in ``nodes``."""
    rows = middles.slots[_k.occupied(middles)]
    node_ids = rows[:, _k.VALUE]
    parent = np.zeros(len(node_ids) + 1, dtype=np.int64)
    word = np.zeros(len(node_ids) + 1, dtype=np.int64)
    parent[node_ids] = rows[:, _k.KEY] // n_words
    word[node_ids] = rows[:, _k.KEY] % n_words
    runs = {}
    for node in nodes:
        run = []
        walk = node
        while walk:
            run.append(int(word[walk]))
            walk = int(parent[walk])
        runs[node] = tuple(reversed(run))
    return runs


def _lean_tables(parts):
    """Phrase rows (first, run node, last) and run-trie rows (parent, word) in lean ids."""
    nodes = {}
    phrase_rows = np.zeros((len(parts), 3), dtype=np.int32)
    for p, words in enumerate(parts):
        node = 0
        for word in words[1:-1]:
            node = nodes.setdefault((node, word), len(nodes) + 1)
        phrase_rows[p] = (words[0], node, words[-1])
    middle_rows = np.zeros((len(nodes), 2), dtype=np.int32)
    for (parent, word), node in nodes.items():
        middle_rows[node - 1] = (parent, word)
    return phrase_rows, middle_rows
