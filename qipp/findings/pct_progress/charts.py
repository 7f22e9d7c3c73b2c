"""Charts of PCTs' QIPP progress in 2010-11 (notebook 05)."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from qipp.findings.pct_progress.average import Extrapolation, extrapolation_curve
from qipp.findings.pct_progress.calc import Discrepancies, Progress, SavingsMix
from qipp.plotting.bars import bar_compare
from qipp.plotting.figure import house, new_figure
from qipp.plotting.style import GREEN, GREY, NAVY, ORANGE, finish_figure

AVERAGE_LABEL = "Average of the PCTs reporting (published)"


def forecast_misses_chart(progress: Progress, mean_miss_pct: float, *, source: str) -> Figure:
    """Bars of each year-end miss the article gives or lets us compute, and its average (orange)."""
    year_end = progress.year_end
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

    The line runs from just below the challenge range to just beyond the challenge that
    gives exactly the published figure.
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
        range_label = f"The £{low:g}bn-£{high:g}bn challenge"
        ax.axvspan(low, high, color=GREY, alpha=0.12, label=range_label)
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


def savings_mix_chart(mix: SavingsMix, discrepancies: Discrepancies, *, source: str) -> Figure:
    """Bars of each share of a plan; a pair of shares that disagree beyond rounding is orange."""
    flagged = discrepancies.flagged
    off = set(zip(flagged["organisation"], flagged["category"], strict=True))
    labels, highlighted = [], []
    for row in mix.frame.itertuples():
        name = str(row.organisation).removeprefix("NHS ")
        labels.append(f"{name}: {row.category}\n({row.period}, {row.basis})")
        if (row.organisation, row.category) in off:
            highlighted.append(labels[-1])
    return bar_compare(
        labels,
        mix.frame["share_pct"],
        unit="Share of the organisation's planned savings (%)",
        title="Where PCTs planned their QIPP savings",
        source=source,
        highlight=highlighted,
        value_format="{:.1f}%",
    )
