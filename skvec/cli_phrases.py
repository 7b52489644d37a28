"""``skvec phrases``: rewrite a corpus with its phrases joined (new_york), like word2phrase."""

import time

from ._io import replacing_file
from .cli_common import (
    EXIT_OK,
    Failure,
    UsageError,
    add_common,
    add_corpus_option,
    check_writable,
    reading,
    training_docs,
)
from .cli_methods import resolve_params


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
    docs, source = training_docs(args)
    start = time.perf_counter()
    try:
        with reading(source):
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


def add_phrases_parser(commands):
    phrases = commands.add_parser(
        "phrases",
        help="rewrite a corpus with its phrases joined (new_york), like word2phrase",
        description="Learn the phrases of a corpus (PhraseDetector) and write it with them joined, one "
        "document a line, tokens separated by spaces.",
    )
    add_corpus_option(phrases)
    phrases.add_argument(
        "--out", metavar="FILE", default="phrases.txt",
        help="output file (default: phrases.txt; .gz, .bz2, .xz compress)",
    )
    phrases.add_argument(
        "--param", metavar="NAME=VALUE", action="append", default=[],
        help="set a parameter of PhraseDetector (repeatable): min_count, threshold, scoring, connector_words...",
    )
    phrases.add_argument("-v", "--verbose", action="count", default=0, help="progress on stderr")
    add_common(phrases)
    phrases.set_defaults(run=_phrases)
