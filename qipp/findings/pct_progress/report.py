"""How notebook 05 reports: sentences whose words follow the figures, tables, findings record."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from qipp.display import ShownAsTable, Table
from qipp.findings.pct_progress.average import EXTRAPOLATED_ID, AverageCheck, Extrapolation
from qipp.findings.pct_progress.calc import (
    ARTICLE,
    Discrepancies,
    SavingsMix,
    Unidentified,
    mix_discrepancies,
    shown,
    source_caption,
)
from qipp.ledger.wording import as_published
from qipp.plotting.chart import listing
from qipp.reference.pcts import MATCHED
from qipp.reference.provenance import OGL_CREDIT

NOTEBOOK = "05_pct_progress_2010"
PCT_LISTS = (
    "ONS, primary care trusts of 2012 and their strategic health authorities "
    "(data/reference/raw), matched by name only where the name identifies one PCT"
)


def average_sentence(check: AverageCheck) -> str:
    """What the named misses average, and what the published average asks of the others."""
    known, mean = check.known_pct, check.mean_miss_pct
    named = sum(known) / len(known)
    side = "above" if named > mean else "below" if named < mean else "equal to"
    if len(known) > 1:
        text = f"The named misses average {named:.1f}% unweighted, {side} the published {mean:g}%."
    else:
        text = f"The one named miss is {named:.1f}%, {side} the published average of {mean:g}%."
    text += (
        f" The average is possible only if at least **{check.min_reporting}** PCTs reported a "
        "year-end forecast"
    )
    at_count = check.others.loc[check.others["n_reporting"] == check.n_reports]
    if not at_count.empty:
        row = at_count.iloc[0]
        unnamed = int(row["n_unnamed"])
        others = "the other PCT" if unnamed == 1 else f"the other {unnamed}"
        need = "would average" if row["possible"] else "would need to average"
        tail = "" if row["possible"] else ", outside the published range"
        need += f" {row['unnamed_mean_pct']:.1f}%{tail}"
        text += f"; with {check.n_reports} reporting, {others} {need}"
    return text + (
        f". HSJ analysed {check.n_reports_text} PCTs' reports but does not say how many gave a "
        "year-end forecast, nor whether the average is weighted by plan size."
    )


def inconsistent_notes(card: pd.DataFrame) -> str:
    """One Markdown bullet per claim of ``card`` (scorecard rows by id) that does not reconcile."""
    rows = card.loc[card["status"] == "inconsistent"]
    if rows.empty:
        return "Every figure checked reconciles."
    return "\n".join(f"- `{claim_id}`: {note}" for claim_id, note in rows["note"].items())


def _reach(ext: Extrapolation) -> tuple[str, str] | None:
    """Which part of the challenge range reaches the band (whole, top, bottom, middle), in words."""
    if not ext.meets_band:
        return None
    low = ext.challenge_for_band_low_gbp_bn
    high = low + ext.share_of_range_in_band * (ext.challenge_high_gbp_bn - ext.challenge_low_gbp_bn)
    at_bottom = math.isclose(low, ext.challenge_low_gbp_bn)
    at_top = math.isclose(high, ext.challenge_high_gbp_bn)
    share = f"{100 * ext.share_of_range_in_band:.0f}%"
    if at_bottom and at_top:
        return "whole", "every challenge in the range"
    if at_top:
        return "top", f"only a challenge of £{low:.2f}bn or more (the top {share} of the range)"
    if at_bottom:
        return (
            "bottom",
            f"only a challenge of £{high:.2f}bn or less (the bottom {share} of the range)",
        )
    return "middle", f"only a challenge of £{low:.2f}bn to £{high:.2f}bn ({share} of the range)"


def verdict(
    ext: Extrapolation,
    range_pct: tuple[float, float],
    year_end_misses_pct: Sequence[float],
    min_reporting: int,
) -> str:
    """The verdict on the average miss and its extrapolation.

    ``range_pct``: the published smallest and largest misses; ``year_end_misses_pct``:
    the misses the article gives or lets us compute; ``min_reporting``: from
    :func:`~qipp.findings.pct_progress.average.min_reporting_for_mean`.
    """
    reach = _reach(ext)
    if ext.meets_band and ext.midpoint_in_band:
        lead = "Reproduced"
    elif reach is None:
        lead = "Not reproduced"
    elif reach[0] == "middle":
        lead = "Reproduced only within part of the article's own range"
    else:
        lead = f"Reproduced only at the {reach[0]} of the article's own range"
    text = (
        f"{lead}: {ext.mean_miss_pct:g}% of £{ext.challenge_low_gbp_bn:g}bn-"
        f"£{ext.challenge_high_gbp_bn:g}bn is £{ext.shortfall_low_gbp_bn:.1f}bn to "
        f"£{ext.shortfall_high_gbp_bn:.1f}bn (midpoint £{ext.shortfall_mid_gbp_bn:.1f}bn), "
        f"against 'around £{ext.published_gbp_bn:g}bn' read as £{ext.band_low_gbp_bn:g}bn to "
        f"£{ext.band_high_gbp_bn:g}bn"
    )
    if reach is not None:
        text += (
            f"; {reach[1]} reaches that band, and £{ext.published_gbp_bn:g}bn itself needs a "
            f"{ext.mean_miss_pct:g}% miss on £{ext.challenge_for_published_gbp_bn:.1f}bn or a "
            f"{ext.miss_for_published_low_pct:.1f}% miss on £{ext.challenge_high_gbp_bn:g}bn."
        )
    else:
        text += "."
    count = len(year_end_misses_pct)
    misses = "PCT's year-end miss" if count == 1 else "PCTs' year-end misses"
    inside = all(range_pct[0] <= v <= range_pct[1] for v in year_end_misses_pct)
    where = ("within" if count == 1 else "all within") if inside else "not all within"
    listed = listing(f"{v:.3g}%" for v in year_end_misses_pct)  # 10%, 48% and 37.5%
    return text + (
        f" The {ext.mean_miss_pct:g}% average cannot be recomputed: the article gives {count} "
        f"{misses} ({listed}), {where} its {range_pct[0]:g}%-"
        f"{range_pct[1]:g}% range, and the average is possible only if at least "
        f"{min_reporting} PCTs reported one."
    )


def reconciliation_sentences(unidentified: Unidentified, discrepancies: Discrepancies) -> str:
    """Which shares agree with the amounts beside them, and which do not beyond rounding."""
    parts = []
    for row in unidentified.frame.itertuples(index=False):
        agrees = "as published" if row.agrees else f"against {row.published_pct:g}% published"
        parts.append(
            f"{row.organisation}'s unidentified £{row.unidentified_gbp_m:g}m is "
            f"{row.unidentified_pct:.1f}% of its £{row.plan_gbp_m:g}m plan, {agrees}."
        )
    for row in discrepancies.flagged.itertuples(index=False):
        parts.append(
            f"{row.organisation}'s {row.category} saving of £{row.published_amount_gbp_m:g}m "
            f"is {row.derived_pct:.1f}% of its £{row.plan_gbp_m:g}m plan, not the "
            f"{row.published_pct:g}% published ({row.gap_pct_points:+.1f} percentage points)."
        )
    return " ".join(parts)


@dataclass(frozen=True)
class PctMatches(ShownAsTable):
    """The article's organisations matched to PCTs of 2012 (``frame``: from ``match_pcts``).

    Shows those matched; :meth:`unmatched` shows the others, with the reason.
    """

    frame: pd.DataFrame
    matched: bool = True

    def unmatched(self) -> PctMatches:
        """The same match, showing the names left unmatched."""
        return replace(self, matched=False)

    def as_table(self, caption: str | None = None) -> Table:
        rows = self.frame.loc[(self.frame["status"] == MATCHED) == self.matched]
        if self.matched:
            columns = ["organisation", "pct_code", "pct_name", "sha_codes", "sha_names"]
            caption = caption or f"Source: {PCT_LISTS}. A PCT in two SHAs lists both. {OGL_CREDIT}"
        else:
            columns = ["organisation", "status", "why"]
        labels = {"organisation": "As HSJ names it", "status": "Match"}
        title = f"Organisations {'matched' if self.matched else 'not matched'} to PCTs of 2012"
        caption = caption or f"Source: {PCT_LISTS}."
        return shown(rows, caption, labels=labels, columns=columns, title=title)


@dataclass(frozen=True)
class ScorecardRows(ShownAsTable):
    """Claims of the article with their scorecard status (``rows``: scorecard rows with ``id``)."""

    rows: pd.DataFrame
    columns: tuple[str, ...]

    def as_table(self, caption: str | None = None) -> Table:
        detail = "Statuses and notes: each figure recomputed from the others the articles publish."
        if "quote" in self.columns:
            detail = "Quotes: the ledger; statuses: each figure recomputed from the others."
        title = "The article's figures and how they were checked"
        caption = caption or source_caption(detail)
        return shown(self.rows, caption, columns=list(self.columns), title=title)


def scorecard_notes(card: pd.DataFrame, claim_ids: Sequence[str]) -> ScorecardRows:
    """Claims ``claim_ids`` of the scorecard ``card`` (indexed by id), with derive's notes."""
    return ScorecardRows(
        card.loc[list(claim_ids)].reset_index(), ("id", "as_published", "status", "note")
    )


