"""Sphinx configuration: the qipp documentation site, built offline by ``make docs``.

Strict by design: ``make docs`` and ``tests/integration/test_docs.py`` build with
``-W --keep-going -n``, so a broken link or a reference to a name that does not exist
fails the build. Only other libraries' types are let through (``nitpick_ignore_regex``):
there is no intersphinx, since the build reads nothing from the network (decision 0041).
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the checkout's qipp, installed or not

import qipp  # noqa: E402

project = "qipp"
author = "the qipp contributors"
copyright = "the qipp contributors; MIT licence"
release = version = qipp.__version__
language = "en"

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx_click",
]
source_suffix = {".md": "markdown"}
root_doc = "index"
# The decision records are plain Markdown read on their own; they are not site pages.
exclude_patterns = ["_build", "decisions", "README.md"]

# MyST: heading anchors for links within and across pages; fenced directives only.
myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence", "deflist"]

# autodoc reads the numpydoc docstrings through napoleon. Parameter types stay text as
# written ("Path, str or None"); signatures keep their annotations.
autodoc_default_options = {"members": True, "undoc-members": True, "member-order": "bysource"}
autodoc_typehints_format = "short"
autodoc_preserve_defaults = True
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_param = False
napoleon_use_rtype = False
napoleon_use_ivar = True

# Strict references, except to other libraries' types (no intersphinx: offline).
nitpicky = True
OTHER_LIBRARIES = (
    "pandas|pd|numpy|np|matplotlib|plt|scipy|statsmodels|seaborn|pandera|pa|click|jinja2"
    "|nbformat|nbconvert|papermill|jupyter_client|openpyxl|xlsxwriter|distributed|dask"
    "|IPython|traitlets|yaml"
    # the standard library
    "|pathlib|collections|typing|datetime|decimal|enum|concurrent|subprocess|io|os|re"
    "|dataclasses|argparse|logging|multiprocessing|threading|types|abc|json|csv|zipfile"
)
nitpick_ignore_regex = [
    (r"py:.*", rf"({OTHER_LIBRARIES})(\..*)?"),
    # Bare names of those libraries' types as annotations show them (short form).
    (
        r"py:.*",
        r"(Path|DataFrame|Series|Index|NDArray|ndarray|Figure|Axes|Iterable|Iterator"
        r"|Mapping|Sequence|Callable|Generator|Any|Literal|Self|TextIO|BinaryIO"
        r"|ArrayLike|Timestamp|Styler|DataFrameSchema|Workbook|Worksheet"
        r"|NotebookNode|Environment|Template|Context|Command|Group|Future)",
    ),
    # A dataclass field's generic annotation, which autodoc splits at its first comma.
    (r"py:class", r"(tuple|dict|list|set|frozenset)\[.*"),
]


def _names_a_qipp_object(target: str, module: str | None) -> bool:
    """Whether ``target`` (as written, or under ``module``) is an object that exists in qipp,
    or a name some already imported qipp module defines."""
    for name in (target.lstrip(".~"), f"{module}.{target.lstrip('.~')}" if module else ""):
        parts = name.split(".") if name.startswith("qipp") else []
        for split in range(len(parts), 0, -1):
            try:
                found: object = importlib.import_module(".".join(parts[:split]))
            except ImportError:
                continue
            try:
                for attr in parts[split:]:
                    found = getattr(found, attr)
            except AttributeError:
                break
            return True
    last = target.rsplit(".", 1)[-1]
    loaded = [m for n, m in list(sys.modules.items()) if n.startswith("qipp.") and m]
    return "." not in target.lstrip(".~") and any(hasattr(m, last) for m in loaded)


def _undocumented_qipp_name(app, env, node, contnode):
    """A docstring's reference to a qipp object the reference does not document (a helper,
    a constant) shows as code, unlinked; a name that exists nowhere in qipp still fails."""
    if node.get("refdomain") != "py":
        return None
    return contnode if _names_a_qipp_object(node["reftarget"], node.get("py:module")) else None


def setup(app):
    app.connect("missing-reference", _undocumented_qipp_name)


smartquotes = False  # "--only" stays two hyphens

html_theme = "alabaster"  # ships with Sphinx: nothing fetched at build or view time
html_title = f"qipp {release}"
html_theme_options = {
    "description": "Reproducible notebooks on the NHS QIPP programme, 2010-2015",
    "fixed_sidebar": False,
    "show_relbars": True,
}
html_static_path: list[str] = []
html_show_sourcelink = False
html_copy_source = False
