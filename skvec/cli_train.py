"""``skvec train METHOD``: fit a method's model on a corpus and write its word vectors."""

import argparse
import glob
import os
import sys
import textwrap
import time

from .cli_common import (
    EXIT_OK,
    HELP_WIDTH,
    Failure,
    Parser,
    UsageError,
    add_common,
    add_corpus_option,
    check_writable,
    reading,
    training_docs,
)
from .cli_methods import build_model, method_help, method_names, method_summary, parameter_targets, resolve_params


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


def _numba_cache_is_empty():
    """Whether no compiled kernel of skvec is cached yet (the first run compiles them)."""
    kernels = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_kernels")
    places = [os.path.join(kernels, "__pycache__", "*.nbi")]
    cache_dir = os.environ.get("NUMBA_CACHE_DIR")
    if cache_dir:
        places.append(os.path.join(cache_dir, "**", "*.nbi"))
    return not any(glob.glob(place, recursive=True) for place in places)


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
        for full in parameter_targets(model).get("verbose", []):
            params.setdefault(full, args.verbose)
    try:
        model.set_params(**params)
    except (ValueError, TypeError) as exc:
        raise UsageError(str(exc)) from None
    return model


def _fit(model, docs, source):
    from .vectors import get_word_vectors

    try:
        with reading(source):
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
    docs, source = training_docs(args)
    with reading(source):
        n_docs = len(docs)
    print(f"training {args.method} on {source} ({n_docs} documents)", file=sys.stderr)
    if not args.verbose and _numba_cache_is_empty():  # with -v the library says so, kernel by kernel
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


class _MethodParser(Parser):
    """``skvec train METHOD``: the help lists the method's parameters, built when asked for."""

    def format_help(self):
        self.epilog = method_help(self.method)
        return super().format_help()


def add_train_parser(commands):
    train = commands.add_parser(
        "train",
        help="train word vectors and write them in word2vec format",
        description="Train word vectors and write them in word2vec text format (loadable by gensim). "
        "The command-line defaults suit a small corpus such as the bundled sample; "
        "'skvec train METHOD --help' lists a method's parameters and defaults.",
    )
    methods = train.add_subparsers(dest="method", metavar="METHOD", parser_class=_MethodParser)
    methods.required = True
    for name in method_names():
        summary = method_summary(name)
        method = methods.add_parser(
            name,
            help=summary,
            description=textwrap.fill(
                f"Train {name} vectors ({summary}) and write them in word2vec format.", width=HELP_WIDTH
            ),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        method.method = name
        _add_train_options(method)


def _add_train_options(parser):
    add_corpus_option(parser)
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
    add_common(parser)
    parser.set_defaults(run=_train)
