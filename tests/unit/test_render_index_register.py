"""The index's CCG table shows registered patients and plan per head, and credits the register.

Rows are built from a hand-made measured panel through :func:`profile_rows`, as
``qipp render`` builds them: a CCG in the register shows its figures, an S-code
shows the dash (never NaN or None), and an entry from an older manifest without
the two figures shows the dash too.
"""

from __future__ import annotations

import re

import pandas as pd
from render_helpers import profile_entries

from qipp.panel import add_measures
from qipp.reference.provenance import OGL_CREDIT, register_provenance
from qipp.render.plan.profiles import profile_rows
from qipp.render.plan.runinfo import RunInfo
from qipp.render.site.index import MISSING, ScorecardSummary, index_html

RUN = RunInfo("2026-11-30T10:00Z", None, False, (), "p.csv", True)
REGISTER = pd.DataFrame({"ccg_code": ["07H"], "registered_patients": [295_355]})


def _entries() -> list[dict]:
    panel = pd.DataFrame(
        {
            "ccg_code": ["07H", "S001"],
            "ccg_name": ["NHS West Essex CCG", "Synthetic CCG 001"],
            "region": ["Midlands and East of England", "London"],
            "allocation_gbp_m": [300.0, 200.0],
            "qipp_plan_gbp_m": [20.0, 4.0],
            "ytd_plan_gbp_m": [5.0, 1.0],
            "ytd_actual_gbp_m": [5.0, 1.0],
            "forecast_outturn_gbp_m": [20.0, 4.0],
        }
    )
    rows = profile_rows(add_measures(panel, register=REGISTER))
    return profile_entries(rows, RUN.rendered_at)


def _table(page: str) -> str:
    return page[page.index('id="profiles"') : page.index('id="provenance"')]


def _row(table: str, code: str) -> str:
    start = table.index(f'href="ccg/{code}.html"')
    return table[start : table.index("</tr>", start)]


def test_a_ccg_in_the_register_shows_its_population_and_plan_per_head():
    table = _table(index_html(_entries(), RUN, ScorecardSummary()))
    assert "Registered patients" in table and "Plan (£ per registered patient)" in table
    row = _row(table, "07H")
    assert f">{295_355:,}<" in row
    assert f">{20e6 / 295_355:.2f}<" in row


def test_a_ccg_not_in_the_register_shows_a_dash_never_nan():
    table = _table(index_html(_entries(), RUN, ScorecardSummary()))
    row = _row(table, "S001")
    assert row.count(f">{MISSING}<") == 2 and 'title="not in the CCG register' in row
    assert not re.search(r"\b(nan|None)\b", table, re.IGNORECASE)


def test_an_older_manifest_entry_without_the_figures_shows_dashes():
    entry = _entries()[0]
    for key in ("registered_patients", "plan_gbp_per_head"):
        del entry["profile"][key]
    row = _row(_table(index_html([entry], RUN, ScorecardSummary())), "07H")
    assert row.count(f">{MISSING}<") == 2


def test_the_index_names_the_register_and_its_licence():
    page = index_html(_entries(), RUN, ScorecardSummary())
    provenance = page[page.index('id="provenance"') :]
    assert register_provenance() in provenance and OGL_CREDIT in provenance
