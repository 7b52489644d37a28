"""Doc2VecEmbedder.transform against gensim's infer_vector loop, same models' settings, in the same run.

One model per library and architecture is trained once on the bundled sample
(every paragraph, as token lists), with the settings of
``doc2vec_vs_gensim.py`` (100 dimensions, 5 negatives, sample 1e-3,
min_count 5, alpha 0.025 -> 0.0001; PV-DBOW with word training and window
10, PV-DM with the mean of the inputs and window 5) but only ``--epochs``
training epochs (5 by default, to keep the run short).  Inference runs
``--infer-epochs`` passes (20 by default) on both sides, at the same rates.

Timed, for the first 10,000 paragraphs given as token lists:

* skvec: one ``transform`` call (encoding included), median of ``--repeats``
  runs, with ``n_jobs=2`` and ``n_jobs=1``; the encoding alone is timed apart;
* gensim: ``infer_vector`` in a Python loop (one thread), median of
  ``--gensim-repeats`` runs.

Ratios are skvec / gensim of the same run.  Run under the shared CPU lock::

    flock /tmp/skvec-cpu.lock python benchmarks/doc2vec_inference.py

``--save-models DIR`` pickles the trained skvec models; ``--ab OLD`` then
times ``transform`` of those models with the package at ``OLD`` (a source
tree put first on ``PYTHONPATH``) against this tree, in alternating child
processes (``--ab-jobs`` threads, 2 by default), and checks that both give
the same bits::

    flock /tmp/skvec-cpu.lock python benchmarks/doc2vec_inference.py --skip-gensim --save-models /tmp/d2v
    flock /tmp/skvec-cpu.lock python benchmarks/doc2vec_inference.py --ab /tmp/skvec-old --models /tmp/d2v
"""

import argparse
import hashlib
import json
import os
import pickle
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from _common import median

N_INFER = 10_000
ARCHITECTURES = {"dbow": dict(window=10), "dm": dict(window=5)}
HERE = Path(__file__).resolve().parent


def _paragraphs():
    from skvec.datasets import load_wiki_sample

    return [paragraph.split() for paragraph in load_wiki_sample().data]


def _train_skvec(arch, docs, args):
    from skvec import Doc2VecEmbedder

    model = Doc2VecEmbedder(
        100, architecture=arch, train_words=arch == "dbow", negative=5, sample=1e-3, min_count=5,
        epochs=args.epochs, infer_epochs=args.infer_epochs, alpha=0.025, min_alpha=0.0001, n_jobs=2,
        random_state=0, **ARCHITECTURES[arch])
    return model.fit(docs)


def _train_gensim(arch, docs, args):
    from gensim.models.doc2vec import Doc2Vec, TaggedDocument

    model = Doc2Vec(
        vector_size=100, dm=int(arch == "dm"), dbow_words=int(arch == "dbow"), dm_mean=1, negative=5, hs=0,
        sample=1e-3, min_count=5, epochs=args.epochs, alpha=0.025, min_alpha=0.0001, workers=2, seed=0,
        **ARCHITECTURES[arch])
    model.build_vocab([TaggedDocument(doc, [i]) for i, doc in enumerate(docs)])
    model.train([TaggedDocument(doc, [i]) for i, doc in enumerate(docs)], total_examples=len(docs),
                epochs=model.epochs)
    return model


def _times(fn, repeats):
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return times, result


def _fmt(times):
    return f"{median(times):.3f} s (runs {', '.join(f'{t:.2f}' for t in times)})"


