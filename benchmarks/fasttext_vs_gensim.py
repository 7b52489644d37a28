"""FastTextEmbedder against gensim's FastText and the fastText C++ tool, same corpus and settings.

Trains on ``../shared/data/wiki17m.txt.gz`` (one paragraph a line, lowercase,
space separated) with identical settings -- 100 dimensions, window 5, 5
negatives, sample 1e-3, min_count 5, n-grams of 3 to 6 characters in 2M
buckets, 5 epochs, 2 threads, the same initial learning rate (0.025 for
skip-gram, 0.05 for CBOW, word2vec's defaults) -- and prints, for each of

- ``skvec``: ``FastTextEmbedder``;
- ``gensim``: gensim's ``FastText`` (a list of token lists, built before its
  clock starts, its fastest mode);
- ``fasttext``: the fastText C++ tool through its Python binding (the
  ``fasttext-wheel`` package; skipped when it is not installed).  It reads
  the uncompressed file itself, and its time includes building its
  vocabulary (a few seconds);
- ``word2vec``: skvec's own ``Word2VecEmbedder`` at the same settings, the
  baseline of the subword model's syntactic gain;

the training time (the training call only), Google analogy accuracy
(restrict_vocab=30000, 3CosAdd, case-insensitive, out-of-scope questions
skipped; all sets of word vectors scored by gensim's
``KeyedVectors.evaluate_word_analogies`` so the metric is identical), its
semantic and syntactic parts, and peak RSS, then the acceptance ratios.

Each run is a child process, one after the other, so that peak RSS is each
library's own and no two train at once.  With ``--repeats N`` every library
runs N times (interleaved) and medians are printed.

Run under the shared CPU lock, e.g.::

    flock /tmp/skvec-cpu.lock python benchmarks/fasttext_vs_gensim.py --arch skipgram
    flock /tmp/skvec-cpu.lock python benchmarks/fasttext_vs_gensim.py --arch cbow
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

from _common import QUESTIONS, WIKI17M as CORPUS_GZ  # ../shared/data, or $SKVEC_DATA

SETTINGS = dict(dim=100, window=5, negative=5, sample=1e-3, min_count=5, min_n=3, max_n=6, bucket=2_000_000,
                threads=2)
LIBRARIES = ("skvec", "gensim", "fasttext", "word2vec")


def _alpha(arch):
    return 0.025 if arch == "skipgram" else 0.05


def _peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _analogy(words, vectors):
    """Overall, semantic and syntactic accuracy (%) and questions evaluated, by gensim's evaluation."""
    from gensim.models import KeyedVectors

    kv = KeyedVectors(vectors.shape[1])
    kv.add_vectors(list(words), vectors)
    score, sections = kv.evaluate_word_analogies(str(QUESTIONS), restrict_vocab=30000, case_insensitive=True)
    parts = {"semantic": [0, 0], "syntactic": [0, 0]}
    for section in sections[:-1]:
        part = parts["syntactic" if section["section"].startswith("gram") else "semantic"]
        part[0] += len(section["correct"])
        part[1] += len(section["correct"]) + len(section["incorrect"])
    total = sections[-1]
    return dict(
        accuracy=100.0 * score,
        semantic=100.0 * parts["semantic"][0] / max(parts["semantic"][1], 1),
        syntactic=100.0 * parts["syntactic"][0] / max(parts["syntactic"][1], 1),
        evaluated=len(total["correct"]) + len(total["incorrect"]),
    )


def _read_sentences(corpus_txt):
    # One shared str object per distinct token, as a tokenizer feeding a
    # vocabulary would give; the lists hold references, not copies.
    intern = {}
    with open(corpus_txt) as handle:
        return [[intern.setdefault(token, token) for token in line.split()] for line in handle]


