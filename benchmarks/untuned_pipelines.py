"""Untuned document pipelines with a default LogisticRegression, against the same pipelines with scaling.

Task: paragraph -> article on the 10 articles of the bundled sample with the
most paragraphs (1,746 paragraphs), 3-fold stratified cross-validated
accuracy.  Each document transformer is followed by a default
``LogisticRegression()``, with and without a ``StandardScaler`` in between
(the tuned pipeline), so the table shows whether the transformer's defaults
suit the classifier's.  ``EmbeddingVectorizer(..., standardize=False)`` is
the vectorizer as it was before ``standardize`` existed (l2 rows only).

Run::

    flock /tmp/skvec-cpu.lock python benchmarks/untuned_pipelines.py
"""

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skvec import Doc2VecEmbedder, EmbeddingVectorizer, Word2VecEmbedder
from skvec.datasets import load_wiki_sample

TRANSFORMERS = {
    "EmbeddingVectorizer(Word2VecEmbedder(), standardize=False)":
        lambda: EmbeddingVectorizer(Word2VecEmbedder(random_state=0), standardize=False),
    "EmbeddingVectorizer(Word2VecEmbedder())": lambda: EmbeddingVectorizer(Word2VecEmbedder(random_state=0)),
    "Doc2VecEmbedder()": lambda: Doc2VecEmbedder(random_state=0),
    "Doc2VecEmbedder(architecture='dm')": lambda: Doc2VecEmbedder(architecture="dm", random_state=0),
    "TfidfVectorizer()": TfidfVectorizer,
}


def main():
    data = load_wiki_sample()
    largest = np.argsort(-np.bincount(data.target), kind="stable")[:10]
    keep = np.flatnonzero(np.isin(data.target, largest))
    X, y = [data.data[i] for i in keep], np.asarray(data.target)[keep]
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    print(f"{len(X)} paragraphs of the 10 largest articles; 3-fold accuracy")
    print(f"{'transformer':<60} {'untuned':>8} {'scaled':>8}")
    for name, make in TRANSFORMERS.items():
        scores = []
        for scaled in (False, True):
            steps = [make(), StandardScaler(with_mean=name != "TfidfVectorizer()")] if scaled else [make()]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                scores.append(cross_val_score(make_pipeline(*steps, LogisticRegression()), X, y, cv=cv).mean())
        print(f"{name:<60} {scores[0]:8.3f} {scores[1]:8.3f}", flush=True)


if __name__ == "__main__":
    main()
