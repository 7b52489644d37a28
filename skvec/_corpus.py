"""Vocabulary and corpus encoding, shared by every method.

A corpus is an iterable of documents: strings, tokenized like scikit-learn's
``CountVectorizer`` (``lowercase``, ``token_pattern``, ``tokenizer``), or
sequences of tokens taken as they are (an empty token is refused when a
vocabulary is learned: no vector file could hold it).  Every method trains on one encoding of
it: a flat int32 array of vocabulary ids with out-of-vocabulary tokens removed,
plus int64 document offsets (document ``d`` is ``ids[offsets[d]:offsets[d+1]]``).

The vocabulary is ordered by count, descending, ties broken by first
occurrence.  The encoding is done in one pass over the corpus: each token is
mapped to a provisional id in order of first occurrence (a dict lookup, the
only per-token Python work), the counts come from ``np.bincount`` and the
final ids from one vectorized remapping.
"""

import functools
import re
import sys
import unicodedata
from array import array
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import chain, islice, repeat

import numpy as np

from ._kernels.tokenize import ascii_words
from ._progress import ROOT_LOGGER, Progress, log_vocabulary
from ._validation import check_bool

DEFAULT_TOKEN_PATTERN = r"(?u)\b\w+\b"

# How many documents are read between two progress updates.
_PROGRESS_EVERY = 10000
# Tokens remapped per step when the vocabulary order is applied.
_REMAP_SLICE = 1 << 20


@dataclass
class EncodedCorpus:
    """A corpus encoded against its vocabulary.

    Attributes
    ----------
    words : list of str
        The vocabulary, row order (count descending, ties by first occurrence).
    counts : ndarray of int64
        Occurrences of each vocabulary word in the corpus.
    ids : ndarray of int32
        Flat token ids, out-of-vocabulary tokens removed.
    offsets : ndarray of int64, shape (n_docs + 1,)
        Document boundaries in ``ids``.
    n_tokens : int
        Tokens read, before out-of-vocabulary tokens were removed.
    longest_document : int
        Tokens read in the longest document, before out-of-vocabulary tokens
        were removed.
    unused : Vocabulary or None
        When asked for (``encode_corpus(keep_unused=True)``,
        ``grow_vocabulary``): the words met but left out of the vocabulary,
        in order of first occurrence, with their counts.
    """

    words: list
    counts: np.ndarray
    ids: np.ndarray
    offsets: np.ndarray
    n_tokens: int
    longest_document: int = 0
    unused: object = None

    @property
    def n_docs(self):
        return len(self.offsets) - 1

    @property
    def vocabulary(self):
        return Vocabulary(self.words, self.counts)


@dataclass(frozen=True)
class Vocabulary:
    """The words of a vocabulary in row order, and their counts in a corpus.

    Attributes
    ----------
    words : list of str
        Row order: count descending, ties by first occurrence (or the order
        of a user-given vocabulary).
    counts : ndarray of int64
        Occurrences of each word.
    """

    words: list
    counts: np.ndarray

    def __len__(self):
        return len(self.words)

    def index(self):
        """Map each word to its row."""
        return vocabulary_dict(self.words)


