"""Tests for qipp.plotting: house furniture on every chart, the synthetic banner, determinism."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # before pyplot is imported; the environment variable is left alone

import io
import itertools
import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from qipp import plotting
from qipp.findings.claims import charts as claims_charts
from qipp.findings.savings_profile import charts as savings_profile_charts
from qipp.findings.target_gap import charts as target_gap_charts
from qipp.findings.target_gap.checks import PowerAnalysis
from qipp.plotting.chart import figures

SOURCE = 'HSJ, "Exclusive: Huge variation emerges in CCGs\' efficiency ambition", Q1 2013-14'

PANEL = pd.DataFrame(
    {
        "ccg_code": ["11J", "07H", "02N", "99Q", "01A"],
        "ccg_name": [
            "NHS Dorset CCG",
            "NHS West Essex CCG",
            "Synthetic CCG 003",
            "Synthetic CCG 004",
            "Synthetic CCG 005",
        ],
        "plan_pct_of_allocation": [0.28, 6.44, 2.47, 2.1, 3.3],
        "forecast_gap_pct": [0.0, 12.5, 0.0, 3.2, 25.0],
    }
)
DETECTION = pd.DataFrame(
    {
        "rho_injected": [0.0, 0.1, 0.2, 0.3],
        "n_sims": [200] * 4,
        "alpha": [0.05] * 4,
        "n_ccgs": [143.0] * 4,
        "detection_rate": [0.05, 0.26, 0.68, 0.95],
        "rate_ci_low": [0.03, 0.2, 0.61, 0.91],
        "rate_ci_high": [0.09, 0.33, 0.74, 0.97],
        "mean_realised_rho": [0.0, 0.1, 0.2, 0.3],
    }
)
POWER = PowerAnalysis(143, 0.233, DETECTION, None, 0.8, 2013)
QUARTERS = pd.DataFrame(
    {
        "quarter": ["Q1 2013-14", "Q1 2013-14", "Q2 2013-14"],
        "organisation": ["CCGs", "NHS England", "CCGs"],
        "shortfall_gbp_m": [71.5, 48.1, 176.9],
    }
)
SCORECARD = pd.DataFrame(
    {"reproduced": [3, 2], "not reproduced": [1, 0], "not derivable": [0, 2]},
    index=["HSJ, DH QIPP tracker, Q1 2012-13", 'HSJ, "PCTs make slow progress with QIPP"'],
)

BUILDERS = {
    "target_distribution": lambda s: target_gap_charts.target_distribution(
        PANEL, "07H", source=SOURCE, synthetic=s
    ),
    "target_vs_gap_scatter": lambda s: target_gap_charts.target_vs_gap_scatter(
        PANEL, source=SOURCE, synthetic=s, annotation="rho = 0.04"
    ),
    "detection_rate_chart": lambda s: target_gap_charts.detection_rate_chart(
        POWER, source=SOURCE, synthetic=s
    ),
    "annual_profile_chart": lambda s: savings_profile_charts.annual_profile_chart(
        ["2011-12", "2012-13", "2013-14", "2014-15"],
        [3.8, 3.6, 2.9, 2.6],
        source=SOURCE,
        synthetic=s,
    ),
    "profile_trend_chart": lambda s: savings_profile_charts.profile_trend_chart(
        ["2011-12", "2012-13", "2013-14", "2014-15"],
        [3.8, 3.6, 2.9, 2.6],
        [3.9, 3.4, 3.0, 2.6],
        slope_gbp_bn=-0.43,
        r_squared=0.96,
        source=SOURCE,
        synthetic=s,
    ),
    "shortfall_by_quarter_chart": lambda s: plotting.shortfall_by_quarter_chart(
        QUARTERS, source=SOURCE, synthetic=s
    ),
    "scorecard_chart": lambda s: claims_charts.scorecard_chart(
        SCORECARD, source=SOURCE, synthetic=s
    ),
    "bar_compare": lambda s: plotting.bar_compare(
        ["CCGs", "NHS England"],
        [2.6, 1.4],
        "QIPP target (% of budget)",
        "Targets, 2013-14",
        source=SOURCE,
        synthetic=s,
    ),
}


@pytest.fixture
def figure_of():
    """Build a figure with a builder and close it after the test, pass or fail."""
    made: list[Figure] = []

    def build(builder, *args):
        fig = builder(*args).figure
        made.append(fig)
        return fig

    yield build
    for fig in made:
        plt.close(fig)


def _texts(fig: Figure, gid: str) -> list[str]:
    return [t.get_text() for t in fig.texts if t.get_gid() == gid]


@pytest.mark.parametrize("name", BUILDERS)
@pytest.mark.parametrize("synthetic", [False, True])
def test_every_chart_has_title_labels_source_and_the_right_banner(figure_of, name, synthetic):
    fig = figure_of(BUILDERS[name], synthetic)
    assert isinstance(fig, Figure) and fig.number in plt.get_fignums()
    ax = fig.axes[0]
    assert ax.get_title(loc="left"), "no title"
    assert ax.get_xlabel() and (ax.get_ylabel() or name == "bar_compare"), "unlabelled axis"
    (source,) = _texts(fig, plotting.SOURCE_GID)
    assert source.replace("\n", " ").startswith('Source: HSJ, "Exclusive')
    assert ("SYNTHETIC DATA" in source) is synthetic
    assert _texts(fig, plotting.BANNER_GID) == ([plotting.BANNER_TEXT] if synthetic else [])
    assert fig.dpi == plotting.DPI
    if name != "scorecard_chart":  # its height grows with the number of sources
        assert tuple(fig.get_size_inches()) == plotting.FIGSIZE_IN


def test_units_are_in_the_axis_labels(figure_of):
    fig = figure_of(BUILDERS["target_distribution"], False)
    assert "(% of resource allocation)" in fig.axes[0].get_xlabel()
    assert fig.axes[0].get_ylabel() == "CCGs (count)"
    annual = figure_of(BUILDERS["annual_profile_chart"], False)
    assert [ax.get_ylabel() for ax in annual.axes] == [
        "Savings (£bn)",
        "Cumulative share of total (%)",
    ]


def test_detection_chart_axis_follows_the_chosen_rho_and_alpha(figure_of):
    fig = figure_of(BUILDERS["detection_rate_chart"], False)
    assert fig.axes[0].get_xlabel() == "Spearman rho of the simulated panels (mean)"
    assert fig.axes[0].get_ylabel() == "Panels with p < 0.05 (%)"
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "95% interval (Wilson)" in legend and "Fisher-z minimum detectable |r| = 0.23" in legend
    injected = figure_of(
        lambda: target_gap_charts.detection_rate_chart(POWER, source=SOURCE, x="rho_injected")
    )
    assert injected.axes[0].get_xlabel() == "Correlation injected into the generator (rho)"
    with pytest.raises(ValueError, match="x must be one of mean_realised_rho, rho_injected"):
        target_gap_charts.detection_rate_chart(POWER, source=SOURCE, x="rho")
    kendall = PowerAnalysis(143, 0.156, DETECTION, None, 0.8, method="kendall")
    tau = figure_of(lambda: target_gap_charts.detection_rate_chart(kendall, source=SOURCE))
    assert tau.axes[0].get_xlabel() == "Kendall tau of the simulated panels (mean)"


def test_detection_chart_falls_back_to_the_injected_rho_where_a_realised_one_is_undefined(
    figure_of,
):
    undefined = DETECTION.assign(mean_realised_rho=[float("nan"), 0.1, 0.2, 0.3])
    result = PowerAnalysis(143, 0.233, undefined, None, 0.8)
    fig = figure_of(lambda: target_gap_charts.detection_rate_chart(result, source=SOURCE))
    assert fig.axes[0].get_xlabel() == "Correlation injected into the generator (rho)"


def test_target_distribution_marks_median_and_the_highlighted_ccg(figure_of):
    fig = figure_of(BUILDERS["target_distribution"], False)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "Median 2.47%" in labels
    assert "NHS West Essex CCG (07H) 6.44%" in labels


def test_target_distribution_unknown_code_and_missing_column():
    with pytest.raises(ValueError, match="CCG code 'ZZZ' not found in column 'ccg_code'"):
        target_gap_charts.target_distribution(PANEL, "ZZZ", source=SOURCE)
    plt.close("all")
    with pytest.raises(KeyError, match="column 'plan_pct_of_allocation' not in frame"):
        target_gap_charts.target_distribution(
            PANEL.drop(columns="plan_pct_of_allocation"), source=SOURCE
        )


@pytest.mark.parametrize("n_ccgs", [1, 3, 5, 12])
def test_histogram_of_a_small_panel_counts_ccgs_in_whole_numbers(figure_of, n_ccgs):
    small = pd.concat([PANEL] * 3).head(n_ccgs).reset_index(drop=True)
    fig = figure_of(lambda: target_gap_charts.target_distribution(small, source=SOURCE))
    fig.canvas.draw()
    ticks = fig.axes[0].get_yticks()
    assert len(ticks) >= 2
    assert all(float(t).is_integer() for t in ticks), ticks
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels() if t.get_text()]
    assert labels and not any("." in label for label in labels), labels


def test_profile_trend_chart_draws_bars_the_line_and_its_slope(figure_of):
    fig = figure_of(BUILDERS["profile_trend_chart"], False)
    ax = fig.axes[0]
    assert [round(p.get_height(), 1) for p in ax.patches] == [3.8, 3.6, 2.9, 2.6]
    (line,) = ax.get_lines()
    assert list(line.get_ydata()) == [3.9, 3.4, 3.0, 2.6]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Straight line: -0.43 £bn a year (R² 0.96)" in legend
    assert ax.get_ylabel() == "Savings (£bn)" and ax.get_xlabel() == "Financial year"


def test_profile_trend_chart_refuses_mismatched_or_missing_values():
    with pytest.raises(ValueError, match="2 years, 3 values and 2 fitted values"):
        savings_profile_charts.profile_trend_chart(
            ["a", "b"], [1.0, 2.0, 3.0], [1.0, 2.0], slope_gbp_bn=1, r_squared=1, source=SOURCE
        )
    with pytest.raises(ValueError, match="no missing entries"):
        savings_profile_charts.profile_trend_chart(
            ["a", "b"], [1.0, None], [1.0, 2.0], slope_gbp_bn=1, r_squared=1, source=SOURCE
        )
    plt.close("all")


def test_charts_are_pyplot_figures_that_plt_show_closes(figure_of, monkeypatch):
    # A notebook shows a chart with plt.show(); the inline backend shows what pyplot holds.
    fig = figure_of(BUILDERS["bar_compare"], False)
    assert fig.number in plt.get_fignums()
    plt.close(fig)
    assert fig.number not in plt.get_fignums()


def test_a_figure_printed_as_a_cells_value_leaves_pyplot():
    from qipp.plotting.style import _shown_once

    printed = []
    printer = _shown_once(lambda fig: printed.append(fig) or b"png")
    fig = BUILDERS["bar_compare"](False).figure
    assert printer(fig) == b"png" and printed == [fig]
    assert fig.number not in plt.get_fignums()  # so the end-of-cell flush cannot show it again
    assert _shown_once(printer) is printer


def test_scatter_says_how_many_ccgs_sit_on_zero(figure_of):
    fig = figure_of(BUILDERS["target_vs_gap_scatter"], False)
    subtitle = " ".join(t.get_text() for t in fig.axes[0].texts).replace("\n", " ")
    assert subtitle == "rho = 0.04 2 of 5 CCGs forecast no gap (the points on zero)."


def test_missing_values_are_refused_not_dropped():
    with pytest.raises(ValueError, match="column 'forecast_gap_pct' has 1 missing value"):
        target_gap_charts.target_vs_gap_scatter(
            PANEL.assign(forecast_gap_pct=[0, None, 1, 2, 3]), source=SOURCE
        )
    plt.close("all")


def test_shortfall_chart_leaves_missing_pairs_blank_and_refuses_duplicates(figure_of):
    fig = figure_of(BUILDERS["shortfall_by_quarter_chart"], False)
    assert len(fig.axes[0].patches) == 3  # no NHS England bar for Q2
    with pytest.raises(ValueError, match=r"each \(quarter, organisation\) pair must appear once"):
        plotting.shortfall_by_quarter_chart(pd.concat([QUARTERS, QUARTERS.head(1)]), source=SOURCE)


def test_scorecard_colours_follow_status_words(figure_of):
    fig = figure_of(BUILDERS["scorecard_chart"], False)
    legend = fig.axes[0].get_legend()
    colours = {
        t.get_text(): to_hex(h.get_facecolor())
        for t, h in zip(legend.get_texts(), legend.legend_handles, strict=True)
    }
    assert colours == {
        "reproduced": plotting.GREEN,
        "not reproduced": plotting.RED,
        "not derivable": plotting.GREY,
    }


def test_bar_compare_highlight_and_bad_input(figure_of):
    fig = figure_of(
        lambda: plotting.bar_compare(
            ["a", "b"], [1.0, 2.0], "£m", "t", source=SOURCE, highlight=["b"]
        )
    )
    colours = [to_hex(p.get_facecolor()) for p in fig.axes[0].patches]
    assert colours == [plotting.ORANGE, plotting.NAVY]  # drawn bottom-up: b, then a
    with pytest.raises(ValueError, match="need one finite value per label"):
        plotting.bar_compare(["a", "b"], [1.0], "£m", "t", source=SOURCE)


def test_annual_profile_refuses_mismatched_lengths():
    with pytest.raises(ValueError, match="4 years but 3 values"):
        savings_profile_charts.annual_profile_chart(
            ["a", "b", "c", "d"], [1.0, 2.0, 3.0], source=SOURCE
        )


def test_source_line_and_banner_replace_rather_than_stack():
    fig, _ = plt.subplots()
    plotting.finish_figure(fig, "first", synthetic=True)
    plotting.finish_figure(fig, "Source: second", synthetic=False)
    assert _texts(fig, plotting.SOURCE_GID) == ["Source: second"]
    assert _texts(fig, plotting.BANNER_GID) == []
    plotting.synthetic_banner(fig)
    plotting.synthetic_banner(fig)
    assert len(_texts(fig, plotting.BANNER_GID)) == 1
    plt.close(fig)


def test_long_source_line_wraps_within_the_figure():
    fig, _ = plt.subplots(figsize=plotting.FIGSIZE_IN)
    line = plotting.source_line(fig, SOURCE, synthetic=True)
    assert "\n" in line.get_text()
    assert line.get_text().replace("\n", " ") == f"Source: {SOURCE}{plotting.SYNTHETIC_SUFFIX}"
    plt.close(fig)


def test_same_inputs_give_identical_png_bytes():
    images = []
    for _ in range(2):
        fig = BUILDERS["detection_rate_chart"](True).figure
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", metadata={"Software": None})
        images.append(buffer.getvalue())
        plt.close(fig)
    assert images[0] == images[1]


def test_helpers_never_show_and_leave_global_style_alone(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("plt.show called")

    monkeypatch.setattr(plt, "show", refuse)
    before = dict(matplotlib.rcParams)
    for builder in BUILDERS.values():
        plt.close(builder(True).figure)
    assert dict(matplotlib.rcParams) == before


def test_apply_house_style_is_idempotent():
    with matplotlib.rc_context():
        plotting.apply_house_style()
        first = dict(matplotlib.rcParams)
        plotting.apply_house_style()
        assert dict(matplotlib.rcParams) == first
        assert matplotlib.rcParams["figure.dpi"] == plotting.DPI
        assert matplotlib.rcParams["axes.spines.top"] is False


def test_html_banner_is_self_contained_and_escaped():
    banner = plotting.synthetic_banner_html()
    assert "SYNTHETIC DATA" in banner and 'style="' in banner
    assert not any(s in banner for s in ("<link", "<script", "src=", "http"))
    assert "&lt;b&gt;" in plotting.synthetic_banner_html("<b>")


def test_markdown_banner_names_synthetic_data():
    text = plotting.synthetic_banner_markdown()
    assert text.startswith("> **SYNTHETIC DATA") and "not what CCGs reported" in text


# ------------------------------------------------------- charts that describe themselves


@pytest.mark.parametrize("name", BUILDERS)
@pytest.mark.parametrize("synthetic", [False, True])
def test_every_chart_says_what_it_shows_from_its_own_table(name, synthetic):
    chart = BUILDERS[name](synthetic)
    plt.close(chart.figure)
    assert len(figures(chart.alt)) >= 2, chart.alt
    assert chart.unbacked() == [], chart.alt
    assert chart.data and all(t.caption and t.caption.startswith("Source: HSJ") for t in chart.data)
    assert "\n" not in chart.alt and not re.search(r"\b(nan|NaN|None)\b", chart.alt)
    assert "\n" not in chart.alt and not re.search(r"\bnan\b|None", chart.alt, re.IGNORECASE)


def _hatches(fig: Figure) -> list[str]:
    return [bar.get_hatch() or "" for bar in fig.axes[0].patches]


def test_groups_and_highlights_are_patterned_not_only_coloured(figure_of):
    grouped = figure_of(BUILDERS["shortfall_by_quarter_chart"], False)
    assert _hatches(grouped) == ["", "", plotting.HATCHES[1]]  # CCGs twice, NHS England once
    legend = grouped.axes[0].get_legend().legend_handles
    assert [h.get_hatch() or "" for h in legend] == ["", plotting.HATCHES[1]]
    card = figure_of(BUILDERS["scorecard_chart"], False)
    by_status = {
        t.get_text(): h.get_hatch() or ""
        for t, h in zip(
            card.axes[0].get_legend().get_texts(),
            card.axes[0].get_legend().legend_handles,
            strict=True,
        )
    }
    assert len(set(by_status.values())) == len(by_status) == 3
    marked = figure_of(
        lambda: plotting.bar_compare(
            ["a", "b"],
            [1.0, 2.0],
            "£m",
            "t",
            source=SOURCE,
            highlight=["b"],
            highlight_label="Named",
        )
    )
    assert _hatches(marked) == [plotting.style.HIGHLIGHT_HATCH, ""]  # drawn bottom-up: b, then a
    assert [t.get_text() for t in marked.axes[0].get_legend().get_texts()] == ["Named"]


def test_house_colours_stay_apart_for_colour_blind_readers():
    # Every pair of the palette, and of the scorecard's status colours, stays at least 10
    # apart in CAM02-UCS under simulated full deuteranopia, protanopia and tritanopia.
    colorspacious = pytest.importorskip("colorspacious")
    from matplotlib.colors import to_rgb

    def seen(colour, kind):
        space = {"name": "sRGB1+CVD", "cvd_type": kind, "severity": 100}
        return np.clip(colorspacious.cspace_convert(to_rgb(colour), space, "sRGB1"), 0, 1)

    kinds = ("deuteranomaly", "protanomaly", "tritanomaly")
    groups = [
        plotting.PALETTE,
        (plotting.GREEN, plotting.RED, plotting.GREY),
        (plotting.NAVY, plotting.ORANGE, plotting.GREY),
    ]
    for colours in groups:
        for a, b in itertools.combinations(colours, 2):
            gaps = [
                colorspacious.deltaE(seen(a, k), seen(b, k), input_space="sRGB1") for k in kinds
            ]
            assert min(gaps) >= 10, (a, b, gaps)
