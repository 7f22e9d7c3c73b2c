"""Charts of PCTs' QIPP progress in 2010-11 (notebook 05).

:func:`forecast_misses_chart` sets the year-end misses the article names beside
its average; :func:`extrapolation_chart` draws the average miss applied to every
size of efficiency challenge, against the band the published shortfall admits;
:func:`savings_mix_chart` shows where PCTs planned their savings, with the
shares that do not agree with the amounts beside them in orange. Each takes the
tables of :mod:`qipp.findings.pct_progress.calc` as they come.

Examples
--------
>>> import matplotlib.pyplot as plt
>>> from qipp.findings.pct_progress.average import extrapolate_shortfall
>>> ext = extrapolate_shortfall(20, 10, 30, published_gbp_bn=4, band_gbp_bn=(3.6, 4.4))
>>> fig = extrapolation_chart(ext, source="HSJ")
>>> fig.axes[0].get_xlabel(), len(fig.axes[0].get_legend().get_texts())
('Efficiency challenge to 2014 (£bn)', 4)
>>> plt.close(fig)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from qipp.findings.pct_progress.average import Extrapolation, extrapolation_curve
from qipp.plotting._figure import house, new_figure
from qipp.plotting.bars import bar_compare
from qipp.plotting.style import GREEN, GREY, NAVY, ORANGE, finish_figure

AVERAGE_LABEL = "Average of the PCTs reporting (published)"


def forecast_misses_chart(progress: pd.DataFrame, mean_miss_pct: float, *, source: str) -> Figure:
    """Bars of each year-end miss the article gives or lets us compute, and its average.

    Parameters
    ----------
    progress : pandas.DataFrame
        From :func:`qipp.findings.pct_progress.calc.progress_measures`; only its
        year-end forecasts are drawn, each labelled with its basis.
    mean_miss_pct : float
        The published average miss, drawn in orange below them.
    source : str
        The source line.
    """
    year_end = progress.loc[progress["year_end_forecast"]]
    labels = [
        f"{o} ({b})" for o, b in zip(year_end["organisation"], year_end["basis"], strict=True)
    ]
    return bar_compare(
        [*labels, AVERAGE_LABEL],
        [*year_end["pct"], mean_miss_pct],
        unit="Forecast year-end shortfall on 2010-11 planned savings (%)",
        title="PCTs' forecast QIPP misses for 2010-11",
        source=source,
        highlight=[AVERAGE_LABEL],
        value_format="{:.1f}%",
    )


def extrapolation_chart(ext: Extrapolation, *, source: str, points: int = 50) -> Figure:
    """The shortfall the average miss gives at each challenge size, against the published band.

    Parameters
    ----------
    ext : Extrapolation
        From :func:`qipp.findings.pct_progress.average.extrapolate_shortfall`.
    source : str
        The source line.
    points : int
        Points on the line, from just below the challenge range to just beyond the
        challenge that gives exactly the published figure.
    """
    challenge = np.linspace(
        ext.challenge_low_gbp_bn - 1,
        max(ext.challenge_high_gbp_bn, ext.challenge_for_published_gbp_bn) + 1,
        points,
    )
    curve = extrapolation_curve(ext, challenge)
    low, high = ext.challenge_low_gbp_bn, ext.challenge_high_gbp_bn
    with house():
        fig, ax = new_figure()
        ax.axhspan(
            ext.band_low_gbp_bn,
            ext.band_high_gbp_bn,
            color=GREEN,
            alpha=0.15,
            label=f"Published £{ext.published_gbp_bn:g}bn, read as £{ext.band_low_gbp_bn:g}bn "
            f"to £{ext.band_high_gbp_bn:g}bn",
        )
        ax.axvspan(low, high, color=GREY, alpha=0.12, label=f"The £{low:g}bn-£{high:g}bn challenge")
        ax.plot(
            curve["challenge_gbp_bn"],
            curve["shortfall_gbp_bn"],
            color=NAVY,
            label=f"Shortfall at a {ext.mean_miss_pct:g}% miss",
        )
        ax.plot([low, high], [ext.shortfall_low_gbp_bn, ext.shortfall_high_gbp_bn], "o", color=NAVY)
        if ext.meets_band:
            ax.axvline(
                ext.challenge_for_band_low_gbp_bn,
                color=ORANGE,
                linestyle=":",
                label=f"Band reached from £{ext.challenge_for_band_low_gbp_bn:.2f}bn",
            )
        ax.axhline(ext.published_gbp_bn, color=GREEN, linewidth=1, linestyle="--")
        ax.set_title(
            f"A {ext.mean_miss_pct:g}% miss applied to the £{low:g}bn-£{high:g}bn efficiency "
            "challenge"
        )
        ax.set_xlabel("Efficiency challenge to 2014 (£bn)")
        ax.set_ylabel("Shortfall by March 2014 (£bn)")
        ax.legend(loc="lower right")
        return finish_figure(fig, source)


def savings_mix_chart(mix: pd.DataFrame, discrepancies: pd.DataFrame, *, source: str) -> Figure:
    """Bars of each share of a plan; a published share its £m amount contradicts is orange.

    Parameters
    ----------
    mix : pandas.DataFrame
        From :func:`qipp.findings.pct_progress.calc.savings_mix`.
    discrepancies : pandas.DataFrame
        From :func:`qipp.findings.pct_progress.calc.mix_discrepancies`; the rows
        ``beyond_rounding`` are highlighted.
    source : str
        The source line.
    """
    flagged = discrepancies.loc[discrepancies["beyond_rounding"]]
    off = set(zip(flagged["organisation"], flagged["category"], strict=True))
    labels = [
        f"{str(row.organisation).removeprefix('NHS ')}: {row.category}\n({row.period}, {row.basis})"
        for row in mix.itertuples()
    ]
    highlighted = [
        label
        for label, row in zip(labels, mix.itertuples(), strict=True)
        if (row.organisation, row.category) in off
    ]
    return bar_compare(
        labels,
        mix["share_pct"],
        unit="Share of the organisation's planned savings (%)",
        title="Where PCTs planned their QIPP savings",
        source=source,
        highlight=highlighted,
        value_format="{:.1f}%",
    )
