"""Training in pieces with ``partial_fit`` against one ``fit`` on the whole corpus.

Cuts ``wiki17m`` (one paragraph a line) into ``--pieces`` consecutive pieces,
trains ``Word2VecEmbedder`` once with ``fit`` on all of it and once with one
``partial_fit`` per piece (each piece seen ``--epochs`` times, so the total
number of epochs over the corpus is the same), and prints for both: training
time, Google analogy accuracy (3CosAdd, ``restrict_vocab=30000``, the words
ordered by their total count for both models, since the rows of
``partial_fit``'s appended words are not in count order), and for
``partial_fit``:

- after each call, that the vocabulary so far is a prefix of the new one
  with every row in place, that the rows of words absent from the piece are
  bit-identical to their rows before the call, and the median cosine between
  the rows of the other existing words before and after the call (a reset
  row would be near 0);
- ``--variants`` chooses how the pieces are trained: ``per-call`` (the
  default) calls ``partial_fit`` once per piece with ``--epochs`` epochs and
  leaves ``alpha`` and ``min_alpha`` alone, so each call decays from
  ``alpha`` to ``alpha * 1e-4``; ``global`` sets call ``k`` of ``n`` to decay
  from ``alpha * (1 - k / n)`` to ``alpha * (1 - (k + 1) / n)``
  (``set_params`` before the call), so that the calls together follow the
  one decay ``fit`` runs over all its epochs; ``rounds`` goes ``--epochs``
  times over the pieces with one epoch per call and the global decay, the
  order in which ``fit`` itself reads them (counts then add up over the
  rounds, as for any document seen again); ``rounds-once`` is ``rounds``
  with the documents counted only in the first round
  (``partial_fit(update_vocabulary=False)`` in the later ones), so that
  after the first round the vocabulary and its counts are the whole
  corpus's, as in ``fit`` (checked and printed: same words, same counts);
- the words that first joined in piece 4: their count, the norm of their
  rows (a row that was not trained stays near its initial norm, about
  0.03), and the overlap of their 10 nearest neighbours with the same
  word's neighbours in the whole-corpus model, against the same overlap for
  words that were in the vocabulary from piece 1.

Run under the shared CPU lock, e.g.::

    flock /tmp/skvec-cpu.lock python benchmarks/continued_training.py --arch skipgram
"""

import argparse
import os
import time

import numpy as np
from _common import QUESTIONS, read_lines

from skvec import Word2VecEmbedder, WordVectors, analogy_accuracy


def by_count(model):
    """The model's vectors with the rows ordered by total count (what ``restrict_vocab`` expects)."""
    words = list(model.vocabulary_)
    order = np.argsort(-model.word_counts_, kind="stable")
    return WordVectors([words[i] for i in order], model.embedding_[order])


def neighbour_overlap(a, b, words, topn=10):
    """Mean share of the ``topn`` nearest neighbours two vector sets agree on, over ``words``."""
    shares = []
    for word in words:
        first = {w for w, _ in a.most_similar(word, topn=topn)}
        second = {w for w, _ in b.most_similar(word, topn=topn)}
        shares.append(len(first & second) / topn)
    return float(np.mean(shares))


def check_call(before_words, before_rows, model, piece_words):
    """Rows of the words known before the call: in place, untouched when absent, trained otherwise."""
    words = list(model.vocabulary_)
    assert words[: len(before_words)] == before_words, "an existing word moved"
    rows = model.embedding_[: len(before_words)]
    absent = np.array([w not in piece_words for w in before_words])
    assert np.array_equal(rows[absent], before_rows[absent]), "a row of a word absent from the piece changed"
    present = ~absent
    dots = np.einsum("ij,ij->i", rows[present], before_rows[present])
    norms = np.linalg.norm(rows[present], axis=1) * np.linalg.norm(before_rows[present], axis=1)
    return int(absent.sum()), float(np.median(dots / np.maximum(norms, 1e-30)))


