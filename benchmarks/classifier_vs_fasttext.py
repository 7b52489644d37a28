"""FastTextClassifier against the fastText C++ tool (``fasttext`` wheel), same settings, same run.

Tasks:

* ``paragraphs``: the bundled Wikipedia sample, paragraph -> article (1,512
  classes), a random 80/20 split;
* ``wiki17m``: the first ``--wiki-lines`` paragraphs of ../shared/data/wiki17m.txt.gz
  labelled by article.  The file does not mark articles, so an article is
  taken to start at a paragraph of more than 25 tokens that opens with
  "<title> is|was|are|were a|an|the|one" whose title's first word is not in
  the current article's title (a heuristic: the labels are approximate, the
  same for every contender); articles with fewer than 5 paragraphs are left
  out.

``--init-vectors`` measures instead what ``init_vectors`` brings on the
paragraph task: word2vec vectors (skip-gram, 100 dimensions, 5 epochs)
learned on the first ``--wiki-lines`` paragraphs of wiki17m, against random
initial rows, same settings and seeds otherwise.

Each contender runs in a fresh process (so its peak memory is its own):
skvec (after a warm-up fit on a few documents, which loads the compiled
kernels), the C++ tool through the wheel (its training time includes
reading its input file: the tool reads and trains in one call; skvec's
includes tokenizing the Python strings, reported apart as ``encode``; the
tool's ``setup`` is the time of the same call with ``epoch=0``: reading the
file, building the dictionary and initialising the matrices, so "both
without reading" compares skvec's fit without encoding (its matrix
initialisation still in) with the tool's time less its setup) and
``TfidfVectorizer(ngram_range=(1, 2)) + LogisticRegression`` (paragraphs
only; 20,000 features, saga for 10 passes, to keep it to minutes and a
few GB: lbfgs with 1,456 classes was killed for lack of memory).
Ratios are skvec / tool.

Run from the repository root, one run at a time::

    flock /tmp/skvec-cpu.lock python benchmarks/classifier_vs_fasttext.py --task paragraphs
"""

import argparse
import gzip
import json
import os
import pickle
import re
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np

