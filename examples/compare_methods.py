"""Compare SPPMI-SVD, GloVe and word2vec on one corpus, with a plot.

Trains the three methods on the bundled Wikipedia sample with comparable
settings (100 dimensions, window 5, words seen at least 5 times), prints their
training time and analogy accuracy, and draws the per-section accuracy of
each (``compare_methods.png``; needs matplotlib).

Run::

    python examples/compare_methods.py                  # the whole sample, a few minutes on 2 cores
    python examples/compare_methods.py --n-docs 3000    # a quick try
    python examples/compare_methods.py --plot none      # no plot
"""

import argparse
import os
import time

from sklearn.pipeline import make_pipeline

from skvec import (
    CooccurrenceVectorizer,
    GloVeEmbedder,
    SPPMITransformer,
    SVDEmbedder,
    Word2VecEmbedder,
    analogy_accuracy,
    get_word_vectors,
)
from skvec.datasets import load_wiki_sample


def models(epochs):
    return {
        "SPPMI-SVD": make_pipeline(
            CooccurrenceVectorizer(window=5, min_count=5),
            SPPMITransformer(shift=1),
            SVDEmbedder(n_components=100, random_state=0),
        ),
        "GloVe": make_pipeline(
            CooccurrenceVectorizer(window=5, min_count=5),
            # x_max=10, as the GloVe authors use on small corpora (100 is for billions of tokens).
            GloVeEmbedder(n_components=100, x_max=10, max_iter=5 * epochs, random_state=0),
        ),
        "word2vec": Word2VecEmbedder(n_components=100, window=5, min_count=5, epochs=epochs, random_state=0),
    }


def main(n_docs=None, plot="compare_methods.png", epochs=5):
    docs = load_wiki_sample().data[:n_docs]
    print(f"corpus: {len(docs)} paragraphs of the bundled Wikipedia sample\n")
    results = {}
    print(f"{'method':<10} {'train':>8} {'words':>7} {'analogy':>8} {'semantic':>9} {'syntactic':>10} {'coverage':>9}")
    for name, model in models(epochs).items():
        start = time.perf_counter()
        model.fit(docs)
        seconds = time.perf_counter() - start
        vectors = get_word_vectors(model)
        result = analogy_accuracy(vectors)
        results[name] = result
        print(
            f"{name:<10} {seconds:7.1f}s {len(vectors):>7} {100 * result.accuracy:7.2f}% "
            f"{100 * result.semantic.accuracy:8.2f}% {100 * result.syntactic.accuracy:9.2f}% "
            f"{100 * result.coverage:8.1f}%"
        )

    if plot and plot != "none":
        import matplotlib

        matplotlib.use("Agg")  # write a file; no screen needed
        from skvec.plotting import plot_analogy_accuracy

        ax = plot_analogy_accuracy(results, title=f"Analogy accuracy per section ({len(docs)} paragraphs)")
        ax.figure.tight_layout()
        ax.figure.savefig(plot, dpi=100)
        print(f"\nplot written to {plot}")
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--n-docs",
        type=int,
        default=int(os.environ.get("SKVEC_EXAMPLE_DOCS", 0)) or None,
        help="use only the first N paragraphs (default: all, or $SKVEC_EXAMPLE_DOCS)",
    )
    parser.add_argument("--plot", default="compare_methods.png", help="image file, or 'none'")
    parser.add_argument("--epochs", type=int, default=5, help="word2vec epochs (GloVe runs five times as many)")
    args = parser.parse_args()
    main(args.n_docs, args.plot, args.epochs)
