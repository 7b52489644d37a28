"""The ``skvec`` command line: train, evaluate and query word vectors.

::

    skvec train METHOD [--corpus FILE] [--out FILE] [--model FILE] [--param NAME=VALUE ...] [--phrases [N]]
                       [-v | -vv]
    skvec train METHOD --help      # the method's parameters, defaults and meanings
    skvec phrases [--corpus FILE] [--out FILE] [--param NAME=VALUE ...] [-v]
    skvec evaluate VECTORS [--analogies FILE] [--pairs FILE] [--restrict-vocab N] [--case-sensitive]
    skvec similar VECTORS WORD [-n N] [--case-sensitive]
    skvec --version

Without ``--corpus``, ``train`` uses the Wikipedia sample bundled with the
package, and ``evaluate`` uses the bundled Google analogy questions, so both
work right after installation.  Corpora and vector files may be compressed
(gzip, bzip2, xz).  Each method has command-line defaults suited to a small
corpus such as the bundled sample (``skvec train METHOD --help`` lists them);
the estimators' own defaults suit large corpora.

Exit status: 0 on success, 1 when the work failed (a missing, unreadable or
malformed file, a word outside the vocabulary, a training error), 2 on a
usage error (unknown command, method or parameter, a malformed ``--param``).
Every error is one line on stderr starting with ``skvec: error:``; ``--debug``
shows the Python traceback instead.
"""

import argparse
import ast
import contextlib
import difflib
import glob
import inspect
import lzma
import os
import sys
import textwrap
import time
import zlib
from dataclasses import dataclass, field

from ._io import open_file, replacing_file
from ._progress import ROOT_LOGGER, TerminalHandler
from .cli_classify import add_classify_parser

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2

_HELP_WIDTH = 100


class UsageError(Exception):
    """A mistake in the command line (exit status 2)."""


class Failure(Exception):
    """The command could not do its work (exit status 1)."""


# -- methods ----------------------------------------------------------------


@dataclass
class Method:
    """A method ``skvec train`` knows: how to build its model and its command-line defaults."""

    build: object
    summary: str
    defaults: dict = field(default_factory=dict)
    note: str = ""


_METHODS = {}


def register_method(name, build, summary, defaults=None, note=""):
    """Make ``skvec train NAME`` train ``build()``.

    Parameters
    ----------
    name : str
        The method's name on the command line.
    build : callable
        Returns the unfitted estimator or word-plane pipeline, at the
        estimators' defaults.
    summary : str
        One line for ``skvec train --help``.
    defaults : dict, optional
        Command-line defaults (``--param`` names) that replace the
        estimators' defaults; ``skvec train NAME --help`` shows both.
    note : str, optional
        A sentence for ``skvec train NAME --help`` saying why those defaults.

    Examples
    --------
    >>> from skvec.cli import register_method, method_names
    >>> from skvec import Word2VecEmbedder
    >>> register_method("cbow", lambda: Word2VecEmbedder(architecture="cbow"), "word2vec CBOW")
    >>> method_names()
    ['sppmi-svd', 'glove', 'word2vec', 'cbow']
    """
    _METHODS[name] = Method(build, summary, dict(defaults or {}), note)


def method_names():
    """The registered method names, in registration order.

    Examples
    --------
    >>> from skvec.cli import method_names
    >>> method_names()[:3]
    ['sppmi-svd', 'glove', 'word2vec']
    """
    return list(_METHODS)


def _sppmi_svd():
    from sklearn.pipeline import make_pipeline

    from .cooccurrence import CooccurrenceVectorizer
    from .sppmi import SPPMITransformer
    from .svd import SVDEmbedder

    return make_pipeline(CooccurrenceVectorizer(), SPPMITransformer(), SVDEmbedder())


def _glove():
    from sklearn.pipeline import make_pipeline

    from .cooccurrence import CooccurrenceVectorizer
    from .glove import GloVeEmbedder

    return make_pipeline(CooccurrenceVectorizer(), GloVeEmbedder())


def _word2vec():
    from .word2vec import Word2VecEmbedder

    return Word2VecEmbedder()


