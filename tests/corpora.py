"""Synthetic corpora, their reference encoding and random word vectors, shared by the tests.

Every corpus has a known structure (which words should end up close, which
counts are exact) and is drawn from a fixed seed, so the tests built on it are
deterministic.  Test modules import what they need with ``from corpora import
...`` (pytest puts this directory on ``sys.path``); each test picks its own
size and seed.
"""

import re
from collections import Counter

import numpy as np
import pytest
import scipy.sparse as sp

from skvec import WordVectors

ALPHABET = list("abcdefgh")

# Topics of the topic sentences; a corpus may take the first words of each.
PETS = ["cat", "dog", "pet", "fur", "paw", "tail", "bark", "purr"]
FINANCE = ["stock", "bond", "market", "price", "trade", "bank", "fund", "share"]
ROYALTY = ["king", "queen", "prince", "crown", "throne", "castle"]
FUNCTION_WORDS = ["the", "a", "of", "and", "is"]

N_TOPICS = 8
WORDS_PER_TOPIC = 15


def random_word_vectors(n=50, d=7, seed=0, *, non_ascii=("café", "naïve"), sparse=False):
    """``WordVectors`` of ``n`` standard normal float32 rows (``numpy.random.default_rng``).

    The words are ``w0, w1, ...`` followed by the ``non_ascii`` ones, which
    exercise the encoding of files.  With ``sparse``, about 60% of the
    entries are zero and the rows a CSR matrix.
    """
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(n - len(non_ascii))] + list(non_ascii)
    vectors = rng.standard_normal((n, d)).astype(np.float32)
    if sparse:
        vectors[rng.random((n, d)) < 0.6] = 0
        vectors = sp.csr_matrix(vectors)
    return WordVectors(words, vectors)


def reference_vocabulary(token_docs, min_count=1, max_vocab_size=None):
    """The vocabulary contract in plain Python: the words and their counts.

    Words seen at least ``min_count`` times, most frequent first, ties broken
    by first occurrence, at most ``max_vocab_size`` of them.
    """
    counts = Counter()
    first = {}
    for doc in token_docs:
        for token in doc:
            counts[token] += 1
            first.setdefault(token, len(first))
    words = sorted((w for w in counts if counts[w] >= min_count), key=lambda w: (-counts[w], first[w]))
    if max_vocab_size is not None:
        words = words[:max_vocab_size]
    return words, [counts[w] for w in words]


def reference_encoding(token_docs, min_count=1, max_vocab_size=None):
    """The encoding contract in plain Python: words, their counts, and each document's word ids."""
    words, counts = reference_vocabulary(token_docs, min_count, max_vocab_size)
    index = {w: i for i, w in enumerate(words)}
    return words, counts, [[index[t] for t in doc if t in index] for doc in token_docs]


def random_documents(n_docs, vocabulary, length, *, zipf=True, n_topics=None, seed=0, as_tokens=True):
    """Documents of independent random words (``numpy.random.RandomState(seed)``).

    ``vocabulary`` is a list of words or a number ``n`` of words ``w0 .. w{n-1}``.
    Word ``i`` is drawn with probability proportional to ``1 / (i + 1)`` (Zipf:
    a few dense rows and many sparse ones in a co-occurrence matrix) or, with
    ``zipf=False``, uniformly.  With ``n_topics``, each word belongs to a random
    topic and each document prefers one topic's words eight-fold.  ``length``
    is a number of words, or a ``(low, high)`` range for ``randint``.
    """
    rng = np.random.RandomState(seed)
    words = np.array([f"w{i}" for i in range(vocabulary)] if np.isscalar(vocabulary) else vocabulary)
    zipf_weights = 1.0 / np.arange(1, len(words) + 1) if zipf else None
    topic_of = rng.randint(n_topics, size=len(words)) if n_topics else None
    docs = []
    for _ in range(n_docs):
        p = zipf_weights
        if topic_of is not None:
            p = zipf_weights * np.where(topic_of == rng.randint(n_topics), 8.0, 1.0)
        size = length if np.isscalar(length) else rng.randint(*length)
        doc = rng.choice(words, size=size, p=None if p is None else p / p.sum()).tolist()
        docs.append(doc if as_tokens else " ".join(doc))
    return docs


