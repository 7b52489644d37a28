"""Word2VecEmbedder against gensim's Word2Vec on the same corpus and settings.

Trains both on ``../shared/data/wiki17m.txt.gz`` (one paragraph a line,
lowercase, space separated) with identical settings -- 100 dimensions,
window 5, 5 negatives, sample 1e-3, min_count 5, 5 epochs, 2 threads, each
library's default learning rates -- and prints, for each: training time (the
training call only), raw words/s (corpus tokens x epochs / training time),
Google analogy accuracy (restrict_vocab=30000, 3CosAdd, out-of-scope
questions skipped; scored by gensim's ``KeyedVectors.evaluate_word_analogies``
for both sets of vectors so the metric is identical) and peak RSS, with the
ratios skvec / gensim.

Each library runs in its own child process, one after the other, so that the
peak RSS of one is not mixed with the other's and neither trains while the
other runs.  gensim gets the corpus as a list of token lists (one shared str
per distinct token), loaded before its clock starts: its fastest mode here.
Its ``corpus_file`` mode (``--gensim-mode corpus_file``, C++ file reader)
keeps gensim's memory smaller but was slower on this 2-core machine (skip-gram:
558 s against 292 s, in two runs under different background load).  skvec reads the same uncompressed file line by line
(tokens split on spaces); its corpus encoding (vocabulary + int32 ids) is
timed separately from training.  Peak RSS is each child's maximum resident
size at the end of training, before evaluation.

Run under the shared CPU lock, e.g.::

    flock /tmp/skvec-cpu.lock python benchmarks/word2vec_vs_gensim.py --arch skipgram
"""

import argparse
import gzip
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time

from _common import QUESTIONS as QUESTIONS_PATH, WIKI17M

CORPUS_GZ = str(WIKI17M)  # ../shared/data, or $SKVEC_DATA
QUESTIONS = str(QUESTIONS_PATH)

SETTINGS = dict(dim=100, window=5, negative=5, sample=1e-3, min_count=5, threads=2)


def _peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _analogy(keyed_vectors):
    score, sections = keyed_vectors.evaluate_word_analogies(
        QUESTIONS, restrict_vocab=30000, case_insensitive=True
    )
    total = sections[-1]
    evaluated = len(total["correct"]) + len(total["incorrect"])
    # The questions themselves, so that both libraries can also be scored on
    # the questions in scope for both (their 30000 most frequent words differ
    # by how ties in count are ordered).
    correct = [" ".join(q) for q in total["correct"]]
    wrong = [" ".join(q) for q in total["incorrect"]]
    return 100.0 * score, evaluated, correct, wrong


def _count_questions():
    with open(QUESTIONS) as handle:
        return sum(1 for line in handle if line.strip() and not line.startswith(":"))


def run_gensim(args, corpus_txt):
    from gensim.models import Word2Vec

    hs = 1 if args.hs else 0
    negative = 0 if args.hs else SETTINGS["negative"]
    model = Word2Vec(
        vector_size=SETTINGS["dim"],
        window=SETTINGS["window"],
        negative=negative,
        hs=hs,
        sample=SETTINGS["sample"],
        min_count=SETTINGS["min_count"],
        workers=SETTINGS["threads"],
        sg=1 if args.arch == "skipgram" else 0,
        epochs=args.epochs,
        seed=args.seed,
    )
    if args.gensim_mode == "corpus_file":
        model.build_vocab(corpus_file=corpus_txt)
        started = time.perf_counter()
        _, raw = model.train(
            corpus_file=corpus_txt,
            total_words=model.corpus_total_words,
            total_examples=model.corpus_count,
            epochs=args.epochs,
        )
        train_time = time.perf_counter() - started
    else:
        # One shared str object per distinct token, as a tokenizer feeding a
        # vocabulary would give; the lists hold references, not copies.
        intern = {}
        with open(corpus_txt) as handle:
            sentences = [[intern.setdefault(token, token) for token in line.split()] for line in handle]
        del intern
        model.build_vocab(sentences)
        started = time.perf_counter()
        _, raw = model.train(
            sentences, total_examples=model.corpus_count, total_words=model.corpus_total_words, epochs=args.epochs
        )
        train_time = time.perf_counter() - started
    rss = _peak_rss_mb()
    accuracy, evaluated, correct, wrong = _analogy(model.wv)
    return dict(
        correct=correct,
        wrong=wrong,
        train_time=train_time,
        corpus_tokens=int(model.corpus_total_words),
        raw_words=int(raw),
        alpha=model.alpha,
        accuracy=accuracy,
        evaluated=evaluated,
        peak_rss_mb=rss,
        n_words=len(model.wv),
    )


def run_skvec(args, corpus_txt):
    import numpy as np

    from skvec.word2vec import Word2VecEmbedder

    model = Word2VecEmbedder(
        SETTINGS["dim"],
        architecture=args.arch,
        window=SETTINGS["window"],
        negative=0 if args.hs else SETTINGS["negative"],
        hierarchical_softmax=args.hs,
        sample=SETTINGS["sample"],
        min_count=SETTINGS["min_count"],
        epochs=args.epochs,
        n_jobs=SETTINGS["threads"],
        random_state=args.seed,
        tokenizer=str.split,
        lowercase=False,
        verbose=args.verbose,
    )
    with open(corpus_txt) as handle:
        model.fit(handle)
    rss = _peak_rss_mb()
    from gensim.models import KeyedVectors

    words = sorted(model.vocabulary_, key=model.vocabulary_.__getitem__)
    kv = KeyedVectors(SETTINGS["dim"])
    kv.add_vectors(words, np.asarray(model.embedding_))
    accuracy, evaluated, correct, wrong = _analogy(kv)
    result = dict(
        correct=correct,
        wrong=wrong,
        train_time=model.training_time_,
        encode_time=model.encoding_time_,
        alpha=model.alpha if model.alpha is not None else (0.025 if args.arch == "skipgram" else 0.05),
        accuracy=accuracy,
        evaluated=evaluated,
        peak_rss_mb=rss,
        n_words=len(words),
        loss_curve=model.loss_curve_,
    )
    if args.skvec_metric:
        try:
            from skvec.metrics import analogy_accuracy
            from skvec.vectors import get_word_vectors
        except ImportError:
            pass
        else:
            result["skvec_metric"] = repr(
                analogy_accuracy(get_word_vectors(model), QUESTIONS, restrict_vocab=30000)
            )
    return result


