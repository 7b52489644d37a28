"""Continued training: general word vectors trained further on a domain's text.

The task is the text classification example's: which of the 20 largest
articles of the bundled Wikipedia sample is a paragraph from?  A quarter of
their paragraphs are held out (stratified); the others are the domain's
text.  Documents are paragraphs turned into the mean of their word vectors
(``EmbeddingVectorizer``), classified by ``LogisticRegression``, scored by
macro-F1 on the held-out paragraphs.  Four sources of word vectors:

1. general: ``Word2VecEmbedder`` fitted on the general corpus alone -- by
   default the paragraphs of the sample's other 1,492 articles, with
   ``--general PATH`` any text file of one document a line (for instance
   ``wiki17m.txt.gz``);
2. domain only: fitted on the domain's training paragraphs alone;
3. init_vectors: fitted on the domain's text, each word starting from its
   general vector (``init_vectors=general``, as fastText's
   ``-pretrainedVectors``): the vocabulary is the domain's;
4. partial_fit: the general model itself trained further on the domain's
   text (``partial_fit``, gensim's ``build_vocab(update=True)`` + ``train``):
   it keeps the general vocabulary and adds the domain's new words.

Models 2 to 4 use the same settings on the domain's text (window 20, 20
epochs, the text classification example's word2vec selection) and are
trained with three seeds; the mean macro-F1 is reported with each seed's.
A fifth row, "init_vectors, alpha / 4", is model 3 with a quarter of the
learning rate, which moves the general vectors less.

``--train-fraction`` keeps a stratified part of the training paragraphs
(for the domain's word vectors and the classifier alike; the held-out
paragraphs stay), to see how the sources compare when the domain has
little text; several values give one table each, the general model trained
once.

Run::

    python examples/continued_training.py
    python examples/continued_training.py --general ../shared/data/wiki17m.txt.gz
    python examples/continued_training.py --n-docs 8000      # a quick try on a part of the sample
    python examples/continued_training.py --train-fraction 0.1 0.3 1
"""

import argparse
import copy
import gzip
import os
import time

import numpy as np
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

from skvec import EmbeddingVectorizer, Word2VecEmbedder
from skvec.datasets import load_wiki_sample

GENERAL = dict(n_components=100, window=5, min_count=5, epochs=5)
# The domain's settings (the text classification example's word2vec selection).
DOMAIN = dict(window=20, epochs=20, alpha=0.05)


def read_general(path):
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return f.read().splitlines()


def macro_f1(words, X_train, y_train, X_test, y_test):
    """Held-out macro-F1 of mean word vectors + logistic regression."""
    features = EmbeddingVectorizer(FrozenEstimator(words), pooling="mean", prefit=True)
    model = make_pipeline(features, LogisticRegression(C=10.0, max_iter=5000)).fit(X_train, y_train)
    return f1_score(y_test, model.predict(X_test), average="macro")


def split_task(n_docs=None, n_articles=20):
    """Domain training paragraphs, held-out paragraphs, and the rest of the sample (the general text)."""
    wiki = load_wiki_sample()
    paragraphs = wiki.data[:n_docs]
    articles = np.asarray(wiki.target[: len(paragraphs)])
    largest = np.argsort(-np.bincount(articles), kind="stable")[:n_articles]
    labelled = np.isin(articles, largest)
    train, test = train_test_split(np.flatnonzero(labelled), test_size=0.25, stratify=articles[labelled],
                                   random_state=0)
    rest = [p for p, inside in zip(paragraphs, labelled) if not inside]
    return ([paragraphs[i] for i in train], articles[train], [paragraphs[i] for i in test], articles[test], rest)


