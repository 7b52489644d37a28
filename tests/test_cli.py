"""The skvec command line: train, evaluate, similar, and its error handling."""

import subprocess
import sys

import gensim.models as gensim_models
import numpy as np
import pytest
from sklearn.base import BaseEstimator

from corpora import FINANCE, FUNCTION_WORDS, PETS, ROYALTY, topic_sentences
from skvec import cli_methods, cli_train, datasets
from skvec.cli import build_model, main, method_names, parameter_meanings, parse_value, register_method

TOPICS = [PETS[:6], FINANCE[:6], ROYALTY]  # "cat" has pets for neighbours
COMMON = FUNCTION_WORDS[:4]
W2V_PARAMS = ["n_components=12", "min_count=1", "epochs=3", "window=3", "n_jobs=1", "random_state=0"]


@pytest.fixture(scope="module")
def corpus_file(tmp_path_factory):
    lines, _ = topic_sentences(TOPICS, COMMON, 240, 9, 3)
    path = tmp_path_factory.mktemp("corpus") / "corpus.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def vector_file(corpus_file, tmp_path_factory):
    out = tmp_path_factory.mktemp("vectors") / "vectors.txt"
    params = [arg for value in W2V_PARAMS for arg in ("--param", value)]
    assert main(["train", "word2vec", "--corpus", str(corpus_file), "--out", str(out), *params]) == 0
    return out


def _similar(capsys, path, word, n):
    capsys.readouterr()
    assert main(["similar", str(path), word, "-n", str(n)]) == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.strip().splitlines()]
    return [(word, float(score)) for word, score in rows]


def test_train_writes_word2vec_text(vector_file):
    lines = vector_file.read_text(encoding="utf-8").splitlines()
    n_words, dim = map(int, lines[0].split())
    assert dim == 12
    assert n_words == len(lines) - 1 == len(TOPICS) * 6 + len(COMMON)
    assert all(len(line.split()) == dim + 1 for line in lines[1:])


def test_similar_matches_gensim(vector_file, capsys):
    keyed = gensim_models.KeyedVectors.load_word2vec_format(str(vector_file), binary=False)
    for word in ["cat", "market", "queen", "the"]:
        ours = _similar(capsys, vector_file, word, 5)
        theirs = keyed.most_similar(word, topn=5)
        assert [w for w, _ in ours] == [w for w, _ in theirs]
        np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], atol=1e-4)


@pytest.mark.parametrize("binary", [False, True])
def test_train_sppmi_svd_and_binary_output(corpus_file, tmp_path, capsys, binary):
    out = tmp_path / ("v.bin" if binary else "v.txt")
    args = ["train", "sppmi-svd", "--corpus", str(corpus_file), "--out", str(out),
            "--param", "n_components=6", "--param", "min_count=1", "--param", "window=3",
            "--param", "svdembedder__random_state=0"]
    if binary:
        args.append("--binary")
    assert main(args) == 0
    assert "wrote 22 vectors of dimension 6" in capsys.readouterr().out
    keyed = gensim_models.KeyedVectors.load_word2vec_format(str(out), binary=binary)
    assert keyed.vector_size == 6 and len(keyed) == 22
    # skvec reads its binary output too (the format is detected).
    words = [w for w, _ in _similar(capsys, out, "bond", 4)]
    assert words == [w for w, _ in keyed.most_similar("bond", topn=4)]


def test_verbose_reaches_the_estimator(corpus_file, tmp_path, capsys):
    out = tmp_path / "v.txt"
    params = [arg for value in W2V_PARAMS for arg in ("--param", value)]
    assert main(["train", "word2vec", "--corpus", str(corpus_file), "--out", str(out), "-v", *params]) == 0
    assert "epoch" in capsys.readouterr().err
    assert main(["train", "word2vec", "--corpus", str(corpus_file), "--out", str(out), *params]) == 0
    assert "epoch" not in capsys.readouterr().err


