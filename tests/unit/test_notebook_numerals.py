"""No notebook types a number that the ledger or a computation gives (issue 14)."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest

from qipp.paths import NOTEBOOKS_DIR

sys.path.insert(0, str(Path(__file__).parents[1]))
from notebook_numerals import NUMERAL, numerals_in_notebook, numerals_in_text  # noqa: E402

# The committed notebooks and the template for a notebook of one's own.
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb")) + sorted(NOTEBOOKS_DIR.glob("templates/*.ipynb"))

# The reviewed allow-list: (notebook, numeral, a phrase of its context) -> why it may be typed.
# Definitions and conventions only; never a result or a published figure.
ALLOWED: dict[tuple[str, str, str], str] = {
    ("03_front_loaded_savings.ipynb", "1", "+1 is everything"): "the index's scale, by definition",
    ("03_front_loaded_savings.ipynb", "0", "0 a flat"): "the index's scale, by definition",
    ("03_front_loaded_savings.ipynb", "1", "-1 everything"): "the index's scale, by definition",
}


def _allowed(found) -> bool:
    return any(
        found.notebook == notebook and found.numeral == numeral and phrase in found.context
        for notebook, numeral, phrase in ALLOWED
    )


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_notebook_types_a_number_that_code_or_the_ledger_should_give(notebook):
    typed = [f for f in numerals_in_notebook(notebook) if not _allowed(f)]
    assert typed == [], "\n".join(
        f"cell {f.cell} ({f.kind}): {f.numeral!r} in ...{f.context}..." for f in typed
    )


@pytest.mark.parametrize("figure", ["0.28", "6.44", "2.47", "23"])
def test_the_profiles_published_figures_appear_in_no_notebook_source(figure):
    """Anywhere in any cell's source, code included (the ledger holds them: claims.csv)."""
    for notebook in NOTEBOOKS:
        cells = nbformat.read(notebook, as_version=4).cells
        standalone = {m.group(0) for c in cells for m in NUMERAL.finditer(c.source)}
        assert figure not in standalone, notebook.name


def test_the_scanner_catches_a_typed_figure_and_spares_dates_and_identifiers():
    text = "At Q1 2013-14 (decision 0025), 143 CCGs in `data/x_1.csv` had a median of 2.47%."
    assert [n for n, _ in numerals_in_text(text)] == ["143", "2.47"]


def test_every_allow_list_entry_is_still_needed():
    found = [f for notebook in NOTEBOOKS for f in numerals_in_notebook(notebook)]
    for notebook, numeral, phrase in ALLOWED:
        assert any(
            f.notebook == notebook and f.numeral == numeral and phrase in f.context for f in found
        ), (notebook, numeral, phrase)
