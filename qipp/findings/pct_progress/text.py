"""Sentences about PCTs' 2010-11 progress (notebook 05), kept apart from the calculations.

Every sentence is built from a result of :mod:`qipp.findings.pct_progress.average`
or :mod:`qipp.findings.pct_progress.claims`, a table of
:mod:`qipp.findings.pct_progress.calc`, or the ledger's own wording (a claim's ``quote``,
its value as published), so the words can never disagree with the numbers beside
them and no figure of the article is typed here. They are re-exported from
:mod:`qipp.findings.pct_progress.calc`, which the notebook imports.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from qipp.derive.tolerance import AROUND_FRACTION
from qipp.findings.pct_progress.claims import (
    EXTRAPOLATED_ID,
    MEAN_ID,
    N_REPORTS_ID,
    RANGE_IDS,
    AverageCheck,
)
from qipp.findings.rows import claims_by_id
from qipp.ledger import cite
from qipp.ledger.wording import as_published

if TYPE_CHECKING:
    from qipp.findings.pct_progress.average import Extrapolation

# The DH tracker's finding on local schemes' share of the savings (a later source).
TRACKER_LOCAL_SHARE_ID = "tracker_local_share_headline_pct"


def _pct_list(values: Sequence[float]) -> str:
    """Join percentages in words: ``10%, 48% and 37.5%``.

    >>> _pct_list([10.0]), _pct_list([10.0, 48.0, 37.5])
    ('10%', '10%, 48% and 37.5%')
    """
    texts = [f"{v:.3g}%" for v in values]
    return texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + " and " + texts[-1]


def _pcts_possessive(count: int) -> str:
    """``1 PCT's``, ``3 PCTs'``.

    >>> _pcts_possessive(1), _pcts_possessive(3)
    ("1 PCT's", "3 PCTs'")
    """
    return f"{count} PCT's" if count == 1 else f"{count} PCTs'"


def claim_paragraph(claims: pd.DataFrame) -> str:
    """The article's headline in its own words, each clause the ledger's ``quote`` of a claim.

    Examples
    --------
    >>> claims = pd.DataFrame({"id": [N_REPORTS_ID, *RANGE_IDS, MEAN_ID, EXTRAPOLATED_ID],
    ...                        "quote": ["reports from a few PCTs", "from A to B", "from A to B",
    ...                                  "On average, C", "D short"]})
    >>> print(claim_paragraph(claims))
    In the first year of QIPP, HSJ analysed "reports from a few PCTs" (primary care trusts). The forecast miss on planned savings "from A to B". "On average, C"; if plans kept being missed at that rate, "D short".
    """
    quote = {
        i: row["quote"]
        for i, row in claims_by_id(
            claims, (N_REPORTS_ID, *RANGE_IDS, MEAN_ID, EXTRAPOLATED_ID)
        ).items()
    }
    return (
        f'In the first year of QIPP, HSJ analysed "{quote[N_REPORTS_ID]}" (primary care trusts). '
        f'The forecast miss on planned savings "{quote[RANGE_IDS[0]]}". "{quote[MEAN_ID]}"; '
        f'if plans kept being missed at that rate, "{quote[EXTRAPOLATED_ID]}".'
    )


def average_sentence(check: AverageCheck) -> str:
    """What the named misses average, and what the published average asks of the others.

    Parameters
    ----------
    check : AverageCheck
        From :func:`qipp.findings.pct_progress.claims.average_check`.
    """
    known, mean = check.known_pct, check.mean_miss_pct
    named = sum(known) / len(known)
    side = "above" if named > mean else "below" if named < mean else "equal to"
    opening = (
        f"The named misses average {named:.1f}% unweighted, {side} the published {mean:g}%."
        if len(known) > 1
        else f"The one named miss is {named:.1f}%, {side} the published average of {mean:g}%."
    )
    parts = [
        opening,
        f" The average is possible only if at least **{check.min_reporting}** PCTs reported a "
        "year-end forecast",
    ]
    at_count = check.others.loc[check.others["n_reporting"] == check.n_reports]
    if not at_count.empty:
        row = at_count.iloc[0]
        unnamed = int(row["n_unnamed"])
        others = "the other PCT" if unnamed == 1 else f"the other {unnamed}"
        need = "would average" if row["possible"] else "would need to average"
        tail = "" if row["possible"] else ", outside the published range"
        parts.append(
            f"; with {check.n_reports} reporting, {others} {need} "
            f"{row['unnamed_mean_pct']:.1f}%{tail}"
        )
    parts.append(
        f". HSJ analysed {check.n_reports_text} PCTs' reports but does not say how many gave a "
        "year-end forecast, nor whether the average is weighted by plan size."
    )
    return "".join(parts)


def band_sentence(ext: Extrapolation, claims: pd.DataFrame) -> str:
    """How the published shortfall is read: the band decision 0003 gives an "around" figure.

    Examples
    --------
    >>> from qipp.findings.pct_progress.average import extrapolate_shortfall
    >>> ext = extrapolate_shortfall(20, 10, 30, published_gbp_bn=4, band_gbp_bn=(3.6, 4.4))
    >>> claims = pd.DataFrame({"id": [EXTRAPOLATED_ID], "value": [4.0], "unit": ["GBP_bn"],
    ...                        "precision": [1.0], "qualifier": ["around"]})
    >>> band_sentence(ext, claims)
    "'around £4bn' is read as £3.6bn to £4.4bn: within 10% either side of the published figure, or half the step it was stated to if that is wider (decision 0003)."
    """
    row = claims_by_id(claims, (EXTRAPOLATED_ID,))[EXTRAPOLATED_ID]
    text = as_published(float(row["value"]), row["unit"], float(row["precision"]), row["qualifier"])
    return (
        f"'{text}' is read as £{ext.band_low_gbp_bn:g}bn to £{ext.band_high_gbp_bn:g}bn: within "
        f"{AROUND_FRACTION:.0%} either side of the published figure, or half the step it was "
        "stated to if that is wider (decision 0003)."
    )


def assumptions_paragraph(check: AverageCheck, claims: pd.DataFrame) -> str:
    """What the extrapolation assumes beyond its arithmetic, with the later tracker's finding.

    Parameters
    ----------
    check : AverageCheck
        For the number of PCTs HSJ analysed, as the article states it.
    claims : pandas.DataFrame
        The ledger, for the DH tracker's finding on local schemes (quoted).
    """
    tracker = claims_by_id(claims, (TRACKER_LOCAL_SHARE_ID,))[TRACKER_LOCAL_SHARE_ID]
    return (
        "Beyond the arithmetic, the extrapolation rests on assumptions the article does not "
        f"test: that the first year's in-year miss of the PCTs it analysed ({check.n_reports_text}) "
        "holds for every organisation and every later year, and that the whole national "
        "challenge runs through PCTs' local plans. The DH QIPP tracker later reported that "
        f'"{tracker["quote"]}" ({cite(tracker["source"])}).'
    )


def inconsistent_notes(card: pd.DataFrame) -> str:
    """One Markdown bullet per claim that does not reconcile: its id and derive's note.

    Parameters
    ----------
    card : pandas.DataFrame
        Scorecard rows (indexed by claim id), already narrowed to those wanted.

    >>> card = pd.DataFrame({"status": ["inconsistent", "reproduced"], "note": ["off", "ok"]},
    ...                     index=["a_pct", "b_pct"])
    >>> inconsistent_notes(card)
    '- `a_pct`: off'
    """
    rows = card.loc[card["status"] == "inconsistent"]
    if rows.empty:
        return "Every figure checked reconciles."
    return "\n".join(f"- `{claim_id}`: {note}" for claim_id, note in rows["note"].items())


def _band_reach(ext: Extrapolation) -> tuple[float, float]:
    """The challenge sizes, within the published range, whose shortfall lies in the band."""
    low = ext.challenge_for_band_low_gbp_bn
    width = ext.challenge_high_gbp_bn - ext.challenge_low_gbp_bn
    return low, low + ext.share_of_range_in_band * width


def _where_in_range(ext: Extrapolation) -> str:
    """Which part of the challenge range reaches the band: whole, top, bottom or middle.

    >>> from qipp.findings.pct_progress.average import extrapolate_shortfall
    >>> [_where_in_range(extrapolate_shortfall(r, 5, 25, published_gbp_bn=4, band_gbp_bn=b))
    ...  for r, b in [(20, (3.6, 4.4)), (16, (3.6, 4.4)), (40, (1, 4.4)), (20, (0, 9))]]
    ['middle', 'top', 'bottom', 'whole']
    """
    low, high = _band_reach(ext)
    at_bottom = math.isclose(low, ext.challenge_low_gbp_bn)
    at_top = math.isclose(high, ext.challenge_high_gbp_bn)
    if at_bottom and at_top:
        return "whole"
    return "top" if at_top else "bottom" if at_bottom else "middle"


def _reach_clause(ext: Extrapolation, where: str | None) -> str:
    """Which challenge sizes reach the band, in words."""
    low, high = _band_reach(ext)
    share = f"{100 * ext.share_of_range_in_band:.0f}%"
    if where == "whole":
        return "every challenge in the range reaches that band"
    if where == "top":
        return f"only a challenge of £{low:.2f}bn or more (the top {share} of the range) reaches that band"
    if where == "bottom":
        return f"only a challenge of £{high:.2f}bn or less (the bottom {share} of the range) reaches that band"
    return f"only a challenge of £{low:.2f}bn to £{high:.2f}bn ({share} of the range) reaches that band"


def pct_progress_verdict(
    ext: Extrapolation,
    range_pct: tuple[float, float],
    year_end_misses_pct: Sequence[float],
    min_reporting: int,
) -> str:
    """The verdict on the headline (the average miss and its extrapolation), from the inputs.

    Parameters
    ----------
    ext : Extrapolation
        From :func:`~qipp.findings.pct_progress.average.extrapolate_shortfall`.
    range_pct : (float, float)
        The published smallest and largest forecast misses.
    year_end_misses_pct : sequence of float
        The year-end misses the article gives or lets us compute, one per PCT.
    min_reporting : int
        From :func:`~qipp.findings.pct_progress.average.min_reporting_for_mean`.

    Examples
    --------
    >>> from qipp.findings.pct_progress.average import extrapolate_shortfall
    >>> ext = extrapolate_shortfall(24, 15, 20, published_gbp_bn=5, band_gbp_bn=(4.5, 5.5))
    >>> pct_progress_verdict(ext, (10, 48), [10, 48], 3).split(":")[0]
    "Reproduced only at the top of the article's own range"
    """
    where = _where_in_range(ext) if ext.meets_band else None
    if ext.meets_band and ext.midpoint_in_band:
        lead = "Reproduced"
    elif where == "middle":
        lead = "Reproduced only within part of the article's own range"
    elif ext.meets_band:
        lead = f"Reproduced only at the {where} of the article's own range"
    else:
        lead = "Not reproduced"
    parts = [
        f"{lead}: {ext.mean_miss_pct:g}% of £{ext.challenge_low_gbp_bn:g}bn-"
        f"£{ext.challenge_high_gbp_bn:g}bn is £{ext.shortfall_low_gbp_bn:.1f}bn to "
        f"£{ext.shortfall_high_gbp_bn:.1f}bn (midpoint £{ext.shortfall_mid_gbp_bn:.1f}bn), "
        f"against 'around £{ext.published_gbp_bn:g}bn' read as £{ext.band_low_gbp_bn:g}bn to "
        f"£{ext.band_high_gbp_bn:g}bn"
    ]
    if ext.meets_band:
        parts.append(
            f"; {_reach_clause(ext, where)}, and £{ext.published_gbp_bn:g}bn itself needs a "
            f"{ext.mean_miss_pct:g}% miss on £{ext.challenge_for_published_gbp_bn:.1f}bn "
            f"or a {ext.miss_for_published_low_pct:.1f}% miss on "
            f"£{ext.challenge_high_gbp_bn:g}bn."
        )
    else:
        parts.append(".")
    count = len(year_end_misses_pct)
    misses = "year-end miss" if count == 1 else "year-end misses"
    inside = all(range_pct[0] <= v <= range_pct[1] for v in year_end_misses_pct)
    where = ("within" if count == 1 else "all within") if inside else "not all within"
    parts.append(
        f" The {ext.mean_miss_pct:g}% average cannot be recomputed: the article gives "
        f"{_pcts_possessive(count)} {misses} ({_pct_list(year_end_misses_pct)}), {where} its "
        f"{range_pct[0]:g}%-{range_pct[1]:g}% range, and the average is possible only if at "
        f"least {min_reporting} PCTs reported one."
    )
    return "".join(parts)


def reconciliation_sentences(unidentified: pd.DataFrame, discrepancies: pd.DataFrame) -> str:
    """Say which shares agree with the amounts beside them and which do not, beyond rounding.

    Parameters
    ----------
    unidentified : pandas.DataFrame
        From :func:`qipp.findings.pct_progress.calc.unidentified_savings`.
    discrepancies : pandas.DataFrame
        From :func:`qipp.findings.pct_progress.calc.mix_discrepancies`; only rows ``beyond_rounding`` are reported.

    Examples
    --------
    >>> import pandas as pd
    >>> from qipp.findings.pct_progress.calc import mix_discrepancies, savings_mix, unidentified_savings
    >>> t = pd.DataFrame({"organisation": ["C"] * 3, "period": ["2010-11"] * 3,
    ...                   "measure": ["plan", "prescribing_share_pct", "prescribing_saving"],
    ...                   "value": [40.0, 30.0, 10.0]})
    >>> reconciliation_sentences(unidentified_savings(t), mix_discrepancies(savings_mix(t)))
    "C's prescribing saving of £10m is 25.0% of its £40m plan, not the 30% published (-5.0 percentage points)."
    """
    parts = []
    for row in unidentified.itertuples(index=False):
        agrees = "as published" if row.agrees else f"against {row.published_pct:g}% published"
        parts.append(
            f"{row.organisation}'s unidentified £{row.unidentified_gbp_m:g}m is "
            f"{row.unidentified_pct:.1f}% of its £{row.plan_gbp_m:g}m plan, {agrees}."
        )
    for row in discrepancies[discrepancies["beyond_rounding"]].itertuples(index=False):
        parts.append(
            f"{row.organisation}'s {row.category} saving of "
            f"£{row.published_amount_gbp_m:g}m is {row.derived_pct:.1f}% of its "
            f"£{row.plan_gbp_m:g}m plan, not the {row.published_pct:g}% published "
            f"({row.gap_pct_points:+.1f} percentage points)."
        )
    return " ".join(parts)