register_method(
    "sppmi-svd",
    _sppmi_svd,
    "truncated SVD of the shifted positive PMI of co-occurrence counts",
    note="the estimators' own, which suit a small corpus: seconds on the bundled sample",
)
register_method(
    "glove",
    _glove,
    "GloVe: weighted least squares on log co-occurrence counts",
    defaults={"x_max": 10, "max_iter": 10},
    note="x_max=10 suits a corpus of a few million tokens (the GloVe paper's 100 suits billions), and 10 "
    "epochs instead of 25 take 40% of the time; on the bundled sample they give 6% analogy accuracy "
    "(the estimator defaults: 4%), SPPMI-SVD 18% in a fraction of the time",
)
register_method(
    "word2vec",
    _word2vec,
    "word2vec skip-gram or CBOW, as the original C tool",
    note="the estimator's own (the C tool's), which suit a small corpus: under a minute on the bundled sample",
)


def _fasttext():
    from .fasttext import FastTextEmbedder

    return FastTextEmbedder()


register_method(
    "fasttext",
    _fasttext,
    "fastText: word2vec with character n-gram vectors, so any word gets a vector",
    defaults={"bucket": 200_000},
    note="200,000 n-gram buckets suit a corpus of a few million tokens and take 80 MB instead of the "
    "estimator's 800 MB; --model FILE also writes the n-gram vectors, which 'skvec similar' and "
    "'skvec evaluate' read to give vectors to words outside the vocabulary",
)


def _doc2vec():
    from .doc2vec import Doc2VecEmbedder

    return Doc2VecEmbedder()


register_method(
    "doc2vec",
    _doc2vec,
    "Paragraph Vector (PV-DBOW, PV-DM): a vector for each document, and word vectors",
    defaults={"train_words": True},
    note="train_words=True so that PV-DBOW also trains the word vectors this command writes; --docvecs FILE "
    "also writes the document vectors, one per corpus line, named by line number from 0",
)


def _save_document_vectors(model, path):
    from .vectors import WordVectors

    rows = getattr(model, "document_vectors_", None)
    if rows is None:
        raise Failure("--docvecs: only doc2vec learns document vectors")
    try:
        WordVectors([str(i) for i in range(len(rows))], rows).save_word2vec_format(path)
    except OSError as exc:
        raise Failure(f"cannot write {path}: {exc}") from exc
    print(f"wrote {len(rows)} document vectors to {path}")


def build_model(method):
    """Return the unfitted word model that ``skvec train METHOD`` trains, at the command-line defaults.

    Parameters
    ----------
    method : str
        A registered method: ``"sppmi-svd"``, ``"glove"``, ``"word2vec"``...

    Returns
    -------
    estimator
        A word-plane pipeline (``"sppmi-svd"``, ``"glove"``) or an embedder.

    Examples
    --------
    >>> from skvec.cli import build_model
    >>> [name for name, _ in build_model("sppmi-svd").steps]
    ['cooccurrencevectorizer', 'sppmitransformer', 'svdembedder']
    >>> build_model("glove").get_params()["gloveembedder__x_max"]  # the command-line default
    10
    """
    if method not in _METHODS:
        raise UsageError(f"unknown method {method!r}; choose one of {', '.join(_METHODS)}")
    spec = _METHODS[method]
    model = spec.build()
    model.set_params(**resolve_params(model, [f"{k}={v!r}" for k, v in spec.defaults.items()], method))
    return model


def _parameter_targets(model):
    """Map every accepted ``--param`` name to the full parameter names it sets.

    For a pipeline, ``step__name`` sets one step's parameter and a bare
    ``name`` sets it on every step that has it (``n_jobs``, ``verbose``,
    ``random_state``...).
    """
    from sklearn.pipeline import Pipeline

    if not isinstance(model, Pipeline):
        return {name: [name] for name in model.get_params(deep=False)}
    targets = {}
    for step_name, step in model.steps:
        for name in step.get_params(deep=False):
            full = f"{step_name}__{name}"
            targets[full] = [full]
            targets.setdefault(name, []).append(full)
    return targets


def parse_value(text):
    """Read a ``--param`` value as a Python literal, or else as a plain string.

    Parameters
    ----------
    text : str
        The text after ``=``.

    Returns
    -------
    object
        ``"5"`` gives 5, ``"0.75"`` 0.75, ``"None"`` None, ``"True"`` True,
        ``"mean"`` the string ``"mean"``.

    Examples
    --------
    >>> from skvec.cli import parse_value
    >>> parse_value("5"), parse_value("1e-3"), parse_value("None"), parse_value("w+c")
    (5, 0.001, None, 'w+c')
    """
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return text


