"""Count once, factorize many: a cached grid search scored on analogies.

The count-based method is a plain scikit-learn pipeline, so ``Pipeline(memory=...)``
caches the co-occurrence counts (and each SPPMI matrix): the corpus is read
once for the whole grid, and every other candidate costs only its SVD.
Candidates are scored by their analogy accuracy on the bundled Google
questions; ``WholeCorpusSplit`` trains each of them on the whole corpus
(word vectors are judged intrinsically, not on held-out documents).

Run::

    python examples/grid_search_cached.py                 # the whole sample, about a minute
    python examples/grid_search_cached.py --n-docs 3000   # a quick try
"""

import argparse
import os
import tempfile
import time

import numpy as np
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline

from skvec import CooccurrenceVectorizer, SPPMITransformer, SVDEmbedder, WholeCorpusSplit, make_analogy_scorer
from skvec.datasets import load_wiki_sample


def main(n_docs=None, cache_dir=None):
    docs = load_wiki_sample().data[:n_docs]
    print(f"corpus: {len(docs)} paragraphs of the bundled Wikipedia sample")

    counter = CooccurrenceVectorizer(window=5, min_count=5)
    start = time.perf_counter()
    counter.fit_transform(docs)
    counting_time = time.perf_counter() - start
    print(f"counting the co-occurrences alone takes {counting_time:.1f} s")

    with tempfile.TemporaryDirectory() as tmp:
        pipeline = Pipeline(
            [
                ("counts", counter),
                ("sppmi", SPPMITransformer()),
                ("svd", SVDEmbedder(n_components=100, random_state=0)),
            ],
            memory=cache_dir or tmp,
        )
        grid = {
            "sppmi__shift": [1, 5],  # the SPPMI matrix is cached once per shift
            "svd__eig": [0.0, 0.5],  # U * S**eig: 0.5 usually beats the plain U of eig=0
        }
        search = GridSearchCV(
            pipeline,
            grid,
            scoring=make_analogy_scorer(),  # accuracy on the bundled Google analogies
            cv=WholeCorpusSplit(),  # train on the whole corpus, score on the questions
            refit=False,
        )
        start = time.perf_counter()
        search.fit(docs)
        elapsed = time.perf_counter() - start

    results = search.cv_results_
    print(f"\n{'shift':>5} {'eig':>4} {'accuracy':>9} {'fit time':>9}")
    for i in np.argsort(results["rank_test_score"]):
        params = results["params"][i]
        print(
            f"{params['sppmi__shift']:>5} {params['svd__eig']:>4} "
            f"{100 * results['mean_test_score'][i]:8.2f}% {results['mean_fit_time'][i]:8.2f}s"
        )
    n_candidates = len(results["params"])
    print(f"\nbest: {search.best_params_} ({100 * search.best_score_:.2f}%)")
    print(
        f"{n_candidates} candidates in {elapsed:.1f} s (fits and scoring), the corpus counted once: "
        f"without the cache, counting alone would have taken about {n_candidates * counting_time:.1f} s"
    )
    return search


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--n-docs",
        type=int,
        default=int(os.environ.get("SKVEC_EXAMPLE_DOCS", 0)) or None,
        help="use only the first N paragraphs (default: all, or $SKVEC_EXAMPLE_DOCS)",
    )
    parser.add_argument("--cache-dir", help="keep the cache in this directory (default: a temporary one)")
    args = parser.parse_args()
    main(args.n_docs, args.cache_dir)
