"""Vector files: word2vec text and binary, headerless text (GloVe), fastText .vec, compressed or not."""

import gensim.models as gensim_models
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpora import random_word_vectors
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


# -- bad input: damaged or misread files -------------------------------------------------------
# Every message names the file, the line (or the vector and byte of a binary file) and what to do;
# no header is trusted for memory.

from corpora import raises  # noqa: E402


VECTOR_SIZE = 3


ROWS = np.array([[1.0, -2.0, 0.5], [0.25, 4.0, -1.0], [3.0, 0.0, 2.0]], dtype="<f4")


def text_file(tmp_path, text, name="vectors.txt"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def binary_bytes(header=b"3 3\n", rows=ROWS, words=(b"a", b"b", b"c")):
    return header + b"".join(word + b" " + row.tobytes() + b"\n" for word, row in zip(words, rows))


def load(path, **kwargs):
    from skvec import WordVectors

    return WordVectors.load_word2vec_format(path, **kwargs)


def test_text_file_read_as_binary(tmp_path):
    path = text_file(tmp_path, "3 3\na 1 -2 0.5\nb 0.25 4 -1\nc 3 0 2\n")
    with raises(ValueError, "vectors.txt", "line 2", "text word2vec format", "binary=False"):
        load(path, binary=True)


def test_binary_file_read_as_text(tmp_path):
    path = text_file(tmp_path, binary_bytes(), "vectors.bin")
    with raises(ValueError, "Line 2", "vectors.bin", "binary=True"):  # binary=False insists on text
        load(path, binary=False)
    assert load(path).words == ["a", "b", "c"]  # detected by content


@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_header_count_smaller_than_the_text_file(tmp_path, suffix):
    from skvec._io import open_file

    path = tmp_path / f"vectors.txt{suffix}"
    with open_file(path, "wt") as f:
        f.write("2 3\na 1 -2 0.5\nb 0.25 4 -1\nc 3 0 2\n")
    with raises(ValueError, "vectors.txt", "line 4", "after the 2 vectors its header announces", "limit=2"):
        load(path)
    assert len(load(path, limit=2)) == 2


def test_header_count_smaller_than_the_binary_file(tmp_path):
    path = text_file(tmp_path, binary_bytes(header=b"2 3\n"), "vectors.bin")
    with raises(ValueError, "vectors.bin", "goes on at byte", "header announces", "limit=2"):
        load(path, binary=True)
    assert load(path, binary=True, limit=2).words == ["a", "b"]


@pytest.mark.parametrize("suffix", ["", ".gz"])
@pytest.mark.parametrize("binary", [False, True])
def test_huge_header_count_allocates_nothing_for_it(tmp_path, suffix, binary):
    from skvec._io import open_file

    path = tmp_path / f"vectors{suffix}"
    header = b"1000000000000 3\n"
    data = binary_bytes(header=header) if binary else header + b"a 1 -2 0.5\nb 0.25 4 -1\nc 3 0 2\n"
    with open_file(path, "wb") as f:
        f.write(data)
    where = "vector 4" if binary else "line 4"
    with raises(ValueError, "vectors", where, "after 3 vectors", "announces 1000000000000", "limit=3"):
        load(path, binary=binary)
    assert len(load(path, binary=binary, limit=3)) == 3


@pytest.mark.parametrize("binary", [False, True])
def test_huge_header_vector_size(tmp_path, binary):
    path = text_file(tmp_path, "2 1000000000000\na 1 2\nb 3 4\n")
    with raises(ValueError, "Line 1", "vectors.txt", "1000000000000 dimensions", "fix the header"):
        load(path, binary=binary)


def test_huge_header_vector_size_in_a_compressed_file(tmp_path):
    from skvec._io import open_file

    path = tmp_path / "vectors.bin.gz"
    with open_file(path, "wb") as f:
        f.write(b"2 1000000000000\na " + ROWS[0].tobytes())
    with raises(ValueError, "vectors.bin.gz", "vector 1", "after 0 vectors"):
        load(path, binary=True)
    with raises(ValueError, "Line 2", "vectors.bin.gz", "header announces 1000000000000"):
        load(path, binary=False)


@pytest.mark.parametrize("header, problem", [("-3 2", "-3 vectors"), ("3 0", "0 dimensions"), ("2 -5", "-5 dimensions")])
@pytest.mark.parametrize("binary", [False, True])
def test_negative_or_zero_header(tmp_path, header, problem, binary):
    path = text_file(tmp_path, f"{header}\na 1 2\n")
    with raises(ValueError, "Line 1", "vectors.txt", problem, ">= 0", ">= 1", "fix the header"):
        load(path, binary=binary)


def test_header_count_larger_than_the_file(tmp_path):
    path = text_file(tmp_path, "5 3\na 1 -2 0.5\nb 0.25 4 -1\n")
    with raises(ValueError, "vectors.txt", "after 2 vectors", "announces 5", "limit=2"):
        load(path)
    path = text_file(tmp_path, binary_bytes(header=b"5 3\n", rows=ROWS[:2]), "vectors.bin")
    with raises(ValueError, "vectors.bin", "vector 3", "after 2 vectors", "announces 5", "limit=2"):
        load(path, binary=True)


def test_binary_file_cut_inside_a_vector(tmp_path):
    path = text_file(tmp_path, binary_bytes()[:-7], "vectors.bin")
    with raises(ValueError, "vectors.bin", "vector 3", "after 2 vectors"):
        load(path, binary=True)


@pytest.mark.parametrize(
    "text, fragments",
    [
        ("2 3\na 1 2 3\nb 1 2\n", ["Line 3", "2 values after the word", "header announces 3"]),
        ("2 3\na 1 2 3\nb 1 2 3 4\n", ["Line 3", "4 values after the word", "header announces 3"]),
        ("a 1 2 3\nb 1 2\n", ["Line 2", "2 values after the word", "first line has 3"]),
        ("2 3\na 1 2 3\nb 1 x 3\n", ["Line 3", "'x' is not a number"]),
        ("2 3\na 1 2 3\nb 1 nan 3\n", ["Line 3", "NaN or infinite"]),
        ("a\n", ["Line 1", "no values"]),
        ("\n", ["Line 1", "is empty"]),
    ],
)
def test_malformed_text_lines(tmp_path, text, fragments):
    path = text_file(tmp_path, text)
    with raises(ValueError, "vectors.txt", *fragments):
        load(path)


def test_nan_in_a_binary_vector(tmp_path):
    rows = ROWS.copy()
    rows[1, 2] = np.nan
    path = text_file(tmp_path, binary_bytes(rows=rows), "vectors.bin")
    with raises(ValueError, "Vector 2", "vectors.bin", "NaN or infinite"):
        load(path, binary=True)


def test_undecodable_word_names_line_and_remedy(tmp_path):
    path = text_file(tmp_path, b"1 2\n\xff\xfe 1 2\n")
    with raises(ValueError, "Line 2", "vectors.txt", "not utf-8", "unicode_errors='replace'"):
        load(path)
    assert len(load(path, unicode_errors="replace")) == 1


def test_header_options_that_do_not_fit_the_file(tmp_path):
    glove = text_file(tmp_path, "a 1 2\nb 3 4\n", "glove.txt")
    with raises(ValueError, "Line 1", "glove.txt", "not a header", "no_header=False requires one"):
        load(glove, no_header=False)
    with raises(ValueError, "Line 1", "glove.txt", "the binary format always has one", "binary=False"):
        load(glove, binary=True)
    with_header = text_file(tmp_path, "2 2\na 1 2\nb 3 4\n", "w2v.txt")
    with raises(ValueError, "Line 2", "w2v.txt", "looks like a header", "leave no_header unset"):
        load(with_header, no_header=True)


@pytest.mark.parametrize(
    "kwargs, exception, fragments",
    [
        (dict(limit=-1), ValueError, ["limit"]),
        (dict(limit=1.5), TypeError, ["limit"]),
        (dict(no_header="yes"), TypeError, ["no_header"]),
    ],
)
def test_reader_parameters(tmp_path, kwargs, exception, fragments):
    path = text_file(tmp_path, "1 2\na 1 2\n")
    with raises(exception, *fragments):
        load(path, **kwargs)


def test_missing_vector_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "missing.txt")


def test_writer_refuses_what_the_format_cannot_hold(tmp_path):
    from skvec import WordVectors

    with raises(ValueError, "'a b'", "whitespace"):
        WordVectors(["a b"], np.ones((1, 2))).save_word2vec_format(tmp_path / "x.txt")
    with raises(ValueError, "write_header=False", "binary format always has a header"):
        WordVectors(["a"], np.ones((1, 2))).save_word2vec_format(tmp_path / "x.bin", binary=True, write_header=False)
