"""The tables of notebook 04 as a reader sees them, through :func:`qipp.display.table`.

Each function takes a result of :mod:`qipp.findings.nhse_ccgs.calc` (or the
scorecard) and returns a :class:`qipp.display.Table` with headers in words and
units, fixed decimals, a dash for what is not published, and a caption naming
the source. Rows of different units (the side-by-side comparison, the fund)
are formatted row by row, each figure with its own unit.

Examples
--------
>>> fund = pd.DataFrame({"value": [26.714], "low": [25.759], "high": [27.741],
...                      "unit": ["GBP_bn"], "basis": ["implied"]},
...                     index=pd.Index(["budget"], name="measure"))
>>> print(nr_fund_table(fund, source="HSJ").cells.to_string(index=False))
Measure  Central Low (rounding) High (rounding)   Basis
 Budget £26.71bn       £25.76bn        £27.74bn implied
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd

from qipp.display import Table, table
from qipp.ledger.wording import as_published

# The comparison's rows: header (with unit) and format, in the order shown.
COMPARISON_ROWS: dict[str, tuple[str, str]] = {
    "plan_gbp_m": ("Planned savings (£m)", ",.0f"),
    "plan_pct_of_resources": ("Planned savings (% of budget or allocations)", ".1f"),
    "implied_resources_gbp_bn": ("Budget or allocations the plan implies (£bn)", ",.1f"),
    "ytd_shortfall_pct": ("Behind plan at the end of June (% of plan to date)", "g"),
    "forecast_shortfall_gbp_m": ("Forecast year-end gap (£m)", ",.1f"),
    "forecast_shortfall_pct_published": ("Forecast gap as published (% of plan)", "g"),
    "forecast_shortfall_pct": ("Forecast gap recomputed (% of plan)", ".2f"),
    "ytd_to_forecast_change_pp": ("Change, end of June to forecast (points)", "+.1f"),
    "forecast_delivery_gbp_m": ("Forecast savings delivered (£m)", ",.1f"),
    "forecast_delivery_pct_of_resources": ("Forecast savings delivered (% of resources)", ".2f"),
    "forecast_shortfall_pct_of_resources": ("Forecast gap (% of resources)", ".3f"),
}
SERVICE_AREA_LABELS: dict[str, str] = {
    "all": "NHS England, all areas",
    "primary_care": "Primary care",
    "public_health": "Public health",
    "rest": "All but primary care (implied)",
}
# Precision each unit's derived figures are shown to (as_published's step).
_SHOWN_STEP = {"GBP_bn": 0.01, "GBP_m": 0.1, "pct": 0.01, "ratio": 0.01, "count": 1.0}


def _number(value: Any) -> float:
    """A table cell as a float (pandas types a cell as any scalar, so say which it is)."""
    return float(value)


def _right_aligned(shown: Table, columns: tuple[str, ...]) -> Table:
    """Right-align columns of numbers that were formatted to text row by row."""
    return dataclasses.replace(shown, numeric=columns)


def published_figures_table(
    card: pd.DataFrame, claims: pd.DataFrame, source_id: str, source: str
) -> Table:
    """Every figure one article states: who it is about, as published, status and recomputed value.

    Parameters
    ----------
    card : pandas.DataFrame
        The scorecard (:func:`qipp.derive.scorecard`), one row per claim.
    claims : pandas.DataFrame
        The ledger, for each claim's ``scope``.
    source_id : str
        The article's id in ``data/sources.csv``.
    source : str
        How to cite it (:func:`qipp.ledger.cite`).
    """
    scope = dict(zip(claims["id"], claims["scope"], strict=True))
    rows = card.loc[card["source"] == source_id]
    frame = pd.DataFrame(
        {
            "scope": [scope[i] for i in rows["id"]],
            "quantity": rows["quantity"].to_numpy(),
            "as_published": rows["as_published"].to_numpy(),
            "status": rows["status"].to_numpy(),
            "recomputed": [
                None if pd.isna(v) else as_published(float(v), u, _SHOWN_STEP.get(u, 0.01))
                for v, u in zip(rows["derived_value"], rows["unit"], strict=True)
            ],
        }
    )
    return table(
        frame,
        labels={
            "scope": "Organisation",
            "quantity": "Figure",
            "as_published": "As published",
            "status": "Status",
            "recomputed": "Recomputed from other figures",
        },
        caption=f"Source: {source}. Figures: the ledger (data/claims.csv); status: "
        "qipp.derive.scorecard().",
    )


def comparison_table(comparison: pd.DataFrame, source: str) -> Table:
    """CCGs and NHS England side by side, one row per measure, each in its own unit.

    Parameters
    ----------
    comparison : pandas.DataFrame
        From :func:`qipp.findings.nhse_ccgs.calc.commissioner_comparison`.
    source : str
        How to cite the article (:func:`qipp.ledger.cite`).
    """
    organisations = tuple(str(c) for c in comparison.columns)
    frame = pd.DataFrame(
        [
            [label, *(format(_number(comparison.loc[measure, o]), spec) for o in organisations)]
            for measure, (label, spec) in COMPARISON_ROWS.items()
        ],
        columns=["Measure", *organisations],
    )
    caption = (
        f"Source: {source}. Figures: data/tables/commissioner_position_1314.csv via the "
        "ledger; implied and recomputed rows: qipp.findings.nhse_ccgs.calc.commissioner_comparison."
    )
    return _right_aligned(table(frame, caption=caption), organisations)


def service_area_table(breakdown: pd.DataFrame, source: str) -> Table:
    """NHS England's service areas: plan, forecast gap, shares of the whole, and the basis.

    Parameters
    ----------
    breakdown : pandas.DataFrame
        From :func:`qipp.findings.nhse_ccgs.calc.service_area_breakdown`.
    source : str
        How to cite the article (:func:`qipp.ledger.cite`).
    """
    frame = breakdown.reset_index()
    frame["service_area"] = [SERVICE_AREA_LABELS.get(a, a) for a in frame["service_area"]]
    one_decimal = ",.1f"
    return table(
        frame,
        labels={
            "service_area": "Service area",
            "plan_gbp_m": "Plan (£m)",
            "forecast_shortfall_gbp_m": "Forecast gap (£m)",
            "forecast_shortfall_pct": "Forecast gap (% of the area's plan)",
            "share_of_plan_pct": "Share of NHS England's plan (%)",
            "share_of_shortfall_pct": "Share of NHS England's gap (%)",
            "basis": "Basis",
        },
        formats={
            "plan_gbp_m": one_decimal,
            "forecast_shortfall_gbp_m": one_decimal,
            "forecast_shortfall_pct": ".2f",
            "share_of_plan_pct": one_decimal,
            "share_of_shortfall_pct": one_decimal,
        },
        caption=f"Source: {source}. Figures: data/tables/nhse_q1_1314_by_service_area.csv via "
        "the ledger; implied rows: qipp.findings.nhse_ccgs.calc.service_area_breakdown. A dash: "
        "not published, and not implied by what is.",
    )


def nr_fund_table(fund: pd.DataFrame, source: str) -> Table:
    """The non-recurrent fund's figures, each with its unit and its range over the rounding.

    Parameters
    ----------
    fund : pandas.DataFrame
        From :func:`qipp.findings.nhse_ccgs.calc.nr_fund_context` (indexed by measure).
    source : str
        How to cite the article (:func:`qipp.ledger.cite`).
    """
    shown = ("value", "low", "high")
    frame = pd.DataFrame(
        {
            "measure": [str(m)[:1].upper() + str(m)[1:] for m in fund.index],
            **{
                column: [
                    as_published(float(v), u, _SHOWN_STEP.get(u, 0.01))
                    for v, u in zip(fund[column], fund["unit"], strict=True)
                ]
                for column in shown
            },
            "basis": fund["basis"].to_numpy(),
        }
    )
    labels = {
        "measure": "Measure",
        "value": "Central",
        "low": "Low (rounding)",
        "high": "High (rounding)",
        "basis": "Basis",
    }
    caption = (
        f"Source: {source}. Figures: the ledger; implied rows: "
        "qipp.findings.nhse_ccgs.calc.nr_fund_context. Low and high: over the rounding of the "
        "published inputs (the national rule's share taken as exact)."
    )
    return _right_aligned(
        table(frame, labels=labels, caption=caption), tuple(labels[c] for c in shown)
    )
