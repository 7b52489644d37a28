"""Regression tests, one or more per defect of files and edge cases (see the test names)."""

import os
import subprocess
import sys

import numpy as np
import pytest

from skvec import FastTextEmbedder, PhraseDetector, SubwordVectors, Word2VecEmbedder, WordVectors
from skvec.cli import main


# -- phrases keyed by word ids, not by their joined text -------------------------------


def test_phrases_joining_into_the_same_text_keep_other_phrases_right():
    docs = ["a_b c"] * 20 + ["a b_c"] * 20 + ["x y"] * 20 + ["p q"] * 20
    detector = PhraseDetector(min_count=1, threshold=1e-9).fit(docs)
    assert detector.transform(["a b_c", "x y", "p q", "a_b c"]) == [["a_b_c"], ["x_y"], ["p_q"], ["a_b_c"]]
    assert detector.fit_transform(docs)[-1] == ["p_q"]
    assert list(detector.phrases_).count("a_b_c") == 1


def test_phrases_with_empty_delimiter_keep_other_phrases_right():
    docs = ["ab c"] * 20 + ["a bc"] * 20 + ["x y"] * 20 + ["p q"] * 20
    detector = PhraseDetector(min_count=1, threshold=1e-9, delimiter="").fit(docs)
    assert detector.transform(["a bc", "ab c", "x y", "p q"]) == [["abc"], ["abc"], ["xy"], ["pq"]]


# -- parameters refused or honoured at fit ----------------------------------------------


def test_connector_words_in_upper_case_match_lowercased_text():
    detector = PhraseDetector(min_count=1, threshold=1e-9, connector_words=["OF"]).fit(["bank of america"] * 20)
    assert "bank_of_america" in detector.phrases_


# -- helpers -----------------------------------------------------------------------------


def load_vectors(path):
    import skvec

    return skvec.load_vectors(path)

DOCS = ["the cat sat on the mat", "the dog sat on the log", "a cat and a dog"] * 30


def small_fasttext(**params):
    settings = dict(n_components=8, min_count=1, bucket=50, epochs=1, n_jobs=1, random_state=0)
    settings.update(params)
    return FastTextEmbedder(**settings).fit(DOCS)


def fasttext_bin(tmp_path, name="model.bin", **params):
    fasttext = pytest.importorskip("fasttext")
    corpus = tmp_path / "ft-corpus.txt"
    corpus.write_text("\n".join(DOCS) + "\n", encoding="utf-8")
    settings = dict(dim=4, epoch=1, minCount=1, bucket=40, minn=2, maxn=3, thread=1, verbose=0)
    settings.update(params)
    model = fasttext.train_unsupervised(str(corpus), **settings)
    model.save_model(str(tmp_path / name))
    return tmp_path / name, model


def corpus(tmp_path):
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(DOCS) + "\n", encoding="utf-8")
    return path


# -- 2: a failed save keeps the previous file (more in test_atomic_writes.py) ---------------


def test_failed_save_keeps_the_previous_word2vec_file(tmp_path):
    from skvec.vectors._formats import write_vectors

    path = tmp_path / "vectors.txt"
    WordVectors(["old"], np.ones((1, 3))).save_word2vec_format(path)
    before = path.read_bytes()
    words, vectors = [f"w{i}" for i in range(200)], np.ones((200, 3), dtype=np.float32)

    class Stop(Exception):
        pass

    class RowsThatFailMidway(np.ndarray):  # the 151st row raises, after 150 were written

        def __getitem__(self, row):
            if row == 150:
                raise Stop
            return np.asarray(self)[row]

    with pytest.raises(Stop):
        write_vectors(path, words, vectors.view(RowsThatFailMidway))
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["vectors.txt"]


# -- 3: numpy scalar parameters round-trip ------------------------------------------------


def test_numpy_integer_parameters_survive_save_and_load(tmp_path):
    model = small_fasttext(n_components=np.int64(8), epochs=np.int32(1), alpha=np.float32(0.05))
    model.save(tmp_path / "model.npz")
    loaded = FastTextEmbedder.load(tmp_path / "model.npz")
    assert loaded.n_components == 8 and loaded.epochs == 1 and loaded.alpha == pytest.approx(0.05)
    loaded.fit(DOCS)  # refitting works


def test_parameter_without_json_form_warns_at_save(tmp_path):
    model = small_fasttext(tokenizer=str.split)
    with pytest.warns(UserWarning, match="tokenizer"):
        model.save(tmp_path / "model.npz")
    assert FastTextEmbedder.load(tmp_path / "model.npz").tokenizer is None


# -- 4: a fastText .bin without character n-grams ---------------------------------------


