"""What every ``skvec`` command shares: exit statuses, errors, the parser class, reading and writing files.

A command raises :class:`UsageError` for a mistake in the command line (exit
status 2) and :class:`Failure` when its work cannot be done (exit status 1);
:func:`skvec.cli.main` prints either as one ``skvec: error:`` line.
"""

import argparse
import contextlib
import lzma
import os
import zlib

from ._io import open_file


EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2

HELP_WIDTH = 100


class UsageError(Exception):
    """A mistake in the command line (exit status 2)."""


class Failure(Exception):
    """The command could not do its work (exit status 1)."""


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are ``UsageError``; an unknown method names the methods."""

    def error(self, message):
        raise UsageError(f"{message}\n{self.format_usage().strip()}")

    def _check_value(self, action, value):
        # The choices of ``train METHOD`` are its subcommands, one per registered method, in order.
        if action.dest == "method" and value not in action.choices:
            raise UsageError(f"unknown method {value!r}; choose one of {', '.join(action.choices)}")
        super()._check_value(action, value)


def add_common(parser):
    parser.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="show the traceback of an error"
    )


def add_corpus_option(parser):
    parser.add_argument(
        "--corpus",
        metavar="FILE",
        help="text file, one document a line (.gz, .bz2, .xz allowed); default: the bundled Wikipedia sample",
    )


def open_text(path):
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

    open_text(path).close()  # the clear message for a missing or unreadable file
    return LineCorpus(path)


def load_vectors(path):
    """Load any vector or model file, its format detected by content (:func:`skvec.load_vectors`); clear errors."""
    from .vectors import load_vectors as load_any

    open_text(path).close()  # the clear message for a missing or unreadable file
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
READ_ERRORS = (EOFError, zlib.error, lzma.LZMAError, OSError)


@contextlib.contextmanager
def reading(source):
    """Turn the errors of reading a corpus into one clear line naming it."""
    try:
        yield
    except UnicodeDecodeError as exc:  # before ValueError, its base class
        raise Failure(f"{source}: not UTF-8 text ({exc})") from exc
    except READ_ERRORS as exc:
        raise Failure(f"{source}: cannot be read to the end, truncated or corrupt? ({type(exc).__name__}: {exc})") from exc


def training_docs(args):
    if args.corpus is None:
        from .datasets import load_wiki_sample

        return load_wiki_sample().data, "the bundled Wikipedia sample"
    open_text(args.corpus).close()
    return read_corpus(args.corpus), args.corpus
