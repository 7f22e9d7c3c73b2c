"""The reports index: scorecard summary, findings with verdicts, CCG profiles, provenance.

It computes nothing itself: each verdict comes from the report's findings record
(:func:`qipp.findings.record.reproduced_label`), the scorecard from ``claims.json``, the
regional summary from :func:`qipp.panel.regional_summary` over the profiles' figures.
The CCG table sorts and filters by a small inline script; without it, it is a plain
table. Jinja2 autoescapes, so a name holding ``<`` or ``&`` shows as text.

>>> from qipp.render.plan.runinfo import RunInfo
>>> run = RunInfo("2026-11-23T14:05Z", None, False, (), "p.csv", True)
>>> entry = {"key": "profile:S001", "kind": "profile", "name": "S001", "status": "ok",
...          "html": "ccg/S001.html", "rendered_at": run.rendered_at, "error": None,
...          "profile": {"ccg_name": "<b>& Co", "region": "London",
...                      "plan_pct_of_allocation": 2.5, "ytd_shortfall_pct": 0.0,
...                      "forecast_gap_pct": 1.0}}
>>> page = index_html([entry], run, ScorecardSummary({"reproduced": 1}, [{"id": "x"}]))
>>> "&lt;b&gt;&amp; Co" in page, "<b>&" in page
(True, False)
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeGuard

import jinja2
import pandas as pd

from qipp.banner import SYNTHETIC_BANNER
from qipp.derive import STATUSES
from qipp.findings.record import reproduced_label
from qipp.ledger import load_sources
from qipp.panel import regional_summary
from qipp.panel.summary import MIN_CCGS
from qipp.paths import relative_to_root
from qipp.reference.provenance import REGISTER_NAME, register_provenance
from qipp.render.plan.jobs import KIND_FINDING, KIND_PROFILE
from qipp.render.plan.runinfo import RunInfo
from qipp.render.site.export import STYLESHEET, TEMPLATES_ROOT
from qipp.render.site.manifest import uses_panel
from qipp.render.site.pdf import pdf_of

INDEX_NAME = "index.html"
# Written beside the index by `qipp claims --write-dir`; linked when present.
SCORECARD_FILES: tuple[str, ...] = ("claims.csv", "claims.json")
INDEX_TITLE = "QIPP 2010-2015: published findings, reproduced"
# CSS class of each value of ``reproduced`` (styled in report.css).
REPRODUCED_CLASSES = {True: "status-yes", False: "status-no", None: "status-na"}
# Shown for a figure a CCG does not have (its code is not in the register), with why.
MISSING = "–"
MISSING_WHY = f"not in the {REGISTER_NAME}"
SCORECARD_CLASS = "status-scorecard"
# The CCG table's sort and filter, inlined into the page.
INDEX_SCRIPT = TEMPLATES_ROOT / "index.js"


def _present(value: object) -> TypeGuard[int | float]:
    """Whether ``value`` is a finite number (None, NaN, booleans and text are not)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def patients_cell(value: object) -> str:
    """Registered patients with thousands separators, or the dash when there are none.

    >>> patients_cell(295355), patients_cell(None), patients_cell(float("nan"))
    ('295,355', '–', '–')
    """
    return f"{int(value):,}" if _present(value) else MISSING


def number_cell(value: object, decimals: int = 1) -> str:
    """A figure to ``decimals`` places, or the dash when there is none (None, NaN, text).

    >>> number_cell(2.4712, 2), number_cell(0.0), number_cell(None), number_cell(float("nan"))
    ('2.47', '0.0', '–', '–')
    """
    return f"{value:,.{decimals}f}" if _present(value) else MISSING


def change_cell(value: object) -> str:
    """A change in percentage points, signed, to one decimal; the dash when there is none.

    >>> change_cell(3.25), change_cell(-0.04), change_cell(None)
    ('+3.2', '0.0', '–')
    """
    if not _present(value):
        return MISSING
    shown = round(value, 1)
    return f"{shown:+,.1f}" if shown else "0.0"  # never "-0.0"


