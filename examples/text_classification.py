"""Text classification with document vectors: which article is a paragraph from?

On the bundled Wikipedia sample, take the paragraphs of the 20 largest
articles, hold out a quarter of them (stratified), and compare three
classifiers by macro-F1 on the held-out paragraphs:

1. ``EmbeddingVectorizer`` (paragraph = tf-idf-weighted mean of its word
   vectors) + ``LogisticRegression``;
2. a ``TfidfVectorizer`` + ``LogisticRegression`` baseline;
3. both feature sets side by side (``FeatureUnion``) + ``LogisticRegression``,
   the weight of the document vectors against the tf-idf block chosen by
   3-fold cross-validation on the training paragraphs;
4. ``Doc2VecEmbedder`` (Paragraph Vector, PV-DBOW; each paragraph's vector
   inferred by ``transform``) + ``LogisticRegression``;
5. ``FeatureUnion(tf-idf, Doc2VecEmbedder)`` + ``LogisticRegression``, the
   weight chosen as in 3.

Then it compares subword and plain word vectors where words unseen in
training matter: ``EmbeddingVectorizer(FastTextEmbedder())`` against
``EmbeddingVectorizer(Word2VecEmbedder())`` (same settings), each word model
trained by the vectorizer on the training paragraphs only, so many words of
the held-out paragraphs are outside its vocabulary: word2vec ignores them,
fastText builds their vectors from character n-grams.  The window and the
number of epochs shared by both are word2vec's best by 3-fold
cross-validation on the training paragraphs (``--select-settings`` runs
that search again; it takes several minutes).  With a short window and few
epochs fastText loses: its n-gram rows need more training than word rows on
so little text.

The word vectors (and the Paragraph Vector model) are learned without labels
from every paragraph of the sample except the held-out ones (1,500 articles: far more text than the
labelled paragraphs alone), then used as they are (``prefit=True``; wrapped
in ``FrozenEstimator`` so that the cross-validation's clones stay fitted).

Run::

    python examples/text_classification.py                       # SPPMI-SVD word vectors
    python examples/text_classification.py --method word2vec
    python examples/text_classification.py --n-docs 6000         # a quick try on a part of the sample
    python examples/text_classification.py --skip-subwords       # without the fastText comparison
    python examples/text_classification.py --select-settings     # search word2vec's window and epochs again
"""

import argparse
import os
import time

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.frozen import FrozenEstimator
from sklearn.model_selection import GridSearchCV, StratifiedKFold, train_test_split
from sklearn.pipeline import FeatureUnion, make_pipeline

from skvec import (
    CooccurrenceVectorizer,
    Doc2VecEmbedder,
    EmbeddingVectorizer,
    FastTextEmbedder,
    SPPMITransformer,
    SVDEmbedder,
    Word2VecEmbedder,
)
from skvec.datasets import load_wiki_sample


def word_model(method):
    if method == "word2vec":
        return Word2VecEmbedder(n_components=100, window=5, min_count=5, epochs=5, random_state=0)
    return make_pipeline(
        CooccurrenceVectorizer(window=5, min_count=5),
        SPPMITransformer(shift=1),
        SVDEmbedder(n_components=100, random_state=0),
    )


# Word2vec's best window and epochs on the training paragraphs (3-fold
# cross-validation over windows 5, 10, 15, 20 and 10 or 20 epochs; see
# select_settings), used by both word models of the comparison.
SELECTED = dict(window=20, epochs=20)


def trained_on_training_paragraphs(subwords, window=SELECTED["window"], epochs=SELECTED["epochs"], random_state=0,
                                   n_jobs=None):
    """A word model for the vectorizer to train on the training paragraphs (same settings both ways)."""
    settings = dict(n_components=100, window=window, min_count=3, epochs=epochs, alpha=0.05,
                    random_state=random_state, n_jobs=n_jobs)
    if subwords:
        # Far fewer distinct n-grams than 200,000 occur in a few thousand paragraphs.
        return FastTextEmbedder(min_n=3, max_n=6, bucket=200_000, **settings)
    return Word2VecEmbedder(**settings)


