"""GloVeEmbedder against the Stanford GloVe C tool, on wiki17m, in the same run.

Main mode::

    flock /tmp/skvec-cpu.lock python benchmarks/glove.py --n-jobs 2

builds the C tool (``vocab_count``, ``cooccur``, ``shuffle``, ``glove`` from
``../shared/ref/glove``, compiled with the machine's gcc and the tool's own
Makefile flags into a temporary directory that is removed afterwards), then on
the same corpus and with the same settings:

* skvec counts with ``CooccurrenceVectorizer(window=10, weighting="harmonic",
  min_count=5)`` and fits ``GloVeEmbedder(100, x_max=10)``;
* C runs ``vocab_count -min-count 5``, ``cooccur -window-size 10`` (symmetric,
  1/distance weighting: the same counts), ``shuffle`` and ``glove
  -vector-size 100 -x-max 10 -eta 0.05 -alpha 0.75 -model 2`` (W + W~).

The C trainer runs twice on the same shuffled file: built with the Makefile's
flags, then with ``-ffast-math -march=native`` added (``--no-fast-math`` skips
the second).  skvec and C train ``--max-iter`` epochs (default 3: enough for a time per epoch;
``--full`` runs the 15 epochs of the accuracy comparison).  It prints the
counting time of both, every epoch's time and their medians, the ratios C /
skvec (Makefile build) and skvec / C (fast-math build) of the median epoch times, the final costs, the Google analogy accuracy
of both vectors (3CosAdd, restrict_vocab=30000, the same evaluation) and the
memory of skvec (resident set before training, with the matrix in memory, and
its peak during training, sampled from /proc every 20 ms).

An epoch is timed from the log line before it to the line that ends it: skvec's
``epoch k/n`` records (logger ``skvec.glove``) and the C tool's ``iter:`` lines
on stderr, each stamped when it arrives; set-up (loading, initialisation, the
one-time shuffle) is outside both.

Wide mode (``--wide``): ``n_components=1000`` with the default learning rate on
the first ~2M tokens of the corpus, 5 epochs, skvec only; checks that the
vectors are finite and the cost decreases.
"""

import argparse
import gc
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import DATA, QUESTIONS, WIKI17M, peak_rss_mb, read_lines  # noqa: E402

# The C sources beside the data: ../shared/ref/glove.
GLOVE_SOURCES = Path(os.environ.get("SKVEC_GLOVE_SRC", DATA.parent / "ref" / "glove"))
# The flags of the tool's Makefile.
C_FLAGS = ["-pthread", "-O3", "-march=native", "-funroll-loops", "-lm"]
C_PROGRAMS = ("vocab_count", "cooccur", "shuffle", "glove")
# A second build of the trainer with fast math: gcc may then vectorise its
# double-precision loops (reassociated sums, no errno from sqrt).
FAST_MATH_FLAGS = ["-ffast-math", "-march=native"]
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


class EpochTimes(logging.Handler):
    """Arrival times of skvec's log lines: the epoch times are their differences."""

    def __init__(self):
        super().__init__()
        self.stamps = []

    def emit(self, record):
        message = record.getMessage()
        sys.stderr.write(message + "\n")
        self.stamps.append((time.perf_counter(), message))

    def epoch_seconds(self):
        # The memory estimate is the last line before the first epoch.
        ends = [i for i, (_, message) in enumerate(self.stamps) if ": epoch " in message]
        if not ends:
            return []
        starts = [ends[0] - 1] + ends[:-1]
        return [self.stamps[j][0] - self.stamps[i][0] for i, j in zip(starts, ends)]


def head_tokens(lines, n_tokens):
    """The first lines of the corpus holding about ``n_tokens`` tokens."""
    total = 0
    for i, line in enumerate(lines):
        total += len(line.split())
        if total >= n_tokens:
            return lines[: i + 1], total
    return lines, total



def build_c_tools(workdir):
    """Compile the C tool's four programs into ``workdir``; returns their paths."""
    source = GLOVE_SOURCES / "src"
    if not (source / "glove.c").exists():
        raise SystemExit(f"GloVe C sources not found in {source}; set SKVEC_GLOVE_SRC or use --no-c")
    paths = {}
    for name in C_PROGRAMS:
        paths[name] = os.path.join(workdir, name)
        cmd = ["gcc", str(source / f"{name}.c"), str(source / "common.c"), "-o", paths[name], *C_FLAGS]
        subprocess.run(cmd, check=True, stderr=subprocess.DEVNULL)
    paths["glove_fast_math"] = os.path.join(workdir, "glove_fast_math")
    cmd = ["gcc", str(source / "glove.c"), str(source / "common.c"), "-o", paths["glove_fast_math"], *C_FLAGS,
           *FAST_MATH_FLAGS]
    subprocess.run(cmd, check=True, stderr=subprocess.DEVNULL)
    return paths


