"""Charts of NHS England against CCGs at Q1 2013-14 (notebook 04)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from qipp.findings.nhse_ccgs.calc import SERVICE_AREA_LABELS
from qipp.plotting.bars import bar_compare, shortfall_by_quarter_chart
from qipp.plotting.chart import Chart

# The comparison's measures drawn, and how each stage reads under its bars.
STAGES: dict[str, str] = {
    "plan_pct_of_resources": "Plan\n(% of budget or allocation)",
    "ytd_shortfall_pct": "Behind plan, end of June\n(% of plan to date)",
    "forecast_shortfall_pct": "Forecast year-end gap\n(% of full-year plan)",
}


def commissioner_stages_chart(
    comparison: pd.DataFrame,
    *,
    source: str,
    title: str = "QIPP ambition, position and forecast: CCGs and NHS England, Q1 2013-14",
) -> Chart:
    """Grouped bars: one group per stage (:data:`STAGES`), one bar per commissioner.

    ``comparison`` is indexed by measure, one column per commissioner (``Comparison.frame``).
    """
    missing = [m for m in STAGES if m not in comparison.index]
    if missing:
        raise KeyError(f"comparison lacks measure(s) {', '.join(missing)}")
    stages = comparison.loc[list(STAGES)].rename(index=STAGES).rename_axis("stage")
    long = stages.reset_index().melt(id_vars="stage", var_name="organisation", value_name="pct")
    return shortfall_by_quarter_chart(
        long,
        quarter_column="stage",
        group_column="organisation",
        value_column="pct",
        value_label="Per cent",
        source=source,
        title=title,
        category_label=None,  # the stage names under the bars say what each group is
    )


def service_area_gap_chart(
    areas: pd.DataFrame,
    labels: Mapping[str, str] = SERVICE_AREA_LABELS,
    *,
    source: str,
    highlight: Iterable[str] = ("primary_care", "public_health"),
    title: str = "NHS England's forecast QIPP gap by service area, Q1 2013-14",
) -> Chart:
    """Horizontal bars of each service area's forecast gap as a share of its own plan.

    ``areas`` is ``ServiceAreas.frame``; ``highlight`` (orange, hatched) are the areas the article names.
    """
    return bar_compare(
        [labels.get(a, a) for a in areas.index],
        areas["forecast_shortfall_pct"],
        unit="Forecast year-end QIPP gap (% of the area's plan)",
        title=title,
        highlight=[labels.get(a, a) for a in highlight],
        highlight_label="Areas the article names",
        source=source,
    )
