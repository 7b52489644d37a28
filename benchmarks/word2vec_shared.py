"""Word2VecEmbedder with ``shared_negatives=True`` against the default, in the same run.

Trains both modes on ``../shared/data/wiki17m.txt.gz`` (or its first
``--max-lines`` lines) with the same settings -- 100 dimensions, window 5, 5
negatives, sample 1e-3, min_count 5, 5 epochs, 2 threads -- alternating the
order of the two modes from one repeat to the next, and prints for each fit
the training time (``training_time_``: the training call, not the encoding),
the Google analogy accuracy (3CosAdd, restrict_vocab=30000, as the other
word2vec benchmarks) and the Spearman correlation on the word-pair sets
WordSim-353 and SimLex-999 (the copies shipped with gensim's test data);
then the medians and the ratios shared / default.

Every fit runs in its own child process, one after the other.  Run it under
the shared CPU lock, e.g.::

    flock /tmp/skvec-cpu.lock python benchmarks/word2vec_shared.py --arch skipgram --repeats 1

``--negative`` and ``--window`` (lists) print a time / accuracy table of the
shared mode over those settings instead.

``--ab OLD_FILE`` times an older copy of ``skvec/_kernels/word2vec_shared.py``
against today's kernel (``--arch``), one thread, on a synthetic corpus of
1 million Zipf-distributed tokens, 8 rounds alternating in one process (the
first dropped), and prints the CPU time per example of each and the median
of the paired ratios::

    git show REV:skvec/_kernels/word2vec_shared.py > /tmp/shared_before.py
    flock /tmp/skvec-cpu.lock python benchmarks/word2vec_shared.py --ab /tmp/shared_before.py

``--kernels`` times the two block kernels alone, one thread, on a synthetic
corpus (200,000 Zipf-distributed tokens, no down-sampling) with a small
vocabulary (1,000 words: every row in cache, the arithmetic counts) and a
wiki17m-sized one (70,000 words: rows miss the caches), and prints the CPU
time per training example (skip-gram pair, CBOW focus word) of each and
their ratio: seconds, not minutes, and less sensitive to other jobs than wall
time.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from types import SimpleNamespace

from _common import QUESTIONS, WIKI17M, read_lines


def word_pair_sets():
    """Paths of the word-pair sets bundled with gensim's tests."""
    from gensim.test.utils import datapath

    return {"wordsim353": datapath("wordsim353.tsv"), "simlex999": datapath("simlex999.txt")}


def run_fit(args, shared, negative, window):
    from skvec import Word2VecEmbedder, analogy_accuracy, word_similarity

    lines = read_lines(args.corpus, args.max_lines)
    model = Word2VecEmbedder(
        100, architecture=args.arch, window=window, negative=negative, sample=1e-3, min_count=5,
        epochs=args.epochs, n_jobs=args.n_jobs, random_state=args.seed, tokenizer=str.split, lowercase=False,
        shared_negatives=shared,
    )
    model.fit(lines)
    analogies = analogy_accuracy(model, str(QUESTIONS), restrict_vocab=30000)
    result = dict(train_time=model.training_time_, accuracy=100.0 * analogies.accuracy,
                  loss=model.loss_curve_[-1])
    for name, path in word_pair_sets().items():
        result[name] = float(word_similarity(model, path)["spearman"])
    return result


def time_kernels(arch, n_words, n_tokens=200_000, repeats=3):
    """CPU seconds per example of the default and the shared block kernels on a synthetic corpus."""
    from skvec._kernels import word2vec as kernels
    from skvec._kernels import word2vec_shared
    from skvec._threads import numba_threads

    ids, offsets, bounds, first_doc, tables, settings = _synthetic_block(arch, n_words, n_tokens)
    result = {}
    with numba_threads(1):
        for name, block in (("default", kernels.train_block), ("shared", word2vec_shared.train_block)):
            inputs, outputs = _new_model(n_words)
            state = _new_state()
            times = []
            for _ in range(repeats + 1):  # the first call compiles or loads, and warms the rows
                state.words_read[:] = 0
                start = time.process_time()
                block(ids, offsets, bounds, first_doc, inputs, outputs, tables, settings, 0, state)
                times.append(time.process_time() - start)
            result[name] = min(times[1:]) / int(state.examples[0])
    return result


