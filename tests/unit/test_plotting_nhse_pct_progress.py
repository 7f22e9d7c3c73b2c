"""The charts of notebooks 04 and 05: each returns a Chart (figure, text, data), closed after the test."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # before pyplot is imported; the environment variable is left alone

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from qipp.findings.nhse_ccgs.charts import STAGES, commissioner_stages_chart, service_area_gap_chart
from qipp.findings.pct_progress.average import extrapolate_shortfall
from qipp.findings.pct_progress.calc import Discrepancies, Progress, SavingsMix
from qipp.findings.pct_progress.charts import (
    extrapolation_chart,
    forecast_misses_chart,
    savings_mix_chart,
)
from qipp.plotting.style import ORANGE, SOURCE_GID

COMPARISON = pd.DataFrame(
    {"CCGs": [2.5, 10.0, 5.0, 99.0], "NHS England": [1.6, 8.0, 15.0, 99.0]},
    index=[*STAGES, "plan_gbp_m"],
)
BREAKDOWN = pd.DataFrame(
    {"forecast_shortfall_pct": [15.0, 20.0, 40.0, 13.3]},
    index=["all", "primary_care", "public_health", "rest"],
)
PROGRESS = Progress(
    pd.DataFrame(
        {
            "organisation": ["A", "B", "C"],
            "pct": [10.0, 40.0, 70.0],
            "basis": ["published", "derived", "published"],
            "year_end_forecast": [True, True, False],
        }
    )
)
MIX = SavingsMix(
    pd.DataFrame(
        {
            "organisation": ["NHS C", "NHS C", "NHS D"],
            "category": ["prescribing", "prescribing", "cuts"],
            "period": ["2010-11"] * 3,
            "basis": ["derived", "published", "derived"],
            "share_pct": [20.0, 25.0, 55.0],
        }
    )
)
DISCREPANCIES = Discrepancies(
    pd.DataFrame(
        {"organisation": ["NHS C"], "category": ["prescribing"], "beyond_rounding": [True]}
    )
)


@pytest.fixture
def figure():
    """Hold the figure a test builds and close it afterwards, even if the test fails."""
    made: list[Figure] = []
    yield made.append
    for fig in made:
        plt.close(fig)


def _source_line(fig: Figure) -> str:
    return next(t.get_text() for t in fig.texts if t.get_gid() == SOURCE_GID)


def _bar_colours(fig: Figure) -> list[str]:
    return [to_hex(bar.get_facecolor()) for bar in fig.axes[0].patches]


def test_commissioner_stages_chart(figure):
    chart = commissioner_stages_chart(COMPARISON, source="HSJ")
    fig = chart.figure
    figure(fig)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == list(STAGES.values())
    assert ax.get_xlabel() == "" and len(ax.patches) == len(STAGES) * 2
    assert _source_line(fig) == "Source: HSJ"
    with pytest.raises(KeyError, match="comparison lacks measure"):
        commissioner_stages_chart(COMPARISON.drop(index="ytd_shortfall_pct"), source="x")


def test_service_area_gap_chart_labels_and_highlights(figure):
    labels = {"all": "All", "primary_care": "Primary care", "public_health": "Public health"}
    chart = service_area_gap_chart(BREAKDOWN, labels, source="HSJ")
    fig = chart.figure
    figure(fig)
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert ticks == ["rest", "Public health", "Primary care", "All"]  # top to bottom, as given
    assert _bar_colours(fig).count(ORANGE) == 2


def test_forecast_misses_chart_draws_year_end_misses_and_the_average(figure):
    chart = forecast_misses_chart(PROGRESS, 24.0, source="HSJ")
    fig = chart.figure
    figure(fig)
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()][::-1]
    assert ticks == ["A (published)", "B (derived)", "Average of the PCTs reporting (published)"]
    assert _bar_colours(fig)[0] == ORANGE  # drawn bottom-up: the average comes first


def test_extrapolation_chart_marks_the_band_and_where_it_is_reached(figure):
    ext = extrapolate_shortfall(20, 5, 25, published_gbp_bn=4, band_gbp_bn=(3.6, 4.4))
    chart = extrapolation_chart(ext, source="HSJ")
    fig = chart.figure
    figure(fig)
    ax = fig.axes[0]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Band reached from £18.00bn" in legend
    assert "Shortfall at a 20% miss" in legend and len(legend) == 4
    assert ax.get_xlabel() == "Efficiency challenge to 2014 (£bn)"
    assert ax.get_title(loc="left").startswith("A 20% miss applied to the £5bn-£25bn")
    assert _source_line(fig) == "Source: HSJ"
    missed = extrapolate_shortfall(5, 5, 25, published_gbp_bn=4, band_gbp_bn=(3.6, 4.4))
    chart = extrapolation_chart(missed, source="HSJ")
    fig = chart.figure
    figure(fig)
    assert not any(
        t.get_text().startswith("Band reached") for t in fig.axes[0].get_legend().get_texts()
    )


def test_savings_mix_chart_highlights_the_share_beyond_rounding(figure):
    chart = savings_mix_chart(MIX, DISCREPANCIES, source="HSJ")
    fig = chart.figure
    figure(fig)
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()][::-1]
    assert ticks[0] == "C: prescribing\n(2010-11, derived)"
    assert _bar_colours(fig)[::-1] == [ORANGE, ORANGE, _bar_colours(fig)[0]]
    assert _bar_colours(fig)[0] != ORANGE