def test_train_on_the_bundled_sample_by_default(tmp_path, monkeypatch, capsys):
    from sklearn.utils import Bunch

    small = ["the cat sat on the mat", "the dog sat on the log"] * 30
    monkeypatch.setattr(datasets, "load_wiki_sample", lambda *a, **k: Bunch(data=small))
    out = tmp_path / "v.txt"
    code = main(["train", "word2vec", "--out", str(out), *sum((["--param", p] for p in W2V_PARAMS), [])])
    assert code == 0
    captured = capsys.readouterr()
    assert "bundled Wikipedia sample" in captured.err
    assert out.read_text().splitlines()[0] == "7 12"


def test_evaluate_prints_sections_and_coverage(vector_file, tmp_path, capsys):
    questions = tmp_path / "questions.txt"
    questions.write_text(
        ": family\ncat dog king queen\nking queen cat dog\nking queen cat zebra\n"
        ": gram-topics\nstock bond cat dog\n",
        encoding="utf-8",
    )
    pairs = tmp_path / "pairs.txt"
    pairs.write_text("cat dog 9\ncat stock 1\nking queen 8\nbond zebra 3\n", encoding="utf-8")
    code = main(["evaluate", str(vector_file), "--analogies", str(questions), "--pairs", str(pairs)])
    assert code == 0
    out = capsys.readouterr().out
    for name in ("family", "gram-topics", "semantic", "syntactic", "overall", "coverage", "Spearman"):
        assert name in out
    overall = next(line for line in out.splitlines() if line.startswith("overall"))
    assert "/3" in overall and "75.00%" in overall  # 3 of 4 questions in scope
    assert "pairs 3/4" in out


def test_evaluate_with_the_bundled_questions(vector_file, capsys):
    assert main(["evaluate", str(vector_file), "--method", "3cosmul", "--restrict-vocab", "100"]) == 0
    out = capsys.readouterr().out
    assert "capital-common-countries" in out and "gram8-plural" in out and "3cosmul" in out


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["train", "lda"], 2, "unknown method 'lda'; choose one of sppmi-svd, glove, word2vec, fasttext"),
        (["train", "word2vec", "--param", "windw=3"], 2, "did you mean 'window'"),
        (["train", "sppmi-svd", "--param", "shift"], 2, "NAME=VALUE"),
        (["train", "sppmi-svd", "--param", "bogus__window=3"], 2, "unknown parameter 'bogus__window'"),
        (["train", "word2vec", "--corpus", "no/such/corpus.txt"], 1, "no/such/corpus.txt: no such file"),
        (["similar", "no/such/vectors.txt", "cat"], 1, "no such file"),
        (["evaluate", "no/such/vectors.txt"], 1, "no such file"),
        (["frobnicate"], 2, "invalid choice"),
        ([], 2, "required"),
    ],
)
def test_usage_and_failure_messages(args, code, message, capsys):
    assert main(args) == code
    err = capsys.readouterr().err
    assert err.startswith("skvec: error:")
    assert message in err


def test_unknown_parameter_lists_the_valid_ones(capsys):
    assert main(["train", "sppmi-svd", "--param", "dimensions=50"]) == 2
    err = capsys.readouterr().err
    for name in ("n_components", "shift", "window", "min_count", "svdembedder"):
        assert name in err


def test_runtime_failures(vector_file, corpus_file, tmp_path, capsys):
    assert main(["similar", str(corpus_file), "cat"]) == 1
    assert "not a readable vector file" in capsys.readouterr().err
    assert main(["similar", str(vector_file), "zebra"]) == 1
    assert "'zebra' is not in the vocabulary" in capsys.readouterr().err
    assert main(["evaluate", str(vector_file), "--analogies", str(corpus_file)]) == 1
    assert "not an analogy question file" in capsys.readouterr().err
    bad = tmp_path / "bad.txt"
    bad.write_text("the cat\n", encoding="utf-8")
    # A parameter value the estimator rejects: refused before training (exit 2), naming the parameter.
    out = str(tmp_path / "v.txt")
    assert main(["train", "word2vec", "--corpus", str(bad), "--out", out, "--param", "window=-1"]) == 2
    assert "window" in capsys.readouterr().err