def _synthetic_block(arch, n_words, n_tokens):
    """A Zipf corpus of ``n_tokens`` ids over ``n_words`` words, its tables and settings, one chunk."""
    import numpy as np

    from skvec._training.word2vec import _kernel_params, _tables

    rng = np.random.default_rng(0)
    counts = (1e6 / np.arange(1, n_words + 1)).astype(np.int64) + 5
    ids = rng.choice(n_words, size=n_tokens, p=counts / counts.sum()).astype(np.int32)
    offsets = np.arange(0, n_tokens + 1, 1000, dtype=np.int64)
    params = SimpleNamespace(n_components=100, architecture=arch, window=5, negative=5, hs=False, ns_exponent=0.75,
                             sample=0.0, alpha=0.025, min_alpha=0.0001, epochs=1, cbow_mean=True, shrink_windows=True,
                             defer_inputs=False, verbose=0)
    tables = _tables(counts, params, n_tokens)
    settings = _kernel_params(params, 10 * n_tokens)
    bounds, first_doc = np.array([0, n_tokens], dtype=np.int64), np.zeros(1, dtype=np.int64)
    return ids, offsets, bounds, first_doc, tables, settings


def _new_model(n_words, dim=100):
    """word2vec's starting rows for ``n_words`` words: C's input rows, zero outputs (no tree)."""
    import numpy as np

    from skvec._kernels import word2vec as kernels

    inputs = kernels.InputRows(kernels.init_input_vectors(n_words, dim, 1), np.zeros(n_words + 1, np.int64),
                               np.zeros(0, np.int32))
    return inputs, kernels.OutputRows(np.zeros((n_words, dim), np.float32), np.zeros((1, dim), np.float32))


def _new_state():
    """The state of one chunk, generator seeded at 1."""
    import numpy as np

    from skvec._kernels import word2vec as kernels

    return kernels.ThreadState(np.array([1], dtype=np.uint64), np.zeros(8, np.int64), np.zeros(1),
                               np.zeros(1, np.int64))


def ab_kernels(old_file, arch, n_words, n_tokens=1_000_000, rounds=8):
    """CPU ns per example of an older shared-negatives kernel file and today's, alternating in one process.

    ``old_file`` is a copy of an older ``skvec/_kernels/word2vec_shared.py``
    (e.g. from ``git show REV:skvec/_kernels/word2vec_shared.py``); it is
    loaded as a module of ``skvec._kernels`` so that its relative imports
    resolve to today's package.  The first round (compilation, warm-up) is
    dropped.
    """
    import importlib.util

    from skvec._kernels import word2vec_shared
    from skvec._threads import numba_threads

    spec = importlib.util.spec_from_file_location("skvec._kernels._shared_before", old_file)
    old = importlib.util.module_from_spec(spec)
    # Registered, so that Numba's cache of the old kernels can find their module again.
    sys.modules[spec.name] = old
    spec.loader.exec_module(old)
    ids, offsets, bounds, first_doc, tables, settings = _synthetic_block(arch, n_words, n_tokens)
    blocks = {"before": old.train_block, "today": word2vec_shared.train_block}
    models = {name: _new_model(n_words) for name in blocks}
    times = {name: [] for name in blocks}
    with numba_threads(1):
        for round_ in range(rounds):
            for name in (("before", "today") if round_ % 2 == 0 else ("today", "before")):
                state = _new_state()
                inputs, outputs = models[name]
                start = time.process_time()
                blocks[name](ids, offsets, bounds, first_doc, inputs, outputs, tables, settings, 0, state)
                if round_ > 0:
                    times[name].append(1e9 * (time.process_time() - start) / int(state.examples[0]))
    for name in blocks:
        print(f"{arch:8s} {n_words:6d} words, {name:6s}: {' '.join(f'{t:.0f}' for t in times[name])} ns an example, "
              f"median {statistics.median(times[name]):.0f}")
    paired = statistics.median(t / b for t, b in zip(times["today"], times["before"]))
    print(f"{arch:8s} {n_words:6d} words: today / before, paired median {paired:.3f}", flush=True)


