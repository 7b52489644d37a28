"""The ``skvec`` command line: train, evaluate and query word vectors.

::

    skvec train {sppmi-svd,glove,word2vec} [--corpus FILE] [--out FILE] [--param NAME=VALUE ...] [-v]
    skvec evaluate VECTORS [--analogies FILE] [--pairs FILE] [--restrict-vocab N]
    skvec similar VECTORS WORD [-n N]

Without ``--corpus``, ``train`` uses the Wikipedia sample bundled with the
package, and ``evaluate`` uses the bundled Google analogy questions, so both
work right after installation.

Exit status: 0 on success, 1 when the work failed (a missing or unreadable
file, a word outside the vocabulary, a training error), 2 on a usage error
(unknown command, method or parameter, a malformed ``--param``).
"""

import argparse
import ast
import difflib
import sys
import time

from ._io import open_file
from ._progress import ROOT_LOGGER, TerminalHandler

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2

METHODS = ("sppmi-svd", "glove", "word2vec")


class UsageError(Exception):
    """A mistake in the command line (exit status 2)."""


class Failure(Exception):
    """The command could not do its work (exit status 1)."""


def build_model(method):
    """Return the unfitted word model that ``skvec train METHOD`` trains.

    Parameters
    ----------
    method : {"sppmi-svd", "glove", "word2vec"}
        The method.

    Returns
    -------
    estimator
        A word-plane pipeline (``"sppmi-svd"``, ``"glove"``) or an embedder.

    Examples
    --------
    >>> from skvec.cli import build_model
    >>> [name for name, _ in build_model("sppmi-svd").steps]
    ['cooccurrencevectorizer', 'sppmitransformer', 'svdembedder']
    """
    from sklearn.pipeline import make_pipeline

    if method == "sppmi-svd":
        from .cooccurrence import CooccurrenceVectorizer
        from .sppmi import SPPMITransformer
        from .svd import SVDEmbedder

        return make_pipeline(CooccurrenceVectorizer(), SPPMITransformer(), SVDEmbedder())
    if method == "glove":
        from .cooccurrence import CooccurrenceVectorizer
        from .glove import GloVeEmbedder

        return make_pipeline(CooccurrenceVectorizer(), GloVeEmbedder())
    if method == "word2vec":
        from .word2vec import Word2VecEmbedder

        return Word2VecEmbedder()
    raise UsageError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")


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
    except (ValueError, SyntaxError):
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


def _open_text(path):
    try:
        return open_file(path, "rt", encoding="utf-8")
    except FileNotFoundError:
        raise Failure(f"{path}: no such file") from None
    except IsADirectoryError:
        raise Failure(f"{path}: is a directory, expected a file") from None
    except PermissionError:
        raise Failure(f"{path}: permission denied") from None


def read_corpus(path):
    """The documents of a corpus file, one a line, read lazily (gzip, bzip2 and xz are detected)."""
    from .datasets import LineCorpus

    _open_text(path).close()  # the clear message for a missing or unreadable file
    return LineCorpus(path)


def load_vectors(path):
    """Load a word2vec-format vector file (text or binary), with a clear error."""
    from .vectors import WordVectors

    _open_text(path).close()  # the clear message for a missing or unreadable file
    errors = []
    for binary in (False, True):
        try:
            return WordVectors.load_word2vec_format(path, binary=binary)
        except (ValueError, UnicodeDecodeError, EOFError, OSError) as exc:
            # A file that is neither format fails both ways; say why once.
            if str(exc) not in errors:
                errors.append(str(exc))
    raise Failure(f"{path}: not a word2vec-format vector file (text or binary): {' / '.join(errors)}")


def _train(args):
    from .vectors import get_word_vectors

    if args.corpus is not None:
        _open_text(args.corpus).close()
    model = build_model(args.method)
    params = resolve_params(model, args.param, args.method)
    if args.verbose:
        for full in _parameter_targets(model).get("verbose", []):
            params.setdefault(full, args.verbose)
    try:
        model.set_params(**params)
    except (ValueError, TypeError) as exc:
        raise UsageError(str(exc)) from None

    if args.corpus is None:
        from .datasets import load_wiki_sample

        docs = load_wiki_sample().data
        source = "the bundled Wikipedia sample"
    else:
        docs = read_corpus(args.corpus)
        source = args.corpus
    print(f"training {args.method} on {source} ({len(docs)} documents)", file=sys.stderr)
    start = time.perf_counter()
    try:
        model.fit(docs)
        vectors = get_word_vectors(model)  # every method's last step stores its vectors
    except UnicodeDecodeError as exc:  # before ValueError, its base class
        raise Failure(f"{source}: not UTF-8 text ({exc})") from None
    except (ValueError, TypeError) as exc:
        raise Failure(f"training failed: {exc}") from None
    seconds = time.perf_counter() - start
    try:
        vectors.save_word2vec_format(args.out, binary=args.binary)
    except OSError as exc:
        raise Failure(f"cannot write {args.out}: {exc}") from None
    n_words, dim = vectors.vectors.shape
    print(f"wrote {n_words} vectors of dimension {dim} to {args.out} (trained in {seconds:.1f} s)")
    return EXIT_OK


