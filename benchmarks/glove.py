"""GloVeEmbedder on wiki17m: time per epoch, final cost, analogy accuracy, memory.

Main mode (the acceptance run)::

    flock /tmp/skvec-cpu.lock /work/venv/bin/python benchmarks/glove.py --n-jobs 2

counts the corpus with ``CooccurrenceVectorizer(window=10, weighting="harmonic",
min_count=5)``, fits ``GloVeEmbedder(100, x_max=10, max_iter=15)`` and prints
the counting time, the time of every epoch and their median, the final cost,
the Google analogy accuracy (3CosAdd, restrict_vocab=30000) and the resident
memory: before training (the matrix is then in memory) and the peak during
training, sampled from /proc every 20 ms.

The reference is the Stanford GloVe C tool with the same settings on this
machine type, 2 threads: 52 s per epoch, 31.0% analogy accuracy (semantic
36.2%, syntactic 29.0%). Those figures are printed next to ours as ratios.

Wide mode (``--wide``): ``n_components=1000`` with the default learning rate on
the first ~2M tokens of the corpus, 5 epochs; checks that the vectors are finite
and the cost decreases.
"""

import argparse
import gc
import os
import re
import statistics
import sys
import threading
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import QUESTIONS, WIKI17M, peak_rss_mb, read_lines  # noqa: E402

C_SECONDS_PER_EPOCH = 52.0
C_ACCURACY = 0.310
_PAGE = os.sysconf("SC_PAGE_SIZE")


def current_rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * _PAGE / 2**20


class RSSSampler:
    """Peak resident memory of this process while the block runs."""

    def __init__(self, interval=0.02):
        self.interval = interval
        self.peak = 0.0
        self._stop = threading.Event()

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, current_rss_mb())
            self._stop.wait(self.interval)

    def __enter__(self):
        self.peak = current_rss_mb()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, current_rss_mb())


class EpochLog:
    """Pass stderr through while collecting the per-epoch lines of verbose=1."""

    pattern = re.compile(r"epoch (\d+)/\d+: cost ([0-9.eE+-]+|nan|inf), ([0-9.]+)s")

    def __init__(self, stream):
        self.stream = stream
        self.epochs = []

    def write(self, text):
        for match in self.pattern.finditer(text):
            self.epochs.append((int(match.group(1)), float(match.group(2)), float(match.group(3))))
        return self.stream.write(text)

    def flush(self):
        self.stream.flush()


