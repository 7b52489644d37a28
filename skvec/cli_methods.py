"""The methods of ``skvec train``: their registry, the models they build, ``--param`` and ``--help``.

``skvec train METHOD --help`` lists every parameter of the method's model
with its command-line default and the first sentence of its description,
read from the estimators' numpydoc docstrings by :func:`parameter_meanings`.
"""

import ast
import difflib
import inspect
import textwrap
from dataclasses import dataclass, field

from .cli_common import HELP_WIDTH, UsageError


@dataclass
class Method:
    """A method ``skvec train`` knows: how to build its model and its command-line defaults."""

    build: object
    summary: str
    defaults: dict = field(default_factory=dict)
    note: str = ""


# The methods ``skvec train`` knows, in registration order.
_METHODS = {}


def register_method(name, build, summary, defaults=None, note=""):
    """Make ``skvec train NAME`` train ``build()``.

    Parameters
    ----------
    name : str
        The method's name on the command line.
    build : callable
        Returns the unfitted estimator or word-plane pipeline, at the
        estimators' defaults.
    summary : str
        One line for ``skvec train --help``.
    defaults : dict, optional
        Command-line defaults (``--param`` names) that replace the
        estimators' defaults; ``skvec train NAME --help`` shows both.
    note : str, optional
        A sentence for ``skvec train NAME --help`` saying why those defaults.

    Examples
    --------
    >>> from skvec.cli import register_method, method_names
    >>> from skvec import Word2VecEmbedder
    >>> register_method("cbow", lambda: Word2VecEmbedder(architecture="cbow"), "word2vec CBOW")
    >>> method_names()
    ['sppmi-svd', 'glove', 'word2vec', 'fasttext', 'doc2vec', 'cbow']
    """
    _METHODS[name] = Method(build, summary, dict(defaults or {}), note)


def method_summary(name):
    """The one-line summary of the registered method ``name`` (for ``skvec train --help``).

    Examples
    --------
    >>> from skvec.cli_methods import method_summary
    >>> method_summary("word2vec")
    'word2vec skip-gram or CBOW, as the original C tool'
    """
    return _METHODS[name].summary


def method_names():
    """The registered method names, in registration order.

    Examples
    --------
    >>> from skvec.cli import method_names
    >>> method_names()[:3]
    ['sppmi-svd', 'glove', 'word2vec']
    """
    return list(_METHODS)


def _sppmi_svd():
    from sklearn.pipeline import make_pipeline

    from .cooccurrence import CooccurrenceVectorizer
    from .sppmi import SPPMITransformer
    from .svd import SVDEmbedder

    return make_pipeline(CooccurrenceVectorizer(), SPPMITransformer(), SVDEmbedder())


def _glove():
    from sklearn.pipeline import make_pipeline

    from .cooccurrence import CooccurrenceVectorizer
    from .glove import GloVeEmbedder

    return make_pipeline(CooccurrenceVectorizer(), GloVeEmbedder())


def _word2vec():
    from .word2vec import Word2VecEmbedder

    return Word2VecEmbedder()


register_method(
    "sppmi-svd",
    _sppmi_svd,
    "truncated SVD of the shifted positive PMI of co-occurrence counts",
    note="the estimators' own, which suit a small corpus: seconds on the bundled sample",
)


register_method(
    "glove",
    _glove,
    "GloVe: weighted least squares on log co-occurrence counts",
    defaults={"x_max": 10, "max_iter": 10},
    note="x_max=10 suits a corpus of a few million tokens (the GloVe paper's 100 suits billions), and 10 "
    "epochs instead of 25 take 40% of the time; on the bundled sample they give 6% analogy accuracy "
    "(the estimator defaults: 4%), SPPMI-SVD 18% in a fraction of the time",
)


register_method(
    "word2vec",
    _word2vec,
    "word2vec skip-gram or CBOW, as the original C tool",
    note="the estimator's own (the C tool's), which suit a small corpus: under a minute on the bundled sample",
)


