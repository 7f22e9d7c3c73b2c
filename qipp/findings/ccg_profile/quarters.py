"""A CCG's position quarter by quarter, and the quarter a profile's figures are of.

A panel without a ``quarter`` column is a Q1 2013-14 return, as it always was.

>>> Period().name, Period("2013-14 Q2").to_date, Period("2013-14 Q4").to_date
('Q1 2013-14', 'April to September 2013', 'April 2013 to March 2014')
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from qipp.display import ShownAsTable, Table, table
from qipp.panel.quarters import quarters
from qipp.plotting import Chart, shortfall_by_quarter_chart

# The month a quarter's year-to-date figures run to (the NHS year starts in April).
QUARTER_ENDS = {1: "June", 2: "September", 3: "December", 4: "March"}
# The history's columns (money in £m, shares in %), in the order shown.
HISTORY_LABELS = {
    "quarter": "Quarter",
    "ytd_plan_gbp_m": "Planned to date (£m)",
    "ytd_actual_gbp_m": "Delivered to date (£m)",
    "ytd_shortfall_pct": "Shortfall to date (% of plan to date)",
    "qipp_plan_gbp_m": "Full-year plan (£m)",
    "forecast_outturn_gbp_m": "Forecast outturn (£m)",
    "forecast_gap_pct": "Forecast gap (% of full-year plan)",
}
# The bars of each quarter's group in the chart.
BARS = {
    "ytd_plan_gbp_m": "Planned to date",
    "ytd_actual_gbp_m": "Delivered to date",
    "qipp_plan_gbp_m": "Full-year plan",
    "forecast_outturn_gbp_m": "Forecast outturn",
}


@dataclass(frozen=True)
class Period:
    """The quarter a profile's figures are of, a label like ``2013-14 Q2``."""

    label: str = "2013-14 Q1"

    @property
    def short(self) -> str:
        return self.label[-2:]

    @property
    def name(self) -> str:
        return f"{self.short} {self.label[:7]}"

    @property
    def to_date(self) -> str:
        first = int(self.label[:4])
        end = QUARTER_ENDS[int(self.label[-1])]
        return (
            f"April {first} to {end} {first + 1}" if end == "March" else f"April to {end} {first}"
        )


def period_of(panel: pd.DataFrame) -> Period:
    """The latest quarter of ``panel``, or Q1 2013-14 when it has no ``quarter`` column."""
    found = quarters(panel)
    return Period(found[-1]) if found else Period()


@dataclass(frozen=True)
class QuarterHistory(ShownAsTable):
    """One CCG's figures for each quarter of the panel (:data:`HISTORY_LABELS`; NaN: no return)."""

    ccg_code: str
    frame: pd.DataFrame

    def as_table(self, caption: str | None = None) -> Table:
        """Each quarter's plan, delivery and forecast; a dash where the CCG made no return."""
        formats = {c: ",.2f" if c.endswith("_gbp_m") else ".1f" for c in list(HISTORY_LABELS)[1:]}
        title = f"{self.ccg_code}: QIPP savings by quarter of report"
        return table(
            self.frame, labels=HISTORY_LABELS, formats=formats, caption=caption, title=title
        )

    def chart(self, source: str, synthetic: bool = False) -> Chart:
        """Grouped bars: each quarter's plan and delivery to date, full-year plan and forecast."""
        long = self.frame.dropna().melt("quarter", list(BARS), "measure", "gbp_m")
        return shortfall_by_quarter_chart(
            long.assign(measure=long["measure"].map(BARS)),
            source=source,
            synthetic=synthetic,
            group_column="measure",
            value_column="gbp_m",
            value_label="QIPP savings (£m)",
            value_format="{:,.2f}",
            title=f"{self.ccg_code}: QIPP savings planned, delivered and forecast by quarter",
            category_label="Quarter of report",
        )

    def change_sentence(self) -> str:
        """How the forecast gap moved from the first quarter to the last (or why it cannot say)."""
        first, last = self.frame.iloc[0], self.frame.iloc[-1]
        lacking = [r["quarter"] for r in (first, last) if pd.isna(r["forecast_gap_pct"])]
        if lacking:
            return (
                f"{self.ccg_code} has no return for {' or '.join(lacking)}, so the change in "
                "its forecast gap cannot be given."
            )
        change = last["forecast_gap_pct"] - first["forecast_gap_pct"]
        moved = f"{'widened' if change > 0 else 'narrowed'} by {abs(change):.1f} percentage points"
        return (
            f"Its forecast gap was {first['forecast_gap_pct']:.1f}% of its full-year plan at "
            f"{first['quarter']} and {last['forecast_gap_pct']:.1f}% at {last['quarter']}: it "
            f"{moved if round(change, 1) else 'did not change'}."
        )


def quarter_history(panel: pd.DataFrame, ccg_code: str) -> QuarterHistory | None:
    """``ccg_code``'s row in each quarter of a measured long ``panel``; None with fewer than two."""
    found = quarters(panel)
    if len(found) < 2:
        return None
    rows = panel.loc[panel["ccg_code"] == ccg_code, list(HISTORY_LABELS)].set_index("quarter")
    return QuarterHistory(str(ccg_code), rows.reindex(found).rename_axis("quarter").reset_index())
