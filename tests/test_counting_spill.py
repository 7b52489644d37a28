"""Temporary files of a spilled count: removed on every way out, SIGTERM included.

The directory of a process killed outright is removed by the next spilled count;
the SIGTERM handler in force before the count is called, and restored, after it.
"""

import logging
import os
import signal
import subprocess
import sys
import tempfile
import time

import pytest

import skvec
from corpora import CAT_DOG_DOCS
from skvec import CooccurrenceVectorizer


SPILL_SCRIPT = """
import os, sys, time
import skvec._counting.spill as spill
from skvec import CooccurrenceVectorizer

marker = sys.argv[1]
spill.BATCH_DOCS = 13
merge = spill.kernels.sum_partials


def slow_merge(*args, **kwargs):
    n_files = sum(len(files) for _, _, files in os.walk(spill.tempfile.gettempdir()))
    with open(marker + ".tmp", "w") as handle:
        handle.write(str(n_files))
    os.replace(marker + ".tmp", marker)
    time.sleep(120)
    return merge(*args, **kwargs)


spill.kernels.sum_partials = slow_merge
docs = [" ".join(f"w{(7 * i + 3 * j) % 97}" for j in range(25)) for i in range(300)]
CooccurrenceVectorizer(min_count=1, max_memory="20kB", n_jobs=1).fit_transform(docs)
"""


def _killed_during_merge(tmp_path, signum):
    """Run a spilled count in a child process and send it ``signum`` during the merge."""
    spill_root = tmp_path / "spill"
    spill_root.mkdir()
    marker = tmp_path / "merging"
    repository = os.path.dirname(os.path.dirname(os.path.abspath(skvec.__file__)))
    env = {**os.environ, "TMPDIR": str(spill_root), "PYTHONPATH": repository}
    child = subprocess.Popen([sys.executable, "-c", SPILL_SCRIPT, str(marker)], env=env, cwd=repository)
    try:
        deadline = time.monotonic() + 300
        while not marker.exists():
            assert child.poll() is None, "the child ended before the merge"
            assert time.monotonic() < deadline, "the child never reached the merge"
            time.sleep(0.1)
        child.send_signal(signum)
        returncode = child.wait(timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert int(marker.read_text()) > 4, "runs should be on disk when the merge starts"
    return spill_root, child.pid, returncode


def test_temporary_files_removed_on_sigterm(tmp_path):
    spill_root, _, returncode = _killed_during_merge(tmp_path, signal.SIGTERM)
    assert returncode == -signal.SIGTERM  # the process still ends as SIGTERM ends it
    assert os.listdir(spill_root) == []


def test_leftovers_of_a_killed_process_are_removed_by_the_next_count(tmp_path, monkeypatch):
    spill_root, pid, returncode = _killed_during_merge(tmp_path, signal.SIGKILL)
    assert returncode == -signal.SIGKILL
    leftovers = os.listdir(spill_root)
    assert len(leftovers) == 1 and leftovers[0].startswith(f"skvec-cooccurrence-{pid}-")
    # Directories of live processes, and names that are not spill directories, stay.
    alive = spill_root / f"skvec-cooccurrence-{os.getppid()}-live"
    other = spill_root / "skvec-cooccurrence-notapid"
    alive.mkdir()
    other.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spill_root))
    CooccurrenceVectorizer(min_count=1, max_memory="1MB").fit_transform(CAT_DOG_DOCS)
    assert sorted(os.listdir(spill_root)) == sorted([alive.name, other.name])


class _Handled(Exception):
    pass


def test_sigterm_reaches_the_previous_handler_which_is_restored(tmp_path, monkeypatch):
    import skvec._counting.spill as spill

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    calls = []

    def handler(signum, frame):
        calls.append(signum)
        raise _Handled

    merge = spill.kernels.sum_partials

    def terminated_merge(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGTERM)
        return merge(*args, **kwargs)

    monkeypatch.setattr(spill, "BATCH_DOCS", 2)
    monkeypatch.setattr(spill.kernels, "sum_partials", terminated_merge)
    previous = signal.signal(signal.SIGTERM, handler)
    try:
        with pytest.raises(_Handled):
            CooccurrenceVectorizer(min_count=1, max_memory="16KiB", n_jobs=1).fit_transform(CAT_DOG_DOCS * 20)
        assert signal.getsignal(signal.SIGTERM) is handler
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert calls == [signal.SIGTERM]
    assert os.listdir(tmp_path) == []


