"""Charts describe themselves: the figures a text names, each chart's text from small frames, show().

Each chart's text alternative is checked word for word on a hand-built frame, and the
figures it names against the chart's own table (decision 0038).
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # before pyplot is imported; the environment variable is left alone

import IPython
import IPython.display
import matplotlib.pyplot as plt
import pandas as pd
import pytest

from qipp import plotting
from qipp.display import table
from qipp.findings.claims.charts import scorecard_chart
from qipp.findings.pct_progress.average import extrapolate_shortfall
from qipp.findings.pct_progress.charts import extrapolation_chart
from qipp.findings.savings_profile.charts import annual_profile_chart, profile_trend_chart
from qipp.findings.target_gap import charts as target_gap_charts
from qipp.findings.target_gap.checks import PowerAnalysis
from qipp.plotting.chart import SUMMARY, Chart, attach, figures, table_figures

PANEL = pd.DataFrame(
    {
        "ccg_code": ["11J", "07H", "S003", "S004", "S005"],
        "ccg_name": ["NHS Dorset CCG", "NHS West Essex CCG", "CCG 3", "CCG 4", "CCG 5"],
        "plan_pct_of_allocation": [0.28, 6.44, 2.47, 2.1, 2.4],
        "forecast_gap_pct": [0.0, 12.5, 0.0, 3.2, 25.0],
    }
)
YEARS = ["2011-12", "2012-13", "2013-14", "2014-15"]


def chart_of(chart: Chart) -> Chart:
    """The chart, its figure closed (only its text and tables are under test here)."""
    plt.close(chart.figure)
    assert chart.unbacked() == [] and len(figures(chart.alt)) >= 2, chart.alt
    return chart


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("143 CCGs, 0.28% to 6.44%", ["143", "0.28", "6.44"]),
        ("NHS West Essex CCG (07H), S001, Q1 and Q2 2013-14", []),
        (
            "£1,217.1m and £3.8bn, 2.06x, -0.43 £bn, +0.12",
            ["1217.1", "3.8", "2.06", "-0.43", "0.12"],
        ),
        ("rho = 0.08 (95% CI -0.09 to 0.24), p = 0.367.", ["0.08", "95", "-0.09", "0.24", "0.367"]),
        ("the 143rd, R² 0.96, 1.5.", ["0.96", "1.5"]),
    ],
)
def test_figures_are_numbers_standing_alone_not_codes_or_years(text, expected):
    assert figures(text) == expected


def test_a_tables_figures_are_its_headers_and_cells_not_its_caption():
    shown = table(
        pd.DataFrame({"Quarter": ["Q1 2013-14"], "Plan (£m)": [1217.14]}),
        formats={"Plan (£m)": ",.1f"},
        caption="Source: HSJ, 2013 (page 7)",
    )
    assert table_figures(shown) == {"1217.1"}


def test_a_chart_needs_a_text_and_shows_its_data_collapsed_with_a_caption():
    fig, _ = plt.subplots()
    data = table(pd.DataFrame({"a": [1.25]}), caption="Source: HSJ")
    with pytest.raises(ValueError, match="needs a text alternative"):
        attach(fig, "  ", data)
    chart = attach(fig, "Bars:\n 1.25 and 2.50", data)
    plt.close(fig)
    assert chart.alt == "Bars: 1.25 and 2.50" and chart.unbacked() == ["2.50"]
    block = chart.data_html()
    assert block.startswith('<details class="qipp-chart-data">\n<summary>')
    assert f"<summary>{SUMMARY}</summary>" in block and "<caption>Source: HSJ</caption>" in block
    assert block.rstrip().endswith("</details>") and " open" not in block.split(">")[0]


def test_histogram_text_names_range_median_peak_and_the_marked_ccg():
    chart = chart_of(target_gap_charts.target_distribution(PANEL, "11J", source="HSJ"))
    assert chart.alt == (
        "Histogram of QIPP targets of 5 CCGs (% of resource allocation), in bins 0.25 points "
        "wide: 0.28% to 6.44%, median 2.40% (dashed line); the fullest bin, 2.25% to 2.50%, "
        "holds 2 CCGs. NHS West Essex CCG (07H), 6.44%, has the highest target. The solid line "
        "marks NHS Dorset CCG (11J), 0.28%, below the median."
    )
    summary, bins = chart.data
    assert summary.cells.iloc[:, 1].tolist()[:5] == [
        "5",
        "0.28",
        "2.40",
        "6.44",
        "NHS West Essex CCG (07H)",
    ]
    assert bins.cells["CCGs (count)"].astype(int).sum() == len(PANEL)
    flat = chart_of(target_gap_charts.target_distribution(PANEL.head(2), source="HSJ"))
    assert "no bin holds more than 1 CCG." in flat.alt and "solid line" not in flat.alt


def test_scatter_text_names_ranges_the_points_on_zero_and_the_note_under_the_title():
    chart = chart_of(
        target_gap_charts.target_vs_gap_scatter(PANEL, source="HSJ", annotation="rho = 0.10.")
    )
    assert chart.alt == (
        "Scatter plot of the forecast year-end gap (% of full-year plan) against the QIPP target "
        "(% of resource allocation), one point per CCG for 5 CCGs: targets 0.28% to 6.44%, gaps "
        "0.0% to 25.0%; 2 of 5 forecast no gap (the points on zero). rho = 0.10."
    )
    points = chart.data[1].cells
    assert points["Code"].tolist() == ["07H", "S003", "S005", "S004", "11J"]  # largest target first


def test_detection_text_names_the_ends_of_the_curve_and_its_lines():
    detection = pd.DataFrame(
        {
            "rho_injected": [0.0, 0.2],
            "n_sims": [200, 200],
            "alpha": [0.05, 0.05],
            "detection_rate": [0.05, 0.68],
            "rate_ci_low": [0.03, 0.61],
            "rate_ci_high": [0.09, 0.74],
            "mean_realised_rho": [0.01, 0.19],
        }
    )
    result = PowerAnalysis(30, 0.46, detection, None, 0.8, 2013)
    chart = chart_of(target_gap_charts.detection_rate_chart(result, source="HSJ"))
    assert chart.alt == (
        "Line chart: How often 30 CCGs would detect a correlation. Panels with p < 0.05 (%) "
        "against Spearman rho of the simulated panels (mean), 200 simulated panels of 30 CCGs "
        "at each point, with a 95% interval (Wilson) shaded: from 5.0% at 0.01 to 68.0% at 0.19. "
        "The dashed line marks 80% power; the dotted line the Fisher-z minimum detectable |r|, "
        "0.46."
    )
    injected = chart_of(
        target_gap_charts.detection_rate_chart(result, source="HSJ", x="rho_injected")
    )
    assert "against correlation injected into the generator (rho)," in injected.alt


def test_scorecard_text_gives_totals_by_status_and_the_largest_source():
    counts = pd.DataFrame(
        {"reproduced": [3, 2, 1], "stated": [1, 4, 0]}, index=["Article A", "Article B", "Report C"]
    )
    chart = chart_of(scorecard_chart(counts, source="the ledger"))
    assert chart.alt.endswith(
        "by status. 11 claims in all: 6 reproduced and 5 stated. The most, 6, are from Article B."
    )
    assert chart.data[0].cells.iloc[-1].tolist() == ["All sources", "6", "5", "11"]
    tied = chart_of(scorecard_chart(counts.head(2).assign(stated=[3, 4]), source="x"))
    assert tied.alt.endswith("Article A and Article B have the most, 6 each.")


def test_savings_texts_give_each_year_the_total_and_the_fitted_line():
    annual = chart_of(annual_profile_chart(YEARS, [3.8, 3.6, 2.9, 2.6], source="HSJ"))
    assert annual.alt.endswith(
        "as a line on a second axis: 2011-12 £3.8bn (29.5% of the total so far), 2012-13 £3.6bn "
        "(57.4% of the total so far), 2013-14 £2.9bn (79.8% of the total so far) and 2014-15 "
        "£2.6bn (100.0% of the total so far); £12.9bn in total."
    )
    trend = chart_of(
        profile_trend_chart(
            YEARS,
            [3.8, 3.6, 2.9, 2.6],
            [3.9, 3.4, 3.0, 2.6],
            slope_gbp_bn=-0.43,
            r_squared=0.96,
            source="HSJ",
        )
    )
    assert trend.alt.endswith(
        "running from £3.90bn to £2.60bn, a slope of -0.43 £bn a year (R² 0.96)."
    )


def test_extrapolation_text_says_where_the_band_is_reached_or_that_it_is_not():
    reached = extrapolate_shortfall(20, 5, 25, published_gbp_bn=4, band_gbp_bn=(3.6, 4.4))
    chart = chart_of(extrapolation_chart(reached, source="HSJ"))
    assert chart.alt == (
        "Line chart: the shortfall by March 2014 (£bn) that a 20% miss gives, against the "
        "efficiency challenge to 2014 (£bn). Over the £5bn to £25bn challenge (shaded) it runs "
        "from £1.00bn to £5.00bn. The published £4bn, read as £3.6bn to £4.4bn (shaded band), "
        "is reached only from a challenge of £18bn."
    )
    missed = extrapolate_shortfall(5, 5, 25, published_gbp_bn=4, band_gbp_bn=(3.6, 4.4))
    assert chart_of(extrapolation_chart(missed, source="HSJ")).alt.endswith(
        "is not reached anywhere in the challenge range."
    )


def test_bar_texts_name_every_bar_or_the_ends_of_many_and_what_is_highlighted():
    few = chart_of(
        plotting.bar_compare(
            ["Plan", "Delivered"],
            [2.4, 1.25],
            "£m",
            "Savings",
            source="HSJ",
            highlight=["Delivered"],
            highlight_label="What the plan gave",
        )
    )
    assert few.alt == (
        "Horizontal bar chart: Savings. £m, one bar each: Plan 2.4; Delivered 1.2. "
        "Hatched orange bars (what the plan gave): Delivered 1.2."
    )
    assert few.data[0].highlight == (1,)
    many = chart_of(
        plotting.bar_compare([f"Area {c}" for c in "ABCDEFGHI"], range(9), "%", "Areas", source="x")
    )
    assert many.alt.endswith(
        "%, highest Area I 8.0, lowest Area A 0.0, every bar in the table below."
    )
    grouped = chart_of(
        plotting.shortfall_by_quarter_chart(
            pd.DataFrame(
                {
                    "quarter": ["Q1", "Q1", "Q2"],
                    "organisation": ["CCGs", "NHSE", "CCGs"],
                    "shortfall_gbp_m": [71.5, 48.1, 176.9],
                }
            ),
            source="HSJ",
        )
    )
    assert grouped.alt.endswith(
        "one bar each for CCGs and NHSE: Q1: CCGs 71.5, NHSE 48.1; Q2: CCGs 176.9."
    )
    assert grouped.data[0].cells.iloc[1].tolist() == ["Q2", "176.9", "–"]


def test_show_puts_the_png_with_its_text_then_the_data_and_closes_the_figure(monkeypatch):
    shown: list[tuple] = []

    class Formatter:
        def format(self, obj, include):
            return {"image/png": "iVBOR", "text/plain": "<Figure>"}, {"image/png": {"width": 800}}

    class Shell:
        display_formatter = Formatter()

    monkeypatch.setattr(IPython, "get_ipython", lambda: Shell())
    monkeypatch.setattr(IPython.display, "display", lambda obj, **kw: shown.append((obj, kw)))
    chart = plotting.bar_compare(["a", "b"], [1.0, 2.5], "£m", "Two", source="HSJ")
    plotting.show(chart)
    (image, image_kw), (data, data_kw) = shown
    assert image == {"image/png": "iVBOR", "text/plain": chart.alt}
    assert image_kw == {"raw": True, "metadata": {"image/png": {"width": 800, "alt": chart.alt}}}
    assert data["text/html"] == chart.data_html() and data["text/plain"].startswith(SUMMARY)
    assert chart.figure.number not in plt.get_fignums()


def test_show_outside_ipython_prints_the_text_and_the_table(monkeypatch, capsys):
    monkeypatch.setattr(IPython, "get_ipython", lambda: None)
    chart = plotting.bar_compare(["a", "b"], [1.0, 2.5], "£m", "Two", source="HSJ")
    plotting.show(chart)
    printed = capsys.readouterr().out
    assert printed.startswith(chart.alt + "\n") and "Source: HSJ" in printed
    assert chart.figure.number not in plt.get_fignums()
