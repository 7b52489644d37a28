"""Loaders for the data shipped inside the package."""

import os
from functools import lru_cache

import numpy as np
from sklearn.utils import Bunch

from .._io import open_file
from ._readers import read_analogies

__all__ = ["load_google_analogies", "load_wiki_sample", "data_path"]

_DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")


def data_path(name):
    """Path of a file bundled in ``skvec/datasets/data``."""
    return os.path.join(_DATA_DIR, name)


@lru_cache(maxsize=1)
def _google_analogies():
    sections = read_analogies(data_path("questions-words.txt"))
    return tuple((name, tuple(questions)) for name, questions in sections.items())


def load_google_analogies():
    """Load the Google analogy test set (bundled).

    19,544 questions ``a b c d`` ("a is to b as c is to d") in 14 sections:
    five semantic ones (capitals, currencies, cities in states, family;
    8,869 questions) and nine syntactic ones whose names start with
    ``gram`` (10,675 questions). Words keep the file's case.

    The set was released with Google's word2vec tool (Mikolov, Chen, Corrado
    and Dean, "Efficient Estimation of Word Representations in Vector Space",
    2013), copyright 2013 Google Inc., under the Apache License, Version 2.0;
    the file and the licence text ship unmodified in ``skvec/datasets/data``.

    Returns
    -------
    dict of str to list of tuple
        Section name -> list of ``(a, b, c, d)`` questions, file order.
        A new dict each call.

    See Also
    --------
    read_analogies : Read another file in the same format.
    skvec.analogy_accuracy : Uses this set by default.

    Examples
    --------
    >>> from skvec.datasets import load_google_analogies
    >>> questions = load_google_analogies()
    >>> len(questions), sum(len(q) for q in questions.values())
    (14, 19544)
    >>> questions["family"][0]
    ('boy', 'girl', 'brother', 'sister')
    """
    return {name: list(questions) for name, questions in _google_analogies()}


_WIKI_DESCR = """\
Wikipedia sample
----------------

1,512 English Wikipedia articles split into their 36,966 paragraphs
(2,588,787 tokens), each paragraph labelled with its article.

**Data Set Characteristics:**

:Number of documents: 36,966 paragraphs
:Number of classes: 1,512 articles
:Tokens: 2,588,787
:Text: lowercase, ASCII-folded; every character outside [a-z0-9] is a space

Whole articles taken from the end of an early-2015 dump of the English
Wikipedia. The paragraphs make a small default corpus for training word
vectors, and their article titles a document-classification task
(paragraph -> article).

**Licence and attribution:** text by Wikipedia contributors
(https://en.wikipedia.org/), under the Creative Commons
Attribution-ShareAlike 3.0 Unported licence (CC BY-SA 3.0,
https://creativecommons.org/licenses/by-sa/3.0/). The titles identify the
source articles, whose page histories list their authors. Changes: a sample
of articles, paragraphs normalised as described above. The data, and works
derived from it, are distributed under the same licence.
"""


def load_wiki_sample(*, return_X_y=False):
    """Load the bundled Wikipedia sample: paragraphs labelled by article.

    1,512 English Wikipedia articles, 36,966 paragraphs, 2.6 million
    tokens, lowercase and ASCII-folded with every character outside
    ``[a-z0-9]`` replaced by a space. Large enough to train word vectors
    in seconds, and a classification task: which article does a paragraph
    come from?

    The text is by Wikipedia contributors, licensed under CC BY-SA 3.0
    (https://creativecommons.org/licenses/by-sa/3.0/); see the NOTICE file
    and ``DESCR``.

    Parameters
    ----------
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data``: list of str, the paragraphs, article by article, in
        order; ``target``: ndarray of int64, the article of each paragraph
        (an index into ``target_names``); ``target_names``: list of str,
        the article titles, in order of appearance; ``DESCR``: str.
    (data, target) : tuple
        When ``return_X_y`` is true.

    Examples
    --------
    >>> from skvec.datasets import load_wiki_sample
    >>> wiki = load_wiki_sample()
    >>> len(wiki.data), len(wiki.target_names)
    (36966, 1512)
    >>> wiki.target_names[wiki.target[0]]
    'Planetarium'
    """
    data, titles = [], []
    with open_file(data_path("wiki-sample.tsv.gz"), "rt", encoding="utf-8") as f:
        for line in f:
            title, _, paragraph = line.rstrip("\n").partition("\t")
            titles.append(title)
            data.append(paragraph)
    target_names, target = np.unique(titles, return_inverse=True)
    # Number the articles in order of appearance, not alphabetically.
    first_seen = np.full(len(target_names), len(titles), dtype=np.int64)
    np.minimum.at(first_seen, target, np.arange(len(titles)))
    order = np.argsort(first_seen, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    target = rank[target].astype(np.int64)
    target_names = [str(name) for name in target_names[order]]
    if return_X_y:
        return data, target
    return Bunch(data=data, target=target, target_names=target_names, DESCR=_WIKI_DESCR)
