"""Sphinx configuration for the skvec documentation.

Build with ``python -m sphinx -W --keep-going -b html docs docs/_build/html``
from the repository root. Nothing is fetched from the network.
"""

import os
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
