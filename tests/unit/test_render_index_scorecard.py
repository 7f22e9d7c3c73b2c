"""The index reads as the reports do: the ledger's row is a scorecard, titles are the notebooks'.

The claims ledger's record says ``reproduced: false`` whenever a derivable
figure does not reconcile; on the index that "no" read as a failed page. Its
row shows the counts by status its record holds instead, styled neutrally. The
scorecard table comes from the ``claims.json`` written beside the index (by
:func:`qipp.derive.write_scorecard` here, never typed). Missing figures show a
dash, headers name units.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from markupsafe import escape
from nbformat.v4 import new_markdown_cell, new_notebook

from qipp.derive import (
    INCONSISTENT,
    REPRODUCED,
    STATED,
    STATUSES,
    scorecard,
    status_counts,
    write_scorecard,
)
from qipp.ledger import load_sources
from qipp.render.plan.jobs import JobResult, RenderJob
from qipp.render.plan.runinfo import RunInfo
from qipp.render.site.export import notebook_title
from qipp.render.site.index import (
    MISSING,
    SCORECARD_CLASS,
    FindingState,
    ScorecardSummary,
    finding_state,
    index_html,
    read_scorecard,
    scorecard_words,
)
from qipp.render.site.manifest import checked_entry, entry_from_result

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


def _claims_section(page: str) -> str:
    return page[page.index('id="claims"') : page.index('id="findings"')]


def _row(table: str, name: str) -> str:
    start = table.index(f'href="{name}.html"')
    return table[start : table.index("</tr>", start)]


def _claims_json(folder: Path, *rows: tuple[str, str, str]) -> Path:
    """A small claims.json: (id, source, status) per claim."""
    claims = [
        {"id": i, "source": s, "as_published": "1.0", "status": status, "note": f"note {i}"}
        for i, s, status in rows
    ]
    (folder / "claims.json").write_text(json.dumps(claims), encoding="utf-8")
    return folder


def test_the_ledgers_row_is_its_scorecard_not_a_no(tmp_path):
    write_scorecard(tmp_path)
    counts = status_counts(scorecard())
    ledger = _finding(
        "00_claims_ledger",
        "The claims ledger: every figure",
        reproduced=False,
        status_counts=counts,
    )
    finding = _finding("01_x", "Finding 1: A claim", reproduced=False)
    table = _findings_table(index_html([ledger, finding], RUN, read_scorecard(tmp_path)))
    row = _row(table, "00_claims_ledger")
    words = ", ".join(f"{n} {status}" for status, n in counts.items())
    assert f'<td class="{SCORECARD_CLASS}">scorecard: {words}</td>' in row
    assert "status-no" not in row and ">no<" not in row
    assert '<td class="status-no">no</td>' in _row(table, "01_x")  # a finding's no stays a no


def test_a_record_without_counts_shows_its_verdict_whatever_the_notebooks_name():
    ledger = _finding("00_claims_ledger", "Ledger", reproduced=False)
    no_counts = dict(ledger, findings={**ledger["findings"], "status_counts": {}})
    assert finding_state(ledger) == finding_state(no_counts) == FindingState("no", "status-no")
    counted = _finding("07_mine", "Mine", reproduced=True, status_counts={STATED: 4, REPRODUCED: 3})
    assert finding_state(counted) == FindingState(
        f"scorecard: 3 {REPRODUCED}, 4 {STATED}", SCORECARD_CLASS
    )


def test_scorecard_words_follow_the_ledgers_order():
    assert scorecard_words({"stated": 1, "reproduced": 2}) == "scorecard: 2 reproduced, 1 stated"


def test_the_scorecard_counts_each_status_in_the_ledgers_order_zeros_included(tmp_path):
    folder = _claims_json(
        tmp_path, ("a", "nowhere", STATED), ("b", "nowhere", REPRODUCED), ("c", "x", "odd")
    )
    summary = read_scorecard(folder)
    assert summary.error is None
    assert list(summary.counts.items()) == [
        *{REPRODUCED: 1, INCONSISTENT: 0, STATED: 1}.items(),
        ("odd", 1),
    ]
    assert list(summary.counts)[: len(STATUSES)] == list(STATUSES)
    assert [row["id"] for row in summary.rows] == ["a", "b", "c"]
    assert summary.rows[0]["source"] == "nowhere"  # a source the table lacks keeps its id
    assert summary.downloads == ["claims.json"]


def test_the_index_says_why_there_is_no_scorecard_and_never_raises(tmp_path):
    (tmp_path / "claims.csv").write_text("id\n", encoding="utf-8")
    missing = read_scorecard(tmp_path)
    assert missing.counts == {} and "there is no claims.json beside this index" in missing.error
    page = index_html([], RUN, missing)
    assert "The scorecard could not be built: there is no claims.json" in page
    assert 'href="claims.csv"' not in page
    (tmp_path / "claims.json").write_text("[{not json", encoding="utf-8")
    broken = read_scorecard(tmp_path)
    assert broken.error.startswith("claims.json could not be read (JSONDecodeError")
    (tmp_path / "claims.json").write_text('[{"id": "a"}]', encoding="utf-8")
    assert read_scorecard(tmp_path).error.startswith("claims.json could not be read (KeyError")


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


def test_the_scorecard_table_shows_claims_as_published_and_sources_by_name(tmp_path):
    write_scorecard(tmp_path)
    summary = read_scorecard(tmp_path)
    assert summary.downloads == ["claims.csv", "claims.json"]
    page = index_html([], RUN, summary)
    claims = _claims_section(page)
    assert '<th scope="col" class="num">As published</th>' in claims
    first = scorecard().iloc[0]
    short_name = dict(zip(load_sources()["id"], load_sources()["short_name"], strict=True))
    assert f'<td class="num">{escape(first["as_published"])}</td>' in claims
    assert f"<td>{escape(short_name[first['source']])}</td>" in claims
    assert f"<td>{escape(first['source'])}</td>" not in claims  # the short name, not the id
    assert summary.counts == status_counts(scorecard())
    assert '<a href="claims.csv">claims.csv</a>' in claims
    assert '<a href="claims.json">claims.json</a>' in claims
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
    assert len(re.findall(f'<td class="num" data-value="">{MISSING}</td>', profiles)) == 2
    assert '<td class="num" data-value="1.54">1.5</td>' in profiles
    assert not re.search(r"\b(nan|None)\b", profiles, re.IGNORECASE)


def test_the_ledgers_counts_travel_from_its_findings_record_to_the_index():
    record = {"verdict": "v", "reproduced": False, "status_counts": {"stated": 3, "reproduced": 1}}
    job = RenderJob("finding", "00_x", Path("00_x.ipynb"), html="00_x.html")
    entry = entry_from_result(JobResult(job, True, "X", ["00_x.html"], findings=record), "t")
    assert entry["findings"]["status_counts"] == {"stated": 3, "reproduced": 1}
    assert finding_state(entry).label == "scorecard: 1 reproduced, 3 stated"
    tampered, notes = checked_entry(
        {**entry, "findings": {**entry["findings"], "status_counts": 7}}
    )
    assert tampered["findings"]["status_counts"] == {} and "status_counts" in notes[-1]
    assert finding_state(tampered).label == "no"
