"""Sphinx configuration for the skvec documentation.

Build with ``python -m sphinx -W --keep-going -b html docs docs/_build/html``
from the repository root. Nothing is fetched from the network.
"""

import os
import re
import sys

sys.path.insert(0, os.path.abspath(".."))

import skvec  # noqa: E402

project = "skvec"
author = "skvec developers"
copyright = "skvec developers"
version = release = skvec.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
]

autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": False}
autodoc_typehints = "none"
# Class pages list their methods through autodoc; numpydoc's own member
# tables would repeat them.
numpydoc_show_class_members = False
numpydoc_xref_param_type = False

templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
html_theme = "alabaster"
html_static_path = []
html_theme_options = {"description": "Word embeddings as scikit-learn estimators"}


# In a numpydoc "name : type" line, a type such as ``shape (n_features_in_,)``
# would read as a reST reference to a target "n_features_in"; escape the
# trailing underscore of such names in the type part so it prints as written.
_TYPE_LINE = re.compile(r"^(\s*\*{0,2}\w+(?:, \w+)* : )(.*)$")
_TRAILING_UNDERSCORE = re.compile(r"\b(\w*[A-Za-z0-9])_(?=[\s,)\]]|$)")


def _escape_type_underscores(app, what, name, obj, options, lines):
    for i, line in enumerate(lines):
        match = _TYPE_LINE.match(line)
        if match:
            lines[i] = match.group(1) + _TRAILING_UNDERSCORE.sub(r"\1\\_", match.group(2))


def _skip_metadata_requests(app, what, name, obj, skip, options):
    # scikit-learn generates set_fit_request & co. for a fit with sample_weight; its
    # docstrings refer to scikit-learn's own glossary.
    return True if re.fullmatch(r"set_\w+_request", name) else None


def setup(app):
    app.connect("autodoc-skip-member", _skip_metadata_requests)
    # Before numpydoc (priority 500) turns the sections into reST.
    app.connect("autodoc-process-docstring", _escape_type_underscores, priority=400)
