"""Random truncations and byte flips of valid files of every format: a clean ValueError or a faithful load.

A damaged file must give a :class:`ValueError` naming the file, or load; it
must never raise another exception, hang or crash, and a load must never pair
words with the wrong rows: every word read that the original file holds has
its original vector, up to the one value a flip can change, and at most one
word (the one a flip can rename) is new.
"""

import functools
import os
import tempfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skvec import SubwordVectors, WordVectors

FUZZ = settings(max_examples=120, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow])
WORDS = ["the", "cat", "sat", "on", "mat", "dog", "log", "café"]


def _original():
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(len(WORDS), 3)).astype(np.float32)
    return SubwordVectors(WORDS, vectors, rng.normal(size=(7, 3)), min_n=2, max_n=3)


@functools.lru_cache(maxsize=None)
def valid_file(kind):
    """(bytes of a small valid file of ``kind``, the words and word rows it holds)."""
    folder = tempfile.mkdtemp(prefix="skvec-fuzz-")
    path = os.path.join(folder, "valid")
    wv = _original()
    if kind == "word2vec text":
        wv.save_word2vec_format(path)
    elif kind == "word2vec binary":
        wv.save_word2vec_format(path, binary=True)
    elif kind == "glove":
        wv.save_word2vec_format(path, write_header=False)
    elif kind == "word2vec gzip":
        wv.save_word2vec_format(path + ".gz")
        path += ".gz"
    elif kind == "subword model":
        wv.save(path)
    elif kind in ("word vectors", "word vectors mmap"):
        WordVectors(wv.words, wv.vectors).save(path)
    elif kind == "fasttext bin":
        return _fasttext_bin(folder)
    with open(path, "rb") as f:
        data = f.read()
    return data, dict(zip(wv.words, wv.vectors))


def _fasttext_bin(folder):
    fasttext = pytest.importorskip("fasttext")
    corpus = os.path.join(folder, "corpus.txt")
    with open(corpus, "w", encoding="utf-8") as f:
        f.write("\n".join(" ".join(WORDS[i:] + WORDS[:i]) for i in range(len(WORDS))) + "\n")
    model = fasttext.train_unsupervised(corpus, dim=2, epoch=1, minCount=1, bucket=6, minn=2, maxn=3, thread=1,
                                        verbose=0)
    path = os.path.join(folder, "model.bin")
    model.save_model(path)
    with open(path, "rb") as f:
        data = f.read()
    n_words = len(model.words)
    return data, dict(zip(model.words, model.get_input_matrix()[:n_words]))


def _load(kind, path):
    if kind == "fasttext bin":
        from skvec.vectors import read_fasttext_bin

        parsed = read_fasttext_bin(path)
        import skvec

        skvec.load_vectors(path)  # the whole way too: only ValueError may come out
        return dict(zip(parsed["words"], parsed["input"][: len(parsed["words"])]))
    if kind == "word vectors mmap":
        wv = WordVectors.load(path, mmap="r")
    elif kind == "subword model":
        wv = SubwordVectors.load(path)
    elif kind == "glove":
        wv = WordVectors.load_word2vec_format(path, no_header=True)
    else:
        import skvec

        wv = skvec.load_vectors(path)
    return {word: np.asarray(wv[word]) for word in wv.words}


def _damage(data, action, position, value):
    position %= len(data)
    if action == "cut":
        return data[:position]
    damaged = bytearray(data)
    damaged[position] ^= value
    return bytes(damaged)


def _check(kind, action, position, value):
    data, original = valid_file(kind)
    damaged = _damage(data, action, position, value)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "damaged" + (".gz" if kind == "word2vec gzip" else ""))
        with open(path, "wb") as f:
            f.write(damaged)
        try:
            loaded = _load(kind, path)
        except ValueError as exc:
            assert "damaged" in str(exc) or path in str(exc), f"the error does not name the file: {exc}"
            return
    # A flip can rename one word or change one value; a cut can shorten the last
    # number of a text file (no checksum can tell): never more.
    new_words = [word for word in loaded if word not in original]
    assert len(new_words) <= (0 if action == "cut" else 1), f"words appeared: {new_words}"
    for word, vector in loaded.items():
        if word in original:
            expected = original[word]
            if kind == "glove" and action == "cut" and len(vector) < len(expected):
                # A headerless file cut inside its first line is a valid file of shorter vectors.
                assert len(loaded) == 1
                expected = expected[: len(vector)]
            differing = int(np.sum(vector != expected))
            assert differing <= 1, f"{word!r} is paired with another row"


DAMAGE = st.tuples(st.sampled_from(["cut", "flip"]), st.integers(0, 1 << 20), st.integers(1, 255))
KINDS = ["word2vec text", "word2vec binary", "glove", "word2vec gzip", "subword model", "word vectors",
         "word vectors mmap", "fasttext bin"]


@pytest.mark.parametrize("kind", KINDS)
@FUZZ
@given(damage=DAMAGE)
def test_damaged_files_fail_cleanly_or_load_faithfully(kind, damage):
    _check(kind, *damage)


@pytest.mark.parametrize("kind", KINDS)
def test_every_single_byte_of_the_structure(kind):
    """Every byte of the first 200 (headers, the dictionary, lengths) flipped to its complement."""
    data, _ = valid_file(kind)
    for position in range(min(len(data), 200)):
        _check(kind, "flip", position, 0xFF)
