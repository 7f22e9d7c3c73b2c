"""What a page can say speaks to its readers: no module paths, decision records or render mechanics.

Every profile, finding and index sentence is built from the notebooks' markdown and
string literals and from the string literals of the modules that word a page (captions,
titles, sentences). Scanning those sources covers every page of every render, all 143
profiles included, in a fraction of a second; ``tests/integration/test_report_pages.py``
scans the visible text of every page of a full render of real returns, and of the committed
panel's pages it renders. Docstrings and exception messages are for developers and are not
scanned. Code names belong in the documentation.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager

from qipp.paths import NOTEBOOKS_DIR

sys.path.insert(0, str(Path(__file__).parents[1]))
from render_helpers import ENGINEERING, visible_text  # noqa: E402

PACKAGE = Path(__file__).parents[2] / "qipp"
# Where a page's words come from: the findings, the statistics' and charts' captions,
# the tables, the banner, the ledger's citations and wording, the register's credit and
# the index's regional summary.
WORDING = [
    *(PACKAGE / "findings").rglob("*.py"),
    *(PACKAGE / "stats").rglob("*.py"),
    *(PACKAGE / "plotting").rglob("*.py"),
    *(PACKAGE / "ledger").rglob("*.py"),
    *(PACKAGE / name for name in ("display.py", "banner.py", "reference/provenance.py")),
    PACKAGE / "panel" / "summary.py",
]


def page_strings(source: str) -> list[str]:
    """The string literals of ``source`` a page could show: not docstrings, not in a ``raise``.

    >>> page_strings('def f():\\n    "doc"\\n    raise ValueError("x")\\n    return "shown"')
    ['shown']
    """
    tree = ast.parse(source)
    skip: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef) and body:
            first = body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                skip.add(id(first.value))
        if isinstance(node, ast.Raise):
            skip |= {id(inner) for inner in ast.walk(node)}
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
    ]


def test_the_pattern_catches_what_leaked_before():
    leaked = [
        "Source: x; qipp.findings.target_gap.calc.target_summary.",
        "the regression is reported beside it (decision 0025).",
        "The declared rule (docs/decisions/0025).",
        "`qipp render` runs this template once for every CCG in the panel",
        "budgets (0036)",
    ]
    assert all(ENGINEERING.search(text) for text in leaked)
    assert not ENGINEERING.search("qipp render, 2013-14 (Q1), data/claims.csv, 0.05")


def test_visible_text_reads_alt_text_and_skips_scripts_and_styles():
    page = (
        "<html><head><style>.qipp.x{}</style></head><body><p>Shown</p>"
        '<script>qipp.plotting</script><img alt="A chart (decision 0038)"></body></html>'
    )
    text = visible_text(page)
    assert "Shown" in text and ENGINEERING.findall(text) == ["decision 0038"]


@pytest.mark.parametrize("path", WORDING, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_no_string_a_page_can_show_names_code_or_decision_records(path):
    found = [s for s in page_strings(path.read_text(encoding="utf-8")) if ENGINEERING.search(s)]
    assert found == []


@pytest.mark.parametrize("path", sorted(NOTEBOOKS_DIR.glob("*.ipynb")), ids=lambda p: p.stem)
def test_no_notebook_markdown_or_string_names_code_or_decision_records(path):
    notebook = nbformat.read(path, as_version=4)
    found = []
    for cell in notebook.cells:
        # IPython's own transformer turns magics (%matplotlib) into Python before parsing.
        code = TransformerManager().transform_cell(cell.source)
        texts = [cell.source] if cell.cell_type == "markdown" else page_strings(code)
        found += [text for text in texts if ENGINEERING.search(text)]
    assert found == []