def _fasttext():
    from .fasttext import FastTextEmbedder

    return FastTextEmbedder()


register_method(
    "fasttext",
    _fasttext,
    "fastText: word2vec with character n-gram vectors, so any word gets a vector",
    defaults={"bucket": 200_000},
    note="200,000 n-gram buckets suit a corpus of a few million tokens and take 80 MB instead of the "
    "estimator's 800 MB; --model FILE also writes the n-gram vectors, which 'skvec similar' and "
    "'skvec evaluate' read to give vectors to words outside the vocabulary",
)


def _doc2vec():
    from .doc2vec import Doc2VecEmbedder

    return Doc2VecEmbedder()


register_method(
    "doc2vec",
    _doc2vec,
    "Paragraph Vector (PV-DBOW, PV-DM): a vector for each document, and word vectors",
    defaults={"train_words": True},
    note="train_words=True so that PV-DBOW also trains the word vectors this command writes; --docvecs FILE "
    "also writes the document vectors, one per corpus line, named by line number from 0",
)


def build_model(method):
    """Return the unfitted word model that ``skvec train METHOD`` trains, at the command-line defaults.

    Parameters
    ----------
    method : str
        A registered method: ``"sppmi-svd"``, ``"glove"``, ``"word2vec"``...

    Returns
    -------
    estimator
        A word-plane pipeline (``"sppmi-svd"``, ``"glove"``) or an embedder.

    Examples
    --------
    >>> from skvec.cli import build_model
    >>> [name for name, _ in build_model("sppmi-svd").steps]
    ['cooccurrencevectorizer', 'sppmitransformer', 'svdembedder']
    >>> build_model("glove").get_params()["gloveembedder__x_max"]  # the command-line default
    10
    """
    if method not in _METHODS:
        raise UsageError(f"unknown method {method!r}; choose one of {', '.join(_METHODS)}")
    spec = _METHODS[method]
    model = spec.build()
    model.set_params(**resolve_params(model, [f"{k}={v!r}" for k, v in spec.defaults.items()], method))
    return model


def parameter_targets(model):
    """Map every accepted ``--param`` name to the full parameter names it sets.

    For a pipeline, ``step__name`` sets one step's parameter and a bare
    ``name`` sets it on every step that has it (``n_jobs``, ``verbose``,
    ``random_state``...).
    """
    from sklearn.pipeline import Pipeline

    if not isinstance(model, Pipeline):
        return {name: [name] for name in model.get_params(deep=False)}
    targets = {}
    for step_name, step in model.steps:
        for name in step.get_params(deep=False):
            full = f"{step_name}__{name}"
            targets[full] = [full]
            targets.setdefault(name, []).append(full)
    return targets


def parse_value(text):
    """Read a ``--param`` value as a Python literal, or else as a plain string.

    Parameters
    ----------
    text : str
        The text after ``=``.

    Returns
    -------
    object
        ``"5"`` gives 5, ``"0.75"`` 0.75, ``"None"`` None, ``"True"`` True,
        ``"mean"`` the string ``"mean"``.

    Examples
    --------
    >>> from skvec.cli import parse_value
    >>> parse_value("5"), parse_value("1e-3"), parse_value("None"), parse_value("w+c")
    (5, 0.001, None, 'w+c')
    """
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return text


def _unknown_parameter_message(name, targets, method):
    bare = sorted(key for key in targets if "__" not in key)
    message = f"unknown parameter {name!r} for {method or 'this method'}"
    close = difflib.get_close_matches(name, list(targets), n=1)
    if close:
        message += f" (did you mean {close[0]!r}?)"
    message += f"; valid parameters: {', '.join(bare)}"
    steps = sorted({key.split("__")[0] for key in targets if "__" in key})
    if steps:
        message += f" (or STEP__NAME to set one step's, with STEP one of {', '.join(steps)})"
    return message