DATA = os.environ.get("SKVEC_DATA", os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data"))
_ARTICLE_START = re.compile(r"^((?:\w+ ){0,4}?\w+)(?: or [\w ]{1,40}?)? (?:is|was|are|were) (?:a|an|the|one) ")


def _wiki17m_articles(n_lines):
    """Paragraphs and heuristic article ids of the first ``n_lines`` lines of wiki17m."""
    docs, labels, title, n_articles = [], [], None, -1
    with gzip.open(os.path.join(DATA, "wiki17m.txt.gz"), "rt", encoding="utf-8") as lines:
        for i, line in enumerate(lines):
            if i >= n_lines:
                break
            line = line.strip()
            match = _ARTICLE_START.match(line)
            if match and len(line.split()) > 25 and (title is None or match.group(1).split()[0] not in title):
                title = match.group(1).split()
                n_articles += 1
            if n_articles >= 0:
                docs.append(line)
                labels.append(n_articles)
    labels = np.array(labels)
    counts = np.bincount(labels)
    keep = counts[labels] >= 5
    return [d for d, k in zip(docs, keep) if k], np.unique(labels[keep], return_inverse=True)[1]


def prepare(task, folder, wiki_lines):
    """Split the task 80/20 and write the pickles and the tool's training file."""
    from sklearn.model_selection import train_test_split

    if task == "paragraphs":
        from skvec.datasets import load_wiki_sample

        docs, y = load_wiki_sample(return_X_y=True)
    else:
        docs, y = _wiki17m_articles(wiki_lines)
    Xtr, Xte, ytr, yte = train_test_split(list(docs), np.asarray(y), test_size=0.2, random_state=0)
    with open(os.path.join(folder, "data.pkl"), "wb") as f:
        pickle.dump((Xtr, Xte, ytr, yte), f)
    with open(os.path.join(folder, "train.txt"), "w", encoding="utf-8") as f:
        for doc, label in zip(Xtr, ytr):
            f.write(f"__label__{label} {doc}\n")
    return len(Xtr), len(Xte), len(np.unique(ytr)), sum(len(d.split()) for d in Xtr)


def _scores(yte, pred):
    from sklearn.metrics import accuracy_score, f1_score

    return float(accuracy_score(yte, pred)), float(f1_score(yte, pred, average="macro"))


def _run_skvec(cfg, Xtr, Xte, ytr):
    from skvec import FastTextClassifier

    FastTextClassifier(n_components=4, loss=cfg["loss"], word_ngrams=cfg["ngrams"], bucket=100, epochs=1,
                       n_jobs=cfg["threads"]).fit(Xtr[:50], ytr[:50]).predict(Xte[:10])
    clf = FastTextClassifier(n_components=cfg["dim"], loss=cfg["loss"], word_ngrams=cfg["ngrams"],
                             alpha=cfg["lr"], epochs=cfg["epochs"], n_jobs=cfg["threads"], random_state=cfg["seed"])
    started = time.perf_counter()
    clf.fit(Xtr, ytr)
    train = time.perf_counter() - started
    started = time.perf_counter()
    pred = clf.predict(Xte)
    return {"train": train, "encode": clf.encoding_time_, "predict": time.perf_counter() - started}, pred


def _run_tool(cfg, folder, Xte):
    import fasttext

    settings = dict(dim=cfg["dim"], loss=cfg["loss"], wordNgrams=cfg["ngrams"], lr=cfg["lr"], thread=cfg["threads"],
                    seed=cfg["seed"], verbose=0)
    # epoch=0: the tool reads its file, builds its dictionary and initialises its matrices, and stops.
    started = time.perf_counter()
    fasttext.train_supervised(os.path.join(folder, "train.txt"), epoch=0, **settings)
    setup = time.perf_counter() - started
    started = time.perf_counter()
    model = fasttext.train_supervised(os.path.join(folder, "train.txt"), epoch=cfg["epochs"], **settings)
    train = time.perf_counter() - started
    started = time.perf_counter()
    # The wheel's own predict() fails on NumPy 2 (np.array(copy=False)); its C++ binding does not.
    labels, _ = model.f.multilinePredict(list(Xte), 1, 0.0, "strict")
    pred = np.array([int(label[0][len("__label__"):]) for label in labels])
    return {"train": train, "setup": setup, "predict": time.perf_counter() - started}, pred


def _run_sklearn(cfg, Xtr, Xte, ytr):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    # lbfgs keeps 10 gradient pairs of classes x features: gigabytes with 1,456 classes; saga keeps
    # one gradient per document. A few passes only, to stay in minutes (it warns it did not converge).
    model = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), min_df=2, max_features=20_000, sublinear_tf=True),
                          LogisticRegression(solver="saga", max_iter=10, tol=1e-3))
    started = time.perf_counter()
    model.fit(Xtr, ytr)
    train = time.perf_counter() - started
    started = time.perf_counter()
    pred = model.predict(Xte)
    return {"train": train, "predict": time.perf_counter() - started}, pred


def worker(cfg):
    with open(os.path.join(cfg["folder"], "data.pkl"), "rb") as f:
        Xtr, Xte, ytr, yte = pickle.load(f)
    if cfg["contender"] == "skvec":
        times, pred = _run_skvec(cfg, Xtr, Xte, ytr)
    elif cfg["contender"] == "fasttext":
        times, pred = _run_tool(cfg, cfg["folder"], Xte)
    else:
        times, pred = _run_sklearn(cfg, Xtr, Xte, ytr)
    accuracy, macro_f1 = _scores(yte, pred)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({**times, "accuracy": accuracy, "macro_f1": macro_f1, "peak_mb": peak}))