class CorpusInputMixin:
    """Tags of an estimator whose ``X`` is a corpus: string documents, not a 2-d array.

    scikit-learn's estimator checks read them and skip what needs numeric
    arrays.  Put it first among the bases, so that its tags build on theirs.
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags


def tokenization_params(estimator):
    """The tokenization of ``estimator``: the keywords of :func:`make_analyzer` and the encoders.

    Its ``lowercase``, ``token_pattern`` and ``tokenizer`` parameters, the
    defaults for those it does not have (or for an object without
    ``get_params``, such as a set of word vectors).  Every estimator reading
    a corpus passes them on with this, so all read them the same way.
    """
    params = {"lowercase": True, "token_pattern": DEFAULT_TOKEN_PATTERN, "tokenizer": None}
    if hasattr(estimator, "get_params"):
        own = estimator.get_params(deep=False)
        params.update({key: own[key] for key in params if key in own})
    return params


def vocabulary_dict(words):
    """Map each word to its row."""
    return {word: row for row, word in enumerate(words)}


def words_in_row_order(mapping, name="vocabulary"):
    """The words of a mapping word -> row, in row order.

    The rows must be the integers ``0..len(mapping) - 1``, each used once;
    ``name`` is how the error messages call the mapping.
    """
    words = [None] * len(mapping)
    for word, row in mapping.items():
        if not isinstance(row, (int, np.integer)) or not 0 <= row < len(mapping):
            raise ValueError(
                f"{name} as a mapping must map each word to a distinct row in "
                f"0..{len(mapping) - 1}; {word!r} maps to {row!r}."
            )
        if words[row] is not None:
            raise ValueError(f"{name} maps {words[row]!r} and {word!r} to the same row {row}.")
        words[row] = word
    return words


@functools.lru_cache(maxsize=1)
def _word_with_marks():
    """The default token pattern, keeping combining marks inside words.

    Python's ``\\w`` does not match combining marks (Unicode category M), so
    ``\\w+`` splits words whose marks have no precomposed form (the dot of
    a lowercased "İ", Devanagari vowel signs).  Built once, on the first
    non-ASCII document (scanning the code points takes a fraction of a second).
    """
    ranges = []
    start = previous = None
    for code in range(sys.maxunicode + 1):
        if unicodedata.category(chr(code))[0] != "M":
            continue
        if previous is not None and code == previous + 1:
            previous = code
            continue
        if start is not None:
            ranges.append((start, previous))
        start = previous = code
    ranges.append((start, previous))
    marks = "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges)
    return re.compile(rf"(?u)\w[\w{marks}]*")


def _normalized(doc):
    # ASCII text is already in NFC; the check is much cheaper than normalizing.
    return doc if doc.isascii() else unicodedata.normalize("NFC", doc)


def _lowered(doc):
    # Lowercasing can itself produce decomposed text (e.g. "É" stays one
    # code point, but some characters lower into a letter and a mark).
    return doc.lower() if doc.isascii() else unicodedata.normalize("NFC", doc.lower())


def _default_analyzer(lowercase):
    findall = re.compile(r"(?u)\w+").findall

    def analyze(doc):
        if doc.isascii():
            return findall(doc.lower() if lowercase else doc)
        doc = _lowered(doc) if lowercase else unicodedata.normalize("NFC", doc)
        return _word_with_marks().findall(doc)

    return analyze


def make_analyzer(lowercase=True, token_pattern=DEFAULT_TOKEN_PATTERN, tokenizer=None):
    """Return a function turning one string document into a list of tokens.

    The document is normalised to Unicode NFC first, so that a letter and
    its combining accent (``"cafe\\u0301"``) and the precomposed letter
    (``"café"``) give the same token.  With the default ``token_pattern``,
    combining marks that remain after normalisation stay inside their word.

    Validates the tokenization parameters, naming the one at fault.
    """
    check_bool(lowercase, "lowercase")
    if tokenizer is not None:
        if not callable(tokenizer):
            raise TypeError(f"tokenizer must be a callable or None, got {tokenizer!r}.")
        if lowercase:
            return lambda doc: tokenizer(_lowered(doc))
        return lambda doc: tokenizer(_normalized(doc))
    if not isinstance(token_pattern, str):
        raise TypeError(f"token_pattern must be a str (a regular expression), got {token_pattern!r}.")
    try:
        pattern = re.compile(token_pattern)
    except re.error as exc:
        raise ValueError(f"token_pattern {token_pattern!r} is not a valid regular expression: {exc}") from None
    if pattern.groups > 1:
        raise ValueError(
            f"token_pattern may capture at most one group, {token_pattern!r} captures {pattern.groups}."
        )
    if token_pattern == DEFAULT_TOKEN_PATTERN:
        # Same tokens (a maximal run of word characters is bounded by \b on
        # both sides), found about 30% faster.
        analyzer = _default_analyzer(bool(lowercase))
        # Batches of ASCII strings may be split by a kernel: in ASCII, \w is [0-9A-Za-z_].
        analyzer.ascii_lowercase = bool(lowercase)
    else:
        findall = pattern.findall
        analyzer = (lambda doc: findall(_lowered(doc))) if lowercase else (lambda doc: findall(_normalized(doc)))
    # A regular expression finds strings: their type need not be checked.
    analyzer.yields_str = True
    return analyzer


def check_documents(docs):
    """Raise a TypeError unless ``docs`` is an iterable of documents (not a single string)."""
    if isinstance(docs, (str, bytes)):
        raise TypeError(
            "Expected an iterable of documents (strings or token sequences), got a single "
            f"{type(docs).__name__}; wrap it in a list."
        )
    if not isinstance(docs, Iterable):
        raise TypeError(
            f"Expected an iterable of documents (strings or token sequences), got {type(docs).__name__}."
        )


def _tokens(doc, index, analyzer):
    """Tokens of one document and whether they are known to be strings."""
    if isinstance(doc, str):
        return analyzer(doc), getattr(analyzer, "yields_str", False)
    if isinstance(doc, (bytes, bytearray)):
        raise TypeError(
            f"Document {index} is bytes; decode it to str first (e.g. doc.decode('utf-8'))."
        )
    if isinstance(doc, np.ndarray):
        doc = doc.tolist()
    elif not isinstance(doc, (list, tuple)):
        if isinstance(doc, Iterable) and not isinstance(doc, Mapping):
            doc = list(doc)
        else:
            raise TypeError(
                f"Document {index} is a {type(doc).__name__}; each document must be a string "
                "or a sequence of string tokens."
            )
    return doc, False


def _raise_bad_token(tokens, index):
    """Raise a TypeError naming the first token of document ``index`` that is not a str."""
    for position, token in enumerate(tokens):
        if not isinstance(token, str):
            raise TypeError(
                f"Document {index}, token {position} is {token!r} ({type(token).__name__}); "
                "tokens must be strings."
            )


def _check_new_words(index, n_before, tokens, doc_index):
    """Check the words just added to ``index`` (the last ones, in dict order)."""
    n_new = len(index) - n_before
    if n_new and not all(map(isinstance, islice(reversed(index), n_new), repeat(str))):
        _raise_bad_token(tokens, doc_index)
    if n_new and "" in islice(reversed(index), n_new):
        # An empty token would become a word that no vector file can hold.
        raise ValueError(
            f"Document {doc_index}, token {list(tokens).index('')} is the empty string; tokens must be "
            "non-empty. Drop empty tokens (e.g. [t for t in doc if t]) before fitting."
        )


def _document_encoder(index, grow, analyzer, ids, lengths):
    """A function encoding one document into ``ids`` (and its length into ``lengths``)."""
    extend = ids.extend
    lookup = index.__getitem__
    setdefault = index.setdefault
    next_id = index.__len__
    get = index.get

    def encode(doc, doc_index):
        tokens, checked = _tokens(doc, doc_index, analyzer)
        before = len(ids)
        try:
            if grow:
                try:
                    extend(map(lookup, tokens))
                except KeyError:
                    # A new word: redo the document, inserting unseen words with
                    # the current size of the index as their id.  Only the new
                    # words need their type checked (the index holds strings).
                    del ids[before:]
                    n_words = len(index)
                    extend(map(setdefault, tokens, iter(next_id, -1)))
                    _check_new_words(index, n_words, tokens, doc_index)
            else:
                extend(map(get, tokens, repeat(-1)))
                if not checked and not all(map(isinstance, tokens, repeat(str))):
                    _raise_bad_token(tokens, doc_index)
        except TypeError:  # an unhashable token
            _raise_bad_token(tokens, doc_index)
            raise
        lengths.append(len(ids) - before)

    return encode


def _encode_ascii_batch(batch, index, grow, lowercase, ids, lengths):
    """Encode a batch of ASCII string documents with the default token pattern (see ``_kernels.tokenize``).

    Only the distinct words of the batch go through the dict, in order of
    first occurrence, so ids and the index end as the per-document path
    leaves them.
    """
    text = "\n".join(batch)
    if lowercase:
        text = text.lower()
    starts = np.zeros(len(batch) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, batch), dtype=np.int64, count=len(batch)) + 1, out=starts[1:])
    data = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    local, counts, first_start, first_end = ascii_words(data, starts)
    words = [text[a:b] for a, b in zip(first_start.tolist(), first_end.tolist())]
    if grow:
        mapping = np.fromiter(map(index.setdefault, words, iter(index.__len__, -1)), dtype=np.int32, count=len(words))
    else:
        mapping = np.fromiter(map(index.get, words, repeat(-1)), dtype=np.int32, count=len(words))
    ids.frombytes(mapping[local].astype(np.int32).tobytes())
    lengths.frombytes(counts.astype(np.int64).tobytes())


def _encode_token_lists(batch, index, ids, lengths):
    """Encode a batch of token lists against a fixed ``index`` in one pass; False (nothing done) otherwise.

    The tokens of the whole batch are looked up as one flat sequence, which
    saves the per-document calls (about a quarter of the time on paragraphs
    of some 70 tokens).  A batch with anything but lists of strings is left
    to the per-document path, which names the document and token at fault.
    """
    if not all(type(doc) is list for doc in batch):
        return False
    flat = list(chain.from_iterable(batch))
    try:
        found = np.fromiter(map(index.get, flat, repeat(-1)), dtype=np.int32, count=len(flat))
    except TypeError:  # an unhashable token
        return False
    # A token found is equal to a word of the index, a string: only the
    # tokens not found (usually few) need their type checked.
    unknown = np.flatnonzero(found < 0).tolist()
    if not all(map(isinstance, map(flat.__getitem__, unknown), repeat(str))):
        return False
    ids.frombytes(found.tobytes())
    lengths.frombytes(np.fromiter(map(len, batch), dtype=np.int64, count=len(batch)).tobytes())
    return True


def encode_documents(docs, analyzer, index, grow, verbose, desc, logger=ROOT_LOGGER):
    """Map every token to its id in ``index``; return (ids, offsets).

    With ``grow``, unseen tokens are added to ``index`` with the next free id
    (so ids follow first occurrence); otherwise they get -1.  The per-token
    work is done by C-level dict methods driven by ``map``; batches of ASCII
    strings tokenized with the default pattern are split by a Numba kernel
    instead, and only their distinct words are looked up.
    """
    check_documents(docs)
    ids = array("i")
    lengths = array("q")
    encode = _document_encoder(index, grow, analyzer, ids, lengths)
    ascii_lowercase = getattr(analyzer, "ascii_lowercase", None)
    progress = Progress(None, desc=desc, verbose=verbose, unit="tokens", logger=logger)
    n_docs = 0
    docs = iter(docs)
    while True:
        batch = list(islice(docs, _PROGRESS_EVERY))
        if not batch:
            break
        if ascii_lowercase is not None and all(type(doc) is str and doc.isascii() for doc in batch):
            _encode_ascii_batch(batch, index, grow, ascii_lowercase, ids, lengths)
        elif grow or not _encode_token_lists(batch, index, ids, lengths):
            for i, doc in enumerate(batch):
                encode(doc, n_docs + i)
        n_docs += len(batch)
        if verbose and len(batch) == _PROGRESS_EVERY:
            progress.update(len(ids), docs=n_docs)
    if n_docs == 0:
        raise ValueError("The corpus is empty: it contains no document.")
    progress.close(len(ids), docs=n_docs)
    offsets = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum(np.frombuffer(lengths, dtype=np.int64), out=offsets[1:])
    return np.frombuffer(ids, dtype=np.int32), offsets


def check_fixed_vocabulary(vocabulary):
    """Return the words of a user-given vocabulary in row order."""
    if isinstance(vocabulary, Mapping):
        words = words_in_row_order(vocabulary)
    elif isinstance(vocabulary, (str, bytes)) or not isinstance(vocabulary, Iterable):
        raise TypeError(
            f"vocabulary must be a mapping word -> row or an iterable of words, got {type(vocabulary).__name__}."
        )
    else:
        words = list(vocabulary)
        if len(set(words)) != len(words):
            raise ValueError("vocabulary contains repeated words.")
    if not words:
        raise ValueError("vocabulary is empty.")
    for word in words:
        if not isinstance(word, str):
            raise TypeError(f"vocabulary words must be strings, got {word!r}.")
    return words


def encode_with_vocabulary(
    docs, vocabulary, *, lowercase=True, token_pattern=DEFAULT_TOKEN_PATTERN, tokenizer=None, verbose=0,
    logger=ROOT_LOGGER,
):
    """Encode ``docs`` against a fixed ``vocabulary`` (dict word -> row).

    Returns
    -------
    ids : ndarray of int32
        Token ids, words outside the vocabulary removed.
    offsets : ndarray of int64
        Document boundaries in ``ids``.
    """
    analyzer = make_analyzer(lowercase, token_pattern, tokenizer)
    ids, offsets = encode_documents(docs, analyzer, vocabulary, False, verbose, "encoding", logger)
    return drop_unknown(ids, offsets)


def encode_all_tokens(
    docs, index, *, lowercase=True, token_pattern=DEFAULT_TOKEN_PATTERN, tokenizer=None, verbose=0,
    logger=ROOT_LOGGER,
):
    """Encode every token of ``docs``, adding unseen words to ``index``.

    ``index`` (dict word -> id, ids ``0..len(index)-1``) may start filled;
    a word not in it gets the next free id, so ``list(index)`` afterwards
    gives the word of every id.  No token is dropped.

    Returns
    -------
    ids : ndarray of int32
        One id per token.
    offsets : ndarray of int64
        Document boundaries in ``ids``.
    """
    analyzer = make_analyzer(lowercase, token_pattern, tokenizer)
    return encode_documents(docs, analyzer, index, True, verbose, "encoding", logger)


def drop_unknown(ids, offsets):
    """Remove the ids -1 (words outside the vocabulary); return (ids, offsets) shifted to match."""
    known = ids >= 0
    if known.all():
        return np.ascontiguousarray(ids, dtype=np.int32), offsets
    # Shift each offset by the unknown tokens before it; the positions of the
    # unknown tokens are usually few, unlike a cumulative count per token.
    unknown_before = np.searchsorted(np.flatnonzero(~known), offsets)
    return np.ascontiguousarray(ids[known], dtype=np.int32), offsets - unknown_before


def select_vocabulary(counts, min_count, max_vocab_size, verbose=0, logger=ROOT_LOGGER):
    """Provisional ids kept, by count descending, ties by provisional id.

    Provisional ids follow first occurrence, so a stable sort by descending
    count keeps first-occurrence order among ties.  With ``verbose >= 1``,
    logs the vocabulary summary (types and tokens kept, what was dropped).
    """
    order = np.argsort(-counts, kind="stable")
    n_kept = int(np.searchsorted(-counts[order], -min_count, side="right"))
    if max_vocab_size is not None:
        n_kept = min(n_kept, max_vocab_size)
    if n_kept == 0:
        raise ValueError(
            f"No word occurs at least min_count={min_count} times (the most frequent occurs "
            f"{counts.max() if len(counts) else 0} times); lower min_count or use a larger corpus."
        )
    log_vocabulary(verbose, n_types=len(counts), n_kept_types=n_kept, n_tokens=int(counts.sum()),
                   n_kept_tokens=int(counts[order[:n_kept]].sum()), min_count=min_count,
                   max_vocab_size=max_vocab_size, logger=logger)
    return order[:n_kept]


@dataclass(frozen=True)
class VocabularyRule:
    """How the vocabulary of a corpus is chosen: a fixed list of words, or by count.

    Build it with :meth:`from_params` (the estimators have validated
    ``min_count`` and ``max_vocab_size``; a fixed vocabulary is checked here).
    """

    fixed_words: object = None
    min_count: int = 1
    max_vocab_size: object = None

    @classmethod
    def from_params(cls, vocabulary=None, min_count=1, max_vocab_size=None):
        if vocabulary is not None:
            return cls(check_fixed_vocabulary(vocabulary))
        return cls(None, min_count, max_vocab_size)

    @property
    def grows(self):
        """Whether the encoder adds the words it meets (no fixed vocabulary)."""
        return self.fixed_words is None

    def initial_index(self):
        """The encoder's index before the corpus is read: the fixed words, or nothing."""
        return {} if self.grows else vocabulary_dict(self.fixed_words)

    def choose(self, seen_words, seen_counts, verbose=0, logger=ROOT_LOGGER):
        """The vocabulary among the words met while reading.

        ``seen_words`` are in provisional-id order (first occurrence, or the
        fixed words first), ``seen_counts`` their counts; a vocabulary chosen
        by count is summarized in the log when ``verbose >= 1``.  Returns
        ``(vocabulary, remap)``: ``remap[i]`` is the row of provisional id
        ``i`` or -1, and its extra last entry is -1, so that -1 maps to -1.
        """
        seen_counts = np.asarray(seen_counts, dtype=np.int64)
        if self.grows:
            if not len(seen_words):
                raise ValueError("The corpus contains no token (all documents are empty after tokenization).")
            kept = select_vocabulary(seen_counts, self.min_count, self.max_vocab_size, verbose, logger)
            remap = np.full(len(seen_words) + 1, -1, dtype=np.int32)
            remap[kept] = np.arange(len(kept), dtype=np.int32)
            return Vocabulary([seen_words[i] for i in kept], seen_counts[kept]), remap
        index = vocabulary_dict(self.fixed_words)
        remap = np.fromiter((index.get(word, -1) for word in seen_words), dtype=np.int32, count=len(seen_words))
        remap = np.append(remap, np.int32(-1))
        counts = np.zeros(len(self.fixed_words), dtype=np.int64)
        known = remap[:-1] >= 0
        counts[remap[:-1][known]] = seen_counts[known]
        return Vocabulary(list(self.fixed_words), counts), remap


