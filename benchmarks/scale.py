"""Counting and training on 68M tokens (four copies of wiki17m): cost of scale.

Parts (each run separately, under the shared lock):

``count``
    ``CooccurrenceVectorizer(window=10, weighting="harmonic", min_count=5)``
    on the 68M-token corpus streamed from a file, without a cap and with
    ``max_memory="1GB"``: wall time, peak RSS, spilled runs, and a check that
    both give the same ``indptr``, ``indices`` and ``data``.
``sharded``
    The same count on wiki17m with ``n_shards=2`` and ``n_jobs=1`` vs ``2``
    (joblib's default process backend), and on a Dask ``LocalCluster`` of two
    workers when ``distributed`` is installed, checked equal to the in-memory
    count.
``methods``
    SPPMI-SVD (300 d), GloVe (100 d, 5 epochs) and word2vec skip-gram
    (100 d, 1 epoch) trained on the 68M-token corpus: time and peak RSS.

Every measurement runs in a fresh process so that its peak RSS is its own.

    flock /tmp/skvec-cpu.lock python benchmarks/scale.py count
"""

import argparse
import gzip
import json
import os
import resource
import statistics
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
WIKI17M = os.path.join(HERE, "..", "..", "shared", "data", "wiki17m.txt.gz")
WORK = os.environ.get("SKVEC_SCALE_DIR", "/tmp/skvec-scale")


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def corpus_path(copies):
    """wiki17m unpacked and concatenated ``copies`` times into a plain file."""
    os.makedirs(WORK, exist_ok=True)
    path = os.path.join(WORK, f"wiki17m-x{copies}.txt")
    if not os.path.exists(path):
        with gzip.open(WIKI17M, "rb") as source:
            text = source.read()
        with open(path + ".part", "wb") as out:
            for _ in range(copies):
                out.write(text)
                if not text.endswith(b"\n"):
                    out.write(b"\n")
        os.replace(path + ".part", path)
    return path


# -- measurements, each in its own process --------------------------------------------------


def count_spills():
    import skvec._counting.spill as spill

    written = [0]
    original = spill.Run.write.__func__

    def write(cls, matrix, directory):
        written[0] += 1
        return original(cls, matrix, directory)

    spill.Run.write = classmethod(write)
    return written


def job_count(args):
    from skvec import CooccurrenceVectorizer
    from skvec.datasets import LineCorpus

    written = count_spills()
    corpus = LineCorpus(corpus_path(args.copies))
    params = dict(window=10, weighting="harmonic", min_count=5)
    if args.max_memory:
        params["max_memory"] = args.max_memory
    if args.n_shards:
        params.update(n_shards=args.n_shards, n_jobs=args.n_jobs)
    vectorizer = CooccurrenceVectorizer(**params)
    if args.dask:
        import joblib
        from distributed import Client, LocalCluster

        # Cluster start-up is not timed.
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
                Client(cluster), joblib.parallel_backend("dask"):
            start = time.perf_counter()
            counts = vectorizer.fit_transform(corpus)
            seconds = time.perf_counter() - start
    else:
        start = time.perf_counter()
        counts = vectorizer.fit_transform(corpus)
        seconds = time.perf_counter() - start
    result = dict(seconds=seconds, peak_rss_mb=peak_rss_mb(), nnz=int(counts.nnz), n_words=counts.shape[0],
                  n_tokens=vectorizer.n_tokens_, spilled_runs=written[0])
    if args.save:
        for name in ("indptr", "indices", "data"):
            np.save(f"{args.save}.{name}.npy", getattr(counts, name))
    return result


def job_method(args):
    from sklearn.pipeline import make_pipeline

    from skvec import CooccurrenceVectorizer, GloVeEmbedder, SPPMITransformer, SVDEmbedder, Word2VecEmbedder
    from skvec.datasets import LineCorpus

    corpus = LineCorpus(corpus_path(args.copies))
    if args.method == "sppmi-svd":
        model = make_pipeline(
            CooccurrenceVectorizer(window=5, weighting="uniform", min_count=5),
            SPPMITransformer(shift=1, context_smoothing=0.75),
            SVDEmbedder(300, eig=0.5, random_state=0),
        )
    elif args.method == "glove":
        model = make_pipeline(
            CooccurrenceVectorizer(window=10, weighting="harmonic", min_count=5),
            GloVeEmbedder(100, max_iter=5, random_state=0),
        )
    else:
        model = Word2VecEmbedder(100, architecture="skipgram", epochs=1, min_count=5, random_state=0)
    start = time.perf_counter()
    embedding = model.fit_transform(corpus)
    seconds = time.perf_counter() - start
    return dict(seconds=seconds, peak_rss_mb=peak_rss_mb(), shape=list(np.shape(embedding)))


def child(args):
    result = job_count(args) if args.job == "count" else job_method(args)
    print(json.dumps(result), flush=True)


def run_child(*options):
    command = [sys.executable, os.path.abspath(__file__), "child", *map(str, options)]
    completed = subprocess.run(command, capture_output=True, text=True)
    if completed.returncode != 0:
        return {"error": completed.stderr.strip().splitlines()[-1] if completed.stderr.strip() else "failed"}
    return json.loads(completed.stdout.strip().splitlines()[-1])


def same_saved(a, b):
    for name in ("indptr", "indices", "data"):
        x = np.load(f"{a}.{name}.npy", mmap_mode="r")
        y = np.load(f"{b}.{name}.npy", mmap_mode="r")
        if x.shape != y.shape or x.dtype != y.dtype or not np.array_equal(x, y):
            return False
    return True