def topic_sentences(topics, function_words, n_docs, n_topic_words, n_function_words, seed=0):
    """Sentences of one topic's words mixed with function words, and their topics.

    Document ``i`` is about topic ``i % len(topics)``: ``n_topic_words`` words
    of that topic and ``n_function_words`` function words, shuffled
    (``numpy.random.RandomState(seed)``).  Words of a topic are each other's
    neighbours; the topic is a label a classifier can learn.
    """
    rng = np.random.RandomState(seed)
    docs, labels = [], []
    for i in range(n_docs):
        topic = i % len(topics)
        words = rng.choice(topics[topic], size=n_topic_words).tolist()
        words += rng.choice(function_words, size=n_function_words).tolist()
        rng.shuffle(words)
        docs.append(" ".join(words))
        labels.append(topic)
    return docs, np.array(labels)


def topic_documents(n_docs=1500, doc_length=25, seed=0, *, n_topics=N_TOPICS, words_per_topic=WORDS_PER_TOPIC,
                    frequent_word=None):
    """Token documents each drawn from one topic's words only (``numpy.random.default_rng``).

    Words are ``t{topic}w{i}``: ``n_topics`` topics of ``words_per_topic``
    words; a word's nearest neighbours must share its topic.  ``doc_length``
    is a number of words or a ``(low, high)`` range.  A ``frequent_word``
    replaces about a third of each document's positions, so that
    down-sampling has a word to act on.
    """
    rng = np.random.default_rng(seed)
    topics = [[f"t{t}w{i}" for i in range(words_per_topic)] for t in range(n_topics)]
    docs = []
    for _ in range(n_docs):
        topic = topics[rng.integers(n_topics)]
        size = doc_length if np.isscalar(doc_length) else int(rng.integers(*doc_length))
        words = list(rng.choice(topic, size=size))
        if frequent_word is not None:
            for position in rng.integers(0, len(words), size=len(words) // 3):
                words[position] = frequent_word
        docs.append(words)
    return docs


def topic_of_word(word):
    """The topic ``t{topic}`` of a word of ``topic_documents``."""
    return word.split("w")[0]


GENDER_PAIRS = [("man", "woman"), ("king", "queen"), ("boy", "girl"), ("father", "mother"), ("son", "daughter")]


def gender_pair_sentences(n_docs=300, seed=0):
    """Sentences built from pairs (man/woman, king/queen, ...) and shared frames.

    Each pair member co-occurs with its pair's topic word and with a gender
    word, so a : b :: c : d analogies across pairs are answerable in principle
    (``numpy.random.RandomState(seed)``).
    """
    rng = np.random.RandomState(seed)
    topics = ["adult", "royal", "young", "parent", "child"]
    genders = ["he", "she"]
    fillers = ["the", "a", "is", "was", "and", "of", "with", "there"]
    docs = []
    for _ in range(n_docs):
        p = rng.randint(len(GENDER_PAIRS))
        g = rng.randint(2)
        words = [GENDER_PAIRS[p][g], topics[p], genders[g], topics[p], GENDER_PAIRS[p][g], genders[g]]
        words += list(rng.choice(fillers, size=4))
        rng.shuffle(words)
        docs.append(" ".join(words))
    return docs


MALE = ["king", "man", "boy", "prince", "uncle", "father"]
FEMALE = ["queen", "woman", "girl", "princess", "aunt", "mother"]
SINGULAR = ["car", "dog", "house", "tree", "book"]
PLURAL = ["cars", "dogs", "houses", "trees", "books"]


def gender_number_sentences(n_docs=300, seed=0):
    """Pairs of template sentences where gender and number are carried by context words.

    Each draw (``numpy.random.default_rng(seed)``) gives a male sentence with a
    singular noun and a female one with the matching plural, so ``2 * n_docs``
    documents; ``MALE[i] : FEMALE[i]`` and ``SINGULAR[j] : PLURAL[j]`` are the
    planted analogies.
    """
    rng = np.random.default_rng(seed)
    pairs = list(zip(MALE, FEMALE))
    nouns = list(zip(SINGULAR, PLURAL))
    docs = []
    for _ in range(n_docs):
        male, female = pairs[rng.integers(len(pairs))]
        single, many = nouns[rng.integers(len(nouns))]
        docs.append(f"the {male} said he saw one {single} while his {single} slept")
        docs.append(f"the {female} said she saw two {many} while her {many} slept")
    return docs


N_PAIRS = 8
RELATIONS = {
    # relation: (contexts of the left word, contexts of the right word, left word, right word)
    "capital": (["nation", "border", "army", "flag"], ["city", "mayor", "streets", "harbour"], "country{}", "capital{}"),
    "gender": (["he", "his", "him", "sir"], ["she", "her", "hers", "madam"], "male{}", "female{}"),
}


def planted_analogies(n_docs=1500, seed=0):
    """Short documents with planted analogies (``numpy.random.default_rng(seed)``).

    Pair ``i`` of a relation (``country3`` / ``capital3``) shares topic words
    (``capitaltopic3a``...) between its two words, while the side of the pair
    decides the role words around it (``nation``, ``army`` vs ``city``,
    ``mayor``).  So ``capital_i - country_i + country_j`` lands near
    ``capital_j``, and a word's nearest neighbours are its topic words and its
    partner.  ``planted_questions()`` lists the analogies.
    """
    rng = np.random.default_rng(seed)
    filler = [f"filler{i}" for i in range(30)]
    names = list(RELATIONS)
    docs = []
    for _ in range(n_docs):
        name = names[rng.integers(len(names))]
        left_roles, right_roles, left, right = RELATIONS[name]
        pair = rng.integers(N_PAIRS)
        side = rng.integers(2)
        word = (left if side == 0 else right).format(pair)
        roles = left_roles if side == 0 else right_roles
        topic = [f"{name}topic{pair}{c}" for c in "abc"]
        tokens = [word, *rng.choice(roles, 2), *rng.choice(topic, 2), *rng.choice(filler, 2)]
        rng.shuffle(tokens)
        docs.append(" ".join(tokens))
    return docs


def planted_questions():
    """The analogy questions of ``planted_analogies``, one section per relation."""
    return {
        name: [
            (left.format(i), right.format(i), left.format(j), right.format(j))
            for i in range(N_PAIRS)
            for j in range(N_PAIRS)
            if i != j
        ]
        for name, (_, _, left, right) in RELATIONS.items()
    }


def with_new_words(docs, seed=1):
    """Copies of ``docs`` in which documents of topic t0 have one word replaced by ``newa`` or ``newb``."""
    rng = np.random.default_rng(seed)
    out = []
    for doc in docs:
        doc = list(doc)
        if topic_of_word(doc[0]) == "t0":
            doc[int(rng.integers(len(doc)))] = "newa" if rng.random() < 0.6 else "newb"
        out.append(doc)
    return out


# -- words that share n-grams, or none ------------------------------------------------------

STEMS = ["walk", "talk", "jump", "play", "cook", "paint", "read", "sing", "dance", "climb"]
SUFFIXES = ["", "s", "ed", "ing", "er"]


def morphology_corpus(n_docs=400, seed=0):
    """Two topics of inflected verbs; every word of a document comes from one topic."""
    rng = np.random.default_rng(seed)
    docs = []
    for d in range(n_docs):
        stems = STEMS[:5] if d % 2 == 0 else STEMS[5:]
        docs.append([stems[s] + SUFFIXES[x] for s, x in zip(rng.integers(0, 5, 15), rng.integers(0, 5, 15))])
    return docs


def disjoint_ngram_corpus(n_docs=120, seed=0):
    """Documents that are permutations of 24 three-character words sharing no character.

    Every n-gram of ``<word>`` (3 characters or more) holds a character of
    that word only, so no two words share an n-gram, and no word repeats
    within a document.
    """
    chars = [chr(0x4E00 + k) for k in range(72)]
    words = ["".join(chars[3 * j: 3 * j + 3]) for j in range(24)]
    rng = np.random.default_rng(seed)
    return [[words[k] for k in rng.permutation(24)] for _ in range(n_docs)], words


# -- bad input: what the bad-input cases of every estimator share ----------------------------

CAT_DOG_DOCS = ["the cat sat on the mat", "the dog sat on the log", "a cat and a dog"] * 4


class UnreadableCorpus:
    """A corpus that fails when read: parameter errors must come first."""

    def __iter__(self):
        raise AssertionError("the corpus was read before the parameters were validated")

    def __len__(self):
        return 3

    def __getitem__(self, index):
        raise AssertionError("the corpus was read before the parameters were validated")


def raises(exception, *fragments):
    """``pytest.raises`` whose message must contain every fragment (literally)."""
    pattern = "".join(f"(?=.*{re.escape(fragment)})" for fragment in fragments)
    return pytest.raises(exception, match=re.compile(pattern, re.DOTALL))


def count_matrix(n_words=12, seed=0, dtype=np.float32):
    """A symmetric CSR matrix of Poisson(2) counts, ``n_words`` square (``numpy.random.default_rng``)."""
    rng = np.random.default_rng(seed)
    dense = rng.poisson(2.0, size=(n_words, n_words)).astype(dtype)
    dense = dense + dense.T
    return sp.csr_matrix(dense)