def run_gensim(args, corpus_txt):
    from gensim.models import FastText

    model = FastText(
        vector_size=SETTINGS["dim"], window=SETTINGS["window"], negative=SETTINGS["negative"],
        sample=SETTINGS["sample"], min_count=SETTINGS["min_count"], min_n=SETTINGS["min_n"],
        max_n=SETTINGS["max_n"], bucket=SETTINGS["bucket"], workers=SETTINGS["threads"],
        sg=1 if args.arch == "skipgram" else 0, alpha=_alpha(args.arch), epochs=args.epochs, seed=args.seed,
    )
    sentences = _read_sentences(corpus_txt)
    model.build_vocab(sentences)
    started = time.perf_counter()
    model.train(sentences, total_examples=model.corpus_count, total_words=model.corpus_total_words,
                epochs=args.epochs)
    train_time = time.perf_counter() - started
    rss = _peak_rss_mb()
    return dict(_analogy(model.wv.index_to_key, model.wv.vectors), train_time=train_time, peak_rss_mb=rss,
                n_words=len(model.wv))


def run_fasttext(args, corpus_txt):
    import fasttext
    import numpy as np

    started = time.perf_counter()
    model = fasttext.train_unsupervised(
        corpus_txt, model=args.arch, dim=SETTINGS["dim"], ws=SETTINGS["window"], neg=SETTINGS["negative"],
        t=SETTINGS["sample"], minCount=SETTINGS["min_count"], minn=SETTINGS["min_n"], maxn=SETTINGS["max_n"],
        bucket=SETTINGS["bucket"], thread=SETTINGS["threads"], lr=_alpha(args.arch), epoch=args.epochs,
        verbose=0,
    )
    train_time = time.perf_counter() - started
    rss = _peak_rss_mb()
    words = model.words
    vectors = np.stack([model.get_word_vector(word) for word in words])
    return dict(_analogy(words, vectors), train_time=train_time, peak_rss_mb=rss, n_words=len(words))


def run_skvec(args, corpus_txt, subwords=True):
    from skvec import FastTextEmbedder, Word2VecEmbedder

    common = dict(
        architecture=args.arch, window=SETTINGS["window"], negative=SETTINGS["negative"],
        sample=SETTINGS["sample"], min_count=SETTINGS["min_count"], alpha=_alpha(args.arch), epochs=args.epochs,
        n_jobs=SETTINGS["threads"], random_state=args.seed, tokenizer=str.split, lowercase=False,
        verbose=args.verbose,
    )
    if subwords:
        model = FastTextEmbedder(SETTINGS["dim"], min_n=SETTINGS["min_n"], max_n=SETTINGS["max_n"],
                                 bucket=SETTINGS["bucket"], **common)
    else:
        model = Word2VecEmbedder(SETTINGS["dim"], **common)
    with open(corpus_txt) as handle:
        model.fit(handle)
    rss = _peak_rss_mb()
    words = sorted(model.vocabulary_, key=model.vocabulary_.__getitem__)
    return dict(_analogy(words, model.embedding_), train_time=model.training_time_, peak_rss_mb=rss,
                encode_time=model.encoding_time_, n_words=len(words), loss_curve=model.loss_curve_)


def _ensure_plain_corpus(path, max_lines):
    if not os.path.exists(path):
        tmp = path + ".part"
        with gzip.open(CORPUS_GZ, "rb") as src, open(tmp, "wb") as dst:
            if max_lines:
                for _, line in zip(range(max_lines), src):
                    dst.write(line)
            else:
                shutil.copyfileobj(src, dst, 1 << 20)
        os.replace(tmp, path)
    return path


def _child(args, which):
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", which, "--arch", args.arch,
           "--epochs", str(args.epochs), "--seed", str(args.seed), "--corpus-txt", args.corpus_txt,
           "--verbose", str(args.verbose)]
    completed = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
    if completed.returncode != 0:
        return None
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _available(name):
    if name != "fasttext":
        return True
    try:
        import fasttext  # noqa: F401
    except ImportError:
        print("fastText C++ tool not installed (pip install fasttext-wheel): skipped", flush=True)
        return False
    return True