def _skvec_times(model, batch, args):
    from skvec._corpus import encode_with_vocabulary, tokenization_params

    model.set_params(n_jobs=2)
    model.transform(batch[:10])  # compiled or loaded from the cache before timing
    encode, _ = _times(lambda: encode_with_vocabulary(batch, model.vocabulary_, **tokenization_params(model)),
                       args.repeats)
    two, rows = _times(lambda: model.transform(batch), args.repeats)
    model.set_params(n_jobs=1)
    one, rows_one = _times(lambda: model.transform(batch), max(1, args.repeats // 2))
    assert np.array_equal(rows, rows_one), "the rows depend on n_jobs"
    return encode, two, one, rows


def compare(args):
    docs = _paragraphs()
    batch = docs[:N_INFER]
    print(f"{len(docs)} paragraphs, {N_INFER} inferred ({sum(map(len, batch)) / N_INFER:.1f} tokens each); "
          f"training {args.epochs} epochs, inference {args.infer_epochs} epochs; load {os.getloadavg()}",
          flush=True)
    for arch in args.arch:
        model = _train_skvec(arch, docs, args)
        if args.save_models:
            Path(args.save_models).mkdir(parents=True, exist_ok=True)
            with open(Path(args.save_models) / f"{arch}.pkl", "wb") as f:
                pickle.dump(model, f)
        encode, two, one, _ = _skvec_times(model, batch, args)
        print(f"{arch}: skvec encode {_fmt(encode)}; transform n_jobs=2 {_fmt(two)}; n_jobs=1 {_fmt(one)}",
              flush=True)
        if args.skip_gensim:
            continue
        reference = _train_gensim(arch, docs, args)
        gensim, _ = _times(lambda: [reference.infer_vector(doc, epochs=args.infer_epochs) for doc in batch],
                           args.gensim_repeats)
        print(f"{arch}: gensim infer_vector loop {_fmt(gensim)}; ratio skvec/gensim n_jobs=2 "
              f"{median(two) / median(gensim):.3f}, n_jobs=1 {median(one) / median(gensim):.3f}; "
              f"load {os.getloadavg()}", flush=True)


def ab_child(args):
    """Time transform of the saved models with whichever skvec is first on the path; print JSON."""
    import skvec

    docs = _paragraphs()[:N_INFER]
    result = {"skvec": str(Path(skvec.__file__).parent)}
    for arch in args.arch:
        with open(Path(args.models) / f"{arch}.pkl", "rb") as f:
            model = pickle.load(f)
        model.set_params(n_jobs=args.ab_jobs)
        model.transform(docs[:10])
        times, rows = _times(lambda: model.transform(docs), args.repeats)
        result[arch] = dict(seconds=median(times), sha=hashlib.sha256(rows.tobytes()).hexdigest()[:16])
    print(json.dumps(result))


def ab(args):
    trees = {"old": str(Path(args.ab).resolve()), "new": str(HERE.parent)}
    results = {name: [] for name in trees}
    print(f"A/B old={trees['old']} new={trees['new']}, n_jobs={args.ab_jobs}; load {os.getloadavg()}", flush=True)
    for round_ in range(args.rounds):
        for name in (("old", "new") if round_ % 2 == 0 else ("new", "old")):
            env = dict(os.environ, PYTHONPATH=trees[name])
            command = [sys.executable, __file__, "--ab-child", "--models", args.models, "--repeats",
                       str(args.repeats), "--ab-jobs", str(args.ab_jobs), "--arch", *args.arch]
            output = subprocess.run(command, check=True, capture_output=True, text=True, env=env).stdout
            result = json.loads(output.strip().splitlines()[-1])
            results[name].append(result)
            print(f"  round {round_} {name}: {json.dumps(result)}", flush=True)
    for arch in args.arch:
        old = median([r[arch]["seconds"] for r in results["old"]])
        new = median([r[arch]["seconds"] for r in results["new"]])
        same = {r[arch]["sha"] for r in results["old"] + results["new"]}
        print(f"{arch}: old {old:.3f} s, new {new:.3f} s, new/old {new / old:.3f}; "
              f"{'bit-identical' if len(same) == 1 else 'DIFFERENT rows'}; load {os.getloadavg()}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arch", nargs="+", default=["dbow", "dm"])
    parser.add_argument("--epochs", type=int, default=5, help="training epochs")
    parser.add_argument("--infer-epochs", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--gensim-repeats", type=int, default=1)
    parser.add_argument("--skip-gensim", action="store_true")
    parser.add_argument("--save-models", default=None)
    parser.add_argument("--ab", default=None, help="source tree of the old package")
    parser.add_argument("--models", default=None)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--ab-jobs", type=int, default=2, help="threads of the A/B's transform calls")
    parser.add_argument("--ab-child", action="store_true")
    args = parser.parse_args()
    if args.ab_child:
        ab_child(args)
    elif args.ab:
        ab(args)
    else:
        compare(args)


if __name__ == "__main__":
    main()
