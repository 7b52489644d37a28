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
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

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
    parser.add_argument("--shared", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    negatives = [int(v) for v in args.negative.split(",")]
    windows = [int(v) for v in args.window.split(",")]
    if args.worker:
        print(json.dumps(run_fit(args, args.shared, negatives[0], windows[0])), flush=True)
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
