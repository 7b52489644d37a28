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
the second, ``--only-fast-math`` the first).  skvec and C train ``--max-iter``
epochs (default 3: enough for a time per epoch; ``--full`` runs the 15 epochs
of the accuracy comparison).  It prints the counting time of both, every
epoch's time and their medians, the ratios skvec / C and C / skvec of the
median epoch times for each C build, the final costs, the Google analogy
accuracy of both vectors (3CosAdd, restrict_vocab=30000, the same evaluation),
the Spearman correlation on the word-pair sets bundled with gensim's tests
(WordSim-353, SimLex-999) and the memory of skvec (resident set before
training, with the matrix in memory, and its peak during training, sampled
from /proc every 20 ms).

Entry order (``--orders shuffled,rows``): skvec fits once per order listed, on
the same counts with the same seed (``--random-state``), and prints for the
pair the ratio of their median epoch times and the differences of accuracy
and Spearman.  With ``--no-c`` this is the order comparison alone::

    flock /tmp/skvec-cpu.lock python benchmarks/glove.py --full --no-c --orders shuffled,rows \
        --random-state 0 --counts-cache /tmp/skvec-glove-counts.npz

``--counts-cache FILE.npz`` counts once and saves the matrix and its words
there; later runs with the same counting settings load it (and print no
counting time), so several seeds can run as separate short runs.  For times
alone, ``--no-eval`` skips the evaluations and ``--repeats N`` fits the
orders in turn N times (each order's median over all its epochs), so that
both see the same load::

    flock /tmp/skvec-cpu.lock python benchmarks/glove.py --max-iter 3 --no-c --no-eval --orders rows,shuffled \
        --repeats 3 --counts-cache /tmp/skvec-glove-counts.npz

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
        builds = ("glove", "glove_fast_math") if args.fast_math else ("glove",)
        for build in ("glove_fast_math",) if args.only_fast_math else builds:
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


def count_skvec(args, lines):
    """The co-occurrence matrix and its words, counted (and timed) or loaded from ``--counts-cache``."""
    import scipy.sparse as sp

    from skvec import CooccurrenceVectorizer

    cache = args.counts_cache
    if cache and os.path.exists(cache):
        with np.load(cache, allow_pickle=False) as saved:
            counts = sp.csr_matrix((saved["data"], saved["indices"], saved["indptr"]), shape=tuple(saved["shape"]))
            words = saved["words"].tolist()
            settings = saved["settings"].tolist()
        if settings != count_settings(args):
            raise SystemExit(f"{cache} holds counts of {settings}, not of {count_settings(args)}; remove it")
        print(f"skvec: counts loaded from {cache}", flush=True)
        return counts, words, float("nan")
    vectorizer = CooccurrenceVectorizer(
        window=args.window, weighting="harmonic", min_count=args.min_count, n_jobs=args.n_jobs
    )
    start = time.perf_counter()
    counts = vectorizer.fit_transform(lines)
    count_seconds = time.perf_counter() - start
    words = list(vectorizer.get_feature_names_out())
    if cache:
        np.savez(cache, data=counts.data, indices=counts.indices, indptr=counts.indptr, shape=counts.shape,
                 words=np.array(words), settings=np.array(count_settings(args)))
        print(f"skvec: counts saved to {cache}", flush=True)
    return counts, words, count_seconds


def count_settings(args):
    """What the counts depend on, stored with a cached matrix and checked when it is loaded."""
    part = f"first {args.wide_tokens} tokens" if args.wide else "whole"
    return [os.path.abspath(args.corpus), part, str(args.window), "harmonic", str(args.min_count)]


def run_skvec(args, counts, n_components, max_iter, order):
    """Fit skvec's GloVe in ``order``; returns times, costs, vectors and memory."""
    from skvec import GloVeEmbedder

    gc.collect()
    matrix_mb = (counts.data.nbytes + counts.indices.nbytes + counts.indptr.nbytes) / 2**20
    glove = GloVeEmbedder(n_components, x_max=args.x_max, learning_rate=args.learning_rate, max_iter=max_iter,
                          order=order, n_jobs=args.n_jobs, random_state=args.random_state, verbose=1)
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
    return dict(nnz=counts.nnz, matrix_mb=matrix_mb, fit_seconds=fit_seconds,
                epoch_seconds=times.epoch_seconds(), costs=list(glove.loss_curve_), vectors=glove.embedding_,
                rss_before=rss_before, rss_peak=sampler.peak)


def accuracy(args, words, vectors):
    from skvec import WordVectors, analogy_accuracy

    return analogy_accuracy(WordVectors(list(words), vectors), args.questions, method="3cosadd",
                            restrict_vocab=30000)


def word_pair_sets():
    """Paths of the word-pair sets bundled with gensim's tests."""
    from gensim.test.utils import datapath

    return {"wordsim353": datapath("wordsim353.tsv"), "simlex999": datapath("simlex999.txt")}


def word_pair_scores(words, vectors):
    """Spearman correlation of the cosine similarities with each word-pair set's scores."""
    from skvec import WordVectors, word_similarity

    wv = WordVectors(list(words), vectors)
    return {name: float(word_similarity(wv, path)["spearman"]) for name, path in word_pair_sets().items()}


def describe(name, run):
    seconds = run["epoch_seconds"]
    print(f"{name}: counting {run['count_seconds']:.1f} s, {len(run['words'])} words, {run['nnz']} non-zeros")
    print(f"{name}: epoch seconds " + ", ".join(f"{s:.2f}" for s in seconds)
          + f"; median {statistics.median(seconds):.2f} s")
    print(f"{name}: cost per epoch " + ", ".join(f"{c:.6f}" for c in run["costs"]))


def report_accuracy(args, name, run):
    if not args.evaluate:
        run["accuracy"], run["pairs"] = float("nan"), {}
        return run["accuracy"]
    result = accuracy(args, run["words"], run["vectors"])
    pairs = word_pair_scores(run["words"], run["vectors"])
    print(f"{name}: analogy accuracy (3CosAdd, restrict 30k) {100 * result.accuracy:.2f}% "
          f"(semantic {100 * result.semantic.accuracy:.2f}%, syntactic {100 * result.syntactic.accuracy:.2f}%, "
          f"coverage {100 * result.coverage:.1f}%); Spearman "
          + ", ".join(f"{name} {value:.4f}" for name, value in pairs.items()), flush=True)
    run["accuracy"], run["pairs"] = result.accuracy, pairs
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
    parser.add_argument("--only-fast-math", action="store_true",
                        help="run only the C trainer built with -ffast-math -march=native")
    parser.add_argument("--orders", type=lambda text: text.split(","), default=["shuffled"],
                        help="comma-separated entry orders of skvec to fit in turn: shuffled, rows")
    parser.add_argument("--repeats", type=int, default=1,
                        help="fit the --orders in turn this many times (epoch medians over all the fits)")
    parser.add_argument("--no-eval", dest="evaluate", action="store_false",
                        help="skip the analogy and word-pair evaluations (times only)")
    parser.add_argument("--counts-cache", default=None,
                        help="an .npz file: skvec's counts are loaded from it if it exists, else counted and "
                             "saved there (the counting time is then not measured)")
    parser.add_argument("--c-memory", type=float, default=2.0, help="-memory (GB) of cooccur and shuffle")
    parser.add_argument("--x-max", type=float, default=10.0)
    parser.add_argument("--learning-rate", type=float, default=0.05)
    parser.add_argument("--window", type=int, default=10)
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--wide", action="store_true", help="1000 components on a ~2M-token slice, skvec only")
    parser.add_argument("--wide-tokens", type=int, default=2_000_000)
    return parser.parse_args()


def run_orders(args, lines, n_components, max_iter):
    """Count once, then fit skvec in every order of ``--orders``, ``--repeats`` rounds; returns the runs by order.

    A repeated order keeps the epoch times of all its fits (for the median)
    and the vectors of its last one.
    """
    counts, words, count_seconds = count_skvec(args, lines)
    runs = {}
    for order in [order for _ in range(args.repeats) for order in args.orders]:
        run = run_skvec(args, counts, n_components, max_iter, order)
        run.update(count_seconds=count_seconds, words=words)
        if order in runs:
            run["epoch_seconds"] = runs[order]["epoch_seconds"] + run["epoch_seconds"]
        name = skvec_name(args, order)
        describe(name, run)
        print(f"{name}: whole fit {run['fit_seconds']:.2f} s (with the one-time shuffle and set-up); memory: RSS "
              f"before training {run['rss_before']:.0f} MB (matrix {run['matrix_mb']:.0f} MB inside), peak "
              f"during training {run['rss_peak']:.0f} MB, increase {run['rss_peak'] - run['rss_before']:.0f} MB; "
              f"process peak RSS {peak_rss_mb():.0f} MB", flush=True)
        runs[order] = run
    return runs


def skvec_name(args, order):
    return "skvec" if args.orders == ["shuffled"] else f"skvec {order}"


def compare_orders(runs, max_iter, seed):
    """The same-run ratios of the row order against the shuffled order."""
    if not {"shuffled", "rows"} <= set(runs):
        return
    shuffled, rows = runs["shuffled"], runs["rows"]
    speedup = statistics.median(shuffled["epoch_seconds"]) / statistics.median(rows["epoch_seconds"])
    pairs = ", ".join(f"{name} {rows['pairs'][name] - shuffled['pairs'][name]:+.4f}" for name in rows["pairs"])
    accuracy = (f"analogy rows - shuffled = {100 * (rows['accuracy'] - shuffled['accuracy']):+.2f} points; "
                f"Spearman rows - shuffled: {pairs}; " if pairs else "")
    print(f"order (seed {seed}, {max_iter} epochs): median epoch shuffled / rows = {speedup:.2f} "
          f"(above 1: rows faster); {accuracy}final cost rows {rows['costs'][-1]:.6f}, "
          f"shuffled {shuffled['costs'][-1]:.6f}")


def compare_with_c(args, ours, max_iter, theirs, name):
    """Same-run ratios of every skvec order against one C build."""
    theirs_accuracy = theirs["accuracy"]
    for order, run in ours.items():
        ratio = statistics.median(run["epoch_seconds"]) / statistics.median(theirs["epoch_seconds"])
        accuracy = (f"; accuracy skvec - C = {100 * (run['accuracy'] - theirs_accuracy):+.2f} points after "
                    f"{max_iter} epochs" if args.evaluate else "")
        print(f"median epoch time {skvec_name(args, order)} / {name} = {ratio:.2f} (below 1: skvec faster; C / "
              f"skvec = {1 / ratio:.2f}){accuracy}")


def main():
    args = parse_args()
    unknown = set(args.orders) - {"shuffled", "rows"}
    if unknown:
        raise SystemExit(f"--orders takes shuffled and rows, not {', '.join(sorted(unknown))}")
    n_components = args.n_components or (1000 if args.wide else 100)
    max_iter = args.max_iter or (5 if args.wide else 15 if args.full else 3)
    # Only the C tool needs the text once the counts are cached.
    cached = bool(args.counts_cache) and os.path.exists(args.counts_cache)
    lines = [] if cached and (args.no_c or args.wide) else read_lines(args.corpus)
    if args.wide and lines:
        lines, n_tokens = head_tokens(lines, args.wide_tokens)
        print(f"wide mode: first {len(lines)} lines, {n_tokens} whitespace tokens")
    print(f"settings: {n_components} components, window {args.window} (harmonic), min_count {args.min_count}, "
          f"x_max {args.x_max}, learning rate {args.learning_rate}, {max_iter} epochs, {args.n_jobs} threads, "
          f"orders {', '.join(args.orders)}, seed {args.random_state}", flush=True)
    ours = run_orders(args, lines, n_components, max_iter)
    if args.wide:
        for order, run in ours.items():
            finite = bool(np.isfinite(run["vectors"]).all())
            decreasing = all(b < a for a, b in zip(run["costs"], run["costs"][1:]))
            print(f"wide, {order}: finite vectors: {finite}; cost decreasing: {decreasing}")
        return
    for order, run in ours.items():
        report_accuracy(args, skvec_name(args, order), run)
    compare_orders(ours, max_iter, args.random_state)
    if args.no_c:
        return
    c_runs = run_c_glove(args, lines, n_components, max_iter)
    first = True
    for build, name in (("glove", "C GloVe"), ("glove_fast_math", "C GloVe -ffast-math")):
        if build not in c_runs:
            continue
        theirs = c_runs[build]
        describe(name, theirs)
        if first:
            print(f"C GloVe: shuffle {theirs['shuffle_seconds']:.1f} s")
            counted = [run["count_seconds"] for run in ours.values()][0]
            print(f"counting time ratio C / skvec = {theirs['count_seconds'] / counted:.2f} (skvec / C = "
                  f"{counted / theirs['count_seconds']:.2f}; nan when the counts were loaded)")
            first = False
        report_accuracy(args, name, theirs)
        compare_with_c(args, ours, max_iter, theirs, name)


if __name__ == "__main__":
    main()
