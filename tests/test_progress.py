"""Progress through logging: what each verbose level emits, how often, and where it goes."""

import contextlib
import io
import logging
import re

import numpy as np
import pytest
from sklearn.pipeline import make_pipeline

from corpora import topic_documents
from skvec import CooccurrenceVectorizer, FastTextEmbedder, GloVeEmbedder, Word2VecEmbedder
from skvec._progress import LINES_PER_EPOCH, Progress, TerminalHandler

N_TOPICS = 4


def _corpus(n_docs=300, seed=0):
    docs = topic_documents(n_docs, 20, seed, n_topics=N_TOPICS, words_per_topic=12)
    docs[0] += ["rare1", "rare2"]  # below min_count=2
    return docs


def _messages(caplog, name=None):
    return [r.getMessage() for r in caplog.records if name is None or r.name == name]


@contextlib.contextmanager
def no_logging_configured():
    """An application that configured no logging (pytest's own capture handlers set aside)."""
    saved = logging.root.handlers, logging.getLogger("skvec").handlers
    logging.root.handlers, logging.getLogger("skvec").handlers = [], []
    try:
        yield
    finally:
        logging.root.handlers, logging.getLogger("skvec").handlers = saved


def test_verbose_0_logs_nothing(caplog):
    Word2VecEmbedder(8, min_count=2, epochs=2, n_jobs=1, random_state=0).fit(_corpus())
    assert caplog.records == []


def test_word2vec_verbose_1_lines(caplog):
    Word2VecEmbedder(8, min_count=2, epochs=3, n_jobs=1, random_state=0, verbose=1).fit(_corpus())
    # Every line of the fit, reading the corpus included, is the estimator's.
    assert {r.name for r in caplog.records} == {"skvec.word2vec"}
    assert all(r.levelno == logging.INFO for r in caplog.records)
    corpus, lines = _messages(caplog)[:2], _messages(caplog)[2:]
    assert corpus[0].startswith("vocabulary: done, docs 300, 6k tokens")
    assert corpus[1] == (
        "vocabulary: 48 word types kept of 50 seen; 6,000 of 6,002 tokens kept (100.0%); "
        "min_count=2 dropped 2 types (2 tokens)"
    )
    # Memory estimate, one summary per epoch, the closing line: nothing periodic.
    assert len(lines) == 1 + 3 + 1
    assert re.fullmatch(
        r"word2vec: estimated training memory [\d.]+ kB \(input vectors 1\.5 kB, output vectors 1\.5 kB, "
        r"corpus [\d.]+ kB\)",
        lines[0],
    )
    for epoch, line in enumerate(lines[1:4], 1):
        assert line.startswith(f"word2vec: epoch {epoch}/3, loss ")
    assert lines[4].startswith("word2vec: done, epochs 3, loss ")
    assert "18k words" in lines[4]



def test_fasttext_progress_lines_name_fasttext(caplog):
    FastTextEmbedder(8, min_count=2, epochs=2, bucket=1000, n_jobs=1, random_state=0, verbose=1).fit(_corpus())
    assert {r.name for r in caplog.records} == {"skvec.fasttext"}
    lines = [line for line in _messages(caplog) if not line.startswith("vocabulary:")]
    # One memory estimate, fastText's: the n-gram rows among the input rows.
    assert [line for line in lines if "estimated training memory" in line] == lines[:1]
    assert re.fullmatch(
        r"fasttext: estimated training memory [\d.]+ kB \(input vectors \(words and n-grams\) 33\.5 kB, "
        r"output vectors 1\.5 kB, word vectors 1\.5 kB, corpus [\d.]+ kB\)",
        lines[0],
    )
    for epoch, line in enumerate(lines[-3:-1], 1):
        assert line.startswith(f"fasttext: epoch {epoch}/2, loss ")
    assert lines[-1].startswith("fasttext: done, epochs 2, loss ")
    assert not any("word2vec" in line for line in lines)

def test_small_inputs_show_no_zero_rate(caplog):
    Word2VecEmbedder(4, min_count=1, epochs=2, n_jobs=1, random_state=0, verbose=2).fit([["a", "b", "c"]] * 3)
    text = "\n".join(_messages(caplog))
    assert "epoch 2/2" in text
    assert not re.search(r"\b0(\.0+)? \w+/s", text)


def test_glove_one_line_per_epoch(caplog):
    docs = _corpus()
    make_pipeline(
        CooccurrenceVectorizer(window=3, min_count=2, verbose=1),
        GloVeEmbedder(n_components=4, max_iter=4, tol=None, random_state=0, n_jobs=1, verbose=1),
    ).fit(docs)
    lines = _messages(caplog, "skvec.glove")
    assert lines[0].startswith("glove: 48 words x 48 contexts,")
    assert lines[1].startswith("glove: estimated training memory")
    assert [line.split(",")[0] for line in lines[2:6]] == [f"glove: epoch {e}/4" for e in range(1, 5)]
    assert lines[6].startswith("glove: done, epochs 4, cost ")
    assert len(lines) == 7
    counting = _messages(caplog, "skvec.cooccurrence")
    assert any(m.startswith("vocabulary: 48 word types kept") for m in counting)
    assert len([m for m in counting if m.startswith("cooccurrence:")]) == 1