def test_parse_value():
    assert parse_value("5") == 5
    assert parse_value("0.75") == 0.75
    assert parse_value("None") is None
    assert parse_value("True") is True
    assert parse_value("'w+c'") == "w+c"
    assert parse_value("cbow") == "cbow"
    assert parse_value("(1, 2)") == (1, 2)


@pytest.mark.slow
def test_python_dash_m_and_exit_codes():
    run = [sys.executable, "-m", "skvec"]
    helped = subprocess.run(run + ["--help"], capture_output=True, text=True)
    assert helped.returncode == 0 and "train" in helped.stdout and "evaluate" in helped.stdout
    misuse = subprocess.run(run + ["train", "lda"], capture_output=True, text=True)
    assert misuse.returncode == 2 and "unknown method" in misuse.stderr


def test_train_glove(corpus_file, tmp_path, capsys):
    out = tmp_path / "glove.txt"
    args = ["train", "glove", "--corpus", str(corpus_file), "--out", str(out), "--param", "n_components=4",
            "--param", "min_count=1", "--param", "max_iter=3", "--param", "random_state=0", "--param", "n_jobs=1"]
    assert main(args) == 0
    assert out.read_text().splitlines()[0] == "22 4"
    assert "wrote 22 vectors of dimension 4" in capsys.readouterr().out


def test_version(capsys):
    import skvec

    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"skvec {skvec.__version__}"


