"""Speed and agreement of ``analogy_accuracy`` against gensim's ``evaluate_word_analogies``.

Vectors: by default random 100-d vectors for the wiki17m vocabulary
(min_count 5, ~73k words, frequency order), with the Google set's word pairs
planted as noisy section offsets so that a good share of the questions are
answered correctly (a comparison of counts is then meaningful); or any
word2vec-format file with ``--vectors``. Both libraries evaluate the same
vectors on the whole Google set (3CosAdd, restrict 30k, case-insensitive);
the script prints both times, both (correct, evaluated) counts and the ratio.

    flock /tmp/skvec-cpu.lock python benchmarks/analogy.py [--repeats 5] [--dim 100]
        [--vectors FILE [--binary]] [--restrict 30000] [--n-jobs N]
"""

import argparse
import time

import numpy as np
from _common import QUESTIONS, WIKI17M, median, read_lines

from skvec import WordVectors, analogy_accuracy
from skvec._corpus import encode_corpus
from skvec.datasets import load_google_analogies


def planted_vectors(words, dim, seed=0):
    """Random vectors where each Google question pair (a, b) is roughly a + section offset."""
    rng = np.random.default_rng(seed)
    vectors = rng.standard_normal((len(words), dim)).astype(np.float32)
    index = {w: i for i, w in enumerate(words)}
    for questions in load_google_analogies().values():
        offset = rng.standard_normal(dim).astype(np.float32)
        pairs = {(a.lower(), b.lower()) for a, b, _, _ in questions}
        for a, b in sorted(pairs):
            if a in index and b in index:
                noise = 0.6 * rng.standard_normal(dim).astype(np.float32)
                vectors[index[b]] = vectors[index[a]] + offset + noise
    return WordVectors(words, vectors)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--dim", type=int, default=100)
    parser.add_argument("--vectors", default=None, help="word2vec-format file instead of planted vectors")
    parser.add_argument("--binary", action="store_true")
    parser.add_argument("--restrict", type=int, default=30000)
    parser.add_argument("--n-jobs", type=int, default=None)
    parser.add_argument("--no-gensim", action="store_true")
    args = parser.parse_args()

    if args.vectors:
        wv = WordVectors.load_word2vec_format(args.vectors, binary=args.binary)
        print(f"vectors: {args.vectors}: {len(wv):,} words, {wv.vector_size} dimensions")
    else:
        words = encode_corpus(read_lines(WIKI17M), min_count=5).words
        wv = planted_vectors(words, args.dim)
        print(f"vectors: planted random, wiki17m vocabulary (min_count 5): {len(wv):,} words, {args.dim} d")

    # Compile (or load the cached kernels) outside the timings.
    analogy_accuracy(wv, [("a", "b", "c", "d")], restrict_vocab=10)

    times = []
    for _ in range(args.repeats):
        fresh = WordVectors(wv.words, wv.vectors)  # unit vectors not cached: each run normalizes
        start = time.perf_counter()
        result = analogy_accuracy(fresh, restrict_vocab=args.restrict, n_jobs=args.n_jobs)
        times.append(time.perf_counter() - start)
    t_skvec = median(times)
    print(result.table())
    print(f"skvec analogy_accuracy   {t_skvec:8.3f} s (median of {args.repeats}: "
          f"{', '.join(f'{t:.3f}' for t in times)})  correct {result.correct}  evaluated {result.evaluated}  "
          f"accuracy {100 * result.accuracy:.2f}%  coverage {100 * result.coverage:.2f}%")
    if args.no_gensim:
        return
    try:
        from gensim.models import KeyedVectors
    except ImportError:
        print("gensim not installed: reference skipped")
        return
    kv = KeyedVectors(wv.vector_size)
    kv.add_vectors(wv.words, wv.vectors)
    start = time.perf_counter()
    _, sections = kv.evaluate_word_analogies(str(QUESTIONS), restrict_vocab=args.restrict, case_insensitive=True)
    t_gensim = time.perf_counter() - start
    total = sections[-1]
    g_correct = len(total["correct"])
    g_evaluated = g_correct + len(total["incorrect"])
    print(f"gensim evaluate_word_analogies {t_gensim:8.3f} s (one run)  correct {g_correct}  evaluated {g_evaluated}")
    same = (g_correct, g_evaluated) == (result.correct, result.evaluated)
    print(f"counts equal: {same}   speed-up gensim/skvec: {t_gensim / t_skvec:.1f}x")


if __name__ == "__main__":
    main()