def resolve_params(model, assignments, method=""):
    """Turn ``NAME=VALUE`` strings into ``set_params`` keyword arguments.

    Raises
    ------
    UsageError
        For a malformed assignment or an unknown name; the message lists the
        valid names.
    """
    targets = parameter_targets(model)
    params = {}
    for assignment in assignments:
        name, sep, text = assignment.partition("=")
        name = name.strip()
        if not sep or not name:
            raise UsageError(f"--param expects NAME=VALUE, got {assignment!r}")
        if name not in targets:
            raise UsageError(_unknown_parameter_message(name, targets, method))
        value = parse_value(text)
        for full in targets[name]:
            params[full] = value
    return params


# -- `skvec train METHOD --help`: parameters from the estimators' docstrings --
#
# A small reader of the numpydoc ``Parameters`` section rather than numpydoc's
# own: numpydoc is a documentation dependency, not a run-time one, and the
# help needs only each parameter's first sentence.  The tests check that this
# reader agrees with numpydoc's on every estimator.


def parameter_meanings(estimator):
    """First sentence of each parameter's description in the estimator's numpydoc docstring.

    Parameters
    ----------
    estimator : estimator instance
        Its class docstring has a numpydoc ``Parameters`` section.

    Returns
    -------
    dict of str to str
        Parameter name -> first sentence of its description, for every
        parameter of ``get_params(deep=False)`` that the docstring describes
        (``a, b : type`` lines describe both).

    Examples
    --------
    >>> from skvec import GloVeEmbedder
    >>> from skvec.cli import parameter_meanings
    >>> parameter_meanings(GloVeEmbedder())["n_components"]
    'Dimension of the vectors.'
    """
    lines = (inspect.getdoc(type(estimator)) or "").splitlines()
    names = set(estimator.get_params(deep=False))
    meanings, current, in_section = {}, [], False
    for line, underline in zip(lines, lines[1:] + [""]):
        if underline.strip() and set(underline.strip()) == {"-"}:
            if in_section:
                break
            in_section = line.strip() == "Parameters"
            continue
        if not in_section or not line.strip() or set(line.strip()) == {"-"}:
            continue
        if not line.startswith(" "):
            current = [n.strip() for n in line.split(" : ")[0].split(",") if n.strip() in names]
            for name in current:
                meanings[name] = ""
        else:
            for name in current:
                meanings[name] = (meanings[name] + " " + line.strip()).strip()
    return {name: first_sentence(text) for name, text in meanings.items()}


def first_sentence(text):
    for end in range(len(text)):
        if text[end] == "." and (end + 1 == len(text) or text[end + 1] == " ") and not text[:end].endswith(("e.g", "i.e")):
            return text[: end + 1]
    return text


def _shown(value):
    return value.__name__ if isinstance(value, type) else repr(value)


def method_help(method):
    """The epilog of ``skvec train METHOD --help``: every parameter, its default and meaning."""
    from sklearn.pipeline import Pipeline

    spec = _METHODS[method]
    model = build_model(method)
    steps = model.steps if isinstance(model, Pipeline) else [(None, model)]
    lines = ["parameters (--param NAME=VALUE), with their defaults here:"]
    for step_name, step in steps:
        estimator_defaults = type(step)().get_params(deep=False)
        meanings = parameter_meanings(step)
        if step_name:
            lines.append(f"  {type(step).__name__} (NAME, or {step_name}__NAME for this step only):")
        for name, value in step.get_params(deep=False).items():
            entry = f"{name}={_shown(value)}"
            if value != estimator_defaults.get(name, value):
                entry += f" (estimator default: {_shown(estimator_defaults[name])})"
            meaning = meanings.get(name, "").replace("``", "")
            lines.append(textwrap.fill(f"{entry}: {meaning}" if meaning else entry, width=HELP_WIDTH,
                                       initial_indent="    ", subsequent_indent="        "))
    if spec.note:
        lines += ["", textwrap.fill(f"Command-line defaults: {spec.note}.", width=HELP_WIDTH)]
    return "\n".join(lines)
