"""The reports index: scorecard summary, findings with verdicts, CCG profiles, provenance.

Each finding shows ``reproduced`` as yes, no, or n/a with the notebook's reason
(:func:`qipp.findings.reproduced_label`), each in its own style, so a verdict
the data cannot support never reads as a failure or a success. The claims
ledger is a scorecard, not a finding that holds or fails: its row shows its
counts by status ("scorecard: 20 reproduced, 2 inconsistent, 79 stated"),
styled neutrally (:func:`finding_state`). Every table's missing figure shows a
dash, never NaN or None, and every header names its unit. The synthetic
banner and the provenance belong to the panel the whole set was built from.
A failure links its failed notebook, a page of it and, when it replaced a good
page, that page, kept under ``failed/`` (:mod:`qipp.render.publish`).

Built with Jinja2 and autoescape on, so a CCG name or a verdict holding ``<``
or ``&`` shows as text and can never inject markup. Links come only from
manifest paths that :mod:`qipp.render.jobs` built from validated names.

Examples
--------
>>> from qipp.render.runinfo import RunInfo
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

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeGuard

from qipp.banner import SYNTHETIC_BANNER
from qipp.findings import reproduced_label
from qipp.reference.provenance import REGISTER_NAME, register_provenance
from qipp.render.export import STYLESHEET, TEMPLATES_ROOT
from qipp.render.jobs import KIND_FINDING, KIND_PROFILE
from qipp.render.manifest import uses_panel
from qipp.render.runinfo import RunInfo

INDEX_NAME = "index.html"
# Written beside the index by `qipp claims --write-dir`; linked when present.
SCORECARD_FILES: tuple[str, ...] = ("claims.csv", "claims.json")
INDEX_TITLE = "QIPP 2010-2015: published findings, reproduced"
# Shown when profiles come from a synthetic panel: the one wording (qipp.banner).
DEFAULT_SYNTHETIC_BANNER = SYNTHETIC_BANNER
# CSS class of each value of ``reproduced`` (styled in report.css).
REPRODUCED_CLASSES = {True: "status-yes", False: "status-no", None: "status-na"}
# Shown for a figure a CCG does not have (its code is not in the register), with why.
MISSING = "–"
MISSING_WHY = f"not in the {REGISTER_NAME}"
# The notebook whose findings are the claims scorecard (also told by its ``status_counts``).
SCORECARD_NOTEBOOK = "00_claims_ledger"
SCORECARD_CLASS = "status-scorecard"
# The scorecard's statuses in the order they are read out (qipp.derive.STATUSES).
SCORECARD_ORDER: tuple[str, ...] = ("reproduced", "inconsistent", "stated")


def _present(value: object) -> TypeGuard[int | float]:
    """Whether ``value`` is a finite number (None, NaN, booleans and text are not)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def patients_cell(value: object) -> str:
    """Registered patients with thousands separators, or the dash when there are none.

    >>> patients_cell(295355), patients_cell(None), patients_cell(float("nan"))
    ('295,355', '–', '–')
    """
    return f"{int(value):,}" if _present(value) else MISSING


def per_head_cell(value: object) -> str:
    """Pounds per registered patient to the penny, or the dash when unknown.

    >>> per_head_cell(29.23939), per_head_cell(None)
    ('29.24', '–')
    """
    return f"{value:,.2f}" if _present(value) else MISSING


def number_cell(value: object, decimals: int = 1) -> str:
    """A figure to ``decimals`` places, or the dash when there is none (None, NaN, text).

    >>> number_cell(2.4712, 2), number_cell(0.0), number_cell(None), number_cell(float("nan"))
    ('2.47', '0.0', '–', '–')
    """
    return f"{value:,.{decimals}f}" if _present(value) else MISSING


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
    ordered = [s for s in SCORECARD_ORDER if s in counts] + [
        s for s in counts if s not in SCORECARD_ORDER
    ]
    return "scorecard: " + ", ".join(f"{int(counts[s])} {s}" for s in ordered)


@dataclass(frozen=True)
class FindingState:
    """What a finding's row shows in its state column, and its CSS class."""

    label: str
    css: str