def profile_quarters(profiles: Iterable[dict]) -> list[str]:
    """The quarters of the profiles' panel, in order; ``[]`` for a panel of one quarter.

    >>> profile_quarters([{"profile": None}, {"profile": {"quarters": ["2013-14 Q1"]}}])
    ['2013-14 Q1']
    """
    for entry in profiles:
        if found := (entry.get("profile") or {}).get("quarters"):
            return list(found)
    return []


def text_cell(value: object) -> str:
    """Text as given, or the dash for None, NaN or an empty string.

    >>> text_cell("around"), text_cell(None), text_cell(float("nan")), text_cell("")
    ('around', '–', '–', '–')
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return MISSING
    return str(value) if str(value).strip() else MISSING


def scorecard_words(counts: dict) -> str:
    """The scorecard's counts in words, statuses in the ledger's order.

    >>> scorecard_words({"stated": 79, "reproduced": 20, "inconsistent": 2})
    'scorecard: 20 reproduced, 2 inconsistent, 79 stated'
    """
    ordered = [s for s in STATUSES if s in counts] + [s for s in counts if s not in STATUSES]
    return "scorecard: " + ", ".join(f"{int(counts[s])} {s}" for s in ordered)


@dataclass(frozen=True)
class FindingState:
    """What a finding's row shows in its state column, and its CSS class."""

    label: str
    css: str


def finding_state(entry: dict) -> FindingState:
    """A finding's state: its verdict's yes/no/n/a, or its record's counts by status.

    >>> ledger = {"findings": {"reproduced": False,
    ...           "status_counts": {"reproduced": 20, "inconsistent": 2, "stated": 79}}}
    >>> finding_state(ledger)
    FindingState(label='scorecard: 20 reproduced, 2 inconsistent, 79 stated', css='status-scorecard')
    >>> finding_state({"findings": {"reproduced": False}})
    FindingState(label='no', css='status-no')
    """
    findings = entry.get("findings") or {}
    counts = findings.get("status_counts")
    if isinstance(counts, dict) and counts:
        return FindingState(scorecard_words(counts), SCORECARD_CLASS)
    return FindingState(reproduced_label(findings), reproduced_class(findings))


def reproduced_class(findings: dict) -> str:
    """The CSS class of a verdict: ``status-yes``, ``status-no`` or ``status-na``.

    >>> reproduced_class({"reproduced": None}), reproduced_class({"reproduced": False})
    ('status-na', 'status-no')
    """
    value = findings.get("reproduced")
    return REPRODUCED_CLASSES[None if value is None else bool(value)]


@dataclass(frozen=True)
class ScorecardSummary:
    """The claims scorecard's counts by status and rows, the files to link, or why it is missing."""

    counts: dict[str, int] = field(default_factory=dict)
    rows: list[dict] = field(default_factory=list)
    error: str | None = None
    downloads: list[str] = field(default_factory=list)


def read_scorecard(out_dir: Path) -> ScorecardSummary:
    """The scorecard ``qipp claims --write-dir`` wrote into ``out_dir``; never raises."""
    downloads = [name for name in SCORECARD_FILES if (out_dir / name).is_file()]
    if "claims.json" not in downloads:
        return ScorecardSummary(
            error=f"there is no claims.json beside this index (`qipp claims --write-dir "
            f"{relative_to_root(out_dir)}` writes it; `make reports` runs it first)"
        )
    try:
        claims = json.loads((out_dir / "claims.json").read_text(encoding="utf-8"))
        sources = load_sources()
        # Sources by the short name a reader cites them by, not the ledger's id.
        short_names = dict(zip(sources["id"], sources["short_name"], strict=True))
        rows = [
            {
                **{key: claim.get(key) for key in ("id", "as_published", "status", "note")},
                "source": short_names.get(claim["source"], claim["source"]),
            }
            for claim in claims
        ]
    except Exception as exc:  # shown in the index, whatever it is
        return ScorecardSummary(
            error=f"claims.json could not be read ({type(exc).__name__}: {exc})"
        )
    tally = Counter(str(row["status"]) for row in rows)
    counts = {status: tally.pop(status, 0) for status in STATUSES} | dict(tally)
    return ScorecardSummary(counts, rows, downloads=downloads)