def main(n_docs=None, general_path=None, seeds=(0, 1, 2), n_jobs=None, n_articles=20, train_fractions=(1.0,)):
    X_train, y_train, X_test, y_test, rest = split_task(n_docs, n_articles)
    general_docs = read_general(general_path) if general_path else rest
    source = os.path.basename(general_path) if general_path else "the sample's other articles"
    print(f"domain: {len(X_train)} training and {len(X_test)} held-out paragraphs of {n_articles} articles; "
          f"general text: {len(general_docs)} documents of {source}")

    start = time.perf_counter()
    general = Word2VecEmbedder(**GENERAL, random_state=0, n_jobs=n_jobs).fit(general_docs)
    print(f"general model: {len(general.vocabulary_)} words, {time.perf_counter() - start:.0f} s")
    scores = {}
    for fraction in train_fractions:
        if fraction < 1:
            kept, _ = train_test_split(np.arange(len(X_train)), train_size=fraction, stratify=y_train,
                                       random_state=0)
            part = ([X_train[i] for i in np.sort(kept)], y_train[np.sort(kept)])
            print(f"\n{len(part[0])} training paragraphs ({fraction:g} of them)")
        else:
            part = (X_train, y_train)
        scores[fraction] = compare(general, part, (X_test, y_test), seeds, n_jobs)
    return scores[train_fractions[0]] if len(train_fractions) == 1 else scores


def compare(general, train, test, seeds, n_jobs):
    """The table of the word-vector sources on one training set; returns the mean macro-F1 of each."""
    X_train, y_train = train
    X_test, y_test = test

    def domain_only(seed):
        return Word2VecEmbedder(**GENERAL, random_state=seed, n_jobs=n_jobs).set_params(**DOMAIN).fit(X_train)

    def with_init_vectors(seed):
        model = Word2VecEmbedder(**GENERAL, init_vectors=general, random_state=seed, n_jobs=n_jobs)
        return model.set_params(**DOMAIN).fit(X_train)

    def continued(seed):
        model = copy.deepcopy(general).set_params(random_state=seed, **DOMAIN)
        return model.partial_fit(X_train)

    def gentler(seed):
        model = Word2VecEmbedder(**GENERAL, init_vectors=general, random_state=seed, n_jobs=n_jobs)
        return model.set_params(**dict(DOMAIN, alpha=DOMAIN["alpha"] / 4)).fit(X_train)

    scores = {"general only": [macro_f1(general, X_train, y_train, X_test, y_test)]}
    print(f"\n{'word vectors':<34} {'words':>7} {'macro-F1':>9}   each seed")
    print(f"{'general only':<34} {len(general.vocabulary_):>7} {scores['general only'][0]:9.4f}")
    for name, build in (("domain only", domain_only), ("init_vectors=general, domain", with_init_vectors),
                        ("general, partial_fit on domain", continued), ("init_vectors, alpha / 4", gentler)):
        runs, n_words = [], 0
        for seed in seeds:
            words = build(seed)
            n_words = len(words.vocabulary_)
            runs.append(macro_f1(words, X_train, y_train, X_test, y_test))
        scores[name] = runs
        print(f"{name:<34} {n_words:>7} {np.mean(runs):9.4f}   {', '.join(f'{r:.4f}' for r in runs)}")
    return {name: float(np.mean(runs)) for name, runs in scores.items()}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-docs", type=int, default=int(os.environ.get("SKVEC_EXAMPLE_DOCS", 0)) or None,
                        help="use only the first N paragraphs of the sample (default: all, or $SKVEC_EXAMPLE_DOCS)")
    parser.add_argument("--general", default=None, help="general corpus, one document a line (.gz allowed)")
    parser.add_argument("--n-articles", type=int, default=20, help="classify among the N largest articles")
    parser.add_argument("--n-jobs", type=int, default=None)
    parser.add_argument("--train-fraction", type=float, nargs="+", default=[1.0],
                        help="keep this part of the training paragraphs (several: one table each)")
    args = parser.parse_args()
    main(args.n_docs, args.general, n_jobs=args.n_jobs, n_articles=args.n_articles,
         train_fractions=tuple(args.train_fraction))