def checked_claims(card: pd.DataFrame) -> ScorecardRows:
    """Every figure of the article that other published figures let qipp.derive recompute."""
    rows = card.loc[(card["source"] == ARTICLE) & (card["status"] != "stated")].reset_index()
    units = zip(rows["derived_value"], rows["unit"], strict=True)
    rows["recomputed"] = [as_published(float(v), u, 0.01) for v, u in units]
    return ScorecardRows(rows, ("id", "quote", "as_published", "recomputed", "status"))


def findings(
    findings_path: str,
    check: AverageCheck,
    ext: Extrapolation,
    card: pd.DataFrame,
    *,
    unidentified: Unidentified,
    mix: SavingsMix,
    pcts: PctMatches,
    tables_path: str = "",
) -> dict[str, Any]:
    """The keyword arguments of :func:`qipp.findings.record.write_findings` for notebook 05.

    ``reproduced`` is whether the extrapolation's range meets the published band
    (arithmetic on published figures, no statistical test); a NaN becomes null with a note.
    """
    extrapolation: dict[str, Any] = ext.to_dict(4)
    notes = []
    for key, value in extrapolation.items():
        if isinstance(value, float) and not math.isfinite(value):
            extrapolation[key] = None
            notes.append(
                f"extrapolation.{key} is null: no challenge in the range reaches the band."
            )
    names = pcts.frame
    shares = unidentified.frame.round({"unidentified_pct": 2})
    mix_columns = ["organisation", "category", "period", "basis", "share_pct"]
    matched = names.loc[names["status"] == MATCHED]
    article = card.loc[card["source"] == ARTICLE]
    return {
        "notebook": NOTEBOOK,
        "parameters": {"findings_path": findings_path, "tables_path": tables_path},
        "verdict": verdict(ext, check.range_pct, check.known_pct, check.min_reporting),
        "reproduced": ext.meets_band,
        "notes": notes,
        "forecast_miss_range_pct": list(check.range_pct),
        "mean_forecast_miss_pct": check.mean_miss_pct,
        "year_end_misses_pct": {
            organisation: round(pct, 2)
            for organisation, pct in zip(check.organisations, check.known_pct, strict=True)
        },
        "min_pcts_reporting_for_mean": check.min_reporting,
        "extrapolation": extrapolation,
        "extrapolation_status": str(card.loc[EXTRAPOLATED_ID, "status"]),
        "unidentified_pct": dict(
            zip(shares["organisation"], shares["unidentified_pct"], strict=True)
        ),
        "savings_mix_pct": mix.frame[mix_columns].round({"share_pct": 2}).to_dict("records"),
        "reconciliation": reconciliation_sentences(unidentified, mix_discrepancies(mix)),
        "pcts_matched": {
            row.organisation: {"pct_code": row.pct_code, "sha_codes": row.sha_codes}
            for row in matched.itertuples()
        },
        "pcts_unmatched": {
            row.organisation: row.why for row in names.loc[names["status"] != MATCHED].itertuples()
        },
        "inconsistent_claims": article.index[article["status"] == "inconsistent"].tolist(),
    }