def select_settings(X_train, y_train):
    """Word2vec's window and epochs by 3-fold cross-validation on the training paragraphs."""
    # One thread per word model (bit-reproducible), the folds in parallel.
    model = classifier(EmbeddingVectorizer(trained_on_training_paragraphs(False, n_jobs=1), pooling="mean",
                                           standardize=False))
    grid = {"embeddingvectorizer__embedder__window": [5, 10, 15, 20],
            "embeddingvectorizer__embedder__epochs": [10, 20]}
    search = GridSearchCV(model, grid, cv=StratifiedKFold(3, shuffle=True, random_state=0), scoring="f1_macro",
                          n_jobs=-1)
    search.fit(X_train, y_train)
    print("\nword2vec on the training paragraphs, 3-fold cross-validated macro-F1:")
    results = search.cv_results_
    prefix = "param_embeddingvectorizer__embedder__"
    rows = zip(results["rank_test_score"], results[prefix + "window"], results[prefix + "epochs"],
               results["mean_test_score"])
    for _, window, epochs, score in sorted(rows):
        print(f"  window {window:>2}, epochs {epochs:>2}: {score:.4f}")
    best = search.best_params_
    return dict(window=best["embeddingvectorizer__embedder__window"],
                epochs=best["embeddingvectorizer__embedder__epochs"])


def compare_subwords(X_train, y_train, X_test, y_test, settings=SELECTED, seeds=(0, 1, 2)):
    """Mean macro-F1 of fastText and word2vec document vectors over seeds, word models fitted on X_train.

    One run differs from the next by about 0.005 (initial vectors, Hogwild
    threads), as much as the two models differ, so each is trained with
    several seeds.
    """
    scores = {}
    print(f"\nword models trained on the {len(X_train)} training paragraphs only "
          f"(window {settings['window']}, {settings['epochs']} epochs; mean over random_state {seeds}):")
    for name, subwords in (("Word2VecEmbedder", False), ("FastTextEmbedder", True)):
        start = time.perf_counter()
        runs = []
        for seed in seeds:
            embedder = trained_on_training_paragraphs(subwords, **settings, random_state=seed)
            model = classifier(EmbeddingVectorizer(embedder, pooling="mean", standardize=False))
            model.fit(X_train, y_train)
            runs.append(f1_score(y_test, model.predict(X_test), average="macro"))
        label = f"EmbeddingVectorizer({name}) + LogisticRegression"
        scores[label] = float(np.mean(runs))
        print(f"{label:<54} {scores[label]:9.4f} {time.perf_counter() - start:6.1f}s")
        print(f"{'':<6}each seed: {', '.join(f'{run:.4f}' for run in runs)}")
    return scores


# -- fastText's supervised classifier -----------------------------------------------------------


def fasttext_classifiers(X_train, y_train, X_test, y_test, words):
    """FastTextClassifier on the same split: word rows from random, then from the unsupervised vectors.

    The classifier learns its own word rows from the labelled paragraphs;
    ``init_vectors`` starts them from the word vectors learned on all the
    unlabelled text instead (their dimension, 100, is the classifier's).
    """
    from skvec import FastTextClassifier

    print(f"\n{'fastText classifier (softmax, 25 epochs)':<54} {'macro-F1':>9} {'time':>7}")
    scores = {}
    for name, init in (("FastTextClassifier", None), ("FastTextClassifier(init_vectors=word vectors)", words)):
        start = time.perf_counter()
        model = FastTextClassifier(n_components=100, alpha=0.5, epochs=25, init_vectors=init, random_state=0)
        model.fit(X_train, y_train)
        scores[name] = f1_score(y_test, model.predict(X_test), average="macro")
        print(f"{name:<54} {scores[name]:9.4f} {time.perf_counter() - start:6.1f}s")
    return scores


def classifier(features):
    # saga: the same solution as the default lbfgs here, several times faster on tf-idf features.
    return make_pipeline(features, LogisticRegression(C=10.0, solver="saga", max_iter=5000))


