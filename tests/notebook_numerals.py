"""Find the numerals a notebook types by hand, in its markdown and its string literals.

A figure a claim or a computation gives must come from code (``cite()``,
``claim_values()``, a sentence builder in ``qipp.analysis``), never be typed:
nbval compares outputs, not markdown, so a typed figure goes stale silently.
What a notebook may type: dates and periods (2013, 2013-14, Q1), identifiers
(claim ids, CCG codes, file names and paths, decision numbers inside links),
heading and list numbers; ``tests/unit/test_notebook_numerals.py`` holds the
short, reviewed allow-list for anything else.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

# Removed before scanning, in this order.
_CODE_SPAN_PATH = re.compile(r"\S*[/_\\]\S*")  # paths, file names, snake_case ids, links
# Identifiers in prose: decision records ("decision 0025") and a document's number (HC 686).
_IDENTIFIERS = re.compile(r"\b(?:decisions?|HC)\s+\d+(?:\s*(?:,|and|-|to)\s*\d+)*", re.IGNORECASE)
_YEARS = re.compile(r"\b(?:19|20)\d\d(?:\s*[-–/]\s*(?:19|20)?\d\d)?\b")
_HEADING_NUMBER = re.compile(r"^(\s*#+\s*)\d+(?:\.\d+)*\.?(?=\s)", re.MULTILINE)
# A finding's number in its title: "# Finding 2: ..." (the house convention).
_FINDING_TITLE = re.compile(r"^(\s*#+\s*Finding )\d+(?=:)", re.MULTILINE)
_LIST_NUMBER = re.compile(r"^(\s*)\d+\.(?=\s)", re.MULTILINE)
# A numeral standing alone: not part of a word (Q1, 11J, S001, h2) nor of a format spec;
# a unit written onto it still counts (£13bn, £4.5m, 2x, 23-fold is caught at "23").
NUMERAL = re.compile(r"(?<![\w.$%{:])\d+(?:[.,]\d+)*(?=(?:bn|m|k|x|pc)?(?![\w]))")


@dataclass(frozen=True)
class Numeral:
    """A numeral typed in a notebook: where, and the text around it."""

    notebook: str
    cell: int
    kind: str  # "markdown" or "string"
    numeral: str
    context: str


def _strip_allowed(text: str) -> str:
    text = _CODE_SPAN_PATH.sub(" ", text)
    text = _IDENTIFIERS.sub(" ", text)
    text = _YEARS.sub(" ", text)
    text = _HEADING_NUMBER.sub(r"\1", text)
    text = _FINDING_TITLE.sub(r"\1", text)
    return _LIST_NUMBER.sub(r"\1", text)


def numerals_in_text(text: str) -> list[tuple[str, str]]:
    """Each numeral left in ``text`` once the allowed kinds are removed, with context.

    >>> [n for n, _ in numerals_in_text("In 2013-14, 143 CCGs (Q1) in `data/x_1.csv`; rho 0.28")]
    ['143', '0.28']
    >>> numerals_in_text("## 2. Method\\n1. load the panel (11J, S001)")
    []
    >>> [n for n, _ in numerals_in_text("# Finding 3: £13bn of savings, 2x the plan")]
    ['13', '2']
    """
    cleaned = _strip_allowed(text)
    return [
        (m.group(0), cleaned[max(0, m.start() - 30) : m.end() + 30].replace("\n", " ").strip())
        for m in NUMERAL.finditer(cleaned)
    ]


def _string_literals(source: str) -> list[str]:
    """The text of every string literal in a code cell (f-strings' literal parts too)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython magics: scan the source as text
        return [source]
    docstrings_and_strings = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            docstrings_and_strings.append(node.value)
    return docstrings_and_strings


def numerals_in_notebook(path: Path) -> list[Numeral]:
    """Every numeral typed in ``path``'s markdown cells and code cells' string literals.

    The ``parameters`` cell is skipped: its literals are the run's inputs, shown
    as such by papermill.
    """
    notebook = nbformat.read(path, as_version=4)
    found = []
    for index, cell in enumerate(notebook.cells):
        if "parameters" in cell.metadata.get("tags", []):
            continue
        if cell.cell_type == "markdown":
            texts, kind = [cell.source], "markdown"
        elif cell.cell_type == "code":
            texts, kind = _string_literals(cell.source), "string"
        else:
            continue
        for text in texts:
            for numeral, context in numerals_in_text(text):
                found.append(Numeral(path.name, index, kind, numeral, context))
    return found
