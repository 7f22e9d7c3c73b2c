"""The index reads as the reports do: the ledger's row is a scorecard, titles are the notebooks'.

The claims ledger's record says ``reproduced: false`` whenever a derivable
figure does not reconcile; on the index that "no" read as a failed page. Its
row shows its counts by status instead, styled neutrally, from the scorecard
itself (never typed here). Missing figures show a dash, headers name units.
"""

from __future__ import annotations

import re

from nbformat.v4 import new_markdown_cell, new_notebook

from qipp.derive import scorecard, status_counts
from qipp.render.export import notebook_title
from qipp.render.index import (
    MISSING,
    SCORECARD_CLASS,
    ScorecardSummary,
    finding_state,
    index_html,
    scorecard_summary,
    scorecard_words,
)
from qipp.render.runinfo import RunInfo

RUN = RunInfo("2026-11-30T10:00Z", None, False, (), "p.csv", True)


def _finding(name: str, title: str, **findings) -> dict:
    return {
        "key": f"finding:{name}",
        "kind": "finding",
        "name": name,
        "title": title,
        "status": "ok",
        "html": f"{name}.html",
        "rendered_at": RUN.rendered_at,
        "error": None,
        "findings": {"verdict": f"The verdict of {name}.", **findings},
    }


def _findings_table(page: str) -> str:
    return page[page.index('id="findings"') : page.index('id="profiles"')]


def _row(table: str, name: str) -> str:
    start = table.index(f'href="{name}.html"')
    return table[start : table.index("</tr>", start)]


def test_the_ledgers_row_is_its_scorecard_not_a_no():
    counts = status_counts(scorecard())
    ledger = _finding(
        "00_claims_ledger",
        "The claims ledger: every figure",
        reproduced=False,
        status_counts=counts,
    )
    finding = _finding("01_x", "Finding 1: A claim", reproduced=False)
    table = _findings_table(index_html([ledger, finding], RUN, scorecard_summary()))
    row = _row(table, "00_claims_ledger")
    words = ", ".join(f"{n} {status}" for status, n in counts.items())
    assert f'<td class="{SCORECARD_CLASS}">scorecard: {words}</td>' in row
    assert "status-no" not in row and ">no<" not in row
    assert '<td class="status-no">no</td>' in _row(table, "01_x")  # a finding's no stays a no


def test_the_scorecard_row_falls_back_to_the_ledger_when_the_record_has_no_counts():
    summary = ScorecardSummary({"reproduced": 3, "stated": 4, "inconsistent": 1}, [])
    state = finding_state(_finding("00_claims_ledger", "Ledger", reproduced=False), summary)
    assert state.label == "scorecard: 3 reproduced, 1 inconsistent, 4 stated"
    assert state.css == SCORECARD_CLASS
    assert finding_state(_finding("00_claims_ledger", "Ledger", reproduced=False)).label == "no"


def test_scorecard_words_follow_the_ledgers_order():
    assert scorecard_words({"stated": 1, "reproduced": 2}) == "scorecard: 2 reproduced, 1 stated"


def test_findings_show_the_titles_their_notebooks_give():
    nb = new_notebook(cells=[new_markdown_cell("# Finding 2: Targets and gaps\n\nText.")])
    title = notebook_title(nb, "02_target_size_vs_gap")
    assert title == "Finding 2: Targets and gaps"
    entries = [
        _finding("02_target_size_vs_gap", title, reproduced=None, reproduced_note="synthetic data"),
        _finding("01_shortfall_doubling", "Finding 1: Doubled", reproduced=True),
    ]
    table = _findings_table(index_html(entries, RUN, ScorecardSummary()))
    assert table.index("Finding 1: Doubled") < table.index("Finding 2: Targets and gaps")
    assert "n/a (synthetic data)" in table


def test_the_scorecard_table_shows_claims_as_published_and_sources_by_name():
    summary = scorecard_summary()
    page = index_html([], RUN, summary)
    claims = page[page.index('id="claims"') : page.index('id="findings"')]
    assert '<th class="num">As published</th>' in claims
    card = scorecard()
    first = card.iloc[0]
    assert f'<td class="num">{first["as_published"]}</td>' in claims.replace("&#39;", "'")
    assert "hsj_q2_1314</td>" not in claims  # the source's short name, not its id
    assert not re.search(r">\s*(nan|None|NaN)\s*<", claims)


def test_missing_profile_figures_show_a_dash_never_nan():
    entry = {
        "key": "profile:S001",
        "kind": "profile",
        "name": "S001",
        "status": "ok",
        "html": "ccg/S001.html",
        "rendered_at": RUN.rendered_at,
        "error": None,
        "profile": {
            "ccg_name": "Synthetic CCG 001",
            "region": "London",
            "plan_pct_of_allocation": float("nan"),
            "ytd_shortfall_pct": None,
            "forecast_gap_pct": 1.54,
        },
    }
    page = index_html([entry], RUN, ScorecardSummary())
    profiles = page[page.index('id="profiles"') : page.index('id="provenance"')]
    assert "Target (% of allocation)" in profiles and "Q1 shortfall (% of Q1 plan)" in profiles
    assert profiles.count(f'<td class="num">{MISSING}</td>') == 2
    assert '<td class="num">1.5</td>' in profiles
    assert not re.search(r"\b(nan|None)\b", profiles, re.IGNORECASE)
