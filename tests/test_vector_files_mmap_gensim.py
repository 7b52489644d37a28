"""WordVectors.save / load (memory-mapped), load_vectors, and gensim FastText conversions keeping n-grams."""

import os
import subprocess
import sys

import numpy as np
import pytest
import scipy.sparse as sp

from skvec import SubwordVectors, WordVectors, get_word_vectors, load_vectors

gensim_models = pytest.importorskip("gensim.models")
DOCS = [["the", "cat", "sat", "on", "the", "mat"], ["the", "dog", "sat", "on", "the", "log"]] * 50


@pytest.fixture(scope="module")
def gensim_fasttext():
    return gensim_models.FastText(DOCS, vector_size=8, min_count=1, bucket=100, epochs=2, workers=1, seed=0)


@pytest.mark.parametrize("convert", [WordVectors.from_gensim, SubwordVectors.from_gensim, get_word_vectors])
def test_from_gensim_fasttext_keeps_ngrams(gensim_fasttext, convert):
    wv = convert(gensim_fasttext)
    assert isinstance(wv, SubwordVectors) and wv.bucket == 100
    for word in ["cat", "catty", "dogs", "zzz"]:
        np.testing.assert_allclose(wv[word], gensim_fasttext.wv[word], rtol=0, atol=1e-6)


def test_to_gensim_gives_fasttext_keyed_vectors(gensim_fasttext):
    from gensim.models.fasttext import FastTextKeyedVectors

    wv = SubwordVectors.from_gensim(gensim_fasttext)
    kv = wv.to_gensim()
    assert isinstance(kv, FastTextKeyedVectors)
    for word in ["cat", "catty", "dogs", "zzz"]:
        np.testing.assert_allclose(kv[word], wv[word], rtol=0, atol=1e-6)
    kv.adjust_vectors()  # gensim recomputes word vectors from the input rows: the same vectors
    np.testing.assert_allclose(kv["cat"], wv["cat"], rtol=0, atol=1e-6)
    plain = SubwordVectors(["a"], np.ones((1, 2))).to_gensim()
    assert type(plain).__name__ == "KeyedVectors"


@pytest.mark.parametrize("mmap", [None, "r", "c"])
def test_word_vectors_save_and_load(tmp_path, mmap):
    rng = np.random.default_rng(0)
    wv = WordVectors([f"w{i}" for i in range(50)] + ["café"], rng.normal(size=(51, 7)))
    wv.save(tmp_path / "v")
    loaded = WordVectors.load(tmp_path / "v", mmap=mmap)
    assert loaded.words == wv.words
    np.testing.assert_array_equal(loaded.vectors, wv.vectors)
    assert isinstance(loaded.vectors, np.memmap) == (mmap is not None)
    assert loaded.most_similar("w3", topn=3) == wv.most_similar("w3", topn=3)
    assert type(load_vectors(tmp_path / "v", mmap=mmap)) is WordVectors
    if mmap == "r":
        with pytest.raises(ValueError):
            loaded.vectors[0, 0] = 1.0
    if mmap == "c":
        loaded.vectors[0, 0] = 123.0
        del loaded
        assert WordVectors.load(tmp_path / "v").vectors[0, 0] == wv.vectors[0, 0]


@pytest.mark.parametrize("load", [WordVectors.load, SubwordVectors.load, load_vectors])
def test_read_write_mapping_is_refused_and_the_file_kept(tmp_path, load):
    """Writing through a map would leave the archive's checksum stale: the file would no longer load."""
    wv = WordVectors(["a", "b"], np.eye(2, dtype=np.float32))
    path = tmp_path / "v.npz"
    (SubwordVectors(["a", "b"], np.eye(2, dtype=np.float32)) if load is SubwordVectors.load else wv).save(path)
    before = path.read_bytes()
    for mmap in ("r+", "w+", True):
        with pytest.raises(ValueError, match="mmap must be None, 'r' or 'c'"):
            load(path, mmap=mmap)
    assert path.read_bytes() == before