def main(n_docs=None, method="sppmi-svd", n_articles=20, subwords=True, select=False):
    wiki = load_wiki_sample()
    paragraphs = wiki.data[:n_docs]
    articles = np.asarray(wiki.target[: len(paragraphs)])

    # The n_articles articles with the most paragraphs.
    sizes = np.bincount(articles)
    largest = np.argsort(-sizes, kind="stable")[:n_articles]
    labelled = np.flatnonzero(np.isin(articles, largest))
    train, test = train_test_split(labelled, test_size=0.25, stratify=articles[labelled], random_state=0)
    X_train = [paragraphs[i] for i in train]
    X_test = [paragraphs[i] for i in test]
    y_train, y_test = articles[train], articles[test]
    print(
        f"{len(largest)} articles, {len(train)} training and {len(test)} held-out paragraphs "
        f"(of {len(paragraphs)} in the sample)"
    )

    # Unsupervised word vectors from everything but the held-out paragraphs.
    held_out = np.zeros(len(paragraphs), dtype=bool)
    held_out[test] = True
    unlabelled = [p for p, skip in zip(paragraphs, held_out) if not skip]
    start = time.perf_counter()
    words = word_model(method).fit(unlabelled)
    print(f"{method} word vectors from {len(unlabelled)} paragraphs in {time.perf_counter() - start:.1f} s")

    start = time.perf_counter()
    paragraph_vectors = Doc2VecEmbedder(n_components=100, epochs=20, random_state=0).fit(unlabelled)
    print(f"Paragraph Vector (PV-DBOW) from {len(unlabelled)} paragraphs in {time.perf_counter() - start:.1f} s")

    def embedding():
        # Unit-length rows, as the tf-idf block's: the union's weight scales the document vectors.
        return EmbeddingVectorizer(FrozenEstimator(words), pooling="tfidf", prefit=True, standardize=False)

    def doc2vec():
        # Frozen: fitting the pipeline infers the training paragraphs' vectors, it does not retrain.
        return FrozenEstimator(paragraph_vectors)

    def tfidf():
        return TfidfVectorizer(sublinear_tf=True)

    weights = [{"tfidf": 1.0, "embedding": w} for w in (0.1, 0.2, 0.3, 0.5, 1.0)]
    # Paragraph vectors are not normalized (entries of about 0.1 to 1): smaller weights.
    doc2vec_weights = [{"tfidf": 1.0, "embedding": w} for w in (0.01, 0.02, 0.05, 0.1, 0.2)]

    def union(features, grid):
        model = classifier(FeatureUnion([("tfidf", tfidf()), ("embedding", features)]))
        return GridSearchCV(model, {"featureunion__transformer_weights": grid}, cv=3, scoring="f1_macro")

    models = {
        "EmbeddingVectorizer + LogisticRegression": classifier(embedding()),
        "TfidfVectorizer + LogisticRegression": classifier(tfidf()),
        "FeatureUnion(tf-idf, embedding) + LogisticRegression": union(embedding(), weights),
        "Doc2VecEmbedder + LogisticRegression": make_pipeline(doc2vec(), LogisticRegression(max_iter=1000)),
        "FeatureUnion(tf-idf, Doc2VecEmbedder) + LogisticRegression": union(doc2vec(), doc2vec_weights),
    }
    scores = {}
    print(f"\n{'model':<58} {'macro-F1':>9} {'time':>7}")
    for name, model in models.items():
        start = time.perf_counter()
        model.fit(X_train, y_train)
        scores[name] = f1_score(y_test, model.predict(X_test), average="macro")
        print(f"{name:<58} {scores[name]:9.4f} {time.perf_counter() - start:6.1f}s")
    for name in ("FeatureUnion(tf-idf, embedding) + LogisticRegression",
                 "FeatureUnion(tf-idf, Doc2VecEmbedder) + LogisticRegression"):
        weight = models[name].best_params_["featureunion__transformer_weights"]["embedding"]
        print(f"weight of the document vectors in {name.split(' +')[0]}, chosen by cross-validation: {weight}")
    scores.update(fasttext_classifiers(X_train, y_train, X_test, y_test, words))
    if subwords:
        settings = select_settings(X_train, y_train) if select else SELECTED
        scores.update(compare_subwords(X_train, y_train, X_test, y_test, settings))
    return scores


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--n-docs",
        type=int,
        default=int(os.environ.get("SKVEC_EXAMPLE_DOCS", 0)) or None,
        help="use only the first N paragraphs of the sample (default: all, or $SKVEC_EXAMPLE_DOCS)",
    )
    parser.add_argument("--method", choices=("sppmi-svd", "word2vec"), default="sppmi-svd")
    parser.add_argument("--n-articles", type=int, default=20, help="classify among the N largest articles")
    parser.add_argument("--skip-subwords", action="store_true", help="leave out the fastText / word2vec comparison")
    parser.add_argument("--select-settings", action="store_true",
                        help="choose the comparison's window and epochs by cross-validation first (minutes)")
    args = parser.parse_args()
    main(args.n_docs, args.method, args.n_articles, not args.skip_subwords, args.select_settings)