def _report_run(name, repeat, res):
    extra = f", encode {res['encode_time']:.1f}s" if "encode_time" in res else ""
    print(f"  run {repeat + 1} {name:8s}: train {res['train_time']:.1f}s{extra}, analogy {res['accuracy']:.2f}% "
          f"(semantic {res['semantic']:.2f}%, syntactic {res['syntactic']:.2f}%, {res['evaluated']} questions), "
          f"peak RSS {res['peak_rss_mb']:.0f} MB, {res['n_words']} words", flush=True)


def _summary(results):
    summary = {}
    for name, runs in results.items():
        if not runs:
            continue
        summary[name] = {key: statistics.median(r[key] for r in runs)
                         for key in ("train_time", "accuracy", "semantic", "syntactic", "peak_rss_mb")}
        s = summary[name]
        print(f"{name:8s} median of {len(runs)}: train {s['train_time']:.1f}s, analogy {s['accuracy']:.2f}% "
              f"(semantic {s['semantic']:.2f}%, syntactic {s['syntactic']:.2f}%), peak RSS {s['peak_rss_mb']:.0f} MB")
    return summary


def _acceptance(summary):
    if "skvec" not in summary:
        return
    s = summary["skvec"]
    if "gensim" in summary:
        g = summary["gensim"]
        print(f"skvec / gensim FastText: train time {s['train_time'] / g['train_time']:.3f} (target <= 0.8), "
              f"analogy {s['accuracy'] - g['accuracy']:+.2f} points (target >= -0.5), "
              f"peak RSS {s['peak_rss_mb'] - g['peak_rss_mb']:+.0f} MB")
    if "fasttext" in summary:
        f = summary["fasttext"]
        print(f"skvec / fastText C++: train time {s['train_time'] / f['train_time']:.3f}, "
              f"analogy {s['accuracy'] - f['accuracy']:+.2f} points")
    if "word2vec" in summary:
        w = summary["word2vec"]
        print(f"skvec FastText vs skvec word2vec: syntactic {s['syntactic'] - w['syntactic']:+.2f} points "
              f"(target > 0), semantic {s['semantic'] - w['semantic']:+.2f} points, "
              f"train time x{s['train_time'] / w['train_time']:.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--arch", choices=("skipgram", "cbow"), default="skipgram")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", nargs="+", choices=LIBRARIES, default=list(LIBRARIES))
    parser.add_argument("--max-lines", type=int, default=None, help="train on the first N lines only (a quick try)")
    parser.add_argument("--corpus-txt", default=None, help="where the uncompressed corpus is kept")
    parser.add_argument("--verbose", type=int, default=0)
    parser.add_argument("--worker", choices=LIBRARIES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.corpus_txt is None:
        args.corpus_txt = "/tmp/wiki17m.txt" if not args.max_lines else f"/tmp/wiki17m-{args.max_lines}.txt"

    if args.worker:
        runners = {"skvec": run_skvec, "gensim": run_gensim, "fasttext": run_fasttext,
                   "word2vec": lambda a, c: run_skvec(a, c, subwords=False)}
        print(json.dumps(runners[args.worker](args, args.corpus_txt)), flush=True)
        return

    _ensure_plain_corpus(args.corpus_txt, args.max_lines)
    print(f"fastText {args.arch}: {SETTINGS}, alpha={_alpha(args.arch)}, epochs={args.epochs}, "
          f"corpus {args.corpus_txt}", flush=True)
    which = [name for name in args.only if _available(name)]
    results = {name: [] for name in which}
    for repeat in range(args.repeats):
        for name in which:
            res = _child(args, name)
            if res is None:
                print(f"  run {repeat + 1} {name:8s}: failed", flush=True)
                continue
            results[name].append(res)
            _report_run(name, repeat, res)
    _acceptance(_summary(results))


if __name__ == "__main__":
    main()
