"""``skvec evaluate`` and ``skvec similar``: score a vector file, and query it."""

from .cli_common import EXIT_OK, Failure, UsageError, add_common, load_vectors, open_text


def _read_evaluation_file(path, reader, what):
    open_text(path).close()
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


def _similar(args):
    from .vectors import lookup_word

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


def add_evaluate_parser(commands):
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
    add_common(evaluate)
    evaluate.set_defaults(run=_evaluate)


def _add_case_option(parser):
    parser.add_argument(
        "--case-sensitive", action="store_true",
        help="match words exactly (default: ignore case, using the most frequent form of a word)",
    )


def add_similar_parser(commands):
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
    add_common(similar)
    similar.set_defaults(run=_similar)
