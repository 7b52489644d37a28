"""``skvec classify``: train a FastTextClassifier and predict with it (or with a fastText ``.bin``).

::

    skvec classify train --corpus FILE [--labels FILE | --label-prefix PREFIX] [--out MODEL]
                         [--param NAME=VALUE ...] [-v | -vv]
    skvec classify predict MODEL [--corpus FILE] [--label-prefix PREFIX] [--proba]

A corpus has one document a line (gzip, bzip2 and xz are detected).  Its
labels come from ``--labels FILE`` (one label a line) or, as in the fastText
tool's files, from the tokens of each line that start with ``--label-prefix``
(default ``__label__``): ``__label__sports the match ended ...``.  ``predict``
reads a model file written by ``classify train`` (``.npz``) or a supervised
``.bin`` model of the fastText tool, and prints one label a line (with its
probability after a tab with ``--proba``); when every line of the corpus has
a label, the accuracy goes to stderr.

The module registers its commands on the ``skvec`` parser
(:func:`add_classify_parser`).
"""

import ast
import sys
import time

from .cli_common import Failure, UsageError, add_common, open_text

DEFAULT_PREFIX = "__label__"
_FASTTEXT_MAGIC = (793712314).to_bytes(4, "little")


def _read_lines(path):
    try:
        with open_text(path) as lines:
            return [line.rstrip("\n") for line in lines]
    except (OSError, UnicodeDecodeError, EOFError) as exc:
        raise Failure(f"{path}: cannot be read ({type(exc).__name__}: {exc})") from exc


def split_labels(lines, prefix):
    """Split ``prefix``-marked labels off each line: (documents, labels per line)."""
    docs, labels = [], []
    for line in lines:
        tokens = line.split()
        labels.append([token[len(prefix):] for token in tokens if token.startswith(prefix)])
        docs.append(" ".join(token for token in tokens if not token.startswith(prefix)))
    return docs, labels


def _training_data(args):
    lines = _read_lines(args.corpus)
    if args.labels is not None:
        labels = [line.strip() for line in _read_lines(args.labels)]
        if len(labels) != len(lines):
            raise Failure(f"{args.labels} has {len(labels)} lines but {args.corpus} has {len(lines)}; "
                          "give one label a line for each document")
        return lines, labels
    docs, per_line = split_labels(lines, args.label_prefix)
    for number, found in enumerate(per_line, 1):
        if len(found) != 1:
            what = "no label" if not found else f"{len(found)} labels"
            raise Failure(f"{args.corpus}, line {number}: {what} marked {args.label_prefix!r}; each "
                          "line needs exactly one (multi-label data: use the Python API)")
    return docs, [found[0] for found in per_line]


def _params(assignments):
    params = {}
    for text in assignments:
        name, sep, value = text.partition("=")
        if not sep or not name:
            raise UsageError(f"--param needs NAME=VALUE, got {text!r}")
        try:
            params[name.strip()] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            params[name.strip()] = value
    return params


def _train(args):
    from .classifier import FastTextClassifier

    model = FastTextClassifier()
    params = _params(args.param)
    unknown = sorted(set(params) - set(model.get_params()))
    if unknown:
        raise UsageError(f"unknown parameter {unknown[0]!r} of FastTextClassifier; "
                         f"choose among {', '.join(sorted(model.get_params()))}")
    if args.verbose:
        params.setdefault("verbose", args.verbose)
    model.set_params(**params)
    docs, labels = _training_data(args)
    print(f"training a FastTextClassifier on {args.corpus} ({len(docs)} documents)", file=sys.stderr)
    started = time.perf_counter()
    try:
        model.fit(docs, labels)
    except (ValueError, TypeError, FloatingPointError, MemoryError) as exc:
        raise Failure(f"training failed: {exc}") from exc
    try:
        model.save(args.out)
    except OSError as exc:
        raise Failure(f"cannot write {args.out}: {exc}") from exc
    print(f"wrote a classifier of {len(model.classes_)} classes and {len(model.vocabulary_)} words to {args.out} "
          f"(trained in {time.perf_counter() - started:.1f} s)")
    return 0