def head_tokens(lines, n_tokens):
    """The first lines of the corpus holding about ``n_tokens`` tokens."""
    total = 0
    for i, line in enumerate(lines):
        total += len(line.split())
        if total >= n_tokens:
            return lines[: i + 1], total
    return lines, total


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default=str(WIKI17M))
    parser.add_argument("--questions", default=str(QUESTIONS))
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--n-components", type=int, default=None, help="default 100, or 1000 with --wide")
    parser.add_argument("--max-iter", type=int, default=None, help="default 15, or 5 with --wide")
    parser.add_argument("--x-max", type=float, default=10.0)
    parser.add_argument("--learning-rate", type=float, default=0.05)
    parser.add_argument("--window", type=int, default=10)
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--wide", action="store_true", help="1000 components on a ~2M-token slice")
    parser.add_argument("--wide-tokens", type=int, default=2_000_000)
    args = parser.parse_args()
    n_components = args.n_components or (1000 if args.wide else 100)
    max_iter = args.max_iter or (5 if args.wide else 15)

    from skvec import CooccurrenceVectorizer, GloVeEmbedder, WordVectors, analogy_accuracy

    lines = read_lines(args.corpus)
    if args.wide:
        lines, n_tokens = head_tokens(lines, args.wide_tokens)
        print(f"wide mode: first {len(lines)} lines, {n_tokens} whitespace tokens")

    vectorizer = CooccurrenceVectorizer(
        window=args.window, weighting="harmonic", min_count=args.min_count, n_jobs=args.n_jobs
    )
    start = time.perf_counter()
    counts = vectorizer.fit_transform(lines)
    count_seconds = time.perf_counter() - start
    del lines
    gc.collect()
    matrix_mb = (counts.data.nbytes + counts.indices.nbytes + counts.indptr.nbytes) / 2**20
    words = vectorizer.get_feature_names_out()
    print(
        f"counting (CooccurrenceVectorizer(window={args.window}, weighting='harmonic', "
        f"min_count={args.min_count}, n_jobs={args.n_jobs})): {count_seconds:.2f} s; "
        f"{counts.shape[0]} words, {counts.nnz} non-zeros, matrix {matrix_mb:.0f} MB",
        flush=True,
    )

    glove = GloVeEmbedder(
        n_components,
        x_max=args.x_max,
        learning_rate=args.learning_rate,
        max_iter=max_iter,
        n_jobs=args.n_jobs,
        random_state=args.random_state,
        verbose=1,
    )
    rss_before = current_rss_mb()
    log = EpochLog(sys.stderr)
    sys.stderr = log
    try:
        with RSSSampler() as sampler:
            start = time.perf_counter()
            glove.fit(counts)
            fit_seconds = time.perf_counter() - start
    finally:
        sys.stderr = log.stream
    epoch_seconds = [seconds for _, _, seconds in log.epochs]
    median_epoch = statistics.median(epoch_seconds)
    finite = bool(np.isfinite(glove.embedding_).all())
    decreasing = all(b < a for a, b in zip(glove.loss_curve_, glove.loss_curve_[1:]))

    print(f"GloVeEmbedder({n_components}, x_max={args.x_max}, learning_rate={args.learning_rate}, "
          f"max_iter={max_iter}, n_jobs={args.n_jobs}, random_state={args.random_state})")
    print("epoch seconds: " + ", ".join(f"{s:.2f}" for s in epoch_seconds))
    print(f"time per epoch: median {median_epoch:.2f} s (min {min(epoch_seconds):.2f}, "
          f"max {max(epoch_seconds):.2f}); whole fit {fit_seconds:.2f} s "
          f"(includes the one-time shuffle and set-up)")
    print("cost per epoch: " + ", ".join(f"{c:.6f}" for c in glove.loss_curve_))
    print(f"final cost: {glove.loss_curve_[-1]:.6f}; cost decreasing every epoch: {decreasing}; "
          f"finite vectors: {finite}")
    print(f"memory: RSS before training {rss_before:.0f} MB (matrix {matrix_mb:.0f} MB inside), "
          f"peak during training {sampler.peak:.0f} MB, increase {sampler.peak - rss_before:.0f} MB "
          f"(budget: matrix + 1024 MB); process peak RSS {peak_rss_mb():.0f} MB")

    if not args.wide:
        result = analogy_accuracy(
            WordVectors(list(words), glove.embedding_), args.questions, method="3cosadd", restrict_vocab=30000
        )
        print(result.table())
        print(f"analogy accuracy (3CosAdd, restrict 30k): {100 * result.accuracy:.2f}% "
              f"(semantic {100 * result.semantic.accuracy:.2f}%, syntactic {100 * result.syntactic.accuracy:.2f}%, "
              f"coverage {100 * result.coverage:.1f}%)")
        print(f"vs Stanford C GloVe (same settings, 2 threads, this machine type: "
              f"{C_SECONDS_PER_EPOCH:.0f} s/epoch, {100 * C_ACCURACY:.1f}%): "
              f"epoch time ratio C / skvec = {C_SECONDS_PER_EPOCH / median_epoch:.2f}, "
              f"accuracy difference {100 * (result.accuracy - C_ACCURACY):+.2f} points")
        print(f"acceptance: accuracy >= 31.0%: {result.accuracy >= 0.31}; "
              f"time per epoch <= 39 s: {median_epoch <= 39.0}; "
              f"memory increase <= 1024 MB: {sampler.peak - rss_before <= 1024}")
    else:
        print(f"acceptance (wide): finite vectors: {finite}; cost decreasing: {decreasing}")


if __name__ == "__main__":
    main()
