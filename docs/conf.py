"""Sphinx configuration of the sklearn-rnn documentation.

Build with ``make docs`` (``sphinx-build -W --keep-going -b html docs docs/_build/html``):
warnings are errors, and every ``examples/plot_*.py`` runs during the build. The build
needs no network: there is no intersphinx, and nothing is downloaded.
"""

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # document this checkout

import sklearn_rnn

project = "sklearn-rnn"
author = "sklearn-rnn developers"
copyright = "sklearn-rnn developers"
version = release = sklearn_rnn.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.viewcode",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
templates_path = ["_templates"]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
default_role = "literal"

# -- Markdown (the user guide pages are Markdown) ----------------------------
# Heading anchors let the pages link to each other's sections, e.g.
# [Bad input](user_guide.md#bad-input), as they do on GitHub.
myst_heading_anchors = 4

# -- API reference -----------------------------------------------------------
autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": True}
autodoc_typehints = "none"
# The class pages list their methods through the autosummary template
# (_templates/class.rst); numpydoc's own member tables would list them twice.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

# -- Example gallery ---------------------------------------------------------
# Every examples/plot_*.py runs during the build; a failing example fails the build
# (after all examples have run). demo.py is not a gallery example (`make demo` runs it).
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"__init__\.py|^demo\.py$",
    # "Examples using X" on every API page, and links from the examples' code to the API.
    "doc_module": ("sklearn_rnn",),
    "backreferences_dir": "generated/backreferences",
    "reference_url": {"sklearn_rnn": None},
}

# -- HTML --------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"sklearn-rnn {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_prev_next": False,
    "secondary_sidebar_items": ["page-toc"],
}
html_static_path = []
html_show_sourcelink = False


# -- Methods inherited from scikit-learn -------------------------------------
# The class pages include the methods the estimators inherit from scikit-learn
# (score, get_params, set_output, set_fit_request, ...). Their docstrings link to
# labels and glossary terms of scikit-learn's own documentation (:ref:`User Guide
# <metadata_routing>`, :term:`meta-estimator`), which do not exist here and cannot
# be fetched offline through intersphinx. In docstrings defined by scikit-learn only,
# such links become their plain text; links in sklearn_rnn's own docstrings are left
# alone, so a broken one there still fails the build.
_FOREIGN_ROLE_WITH_TARGET = re.compile(r":(?:ref|term|doc):`([^`<]*?)\s*<[^>`]*>`")
_FOREIGN_ROLE = re.compile(r":(?:ref|term|doc):`([^`]*)`")


def _unlink_scikit_learn_references(app, what, name, obj, options, lines):
    module = getattr(obj, "__module__", None) or ""
    if module != "sklearn" and not module.startswith("sklearn."):
        return
    text = _FOREIGN_ROLE_WITH_TARGET.sub(r"\1", "\n".join(lines))  # may span lines
    lines[:] = _FOREIGN_ROLE.sub(r"\1", text).split("\n")


def setup(app):
    app.connect("autodoc-process-docstring", _unlink_scikit_learn_references)