def _spawn(cfg):
    out = subprocess.run([sys.executable, __file__, "--worker", json.dumps(cfg)], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _summary(results):
    keys = ["train", "encode", "setup", "predict", "accuracy", "macro_f1", "peak_mb"]
    return {k: float(np.mean([r[k] for r in results])) for k in keys if k in results[0]}


def init_vectors_gain(args, folder):
    """Macro-F1 of the classifier with and without word2vec rows learned on wiki17m, same seeds."""
    from skvec import FastTextClassifier, Word2VecEmbedder

    with open(os.path.join(folder, "data.pkl"), "rb") as f:
        Xtr, Xte, ytr, yte = pickle.load(f)
    with gzip.open(os.path.join(DATA, "wiki17m.txt.gz"), "rt", encoding="utf-8") as lines:
        text = [line for _, line in zip(range(args.wiki_lines), lines)]
    started = time.perf_counter()
    words = Word2VecEmbedder(n_components=args.dim, min_count=5, epochs=5, n_jobs=args.threads,
                             random_state=0).fit(text + list(Xtr))
    print(f"word2vec on {len(text)} wiki17m paragraphs and the training paragraphs: "
          f"{len(words.vocabulary_)} words in {time.perf_counter() - started:.1f} s", flush=True)
    for loss in args.losses.split(","):
        for init in (None, words):
            runs = []
            for seed in range(args.seeds):
                clf = FastTextClassifier(n_components=args.dim, loss=loss, alpha=args.lr, epochs=args.epochs,
                                         init_vectors=init, n_jobs=args.threads, random_state=seed + 1)
                runs.append(_scores(yte, clf.fit(Xtr, ytr).predict(Xte)))
            accuracy, macro_f1 = np.mean(runs, axis=0)
            print(f"{loss:8s} init_vectors={'word2vec' if init is not None else 'None':9s} accuracy {accuracy:.4f}, "
                  f"macro_f1 {macro_f1:.4f} (seeds: {', '.join(f'{r[1]:.4f}' for r in runs)})", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--worker")
    parser.add_argument("--task", choices=["paragraphs", "wiki17m"], default="paragraphs")
    parser.add_argument("--losses", default="softmax,hs")
    parser.add_argument("--ngrams", default="1,2")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--dim", type=int, default=100)
    parser.add_argument("--lr", type=float, default=1.0)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--wiki-lines", type=int, default=60_000)
    parser.add_argument("--no-sklearn", action="store_true")
    parser.add_argument("--only-sklearn", action="store_true", help="run the scikit-learn baseline alone")
    parser.add_argument("--init-vectors", action="store_true", help="measure init_vectors instead (paragraphs)")
    args = parser.parse_args()
    if args.worker:
        return worker(json.loads(args.worker))
    folder = tempfile.mkdtemp(prefix="skvec-clf-")
    n_train, n_test, n_classes, n_tokens = prepare(args.task, folder, args.wiki_lines)
    print(f"task {args.task}: {n_train} training documents ({n_tokens} tokens), {n_test} test, {n_classes} classes; "
          f"dim {args.dim}, lr {args.lr}, epochs {args.epochs}, threads {args.threads}, {args.seeds} seeds",
          flush=True)
    if args.init_vectors:
        return init_vectors_gain(args, folder)
    if args.only_sklearn:
        args.losses = ""
    for loss in filter(None, args.losses.split(",")):
        for ngrams in map(int, args.ngrams.split(",")):
            base = dict(folder=folder, dim=args.dim, lr=args.lr, epochs=args.epochs, threads=args.threads,
                        loss=loss, ngrams=ngrams)
            rows = {}
            for contender in ("skvec", "fasttext"):
                rows[contender] = _summary([_spawn(dict(base, contender=contender, seed=seed + 1))
                                            for seed in range(args.seeds)])
            for contender, row in rows.items():
                print(f"{loss:8s} word_ngrams={ngrams} {contender:9s} " + ", ".join(
                    f"{k} {v:.4f}" if k in ("accuracy", "macro_f1") else f"{k} {v:.2f}" for k, v in row.items()),
                    flush=True)
            s, t = rows["skvec"], rows["fasttext"]
            print(f"{loss:8s} word_ngrams={ngrams} skvec/tool: train time x{s['train'] / t['train']:.2f} "
                  f"(skvec without encoding x{(s['train'] - s['encode']) / t['train']:.2f}; both without reading "
                  f"x{(s['train'] - s['encode']) / (t['train'] - t['setup']):.2f}), predict time "
                  f"x{s['predict'] / t['predict']:.2f}, accuracy {100 * (s['accuracy'] - t['accuracy']):+.2f} pt, "
                  f"macro-F1 {100 * (s['macro_f1'] - t['macro_f1']):+.2f} pt, peak memory "
                  f"x{s['peak_mb'] / t['peak_mb']:.2f}", flush=True)
    if args.task == "paragraphs" and not args.no_sklearn:
        row = _spawn(dict(folder=folder, contender="sklearn"))
        print("tfidf(1,2)+LogisticRegression " + ", ".join(f"{k} {v:.4f}" for k, v in row.items()), flush=True)


if __name__ == "__main__":
    main()