def _ensure_plain_corpus(path):
    if not os.path.exists(path):
        tmp = path + ".part"
        with gzip.open(CORPUS_GZ, "rb") as src, open(tmp, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        os.replace(tmp, path)
    return path


def _child(args, which):
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", which, "--arch", args.arch,
           "--epochs", str(args.epochs), "--seed", str(args.seed), "--gensim-mode", args.gensim_mode,
           "--corpus-txt", args.corpus_txt, "--verbose", str(args.verbose)]
    if args.hs:
        cmd.append("--hs")
    if args.skvec_metric:
        cmd.append("--skvec-metric")
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--arch", choices=("skipgram", "cbow"), default="skipgram")
    parser.add_argument("--hs", action="store_true", help="hierarchical softmax instead of negative sampling (negative=0)")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--gensim-mode", choices=("corpus_file", "iterable"), default="iterable")
    parser.add_argument("--only", choices=("both", "gensim", "skvec"), default="both")
    parser.add_argument("--corpus-txt", default="/tmp/wiki17m.txt", help="where the uncompressed corpus is kept")
    parser.add_argument("--skvec-metric", action="store_true", help="also score with skvec.metrics.analogy_accuracy")
    parser.add_argument("--verbose", type=int, default=0)
    parser.add_argument("--worker", choices=("gensim", "skvec"), help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        run = run_gensim if args.worker == "gensim" else run_skvec
        print(json.dumps(run(args, args.corpus_txt)), flush=True)
        return

    _ensure_plain_corpus(args.corpus_txt)
    n_questions = _count_questions()
    mode = args.arch + (" with hierarchical softmax (negative=0)" if args.hs else " with negative sampling")
    settings = dict(SETTINGS, negative=0 if args.hs else SETTINGS["negative"], hs=int(args.hs))
    print(f"word2vec {mode}: {settings}, epochs={args.epochs}, gensim mode {args.gensim_mode}", flush=True)
    results = {"gensim": [], "skvec": []}
    which = ("gensim", "skvec") if args.only == "both" else (args.only,)
    for repeat in range(args.repeats):
        for name in which:
            res = _child(args, name)
            results[name].append(res)
            extra = f", encode {res['encode_time']:.1f}s" if "encode_time" in res else ""
            print(f"  run {repeat + 1} {name:6s}: train {res['train_time']:.1f}s{extra}, "
                  f"accuracy {res['accuracy']:.2f}% ({res['evaluated']}/{n_questions}), "
                  f"peak RSS {res['peak_rss_mb']:.0f} MB, alpha {res['alpha']}", flush=True)
            if "loss_curve" in res:
                print(f"    loss per epoch {['%.4f' % v for v in res['loss_curve']]}", flush=True)
            if "skvec_metric" in res:
                print(f"    skvec.metrics: {res['skvec_metric']}", flush=True)

    tokens = None
    if results["gensim"]:
        tokens = results["gensim"][0]["corpus_tokens"]
    summary = {}
    for name, runs in results.items():
        if not runs:
            continue
        train = statistics.median(r["train_time"] for r in runs)
        summary[name] = dict(
            train=train,
            accuracy=statistics.median(r["accuracy"] for r in runs),
            rss=statistics.median(r["peak_rss_mb"] for r in runs),
            rate=(tokens * args.epochs / train) if tokens else float("nan"),
        )
        line = (f"{name:6s} median of {len(runs)}: train {train:.1f}s, "
                f"{summary[name]['rate'] / 1e3:.0f}k raw words/s, accuracy {summary[name]['accuracy']:.2f}%, "
                f"peak RSS {summary[name]['rss']:.0f} MB")
        if name == "skvec":
            line += f", encoding {statistics.median(r['encode_time'] for r in runs):.1f}s (not in train)"
        print(line)
    if len(summary) == 2:
        common = []
        for g_run, s_run in zip(results["gensim"], results["skvec"]):
            both = (set(g_run["correct"]) | set(g_run["wrong"])) & (set(s_run["correct"]) | set(s_run["wrong"]))
            common.append((
                100.0 * len(both & set(g_run["correct"])) / len(both),
                100.0 * len(both & set(s_run["correct"])) / len(both),
                len(both),
            ))
        g_common = statistics.median(c[0] for c in common)
        s_common = statistics.median(c[1] for c in common)
        print(f"on the {common[0][2]} questions in scope for both: gensim {g_common:.2f}%, skvec {s_common:.2f}% "
              f"({s_common - g_common:+.2f} points)")
        g, s = summary["gensim"], summary["skvec"]
        print(f"ratio skvec/gensim: train time {s['train'] / g['train']:.3f} (target <= 0.8), "
              f"accuracy {s['accuracy'] - g['accuracy']:+.2f} points (target >= -0.5), "
              f"peak RSS {s['rss'] - g['rss']:+.0f} MB (target <= +200)")


if __name__ == "__main__":
    main()