def _unknown_parameter_message(name, targets, method):
    bare = sorted(key for key in targets if "__" not in key)
    message = f"unknown parameter {name!r} for {method or 'this method'}"
    close = difflib.get_close_matches(name, list(targets), n=1)
    if close:
        message += f" (did you mean {close[0]!r}?)"
    message += f"; valid parameters: {', '.join(bare)}"
    steps = sorted({key.split("__")[0] for key in targets if "__" in key})
    if steps:
        message += f" (or STEP__NAME to set one step's, with STEP one of {', '.join(steps)})"
    return message


def resolve_params(model, assignments, method=""):
    """Turn ``NAME=VALUE`` strings into ``set_params`` keyword arguments.

    Raises
    ------
    UsageError
        For a malformed assignment or an unknown name; the message lists the
        valid names.
    """
    targets = _parameter_targets(model)
    params = {}
    for assignment in assignments:
        name, sep, text = assignment.partition("=")
        name = name.strip()
        if not sep or not name:
            raise UsageError(f"--param expects NAME=VALUE, got {assignment!r}")
        if name not in targets:
            raise UsageError(_unknown_parameter_message(name, targets, method))
        value = parse_value(text)
        for full in targets[name]:
            params[full] = value
    return params


# -- `skvec train METHOD --help`: parameters from the estimators' docstrings --


def parameter_meanings(estimator):
    """First sentence of each parameter's description in the estimator's numpydoc docstring.

    Parameters
    ----------
    estimator : estimator instance
        Its class docstring has a numpydoc ``Parameters`` section.

    Returns
    -------
    dict of str to str
        Parameter name -> first sentence of its description, for every
        parameter of ``get_params(deep=False)`` that the docstring describes
        (``a, b : type`` lines describe both).

    Examples
    --------
    >>> from skvec import GloVeEmbedder
    >>> from skvec.cli import parameter_meanings
    >>> parameter_meanings(GloVeEmbedder())["n_components"]
    'Dimension of the vectors.'
    """
    lines = (inspect.getdoc(type(estimator)) or "").splitlines()
    names = set(estimator.get_params(deep=False))
    meanings, current, in_section = {}, [], False
    for line, underline in zip(lines, lines[1:] + [""]):
        if underline.strip() and set(underline.strip()) == {"-"}:
            if in_section:
                break
            in_section = line.strip() == "Parameters"
            continue
        if not in_section or not line.strip() or set(line.strip()) == {"-"}:
            continue
        if not line.startswith(" "):
            current = [n.strip() for n in line.split(" : ")[0].split(",") if n.strip() in names]
            for name in current:
                meanings[name] = ""
        else:
            for name in current:
                meanings[name] = (meanings[name] + " " + line.strip()).strip()
    return {name: _first_sentence(text) for name, text in meanings.items()}


def _first_sentence(text):
    for end in range(len(text)):
        if text[end] == "." and (end + 1 == len(text) or text[end + 1] == " ") and not text[:end].endswith(("e.g", "i.e")):
            return text[: end + 1]
    return text


def _shown(value):
    return value.__name__ if isinstance(value, type) else repr(value)


def _method_help(method):
    """The epilog of ``skvec train METHOD --help``: every parameter, its default and meaning."""
    from sklearn.pipeline import Pipeline

    spec = _METHODS[method]
    model = build_model(method)
    steps = model.steps if isinstance(model, Pipeline) else [(None, model)]
    lines = ["parameters (--param NAME=VALUE), with their defaults here:"]
    for step_name, step in steps:
        estimator_defaults = type(step)().get_params(deep=False)
        meanings = parameter_meanings(step)
        if step_name:
            lines.append(f"  {type(step).__name__} (NAME, or {step_name}__NAME for this step only):")
        for name, value in step.get_params(deep=False).items():
            entry = f"{name}={_shown(value)}"
            if value != estimator_defaults.get(name, value):
                entry += f" (estimator default: {_shown(estimator_defaults[name])})"
            meaning = meanings.get(name, "").replace("``", "")
            lines.append(textwrap.fill(f"{entry}: {meaning}" if meaning else entry, width=_HELP_WIDTH,
                                       initial_indent="    ", subsequent_indent="        "))
    if spec.note:
        lines += ["", textwrap.fill(f"Command-line defaults: {spec.note}.", width=_HELP_WIDTH)]
    return "\n".join(lines)


