"""Doc2VecEmbedder against gensim's Doc2Vec, same corpus and settings, in the same run.

Settings shared by both libraries: 100 dimensions, 5 negatives, no
hierarchical softmax, sample 1e-3, min_count 5, alpha 0.025 falling to
0.0001, 20 epochs (``--epochs``), 2 threads; PV-DBOW with word training
(gensim ``dm=0, dbow_words=1``, skvec ``architecture="dbow",
train_words=True``) with window 10, PV-DM with the mean of the inputs
(gensim ``dm=1, dm_mean=1``) with window 5.  Inference uses each library's
defaults, which are the same schedule: as many passes as training epochs,
alpha 0.025 falling to 0.0001.

For each library, architecture and seed, one child process (so that peak
memory is its own) measures:

* training time: the training call only (gensim ``train`` after
  ``build_vocab``; skvec ``training_time_``, its encoding timed apart);
* inference time for 10,000 documents given as token lists: skvec one
  ``transform`` call, gensim ``infer_vector`` in a loop.  The speed of a
  shared machine drifts by a third over minutes, and the two training
  children run minutes apart, so inference is timed apart from them, in
  paired rounds: each child saves its model, then ``--infer-repeats``
  rounds (3) each load both models in fresh processes, one after the other
  (the order alternating between rounds), and time one run each.  A
  round's ratio compares runs made seconds apart; the median of the
  rounds' ratios is reported with the median times;
* macro-F1 of paragraph -> article on the 20 largest articles of the bundled
  sample (``--articles``): a stratified quarter of their paragraphs is held out; the held-out
  paragraphs get inferred vectors; the other labelled paragraphs their
  trained vectors (``--corpus sample``, where they are part of the training
  corpus) or inferred ones too (``--corpus wiki17m``, where they are not);
  classifier ``StandardScaler`` + ``LogisticRegression``, the same for both;
* with ``--corpus sample``, also ``f1_pipeline``: the same task with inferred
  vectors for the training paragraphs too, which is what a scikit-learn
  pipeline gets (``fit_transform`` is ``fit`` then ``transform``).  Trained
  and inferred vectors of one paragraph differ (the trained one was last
  moved against the output weights of its last epoch, not the final ones),
  and a classifier fitted on one kind and applied to the other pays for it
  (5 epochs, one thread, seed 0: 61.5 against 84.3 for skvec, 65.5 against
  85.0 for gensim);
  on 20 articles the test set is some 750 paragraphs, and the macro-F1 of
  one library moves by about two points between runs of the same seed (two
  threads); ``--articles 100`` (2,628 held-out paragraphs) separates the
  libraries better;
* peak RSS of the training child (training, then the F1 task, whose
  inference of some 3,000 paragraphs allocates what inference needs).

Corpora: ``sample`` trains on every paragraph of the bundled sample but the
held-out ones (about 2.5 million tokens); ``wiki17m`` on the first
``--max-docs`` paragraphs of ``wiki17m.txt.gz`` (all 238,668 by default).

Run under the shared CPU lock, e.g.::

    flock /tmp/skvec-cpu.lock python benchmarks/doc2vec_vs_gensim.py --corpus sample --seeds 0 1 2
    flock /tmp/skvec-cpu.lock python benchmarks/doc2vec_vs_gensim.py --corpus wiki17m --max-docs 60000 \\
        --epochs 10 --seeds 0
"""

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from _common import WIKI17M, peak_rss_mb, read_lines

N_INFER = 10_000
N_ARTICLES = 20
ARCHITECTURES = {
    "dbow": dict(window=10),
    "dm": dict(window=5),
}


def _task(n_articles=N_ARTICLES):
    """Labelled paragraphs (token lists) of the ``n_articles`` largest articles and the held-out split."""
    from sklearn.model_selection import train_test_split

    from skvec.datasets import load_wiki_sample

    data = load_wiki_sample()
    docs = [paragraph.split() for paragraph in data.data]
    target = np.asarray(data.target)
    largest = np.argsort(-np.bincount(target), kind="stable")[:n_articles]
    labelled = np.flatnonzero(np.isin(target, largest))
    train, test = train_test_split(labelled, test_size=0.25, stratify=target[labelled], random_state=0)
    return docs, target, np.sort(train), np.sort(test)


def _corpus(args, docs, test):
    """Training documents, and the row of each sample paragraph among them (-1 when absent)."""
    if args.corpus == "sample":
        keep = np.ones(len(docs), dtype=bool)
        keep[test] = False
        rows = np.full(len(docs), -1)
        rows[keep] = np.arange(int(keep.sum()))
        return [doc for doc, kept in zip(docs, keep) if kept], rows
    lines = read_lines(WIKI17M, args.max_docs)
    return [line.split() for line in lines], np.full(len(docs), -1)