def encode_corpus(
    docs,
    *,
    lowercase=True,
    token_pattern=DEFAULT_TOKEN_PATTERN,
    tokenizer=None,
    min_count=1,
    max_vocab_size=None,
    vocabulary=None,
    verbose=0,
    keep_unused=False,
    logger=ROOT_LOGGER,
):
    """Build the vocabulary of ``docs`` and encode them in one pass.

    Parameters
    ----------
    docs : iterable of str or of sequences of str
        The corpus.
    lowercase, token_pattern, tokenizer
        Tokenization of string documents, as in ``CountVectorizer``.
    min_count : int, default=1
        Words occurring fewer times are dropped (ignored with ``vocabulary``).
    max_vocab_size : int or None
        Keep at most this many of the most frequent words.
    vocabulary : mapping or iterable of str, optional
        A fixed vocabulary (its order is the row order); words of the corpus
        outside it are dropped, words of it absent from the corpus keep a
        zero count.
    verbose : int
        Progress while reading and, when ``>= 1``, the vocabulary summary.
    keep_unused : bool, default=False
        Also return the words left out of a vocabulary chosen by count, with
        their counts (``EncodedCorpus.unused``), so that a later
        :func:`grow_vocabulary` can add them when their counts grow.
    logger : logging.Logger
        Where the progress goes: the logger of the estimator reading.

    Returns
    -------
    EncodedCorpus
    """
    analyzer = make_analyzer(lowercase, token_pattern, tokenizer)
    rule = VocabularyRule.from_params(vocabulary, min_count, max_vocab_size)
    # Provisional ids in order of first occurrence (or the fixed words' rows).
    index = rule.initial_index()
    provisional, offsets = encode_documents(docs, analyzer, index, rule.grows, verbose, "vocabulary", logger)
    n_tokens = len(provisional)
    longest = int(np.diff(offsets).max())
    if not rule.grows:
        ids, offsets = drop_unknown(provisional, offsets)
        vocabulary, _ = rule.choose(list(index), np.bincount(ids, minlength=len(index)))
        return EncodedCorpus(vocabulary.words, vocabulary.counts, ids, offsets, n_tokens, longest)
    seen_words = list(index)
    seen_counts = np.bincount(provisional, minlength=len(index))
    vocabulary, remap = rule.choose(seen_words, seen_counts, verbose, logger)
    unused = _unused_words(seen_words, seen_counts, remap) if keep_unused else None
    ids, offsets = _remap_ids(provisional, offsets, remap)
    return EncodedCorpus(vocabulary.words, vocabulary.counts, ids, offsets, n_tokens, longest, unused)


