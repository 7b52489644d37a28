"""One file-opening policy: gzip, bzip2 and xz by extension when writing, by content when reading."""

import bz2
import gzip
import lzma

import pytest

from skvec._io import compression_of, open_file
from skvec.cli import read_corpus
from skvec.datasets import read_analogies, read_word_pairs

TEXT = "première ligne\nsecond line\n"
DECOMPRESS = {".gz": gzip.decompress, ".bz2": bz2.decompress, ".xz": lzma.decompress, ".lzma": lzma.decompress}


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz", ".lzma"])
def test_writes_compressed_by_extension_and_reads_it_back(tmp_path, suffix):
    path = tmp_path / f"file.txt{suffix}"
    with open_file(path, "wt", encoding="utf-8") as f:
        f.write(TEXT)
    assert DECOMPRESS[suffix](path.read_bytes()) == TEXT.encode("utf-8")
    with open_file(path, "rt", encoding="utf-8") as f:
        assert f.read() == TEXT
    with open_file(path, "rb") as f:
        assert f.read() == TEXT.encode("utf-8")


@pytest.mark.parametrize("suffix, compression", [(".gz", "gzip"), (".bz2", "bz2"), (".xz", "xz")])
@pytest.mark.parametrize("data", [b"", b"some bytes\n"])
def test_reading_recognises_the_content_whatever_the_name(tmp_path, suffix, compression, data):
    written = tmp_path / f"file{suffix}"
    with open_file(written, "wb") as f:
        f.write(data)
    misnamed = tmp_path / "file.txt"
    written.rename(misnamed)
    assert compression_of(misnamed) == compression
    with open_file(misnamed, "rb") as f:
        assert f.read() == data


def test_plain_files_are_read_as_they_are(tmp_path):
    # A plain file with a compressed name, and plain text starting like a bzip2 header.
    for name, content in [("plain.gz", b"not compressed\n"), ("bzh.txt", b"BZh9 is a word\n"), ("empty", b"")]:
        path = tmp_path / name
        path.write_bytes(content)
        assert compression_of(path) is None
        with open_file(path, "rb") as f:
            assert f.read() == content


def test_plain_write_and_bad_mode(tmp_path):
    path = tmp_path / "plain.txt"
    with open_file(path, "wt", encoding="utf-8") as f:
        f.write(TEXT)
    assert path.read_bytes() == TEXT.encode("utf-8")
    assert compression_of(path, "w") is None
    with pytest.raises(ValueError, match="mode"):
        open_file(path, "r+")
    with pytest.raises(FileNotFoundError):
        open_file(tmp_path / "missing.gz", "rt")


@pytest.mark.parametrize("suffix", ["", ".gz", ".bz2", ".xz"])
def test_evaluation_files_and_cli_corpora_may_be_compressed(tmp_path, suffix):
    analogies = tmp_path / f"questions.txt{suffix}"
    with open_file(analogies, "wt", encoding="utf-8") as f:
        f.write(": capitals\nathens greece paris france\n")
    assert read_analogies(analogies) == {"capitals": [("athens", "greece", "paris", "france")]}
    pairs = tmp_path / f"pairs.txt{suffix}"
    with open_file(pairs, "wt", encoding="utf-8") as f:
        f.write("tiger cat 7.35\n")
    assert read_word_pairs(pairs) == [("tiger", "cat", 7.35)]
    corpus = tmp_path / f"corpus.txt{suffix}"
    with open_file(corpus, "wt", encoding="utf-8") as f:
        f.write(TEXT)
    assert list(read_corpus(corpus)) == TEXT.splitlines()