def test_help_shows_the_bundled_data_and_word_pairs(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "bundled Wikipedia sample" in out and "--pairs" in out and "--debug" in out
    assert main(["evaluate", "--help"]) == 0
    out = capsys.readouterr().out
    assert "--pairs" in out and "Spearman" in out and "--case-sensitive" in out


@pytest.mark.parametrize("method", method_names())
def test_method_help_lists_every_parameter_with_default_and_meaning(method, capsys):
    assert main(["train", method, "--help"]) == 0
    out = capsys.readouterr().out
    model = build_model(method)
    steps = model.steps if hasattr(model, "steps") else [(None, model)]
    for _, step in steps:
        meanings = parameter_meanings(step)
        for name, value in step.get_params(deep=False).items():
            assert meanings.get(name), f"{type(step).__name__}.{name} has no description in the docstring"
            shown = value.__name__ if isinstance(value, type) else repr(value)
            assert f"    {name}={shown}" in out
            assert " ".join(meanings[name].replace("``", "").split()[:4]) in " ".join(out.split())
    assert "Command-line defaults:" in out


def test_glove_help_states_its_command_line_defaults(capsys):
    assert main(["train", "glove", "--help"]) == 0
    out = capsys.readouterr().out
    assert "x_max=10 (estimator default: 100)" in out
    assert "max_iter=10 (estimator default: 25)" in out


class _Toy(BaseEstimator):
    """A toy embedder.

    Parameters
    ----------
    size : int, default=3
        Dimension of the toy vectors. Longer explanation that help leaves out.
    alpha, beta : float, default=0.5
        Two weights, e.g. for tests.

    Attributes
    ----------
    embedding_ : ndarray
        Not a parameter.
    """

    def __init__(self, size=3, alpha=0.5, beta=0.5):
        self.size = size
        self.alpha = alpha
        self.beta = beta


def test_a_registered_method_gets_help_for_free(monkeypatch, capsys):
    monkeypatch.setattr(cli_methods, "_METHODS", dict(cli_methods._METHODS))
    register_method("toy", _Toy, "a toy method", defaults={"size": 7}, note="small")
    assert "toy" in method_names()
    assert main(["train", "toy", "--help"]) == 0
    out = capsys.readouterr().out
    assert "size=7 (estimator default: 3): Dimension of the toy vectors." in out
    assert "alpha=0.5: Two weights, e.g. for tests." in out and "beta=0.5: Two weights" in out
    assert "Longer explanation" not in out and "embedding_" not in out
    assert main(["train", "--help"]) == 0
    assert "a toy method" in capsys.readouterr().out


def test_similar_and_evaluate_share_the_case_policy(vector_file, tmp_path, capsys):
    lower = _similar(capsys, vector_file, "cat", 3)
    assert _similar(capsys, vector_file, "CAT", 3) == lower
    assert main(["similar", str(vector_file), "CAT", "--case-sensitive"]) == 1
    assert "'CAT' is not in the vocabulary" in capsys.readouterr().err
    questions = tmp_path / "q.txt"
    questions.write_text(": family\nCAT DOG PET FUR\n", encoding="utf-8")
    assert main(["evaluate", str(vector_file), "--analogies", str(questions)]) == 0
    out = capsys.readouterr().out
    overall = next(line for line in out.splitlines() if line.startswith("overall"))
    assert "case-insensitive" in out and overall.endswith(" 100.00%")  # the question is in scope
    assert main(["evaluate", str(vector_file), "--analogies", str(questions), "--case-sensitive"]) == 0
    out = capsys.readouterr().out
    overall = next(line for line in out.splitlines() if line.startswith("overall"))
    assert "case-sensitive" in out and "case-insensitive" not in out and overall.endswith(" 0.00%")


def test_first_run_note(corpus_file, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cli_train, "_numba_cache_is_empty", lambda: True)
    args = ["train", "word2vec", "--corpus", str(corpus_file), "--out", str(tmp_path / "v.txt")]
    assert main([*args, *sum((["--param", p] for p in W2V_PARAMS), [])]) == 0
    assert "compiles skvec's Numba kernels (about 20 s, once)" in capsys.readouterr().err
    # With -v the model's progress lines say it instead, so it is not said twice.
    assert main([*args, *sum((["--param", p] for p in W2V_PARAMS), []), "-v"]) == 0
    assert "compiles skvec's Numba kernels" not in capsys.readouterr().err


def test_verbose_levels_on_stderr(corpus_file, tmp_path, capsys):
    args = ["train", "word2vec", "--corpus", str(corpus_file), "--out", str(tmp_path / "v.txt")]
    args += [arg for value in W2V_PARAMS for arg in ("--param", value)]
    assert main([*args, "-v"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert sum(line.startswith("vocabulary: 22 word types kept") for line in err) == 1
    assert [line.split(",")[0] for line in err if line.startswith("word2vec: epoch")] == [
        f"word2vec: epoch {e}/3" for e in (1, 2, 3)
    ]
    assert main(["similar", str(tmp_path / "v.txt"), "cat", "-v"]) == 2  # similar has no -v
    capsys.readouterr()


def test_vector_formats_are_detected(vector_file, tmp_path, capsys):
    from skvec import WordVectors

    vectors = WordVectors.load_word2vec_format(vector_file)
    binary, glove = tmp_path / "v.bin.gz", tmp_path / "glove.txt"
    vectors.save_word2vec_format(binary, binary=True)
    glove.write_text("".join(line + "\n" for line in vector_file.read_text().splitlines()[1:]))
    expected = _similar(capsys, vector_file, "cat", 3)
    assert _similar(capsys, binary, "cat", 3) == expected
    assert _similar(capsys, glove, "cat", 3) == expected


@pytest.mark.parametrize("suffix, compress", [(".gz", "gzip"), (".bz2", "bz2"), (".xz", "lzma")])
def test_compressed_corpus(corpus_file, tmp_path, capsys, suffix, compress):
    import importlib

    packed = tmp_path / f"corpus.txt{suffix}"
    packed.write_bytes(importlib.import_module(compress).compress(corpus_file.read_bytes()))
    out = tmp_path / "v.txt"
    params = [arg for value in W2V_PARAMS for arg in ("--param", value)]
    assert main(["train", "word2vec", "--corpus", str(packed), "--out", str(out), *params]) == 0
    plain = tmp_path / "plain.txt"
    assert main(["train", "word2vec", "--corpus", str(corpus_file), "--out", str(plain), *params]) == 0
    assert out.read_text() == plain.read_text()  # n_jobs=1 and a seed: the same vectors
    capsys.readouterr()


# -- bad input: user errors --------------------------------------------------------------------
# Every user error of the command line is one "skvec: error: ..." line on stderr
# and exit status 1 (the work failed) or 2 (usage); a traceback only with --debug.

import bz2  # noqa: E402
import gzip  # noqa: E402
import lzma  # noqa: E402

from corpora import CAT_DOG_DOCS  # noqa: E402
from skvec.cli import main as cli_main  # noqa: E402


CLI_TRAIN = ["--param", "n_components=4", "--param", "min_count=1", "--param", "n_jobs=1", "--param", "epochs=1"]


@pytest.fixture(scope="module")
def cli_files(tmp_path_factory):
    """A small corpus, plain and cut short in each compression, and damaged vector files."""
    root = tmp_path_factory.mktemp("cli")
    text = ("\n".join(CAT_DOG_DOCS) + "\n").encode() * 20
    (root / "corpus.txt").write_bytes(text)
    for suffix, compress in ((".gz", gzip.compress), (".bz2", bz2.compress), (".xz", lzma.compress)):
        packed = compress(text)
        (root / f"truncated.txt{suffix}").write_bytes(packed[: len(packed) // 2])
    (root / "latin1.txt").write_bytes("caf\xe9 au lait\n".encode("latin-1") * 5)
    (root / "empty.txt").write_text("")
    (root / "huge-header.txt").write_text("1000000000000 2\nthe 0.1 0.2\n")
    (root / "pairs.txt").write_text("cat dog not-a-number\n")
    return root


def cli_error(capsys, args, status):
    """Run the command; assert the status and one error line without traceback; return that line."""
    assert cli_main([str(arg) for arg in args]) == status
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if line.startswith("skvec: error: ")]
    assert len(errors) == 1, err
    assert "Traceback" not in err
    return errors[0]


@pytest.mark.parametrize(
    "param, fragment, status",
    [
        ("alpha=1e6", "alpha", 1),  # training diverges: FloatingPointError inside
        # Values the estimator rejects: refused before training, as a malformed parameter.
        ("ns_exponent=-1000", "ns_exponent", 2),
        ("window=-1", "window", 2),
        ("epochs=0", "epochs", 2),
        ("architecture='skip'", "architecture", 2),
    ],
)
def test_cli_parameter_that_fails_training(cli_files, tmp_path, capsys, param, fragment, status):
    args = ["train", "word2vec", "--corpus", cli_files / "corpus.txt", "--out", tmp_path / "v.txt", *CLI_TRAIN]
    line = cli_error(capsys, [*args, "--param", param], status)
    assert fragment in line


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz"])
def test_cli_truncated_compressed_corpus(cli_files, tmp_path, capsys, suffix):
    corpus = cli_files / f"truncated.txt{suffix}"
    line = cli_error(capsys, ["train", "word2vec", "--corpus", corpus, "--out", tmp_path / "v.txt", *CLI_TRAIN], 1)
    assert str(corpus) in line and "truncated or corrupt" in line


def test_cli_corpus_not_utf8(cli_files, tmp_path, capsys):
    corpus = cli_files / "latin1.txt"
    line = cli_error(capsys, ["train", "word2vec", "--corpus", corpus, "--out", tmp_path / "v.txt", *CLI_TRAIN], 1)
    assert str(corpus) in line and "UTF-8" in line


def test_cli_empty_corpus(cli_files, tmp_path, capsys):
    args = ["train", "word2vec", "--corpus", cli_files / "empty.txt", "--out", tmp_path / "v.txt", *CLI_TRAIN]
    assert "empty" in cli_error(capsys, args, 1)


def test_cli_corpus_is_a_directory(cli_files, tmp_path, capsys):
    line = cli_error(capsys, ["train", "sppmi-svd", "--corpus", cli_files, "--out", tmp_path / "v.txt"], 1)
    assert "is a directory" in line


def test_cli_unwritable_output(cli_files, tmp_path, capsys):
    out = tmp_path / "no" / "such" / "dir" / "v.txt"
    line = cli_error(capsys, ["train", "word2vec", "--corpus", cli_files / "corpus.txt", "--out", out, *CLI_TRAIN], 1)
    assert f"cannot write {out}" in line


def test_cli_vector_file_header_claims_too_many_words(cli_files, capsys):
    path = cli_files / "huge-header.txt"
    for command in (["evaluate", path], ["similar", path, "the"]):
        assert str(path) in cli_error(capsys, command, 1)


def test_cli_malformed_word_pairs(cli_files, capsys):
    vectors = cli_files / "w.txt"
    vectors.write_text("2 2\nthe 0.1 0.2\ncat 0.3 0.1\n")
    line = cli_error(capsys, ["evaluate", vectors, "--pairs", cli_files / "pairs.txt"], 1)
    assert "pairs.txt" in line


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["train", "word2vec", "--param", "alpha"], "NAME=VALUE"),
        (["train", "word2vec", "--param", "alhpa=0.1"], "did you mean 'alpha'"),
        (["train", "nonsense"], "unknown method 'nonsense'"),
        (["train"], "METHOD"),
        (["similar", "v.txt"], "WORD"),
        (["similar", "v.txt", "cat", "-n", "x"], "invalid int value"),
        (["evaluate", "v.txt", "--method", "3cosfoo"], "invalid choice"),
        (["similar", "v.txt", "cat", "--frobnicate"], "unrecognized arguments"),
    ],
)
def test_cli_usage_errors(capsys, args, fragment):
    assert fragment in cli_error(capsys, args, 2)


def test_cli_nonpositive_counts(cli_files, capsys):
    vectors = cli_files / "w2.txt"
    vectors.write_text("2 2\nthe 0.1 0.2\ncat 0.3 0.1\n")
    assert "-n must be a positive integer" in cli_error(capsys, ["similar", vectors, "cat", "-n", "0"], 2)
    assert "--restrict-vocab" in cli_error(capsys, ["evaluate", vectors, "--restrict-vocab", "0"], 2)


def test_cli_debug_shows_the_traceback(cli_files, tmp_path, capsys):
    args = ["train", "word2vec", "--corpus", str(cli_files / "truncated.txt.gz"), "--out", str(tmp_path / "v.txt")]
    for debug_args in ([*args, *CLI_TRAIN, "--debug"], ["--debug", *args, *CLI_TRAIN]):
        with pytest.raises(Exception) as info:
            cli_main(debug_args)
        # The original error is kept as the cause, so the traceback shows where it happened.
        assert isinstance(info.value.__cause__, EOFError)
    capsys.readouterr()


# -- `train METHOD --help` reads the docstrings as numpydoc does -------------------------------------

import inspect  # noqa: E402
import warnings  # noqa: E402

from skvec import (  # noqa: E402
    CooccurrenceVectorizer,
    Doc2VecEmbedder,
    EmbeddingVectorizer,
    FastTextClassifier,
    FastTextEmbedder,
    GloVeEmbedder,
    PhraseDetector,
    SPPMITransformer,
    SVDEmbedder,
    Word2VecEmbedder,
)
from skvec.cli_methods import first_sentence  # noqa: E402


@pytest.mark.parametrize("estimator", [
    CooccurrenceVectorizer(), SPPMITransformer(), SVDEmbedder(), GloVeEmbedder(), Word2VecEmbedder(),
    FastTextEmbedder(), Doc2VecEmbedder(), PhraseDetector(), FastTextClassifier(),
    EmbeddingVectorizer(Word2VecEmbedder()),
], ids=lambda estimator: type(estimator).__name__)
def test_parameter_meanings_agree_with_numpydoc(estimator):
    # The command line keeps its own small reader (numpydoc is a documentation
    # dependency, not a run-time one); it must read what numpydoc reads.
    docscrape = pytest.importorskip("numpydoc.docscrape")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        doc = docscrape.ClassDoc(type(estimator), doc=inspect.getdoc(type(estimator)),
                                 config={"show_class_members": False})
    names = set(estimator.get_params(deep=False))
    expected = {}
    for parameter in doc["Parameters"]:
        for name in (part.strip() for part in parameter.name.split(",")):
            if name in names:
                expected[name] = first_sentence(" ".join(" ".join(parameter.desc).split()))
    meanings = {name: " ".join(text.split()) for name, text in parameter_meanings(estimator).items()}
    assert meanings == expected
    assert set(meanings) == names  # every parameter is described