def _evaluate(args):
    from .metrics import analogy_accuracy, word_similarity

    vectors = load_vectors(args.vectors)
    if args.restrict_vocab < 1:
        raise UsageError(f"--restrict-vocab must be a positive integer, got {args.restrict_vocab}")
    if args.analogies is None:
        questions, source = None, "Google analogy questions (bundled)"
    else:
        from .datasets import read_analogies

        _open_text(args.analogies).close()
        try:
            questions = read_analogies(args.analogies)
        except (ValueError, UnicodeDecodeError) as exc:
            raise Failure(f"{args.analogies}: not an analogy question file ({exc})") from None
        source = args.analogies
    result = analogy_accuracy(
        vectors, questions, method=args.analogy_method, restrict_vocab=args.restrict_vocab, verbose=args.verbose
    )
    print(f"{args.vectors}: {len(vectors)} words, dimension {vectors.vector_size}")
    print(f"analogies: {source}; {args.analogy_method}, restrict_vocab={args.restrict_vocab}, case-insensitive")
    print()
    print(result.table())
    if args.pairs is not None:
        from .datasets import read_word_pairs

        _open_text(args.pairs).close()
        try:
            pairs = read_word_pairs(args.pairs)
        except (ValueError, UnicodeDecodeError) as exc:
            raise Failure(f"{args.pairs}: not a word-pair file ({exc})") from None
        scores = word_similarity(vectors, pairs)
        print()
        print(
            f"word similarity ({args.pairs}): Spearman {scores['spearman']:.4f}, "
            f"pairs {scores['n_evaluated']}/{scores['n_pairs']} (coverage {100 * scores['coverage']:.2f}%)"
        )
    return EXIT_OK


def _similar(args):
    vectors = load_vectors(args.vectors)
    if args.n < 1:
        raise UsageError(f"-n must be a positive integer, got {args.n}")
    try:
        neighbours = vectors.most_similar(args.word, topn=args.n)
    except KeyError:
        raise Failure(f"{args.word!r} is not in the vocabulary of {args.vectors}") from None
    for word, score in neighbours:
        print(f"{word}\t{score:.4f}")
    return EXIT_OK


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(f"{message}\n{self.format_usage().strip()}")


def make_parser():
    """The argument parser of the ``skvec`` command."""
    parser = _Parser(prog="skvec", description="Train, evaluate and query word vectors.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    train = commands.add_parser(
        "train",
        help="train word vectors and write them in word2vec format",
        description="Train word vectors and write them in word2vec text format (loadable by gensim).",
    )
    train.add_argument("method", metavar="METHOD", help=f"one of {', '.join(METHODS)}")
    train.add_argument(
        "--corpus",
        metavar="FILE",
        help="text file, one document a line (.gz allowed); default: the bundled Wikipedia sample",
    )
    train.add_argument("--out", metavar="FILE", default="vectors.txt", help="output file (default: vectors.txt)")
    train.add_argument(
        "--param",
        metavar="NAME=VALUE",
        action="append",
        default=[],
        help="set a parameter of the model (repeatable); VALUE is a Python literal or a plain string. "
        "For a pipeline, NAME may be 'step__name' or a bare name set on every step that has it",
    )
    train.add_argument("--binary", action="store_true", help="write the binary word2vec format")
    train.add_argument("-v", "--verbose", action="count", default=0, help="progress on stderr (repeat for more)")
    train.set_defaults(run=_train)

    evaluate = commands.add_parser(
        "evaluate",
        help="analogy accuracy (and word similarity) of a vector file",
        description="Print the analogy accuracy of a word2vec-format vector file: overall, semantic, "
        "syntactic and per section, with coverage.",
    )
    evaluate.add_argument("vectors", metavar="VECTORS", help="word2vec-format vector file (text or binary)")
    evaluate.add_argument(
        "--analogies", metavar="FILE", help="questions-words file; default: the bundled Google analogies"
    )
    evaluate.add_argument("--pairs", metavar="FILE", help="word-pair similarity file (word word score a line)")
    evaluate.add_argument(
        "--restrict-vocab",
        metavar="N",
        type=int,
        default=30000,
        help="candidate answers are the N most frequent words (default: 30000)",
    )
    evaluate.add_argument(
        "--method",
        dest="analogy_method",
        choices=("3cosadd", "3cosmul"),
        default="3cosadd",
        help="analogy rule (default: 3cosadd)",
    )
    evaluate.add_argument("-v", "--verbose", action="count", default=0, help="progress on stderr")
    evaluate.set_defaults(run=_evaluate)

    similar = commands.add_parser(
        "similar", help="nearest words by cosine similarity", description="Print the nearest words to WORD."
    )
    similar.add_argument("vectors", metavar="VECTORS", help="word2vec-format vector file (text or binary)")
    similar.add_argument("word", metavar="WORD")
    similar.add_argument("-n", type=int, default=10, help="how many neighbours (default: 10)")
    similar.set_defaults(run=_similar)
    return parser


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
    parser = make_parser()
    # The command line is an application: progress lines go to stderr as
    # plain text, whatever logging configuration an embedding program has.
    handler = TerminalHandler()
    ROOT_LOGGER.addHandler(handler)
    try:
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:  # --help and --version end here
            return exc.code if isinstance(exc.code, int) else EXIT_OK
        return args.run(args)
    except UsageError as exc:
        print(f"skvec: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Failure as exc:
        print(f"skvec: error: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print("skvec: interrupted", file=sys.stderr)
        return 130
    finally:
        ROOT_LOGGER.removeHandler(handler)
