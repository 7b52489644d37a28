"""Vector files: word2vec text and binary, headerless text (GloVe), fastText .vec, compressed or not."""

import gensim.models as gensim_models
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import random_word_vectors
from skvec import WordVectors
from skvec._io import compression_of, open_file
from skvec.cli import load_vectors

SUFFIXES = ["", ".gz", ".bz2", ".xz"]


def random_vectors(n=40, d=6, seed=0):
    return random_word_vectors(n, d, seed, non_ascii=("café", "naïve", "日本"))


def assert_same_vectors(got, expected):
    assert got.words == expected.words
    np.testing.assert_array_equal(got.vectors, expected.vectors)


@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize("binary, write_header", [(False, True), (True, True), (False, False)])
def test_round_trip_every_format_and_compression(tmp_path, suffix, binary, write_header):
    wv = random_vectors()
    path = tmp_path / f"vectors{suffix}"
    wv.save_word2vec_format(path, binary=binary, write_header=write_header)
    assert compression_of(path) == {"": None, ".gz": "gzip", ".bz2": "bz2", ".xz": "xz"}[suffix]
    with open_file(path, "rb") as f:
        first = f.readline()
    assert (first == b"40 6\n") is write_header
    assert_same_vectors(WordVectors.load_word2vec_format(path, binary=binary), wv)
    limited = WordVectors.load_word2vec_format(path, binary=binary, limit=7)
    assert_same_vectors(limited, WordVectors(wv.words[:7], wv.vectors[:7]))
    if not write_header:
        assert_same_vectors(WordVectors.load_word2vec_format(path, no_header=True), wv)


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_glove_headerless_file_is_detected(tmp_path, suffix):
    # As GloVe's tool writes it: no header, one "word v1 ... vd" line per word.
    lines = ["the 0.418 0.24968 -0.41242", "of 0.70853 0.57088 -0.4716", ", 0.013441 0.23682 -0.16899",
             "1 2 3 4", "<unk> 0.1 -0.2 1e-3"]
    path = tmp_path / f"glove.6B.3d.txt{suffix}"
    with open_file(path, "wt", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    wv = WordVectors.load_word2vec_format(path)
    assert wv.words == ["the", "of", ",", "1", "<unk>"] and wv.vector_size == 3
    np.testing.assert_allclose(wv["1"], [2, 3, 4])
    np.testing.assert_allclose(wv["<unk>"], [0.1, -0.2, 1e-3], rtol=1e-6)
    assert WordVectors.load_word2vec_format(path, limit=2).words == ["the", "of"]
    assert load_vectors(str(path)).words == wv.words  # what `skvec evaluate glove.txt` reads


def test_glove_words_with_spaces_and_first_line_like_a_header(tmp_path):
    # A few large GloVe files hold words with spaces; the last vector_size fields are the values.
    path = tmp_path / "glove.txt"
    path.write_text("a 0.5 1\n. . . 1.5 2\nb 3 4\n")
    wv = WordVectors.load_word2vec_format(path)
    assert wv.words == ["a", ". . .", "b"]
    np.testing.assert_allclose(wv[". . ."], [1.5, 2])
    # A headerless file whose first line is two integers needs no_header=True.
    path.write_text("7 2\n8 3\n")
    assert WordVectors.load_word2vec_format(path, no_header=True).words == ["7", "8"]


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_fasttext_vec_file(tmp_path, suffix):
    # fastText's .vec: a header, then "word v1 ... vd " with a trailing space, </s> first.
    wv = random_vectors(n=5, d=4)
    text = "5 4\n" + "".join(
        f"{word} " + " ".join(f"{value:.5f}" for value in row) + " \n" for word, row in zip(["</s>"] + wv.words[1:], wv.vectors)
    )
    path = tmp_path / f"model.vec{suffix}"
    with open_file(path, "wt", encoding="utf-8") as f:
        f.write(text)
    loaded = WordVectors.load_word2vec_format(path)
    assert loaded.words == ["</s>"] + wv.words[1:]
    np.testing.assert_allclose(loaded.vectors, wv.vectors, atol=1e-5)


def test_c_tool_binary_with_newlines_and_gensim_binary_without(tmp_path):
    rows = np.array([[1.0, -2.0], [0.5, 0.25], [3.0, 4.0]], dtype="<f4")
    words = [b"ab", b"c", b"\xc3\xa9t\xc3\xa9"]
    c_tool = b"3 2\n" + b"".join(w + b" " + r.tobytes() + b"\n" for w, r in zip(words, rows))
    gensim_style = b"3 2\n" + b"".join(w + b" " + r.tobytes() for w, r in zip(words, rows))
    for name, data in [("c.bin", c_tool), ("g.bin", gensim_style)]:
        (tmp_path / name).write_bytes(data)
        wv = WordVectors.load_word2vec_format(tmp_path / name, binary=True)
        assert wv.words == ["ab", "c", "été"]
        np.testing.assert_array_equal(wv.vectors, rows)


def test_binary_vectors_whose_bytes_hold_newlines_and_spaces(tmp_path):
    # 10.0 is 0x41200000: bytes 00 00 20 41 hold a space; 2.5e-44 holds a newline byte.
    rows = np.array([[10.0, np.float32(2.5e-44)], [1.0, 10.0]], dtype="<f4")
    (tmp_path / "v.bin").write_bytes(b"2 2\nx " + rows[0].tobytes() + b"\ny " + rows[1].tobytes() + b"\n")
    np.testing.assert_array_equal(WordVectors.load_word2vec_format(tmp_path / "v.bin", binary=True).vectors, rows)


@pytest.mark.parametrize("suffix", [".txt.gz", ".bin.bz2", ".txt.xz"])
def test_gensim_reads_ours_and_we_read_gensims_compressed_files(tmp_path, suffix):
    binary = ".bin" in suffix
    wv = random_vectors()
    wv.save_word2vec_format(tmp_path / f"ours{suffix}", binary=binary)
    kv = gensim_models.KeyedVectors.load_word2vec_format(str(tmp_path / f"ours{suffix}"), binary=binary)
    assert kv.index_to_key == wv.words
    np.testing.assert_array_equal(kv.vectors, wv.vectors)
    kv.save_word2vec_format(str(tmp_path / f"theirs{suffix}"), binary=binary)
    back = WordVectors.load_word2vec_format(tmp_path / f"theirs{suffix}", binary=binary)
    assert back.words == wv.words
    np.testing.assert_allclose(back.vectors, wv.vectors, rtol=1e-6)


def test_gensim_reads_our_headerless_file(tmp_path):
    wv = random_vectors()
    wv.save_word2vec_format(tmp_path / "glove.txt", write_header=False)
    kv = gensim_models.KeyedVectors.load_word2vec_format(str(tmp_path / "glove.txt"), no_header=True)
    assert kv.index_to_key == wv.words
    np.testing.assert_allclose(kv.vectors, wv.vectors, rtol=1e-6)


def test_sparse_vectors_and_empty_file_round_trip(tmp_path):
    wv = WordVectors(["a", "b"], sp.csr_matrix(np.array([[0.0, 1.5], [2.0, 0.0]])))
    wv.save_word2vec_format(tmp_path / "v.txt.gz")
    np.testing.assert_array_equal(WordVectors.load_word2vec_format(tmp_path / "v.txt.gz").vectors, wv.vectors.toarray())
    empty = WordVectors([], np.zeros((0, 3)))
    empty.save_word2vec_format(tmp_path / "empty.bin", binary=True)
    loaded = WordVectors.load_word2vec_format(tmp_path / "empty.bin", binary=True)
    assert len(loaded) == 0 and loaded.vector_size == 3


def test_blank_lines_are_skipped_and_numbered(tmp_path):
    (tmp_path / "v.txt").write_text("2 2\n\nx 1 2\n\ny 3 4\n\n")
    assert WordVectors.load_word2vec_format(tmp_path / "v.txt").words == ["x", "y"]
    (tmp_path / "bad.txt").write_text("2 2\n\nx 1 2\n\ny 3 z\n")
    with pytest.raises(ValueError, match="Line 5 .*'z' is not a number"):
        WordVectors.load_word2vec_format(tmp_path / "bad.txt")


@pytest.mark.parametrize("text", ["2 2\r\na 1 2\r\nb 3 4\r\n", "\ufeff2 2\na 1 2\nb 3 4\n", "\ufeffa 1 2\nb 3 4\n"])
def test_windows_line_endings_and_byte_order_mark(tmp_path, text):
    (tmp_path / "v.txt").write_bytes(text.encode("utf-8"))
    wv = WordVectors.load_word2vec_format(tmp_path / "v.txt")
    assert wv.words == ["a", "b"]
    np.testing.assert_array_equal(wv.vectors, [[1, 2], [3, 4]])


def test_one_dimensional_headerless_file_that_starts_like_a_header(tmp_path):
    (tmp_path / "v.txt").write_text("7 2\nfoo 2.5\n")
    with pytest.raises(ValueError, match="pass no_header=True"):
        WordVectors.load_word2vec_format(tmp_path / "v.txt")
    assert WordVectors.load_word2vec_format(tmp_path / "v.txt", no_header=True).words == ["7", "foo"]


# Words as the formats can hold them: non-empty, no whitespace (fastText and word2vec split on it).
_WORD = st.text(st.characters(blacklist_categories=("Cs", "Zs", "Zl", "Zp", "Cc")), min_size=1, max_size=8)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    words=st.lists(_WORD, min_size=1, max_size=12, unique=True),
    dim=st.integers(1, 5),
    data=st.data(),
    layout=st.sampled_from([(False, True), (True, True), (False, False)]),
    suffix=st.sampled_from(SUFFIXES),
)
def test_round_trip_property(tmp_path, words, dim, data, layout, suffix):
    values = data.draw(
        st.lists(
            st.floats(allow_nan=False, allow_infinity=False, width=32), min_size=len(words) * dim, max_size=len(words) * dim
        )
    )
    wv = WordVectors(words, np.array(values, dtype=np.float32).reshape(len(words), dim))
    binary, header = layout
    path = tmp_path / f"prop{suffix}"
    wv.save_word2vec_format(path, binary=binary, write_header=header)
    # A headerless file is read with no_header=True: with one dimension, its first line can be two integers.
    loaded = WordVectors.load_word2vec_format(path, binary=binary, no_header=None if header else True)
    assert_same_vectors(loaded, wv)