def test_fasttext_bin_trained_with_maxn_0_loads(tmp_path):
    path, model = fasttext_bin(tmp_path, maxn=0)
    wv = load_vectors(path)
    assert wv.words == model.words
    for word in model.words:
        np.testing.assert_allclose(wv[word], model.get_word_vector(word), atol=1e-6)


def test_supervised_fasttext_bin_gives_labels(tmp_path):
    fasttext = pytest.importorskip("fasttext")
    from skvec.vectors import read_fasttext_bin

    path = tmp_path / "sup.txt"
    path.write_text("\n".join(["__label__a the cat sat", "__label__b the dog ran", "__label__a a cat"] * 10) + "\n")
    model = fasttext.train_supervised(str(path), dim=4, epoch=1, thread=1, verbose=0)
    model.save_model(str(tmp_path / "sup.bin"))
    parsed = read_fasttext_bin(tmp_path / "sup.bin")
    assert parsed["labels"] == model.labels and parsed["label_counts"].tolist() == [20, 10]
    assert parsed["words"] == model.words and parsed["output"].shape == (2, 4)
    assert set(parsed) >= {"args", "words", "counts", "input", "output", "labels", "label_counts"}


# -- 5: vocabulary membership is not "has a vector" --------------------------------------


def test_similar_on_a_subword_model_is_case_insensitive(tmp_path, capsys):
    rng = np.random.default_rng(0)
    words = ["york", "new", "city", "river", "paris", "london"]
    wv = SubwordVectors(words, rng.normal(size=(6, 5)), rng.normal(size=(30, 5)), min_n=2, max_n=3)
    wv.save(tmp_path / "model.npz")
    wv.save_word2vec_format(tmp_path / "ft.vec")
    outputs = []
    for path in (tmp_path / "model.npz", tmp_path / "ft.vec"):
        assert main(["similar", str(path), "York", "-n", "3"]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    assert "york" not in outputs[0]


# -- 6: spill directories of live processes are never removed -----------------------------


def test_spill_cleanup_keeps_a_live_directory_whose_pid_means_nothing_here(tmp_path):
    from skvec._counting.spill import remove_stale_directories

    script = (
        "import os, sys, tempfile\n"
        f"tempfile.tempdir = {str(tmp_path)!r}\n"
        "os.getpid = lambda: 999999999  # a process id from another pid namespace\n"
        "from skvec._counting.spill import SpillDirectory\n"
        "with SpillDirectory() as spill:\n"
        "    print(spill.path, flush=True)\n"
        "    sys.stdin.readline()\n"
        "    assert os.path.isdir(spill.path)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             text=True)
    try:
        path = child.stdout.readline().strip()
        assert os.path.basename(path).startswith("skvec-cooccurrence-999999999-")
        remove_stale_directories(str(tmp_path))
        assert os.path.isdir(path)
    finally:
        child.communicate("\n", timeout=60)
    assert child.returncode == 0
    os.makedirs(os.path.join(tmp_path, "skvec-cooccurrence-999999999-dead"))
    lock = os.path.join(tmp_path, "skvec-cooccurrence-999999999-dead", "owner.lock")
    open(lock, "w").close()
    remove_stale_directories(str(tmp_path))  # no owner holds its lock: stale
    assert not os.path.exists(lock)


# -- 7, 8: damaged .bin and .npz files ----------------------------------------------------


def test_fasttext_bin_with_a_flipped_dictionary_nul_is_refused(tmp_path):
    path, model = fasttext_bin(tmp_path)
    data = bytearray(path.read_bytes())
    start = data.index(b"the\0")
    data[start + 3] = ord("x")  # "the" runs into its count
    bad = tmp_path / "bad.bin"
    bad.write_bytes(bytes(data))
    with pytest.raises(ValueError, match=r"bad\.bin.*byte \d+"):
        load_vectors(bad)


@pytest.mark.parametrize("cut", [10, 60, 200, -30, -1])
def test_truncated_fasttext_bin_names_the_file(tmp_path, cut):
    path, _ = fasttext_bin(tmp_path)
    bad = tmp_path / "short.bin"
    bad.write_bytes(path.read_bytes()[:cut])
    with pytest.raises(ValueError, match=r"short\.bin.*byte \d+"):
        load_vectors(bad)


@pytest.mark.parametrize("cut", [10, 100, 400, -40, -1])
def test_truncated_model_file_names_the_file(tmp_path, cut):
    SubwordVectors(["a", "b"], np.eye(2), np.ones((5, 2)), min_n=2, max_n=3).save(tmp_path / "m.npz")
    bad = tmp_path / "short.npz"
    bad.write_bytes((tmp_path / "m.npz").read_bytes()[:cut])
    with pytest.raises(ValueError, match=r"short\.npz"):
        SubwordVectors.load(bad)
    with pytest.raises(ValueError, match=r"short\.npz"):
        load_vectors(bad)


def test_model_file_with_out_of_range_word_offsets_is_refused(tmp_path):
    import json

    meta = {"format": "skvec-subword-model", "version": 1, "min_n": 3, "max_n": 6, "bucket": 0, "params": {}}
    np.savez(tmp_path / "m.npz", meta=np.array(json.dumps(meta)), words_utf8=np.frombuffer(b"ab", np.uint8),
             word_offsets=np.array([0, 1, 9], dtype=np.int64), vectors=np.ones((2, 2), np.float32))
    with pytest.raises(ValueError, match=r"m\.npz.*offsets"):
        SubwordVectors.load(tmp_path / "m.npz")
    np.savez(tmp_path / "j.npz", meta=np.array("{not json"), words_utf8=np.zeros(0, np.uint8))
    with pytest.raises(ValueError, match=r"j\.npz.*JSON"):
        SubwordVectors.load(tmp_path / "j.npz")


# -- 9: outputs and parameters checked before the corpus is read --------------------------


def test_cli_checks_outputs_and_parameters_before_training(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    text = str(corpus(tmp_path))
    assert main(["train", "word2vec", "--corpus", text, "--model", "m.npz"]) == 1
    assert "no model file" in capsys.readouterr().err and not os.path.exists("vectors.txt")
    assert main(["train", "fasttext", "--corpus", text, "--model", str(tmp_path / "no" / "m.npz")]) == 1
    err = capsys.readouterr().err
    assert "does not exist" in err and "training" not in err and not os.path.exists("vectors.txt")
    assert main(["train", "word2vec", "--corpus", text, "--out", str(tmp_path)]) == 1
    assert "is a directory" in capsys.readouterr().err
    assert main(["train", "word2vec", "--corpus", text, "--param", "window=-1"]) == 2
    assert "window" in capsys.readouterr().err and not os.path.exists("vectors.txt")
    assert main(["phrases", "--corpus", text, "--out", str(tmp_path / "no" / "p.txt")]) == 1


# -- 10: the memory error keeps the library's advice -------------------------------------


def test_cli_memory_error_names_bucket(tmp_path, capsys):
    out = str(tmp_path / "v.txt")
    assert main(["train", "fasttext", "--corpus", str(corpus(tmp_path)), "--out", out, "--param",
                 "bucket=2000000000", "--param", "n_components=300", "--param", "min_count=1"]) == 1
    err = capsys.readouterr().err
    assert "bucket" in err and "max_vocab_size" not in err


# -- 11: formats detected by content, not by suffix ---------------------------------------


def test_model_without_npz_suffix_and_fasttext_bin_load_in_the_cli(tmp_path, capsys):
    rng = np.random.default_rng(1)
    wv = SubwordVectors(["cat", "dog", "mat"], rng.normal(size=(3, 4)), rng.normal(size=(20, 4)))
    wv.save(tmp_path / "model")
    assert main(["similar", str(tmp_path / "model"), "cat", "-n", "1"]) == 0
    assert capsys.readouterr().out.split("\t")[0] in ("dog", "mat")
    path, _ = fasttext_bin(tmp_path)
    assert main(["similar", str(path), "cat", "-n", "2"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2


def test_load_word2vec_format_detects_binary_and_points_to_load_vectors(tmp_path):
    wv = WordVectors(["x", "y"], np.eye(2))
    wv.save_word2vec_format(tmp_path / "v.bin", binary=True)
    assert WordVectors.load_word2vec_format(tmp_path / "v.bin").words == ["x", "y"]
    SubwordVectors(["x"], np.ones((1, 2))).save(tmp_path / "m.npz")
    with pytest.raises(ValueError, match="load_vectors") as error:
        WordVectors.load_word2vec_format(tmp_path / "m.npz")
    assert "binary=True" not in str(error.value)
    path, _ = fasttext_bin(tmp_path)
    with pytest.raises(ValueError, match="fastText .bin.*load_vectors"):
        WordVectors.load_word2vec_format(path)


# -- 12, 13, 14: refused at fit or construction -------------------------------------------


def test_empty_tokens_are_refused_at_fit():
    with pytest.raises(ValueError, match="empty string"):
        Word2VecEmbedder(min_count=1, n_components=4).fit([["a", "", "b"]] * 5)


def test_zero_dimensional_vectors_are_refused():
    with pytest.raises(ValueError, match="at least one dimension"):
        WordVectors(["a"], np.zeros((1, 0)))


def test_subword_vectors_refuse_min_n_above_max_n():
    with pytest.raises(ValueError, match="min_n=6 is greater than max_n=3"):
        SubwordVectors(["a"], np.ones((1, 2)), min_n=6, max_n=3)
