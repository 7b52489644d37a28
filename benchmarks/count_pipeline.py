"""Time the count-based pipeline (counts -> SPPMI -> SVD) on wiki17m, text to vectors.

Runs

    make_pipeline(CooccurrenceVectorizer(window=5, weighting="uniform", min_count=5),
                  SPPMITransformer(shift=1, context_smoothing=0.75),
                  SVDEmbedder(300, eig=0.5, random_state=0))

on the lines of the corpus (already read into memory as strings), reports the
time of each stage, the end-to-end time of ``pipeline.fit``, the peak memory
of each stage and the Google analogy accuracy (3CosAdd, restrict_vocab=30000).
Then, in the same process, a plain numpy/scipy implementation of the same
pipeline (vocabulary with a dict, counts as one scipy COO matrix per window
distance, SPPMI with numpy on the COO entries, ``scipy.sparse.linalg.svds``)
for a time ratio and an accuracy to compare with.

Peak memory is sampled from /proc/self/statm by a background thread, so each
stage gets its own peak (resident set size, including what earlier stages
still hold).

Run it under the shared lock, in the background:

    flock /tmp/skvec-cpu.lock python benchmarks/count_pipeline.py --repeats 3 \
        > /tmp/count_pipeline.log 2>&1 &
"""

import argparse
import contextlib
import io
import os
import re
import statistics
import sys
import threading
import time
from collections import Counter

import numpy as np
import scipy.sparse as sp
from _common import QUESTIONS, WIKI17M, read_lines  # ../shared/data, or $SKVEC_DATA

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


class MemorySampler:
    """Peak resident set size between ``reset()`` and ``peak()``, sampled every 20 ms."""

    def __init__(self, interval=0.02):
        self.interval = interval
        self._peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @staticmethod
    def rss():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * PAGE_SIZE

    def _run(self):
        while not self._stop.is_set():
            self._peak = max(self._peak, self.rss())
            time.sleep(self.interval)

    def reset(self):
        self._peak = self.rss()

    def peak_mb(self):
        self._peak = max(self._peak, self.rss())
        return self._peak / 2**20

    def stop(self):
        self._stop.set()
        self._thread.join()


@contextlib.contextmanager
def stage(name, times, peaks, memory):
    memory.reset()
    start = time.perf_counter()
    yield
    times[name] = time.perf_counter() - start
    peaks[name] = memory.peak_mb()


# -- skvec -------------------------------------------------------------------


def skvec_pipeline(args):
    from sklearn.pipeline import make_pipeline

    from skvec import CooccurrenceVectorizer, SPPMITransformer, SVDEmbedder

    return make_pipeline(
        CooccurrenceVectorizer(window=args.window, weighting="uniform", min_count=args.min_count),
        SPPMITransformer(shift=1, context_smoothing=0.75),
        SVDEmbedder(args.dims, eig=0.5, random_state=0),
        verbose=True,
    )


_STEP_LINE = re.compile(r"Processing (\w+), total=\s*([\d.]+)(s|min)")


def run_skvec(lines, args, memory):
    """Fit the pipeline once; stage times come from Pipeline's own verbose lines."""
    pipeline = skvec_pipeline(args)
    captured = io.StringIO()
    memory.reset()
    start = time.perf_counter()
    with contextlib.redirect_stdout(captured):
        pipeline.fit(lines)
    total = time.perf_counter() - start
    peak = memory.peak_mb()
    stages = {}
    for name, value, unit in _STEP_LINE.findall(captured.getvalue()):
        stages[name] = float(value) * (60 if unit == "min" else 1)
    return pipeline, total, stages, peak


def skvec_accuracy(pipeline, questions):
    from skvec import analogy_accuracy

    return analogy_accuracy(pipeline, questions, restrict_vocab=30000)


# -- plain numpy/scipy reference ----------------------------------------------


def reference_encode(lines, min_count):
    """Vocabulary by count (ties by first occurrence) and the corpus as int32 ids."""
    docs = [line.split() for line in lines]
    counts = Counter()
    for doc in docs:
        counts.update(doc)
    words = [word for word, count in counts.items() if count >= min_count]  # first-occurrence order
    words.sort(key=counts.__getitem__, reverse=True)  # stable: ties keep that order
    index = {word: row for row, word in enumerate(words)}
    ids, lengths = [], []
    for doc in docs:
        row = [index[token] for token in doc if token in index]
        ids.extend(row)
        lengths.append(len(row))
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return words, np.array(ids, dtype=np.int32), offsets


def reference_count(ids, offsets, n_words, window):
    """Uniform-weight counts, both sides, no window across documents."""
    doc_of = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
    total = sp.csr_matrix((n_words, n_words), dtype=np.float32)
    for d in range(1, window + 1):
        same = doc_of[d:] == doc_of[:-d]
        rows, cols = ids[:-d][same], ids[d:][same]
        part = sp.coo_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(n_words, n_words)).tocsr()
        total = total + part + part.T
    return total.tocsr()


def reference_sppmi(counts, shift=1.0, alpha=0.75):
    coo = counts.tocoo()
    row_totals = np.asarray(counts.sum(axis=1, dtype=np.float64)).ravel()
    col_totals = np.asarray(counts.sum(axis=0, dtype=np.float64)).ravel()
    context = col_totals**alpha
    context /= context.sum()
    pmi = np.log(coo.data) - np.log(row_totals[coo.row]) - np.log(context[coo.col]) - np.log(shift)
    keep = pmi > 0
    return sp.csr_matrix(
        (pmi[keep].astype(np.float32), (coo.row[keep], coo.col[keep])), shape=counts.shape
    )


