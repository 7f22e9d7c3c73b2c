"""Turn an executed notebook into one self-contained HTML page that works offline.

The page uses qipp's nbconvert template (``templates/qipp_report``): nbconvert's
lab markup for cells, a small inlined stylesheet, figures embedded as data
URIs, and no ``<script src>``, stylesheet link or web font; a skip link, landmarks
and every table header scoped (WCAG 2.2 AA). Code cells are hidden unless asked for. :func:`external_references` is the guard: a page that
would still reach the network is refused, not written.

Examples
--------
>>> external_references('<img src="data:image/png;base64,AA"><a href="ccg/11J.html">x</a>')
[]
>>> external_references('<script src="https://cdn.example/require.js"></script>')
['src="https://cdn.example/require.js"']
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

TEMPLATES_ROOT: Path = Path(__file__).resolve().parent / "templates"
REPORT_TEMPLATE = "qipp_report"
STYLESHEET: Path = TEMPLATES_ROOT / "report.css"

# Any attribute or CSS reference to another host: http(s) or protocol-relative.
_EXTERNAL = re.compile(
    r"""(?ix)
    (?:\b(?:src|href|srcset|action|poster|data|background)\s*=\s*["']?\s*(?:https?:)?//[^"'\s>]+["']?)
    | (?:url\(\s*["']?\s*(?:https?:)?//[^)"'\s]+)
    | (?:@import\s+["']?(?:https?:)?//[^"'\s;]+)
    """
)
_HEADING = re.compile(r"^\s{0,3}#\s+(.+?)\s*#*\s*$", re.MULTILINE)
# A table's head, body or foot; a header cell in it that has no scope yet.
_TABLE_SECTION = re.compile(r"<(thead|tbody|tfoot)\b.*?</\1>", re.IGNORECASE | re.DOTALL)
_UNSCOPED_TH = re.compile(r"<th(?![^>]*\bscope=)(?=[\s>])([^>]*)>", re.IGNORECASE)
_MARKUP = re.compile(r"[*_`]|\[([^\]]*)\]\([^)]*\)")


class OfflineError(ValueError):
    """Raised when a rendered page would fetch something from another machine."""


def external_references(html: str) -> list[str]:
    """Return every attribute or CSS reference in ``html`` that points off the machine.

    Parameters
    ----------
    html : str
        A rendered page.

    Returns
    -------
    list of str
        The offending snippets, in order; empty for an offline page.
    """
    return [match.group(0) for match in _EXTERNAL.finditer(html)]


def scope_headers(html: str) -> str:
    """Give each table header cell a ``scope``: ``col`` in a table's head, else ``row``.

    Screen readers then read each cell with its headers; pandas and markdown leave it out.

    >>> scope_headers('<thead><tr><th>A</th><th scope="col">B</th></tr></thead>'
    ...               '<tbody><tr><th class="row_heading">r</th><td>1</td></tr></tbody>')
    '<thead><tr><th scope="col">A</th><th scope="col">B</th></tr></thead><tbody><tr><th scope="row" class="row_heading">r</th><td>1</td></tr></tbody>'
    """

    def scoped(section: re.Match[str]) -> str:
        scope = "col" if section.group(1).lower() == "thead" else "row"
        return _UNSCOPED_TH.sub(lambda th: f'<th scope="{scope}"{th.group(1)}>', section.group(0))

    return _TABLE_SECTION.sub(scoped, html)


def _markdown_texts(notebook: Any) -> Iterator[str]:
    """Markdown in document order: markdown cells and markdown outputs of code cells."""
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "markdown":
            sources = [cell.get("source", "")]
        else:
            sources = [
                output.get("data", {}).get("text/markdown", "")
                for output in cell.get("outputs", [])
            ]
        for source in sources:
            yield "".join(source) if isinstance(source, list) else source


def notebook_title(notebook: Any, default: str) -> str:
    r"""Return the first level-1 heading of the notebook as plain text, else ``default``.

    Headings are looked for in markdown cells and in markdown a code cell
    displayed (how a template such as the CCG profile titles itself).

    >>> nb = {"cells": [{"cell_type": "code", "source": "# not a title", "outputs": []},
    ...                 {"cell_type": "markdown", "source": "intro\n# The *real* title\n"}]}
    >>> notebook_title(nb, "fallback")
    'The real title'
    >>> shown = {"output_type": "display_data", "data": {"text/markdown": "# A &amp; B (11J)"}}
    >>> notebook_title({"cells": [{"cell_type": "code", "outputs": [shown]}]}, "x")
    'A & B (11J)'
    >>> notebook_title({"cells": []}, "fallback")
    'fallback'
    """
    for text in _markdown_texts(notebook):
        match = _HEADING.search(text)
        if match:
            plain = _MARKUP.sub(lambda m: m.group(1) or "", match.group(1))
            return html.unescape(plain).strip()
    return default


@lru_cache(maxsize=4)
def exporter(show_code: bool, prompts: bool) -> Any:
    """Build (once per process and mode) the nbconvert exporter with qipp's template."""
    from nbconvert import HTMLExporter  # seconds to import: paid by workers, not the planner
    from traitlets.config import Config

    config = Config()
    # Cells tagged by authors: drop entirely, or keep only the output.
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = {"remove-cell"}
    config.TagRemovePreprocessor.remove_input_tags = {"remove-input"}
    page_exporter = HTMLExporter(
        config=config,
        template_name=REPORT_TEMPLATE,
        extra_template_basedirs=[str(TEMPLATES_ROOT)],
    )
    page_exporter.exclude_input = not show_code
    page_exporter.exclude_input_prompt = not prompts
    page_exporter.exclude_output_prompt = not prompts
    page_exporter.embed_images = True
    return page_exporter


def notebook_to_html(
    notebook: Any,
    *,
    title: str,
    show_code: bool = False,
    prompts: bool = False,
    index_href: str = "index.html",
    stamp: str = "",
) -> str:
    """Render an executed notebook as a self-contained, offline HTML page.

    Parameters
    ----------
    notebook : nbformat.NotebookNode
        The executed notebook.
    title : str
        Page title (escaped here).
    show_code : bool
        Include code cells; by default only their outputs are shown.
    prompts : bool
        Show the ``In [n]`` prompts (pages of failed runs do, so the error's
        cell can be found).
    index_href : str
        Relative link back to the index page.
    stamp : str
        One line naming the run (date, commit) for the page header and footer.

    Returns
    -------
    str
        The page.

    Raises
    ------
    OfflineError
        If the page still refers to another host (a notebook output or a
        markdown link pointing at the web); the message lists the references.
    """
    resources = {
        "qipp": {
            "title": title,
            "show_code": show_code,
            "prompts": prompts,
            "index_href": index_href,
            "stamp": stamp,
            "css": STYLESHEET.read_text(encoding="utf-8"),
        }
    }
    html, _ = exporter(show_code, prompts).from_notebook_node(notebook, resources=resources)
    html = scope_headers(html)
    offending = external_references(html)
    if offending:
        shown = "; ".join(offending[:3]) + (" ..." if len(offending) > 3 else "")
        raise OfflineError(
            f"the page would reach the network ({len(offending)} reference(s): {shown}); "
            "reports must work offline, so embed the resource or cite it as text"
        )
    return html
