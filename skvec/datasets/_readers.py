"""Readers for evaluation files: analogy questions and scored word pairs."""

import math
import os

from .._io import open_file

__all__ = ["read_analogies", "read_word_pairs"]

# Section of the questions that come before any ": section" header.
DEFAULT_SECTION = "questions"


def _lines(path_or_lines, encoding="utf-8"):
    """Yield (line number, text) from a path or an iterable of lines."""
    if isinstance(path_or_lines, (str, bytes, os.PathLike)):
        with open_file(path_or_lines, "rt", encoding=encoding) as f:
            yield from enumerate(f, 1)
    else:
        yield from enumerate(path_or_lines, 1)


def _name(path_or_lines):
    if isinstance(path_or_lines, (str, bytes, os.PathLike)):
        return repr(os.fspath(path_or_lines))
    return "the input"


def read_analogies(path):
    """Read analogy questions in the ``questions-words.txt`` format.

    Lines ``: section-name`` start a section; every other non-blank line is
    a question ``a b c d`` (``a`` is to ``b`` as ``c`` is to ``d``), words
    separated by whitespace. Questions before the first header go to a
    section named ``"questions"``. Case is kept as in the file.

    Parameters
    ----------
    path : str, path-like or iterable of str
        A file (UTF-8, plain or compressed with gzip, bzip2 or xz), or its lines.

    Returns
    -------
    dict of str to list of tuple
        Section name -> list of ``(a, b, c, d)`` questions, in file order.

    Raises
    ------
    ValueError
        If a question line does not have exactly four words (the message
        gives the line number).

    See Also
    --------
    load_google_analogies : The Google analogy set, bundled.
    skvec.analogy_accuracy : Evaluate word vectors on such questions.

    Examples
    --------
    >>> from skvec.datasets import read_analogies
    >>> read_analogies([": capitals", "Athens Greece Paris France", "Rome Italy Paris France"])
    {'capitals': [('Athens', 'Greece', 'Paris', 'France'), ('Rome', 'Italy', 'Paris', 'France')]}
    """
    sections = {}
    current = None
    for number, line in _lines(path):
        text = line.strip()
        if not text:
            continue
        if text.startswith(":"):
            current = sections.setdefault(text[1:].strip(), [])
            continue
        words = text.split()
        if len(words) != 4:
            raise ValueError(
                f"Line {number} of {_name(path)} has {len(words)} words; an analogy question "
                f"has four (a b c d): {text[:80]!r}."
            )
        if current is None:
            current = sections.setdefault(DEFAULT_SECTION, [])
        current.append(tuple(words))
    if not any(sections.values()):
        raise ValueError(f"{_name(path)} contains no analogy question.")
    return sections


def read_word_pairs(path, delimiter=None, encoding="utf-8"):
    """Read scored word pairs, one ``word1 word2 score`` a line.

    Fields are separated by tabs, or by other whitespace in a line without
    tabs, or by ``delimiter`` when given; extra fields after the score are
    ignored. Blank lines and lines starting with ``#`` are skipped,
    and so is a first line whose third field is not a number (a header, as
    in WordSim-353 or SimLex-999).

    Parameters
    ----------
    path : str, path-like or iterable of str
        A file (plain or compressed with gzip, bzip2 or xz), or its lines.
    delimiter : str or None, default=None
        The field separator; ``None``: tab, or whitespace.
    encoding : str, default="utf-8"
        The file's encoding.

    Returns
    -------
    list of (str, str, float)

    Raises
    ------
    ValueError
        If a line (other than a header) has fewer than three fields or a
        score that is not a number (the message gives the line number).

    See Also
    --------
    skvec.word_similarity : Spearman correlation of vectors with such scores.

    Examples
    --------
    >>> from skvec.datasets import read_word_pairs
    >>> read_word_pairs(["# word1 word2 score", "tiger\\tcat\\t7.35", "book paper 7.46"])
    [('tiger', 'cat', 7.35), ('book', 'paper', 7.46)]
    """
    pairs = []
    first = True
    if delimiter is not None and (not isinstance(delimiter, str) or not delimiter):
        raise ValueError(f"delimiter must be a non-empty string or None, got {delimiter!r}.")
    for number, line in _lines(path, encoding):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        if delimiter is not None:
            fields = text.split(delimiter)
        else:
            fields = text.split("\t") if "\t" in text else text.split()
        fields = [field.strip() for field in fields]
        score = None
        if len(fields) >= 3:
            try:
                score = float(fields[2])
            except ValueError:
                score = None
            if score is not None and not math.isfinite(score):
                raise ValueError(f"Line {number} of {_name(path)} has a non-finite score: {text[:80]!r}.")
        if score is None:
            if first:
                first = False
                continue
            raise ValueError(
                f"Line {number} of {_name(path)} is not 'word1 word2 score': {text[:80]!r}."
            )
        first = False
        pairs.append((fields[0], fields[1], score))
    if not pairs:
        raise ValueError(f"{_name(path)} contains no word pair.")
    return pairs