def regional_rows(profiles: Iterable[dict]) -> list[dict]:
    """The regional summary of the profiles' figures, one dict per row (NaN: withheld).

    >>> rows = regional_rows([{"profile": {"region": "London", "plan_pct_of_allocation": 2.0,
    ...     "ytd_shortfall_pct": 0.0, "forecasts_shortfall": False}}])
    >>> [(r["region"], r["ccgs"], math.isnan(r["median_target_pct"])) for r in rows]
    [('London', 1, True), ('All regions', 1, True)]
    """
    frame = pd.DataFrame([entry["profile"] for entry in profiles if entry.get("profile")])
    if frame.empty:
        return []
    needed = ["region", "plan_pct_of_allocation", "ytd_shortfall_pct", "forecasts_shortfall"]
    return regional_summary(frame.reindex(columns=needed)).to_dict("records")


def pdf_link(entry: dict) -> str | None:
    """The PDF printed beside an entry's page (``qipp render --pdf``), if it has one.

    >>> pdf_link({"html": "ccg/07H.html", "files": ["ccg/07H.html", "ccg/07H.pdf"]})
    'ccg/07H.pdf'
    >>> pdf_link({"html": "ccg/07H.html", "files": ["ccg/07H.html"]}) is None
    True
    """
    html = entry.get("html")
    pdf = pdf_of(html) if isinstance(html, str) else None
    return pdf if pdf is not None and pdf in (entry.get("files") or []) else None


def index_html(
    entries: Iterable[dict],
    run: RunInfo,
    scorecard: ScorecardSummary,
) -> str:
    """The index page (self-contained, offline) for manifest ``entries``.

    The synthetic-data banner shows when the set's panel (``run.panel``) is
    synthetic and any entry reads it; "Notes on the data" lists the panel's warnings
    that the findings records carry.
    """
    entries = list(entries)
    findings = sorted((e for e in entries if e["kind"] == KIND_FINDING), key=lambda e: e["name"])
    profiles = sorted(
        (e for e in entries if e["kind"] == KIND_PROFILE),
        key=lambda e: ((e.get("profile") or {}).get("region", ""), e["name"]),
    )
    failures = [e for e in findings + profiles if e["status"] == "failed"]
    # Each report on the panel carries the same warnings: the index says each once.
    data_notes = dict.fromkeys(
        note for e in findings for note in (e.get("findings") or {}).get("data_notes", [])
    )
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_ROOT)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return environment.get_template("index.html.j2").render(
        title=INDEX_TITLE,
        css=STYLESHEET.read_text(encoding="utf-8"),
        script=INDEX_SCRIPT.read_text(encoding="utf-8"),
        run=run,
        scorecard=scorecard,
        findings=findings,
        profiles=profiles,
        regions=regional_rows(profiles),
        quarters=profile_quarters(profiles),
        change_cell=change_cell,
        min_ccgs=MIN_CCGS,
        pdf_link=pdf_link,
        failures=failures,
        data_notes=list(data_notes),
        synthetic_banner=SYNTHETIC_BANNER,
        show_banner=bool(run.panel_synthetic) and any(uses_panel(e) for e in entries),
        downloads=scorecard.downloads,
        finding_state=finding_state,
        patients_cell=patients_cell,
        number_cell=number_cell,
        text_cell=text_cell,
        missing=MISSING,
        missing_why=MISSING_WHY,
        register_provenance=register_provenance(),
    )