def run_c_step(cmd, stdin_path, stdout_path):
    """Run one stage of the C pipeline (stdin/stdout files, stderr discarded); returns seconds."""
    start = time.perf_counter()
    with open(stdin_path, "rb") as src, open(stdout_path, "wb") as dst:
        subprocess.run(cmd, stdin=src, stdout=dst, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def run_c_glove(args, lines, n_components, max_iter):
    """The C pipeline on ``lines``; returns its times, costs and vectors."""
    with tempfile.TemporaryDirectory(prefix="skvec-glove-c-") as workdir:
        tools = build_c_tools(workdir)

        def path(name):
            return os.path.join(workdir, name)

        with open(path("corpus.txt"), "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        memory = ["-memory", str(args.c_memory), "-verbose", "0"]
        count_seconds = run_c_step([tools["vocab_count"], "-min-count", str(args.min_count), "-verbose", "0"],
                                   path("corpus.txt"), path("vocab.txt"))
        count_seconds += run_c_step(
            [tools["cooccur"], "-vocab-file", path("vocab.txt"), "-window-size", str(args.window), "-symmetric",
             "1", "-distance-weighting", "1", "-overflow-file", path("overflow"), *memory],
            path("corpus.txt"), path("cooccurrence.bin"))
        shuffle_seconds = run_c_step([tools["shuffle"], "-temp-file", path("temp_shuffle"), "-seed", "1", *memory],
                                     path("cooccurrence.bin"), path("cooccurrence.shuf.bin"))
        nnz = os.path.getsize(path("cooccurrence.shuf.bin")) // 16
        runs = {}
        for build in ("glove", "glove_fast_math") if args.fast_math else ("glove",):
            stamps = run_glove_binary(tools[build], [
                "-input-file", path("cooccurrence.shuf.bin"), "-vocab-file", path("vocab.txt"), "-save-file",
                path(build), "-vector-size", str(n_components), "-threads", str(args.n_jobs), "-iter",
                str(max_iter), "-x-max", str(args.x_max), "-eta", str(args.learning_rate), "-alpha", "0.75",
                "-model", "2", "-binary", "0", "-write-header", "0", "-seed", "1", "-verbose", "2",
            ])
            words, vectors = read_glove_text(path(f"{build}.txt"))
            runs[build] = dict(count_seconds=count_seconds, shuffle_seconds=shuffle_seconds, nnz=nnz, words=words,
                               vectors=vectors, **stamps)
    return runs


def run_glove_binary(glove, options):
    """Run ``glove``, stamping its stderr lines as they arrive: epoch times and costs."""
    process = subprocess.Popen([glove, *options], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    start, epoch_seconds, costs = None, [], []
    for line in process.stderr:
        now = time.perf_counter()
        sys.stderr.write("C glove: " + line)
        if line.startswith("alpha:"):
            # The last line before the first epoch.
            start = now
        elif ", iter: " in line:
            epoch_seconds.append(now - start)
            costs.append(float(line.rsplit("cost:", 1)[1]))
            start = now
    if process.wait() != 0:
        raise RuntimeError(f"glove exited with status {process.returncode}")
    return dict(epoch_seconds=epoch_seconds, costs=costs)


def read_glove_text(path):
    """Words and vectors of the tool's text output, without its ``<unk>`` line."""
    words, rows = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            word, *values = line.rstrip("\n").split(" ")
            if word != "<unk>":
                words.append(word)
                rows.append(np.array(values, dtype=np.float32))
    return words, np.vstack(rows)


def run_skvec(args, lines, n_components, max_iter):
    """Count and fit with skvec; returns times, costs, vectors and memory."""
    from skvec import CooccurrenceVectorizer, GloVeEmbedder

    vectorizer = CooccurrenceVectorizer(
        window=args.window, weighting="harmonic", min_count=args.min_count, n_jobs=args.n_jobs
    )
    start = time.perf_counter()
    counts = vectorizer.fit_transform(lines)
    count_seconds = time.perf_counter() - start
    gc.collect()
    matrix_mb = (counts.data.nbytes + counts.indices.nbytes + counts.indptr.nbytes) / 2**20
    glove = GloVeEmbedder(n_components, x_max=args.x_max, learning_rate=args.learning_rate, max_iter=max_iter,
                          n_jobs=args.n_jobs, random_state=args.random_state, verbose=1)
    times = EpochTimes()
    logger = logging.getLogger("skvec.glove")
    logger.addHandler(times)
    rss_before = current_rss_mb()
    try:
        with RSSSampler() as sampler:
            start = time.perf_counter()
            glove.fit(counts)
            fit_seconds = time.perf_counter() - start
    finally:
        logger.removeHandler(times)
    return dict(count_seconds=count_seconds, nnz=counts.nnz, matrix_mb=matrix_mb, fit_seconds=fit_seconds,
                epoch_seconds=times.epoch_seconds(), costs=list(glove.loss_curve_),
                words=list(vectorizer.get_feature_names_out()), vectors=glove.embedding_,
                rss_before=rss_before, rss_peak=sampler.peak)


def accuracy(args, words, vectors):
    from skvec import WordVectors, analogy_accuracy

    return analogy_accuracy(WordVectors(list(words), vectors), args.questions, method="3cosadd",
                            restrict_vocab=30000)


def describe(name, run):
    seconds = run["epoch_seconds"]
    print(f"{name}: counting {run['count_seconds']:.1f} s, {len(run['words'])} words, {run['nnz']} non-zeros")
    print(f"{name}: epoch seconds " + ", ".join(f"{s:.2f}" for s in seconds)
          + f"; median {statistics.median(seconds):.2f} s")
    print(f"{name}: cost per epoch " + ", ".join(f"{c:.6f}" for c in run["costs"]))


def report_accuracy(args, name, run):
    result = accuracy(args, run["words"], run["vectors"])
    print(f"{name}: analogy accuracy (3CosAdd, restrict 30k) {100 * result.accuracy:.2f}% "
          f"(semantic {100 * result.semantic.accuracy:.2f}%, syntactic {100 * result.syntactic.accuracy:.2f}%, "
          f"coverage {100 * result.coverage:.1f}%)")
    return result.accuracy


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default=str(WIKI17M))
    parser.add_argument("--questions", default=str(QUESTIONS))
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--n-components", type=int, default=None, help="default 100, or 1000 with --wide")
    parser.add_argument("--max-iter", type=int, default=None, help="default 3, 15 with --full, 5 with --wide")
    parser.add_argument("--full", action="store_true", help="15 epochs each, for the accuracy comparison")
    parser.add_argument("--no-c", action="store_true", help="skip the C tool")
    parser.add_argument("--no-fast-math", dest="fast_math", action="store_false",
                        help="skip the second C trainer built with -ffast-math -march=native")
    parser.add_argument("--c-memory", type=float, default=2.0, help="-memory (GB) of cooccur and shuffle")
    parser.add_argument("--x-max", type=float, default=10.0)
    parser.add_argument("--learning-rate", type=float, default=0.05)
    parser.add_argument("--window", type=int, default=10)
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--wide", action="store_true", help="1000 components on a ~2M-token slice, skvec only")
    parser.add_argument("--wide-tokens", type=int, default=2_000_000)
    return parser.parse_args()


def main():
    args = parse_args()
    n_components = args.n_components or (1000 if args.wide else 100)
    max_iter = args.max_iter or (5 if args.wide else 15 if args.full else 3)
    lines = read_lines(args.corpus)
    if args.wide:
        lines, n_tokens = head_tokens(lines, args.wide_tokens)
        print(f"wide mode: first {len(lines)} lines, {n_tokens} whitespace tokens")
    print(f"settings: {n_components} components, window {args.window} (harmonic), min_count {args.min_count}, "
          f"x_max {args.x_max}, learning rate {args.learning_rate}, {max_iter} epochs, {args.n_jobs} threads",
          flush=True)
    ours = run_skvec(args, lines, n_components, max_iter)
    describe("skvec", ours)
    print(f"skvec: whole fit {ours['fit_seconds']:.2f} s (with the one-time shuffle and set-up); memory: RSS "
          f"before training {ours['rss_before']:.0f} MB (matrix {ours['matrix_mb']:.0f} MB inside), peak during "
          f"training {ours['rss_peak']:.0f} MB, increase {ours['rss_peak'] - ours['rss_before']:.0f} MB; "
          f"process peak RSS {peak_rss_mb():.0f} MB", flush=True)
    if args.wide:
        finite = bool(np.isfinite(ours["vectors"]).all())
        decreasing = all(b < a for a, b in zip(ours["costs"], ours["costs"][1:]))
        print(f"wide: finite vectors: {finite}; cost decreasing: {decreasing}")
        return
    ours_accuracy = report_accuracy(args, "skvec", ours)
    if args.no_c:
        return
    c_runs = run_c_glove(args, lines, n_components, max_iter)
    theirs = c_runs["glove"]
    describe("C GloVe", theirs)
    print(f"C GloVe: shuffle {theirs['shuffle_seconds']:.1f} s")
    theirs_accuracy = report_accuracy(args, "C GloVe", theirs)
    ratio = statistics.median(theirs["epoch_seconds"]) / statistics.median(ours["epoch_seconds"])
    print(f"median epoch time ratio C / skvec = {ratio:.2f} (above 1: skvec faster); counting time ratio "
          f"C / skvec = {theirs['count_seconds'] / ours['count_seconds']:.2f} (skvec / C = "
          f"{ours['count_seconds'] / theirs['count_seconds']:.2f}); accuracy skvec - C = "
          f"{100 * (ours_accuracy - theirs_accuracy):+.2f} points after {max_iter} epochs")
    if "glove_fast_math" in c_runs:
        fast = c_runs["glove_fast_math"]
        describe("C GloVe -ffast-math", fast)
        fast_accuracy = report_accuracy(args, "C GloVe -ffast-math", fast)
        ratio = statistics.median(ours["epoch_seconds"]) / statistics.median(fast["epoch_seconds"])
        print(f"median epoch time skvec / C -ffast-math = {ratio:.2f} (below 1: skvec faster); accuracy "
              f"skvec - C -ffast-math = {100 * (ours_accuracy - fast_accuracy):+.2f} points after {max_iter} epochs")

if __name__ == "__main__":
    main()