class Skvec:
    def __init__(self, arch, seed, epochs):
        from skvec import Doc2VecEmbedder

        self.model = Doc2VecEmbedder(
            100, architecture=arch, train_words=arch == "dbow", negative=5, sample=1e-3, min_count=5,
            epochs=epochs, alpha=0.025, min_alpha=0.0001, n_jobs=2, random_state=seed, **ARCHITECTURES[arch])

    def train(self, corpus):
        started = time.perf_counter()
        self.model.fit(corpus)
        total = time.perf_counter() - started
        return self.model.training_time_, total - self.model.training_time_

    def trained(self, rows):
        return self.model.document_vectors_[rows]

    def infer(self, docs):
        return self.model.transform(docs)

    def save(self, path):
        import pickle

        with open(path, "wb") as f:
            pickle.dump(self.model, f)

    @classmethod
    def load(cls, path):
        import pickle

        library = cls.__new__(cls)
        with open(path, "rb") as f:
            library.model = pickle.load(f)
        return library


class Gensim:
    def __init__(self, arch, seed, epochs):
        from gensim.models.doc2vec import Doc2Vec

        self.model = Doc2Vec(
            vector_size=100, dm=int(arch == "dm"), dbow_words=int(arch == "dbow"), dm_mean=1, negative=5, hs=0,
            sample=1e-3, min_count=5, epochs=epochs, alpha=0.025, min_alpha=0.0001, workers=2, seed=seed,
            **ARCHITECTURES[arch])

    def train(self, corpus):
        from gensim.models.doc2vec import TaggedDocument

        tagged = [TaggedDocument(doc, [i]) for i, doc in enumerate(corpus)]
        started = time.perf_counter()
        self.model.build_vocab(tagged)
        vocabulary = time.perf_counter() - started
        started = time.perf_counter()
        self.model.train(tagged, total_examples=len(tagged), epochs=self.model.epochs)
        return time.perf_counter() - started, vocabulary

    def trained(self, rows):
        return np.vstack([self.model.dv[int(row)] for row in rows])

    def infer(self, docs):
        return np.vstack([self.model.infer_vector(doc) for doc in docs])

    def save(self, path):
        self.model.save(str(path))

    @classmethod
    def load(cls, path):
        from gensim.models.doc2vec import Doc2Vec

        library = cls.__new__(cls)
        library.model = Doc2Vec.load(str(path))
        return library


def _macro_f1(x_train, y_train, x_test, y_test):
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    classifier = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
    classifier.fit(x_train, y_train)
    return f1_score(y_test, classifier.predict(x_test), average="macro")


LIBRARIES = {"skvec": Skvec, "gensim": Gensim}


def _inference_batch(args):
    """The 10,000 timed documents: the training corpus's first ones, cycled."""
    docs, _, _, test = _task(args.articles)
    corpus, _ = _corpus(args, docs, test)
    return [corpus[i % len(corpus)] for i in range(N_INFER)]


def child(args):
    """Train one library, score the task, save the model to ``--model``; print JSON."""
    docs, target, train, test = _task(args.articles)
    corpus, rows = _corpus(args, docs, test)
    library = LIBRARIES[args.library](args.arch, args.seed, args.epochs)
    train_seconds, prepare_seconds = library.train(corpus)
    if args.corpus == "sample":
        x_train = library.trained(rows[train])
    else:
        x_train = library.infer([docs[i] for i in train])
    x_test = library.infer([docs[i] for i in test])
    f1 = _macro_f1(x_train, target[train], x_test, target[test])
    f1_pipeline = f1
    if args.corpus == "sample":
        f1_pipeline = _macro_f1(library.infer([docs[i] for i in train]), target[train], x_test, target[test])
    peak_mb = peak_rss_mb()
    library.save(args.model)
    print(json.dumps(dict(train=train_seconds, prepare=prepare_seconds, f1=f1, f1_pipeline=f1_pipeline,
                          peak_mb=peak_mb, n_docs=len(corpus), n_tokens=int(sum(map(len, corpus))))))


def infer_child(args):
    """Load the model at ``--model`` and time one inference of the batch; print JSON."""
    batch = _inference_batch(args)
    library = LIBRARIES[args.library].load(args.model)
    # Compiled (skvec: loaded from Numba's cache) before timing.
    library.infer(batch[:10])
    started = time.perf_counter()
    library.infer(batch)
    print(json.dumps(dict(infer=time.perf_counter() - started)))


