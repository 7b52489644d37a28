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


@njit(parallel=True, cache=True)
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
    for q in prange(n_questions):
        sa = sims[word_a[q]]
        sb = sims[word_b[q]]
        sc = sims[word_c[q]]
        ra = row_a[q] - block_start
        rb = row_b[q] - block_start
        rc = row_c[q] - block_start
        scores = top_scores[q]
        rows = top_rows[q]
        threshold = scores[n_top - 1]
        for j in range(block_size):
            if method == COSADD:
                s = sb[j] - sa[j] + sc[j]
            else:
                s = (0.5 * sb[j] + 0.5) * (0.5 * sc[j] + 0.5) / (0.5 * sa[j] + 0.5 + epsilon)
            # Strict comparison: among equal scores the earlier row wins.
            if s > threshold:
                if j == ra or j == rb or j == rc:
                    continue
                k = n_top - 1
                while k > 0 and scores[k - 1] < s:
                    scores[k] = scores[k - 1]
                    rows[k] = rows[k - 1]
                    k -= 1
                scores[k] = s
                rows[k] = block_start + j
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
