"""Datasets: bundled evaluation and training data, readers, and a file-backed corpus.

- :func:`load_google_analogies`: the Google analogy test set (Apache-2.0).
- :func:`load_wiki_sample`: 36,966 Wikipedia paragraphs labelled by article
  (CC BY-SA 3.0, Wikipedia contributors).
- :func:`read_analogies`, :func:`read_word_pairs`: readers for evaluation files.
- :class:`LineCorpus`: a corpus read lazily from a text file, one document a
  line, indexable for scikit-learn's model selection.
"""

from ._bundled import load_google_analogies, load_wiki_sample
from ._line_corpus import LineCorpus
from ._readers import read_analogies, read_word_pairs

__all__ = [
    "LineCorpus",
    "load_google_analogies",
    "load_wiki_sample",
    "read_analogies",
    "read_word_pairs",
]
