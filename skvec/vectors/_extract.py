"""Word vectors of fitted models: skvec estimators and pipelines, gensim objects."""

from collections.abc import Mapping

from .._corpus import words_in_row_order
from ._gensim import keyed_vectors_of
from ._keyed import WordVectors

__all__ = ["get_word_vectors"]


def _words_from_vocabulary(vocabulary, owner):
    if not isinstance(vocabulary, Mapping):
        raise TypeError(f"{owner}.vocabulary_ must be a dict word -> row, got {type(vocabulary).__name__}.")
    return words_in_row_order(vocabulary, f"{owner}.vocabulary_")


def unfrozen(model):
    """The estimator inside scikit-learn's ``FrozenEstimator`` (the model itself otherwise)."""
    while type(model).__name__ == "FrozenEstimator" and hasattr(model, "estimator"):
        model = model.estimator
    return model


def pipeline_ends(model):
    """The first and last steps of a pipeline, or None if ``model`` is not one.

    Looks through ``FrozenEstimator``, around the pipeline and around its
    steps.  A pipeline is told by its steps, not by ``hasattr(model,
    "transform")``: a Pipeline ending with an embedder that has no transform
    (GloVeEmbedder) hides its own transform.  Steps that rewrite documents
    (``PhraseDetector``) before the one holding ``vocabulary_`` are not its
    first step: see :func:`document_steps`.
    """
    steps = _pipeline_steps(model)
    if steps is None:
        return None
    return steps[_vocabulary_position(steps)], steps[-1]


def document_steps(model):
    """The steps of a pipeline that come before its vocabulary step (none for other models)."""
    steps = _pipeline_steps(model)
    return [] if steps is None else steps[:_vocabulary_position(steps)]


def _pipeline_steps(model):
    model = unfrozen(model)
    steps = getattr(model, "steps", None)
    if not (isinstance(steps, list) and steps and hasattr(model, "named_steps")):
        return None
    return [unfrozen(step) for _, step in steps]


def _vocabulary_position(steps):
    """Index of the first step with ``vocabulary_`` (0 when none has one: not fitted)."""
    return next((i for i, step in enumerate(steps) if hasattr(step, "vocabulary_")), 0)


def get_word_vectors(fitted, X=None):
    """Return the word vectors of a fitted word-plane model.

    Parameters
    ----------
    fitted : estimator, Pipeline, WordVectors or gensim KeyedVectors
        One of

        - a fitted estimator with ``vocabulary_`` (word -> row) and
          ``embedding_``, such as a fitted ``Word2VecEmbedder``;
        - a fitted :class:`~sklearn.pipeline.Pipeline` whose first step has
          ``vocabulary_`` (after steps that rewrite documents, such as
          ``PhraseDetector``) and whose last step stores its output as
          ``embedding_`` (``SVDEmbedder``, ``GloVeEmbedder``);
        - a fitted Pipeline whose last step does not store its output
          (scikit-learn's ``TruncatedSVD``, ``SPPMITransformer``, whose
          sparse rows are vectors too): the rows are ``fitted.transform(X)``,
          so ``X``, the training corpus, is required;
        - a fitted estimator with a ``word_vectors_`` attribute
          (``EmbeddingVectorizer``), or a :class:`WordVectors`, returned as is;
        - a gensim ``KeyedVectors`` (anything with ``index_to_key`` and
          ``vectors``) or a gensim model (through its ``wv``): its words and
          vectors, sharing its array.
    X : iterable of documents, optional
        The corpus the pipeline was fitted on; needed only when its last
        step does not store an embedding.

    Returns
    -------
    WordVectors

    Raises
    ------
    ValueError
        If ``X`` is needed but missing, or the number of rows does not match
        the vocabulary.
    TypeError
        If ``fitted`` is none of the above.

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from skvec import CooccurrenceVectorizer, SPPMITransformer, SVDEmbedder, get_word_vectors
    >>> docs = ["the cat sat on the mat", "the dog sat on the log"] * 20
    >>> model = make_pipeline(CooccurrenceVectorizer(window=2, min_count=1),
    ...                       SPPMITransformer(), SVDEmbedder(n_components=2, random_state=0))
    >>> wv = get_word_vectors(model.fit(docs))
    >>> wv.vector_size, "cat" in wv
    (2, True)
    """
    if isinstance(fitted, WordVectors):
        return fitted
    if isinstance(getattr(fitted, "word_vectors_", None), WordVectors):
        return fitted.word_vectors_
    if keyed_vectors_of(fitted) is not None:
        return WordVectors.from_gensim(fitted)  # n-grams kept for a gensim FastText model
    ends = pipeline_ends(fitted)
    if ends is not None:
        first, last = ends
        if not hasattr(first, "vocabulary_"):
            raise TypeError(
                f"The first step of the pipeline ({type(first).__name__}) has no vocabulary_; "
                "is the pipeline fitted, and does it start with a word-plane step such as "
                "CooccurrenceVectorizer?"
            )
        words = _words_from_vocabulary(first.vocabulary_, type(first).__name__)
        if hasattr(last, "embedding_"):
            rows, source = last.embedding_, f"{type(last).__name__}.embedding_"
        else:
            if X is None:
                raise ValueError(
                    f"The last step of the pipeline ({type(last).__name__}) does not store the word "
                    "vectors it computed; pass the training corpus as X so they can be "
                    "recomputed with pipeline.transform(X)."
                )
            rows, source = fitted.transform(X), "pipeline.transform(X)"
    elif hasattr(fitted, "vocabulary_") and hasattr(fitted, "embedding_"):
        if fitted.embedding_ is None:
            raise ValueError(
                f"This {type(fitted).__name__} trained no word vectors (embedding_ is None); a "
                "Doc2VecEmbedder trains them with architecture='dm' or with train_words=True."
            )
        words = _words_from_vocabulary(fitted.vocabulary_, type(fitted).__name__)
        rows, source = fitted.embedding_, f"{type(fitted).__name__}.embedding_"
    else:
        raise TypeError(
            "get_word_vectors expects a fitted embedder (with vocabulary_ and embedding_), a fitted "
            "word-plane Pipeline, WordVectors or a gensim KeyedVectors or model; got "
            f"{type(fitted).__name__}. Is it fitted?"
        )
    if rows.shape[0] != len(words):
        raise ValueError(
            f"{source} has {rows.shape[0]} rows but the vocabulary has {len(words)} words; "
            "the model was probably not fitted on this corpus."
        )
    return WordVectors(words, rows)