def finding_state(entry: dict, scorecard: ScorecardSummary | None = None) -> FindingState:
    """A finding's state: its verdict's yes/no/n/a, or the scorecard's counts for the ledger.

    The claims ledger scores every published figure; "no" (not every derivable
    figure reproduced) would read as a failure of the page. Its counts come from
    its findings' ``status_counts``, else from ``scorecard`` (built from the
    ledger when the index is).

    >>> ledger = {"name": "00_claims_ledger", "findings": {"reproduced": False,
    ...           "status_counts": {"reproduced": 20, "inconsistent": 2, "stated": 79}}}
    >>> finding_state(ledger)
    FindingState(label='scorecard: 20 reproduced, 2 inconsistent, 79 stated', css='status-scorecard')
    >>> finding_state({"name": "01_x", "findings": {"reproduced": False}})
    FindingState(label='no', css='status-no')
    """
    findings = entry.get("findings") or {}
    counts = findings.get("status_counts")
    if not isinstance(counts, dict) and entry.get("name") == SCORECARD_NOTEBOOK:
        counts = scorecard.counts if scorecard is not None and scorecard.counts else None
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
    """Counts by status and the rows of the claims scorecard, or why it is missing."""

    counts: dict[str, int] = field(default_factory=dict)
    rows: list[dict] = field(default_factory=list)
    error: str | None = None


def scorecard_summary() -> ScorecardSummary:
    """Build the claims scorecard from the ledger; never raises.

    Returns
    -------
    ScorecardSummary
        With ``error`` set (and counted as a failure of the run) when the
        ledger cannot be loaded or scored.
    """
    try:
        from qipp.derive import scorecard, status_counts
        from qipp.ledger import load_sources

        card = scorecard()
        sources = load_sources()
    except Exception as exc:  # any failure is shown in the index and fails the run
        return ScorecardSummary(error=f"{type(exc).__name__}: {exc}")
    # Sources by the short name a reader cites them by, not the ledger's id.
    short_names = dict(zip(sources["id"], sources["short_name"], strict=True))
    rows = [
        {
            **{k: row.get(k) for k in ("id", "as_published", "status", "note")},
            "source": short_names.get(row["source"], row["source"]),
        }
        for row in card.to_dict("records")
    ]
    return ScorecardSummary(status_counts(card), rows)


def _environment():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_ROOT)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def index_html(
    entries: Iterable[dict],
    run: RunInfo,
    scorecard: ScorecardSummary,
    problems: Iterable[str] = (),
    synthetic_banner: str | None = None,
    downloads: Iterable[str] = (),
) -> str:
    """Render the index page.

    Parameters
    ----------
    entries : iterable of dict
        Manifest entries (see :mod:`qipp.render.manifest`).
    run : RunInfo
    scorecard : ScorecardSummary
    problems : iterable of str
        Failures of the run that belong to no report (the scorecard, say).
    synthetic_banner : str, optional
        Text of the synthetic-data banner, shown when the set's panel
        (``run.panel``) is synthetic and any entry reads it.
    downloads : iterable of str
        Files beside the index to link from the scorecard summary (``claims.csv``).

    Returns
    -------
    str
        The page (self-contained, no external resources).
    """
    entries = list(entries)
    findings = sorted((e for e in entries if e["kind"] == KIND_FINDING), key=lambda e: e["name"])
    profiles = sorted(
        (e for e in entries if e["kind"] == KIND_PROFILE),
        key=lambda e: ((e.get("profile") or {}).get("region", ""), e["name"]),
    )
    failures = [e for e in findings + profiles if e["status"] == "failed"]
    template = _environment().get_template("index.html.j2")
    return template.render(
        title=INDEX_TITLE,
        css=STYLESHEET.read_text(encoding="utf-8"),
        run=run,
        scorecard=scorecard,
        findings=findings,
        profiles=profiles,
        failures=failures,
        problems=list(problems),
        synthetic_banner=synthetic_banner or DEFAULT_SYNTHETIC_BANNER,
        show_banner=bool(run.panel_synthetic) and any(uses_panel(e) for e in entries),
        downloads=list(downloads),
        finding_state=lambda entry: finding_state(entry, scorecard),
        patients_cell=patients_cell,
        per_head_cell=per_head_cell,
        number_cell=number_cell,
        text_cell=text_cell,
        missing=MISSING,
        missing_why=MISSING_WHY,
        register_provenance=register_provenance(),
    )