def _run_child(args, library, arch, seed, model, infer=False):
    command = [sys.executable, __file__, "--infer-child" if infer else "--child", library, "--arch", arch,
               "--seed", str(seed), "--corpus", args.corpus, "--epochs", str(args.epochs),
               "--articles", str(args.articles), "--model", str(model)]
    if args.max_docs:
        command += ["--max-docs", str(args.max_docs)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def _compare(args, arch, seed, models):
    """Train both libraries, then time their inference in paired rounds; the results of each."""
    results = {}
    for lib in LIBRARIES:
        results[lib] = _run_child(args, lib, arch, seed, models / f"{lib}-{arch}-{seed}")
        print(f"  {lib:6s} {arch:4s} seed {seed}: {json.dumps(results[lib])}", flush=True)
    times = {lib: [] for lib in LIBRARIES}
    ratios = []
    for round_ in range(args.infer_repeats):
        order = list(LIBRARIES) if round_ % 2 == 0 else list(reversed(LIBRARIES))
        for lib in order:
            model = models / f"{lib}-{arch}-{seed}"
            times[lib].append(_run_child(args, lib, arch, seed, model, infer=True)["infer"])
        ratios.append(times["skvec"][-1] / times["gensim"][-1])
        print(f"  inference round {round_} ({' then '.join(order)}): skvec {times['skvec'][-1]:.2f} s, "
              f"gensim {times['gensim'][-1]:.2f} s, ratio {ratios[-1]:.3f}", flush=True)
    for lib in LIBRARIES:
        results[lib].update(infer=float(np.median(times[lib])), infer_runs=times[lib])
    results["skvec"]["infer_ratio"] = float(np.median(ratios))
    skvec, gensim = results["skvec"], results["gensim"]
    print(f"  {arch:4s} seed {seed}: inference {skvec['infer']:.2f} s vs {gensim['infer']:.2f} s, "
          f"median paired ratio {skvec['infer_ratio']:.3f}", flush=True)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", choices=["sample", "wiki17m"], default="sample")
    parser.add_argument("--max-docs", type=int, default=None, help="wiki17m: its first N paragraphs only")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--articles", type=int, default=N_ARTICLES, help="the task's largest articles")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--arch", nargs="+", default=["dbow", "dm"])
    parser.add_argument("--infer-repeats", type=int, default=3,
                        help="paired inference rounds (the medians are kept), at least 1")
    parser.add_argument("--child", choices=list(LIBRARIES), default=None)
    parser.add_argument("--infer-child", choices=list(LIBRARIES), default=None)
    parser.add_argument("--model", default=None, help="(children) where the model is saved or loaded from")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.infer_repeats < 1:
        parser.error(f"--infer-repeats must be at least 1, got {args.infer_repeats}")
    if args.child or args.infer_child:
        args.library, args.arch = args.child or args.infer_child, args.arch[0]
        (child if args.child else infer_child)(args)
        return
    print(f"corpus {args.corpus} (max_docs={args.max_docs}), {args.epochs} epochs, seeds {args.seeds}, "
          f"{args.articles} articles", flush=True)
    # Seed by seed, so that an interrupted run still has whole comparisons.
    runs = {(arch, lib): [] for arch in args.arch for lib in LIBRARIES}
    models = Path(tempfile.mkdtemp(prefix="doc2vec-models-"))
    try:
        for seed in args.seeds:
            for arch in args.arch:
                for lib, result in _compare(args, arch, seed, models).items():
                    runs[arch, lib].append(result)
    finally:
        shutil.rmtree(models)
    for arch in args.arch:
        results = {lib: runs[arch, lib] for lib in LIBRARIES}
        keys = ("train", "infer", "f1", "f1_pipeline", "peak_mb")
        summary = {lib: {key: float(np.mean([r[key] for r in runs])) for key in keys}
                   for lib, runs in results.items()}
        s, g = summary["skvec"], summary["gensim"]
        ratios = [r["infer_ratio"] for r in results["skvec"]]
        print(f"{arch}: training {s['train']:.1f} s vs {g['train']:.1f} s (ratio {s['train'] / g['train']:.2f}); "
              f"inference of {N_INFER} docs {s['infer']:.2f} s vs {g['infer']:.2f} s "
              f"(paired ratio per seed {', '.join(f'{r:.3f}' for r in ratios)}; median {np.median(ratios):.3f}); "
              f"macro-F1 {100 * s['f1']:.1f} vs {100 * g['f1']:.1f} "
              f"({100 * (s['f1'] - g['f1']):+.1f} pt), inferred for training paragraphs too "
              f"{100 * s['f1_pipeline']:.1f} vs {100 * g['f1_pipeline']:.1f} "
              f"({100 * (s['f1_pipeline'] - g['f1_pipeline']):+.1f} pt); "
              f"peak RSS {s['peak_mb']:.0f} MB vs {g['peak_mb']:.0f} MB "
              f"(means over seeds {args.seeds})", flush=True)


if __name__ == "__main__":
    main()
