"""Throughput of the shared vocabulary pass and corpus encoding.

Times ``skvec._corpus.encode_corpus`` on wiki17m (plain text lines, one core)
against two references doing comparable work in the same run: scikit-learn's
``CountVectorizer().fit`` (tokenize + vocabulary) and gensim's vocabulary scan
(``Word2Vec.build_vocab`` on pre-split token lists, which skips tokenizing).

    python benchmarks/encoding.py [--repeats 3] [--max-lines N]
"""

import argparse

from _common import median, read_lines, timed

from skvec._corpus import DEFAULT_TOKEN_PATTERN, encode_corpus


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--max-lines", type=int, default=None)
    args = parser.parse_args()

    lines = read_lines(max_lines=args.max_lines)
    n_tokens = encode_corpus(lines, min_count=5).n_tokens
    print(f"corpus: {len(lines):,} lines, {n_tokens:,} tokens")

    skvec_times = [timed(encode_corpus, lines, min_count=5)[1] for _ in range(args.repeats)]
    t_skvec = median(skvec_times)
    print(f"skvec encode_corpus     {t_skvec:7.2f} s  {n_tokens / t_skvec / 1e6:5.2f} M tokens/s  "
          f"(runs: {', '.join(f'{t:.2f}' for t in skvec_times)})")

    from sklearn.feature_extraction.text import CountVectorizer

    cv_times = [timed(CountVectorizer(token_pattern=DEFAULT_TOKEN_PATTERN).fit, lines)[1]
                for _ in range(args.repeats)]
    t_cv = median(cv_times)
    print(f"sklearn CountVectorizer {t_cv:7.2f} s  {n_tokens / t_cv / 1e6:5.2f} M tokens/s  "
          f"ratio skvec/sklearn {t_skvec / t_cv:.2f}")

    try:
        from gensim.models import Word2Vec
    except ImportError:
        print("gensim not installed: reference skipped")
        return
    token_lists = [line.split() for line in lines]
    gensim_times = [timed(Word2Vec(min_count=5).build_vocab, token_lists)[1] for _ in range(args.repeats)]
    t_gensim = median(gensim_times)
    print(f"gensim build_vocab      {t_gensim:7.2f} s  {n_tokens / t_gensim / 1e6:5.2f} M tokens/s  "
          f"(pre-split input) ratio skvec/gensim {t_skvec / t_gensim:.2f}")


if __name__ == "__main__":
    main()
