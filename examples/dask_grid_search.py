"""Grid search of a word-vector pipeline on a Dask cluster, scored by analogies.

scikit-learn's ``GridSearchCV`` runs its candidates through joblib, so on a
Dask cluster it only needs ``joblib.parallel_backend("dask")``.  The corpus
is a ``LineCorpus``: a file read lazily, which pickles as its path, so the
workers read the text themselves instead of receiving it through the
scheduler (on a real cluster the file must be on a filesystem every worker
sees).  Each candidate trains on the whole corpus (``WholeCorpusSplit``) and
is scored by its Google analogy accuracy.

The co-occurrence count itself can be spread over the cluster too:
``CooccurrenceVectorizer(n_shards=...)`` counts shards of documents in joblib
jobs, which the same backend sends to the workers; the example does that
once before the search.

Needs the ``dask`` extra (``pip install "skvec[dask]"``).  Run::

    python examples/dask_grid_search.py                       # local cluster of 2 worker processes
    python examples/dask_grid_search.py --n-docs 3000         # a quick try
    python examples/dask_grid_search.py --scheduler tcp://host:8786
"""

import argparse
import os
import sys
import tempfile
import time

import joblib
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from skvec import CooccurrenceVectorizer, SPPMITransformer, SVDEmbedder, WholeCorpusSplit, make_analogy_scorer
from skvec.datasets import LineCorpus, load_wiki_sample


def write_corpus(directory, n_docs):
    path = os.path.join(directory, "wiki-sample.txt")
    with open(path, "w", encoding="utf-8") as f:
        for paragraph in load_wiki_sample().data[:n_docs]:
            f.write(paragraph + "\n")
    return path


def main(n_docs=None, scheduler=None):
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        sys.exit('dask_grid_search.py needs the dask extra: pip install "skvec[dask]" (or ".[dask]" in a clone)')
    with tempfile.TemporaryDirectory() as tmp:
        corpus = LineCorpus(write_corpus(tmp, n_docs))
        print(f"corpus: {len(corpus)} paragraphs of the bundled Wikipedia sample, read lazily from {corpus.path}")
        if scheduler is None:
            cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
        else:
            cluster = None
        with Client(scheduler or cluster) as client:
            print(f"Dask: {len(client.scheduler_info()['workers'])} workers")
            with joblib.parallel_backend("dask"):
                start = time.perf_counter()
                counts = CooccurrenceVectorizer(window=5, min_count=5, n_shards=4).fit_transform(corpus)
                print(f"sharded count on the workers: {counts.shape[0]} words, {counts.nnz} non-zeros, "
                      f"{time.perf_counter() - start:.1f} s")

                search = GridSearchCV(
                    make_pipeline(
                        CooccurrenceVectorizer(window=5, weighting="uniform", min_count=5),
                        SPPMITransformer(context_smoothing=0.75),
                        SVDEmbedder(random_state=0),
                    ),
                    {"sppmitransformer__shift": [1, 5], "svdembedder__n_components": [50, 100]},
                    scoring=make_analogy_scorer(),
                    cv=WholeCorpusSplit(),
                    refit=False,
                    n_jobs=-1,
                )
                start = time.perf_counter()
                search.fit(corpus)
            print(f"grid search of {len(search.cv_results_['params'])} candidates: "
                  f"{time.perf_counter() - start:.1f} s")
        if cluster is not None:
            cluster.close()
    for params, score in sorted(zip(search.cv_results_["params"], search.cv_results_["mean_test_score"]),
                                key=lambda item: -item[1]):
        print(f"  analogy accuracy {score:.3f}  {params}")
    print(f"best: {search.best_params_} ({search.best_score_:.3f})")
    return search


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n-docs", type=int, default=None, help="use only the first N paragraphs")
    parser.add_argument("--scheduler", default=None, help="address of a running Dask scheduler")
    args = parser.parse_args()
    main(args.n_docs, args.scheduler)
