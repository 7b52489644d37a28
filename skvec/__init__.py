"""skvec: word embeddings as scikit-learn estimators.

Count-based (co-occurrence, SPPMI, SVD), GloVe, word2vec and fastText models
share one vocabulary, one corpus encoding, one vector type and one evaluation,
so any of them drops into a :class:`~sklearn.pipeline.Pipeline`, a
:class:`~sklearn.model_selection.GridSearchCV` and a text classifier.

Public names are imported lazily, so ``import skvec`` stays cheap and the Numba
kernels of a method load only when that method is used.
"""

import importlib

__version__ = "0.1.0.dev0"

# public name -> module that defines it
_PUBLIC = {
    "CooccurrenceVectorizer": "skvec.cooccurrence",
    "SPPMITransformer": "skvec.sppmi",
    "SVDEmbedder": "skvec.svd",
    "GloVeEmbedder": "skvec.glove",
    "Word2VecEmbedder": "skvec.word2vec",
    "FastTextEmbedder": "skvec.fasttext",
    "EmbeddingVectorizer": "skvec.document",
    "PhraseDetector": "skvec.phrases",
    "WordVectors": "skvec.vectors",
    "SubwordVectors": "skvec.subwords",
    "get_word_vectors": "skvec.vectors",
    "analogy_accuracy": "skvec.metrics",
    "word_similarity": "skvec.metrics",
    "make_analogy_scorer": "skvec.metrics",
    "WholeCorpusSplit": "skvec.model_selection",
    "load_vectors": "skvec.vectors",
    "Doc2VecEmbedder": "skvec.doc2vec",
    "FastTextClassifier": "skvec.classifier",
}

__all__ = sorted(_PUBLIC) + ["datasets"]


def __getattr__(name):
    if name in _PUBLIC:
        value = getattr(importlib.import_module(_PUBLIC[name]), name)
        globals()[name] = value
        return value
    if name == "datasets":
        return importlib.import_module("skvec.datasets")
    raise AttributeError(f"module 'skvec' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