def test_sparse_word_vectors_save_and_load(tmp_path):
    matrix = sp.random(30, 12, density=0.2, format="csr", random_state=0, dtype=np.float32)
    wv = WordVectors([f"w{i}" for i in range(30)], matrix)
    wv.save(tmp_path / "s.npz")
    for mmap in (None, "r"):
        loaded = WordVectors.load(tmp_path / "s.npz", mmap=mmap)
        assert loaded.is_sparse and (loaded.vectors != wv.vectors).nnz == 0


def test_mapped_load_reads_nothing_and_processes_share_pages(tmp_path):
    """A mapped matrix is not read at load: resident memory does not grow by its size."""
    psutil = pytest.importorskip("psutil")
    rows = np.ones((20000, 250), dtype=np.float32)  # 20 MB
    WordVectors([f"w{i}" for i in range(20000)], rows).save(tmp_path / "big.npz")
    script = (
        "import psutil, sys\n"
        "from skvec import WordVectors\n"
        "before = psutil.Process().memory_info().rss\n"
        f"wv = WordVectors.load({str(tmp_path / 'big.npz')!r}, mmap='r')\n"
        "print(psutil.Process().memory_info().rss - before)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert int(done.stdout) < 10_000_000, done.stdout
    del psutil


def test_newer_version_and_wrong_format_are_refused(tmp_path):
    import json

    np.savez(tmp_path / "new.npz", meta=np.array(json.dumps({"format": "skvec-word-vectors", "version": 9})),
             words_utf8=np.zeros(0, np.uint8), word_offsets=np.zeros(1, np.int64))
    with pytest.raises(ValueError, match="version 9.*Upgrade"):
        WordVectors.load(tmp_path / "new.npz")
    SubwordVectors(["a"], np.ones((1, 2))).save(tmp_path / "sub.npz")
    with pytest.raises(ValueError, match="skvec-subword-model"):
        WordVectors.load(tmp_path / "sub.npz")
    assert os.path.exists(tmp_path / "sub.npz")


def test_load_vectors_by_content_whatever_the_name(tmp_path):
    wv = WordVectors(["a", "b"], np.eye(2))
    wv.save_word2vec_format(tmp_path / "looks.npz", binary=True)
    wv.save_word2vec_format(tmp_path / "text.bin")
    wv.save_word2vec_format(tmp_path / "packed.txt.xz")
    SubwordVectors(["a"], np.ones((1, 2)), np.ones((3, 2))).save(tmp_path / "model.txt")
    for name in ("looks.npz", "text.bin", "packed.txt.xz"):
        assert load_vectors(tmp_path / name).words == ["a", "b"]
    assert isinstance(load_vectors(tmp_path / "model.txt"), SubwordVectors)


def test_embedding_vectorizer_reads_any_vector_file(tmp_path):
    from skvec import EmbeddingVectorizer

    rng = np.random.default_rng(3)
    wv = SubwordVectors(["walk", "talk"], rng.normal(size=(2, 4)), rng.normal(size=(50, 4)), min_n=4, max_n=5)
    wv.save(tmp_path / "model")
    vectorizer = EmbeddingVectorizer(str(tmp_path / "model"), prefit=True, norm=None, standardize=False).fit(["walk"])
    np.testing.assert_allclose(vectorizer.transform(["walking talk"])[0], (wv["walking"] + wv["talk"]) / 2,
                               atol=1e-6)
    wv.save_word2vec_format(tmp_path / "v.txt")
    plain = EmbeddingVectorizer(tmp_path / "v.txt", prefit=True, norm=None, standardize=False).fit(["walk"])
    np.testing.assert_allclose(plain.transform(["talk"])[0], wv["talk"], atol=1e-6)
    with pytest.raises(TypeError, match="prefit=True"):
        EmbeddingVectorizer(str(tmp_path / "v.txt")).fit(["walk"])
