"""Numba kernel for answering analogy questions in bulk.

The caller computes, for one block of candidate words, the cosine of every
distinct question word with every candidate (one matrix product), so a
question ``a : b :: c : ?`` only needs three rows of that block.  The kernel
scores each candidate (3CosAdd ``cos(w, b) - cos(w, a) + cos(w, c)``, the
ranking of gensim's ``most_similar(positive=[b, c], negative=[a])``; or
3CosMul with cosines shifted to ``[0, 1]``) and keeps, per question, the
``n_top`` best candidates seen so far, skipping the rows of ``a``, ``b`` and
``c`` themselves.  Blocks are processed one after another, so memory stays
bounded whatever the candidate set.
"""

import numpy as np
from numba import njit, prange

COSADD = 0
COSMUL = 1


# Candidates are scored in chunks: a vectorized pass computes the scores and
# counts those above the current n-th best; only a chunk with such a score is
# scanned again for insertions (rare once the best lists have filled up).
_CHUNK = 512
# No "ninf": the best lists start at -inf.
_FASTMATH = {"nnan", "nsz", "reassoc", "arcp", "contract", "afn"}


@njit(parallel=True, cache=True, fastmath=_FASTMATH)
def update_top_candidates(sims, word_a, word_b, word_c, row_a, row_b, row_c, block_start, method, epsilon,
                          top_scores, top_rows):
    """Merge one block of candidates into the per-question best lists.

    sims : float32 (n_question_words, block_size), cosines with the block's candidates
    word_a, word_b, word_c : int64 (n_questions,), rows of ``sims`` for a, b, c
    row_a, row_b, row_c : int64 (n_questions,), candidate rows of a, b, c (excluded)
    block_start : candidate row of the block's first column
    method : COSADD or COSMUL; epsilon : 3CosMul's denominator shift
    top_scores, top_rows : (n_questions, n_top), best first, updated in place
    (scores start at -inf, rows at -1).
    """
    n_questions = word_a.shape[0]
    block_size = sims.shape[1]
    n_top = top_scores.shape[1]
    half = np.float32(0.5)
    shift = np.float32(0.5 + epsilon)
    for q in prange(n_questions):
        buffer = np.empty(_CHUNK, dtype=np.float32)
        sa = sims[word_a[q]]
        sb = sims[word_b[q]]
        sc = sims[word_c[q]]
        excluded_a = row_a[q] - block_start
        excluded_b = row_b[q] - block_start
        excluded_c = row_c[q] - block_start
        scores = top_scores[q]
        rows = top_rows[q]
        threshold = scores[n_top - 1]
        for chunk_start in range(0, block_size, _CHUNK):
            n = min(_CHUNK, block_size - chunk_start)
            # Slices let the compiler see unit-stride, non-negative indexing and vectorize.
            ca = sa[chunk_start : chunk_start + n]
            cb = sb[chunk_start : chunk_start + n]
            cc = sc[chunk_start : chunk_start + n]
            above = 0
            if method == COSADD:
                for k in range(n):
                    s = cb[k] - ca[k] + cc[k]
                    buffer[k] = s
                    above += s > threshold
            else:
                for k in range(n):
                    s = (half * cb[k] + half) * (half * cc[k] + half) / (half * ca[k] + shift)
                    buffer[k] = s
                    above += s > threshold
            if above == 0:
                continue
            for k in range(n):
                s = buffer[k]
                # Strict comparison: among equal scores the earlier row wins.
                if s > threshold:
                    j = chunk_start + k
                    if j == excluded_a or j == excluded_b or j == excluded_c:
                        continue
                    i = n_top - 1
                    while i > 0 and scores[i - 1] < s:
                        scores[i] = scores[i - 1]
                        rows[i] = rows[i - 1]
                        i -= 1
                    scores[i] = s
                    rows[i] = block_start + j
                    threshold = scores[n_top - 1]


@njit(cache=True)
def pick_answers(top_rows, fold, fold_a, fold_b, fold_c):
    """First candidate among the best whose folded word is none of a, b, c; -1 if none."""
    n_questions, n_top = top_rows.shape
    answers = np.full(n_questions, -1, dtype=np.int64)
    for q in range(n_questions):
        for k in range(n_top):
            row = top_rows[q, k]
            if row < 0:
                break
            f = fold[row]
            if f != fold_a[q] and f != fold_b[q] and f != fold_c[q]:
                answers[q] = row
                break
    return answers