# -- files --------------------------------------------------------------------


def _open_text(path):
    try:
        return open_file(path, "rt", encoding="utf-8")
    except FileNotFoundError as exc:
        raise Failure(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise Failure(f"{path}: is a directory, expected a file") from exc
    except PermissionError as exc:
        raise Failure(f"{path}: permission denied") from exc


def read_corpus(path):
    """The documents of a corpus file, one a line, read lazily (gzip, bzip2 and xz are detected)."""
    from .datasets import LineCorpus

    _open_text(path).close()  # the clear message for a missing or unreadable file
    return LineCorpus(path)


def load_vectors(path):
    """Load any vector or model file, its format detected by content (:func:`skvec.load_vectors`); clear errors."""
    from .vectors import load_vectors as load_any

    _open_text(path).close()  # the clear message for a missing or unreadable file
    try:
        return load_any(path)
    except MemoryError as exc:
        raise Failure(f"{path}: not enough memory to load it; does its header give the right word count?") from exc
    except (ValueError, UnicodeDecodeError, EOFError, OSError) as exc:
        raise Failure(f"{path}: not a readable vector file: {exc}") from exc


def check_writable(path, option):
    """Fail now, before any training, if ``path`` cannot be written (a directory, a missing or read-only folder)."""
    target = os.path.abspath(os.fspath(path))
    folder = os.path.dirname(target)
    if os.path.isdir(target):
        raise Failure(f"cannot write {path} ({option}): it is a directory")
    if not os.path.isdir(folder):
        raise Failure(f"cannot write {path} ({option}): the directory {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK) or (os.path.exists(target) and not os.access(target, os.W_OK)):
        raise Failure(f"cannot write {path} ({option}): permission denied")


# Errors reading a compressed or mis-encoded corpus while training.
_READ_ERRORS = (EOFError, zlib.error, lzma.LZMAError, OSError)


def _numba_cache_is_empty():
    """Whether no compiled kernel of skvec is cached yet (the first run compiles them)."""
    kernels = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_kernels")
    places = [os.path.join(kernels, "__pycache__", "*.nbi")]
    cache_dir = os.environ.get("NUMBA_CACHE_DIR")
    if cache_dir:
        places.append(os.path.join(cache_dir, "**", "*.nbi"))
    return not any(glob.glob(place, recursive=True) for place in places)


# -- commands -----------------------------------------------------------------


def _with_phrases(model, n_detectors):
    """``model`` with ``n_detectors`` PhraseDetector steps in front (``--phrases``)."""
    if not n_detectors:
        return model
    from sklearn.pipeline import Pipeline, make_pipeline

    from .phrases import PhraseDetector

    steps = [step for _, step in model.steps] if isinstance(model, Pipeline) else [model]
    return make_pipeline(*[PhraseDetector() for _ in range(n_detectors)], *steps)


def _configured_model(args):
    if getattr(args, "phrases", 0) < 0:
        raise UsageError(f"--phrases must be a non-negative integer, got {args.phrases}")
    model = _with_phrases(build_model(args.method), getattr(args, "phrases", 0))
    params = resolve_params(model, args.param, args.method)
    if args.verbose:
        for full in _parameter_targets(model).get("verbose", []):
            params.setdefault(full, args.verbose)
    try:
        model.set_params(**params)
    except (ValueError, TypeError) as exc:
        raise UsageError(str(exc)) from None
    return model


def _training_docs(args):
    if args.corpus is None:
        from .datasets import load_wiki_sample

        return load_wiki_sample().data, "the bundled Wikipedia sample"
    _open_text(args.corpus).close()
    return read_corpus(args.corpus), args.corpus


@contextlib.contextmanager
def _reading(source):
    """Turn the errors of reading a corpus into one clear line naming it."""
    try:
        yield
    except UnicodeDecodeError as exc:  # before ValueError, its base class
        raise Failure(f"{source}: not UTF-8 text ({exc})") from exc
    except _READ_ERRORS as exc:
        raise Failure(f"{source}: cannot be read to the end, truncated or corrupt? ({type(exc).__name__}: {exc})") from exc


def _fit(model, docs, source):
    from .vectors import get_word_vectors

    try:
        with _reading(source):
            model.fit(docs)
        return get_word_vectors(model)  # every method's last step stores its vectors
    except (ValueError, TypeError, FloatingPointError, ZeroDivisionError, OverflowError) as exc:
        raise Failure(f"training failed: {exc}") from exc
    except MemoryError as exc:
        if str(exc):  # the estimator's own estimate, naming the parameter to change
            raise Failure(f"training ran out of memory: {exc}") from exc
        raise Failure("training ran out of memory; lower n_components or max_vocab_size, or raise min_count") from exc


def _check_outputs(model, args):
    """Every output path and parameter checked before the corpus is read."""
    if args.model is not None and not hasattr(_last_step(model), "save"):
        raise Failure(f"--model: {args.method} has no model file; only fasttext writes one")
    check_writable(args.out, "--out")
    if args.model is not None:
        check_writable(args.model, "--model")
        if os.path.abspath(args.model) == os.path.abspath(args.out):
            raise UsageError(f"--out and --model name the same file {args.out}")
    steps = [step for _, step in model.steps] if hasattr(model, "steps") else [model]
    for step in steps:
        # The estimator's own checks (as fit starts with), so that a rejected value exits 2 now.
        check = getattr(step, "_check_params", None) or getattr(step, "_validate_params", None)
        if check is not None:
            try:
                check()
            except (ValueError, TypeError) as exc:
                raise UsageError(str(exc)) from None
            except MemoryError as exc:
                raise Failure(str(exc)) from None


def _last_step(model):
    steps = getattr(model, "steps", None)
    return steps[-1][1] if steps else model


def _train(args):
    model = _configured_model(args)
    _check_outputs(model, args)
    docs, source = _training_docs(args)
    with _reading(source):
        n_docs = len(docs)
    print(f"training {args.method} on {source} ({n_docs} documents)", file=sys.stderr)
    if _numba_cache_is_empty():
        print("note: the first run compiles skvec's Numba kernels (about 20 s, once)", file=sys.stderr)
    start = time.perf_counter()
    vectors = _fit(model, docs, source)
    seconds = time.perf_counter() - start
    try:
        vectors.save_word2vec_format(args.out, binary=args.binary)
    except OSError as exc:
        raise Failure(f"cannot write {args.out}: {exc}") from exc
    n_words, dim = vectors.vectors.shape
    print(f"wrote {n_words} vectors of dimension {dim} to {args.out} (trained in {seconds:.1f} s)")
    if args.model is not None:
        _save_model(model, args)
    if args.docvecs is not None:
        _save_document_vectors(model, args.docvecs)
    return EXIT_OK


def _save_model(model, args):
    embedder = _last_step(model)
    if not hasattr(embedder, "save"):
        raise Failure(f"--model: {args.method} has no model file; only fasttext writes one")
    try:
        embedder.save(args.model)
    except OSError as exc:
        raise Failure(f"cannot write {args.model}: {exc}") from exc
    print(f"wrote the model (word and n-gram vectors) to {args.model}")


def _phrases(args):
    from .phrases import PhraseDetector

    detector = PhraseDetector()
    params = resolve_params(detector, args.param, "phrases")
    params.setdefault("verbose", args.verbose)
    try:
        detector.set_params(**params)
    except (ValueError, TypeError) as exc:
        raise UsageError(str(exc)) from None
    check_writable(args.out, "--out")
    try:
        detector._check_params()
    except (ValueError, TypeError) as exc:
        raise UsageError(str(exc)) from None
    docs, source = _training_docs(args)
    start = time.perf_counter()
    try:
        with _reading(source):
            rewritten = detector.fit_transform(docs)
    except (ValueError, TypeError) as exc:
        raise Failure(f"phrase detection failed: {exc}") from exc
    seconds = time.perf_counter() - start
    try:
        with replacing_file(args.out, "wt", encoding="utf-8") as out:
            out.writelines(" ".join(doc) + "\n" for doc in rewritten)
    except OSError as exc:
        raise Failure(f"cannot write {args.out}: {exc}") from exc
    n_joined = sum(1 for doc in rewritten for token in doc if token in detector.phrases_)
    print(f"{len(detector.phrases_)} phrases learned from {source} ({detector.n_train_words_} tokens); "
          f"{n_joined} phrase tokens written to {args.out} (phrase detection {seconds:.1f} s)")
    return EXIT_OK


def _read_evaluation_file(path, reader, what):
    _open_text(path).close()
    try:
        return reader(path)
    except (ValueError, UnicodeDecodeError, EOFError, OSError) as exc:
        raise Failure(f"{path}: not {what} ({exc})") from exc


def _evaluate(args):
    from .metrics import analogy_accuracy

    vectors = load_vectors(args.vectors)
    if args.restrict_vocab < 1:
        raise UsageError(f"--restrict-vocab must be a positive integer, got {args.restrict_vocab}")
    if args.analogies is None:
        questions, source = None, "Google analogy questions (bundled)"
    else:
        from .datasets import read_analogies

        questions = _read_evaluation_file(args.analogies, read_analogies, "an analogy question file")
        source = args.analogies
    case = "case-sensitive" if args.case_sensitive else "case-insensitive"
    result = analogy_accuracy(
        vectors, questions, method=args.analogy_method, restrict_vocab=args.restrict_vocab,
        case_insensitive=not args.case_sensitive, verbose=args.verbose,
    )
    print(f"{args.vectors}: {len(vectors)} words, dimension {vectors.vector_size}")
    print(f"analogies: {source}; {args.analogy_method}, restrict_vocab={args.restrict_vocab}, {case}")
    print()
    print(result.table())
    if args.pairs is not None:
        _evaluate_pairs(vectors, args, case)
    return EXIT_OK


def _evaluate_pairs(vectors, args, case):
    from .datasets import read_word_pairs
    from .metrics import word_similarity

    pairs = _read_evaluation_file(args.pairs, read_word_pairs, "a word-pair file")
    scores = word_similarity(vectors, pairs, case_insensitive=not args.case_sensitive)
    print()
    print(
        f"word similarity ({args.pairs}, {case}): Spearman {scores['spearman']:.4f}, "
        f"pairs {scores['n_evaluated']}/{scores['n_pairs']} (coverage {100 * scores['coverage']:.2f}%)"
    )


def lookup_word(vectors, word, case_sensitive=False):
    """The vocabulary word the command line uses for ``word``.

    The word itself when it is a vocabulary word; otherwise, unless
    ``case_sensitive``, the most frequent vocabulary word equal to it up to
    case (the same rule as the case-insensitive evaluation); otherwise the
    word itself if the vectors compose one for it (subword vectors, from
    its character n-grams); ``None`` when there is none.

    Examples
    --------
    >>> import numpy as np
    >>> from skvec import WordVectors
    >>> from skvec.cli import lookup_word
    >>> vectors = WordVectors(["paris", "France", "france"], np.eye(3))
    >>> lookup_word(vectors, "Paris"), lookup_word(vectors, "FRANCE"), lookup_word(vectors, "Paris", True)
    ('paris', 'France', None)
    """
    # Vocabulary membership first (SubwordVectors give a vector to any string,
    # but a vocabulary word equal up to case is the better answer).
    if vectors.has_index_for(word):
        return word
    if not case_sensitive:
        folded = word.lower()
        match = next((w for w in vectors.words if w.lower() == folded), None)
        if match is not None:
            return match
    return word if word in vectors else None


def _similar(args):
    vectors = load_vectors(args.vectors)
    if args.n < 1:
        raise UsageError(f"-n must be a positive integer, got {args.n}")
    word = lookup_word(vectors, args.word, args.case_sensitive)
    if word is None:
        how = "" if args.case_sensitive else " (in any case)"
        raise Failure(f"{args.word!r} is not in the vocabulary of {args.vectors}{how}")
    for neighbour, score in vectors.most_similar(word, topn=args.n):
        print(f"{neighbour}\t{score:.4f}")
    return EXIT_OK


# -- the parser ---------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(f"{message}\n{self.format_usage().strip()}")

    def _check_value(self, action, value):
        if action.dest == "method" and value not in _METHODS:
            raise UsageError(f"unknown method {value!r}; choose one of {', '.join(_METHODS)}")
        super()._check_value(action, value)


class _MethodParser(_Parser):
    """``skvec train METHOD``: the help lists the method's parameters, built when asked for."""

    def format_help(self):
        self.epilog = _method_help(self.method)
        return super().format_help()


_DESCRIPTION = """\
Train, evaluate and query word vectors.

Right after installation, with the bundled data:
  skvec train sppmi-svd --out vectors.txt   # the bundled Wikipedia sample (2.6M tokens)
  skvec evaluate vectors.txt                # the bundled Google analogy questions
  skvec similar vectors.txt france

Your own data:
  skvec train word2vec --corpus text.txt.gz -v --param n_components=300
  skvec train glove --help                  # the method's parameters and defaults
  skvec evaluate vectors.txt --pairs wordsim353.txt   # word-pair similarity (Spearman)
  skvec phrases --corpus text.txt.gz --out phrased.txt.gz   # join phrases (new_york), like word2phrase
  skvec train word2vec --corpus text.txt.gz --phrases       # vectors for words and phrases
"""

_EPILOG = """\
Corpora are text files, one document a line; vector files are in word2vec
text or binary format; any of them may be compressed (.gz, .bz2, .xz).
Every error is one 'skvec: error: ...' line (exit status 1, or 2 for a usage
error); --debug shows the traceback. The first run compiles the Numba kernels
(about 20 s), once.
"""


def _add_common(parser):
    parser.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="show the traceback of an error"
    )


def _add_corpus_option(parser):
    parser.add_argument(
        "--corpus",
        metavar="FILE",
        help="text file, one document a line (.gz, .bz2, .xz allowed); default: the bundled Wikipedia sample",
    )


def _add_train_parser(commands):
    train = commands.add_parser(
        "train",
        help="train word vectors and write them in word2vec format",
        description="Train word vectors and write them in word2vec text format (loadable by gensim). "
        "The command-line defaults suit a small corpus such as the bundled sample; "
        "'skvec train METHOD --help' lists a method's parameters and defaults.",
    )
    methods = train.add_subparsers(dest="method", metavar="METHOD", parser_class=_MethodParser)
    methods.required = True
    for name, spec in _METHODS.items():
        method = methods.add_parser(
            name,
            help=spec.summary,
            description=textwrap.fill(
                f"Train {name} vectors ({spec.summary}) and write them in word2vec format.", width=_HELP_WIDTH
            ),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        method.method = name
        _add_train_options(method)


def _add_train_options(parser):
    _add_corpus_option(parser)
    parser.add_argument("--out", metavar="FILE", default="vectors.txt", help="output file (default: vectors.txt)")
    parser.add_argument(
        "--param",
        metavar="NAME=VALUE",
        action="append",
        default=[],
        help="set a parameter of the model (repeatable); VALUE is a Python literal or a plain string. "
        "For a pipeline, NAME may be 'step__name' or a bare name set on every step that has it",
    )
    parser.add_argument("--binary", action="store_true", help="write the binary word2vec format")
    parser.add_argument(
        "--model",
        metavar="FILE",
        help="fasttext only: also write the model file (word and n-gram vectors, .npz), which 'skvec similar' "
        "and 'skvec evaluate' read, giving vectors to words outside the vocabulary",
    )
    parser.add_argument("--docvecs", metavar="FILE", help="doc2vec only: also write the document vectors "
                        "(word2vec text format, named by corpus line number from 0)")
    parser.add_argument(
        "--phrases", metavar="N", type=int, nargs="?", const=1, default=0,
        help="join phrases first (new_york) with N PhraseDetector steps (default 1: pairs; 2: up to four "
        "words); their parameters are phrasedetector__NAME (phrasedetector-1__NAME... with N > 1)",
    )
    parser.add_argument(
        "-v", "--verbose", action="count", default=0,
        help="-v: vocabulary summary and one line per epoch on stderr; -vv: also progress within epochs",
    )
    _add_common(parser)
    parser.set_defaults(run=_train)


def _add_phrases_parser(commands):
    phrases = commands.add_parser(
        "phrases",
        help="rewrite a corpus with its phrases joined (new_york), like word2phrase",
        description="Learn the phrases of a corpus (PhraseDetector) and write it with them joined, one "
        "document a line, tokens separated by spaces.",
    )
    _add_corpus_option(phrases)
    phrases.add_argument(
        "--out", metavar="FILE", default="phrases.txt",
        help="output file (default: phrases.txt; .gz, .bz2, .xz compress)",
    )
    phrases.add_argument(
        "--param", metavar="NAME=VALUE", action="append", default=[],
        help="set a parameter of PhraseDetector (repeatable): min_count, threshold, scoring, connector_words...",
    )
    phrases.add_argument("-v", "--verbose", action="count", default=0, help="progress on stderr")
    _add_common(phrases)
    phrases.set_defaults(run=_phrases)


def _add_evaluate_parser(commands):
    evaluate = commands.add_parser(
        "evaluate",
        help="analogy accuracy (and word-pair similarity) of a vector file",
        description="Print the analogy accuracy of a word2vec-format vector file: overall, semantic, "
        "syntactic and per section, with coverage; with --pairs, also the Spearman correlation with "
        "human similarity judgements (WordSim-353, SimLex-999, MEN...). Case-insensitive unless "
        "--case-sensitive.",
    )
    evaluate.add_argument(
        "vectors", metavar="VECTORS",
        help="word2vec-format vector file (text or binary), or a fasttext model file (.npz)",
    )
    evaluate.add_argument(
        "--analogies", metavar="FILE", help="questions-words file; default: the bundled Google analogies"
    )
    evaluate.add_argument(
        "--pairs", metavar="FILE", help="word-pair similarity file: 'word word score' a line (tab or space)"
    )
    evaluate.add_argument(
        "--restrict-vocab", metavar="N", type=int, default=30000,
        help="candidate answers are the N most frequent words (default: 30000)",
    )
    evaluate.add_argument(
        "--method", dest="analogy_method", choices=("3cosadd", "3cosmul"), default="3cosadd",
        help="analogy rule (default: 3cosadd)",
    )
    _add_case_option(evaluate)
    evaluate.add_argument("-v", "--verbose", action="count", default=0, help="progress on stderr")
    _add_common(evaluate)
    evaluate.set_defaults(run=_evaluate)


def _add_case_option(parser):
    parser.add_argument(
        "--case-sensitive", action="store_true",
        help="match words exactly (default: ignore case, using the most frequent form of a word)",
    )


def _add_similar_parser(commands):
    similar = commands.add_parser(
        "similar", help="nearest words by cosine similarity",
        description="Print the nearest words to WORD. Case-insensitive unless --case-sensitive "
        "(the most frequent form of WORD is used), as in 'skvec evaluate'.",
    )
    similar.add_argument(
        "vectors", metavar="VECTORS",
        help="word2vec-format vector file (text or binary), or a fasttext model file (.npz)",
    )
    similar.add_argument("word", metavar="WORD")
    similar.add_argument("-n", type=int, default=10, help="how many neighbours (default: 10)")
    _add_case_option(similar)
    _add_common(similar)
    similar.set_defaults(run=_similar)


def make_parser():
    """The argument parser of the ``skvec`` command."""
    from . import __version__

    parser = _Parser(
        prog="skvec", description=_DESCRIPTION, epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"skvec {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the traceback of an error")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True
    _add_train_parser(commands)
    _add_evaluate_parser(commands)
    _add_similar_parser(commands)
    _add_phrases_parser(commands)
    add_classify_parser(commands, UsageError, Failure, _add_common)
    return parser


def _run(args):
    try:
        return args.run(args)
    except (UsageError, Failure, KeyboardInterrupt):
        raise
    except MemoryError as exc:
        raise Failure("out of memory") from exc
    except Exception as exc:  # noqa: BLE001 - one line instead of a traceback; --debug shows it
        raise Failure(f"{type(exc).__name__}: {exc} (run with --debug for the traceback)") from exc


def main(argv=None):
    """Run the ``skvec`` command line and return its exit status.

    Parameters
    ----------
    argv : list of str, optional
        The arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success, 1 when the work failed, 2 on a usage error.

    Examples
    --------
    >>> from skvec.cli import main
    >>> main(["train", "nonsense"])  # doctest: +SKIP
    skvec: error: unknown method 'nonsense'; choose one of sppmi-svd, glove, word2vec
    2
    """
    # The command line is an application: progress lines go to stderr as
    # plain text, whatever logging configuration an embedding program has.
    handler = TerminalHandler()
    ROOT_LOGGER.addHandler(handler)
    try:
        return _main(make_parser(), argv)
    finally:
        handler.finish()  # an error after a progress line starts on its own line
        ROOT_LOGGER.removeHandler(handler)


def _main(parser, argv):
    args = None
    try:
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:  # --help and --version end here
            return exc.code if isinstance(exc.code, int) else EXIT_OK
        return _run(args) if not args.debug else args.run(args)
    except UsageError as exc:
        print(f"skvec: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Failure as exc:
        if args is not None and args.debug:
            raise
        print(f"skvec: error: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print("skvec: interrupted", file=sys.stderr)
        return 130
