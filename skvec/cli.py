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

The commands live in their own modules, each adding its parser here:
``cli_train`` (``train``), ``cli_phrases`` (``phrases``), ``cli_query``
(``evaluate``, ``similar``) and ``cli_classify`` (``classify``); the method
registry, ``--param`` and ``train METHOD --help`` in ``cli_methods``; errors,
exit statuses and file checks in ``cli_common``.
"""

import argparse
import sys

from ._progress import ROOT_LOGGER, TerminalHandler
from .cli_classify import add_classify_parser
from .cli_common import (  # noqa: F401 - the command line's own names, documented here
    EXIT_FAILURE,
    EXIT_OK,
    EXIT_USAGE,
    Failure,
    Parser,
    UsageError,
    add_common,
    check_writable,
    load_vectors,
    read_corpus,
)
from .cli_methods import (  # noqa: F401 - documented here
    build_model,
    method_names,
    parameter_meanings,
    parse_value,
    register_method,
    resolve_params,
)
from .cli_phrases import add_phrases_parser
from .cli_query import add_evaluate_parser, add_similar_parser
from .cli_train import add_train_parser


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


def make_parser():
    """The argument parser of the ``skvec`` command."""
    from . import __version__

    parser = Parser(
        prog="skvec", description=_DESCRIPTION, epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"skvec {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the traceback of an error")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    commands.required = True
    add_train_parser(commands)
    add_evaluate_parser(commands)
    add_similar_parser(commands)
    add_phrases_parser(commands)
    add_classify_parser(commands)
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


def __getattr__(name):
    # Documented here; the rule lives with the word vectors, imported only when asked for (so that
    # the command line starts without loading the library).
    if name == "lookup_word":
        from .vectors import lookup_word

        return lookup_word
    raise AttributeError(f"module 'skvec.cli' has no attribute {name!r}")