@pytest.mark.parametrize("name, binary, header", [("a.txt.gz", False, False), ("b.bin.xz", True, True), ("c.txt.bz2", False, True)])
def test_rows_of_a_compressed_file_grow_block_by_block(tmp_path, monkeypatch, name, binary, header):
    import skvec.vectors._formats as formats

    monkeypatch.setattr(formats, "_FIRST_BLOCK_BYTES", 64)  # a first block of 4 rows, then doublings
    wv = random_vectors(n=300, d=4)
    wv.save_word2vec_format(tmp_path / name, binary=binary, write_header=header)
    loaded = WordVectors.load_word2vec_format(tmp_path / name, binary=binary)
    assert_same_vectors(loaded, wv)
    assert loaded.vectors.flags.owndata and loaded.vectors.flags.c_contiguous


@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize("binary, write_header", [(False, True), (True, True), (False, False)])
def test_binary_none_detects_the_format(tmp_path, suffix, binary, write_header):
    wv = random_vectors()
    path = tmp_path / f"vectors{suffix}"
    wv.save_word2vec_format(path, binary=binary, write_header=write_header)
    assert_same_vectors(WordVectors.load_word2vec_format(path, binary=None), wv)
    assert_same_vectors(WordVectors.load_word2vec_format(path, binary=None, limit=3), WordVectors(wv.words[:3], wv.vectors[:3]))
