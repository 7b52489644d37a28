"""Model selection helpers for intrinsic evaluation."""

import numpy as np
from sklearn.model_selection import BaseCrossValidator

__all__ = ["WholeCorpusSplit"]


def _n_documents(X):
    """Number of documents of a corpus: its first dimension, or its length."""
    shape = getattr(X, "shape", None)
    if shape is not None and len(shape) > 0:
        return int(shape[0])
    try:
        return len(X)
    except TypeError:
        raise TypeError(
            f"Expected a corpus with a length (a list, an array, a LineCorpus), got {type(X).__name__}."
        ) from None


class WholeCorpusSplit(BaseCrossValidator):
    """A single "split" whose training and test sets are both the whole corpus.

    Word vectors are scored intrinsically (analogies, word similarity), not
    on held-out documents: every candidate of a grid search should be
    trained on the whole corpus and then scored. Pass this as ``cv`` to
    :class:`~sklearn.model_selection.GridSearchCV` together with
    :func:`~skvec.make_analogy_scorer`. Each candidate is then fitted once
    (plus the final refit, which ``refit=False`` avoids).

    Examples
    --------
    >>> from skvec import WholeCorpusSplit
    >>> docs = ["a b c", "b c d", "c d e"]
    >>> [(train.tolist(), test.tolist()) for train, test in WholeCorpusSplit().split(docs)]
    [([0, 1, 2], [0, 1, 2])]
    >>> WholeCorpusSplit().get_n_splits()
    1
    """

    def get_n_splits(self, X=None, y=None, groups=None):
        """Return 1: there is one split."""
        return 1

    def split(self, X, y=None, groups=None):
        """Yield ``(train, test)`` once, both ``arange(n_documents)``.

        Parameters
        ----------
        X : sequence of documents
            Anything with a length (a list, an array, a ``LineCorpus``).
        y, groups : ignored

        Yields
        ------
        train, test : ndarray of int64
        """
        indices = np.arange(_n_documents(X))
        yield indices, indices.copy()

    def _iter_test_indices(self, X=None, y=None, groups=None):
        yield np.arange(_n_documents(X))