def report_kernels():
    for arch in ("skipgram", "cbow"):
        for n_words in (1_000, 70_000):
            per_example = time_kernels(arch, n_words)
            print(f"{arch:8s} {n_words:6d} words: default {1e9 * per_example['default']:.0f} ns, "
                  f"shared {1e9 * per_example['shared']:.0f} ns an example; "
                  f"ratio shared / default {per_example['shared'] / per_example['default']:.2f}", flush=True)


def child(args, shared, negative, window):
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", "--arch", args.arch, "--epochs", str(args.epochs),
           "--seed", str(args.seed), "--n-jobs", str(args.n_jobs), "--corpus", args.corpus,
           "--negative", str(negative), "--window", str(window)]
    if args.max_lines:
        cmd += ["--max-lines", str(args.max_lines)]
    if shared:
        cmd.append("--shared")
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def describe(run):
    return (f"train {run['train_time']:.1f} s, analogy {run['accuracy']:.2f} %, wordsim353 {run['wordsim353']:.3f}, "
            f"simlex999 {run['simlex999']:.3f}, final loss {run['loss']:.4f}")


def compare(args, negative, window):
    runs = {False: [], True: []}
    for repeat in range(args.repeats):
        for shared in (False, True) if repeat % 2 == 0 else (True, False):
            runs[shared].append(child(args, shared, negative, window))
            name = "shared " if shared else "default"
            print(f"  run {repeat + 1} {name}: {describe(runs[shared][-1])}", flush=True)
    medians = {shared: {key: statistics.median(r[key] for r in rs) for key in rs[0]} for shared, rs in runs.items()}
    for shared in (False, True):
        print(f"{'shared ' if shared else 'default'} median of {args.repeats}: {describe(medians[shared])}")
    base, fast = medians[False], medians[True]
    print(f"ratio shared / default train time: {fast['train_time'] / base['train_time']:.3f}; "
          f"analogy {fast['accuracy'] - base['accuracy']:+.2f} points; "
          f"wordsim353 {fast['wordsim353'] - base['wordsim353']:+.3f}; "
          f"simlex999 {fast['simlex999'] - base['simlex999']:+.3f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--arch", choices=("skipgram", "cbow"), default="skipgram")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--corpus", default=str(WIKI17M))
    parser.add_argument("--max-lines", type=int, default=None, help="first lines of the corpus only")
    parser.add_argument("--negative", default="5", help="comma-separated list: a table of the shared mode")
    parser.add_argument("--window", default="5", help="comma-separated list: a table of the shared mode")
    parser.add_argument("--kernels", action="store_true", help="time the block kernels alone (synthetic corpus)")
    parser.add_argument("--ab", default=None, metavar="OLD_FILE",
                        help="time an older word2vec_shared.py against today's, alternating in one process")
    parser.add_argument("--shared", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    negatives = [int(v) for v in args.negative.split(",")]
    windows = [int(v) for v in args.window.split(",")]
    if args.worker:
        print(json.dumps(run_fit(args, args.shared, negatives[0], windows[0])), flush=True)
        return
    if args.kernels:
        report_kernels()
        return
    if args.ab:
        for n_words in (1_000, 70_000):
            ab_kernels(args.ab, args.arch, n_words)
        return
    started = time.perf_counter()
    print(f"word2vec {args.arch}, 100 d, sample 1e-3, min_count 5, {args.epochs} epochs, {args.n_jobs} threads, "
          f"{os.path.basename(args.corpus)}{f' (first {args.max_lines} lines)' if args.max_lines else ''}",
          flush=True)
    if len(negatives) == 1 and len(windows) == 1:
        compare(args, negatives[0], windows[0])
    else:
        for negative in negatives:
            for window in windows:
                print(f"shared negative={negative} window={window}: {describe(child(args, True, negative, window))}",
                      flush=True)
    print(f"({time.perf_counter() - started:.0f} s in all)")


if __name__ == "__main__":
    main()
