"""Time CooccurrenceVectorizer (encode + count) on wiki17m.

Every repeat runs in a fresh process so that its peak RSS is its own.  The
figure of merit is the median wall time of ``fit_transform`` on the lines of
the corpus already read into memory as strings (the text is in memory in any
Python workflow), and the peak RSS of the whole process.

With ``--reference``, a plain numpy/scipy count (one sparse matrix per window
distance, summed) runs in the same process for a time ratio and a check of
the values.

With ``--c-tools``, the GloVe C tools ``vocab_count`` and ``cooccur``
(symmetric, 1/distance weighting: the same counts) are built from
``../shared/ref/glove`` and timed once on the same text in the same run, for
the ratio skvec / C.

With ``--profile``, each run also times its stages: the shared encoding
(tokenizing, the vocabulary, ids), the inverted index, the one pass that
counts the rows into reserved room, the copy of that room into the CSR
arrays, and the rest.  With ``--two-passes``, rows are counted as before
the one-pass count (a pass that sizes the rows, then a pass that fills
them), for an A/B comparison; the profile then shows those two passes.

``--max-lines N`` takes the first N lines of the corpus only (for quick A/B
timings; the C tools then read the same lines).

Run it under the shared lock:

    flock /tmp/skvec-cpu.lock python benchmarks/cooccurrence.py
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

from _common import WIKI17M, peak_rss_mb, read_lines  # ../shared/data, or $SKVEC_DATA


def reference_count(ids, offsets, n_words, window, weighting):
    """Straightforward scipy count: one COO matrix per distance, both sides."""
    import scipy.sparse as sp

    doc_of = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
    total = sp.csr_matrix((n_words, n_words), dtype=np.float64)
    for d in range(1, window + 1):
        weight = {"harmonic": 1.0 / d, "uniform": 1.0, "linear": (window - d + 1) / window}[weighting]
        same = doc_of[d:] == doc_of[:-d]
        rows, cols = ids[:-d][same], ids[d:][same]
        values = np.full(len(rows), weight)
        part = sp.coo_matrix((values, (rows, cols)), shape=(n_words, n_words)).tocsr()
        total = total + part + part.T
    return total.tocsr()


# The stages timed by --profile: the shared encoding (tokenize, count the
# vocabulary, map to ids) and the counting kernels, by the names the counting
# engine calls them.
PROFILED_KERNELS = ("invert_index", "fill_rows_once", "count_row_nnz", "fill_rows")


def profile_stages():
    """Wrap the encoding and the counting kernels with timers; returns the dict they fill."""
    import functools

    import skvec._counting.engine as engine
    import skvec._counting.strategies as strategies

    seconds = {}

    def timed_stage(module, name):
        function = getattr(module, name)

        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - start

        setattr(module, name, wrapper)

    timed_stage(strategies, "encode_corpus")
    timed_stage(strategies, "count_window")
    timed_stage(engine, "fill_once")
    for name in PROFILED_KERNELS:
        timed_stage(engine.kernels, name)
    return seconds


def force_two_passes():
    """Count the rows in two passes (size, then fill), as before the one-pass count."""
    import skvec._counting.engine as engine

    engine.one_pass_fits = lambda *args, **kwargs: False


def run_once(args):
    from skvec import CooccurrenceVectorizer

    if args.two_passes:
        force_two_passes()
    stages = profile_stages() if args.profile else None
    lines = read_lines(args.corpus, args.max_lines)
    vectorizer = CooccurrenceVectorizer(
        window=args.window, weighting=args.weighting, min_count=args.min_count, n_jobs=args.n_jobs
    )
    start = time.perf_counter()
    counts = vectorizer.fit_transform(lines)
    elapsed = time.perf_counter() - start
    result = {
        "seconds": elapsed,
        "peak_rss_mb": peak_rss_mb(),
        "nnz": int(counts.nnz),
        "n_words": counts.shape[0],
        "n_tokens": vectorizer.n_tokens_,
        "sum": float(counts.data.sum(dtype=np.float64)),
    }
    if stages is not None:
        for name in PROFILED_KERNELS + ("fill_once",):
            stages.setdefault(name, 0.0)
        # The one-pass count's copy of its room into the CSR arrays.
        stages["copy_into_csr"] = stages.pop("fill_once") - stages["fill_rows_once"]
        # The rest of count_window: row blocks, bounds, the CSR arrays and their assembly.
        stages["csr_assembly"] = (stages["count_window"] - stages["copy_into_csr"]
                                  - sum(stages[name] for name in PROFILED_KERNELS))
        stages["other"] = elapsed - stages.pop("count_window") - stages["encode_corpus"]
        result["stages"] = {name: round(value, 3) for name, value in stages.items()}
    if args.reference:
        from skvec._corpus import encode_corpus

        start = time.perf_counter()
        corpus = encode_corpus(lines, min_count=args.min_count)
        reference = reference_count(corpus.ids, corpus.offsets, len(corpus.words), args.window, args.weighting)
        result["reference_seconds"] = time.perf_counter() - start
        result["reference_nnz"] = int(reference.nnz)
        same_pattern = np.array_equal(reference.indptr, counts.indptr) and np.array_equal(
            reference.indices, counts.indices
        )
        result["reference_same_pattern"] = bool(same_pattern)
        if same_pattern:
            result["reference_max_rel_diff"] = float(
                np.max(np.abs(reference.data.astype(np.float32) - counts.data) / counts.data)
            )
    print(json.dumps(result))


def time_c_counting(args):
    """Build the GloVe C counting tools and time ``vocab_count`` + ``cooccur`` on the corpus text."""
    import tempfile

    from glove import build_c_tools, run_c_step

    lines = read_lines(args.corpus, args.max_lines)
    with tempfile.TemporaryDirectory(prefix="skvec-cooccur-c-") as workdir:
        tools = build_c_tools(workdir)
        corpus, vocab = os.path.join(workdir, "corpus.txt"), os.path.join(workdir, "vocab.txt")
        with open(corpus, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        del lines
        seconds = run_c_step([tools["vocab_count"], "-min-count", str(args.min_count), "-verbose", "0"], corpus, vocab)
        seconds += run_c_step(
            [tools["cooccur"], "-vocab-file", vocab, "-window-size", str(args.window), "-symmetric", "1",
             "-distance-weighting", "1", "-overflow-file", os.path.join(workdir, "overflow"), "-memory", "2.0",
             "-verbose", "0"],
            corpus, os.path.join(workdir, "cooccurrence.bin"))
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default=str(WIKI17M))
    parser.add_argument("--window", type=int, default=10)
    parser.add_argument("--weighting", default="harmonic")
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument("--n-jobs", type=int, default=None)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--reference", action="store_true", help="also run the scipy reference (once)")
    parser.add_argument("--profile", action="store_true",
                        help="time the stages: encoding, inverted index, the counting pass(es), the copy, CSR assembly")
    parser.add_argument("--c-tools", action="store_true",
                        help="also time the GloVe C tools vocab_count + cooccur once, same run, same text")
    parser.add_argument("--max-lines", type=int, default=None, help="only the first lines of the corpus")
    parser.add_argument("--two-passes", action="store_true",
                        help="count the rows in two passes (size, then fill) instead of one, for A/B timings")
    parser.add_argument("--once", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.once:
        run_once(args)
        return

    base = [sys.executable, os.path.abspath(__file__), "--once", "--corpus", args.corpus,
            "--window", str(args.window), "--weighting", args.weighting, "--min-count", str(args.min_count)]
    if args.n_jobs is not None:
        base += ["--n-jobs", str(args.n_jobs)]
    if args.max_lines is not None:
        base += ["--max-lines", str(args.max_lines)]
    if args.two_passes:
        base += ["--two-passes"]
    if args.profile:
        base += ["--profile"]
    runs = []
    for repeat in range(args.repeats):
        command = base + (["--reference"] if args.reference and repeat == 0 else [])
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        runs.append(json.loads(out.strip().splitlines()[-1]))
        print(f"run {repeat + 1}: {runs[-1]}", flush=True)
    seconds = [r["seconds"] for r in runs]
    rss = [r["peak_rss_mb"] for r in runs]
    print(
        f"CooccurrenceVectorizer(window={args.window}, weighting={args.weighting!r}, "
        f"min_count={args.min_count}, n_jobs={args.n_jobs}) on {os.path.basename(args.corpus)}: "
        f"{runs[0]['n_tokens']} tokens, {runs[0]['n_words']} words, nnz {runs[0]['nnz']}"
    )
    print(f"encode + count: median {statistics.median(seconds):.2f} s over {len(seconds)} runs "
          f"(min {min(seconds):.2f}, max {max(seconds):.2f})")
    if args.profile:
        for name in runs[0]["stages"]:
            values = [r["stages"][name] for r in runs]
            print(f"  {name}: median {statistics.median(values):.2f} s")
    print(f"peak RSS: median {statistics.median(rss):.0f} MB (max {max(rss):.0f} MB)")
    print("acceptance: <= 25 s and <= 1536 MB; GloVe C tools on this machine type: 21 s, 1.56 GB")
    if args.c_tools:
        c_seconds = time_c_counting(args)
        print(f"C vocab_count + cooccur: {c_seconds:.2f} s; ratio skvec / C = "
              f"{statistics.median(seconds) / c_seconds:.2f}")
    if "reference_seconds" in runs[0]:
        print(f"scipy reference (encode + per-distance COO sums): {runs[0]['reference_seconds']:.2f} s, "
              f"ratio reference / skvec = {runs[0]['reference_seconds'] / runs[0]['seconds']:.2f}; "
              f"same sparsity pattern: {runs[0]['reference_same_pattern']}, "
              f"max relative difference of values: {runs[0].get('reference_max_rel_diff')}")


if __name__ == "__main__":
    main()
