"""Charts of PCTs' QIPP progress in 2010-11 (notebook 05)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from qipp.display import table
from qipp.findings.pct_progress.average import Extrapolation, extrapolation_curve
from qipp.findings.pct_progress.calc import Discrepancies, Progress, SavingsMix
from qipp.plotting.bars import bar_compare
from qipp.plotting.chart import Chart, attach, summary
from qipp.plotting.figure import house, new_figure
from qipp.plotting.style import GREEN, GREY, NAVY, ORANGE, caption, finish_figure

AVERAGE_LABEL = "Average of the PCTs reporting (published)"
X_LABEL, Y_LABEL = "Efficiency challenge to 2014 (£bn)", "Shortfall by March 2014 (£bn)"


def forecast_misses_chart(progress: Progress, mean_miss_pct: float, *, source: str) -> Chart:
    """Bars of each year-end miss the article gives or lets us compute, and its average (marked)."""
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


def extrapolation_chart(ext: Extrapolation, *, source: str, points: int = 50) -> Chart:
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
        ax.set_xlabel(X_LABEL)
        ax.set_ylabel(Y_LABEL)
        ax.legend(loc="lower right")
        finish_figure(fig, source)
    return attach(fig, *_extrapolation_text(ext, source, X_LABEL, Y_LABEL))


def _short(value: float) -> str:
    """Two decimals at most, trailing zeros dropped: 15, 18.75."""
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _extrapolation_text(ext: Extrapolation, source: str, x_label: str, y_label: str) -> tuple:
    """The text alternative, the points the extrapolation chart marks, and the band."""
    miss, low, high = (
        _short(v) for v in (ext.mean_miss_pct, ext.challenge_low_gbp_bn, ext.challenge_high_gbp_bn)
    )
    points = {
        "Low end of the challenge": (ext.challenge_low_gbp_bn, ext.shortfall_low_gbp_bn),
        "High end of the challenge": (ext.challenge_high_gbp_bn, ext.shortfall_high_gbp_bn),
    }
    if ext.meets_band:
        points["Where the band is reached"] = (
            ext.challenge_for_band_low_gbp_bn,
            ext.band_low_gbp_bn,
        )
    frame = pd.DataFrame(
        [(name, x, y) for name, (x, y) in points.items()], columns=["Point", x_label, y_label]
    )
    note = caption(source)
    items = {
        "Average miss applied (%)": ext.mean_miss_pct,
        "Published shortfall (£bn)": ext.published_gbp_bn,
        "Its band, low end (£bn)": ext.band_low_gbp_bn,
        "Its band, high end (£bn)": ext.band_high_gbp_bn,
    }
    band, text = summary(items, dict.fromkeys(items, _short), note)
    alt = (
        f"Line chart: the {y_label[0].lower() + y_label[1:]} that a {miss}% miss gives, against "
        f"the {x_label[0].lower() + x_label[1:]}. Over the £{low}bn to £{high}bn challenge "
        f"(shaded) it runs from £{ext.shortfall_low_gbp_bn:,.2f}bn to "
        f"£{ext.shortfall_high_gbp_bn:,.2f}bn. The published £{text['Published shortfall (£bn)']}bn, "
        f"read as £{text['Its band, low end (£bn)']}bn to £{text['Its band, high end (£bn)']}bn "
        "(shaded band), "
    )
    if ext.meets_band:
        alt += (
            f"is reached only from a challenge of £{_short(ext.challenge_for_band_low_gbp_bn)}bn."
        )
    else:
        alt += "is not reached anywhere in the challenge range."
    shown = table(frame, formats={x_label: _short, y_label: ",.2f"}, caption=note)
    return alt, shown, band


def savings_mix_chart(mix: SavingsMix, discrepancies: Discrepancies, *, source: str) -> Chart:
    """Bars of each share of a plan; a pair of shares that disagree beyond rounding is marked."""
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
        highlight_label="Shares that disagree beyond rounding",
        value_format="{:.1f}%",
    )