def train_in_pieces(lines, settings, n_pieces, schedule="per-call", rounds=1, count_once=False):
    """``partial_fit`` piece after piece, ``rounds`` times over the pieces; returns the model and more.

    Each call trains ``settings["epochs"] // rounds`` epochs, so every piece
    is trained ``epochs`` times in all; with ``count_once`` the calls after
    the first round do not count their piece again (and are checked to
    leave the vocabulary and counts as they were).  Returns ``(model,
    joined, seconds)`` with ``joined[k]`` the words that joined at call ``k``.
    """
    model = Word2VecEmbedder(**dict(settings, epochs=settings["epochs"] // rounds))
    bounds = np.linspace(0, len(lines), n_pieces + 1).astype(int)
    joined, seconds = [], 0.0
    alpha = 0.025 if settings["architecture"] == "skipgram" else 0.05
    n_calls = n_pieces * rounds
    for call in range(n_calls):
        lo, hi = bounds[call % n_pieces], bounds[call % n_pieces + 1]
        if schedule == "global":
            model.set_params(alpha=alpha * (1 - call / n_calls),
                             min_alpha=max(alpha * (1 - (call + 1) / n_calls), alpha * 1e-4))
        piece = lines[lo:hi]
        before_words = list(getattr(model, "vocabulary_", {}))
        before_rows = model.embedding_.copy() if before_words else None
        before_counts = model.word_counts_.copy() if before_words else None
        counting = not (count_once and call >= n_pieces)
        start = time.perf_counter()
        model.partial_fit(piece, update_vocabulary=counting)
        seconds += time.perf_counter() - start
        if not counting:
            assert list(model.vocabulary_) == before_words, "a call that does not count changed the vocabulary"
            assert np.array_equal(model.word_counts_, before_counts), "a call that does not count changed counts"
        new_words = list(model.vocabulary_)[len(before_words):]
        joined.append(new_words)
        line = (f"  call {call + 1} (piece {call % n_pieces + 1}): {len(new_words)} words joined, "
                f"vocabulary {len(model.vocabulary_)}")
        if before_words:
            piece_words = {w for text in piece for w in text.split()}
            n_absent, median_cosine = check_call(before_words, before_rows, model, piece_words)
            line += (f"; existing rows in place, {n_absent} absent from the piece bit-identical, "
                     f"median cosine before/after of the others {median_cosine:.3f}")
        print(line, flush=True)
    return model, joined, seconds


def report_pieces(name, lines, settings, args, whole, whole_vectors, whole_score):
    schedule, rounds = {"per-call": ("per-call", 1), "global": ("global", 1),
                        "rounds": ("global", args.epochs), "rounds-once": ("global", args.epochs)}[name]
    count_once = name == "rounds-once"
    print(f"partial_fit, {name}: {args.pieces} pieces, {rounds} round(s) of {args.epochs // rounds} epoch(s) "
          f"each, {schedule} learning-rate schedule"
          f"{', documents counted in the first round only' if count_once else ''}", flush=True)
    pieces, joined, pieces_seconds = train_in_pieces(lines, settings, args.pieces, schedule, rounds, count_once)
    pieces_vectors = by_count(pieces)
    pieces_score = analogy_accuracy(pieces_vectors, str(QUESTIONS))
    print(f"partial_fit, {name}: {pieces_seconds:.0f} s, analogy {100 * pieces_score.accuracy:.2f}% "
          f"({pieces_score.evaluated} questions); difference from fit "
          f"{100 * (pieces_score.accuracy - whole_score.accuracy):+.2f} pt", flush=True)
    missing = set(whole.vocabulary_) - set(pieces.vocabulary_)
    extra = set(pieces.vocabulary_) - set(whole.vocabulary_)
    print(f"  vocabulary {len(pieces.vocabulary_)} words ({len(whole.vocabulary_)} for fit; "
          f"{len(missing)} of fit's missing, {len(extra)} not in fit's)")
    if not missing and not extra:
        rows = [pieces.vocabulary_[w] for w in whole.vocabulary_]
        same = np.array_equal(pieces.word_counts_[rows], whole.word_counts_)
        print(f"  same words as fit; every word's count equal to fit's: {same}")
    if len(joined) >= 4 and joined[3]:
        late = joined[3]
        counts = pieces.word_counts_[[pieces.vocabulary_[w] for w in late]]
        norms = np.linalg.norm(pieces.embedding_[[pieces.vocabulary_[w] for w in late]], axis=1)
        rng = np.random.default_rng(0)
        early = [w for w in joined[0] if pieces.word_counts_[pieces.vocabulary_[w]] <= counts.max()]
        early = list(rng.choice(early, size=min(200, len(early)), replace=False))
        sample = [w for w in rng.choice(late, size=min(200, len(late)), replace=False) if w in whole.vocabulary_]
        print(f"  words that joined in piece 4: {len(late)} (total counts median {int(np.median(counts))}, "
              f"max {counts.max()}); row norms median {np.median(norms):.2f}, min {norms.min():.2f} "
              f"(initial rows about 0.03)")
        print(f"  10-nearest-neighbour overlap with the whole-corpus model: joined in piece 4 "
              f"{neighbour_overlap(pieces_vectors, whole_vectors, sample):.3f}, in the vocabulary since "
              f"piece 1 (counts up to the same maximum) {neighbour_overlap(pieces_vectors, whole_vectors, early):.3f}",
              flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arch", choices=["skipgram", "cbow"], default="skipgram")
    parser.add_argument("--pieces", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--dim", type=int, default=100)
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--max-lines", type=int, default=None, help="first lines only (quick runs)")
    parser.add_argument("--variants", nargs="+", choices=["per-call", "global", "rounds", "rounds-once"],
                        default=["per-call"],
                        help="per-call: one call per piece, each its own full learning-rate decay; global: one "
                             "decay split between the calls; rounds: --epochs rounds over the pieces, one epoch a "
                             "call, one decay split between all the calls; rounds-once: rounds, the documents "
                             "counted in the first round only")
    args = parser.parse_args()
    lines = read_lines(max_lines=args.max_lines)
    settings = dict(n_components=args.dim, architecture=args.arch, epochs=args.epochs, n_jobs=args.n_jobs,
                    random_state=0, token_pattern=r"\S+")
    print(f"{args.arch}, {args.dim} d, {args.epochs} epochs, {len(lines)} paragraphs, {args.pieces} pieces; "
          f"load average {os.getloadavg()[0]:.2f}")

    start = time.perf_counter()
    whole = Word2VecEmbedder(**settings).fit(lines)
    whole_seconds = time.perf_counter() - start
    whole_vectors = by_count(whole)
    whole_score = analogy_accuracy(whole_vectors, str(QUESTIONS))
    print(f"fit on the whole corpus: {whole_seconds:.0f} s, analogy {100 * whole_score.accuracy:.2f}% "
          f"({whole_score.evaluated} questions)", flush=True)

    for name in args.variants:
        report_pieces(name, lines, settings, args, whole, whole_vectors, whole_score)
    print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