def summarize(label, runs):
    ok = [r for r in runs if "error" not in r]
    if not ok:
        print(f"{label}: FAILED: {runs[0]['error']}", flush=True)
        return None
    seconds = statistics.median(r["seconds"] for r in ok)
    rss = statistics.median(r["peak_rss_mb"] for r in ok)
    extra = {k: v for k, v in ok[0].items() if k not in ("seconds", "peak_rss_mb")}
    times = ", ".join(f"{r['seconds']:.1f}" for r in ok)
    print(f"{label}: median {seconds:.1f} s ({times}), peak RSS median {rss:.0f} MB, {extra}", flush=True)
    return seconds


def part_count(args):
    copies = args.copies
    corpus_path(copies)
    saved = {name: os.path.join(WORK, name) for name in ("uncapped", "capped")}
    uncapped = [run_child("--job", "count", "--copies", copies, "--save", saved["uncapped"])]
    capped = [run_child("--job", "count", "--copies", copies, "--max-memory", "1GB", "--save", saved["capped"])]
    for _ in range(args.repeats - 1):
        uncapped.append(run_child("--job", "count", "--copies", copies))
        capped.append(run_child("--job", "count", "--copies", copies, "--max-memory", "1GB"))
    print(f"CooccurrenceVectorizer(window=10, weighting='harmonic', min_count=5) on {copies} x wiki17m, "
          f"streamed from a file (LineCorpus); {args.repeats} run(s) each")
    t_uncapped = summarize("  no cap          ", uncapped)
    t_capped = summarize("  max_memory=1GB  ", capped)
    if t_uncapped and t_capped:
        print(f"  capped / uncapped time: {t_capped / t_uncapped:.2f} (acceptance <= 2.0); "
              f"capped peak RSS acceptance <= 2048 MB")
        print(f"  identical indptr, indices, data: {same_saved(saved['uncapped'], saved['capped'])}")


def part_sharded(args):
    corpus_path(1)
    saved = {name: os.path.join(WORK, name) for name in ("memory17", "shard1", "shard2")}
    memory = [run_child("--job", "count", "--copies", 1, "--save", saved["memory17"])]
    one = [run_child("--job", "count", "--copies", 1, "--n-shards", 2, "--n-jobs", 1, "--save", saved["shard1"])]
    two = [run_child("--job", "count", "--copies", 1, "--n-shards", 2, "--n-jobs", 2, "--save", saved["shard2"])]
    for _ in range(args.repeats - 1):
        memory.append(run_child("--job", "count", "--copies", 1))
        one.append(run_child("--job", "count", "--copies", 1, "--n-shards", 2, "--n-jobs", 1))
        two.append(run_child("--job", "count", "--copies", 1, "--n-shards", 2, "--n-jobs", 2))
    print(f"CooccurrenceVectorizer(window=10, weighting='harmonic') on wiki17m streamed from a file; "
          f"{args.repeats} run(s) each")
    summarize("  in memory (Numba threads)     ", memory)
    t1 = summarize("  n_shards=2, n_jobs=1          ", one)
    t2 = summarize("  n_shards=2, n_jobs=2 (loky)   ", two)
    if t1 and t2:
        print(f"  n_jobs=1 / n_jobs=2 time: {t1 / t2:.2f}")
    print(f"  identical to the in-memory count: n_jobs=1 {same_saved(saved['memory17'], saved['shard1'])}, "
          f"n_jobs=2 {same_saved(saved['memory17'], saved['shard2'])}")
    try:
        import distributed  # noqa: F401
    except ImportError:
        print("  Dask: distributed is not installed, skipped")
        return
    dask_path = os.path.join(WORK, "dask17")
    dask = run_child("--job", "count", "--copies", 1, "--n-shards", 2, "--dask", "--save", dask_path)
    summarize("  n_shards=2 on a Dask LocalCluster (2 workers x 1 thread, start-up not timed)", [dask])
    if "error" not in dask:
        print(f"  Dask result identical to the in-memory count: {same_saved(saved['memory17'], dask_path)}")
    print("  (peak RSS is the calling process's; worker processes are not included)")


def part_methods(args):
    corpus_path(args.copies)
    print(f"Training on {args.copies} x wiki17m streamed from a file (LineCorpus)")
    for method in args.methods.split(","):
        summarize(f"  {method:10s}", [run_child("--job", "method", "--method", method, "--copies", args.copies)])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("part", choices=["count", "sharded", "methods", "child"])
    parser.add_argument("--copies", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--methods", default="sppmi-svd,glove,word2vec")
    parser.add_argument("--keep", action="store_true", help="keep the corpus files and saved matrices")
    # child options
    parser.add_argument("--job")
    parser.add_argument("--method")
    parser.add_argument("--max-memory")
    parser.add_argument("--n-shards", type=int)
    parser.add_argument("--n-jobs", type=int)
    parser.add_argument("--save")
    parser.add_argument("--dask", action="store_true")
    args = parser.parse_args()
    if args.part == "child":
        child(args)
        return
    try:
        {"count": part_count, "sharded": part_sharded, "methods": part_methods}[args.part](args)
    finally:
        if not args.keep:
            for name in os.listdir(WORK) if os.path.isdir(WORK) else []:
                if name.endswith(".npy"):
                    os.remove(os.path.join(WORK, name))


if __name__ == "__main__":
    main()
