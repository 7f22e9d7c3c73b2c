"""PCTs' progress on QIPP in 2010-11 (notebook 05_pct_progress_2010).

HSJ ("PCTs make slow progress with QIPP", 2010-11) read the progress reports of
more than 20 primary care trusts: forecast misses from 10% to 48% of planned
savings, 24% on average, which it extrapolated to "around £5bn" short of the
£15bn-£20bn efficiency challenge. These functions work on the tidy table
``pct_plans_2010_11`` (one row per organisation, period and measure, values from
the ledger): the misses and other progress signals, unidentified savings, and
the savings mix with the shares that do not reconcile with the amounts beside
them.

What the published average implies for the PCTs not named, the extrapolation
and where the published shortfall sits in it are arithmetic on published figures,
in :mod:`qipp.findings.pct_progress.average`, fed from the ledger by
:mod:`qipp.findings.pct_progress.claims`; the sentences that report them are in
:mod:`qipp.findings.pct_progress.text`. All are re-exported here, so the notebook
imports the whole toolkit from one place (the examples live with them).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from qipp.findings.pct_progress.average import (
    Extrapolation,
    extrapolate_shortfall,
    extrapolation_curve,
    implied_others_mean_pct,
    min_reporting_for_mean,
    others_mean_table,
)
from qipp.findings.pct_progress.claims import (
    ARTICLE,
    EXTRAPOLATED_ID,
    MEAN_ID,
    RANGE_IDS,
    AverageCheck,
    article_extrapolation,
    average_check,
)
from qipp.findings.pct_progress.text import (
    assumptions_paragraph,
    average_sentence,
    band_sentence,
    claim_paragraph,
    inconsistent_notes,
    pct_progress_verdict,
    reconciliation_sentences,
)

__all__ = [
    "ARTICLE",
    "DERIVED",
    "EXTRAPOLATED_ID",
    "MEAN_ID",
    "PART_MEASURES",
    "PUBLISHED",
    "RANGE_IDS",
    "SHARE_MEASURES",
    "AverageCheck",
    "Extrapolation",
    "article_extrapolation",
    "assumptions_paragraph",
    "average_check",
    "average_sentence",
    "band_sentence",
    "claim_paragraph",
    "extrapolate_shortfall",
    "extrapolation_curve",
    "implied_others_mean_pct",
    "inconsistent_notes",
    "min_reporting_for_mean",
    "mix_discrepancies",
    "others_mean_table",
    "pct_progress_verdict",
    "progress_measures",
    "reconciliation_sentences",
    "savings_mix",
    "unidentified_savings",
]

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