def reference_svd(matrix, dims, solver):
    if solver == "randomized":
        from sklearn.utils.extmath import randomized_svd

        U, S, _ = randomized_svd(matrix, dims, random_state=0)
    else:
        from scipy.sparse.linalg import svds

        v0 = np.random.default_rng(0).uniform(-1, 1, size=min(matrix.shape)).astype(matrix.dtype)
        U, S, _ = svds(matrix, k=dims, v0=v0, solver="arpack")
    return U * np.sqrt(S)


def run_reference(lines, args, memory):
    times, peaks = {}, {}
    start = time.perf_counter()
    with stage("encode", times, peaks, memory):
        words, ids, offsets = reference_encode(lines, args.min_count)
    with stage("count", times, peaks, memory):
        counts = reference_count(ids, offsets, len(words), args.window)
    del ids, offsets
    with stage("sppmi", times, peaks, memory):
        matrix = reference_sppmi(counts)
    del counts
    with stage("svd", times, peaks, memory):
        vectors = reference_svd(matrix, args.dims, args.reference_svd)
    total = time.perf_counter() - start
    return words, vectors, total, times, peaks


# -- driver -------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(WIKI17M))
    parser.add_argument("--questions", default=str(QUESTIONS))
    parser.add_argument("--repeats", type=int, default=3, help="runs of the skvec pipeline (median reported)")
    parser.add_argument("--reference-repeats", type=int, default=1, help="runs of the numpy/scipy reference")
    parser.add_argument("--reference-svd", choices=("svds", "randomized"), default="svds")
    parser.add_argument("--dims", type=int, default=300)
    parser.add_argument("--window", type=int, default=5)
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument("--max-lines", type=int, default=None, help="a prefix of the corpus, for a quick try")
    args = parser.parse_args()

    import numba

    from skvec import WordVectors, analogy_accuracy

    memory = MemorySampler()
    print(f"numba threads {numba.get_num_threads()}, CPUs {len(os.sched_getaffinity(0))}", flush=True)
    start = time.perf_counter()
    lines = read_lines(args.corpus)[: args.max_lines]
    print(f"read {len(lines)} lines in {time.perf_counter() - start:.1f} s (not timed below)", flush=True)

    # Compile (and cache) the Numba kernels on a small prefix, outside the timings.
    warm = argparse.Namespace(**{**vars(args), "dims": 10, "min_count": 1})
    skvec_pipeline(warm).set_params(verbose=False).fit(lines[:200])

    totals, stage_times, peaks = [], [], []
    for repeat in range(args.repeats):
        pipeline, total, stages, peak = run_skvec(lines, args, memory)
        totals.append(total)
        stage_times.append(stages)
        peaks.append(peak)
        line = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in stages.items())
        print(f"skvec run {repeat + 1}: fit {total:.1f} s ({line}), peak RSS {peak:.0f} MB", flush=True)
    vocabulary = pipeline[0].vocabulary_
    result = skvec_accuracy(pipeline, args.questions)
    svd = pipeline[-1]
    print(
        f"skvec: {len(vocabulary)} words; analogy 3CosAdd restrict 30k: {100 * result.accuracy:.2f}% "
        f"({result.correct}/{result.evaluated}, coverage {100 * result.coverage:.1f}%), "
        f"semantic {100 * result.semantic.accuracy:.2f}%, syntactic {100 * result.syntactic.accuracy:.2f}%",
        flush=True,
    )
    print(f"skvec: singular values {svd.singular_values_[0]:.2f} .. {svd.singular_values_[-1]:.3f}", flush=True)
    del pipeline

    ref_totals, ref_stage_times, ref_peaks, ref_accuracy = [], [], [], None
    for repeat in range(args.reference_repeats):
        words, vectors, total, times, stage_peaks = run_reference(lines, args, memory)
        ref_totals.append(total)
        ref_stage_times.append(times)
        ref_peaks.append(max(stage_peaks.values()))
        line = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in times.items())
        print(f"reference run {repeat + 1}: {total:.1f} s ({line}), peak RSS {ref_peaks[-1]:.0f} MB", flush=True)
        if ref_accuracy is None:
            ref_accuracy = analogy_accuracy(WordVectors(words, vectors), args.questions, restrict_vocab=30000)
            print(
                f"reference ({args.reference_svd}): analogy {100 * ref_accuracy.accuracy:.2f}% "
                f"({ref_accuracy.correct}/{ref_accuracy.evaluated})",
                flush=True,
            )
        del vectors
    memory.stop()

    def med_stages(runs):
        return {name: statistics.median(run[name] for run in runs) for name in runs[0]}

    print("\n== summary (medians) ==")
    skvec_stages = med_stages(stage_times)
    print(
        f"skvec     end to end {statistics.median(totals):6.1f} s  "
        + "  ".join(f"{name} {seconds:.1f} s" for name, seconds in skvec_stages.items())
        + f"  peak RSS {max(peaks):.0f} MB  accuracy {100 * result.accuracy:.2f}%"
        + f"  (runs: {', '.join(f'{t:.1f}' for t in totals)})"
    )
    if ref_totals:
        ref_stages = med_stages(ref_stage_times)
        print(
            f"reference end to end {statistics.median(ref_totals):6.1f} s  "
            + "  ".join(f"{name} {seconds:.1f} s" for name, seconds in ref_stages.items())
            + f"  peak RSS {max(ref_peaks):.0f} MB  accuracy {100 * ref_accuracy.accuracy:.2f}%"
        )
        print(f"ratio reference / skvec (end to end): {statistics.median(ref_totals) / statistics.median(totals):.2f}")
        print(f"ratio reference / skvec (SVD): {ref_stages['svd'] / skvec_stages['svdembedder']:.2f}")
    print("targets: accuracy >= 37.5%, end to end <= 120 s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
