"""PCTs' progress on QIPP in 2010-11 (notebook 05_pct_progress_2010).

HSJ ("PCTs make slow progress with QIPP", 2010-11) read the progress reports of
more than 20 primary care trusts: forecast misses from 10% to 48% of planned
savings, 24% on average, which it extrapolated to "around £5bn" short of the
£15bn-£20bn efficiency challenge. These functions work on the tidy table
``pct_plans_2010_11`` (one row per organisation, period and measure, values from
the ledger): the misses and other progress signals, what the published average
implies for the PCTs not named, the extrapolation and where "around £5bn" sits
in it, unidentified savings, and the savings mix with the shares that do not
reconcile with the amounts beside them.

Examples
--------
>>> ext = extrapolate_shortfall(24, 15, 20, published_gbp_bn=5, band_gbp_bn=(4.5, 5.5))
>>> round(ext.shortfall_low_gbp_bn, 2), round(ext.shortfall_high_gbp_bn, 2), ext.meets_band
(3.6, 4.8, True)
>>> round(ext.challenge_for_band_low_gbp_bn, 2), ext.share_of_range_in_band
(18.75, 0.25)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

# Published shares of a plan, by the measure names of pct_plans_2010_11.
SHARE_MEASURES: dict[str, str] = {
    "urgent_care_over_75s_share_pct": "urgent care (over-75s)",
    "elective_variation_share_pct": "elective care variation",
    "prescribing_share_pct": "prescribing",
    "demand_management_share_pct": "demand management",
}
# Parts of a plan published in £m, whose share of the same plan can be computed.
PART_MEASURES: dict[str, str] = {
    "prescribing_saving": "prescribing",
    "nonrecurrent_cuts": "non-recurrent cuts",
}
PUBLISHED, DERIVED = "published", "derived"

_TABLE_COLUMNS = ("organisation", "period", "measure", "value")


def _check_table(table: pd.DataFrame) -> None:
    missing = [c for c in _TABLE_COLUMNS if c not in table.columns]
    if missing:
        raise KeyError(
            f"table lacks column(s) {', '.join(missing)} (needs {', '.join(_TABLE_COLUMNS)})"
        )
    if table.duplicated(["organisation", "period", "measure"]).any():
        raise ValueError("each (organisation, period, measure) must appear once")


def _lookup(table: pd.DataFrame) -> dict[tuple[str, str, str], float]:
    _check_table(table)
    return {
        (o, p, m): float(v)
        for o, p, m, v in table.loc[:, list(_TABLE_COLUMNS)].itertuples(index=False)
    }


def progress_measures(table: pd.DataFrame) -> pd.DataFrame:
    """Every progress signal in the table as a percentage of the organisation's plan.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``organisation``, ``period``, ``measure`` and ``value``
        (``pct_plans_2010_11`` from :func:`qipp.ledger.load_tidy_table`).

    Returns
    -------
    pandas.DataFrame
        One row per signal: ``organisation``, ``signal``, ``pct``, ``amount_gbp_m``
        and ``plan_gbp_m`` (NaN when not published), ``basis`` (published, or
        derived from £m figures) and ``year_end_forecast`` (True only for a
        forecast year-end miss, the measure the 24% average is of).

    Examples
    --------
    >>> t = pd.DataFrame({"organisation": ["A", "B", "B"], "period": ["2010-11"] * 3,
    ...                   "measure": ["forecast_miss_pct", "plan", "forecast_miss"],
    ...                   "value": [10.0, 40.0, 10.0]})
    >>> progress_measures(t)[["organisation", "pct", "basis"]].values.tolist()
    [['A', 10.0, 'published'], ['B', 25.0, 'derived']]
    """
    values = _lookup(table)
    rows = []
    for (org, period, measure), value in values.items():
        plan = values.get((org, period, "plan"), np.nan)
        if measure == "forecast_miss_pct":
            rows.append((org, "forecast year-end miss", value, np.nan, plan, PUBLISHED, True))
        elif measure == "forecast_miss" and np.isfinite(plan):
            rows.append(
                (org, "possible year-end miss", 100 * value / plan, value, plan, DERIVED, True)
            )
        elif measure == "at_risk" and np.isfinite(plan):
            rows.append(
                (
                    org,
                    "savings rated high risk of not being made",
                    100 * value / plan,
                    value,
                    plan,
                    DERIVED,
                    False,
                )
            )
        elif measure == "ytd_shortfall_pct":
            rows.append((org, "behind plan, year to date", value, np.nan, plan, PUBLISHED, False))
    return pd.DataFrame(
        rows,
        columns=[
            "organisation",
            "signal",
            "pct",
            "amount_gbp_m",
            "plan_gbp_m",
            "basis",
            "year_end_forecast",
        ],
    )


def implied_others_mean_pct(
    published_mean_pct: float, known_pct: Sequence[float], n_reporting: int
) -> float:
    """Mean the unnamed PCTs must have for ``n_reporting`` PCTs to average the published mean.

    An unweighted mean over ``n_reporting`` PCTs, of which ``known_pct`` are named.

    Raises
    ------
    ValueError
        If ``n_reporting`` does not exceed the number of named PCTs.

    Examples
    --------
    >>> implied_others_mean_pct(24, [10, 48], 4)
    19.0
    """
    k = len(known_pct)
    if n_reporting <= k:
        raise ValueError(f"n_reporting must exceed the {k} named PCT(s), got {n_reporting}")
    return (published_mean_pct * n_reporting - float(sum(known_pct))) / (n_reporting - k)


def others_mean_table(
    published_mean_pct: float,
    known_pct: Sequence[float],
    n_values: Iterable[int],
    floor_pct: float,
    ceiling_pct: float,
) -> pd.DataFrame:
    """For each number of reporting PCTs, the mean the others need and whether it is possible.

    Possible means inside ``[floor_pct, ceiling_pct]``: every reporting PCT's
    miss lies in the published range, so the others' mean must too.

    Examples
    --------
    >>> others_mean_table(24, [10, 48, 37.5], [4, 5], 10, 48)["possible"].tolist()
    [False, True]
    """
    rows = []
    for n in n_values:
        mean = implied_others_mean_pct(published_mean_pct, known_pct, n)
        rows.append((n, n - len(known_pct), mean, bool(floor_pct <= mean <= ceiling_pct)))
    return pd.DataFrame(rows, columns=["n_reporting", "n_unnamed", "unnamed_mean_pct", "possible"])


def min_reporting_for_mean(
    published_mean_pct: float, known_pct: Sequence[float], floor_pct: float, ceiling_pct: float
) -> int:
    """Fewest reporting PCTs for which the published mean is possible (see :func:`others_mean_table`).

    Raises
    ------
    ValueError
        If the published mean lies outside ``[floor_pct, ceiling_pct]``, where
        no number of PCTs can produce it.

    Examples
    --------
    >>> min_reporting_for_mean(24, [10, 48, 37.5], 10, 48)
    5
    """
    if not floor_pct <= published_mean_pct <= ceiling_pct:
        raise ValueError(
            f"a mean of {published_mean_pct:g}% lies outside the range "
            f"{floor_pct:g}%-{ceiling_pct:g}%"
        )
    n = len(known_pct) + 1
    # The others' mean tends to the published mean as n grows, so this ends.
    while not floor_pct <= implied_others_mean_pct(published_mean_pct, known_pct, n) <= ceiling_pct:
        n += 1
    return n


@dataclass(frozen=True)
class Extrapolation:
    """A mean miss applied to a range of challenge sizes, set against a published figure.

    ``shortfall_*`` are the miss applied to each end of the challenge range and
    its midpoint; ``band_*`` the values the published figure admits;
    ``challenge_for_band_low_gbp_bn`` the smallest challenge whose shortfall
    reaches the band (NaN if none in the range) and ``share_of_range_in_band``
    the fraction of the challenge range whose shortfall lies in the band;
    ``challenge_for_published_gbp_bn`` the challenge that gives exactly the
    published figure, and ``miss_for_published_*_pct`` the miss that would give
    it on each end of the range.
    """

    mean_miss_pct: float
    challenge_low_gbp_bn: float
    challenge_high_gbp_bn: float
    published_gbp_bn: float
    band_low_gbp_bn: float
    band_high_gbp_bn: float
    shortfall_low_gbp_bn: float
    shortfall_high_gbp_bn: float
    shortfall_mid_gbp_bn: float
    meets_band: bool
    midpoint_in_band: bool
    challenge_for_band_low_gbp_bn: float
    share_of_range_in_band: float
    challenge_for_published_gbp_bn: float
    miss_for_published_low_pct: float
    miss_for_published_high_pct: float

    def to_dict(self, digits: int = 4) -> dict:
        """Return the fields as a dict, floats rounded to ``digits``."""
        return {k: round(v, digits) if isinstance(v, float) else v for k, v in asdict(self).items()}


def extrapolate_shortfall(
    mean_miss_pct: float,
    challenge_low_gbp_bn: float,
    challenge_high_gbp_bn: float,
    *,
    published_gbp_bn: float,
    band_gbp_bn: tuple[float, float],
) -> Extrapolation:
    """Apply a mean miss to a range of challenge sizes and compare with a published shortfall.

    Parameters
    ----------
    mean_miss_pct : float
        The average miss (per cent of planned savings).
    challenge_low_gbp_bn, challenge_high_gbp_bn : float
        The ends of the efficiency challenge (£bn).
    published_gbp_bn : float
        The shortfall as published.
    band_gbp_bn : (float, float)
        The values the published figure admits (``qipp.derive.tolerance``).

    Raises
    ------
    ValueError
        A non-positive miss, a range whose low end exceeds its high end, or an
        empty band.
    """
    if mean_miss_pct <= 0:
        raise ValueError(f"mean_miss_pct must be positive, got {mean_miss_pct}")
    if not 0 < challenge_low_gbp_bn <= challenge_high_gbp_bn:
        raise ValueError(
            f"need 0 < low <= high, got {challenge_low_gbp_bn} to {challenge_high_gbp_bn}"
        )
    band_low, band_high = (float(b) for b in band_gbp_bn)
    if band_low > band_high:
        raise ValueError(f"band must run low to high, got {band_low} to {band_high}")
    rate = mean_miss_pct / 100.0
    low, high = rate * challenge_low_gbp_bn, rate * challenge_high_gbp_bn
    mid = (low + high) / 2
    # The challenge sizes whose shortfall lies in the band, clipped to the published range.
    in_low = max(challenge_low_gbp_bn, band_low / rate)
    in_high = min(challenge_high_gbp_bn, band_high / rate)
    width = challenge_high_gbp_bn - challenge_low_gbp_bn
    meets = in_low <= in_high
    if width > 0:
        share = max(0.0, in_high - in_low) / width
    else:
        share = 1.0 if meets else 0.0
    return Extrapolation(
        mean_miss_pct=float(mean_miss_pct),
        challenge_low_gbp_bn=float(challenge_low_gbp_bn),
        challenge_high_gbp_bn=float(challenge_high_gbp_bn),
        published_gbp_bn=float(published_gbp_bn),
        band_low_gbp_bn=band_low,
        band_high_gbp_bn=band_high,
        shortfall_low_gbp_bn=low,
        shortfall_high_gbp_bn=high,
        shortfall_mid_gbp_bn=mid,
        meets_band=bool(meets),
        midpoint_in_band=bool(band_low <= mid <= band_high),
        challenge_for_band_low_gbp_bn=float(in_low) if meets else float("nan"),
        share_of_range_in_band=float(share),
        challenge_for_published_gbp_bn=float(published_gbp_bn / rate),
        miss_for_published_low_pct=float(100.0 * published_gbp_bn / challenge_high_gbp_bn),
        miss_for_published_high_pct=float(100.0 * published_gbp_bn / challenge_low_gbp_bn),
    )


def extrapolation_curve(ext: Extrapolation, challenge_gbp_bn: Iterable[float]) -> pd.DataFrame:
    """The shortfall the mean miss gives at each challenge size, and whether it is in the band.

    Examples
    --------
    >>> ext = extrapolate_shortfall(24, 15, 20, published_gbp_bn=5, band_gbp_bn=(4.5, 5.5))
    >>> extrapolation_curve(ext, [15, 20])["in_band"].tolist()
    [False, True]
    """
    challenge = np.asarray(list(challenge_gbp_bn), dtype=float)
    shortfall = ext.mean_miss_pct / 100.0 * challenge
    return pd.DataFrame(
        {
            "challenge_gbp_bn": challenge,
            "shortfall_gbp_bn": shortfall,
            "in_band": (shortfall >= ext.band_low_gbp_bn) & (shortfall <= ext.band_high_gbp_bn),
        }
    )


def unidentified_savings(table: pd.DataFrame) -> pd.DataFrame:
    """Savings not yet identified, as a share of the plan of the same organisation and period.

    Returns
    -------
    pandas.DataFrame
        ``organisation``, ``period``, ``plan_gbp_m``, ``unidentified_gbp_m``,
        ``unidentified_pct`` (derived), ``published_pct`` (NaN if none) and
        ``agrees``: whether the derived share rounds to the published one at the
        step it was stated to (None when the table has no ``precision`` column).

    Examples
    --------
    >>> t = pd.DataFrame({"organisation": ["N"] * 3, "period": ["2010-11"] * 3,
    ...                   "measure": ["plan", "unidentified", "unidentified_pct"],
    ...                   "value": [40.0, 10.0, 25.0], "precision": [0.1, 1.0, 1.0]})
    >>> unidentified_savings(t)[["unidentified_pct", "published_pct", "agrees"]].values.tolist()
    [[25.0, 25.0, True]]
    """
    values = _lookup(table)
    precisions = (
        {
            (o, p, m): float(x)
            for o, p, m, x in table.loc[
                :, ["organisation", "period", "measure", "precision"]
            ].itertuples(index=False)
        }
        if "precision" in table.columns
        else {}
    )
    rows = []
    for (org, period, measure), amount in values.items():
        if measure != "unidentified":
            continue
        plan = values.get((org, period, "plan"))
        if plan is None:
            raise ValueError(
                f"{org} ({period}) has unidentified savings but no plan to set them against"
            )
        derived = 100 * amount / plan
        published = values.get((org, period, "unidentified_pct"), np.nan)
        step = precisions.get((org, period, "unidentified_pct"), np.nan)
        # Agrees when the derived share rounds to the published one at its stated step.
        agrees = bool(abs(derived - published) <= step / 2) if np.isfinite(step) else None
        rows.append((org, period, plan, amount, derived, published, agrees))
    return pd.DataFrame(
        rows,
        columns=[
            "organisation",
            "period",
            "plan_gbp_m",
            "unidentified_gbp_m",
            "unidentified_pct",
            "published_pct",
            "agrees",
        ],
    )


def savings_mix(table: pd.DataFrame) -> pd.DataFrame:
    """Each published share of a plan, and each share computable from a £m part of it.

    Returns
    -------
    pandas.DataFrame
        ``organisation``, ``period``, ``category``, ``share_pct``, ``basis``
        (published share, or derived from a £m part), ``plan_gbp_m`` (NaN if no
        plan for that period) and ``amount_gbp_m`` (the published part, or the
        share times the plan).

    Examples
    --------
    >>> t = pd.DataFrame({"organisation": ["C"] * 3, "period": ["2010-11"] * 3,
    ...                   "measure": ["plan", "prescribing_share_pct", "prescribing_saving"],
    ...                   "value": [40.0, 30.0, 10.0]})
    >>> savings_mix(t)[["share_pct", "basis", "amount_gbp_m"]].values.tolist()
    [[30.0, 'published', 12.0], [25.0, 'derived', 10.0]]
    """
    values = _lookup(table)
    rows = []
    for (org, period, measure), value in values.items():
        plan = values.get((org, period, "plan"), np.nan)
        if measure in SHARE_MEASURES:
            rows.append(
                (org, period, SHARE_MEASURES[measure], value, PUBLISHED, plan, value / 100 * plan)
            )
        elif measure in PART_MEASURES:
            if not np.isfinite(plan):
                raise ValueError(
                    f"{org} ({period}) has a £m {measure} but no plan to set it against"
                )
            rows.append(
                (org, period, PART_MEASURES[measure], 100 * value / plan, DERIVED, plan, value)
            )
    return pd.DataFrame(
        rows,
        columns=[
            "organisation",
            "period",
            "category",
            "share_pct",
            "basis",
            "plan_gbp_m",
            "amount_gbp_m",
        ],
    )


def mix_discrepancies(mix: pd.DataFrame, half_step_pct_points: float = 0.5) -> pd.DataFrame:
    """Where a published share and the share its £m amount gives are both known, set them side by side.

    Parameters
    ----------
    mix : pandas.DataFrame
        From :func:`savings_mix`.
    half_step_pct_points : float
        Half the step the published shares are stated to (whole per cents: 0.5);
        a gap wider than this is beyond the published share's rounding.

    Returns
    -------
    pandas.DataFrame
        ``organisation``, ``period``, ``category``, ``published_pct``,
        ``derived_pct``, ``gap_pct_points`` (derived minus published),
        ``beyond_rounding``, ``plan_gbp_m``, ``published_amount_gbp_m`` and
        ``amount_at_published_pct_gbp_m``.

    Examples
    --------
    >>> t = pd.DataFrame({"organisation": ["C"] * 3, "period": ["2010-11"] * 3,
    ...                   "measure": ["plan", "prescribing_share_pct", "prescribing_saving"],
    ...                   "value": [40.0, 30.0, 10.0]})
    >>> mix_discrepancies(savings_mix(t))[["published_pct", "derived_pct", "gap_pct_points"]].values.tolist()
    [[30.0, 25.0, -5.0]]
    """
    keys = ["organisation", "period", "category"]
    published = mix[mix["basis"] == PUBLISHED].set_index(keys)
    derived = mix[mix["basis"] == DERIVED].set_index(keys)
    both = published.merge(
        derived, how="inner", left_index=True, right_index=True, suffixes=("_pub", "_der")
    )
    out = pd.DataFrame(
        {
            "published_pct": both["share_pct_pub"],
            "derived_pct": both["share_pct_der"],
            "gap_pct_points": both["share_pct_der"] - both["share_pct_pub"],
            "beyond_rounding": (both["share_pct_der"] - both["share_pct_pub"]).abs()
            > half_step_pct_points,
            "plan_gbp_m": both["plan_gbp_m_der"],
            "published_amount_gbp_m": both["amount_gbp_m_der"],
            "amount_at_published_pct_gbp_m": both["amount_gbp_m_pub"],
        }
    )
    return out.reset_index()


def _pct_list(values: Sequence[float]) -> str:
    """Join percentages in words: ``10%, 48% and 37.5%``."""
    texts = [f"{v:.3g}%" for v in values]
    return texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + " and " + texts[-1]


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
        From :func:`extrapolate_shortfall`.
    range_pct : (float, float)
        The published smallest and largest forecast misses.
    year_end_misses_pct : sequence of float
        The year-end misses the article gives or lets us compute, one per PCT.
    min_reporting : int
        From :func:`min_reporting_for_mean`.

    Examples
    --------
    >>> ext = extrapolate_shortfall(24, 15, 20, published_gbp_bn=5, band_gbp_bn=(4.5, 5.5))
    >>> pct_progress_verdict(ext, (10, 48), [10, 48], 3).split(":")[0]
    "Reproduced only at the top of the article's own range"
    """
    if ext.meets_band and ext.midpoint_in_band:
        lead = "Reproduced"
    elif ext.meets_band:
        lead = "Reproduced only at the top of the article's own range"
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
            f"; only a challenge of £{ext.challenge_for_band_low_gbp_bn:.2f}bn or more "
            f"(the top {100 * ext.share_of_range_in_band:.0f}% of the range) reaches "
            f"that band, and £{ext.published_gbp_bn:g}bn itself needs a "
            f"{ext.mean_miss_pct:g}% miss on £{ext.challenge_for_published_gbp_bn:.1f}bn "
            f"or a {ext.miss_for_published_low_pct:.1f}% miss on "
            f"£{ext.challenge_high_gbp_bn:g}bn."
        )
    else:
        parts.append(".")
    parts.append(
        f" The {ext.mean_miss_pct:g}% average cannot be recomputed: the article gives "
        f"{len(year_end_misses_pct)} PCTs' year-end misses ("
        f"{_pct_list(year_end_misses_pct)}), all within its {range_pct[0]:g}%-"
        f"{range_pct[1]:g}% range, and the average is possible only if at least "
        f"{min_reporting} PCTs reported one."
    )
    return "".join(parts)


def reconciliation_sentences(unidentified: pd.DataFrame, discrepancies: pd.DataFrame) -> str:
    """Say which shares agree with the amounts beside them and which do not, beyond rounding.

    Parameters
    ----------
    unidentified : pandas.DataFrame
        From :func:`unidentified_savings`.
    discrepancies : pandas.DataFrame
        From :func:`mix_discrepancies`; only rows ``beyond_rounding`` are reported.

    Examples
    --------
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
