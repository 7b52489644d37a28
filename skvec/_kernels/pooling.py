"""Pooling of word vectors into document vectors."""

from numba import njit, prange


@njit(cache=True, parallel=True)
def max_pool(vectors, ids, offsets, out):
    """Write the element-wise maximum of each document's word vectors to ``out``.

    Document ``d`` is ``ids[offsets[d]:offsets[d + 1]]``; a document without
    tokens keeps the zero row ``out`` was created with.
    """
    n_docs = offsets.shape[0] - 1
    dim = vectors.shape[1]
    for doc in prange(n_docs):
        start = offsets[doc]
        stop = offsets[doc + 1]
        if start == stop:
            continue
        row = out[doc]
        first = vectors[ids[start]]
        for k in range(dim):
            row[k] = first[k]
        for pos in range(start + 1, stop):
            vec = vectors[ids[pos]]
            for k in range(dim):
                if vec[k] > row[k]:
                    row[k] = vec[k]
    return out

