"""This machine's limits, for the cost models of the Performance page.

    flock /tmp/skvec-cpu.lock python benchmarks/machine_peaks.py

Prints, for 1 and 2 threads (best of 5):

* a STREAM-like copy ``b[i] = a[i]`` and triad ``a[i] = b[i] + s c[i]`` over
  float32 arrays far larger than the caches (bytes read plus bytes written
  per second; a write also reads its line first, which is not counted, as
  STREAM does not count it);
* a loop of independent single-precision FMAs on 64 accumulators held in
  registers (2 flops each): what the vector units reach without memory.

It also prints the SIMD flags of ``/proc/cpuinfo`` that Numba can use.
"""

import argparse
import time

import numpy as np
from numba import njit, prange, set_num_threads


@njit(parallel=True, fastmath=True)
def copy(a, b):
    for i in prange(a.shape[0]):
        b[i] = a[i]


@njit(parallel=True, fastmath=True)
def triad(a, b, c, s):
    for i in prange(a.shape[0]):
        a[i] = b[i] + s * c[i]


@njit(parallel=True, fastmath=True)
def fma_loop(n, out):
    for t in prange(out.shape[0]):
        acc = np.zeros(64, dtype=np.float32) + np.float32(t)
        x = np.float32(1.0000001)
        y = np.float32(0.9999999)
        for _ in range(n):
            for k in range(64):
                acc[k] = acc[k] * x + y
        out[t] = acc.sum()


def simd_flags():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
                return sorted(flags & {"sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl"})
    return []


def best_seconds(function, *args, repeats=5):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function(*args)
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--floats", type=int, default=50_000_000, help="length of each array (200 MB)")
    parser.add_argument("--fma-steps", type=int, default=2_000_000)
    args = parser.parse_args()
    n = args.floats
    a = np.ones(n, np.float32)
    b = np.zeros(n, np.float32)
    c = np.ones(n, np.float32)
    copy(a, b)
    triad(a, b, c, np.float32(2.0))
    fma_loop(10, np.zeros(2, np.float32))
    print(f"SIMD flags: {' '.join(simd_flags())}")
    for threads in (1, 2):
        set_num_threads(threads)
        copy_seconds = best_seconds(copy, a, b)
        triad_seconds = best_seconds(triad, a, b, c, np.float32(2.0))
        fma_seconds = best_seconds(fma_loop, args.fma_steps, np.zeros(threads, np.float32))
        flops = threads * args.fma_steps * 64 * 2
        print(f"{threads} thread(s): copy {2 * 4 * n / copy_seconds / 1e9:.1f} GB/s, "
              f"triad {3 * 4 * n / triad_seconds / 1e9:.1f} GB/s, FMA loop {flops / fma_seconds / 1e9:.1f} GFLOP/s",
              flush=True)


if __name__ == "__main__":
    main()
