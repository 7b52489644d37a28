"""Reading vector files: skvec's WordVectors.load_word2vec_format against gensim's, in the same run.

Writes random vectors (default 100,000 words x 100 dimensions) as word2vec text,
binary and headerless (GloVe) text, plain and gzip-compressed, then times
loading each file with both libraries (median of --repeat runs) and checks
that both read the same words and values.

    flock /tmp/skvec-cpu.lock python benchmarks/vector_files.py [--words N] [--dim D] [--repeat R]

With ``--mmap``, it instead compares memory-mapped loading: WordVectors.save /
WordVectors.load(mmap="r") against gensim's KeyedVectors.save /
KeyedVectors.load(mmap="r") (default 3,000,000 words x 300 float32
dimensions, a 3.6 GB matrix): each load runs in a fresh process, which
reports the load time, its resident memory after the load, after one lookup
and after reading every row once (shared file pages, counted in RSS but not
in USS, the process's own memory).

    flock /tmp/skvec-cpu.lock python benchmarks/vector_files.py --mmap [--words 3000000] [--dim 300]
"""

import argparse
import json
import logging
import os
import subprocess
import sys
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


_MAPPED_LOAD = """
import json, sys, time
import numpy as np, psutil
library, path = sys.argv[1:3]
process = psutil.Process()
def memory():
    info = process.memory_full_info()
    return {"rss": info.rss, "uss": info.uss}
if library == "skvec":
    from skvec import WordVectors
    load = lambda: WordVectors.load(path, mmap="r")
else:
    import logging
    logging.getLogger("gensim").setLevel(logging.WARNING)
    from gensim.models import KeyedVectors
    load = lambda: KeyedVectors.load(path, mmap="r")
start_memory = memory()
start = time.perf_counter()
vectors = load()
seconds = time.perf_counter() - start
loaded = memory()
vectors["word12345"]
looked_up = memory()
total = 0.0
for block in range(0, len(vectors.vectors), 100000):
    total += float(np.asarray(vectors.vectors[block:block + 100000]).sum())
print(json.dumps({"seconds": seconds, "start": start_memory, "loaded": loaded, "lookup": looked_up,
                  "all_rows": memory()}))
"""


def _mapped_load(library, path):
    done = subprocess.run([sys.executable, "-c", _MAPPED_LOAD, library, path], capture_output=True, text=True,
                          check=True)
    return json.loads(done.stdout)


def compare_mapped(words, dim, repeat):
    """Memory-mapped loading against gensim's, each load in a fresh process."""
    from gensim.models import KeyedVectors

    logging.getLogger("gensim").setLevel(logging.WARNING)
    rng = np.random.default_rng(0)
    names = [f"word{i}" for i in range(words)]
    matrix = rng.standard_normal((words, dim), dtype=np.float32)
    with tempfile.TemporaryDirectory(dir=os.environ.get("SKVEC_BENCH_DIR")) as tmp:
        ours_path, theirs_path = os.path.join(tmp, "vectors.npz"), os.path.join(tmp, "vectors.kv")
        start = time.perf_counter()
        WordVectors(names, matrix).save(ours_path)
        ours_save = time.perf_counter() - start
        keyed = KeyedVectors(dim)
        keyed.add_vectors(names, matrix)
        start = time.perf_counter()
        keyed.save(theirs_path)
        theirs_save = time.perf_counter() - start
        del keyed, matrix
        print(f"{words} words x {dim} float32 dimensions ({4 * words * dim / 1e9:.2f} GB of vectors); "
              f"save: skvec {ours_save:.1f} s, gensim {theirs_save:.1f} s")
        print(f"median of {repeat} loads, each in a fresh process (MB: resident / own (USS), above the start)")
        print(f"{'library':<8}{'load s':>8}{'after load':>16}{'after lookup':>16}{'all rows read':>18}")
        for library, path in (("skvec", ours_path), ("gensim", theirs_path)):
            runs = [_mapped_load(library, path) for _ in range(repeat)]
            seconds = median([run["seconds"] for run in runs])
            run = runs[-1]
            cells = [f"{(run[key]['rss'] - run['start']['rss']) / 1e6:.0f} / {(run[key]['uss'] - run['start']['uss']) / 1e6:.0f}"
                     for key in ("loaded", "lookup", "all_rows")]
            print(f"{library:<8}{seconds:>8.2f}{cells[0]:>16}{cells[1]:>16}{cells[2]:>18}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=None)
    parser.add_argument("--dim", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--mmap", action="store_true", help="compare memory-mapped loading instead")
    args = parser.parse_args()
    if args.mmap:
        compare_mapped(args.words or 3_000_000, args.dim or 300, args.repeat)
        return
    args.words = args.words or 100_000
    args.dim = args.dim or 100
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