def test_periodic_lines_are_bounded_per_epoch(caplog):
    epochs, per_epoch = 3, 100_000
    progress = Progress(epochs * per_epoch, desc="x", verbose=2, unit="words", interval=0, epochs=epochs,
                        logger=logging.getLogger("skvec.test_progress"))
    for epoch in range(epochs):
        for step in range(1, 1001):  # far more updates than lines allowed
            progress.update(epoch * per_epoch + step * per_epoch // 1000, epoch=f"{epoch + 1}/{epochs}")
        progress.epoch(epoch + 1, epochs, (epoch + 1) * per_epoch)
    progress.close()
    lines = _messages(caplog)
    for epoch in range(1, epochs + 1):
        periodic = [line for line in lines if line.startswith(f"x: epoch {epoch}/{epochs}, ") and "%" in line]
        assert len(periodic) == LINES_PER_EPOCH
    assert len(lines) == epochs * (LINES_PER_EPOCH + 1) + 1
    assert all(r.skvec_transient for r in caplog.records if "%" in r.getMessage())


def test_periodic_lines_only_at_verbose_2(caplog):
    for verbose, expected in ((1, 1), (2, 2)):
        caplog.clear()
        progress = Progress(10, desc="count", verbose=verbose, interval=0, logger=logging.getLogger("skvec.test_progress"))
        progress.update(5, epoch=1)
        progress.close()
        lines = _messages(caplog)
        assert len(lines) == expected
    assert lines[0].startswith("count: epoch 1, 50.0%") and "left" in lines[0]
    assert lines[1].startswith("count: done, 5 words")


def test_unknown_total_spacing_grows(caplog, monkeypatch):
    clock = iter(np.arange(0.0, 10_000.0, 1.0))
    monkeypatch.setattr("skvec._progress.clock", lambda: next(clock))
    progress = Progress(None, desc="reading", verbose=2, unit="tokens", interval=1.0,
                        logger=logging.getLogger("skvec.test_progress"))
    for done in range(1, 5000):
        progress.update(done)
    # Spacing max(1 s, elapsed / 4): logarithmic in the duration.
    assert 20 < len(caplog.records) < 45


def test_no_logging_configured_goes_to_stderr(capsys):
    with no_logging_configured():
        Word2VecEmbedder(4, min_count=2, epochs=2, n_jobs=1, random_state=0, verbose=1).fit(_corpus(50))
    err = capsys.readouterr().err
    assert "word2vec: epoch 2/2" in err and err.count("word2vec: epoch 1/2") == 1


def test_configured_logging_gets_each_line_once(capsys):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    with no_logging_configured():
        logging.root.addHandler(handler)  # root level stays WARNING: verbose still shows the lines
        Word2VecEmbedder(4, min_count=2, epochs=2, n_jobs=1, random_state=0, verbose=1).fit(_corpus(50))
    assert capsys.readouterr().err == ""
    assert stream.getvalue().count("skvec.word2vec INFO word2vec: epoch 2/2") == 1


def test_explicit_level_on_skvec_silences(caplog, monkeypatch):
    monkeypatch.setattr(logging.getLogger("skvec"), "level", logging.WARNING)
    Word2VecEmbedder(4, min_count=2, epochs=2, n_jobs=1, random_state=0, verbose=2).fit(_corpus(50))
    assert caplog.records == []


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_terminal_overwrites_periodic_lines():
    logger = logging.getLogger("skvec.test_terminal")
    terminal, plain = _Terminal(), io.StringIO()
    for stream in (terminal, plain):
        handler = TerminalHandler(stream)
        logger.addHandler(handler)
        try:
            progress = Progress(4, desc="t", verbose=2, interval=0, logger=logger)
            for done in range(1, 5):
                progress.update(done)
            progress.close()
        finally:
            logger.removeHandler(handler)
    assert plain.getvalue().count("\n") == 5 and "\r" not in plain.getvalue()
    # In a terminal: one line rewritten in place, then the final line.
    assert terminal.getvalue().count("\n") == 1
    assert terminal.getvalue().count("\r\x1b[K") == 4
    assert re.search(r"\r\x1b\[Kt: done, 4 words, [^\n]*in [\d.]+s\n$", terminal.getvalue())


def test_terminal_line_left_open_is_ended():
    terminal = _Terminal()
    handler = TerminalHandler(terminal)
    logger = logging.getLogger("skvec.test_finish")
    logger.addHandler(handler)
    try:
        Progress(4, desc="t", verbose=2, interval=0, logger=logger).update(1)
    finally:
        logger.removeHandler(handler)
    assert not terminal.getvalue().endswith("\n")
    handler.finish()
    handler.finish()  # only once
    assert re.fullmatch(r"t: 25\.0%, [^\n]*left [\d.]+s\n", terminal.getvalue())


@pytest.mark.parametrize("counting", [{}, {"max_memory": "1MB"}, {"n_shards": 2, "n_jobs": 1}])
def test_every_counting_path_logs_one_vocabulary_summary(caplog, counting):
    CooccurrenceVectorizer(window=2, min_count=2, verbose=1, **counting).fit(_corpus(60))
    # Whatever the path (in memory, spilled, sharded), every line is the vectorizer's.
    assert {r.name for r in caplog.records} == {"skvec.cooccurrence"}
    summaries = [m for m in _messages(caplog) if "word types kept" in m]
    assert summaries == [
        "vocabulary: 48 word types kept of 50 seen; 1,200 of 1,202 tokens kept (99.8%); "
        "min_count=2 dropped 2 types (2 tokens)"
    ]


def _documented_loggers():
    """(public name, logger name) for each row of the table on the logging page."""
    from pathlib import Path

    page = Path(__file__).resolve().parent.parent / "docs" / "user_guide" / "logging.rst"
    rows = re.findall(r"^:(?:class|func):`~skvec\.(\w+)`.*?``(skvec\.\w+)``\s*$", page.read_text(), re.MULTILINE)
    return dict(rows)


def _run_public(name, docs):
    """A small call of ``name`` at ``verbose=2``, through every path that logs."""
    from skvec import (Doc2VecEmbedder, FastTextClassifier, PhraseDetector, SVDEmbedder, WordVectors,
                       analogy_accuracy)

    small = dict(min_count=2, epochs=2, n_jobs=1, random_state=0, verbose=2)
    if name == "CooccurrenceVectorizer":
        for counting in ({}, {"max_memory": "1MB"}, {"n_shards": 2, "n_jobs": 1}):
            CooccurrenceVectorizer(window=2, min_count=2, verbose=2, **counting).fit(docs)
    elif name == "SVDEmbedder":
        SVDEmbedder(n_components=3, random_state=0, verbose=2).fit(np.random.default_rng(0).random((20, 20)))
    elif name == "GloVeEmbedder":
        GloVeEmbedder(n_components=4, max_iter=2, random_state=0, n_jobs=1, verbose=2).fit(
            np.random.default_rng(0).random((20, 20)))
    elif name in ("Word2VecEmbedder", "FastTextEmbedder"):
        model = (Word2VecEmbedder if name == "Word2VecEmbedder" else FastTextEmbedder)(8, **small)
        model.fit(docs[:100]).partial_fit(docs[100:])
    elif name == "Doc2VecEmbedder":
        Doc2VecEmbedder(8, **small).fit(docs[:100]).partial_fit(docs[100:]).transform(docs[:5] + [["unknown"]])
    elif name == "FastTextClassifier":
        FastTextClassifier(n_components=8, epochs=2, n_jobs=1, random_state=0, verbose=2).fit(
            docs, [i % 2 for i in range(len(docs))]).predict([["unknown"]])
    elif name == "PhraseDetector":
        PhraseDetector(min_count=2, verbose=2).fit(docs)
    elif name == "analogy_accuracy":
        wv = WordVectors([f"w{i}" for i in range(8)], np.random.default_rng(0).random((8, 4)))
        analogy_accuracy(wv, [("w0", "w1", "w2", "w3"), ("w4", "w5", "w6", "w7")], verbose=2)
    else:
        raise AssertionError(f"no small call of {name} to check its logger with")


def test_every_documented_logger_is_the_one_used(caplog):
    documented = _documented_loggers()
    assert len(documented) >= 9
    docs = _corpus(160)
    for name, logger in documented.items():
        caplog.clear()
        _run_public(name, docs)
        assert caplog.records, name
        assert {record.name for record in caplog.records} == {logger}, name


def test_needs_compiling_tells_a_first_compilation(tmp_path, monkeypatch):
    import importlib

    from skvec._progress import needs_compiling

    (tmp_path / "tiny_kernel.py").write_text(
        "from numba import njit\n\n\n@njit(cache=True)\ndef add_one(x):\n    return x + 1\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("tiny_kernel")
    assert needs_compiling(module.add_one)  # nothing compiled, nothing cached
    assert module.add_one(1) == 2
    assert not needs_compiling(module.add_one)  # compiled in this process
    module = importlib.reload(module)
    assert not module.add_one.signatures and not needs_compiling(module.add_one)  # found in the disk cache
    assert not needs_compiling(len)  # not a Numba function: nothing to say


def test_first_compilation_is_announced_once(caplog, monkeypatch):
    checked = []

    def first_time_only(kernel):
        checked.append(kernel)
        return len(checked) == 1

    monkeypatch.setattr("skvec._progress.needs_compiling", first_time_only)
    for verbose in (0, 1, 1):
        Word2VecEmbedder(4, min_count=2, epochs=2, n_jobs=1, random_state=0, verbose=verbose).fit(_corpus(50))
    assert [m for m in _messages(caplog) if "compil" in m] == [
        "word2vec: compiling the Numba kernels on first use (about 10-20 s, cached on disk for later runs)"
    ]
    assert len(checked) == 2  # not even checked at verbose=0
