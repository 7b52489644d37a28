"""Quick start: word vectors from the bundled Wikipedia sample in one pipeline.

Counts word co-occurrences, turns them into shifted positive PMI, factorizes
with a truncated SVD, then queries and evaluates the vectors and writes them
in the word2vec text format (which gensim reads).

Run::

    python examples/quick_start.py                 # the whole sample, well under a minute
    python examples/quick_start.py --n-docs 2000   # a quick try on the first 2,000 paragraphs
"""

import argparse
import os
import time

from sklearn.pipeline import make_pipeline

from skvec import CooccurrenceVectorizer, SPPMITransformer, SVDEmbedder, analogy_accuracy, get_word_vectors
from skvec.datasets import load_wiki_sample


def main(n_docs=None, out=None):
    docs = load_wiki_sample().data[:n_docs]
    print(f"corpus: {len(docs)} paragraphs of the bundled Wikipedia sample")

    model = make_pipeline(
        CooccurrenceVectorizer(window=5, min_count=5),  # word x context counts, one pass over the corpus
        SPPMITransformer(shift=1),  # max(PMI - log(shift), 0) with smoothed context counts
        SVDEmbedder(n_components=100, random_state=0),  # U * sqrt(S)
    )
    start = time.perf_counter()
    model.fit(docs)
    print(f"trained in {time.perf_counter() - start:.1f} s")

    vectors = get_word_vectors(model)
    print(f"{len(vectors)} words, {vectors.vector_size} dimensions")
    for word in ["france", "river", "war", "music"]:
        if word in vectors:
            neighbours = ", ".join(w for w, _ in vectors.most_similar(word, topn=6))
            print(f"  {word}: {neighbours}")

    # Google analogy questions (bundled): a : b :: c : ?
    result = analogy_accuracy(vectors)
    print()
    print(result.table())
    print(f"\nanalogy accuracy {100 * result.accuracy:.2f}% on {100 * result.coverage:.1f}% of the questions")

    if out:
        vectors.save_word2vec_format(out)
        print(f"vectors written to {out}")
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--n-docs",
        type=int,
        default=int(os.environ.get("SKVEC_EXAMPLE_DOCS", 0)) or None,
        help="use only the first N paragraphs (default: all, or $SKVEC_EXAMPLE_DOCS)",
    )
    parser.add_argument("--out", help="write the vectors to this file (word2vec text format)")
    args = parser.parse_args()
    main(args.n_docs, args.out)