def load_classifier(path):
    """A FastTextClassifier from a ``classify train`` model file or a fastText ``.bin``."""
    from .classifier import FastTextClassifier

    try:
        with open(path, "rb") as f:
            head = f.read(4)
    except OSError as exc:
        raise Failure(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    try:
        if head == _FASTTEXT_MAGIC:
            return FastTextClassifier.load_fasttext_bin(path)
        return FastTextClassifier.load(path)
    except ValueError as exc:
        raise Failure(str(exc)) from exc


def _predict(args):
    model = load_classifier(args.model)
    model.set_params(verbose=args.verbose)
    if args.corpus is None:
        lines = [line.rstrip("\n") for line in sys.stdin]
    else:
        lines = _read_lines(args.corpus)
    docs, labels = split_labels(lines, args.label_prefix)
    proba = model.predict_proba(docs)
    best = proba.argmax(axis=1)
    bin_model = model.classes_.dtype == object and all(str(c).startswith(args.label_prefix) for c in model.classes_)
    out = sys.stdout
    for row, column in enumerate(best):
        label = str(model.classes_[column])
        printed = label if bin_model else args.label_prefix + label
        out.write(f"{printed}\t{proba[row, column]:.6g}\n" if args.proba else f"{printed}\n")
    if labels and all(labels):
        predicted = [str(model.classes_[c]) for c in best]
        truth = [(args.label_prefix if bin_model else "") + found[0] for found in labels]
        hits = sum(p == t for p, t in zip(predicted, truth))
        print(f"accuracy {hits / len(truth):.4f} on {len(truth)} labelled documents", file=sys.stderr)
    return 0


def add_classify_parser(commands):
    """Add ``skvec classify train|predict`` to the ``skvec`` subcommands.

    Parameters
    ----------
    commands : argparse subparsers action
    """
    classify = commands.add_parser("classify", help="train a fastText text classifier, or predict with one",
                                   description=__doc__.split("\n\n")[0].replace("``", "'"))
    actions = classify.add_subparsers(dest="action", metavar="ACTION", parser_class=type(classify))
    actions.required = True
    train = actions.add_parser("train", help="train a FastTextClassifier and write its model file",
                               description="Train a FastTextClassifier on labelled lines and write its model file.")
    train.add_argument("--corpus", metavar="FILE", required=True, help="one document a line (.gz, .bz2, .xz)")
    train.add_argument("--labels", metavar="FILE", help="one label a line, for the lines of --corpus")
    train.add_argument("--label-prefix", metavar="PREFIX", default=DEFAULT_PREFIX,
                       help=f"without --labels: tokens starting with PREFIX are labels (default {DEFAULT_PREFIX})")
    train.add_argument("--out", metavar="FILE", default="classifier.npz", help="model file (default classifier.npz)")
    train.add_argument("--param", metavar="NAME=VALUE", action="append", default=[],
                       help="a parameter of FastTextClassifier (repeatable), e.g. word_ngrams=2 loss='hs'")
    train.add_argument("-v", "--verbose", action="count", default=0,
                       help="-v: vocabulary, memory and one line per epoch on stderr; -vv: also within epochs")
    add_common(train)
    train.set_defaults(run=_train)
    predict = actions.add_parser("predict", help="predict the label of each line",
                                 description="Print the predicted label of each line of a corpus.")
    predict.add_argument("model", metavar="MODEL", help="a model file of 'classify train' or a fastText .bin")
    predict.add_argument("--corpus", metavar="FILE", help="one document a line; default: standard input")
    predict.add_argument("--label-prefix", metavar="PREFIX", default=DEFAULT_PREFIX,
                         help=f"tokens starting with PREFIX are labels, left out of the document (default "
                              f"{DEFAULT_PREFIX})")
    predict.add_argument("--proba", action="store_true", help="print each label's probability after a tab")
    predict.add_argument("-v", "--verbose", action="count", default=0,
                         help="count the documents without any vocabulary word on stderr")
    add_common(predict)
    predict.set_defaults(run=_predict)
    return classify