def _remap_ids(provisional, offsets, remap):
    """Apply ``remap`` to the provisional ids and drop the -1s; returns (ids, offsets)."""
    # Remap in place, a slice at a time, so no second corpus-sized array lives
    # alongside the provisional ids.
    for start in range(0, len(provisional), _REMAP_SLICE):
        part = provisional[start:start + _REMAP_SLICE]
        part[...] = remap[part]
    return drop_unknown(provisional, offsets)


def _unused_words(seen_words, seen_counts, remap):
    """The words of provisional ids mapped to -1, first occurrence first, with their counts."""
    left_out = np.flatnonzero(remap[:-1] < 0)
    return Vocabulary([seen_words[i] for i in left_out], np.asarray(seen_counts, dtype=np.int64)[left_out])


def grow_vocabulary(
    docs,
    vocabulary,
    unused,
    *,
    lowercase=True,
    token_pattern=DEFAULT_TOKEN_PATTERN,
    tokenizer=None,
    min_count=1,
    max_vocab_size=None,
    verbose=0,
    logger=ROOT_LOGGER,
):
    """Encode more documents for a vocabulary that grows, counts accumulating.

    Counts add up over everything read so far: ``vocabulary`` (the current
    words in row order, with their counts) and ``unused`` (words met before
    but left out, first occurrence first, with their counts) are continued
    by the counts of ``docs``.  A word left out (or new) whose total reaches
    ``min_count`` joins: joining words are appended after the current rows,
    by total count descending, ties by first occurrence, while the
    vocabulary holds fewer than ``max_vocab_size`` words.  Current words
    keep their rows and are never removed, whatever their counts.

    Returns
    -------
    EncodedCorpus
        ``words`` and ``counts`` are the grown vocabulary and its total
        counts; ``ids`` and ``offsets`` encode ``docs`` only; ``unused``
        holds the words still left out, with their total counts.
    """
    analyzer = make_analyzer(lowercase, token_pattern, tokenizer)
    n_old = len(vocabulary)
    index = vocabulary_dict(list(vocabulary.words) + list(unused.words))
    provisional, offsets = encode_documents(docs, analyzer, index, True, verbose, "vocabulary", logger)
    longest = int(np.diff(offsets).max())
    seen_words = list(index)
    totals = np.bincount(provisional, minlength=len(index)).astype(np.int64)
    totals[:n_old] += np.asarray(vocabulary.counts, dtype=np.int64)
    totals[n_old:n_old + len(unused)] += np.asarray(unused.counts, dtype=np.int64)
    candidates = n_old + np.flatnonzero(totals[n_old:] >= min_count)
    joining = candidates[np.argsort(-totals[candidates], kind="stable")]
    if max_vocab_size is not None:
        joining = joining[:max(max_vocab_size - n_old, 0)]
    remap = np.full(len(seen_words) + 1, -1, dtype=np.int32)
    remap[:n_old] = np.arange(n_old, dtype=np.int32)
    remap[joining] = np.arange(n_old, n_old + len(joining), dtype=np.int32)
    kept = np.concatenate([np.arange(n_old), joining])
    log_vocabulary(verbose, n_types=len(seen_words), n_kept_types=len(kept), n_tokens=int(totals.sum()),
                   n_kept_tokens=int(totals[kept].sum()), min_count=min_count, max_vocab_size=max_vocab_size,
                   logger=logger)
    words = [seen_words[i] for i in kept]
    unused = _unused_words(seen_words, totals, remap)
    n_tokens = len(provisional)
    ids, offsets = _remap_ids(provisional, offsets, remap)
    return EncodedCorpus(words, totals[kept], ids, offsets, n_tokens, longest, unused)


def encode_known(
    docs,
    vocabulary,
    unused,
    *,
    lowercase=True,
    token_pattern=DEFAULT_TOKEN_PATTERN,
    tokenizer=None,
    verbose=0,
    logger=ROOT_LOGGER,
):
    """Encode more documents for a vocabulary that stays as it is, counting nothing.

    The counterpart of :func:`grow_vocabulary` for documents read again:
    tokens of words outside ``vocabulary`` are dropped and neither
    ``vocabulary``'s nor ``unused``'s counts change.

    Returns
    -------
    EncodedCorpus
        ``words``, ``counts`` and ``unused`` are those given; ``ids`` and
        ``offsets`` encode ``docs``.
    """
    analyzer = make_analyzer(lowercase, token_pattern, tokenizer)
    provisional, offsets = encode_documents(docs, analyzer, vocabulary.index(), False, verbose, "encoding", logger)
    longest = int(np.diff(offsets).max())
    n_tokens = len(provisional)
    ids, offsets = drop_unknown(provisional, offsets)
    return EncodedCorpus(list(vocabulary.words), vocabulary.counts, ids, offsets, n_tokens, longest, unused)
