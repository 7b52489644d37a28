"""Reading vector files: skvec's WordVectors.load_word2vec_format against gensim's, in the same run.

Writes random vectors (default 100,000 words x 100 dimensions) as word2vec text,
binary and headerless (GloVe) text, plain and gzip-compressed, then times
loading each file with both libraries (median of --repeat runs) and checks
that both read the same words and values.

    flock /tmp/skvec-cpu.lock python benchmarks/vector_files.py [--words N] [--dim D] [--repeat R]
"""

import argparse
import logging
import os
import tempfile
import time

import numpy as np

from _common import median
from skvec import WordVectors


def _time(load, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = load()
        times.append(time.perf_counter() - start)
    return median(times), result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=100_000)
    parser.add_argument("--dim", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from gensim.models import KeyedVectors

    logging.getLogger("gensim").setLevel(logging.WARNING)
    rng = np.random.default_rng(0)
    wv = WordVectors([f"word{i}" for i in range(args.words)], rng.standard_normal((args.words, args.dim)))
    print(f"{args.words} words x {args.dim} dimensions, median of {args.repeat} runs")
    print(f"{'file':<24}{'skvec s':>10}{'gensim s':>10}{'gensim/skvec':>14}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, binary, header in [("text", False, True), ("binary", True, True), ("headerless text", False, False)]:
            for suffix in ("", ".gz"):
                path = os.path.join(tmp, f"vectors{suffix}")
                wv.save_word2vec_format(path, binary=binary, write_header=header)
                ours_s, ours = _time(lambda: WordVectors.load_word2vec_format(path, binary=binary), args.repeat)
                theirs_s, theirs = _time(
                    lambda: KeyedVectors.load_word2vec_format(path, binary=binary, no_header=not header), args.repeat
                )
                assert ours.words == theirs.index_to_key and np.array_equal(ours.vectors, theirs.vectors)
                print(f"{name + suffix:<24}{ours_s:>10.2f}{theirs_s:>10.2f}{theirs_s / ours_s:>14.2f}")


if __name__ == "__main__":
    main()
