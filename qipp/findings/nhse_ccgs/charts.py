"""Charts of NHS England against CCGs at Q1 2013-14 (notebook 04).

:func:`commissioner_stages_chart` sets ambition, position at the end of June and
the year-end forecast side by side for each kind of commissioner;
:func:`service_area_gap_chart` shows NHS England's forecast gap by service area.
Both take the tables of :mod:`qipp.findings.nhse_ccgs.calc` as they come.

Examples
--------
>>> import matplotlib.pyplot as plt
>>> import pandas as pd
>>> comparison = pd.DataFrame({"CCGs": [2.6, 11.0, 4.5], "NHS England": [1.4, 9.2, 12.9]},
...                           index=list(STAGES))
>>> fig = commissioner_stages_chart(comparison, source="HSJ")
>>> [t.get_text() for t in fig.axes[0].get_xticklabels()][0]
'Plan\\n(% of budget or allocation)'
>>> plt.close(fig)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd
from matplotlib.figure import Figure

from qipp.plotting.bars import bar_compare, shortfall_by_quarter_chart

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
) -> Figure:
    """Grouped bars: one group per stage (:data:`STAGES`), one bar per commissioner.

    Parameters
    ----------
    comparison : pandas.DataFrame
        Indexed by measure, one column per commissioner
        (:func:`qipp.findings.nhse_ccgs.calc.commissioner_comparison`).
    source : str
        The source line.
    title : str
        The chart's title.

    Raises
    ------
    KeyError
        If a measure of :data:`STAGES` is not in ``comparison``.
    """
    missing = [m for m in STAGES if m not in comparison.index]
    if missing:
        raise KeyError(f"comparison lacks measure(s) {', '.join(missing)}")
    long = (
        comparison.loc[list(STAGES)]
        .rename(index=STAGES)
        .rename_axis("stage")
        .reset_index()
        .melt(id_vars="stage", var_name="organisation", value_name="pct")
    )
    fig = shortfall_by_quarter_chart(
        long,
        quarter_column="stage",
        group_column="organisation",
        value_column="pct",
        value_label="Per cent",
        source=source,
        title=title,
    )
    fig.axes[0].set_xlabel("")  # the stage names under the bars say what each group is
    return fig


def service_area_gap_chart(
    breakdown: pd.DataFrame,
    labels: Mapping[str, str],
    *,
    source: str,
    highlight: Iterable[str] = ("primary_care", "public_health"),
    title: str = "NHS England's forecast QIPP gap by service area, Q1 2013-14",
) -> Figure:
    """Horizontal bars of each service area's forecast gap as a share of its own plan.

    Parameters
    ----------
    breakdown : pandas.DataFrame
        Indexed by service area, with ``forecast_shortfall_pct``
        (:func:`qipp.findings.nhse_ccgs.calc.service_area_breakdown`).
    labels : mapping
        Service area to the name shown; an area not named shows its key.
    source : str
        The source line.
    highlight : iterable of str
        Service areas drawn in orange (the ones the article names).
    title : str
        The chart's title.
    """
    names = [labels.get(a, a) for a in breakdown.index]
    return bar_compare(
        names,
        breakdown["forecast_shortfall_pct"],
        unit="Forecast year-end QIPP gap (% of the area's plan)",
        title=title,
        highlight=[labels.get(a, a) for a in highlight],
        source=source,
    )