def test_spilled_count_leaves_the_sigterm_handler_as_it_was(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    before = signal.getsignal(signal.SIGTERM)
    CooccurrenceVectorizer(min_count=1, max_memory="1MB").fit_transform(CAT_DOG_DOCS)
    assert signal.getsignal(signal.SIGTERM) is before
    assert os.listdir(tmp_path) == []


# -- the spill engine on its own: runs, their merge, chunks, the directory ---------------------

import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402

import skvec._counting.spill as spill_module  # noqa: E402
from skvec._counting.spill import (  # noqa: E402
    FAN_IN,
    RunCollector,
    SpillDirectory,
    chunk_bound,
    chunks,
    merge_runs,
    remove_stale_directories,
)


def partial_counts(n_partials, n_words=15, seed=0):
    """int64 CSR partial counts of random sparsity, some rows empty."""
    rng = np.random.default_rng(seed)
    partials = []
    for _ in range(n_partials):
        dense = rng.integers(1, 1000, size=(n_words, n_words)) * (rng.random((n_words, n_words)) < 0.2)
        dense[rng.integers(n_words)] = 0
        partials.append(sp.csr_matrix(dense.astype(np.int64)))
    return partials


def spill_files(spill):
    return sorted(name for name in os.listdir(spill.path) if name != "owner.lock")


@pytest.mark.parametrize("block_entries", [1, 7, 10**6])
def test_merged_runs_are_the_sum_whatever_the_block_size(tmp_path, monkeypatch, block_entries):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    partials = partial_counts(4)
    expected = sum(partials).toarray()
    with SpillDirectory() as spill:
        runs = [spill_module.Run.write(partial, spill) for partial in partials]
        merged = merge_runs(runs, 15, block_entries=block_entries, spill=spill, n_jobs=1)
        np.testing.assert_array_equal(np.diff(merged.indptr), (expected != 0).sum(axis=1))
        result = merge_runs([merged], 15, block_entries=block_entries, spill=spill, n_jobs=1, scale=8,
                            dtype=np.float64)
    assert result.has_canonical_format and result.dtype == np.float64
    np.testing.assert_array_equal(result.toarray(), expected / 8)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("n_partials", [1, 2, FAN_IN + 1, 3 * FAN_IN + 2])
def test_collector_merges_in_rounds_of_the_fan_in_and_removes_its_runs(tmp_path, monkeypatch, n_partials):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    partials = partial_counts(n_partials, seed=n_partials)
    with SpillDirectory() as spill:
        collector = RunCollector((15, 15), spill, max_memory=10**6, n_jobs=1, verbose=0,
                                 logger=logging.getLogger("skvec.cooccurrence"))
        for partial in partials:
            collector.add(partial)
        assert collector.n_spilled == n_partials - 1  # the last partial stays in memory
        result = collector.result(4, np.float32)
        assert spill_files(spill) == []
    np.testing.assert_array_equal(result.toarray(), (sum(partials).toarray() / 4).astype(np.float32))


def test_chunks_join_whole_batches_within_the_memory_bound():
    rng = np.random.default_rng(0)
    batches = []
    for _ in range(12):
        lengths = rng.integers(0, 9, size=5)
        offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        batches.append((rng.integers(0, 20, size=int(offsets[-1])).astype(np.int32), offsets))
    memory = 10_000
    joined = list(chunks(iter(batches), 20, 4, memory))
    assert 1 < len(joined) < len(batches)
    np.testing.assert_array_equal(np.concatenate([ids for ids, _ in joined]),
                                  np.concatenate([ids for ids, _ in batches]))
    lengths = np.concatenate([np.diff(offsets) for _, offsets in joined])
    np.testing.assert_array_equal(lengths, np.concatenate([np.diff(offsets) for _, offsets in batches]))
    for ids, offsets in joined:
        assert offsets[0] == 0 and offsets[-1] == len(ids)
        entries = chunk_bound(np.bincount(ids, minlength=20), 4)
        # Over the bound only when one batch alone is.
        assert len(ids) * 24 + entries * 12 <= memory or len(offsets) - 1 == 5


@pytest.mark.parametrize("error", [ValueError, KeyboardInterrupt])
def test_spill_directory_is_removed_on_the_way_out(tmp_path, monkeypatch, error):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with pytest.raises(error):
        with SpillDirectory() as spill:
            with open(spill.new_file("data"), "wb") as handle:
                handle.write(b"partial")
            assert len(spill_files(spill)) == 1
            raise error
    assert os.listdir(tmp_path) == []


def test_sigterm_in_a_spill_directory_reaches_the_previous_handler(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    calls = []

    def handler(signum, frame):
        calls.append(signum)
        raise _Handled

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        with pytest.raises(_Handled):
            with SpillDirectory():
                assert signal.getsignal(signal.SIGTERM) is not handler
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(5)  # the handler runs before this ends
        assert signal.getsignal(signal.SIGTERM) is handler
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert calls == [signal.SIGTERM]
    assert os.listdir(tmp_path) == []


def test_stale_directories_go_and_held_ones_stay(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    stale = tmp_path / "skvec-cooccurrence-12345-stale"
    stale.mkdir()
    (stale / "owner.lock").touch()  # no process holds its lock
    no_lock = tmp_path / "skvec-cooccurrence-12345-nolock"  # not made by a spill: left alone
    no_lock.mkdir()
    other = tmp_path / "unrelated"
    other.mkdir()
    with SpillDirectory() as spill:
        remove_stale_directories(str(tmp_path))
        assert os.path.isdir(spill.path)
        held = os.path.basename(spill.path)
        assert sorted(os.listdir(tmp_path)) == sorted([held, no_lock.name, other.name])
    assert sorted(os.listdir(tmp_path)) == sorted([no_lock.name, other.name])
