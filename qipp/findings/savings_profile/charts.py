"""Charts of finding 3: savings per year with their running share, and with a fitted line."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from qipp.display import table
from qipp.plotting.chart import Chart, attach, listing, summary
from qipp.plotting.figure import house, new_figure
from qipp.plotting.style import NAVY, ORANGE, caption, finish_figure
from qipp.stats import cumulative_share


def annual_profile_chart(
    years: Sequence[str],
    values_gbp_bn: Sequence[float],
    *,
    source: str,
    synthetic: bool = False,
    title: str | None = None,
) -> Chart:
    """Bars of savings per financial year (£bn), the running share of the total as a line."""
    values = np.asarray(values_gbp_bn, dtype=float)
    if len(years) != values.size:
        raise ValueError(f"{len(years)} years but {values.size} values")
    share_pct = 100 * cumulative_share(values).to_numpy()
    labels = [str(y) for y in years]
    with house():
        fig, ax = new_figure()
        bars = ax.bar(labels, values, color=NAVY, label="Savings in the year (£bn)")
        ax.bar_label(bars, labels=[f"£{v:.1f}bn" for v in values], padding=2, fontsize=9)
        twin = ax.twinx()
        twin.plot(
            labels, share_pct, color=ORANGE, marker="o", label="Cumulative share of total (%)"
        )
        twin.set_ylim(0, 110)
        twin.grid(False)
        twin.spines["right"].set_visible(True)
        ax.set_ylim(0, values.max() * 1.2)
        ax.set_title(title or f"Savings by year: £{values.sum():.1f}bn in total")
        ax.set_xlabel("Financial year")
        ax.set_ylabel("Savings (£bn)")
        twin.set_ylabel("Cumulative share of total (%)")
        handles = ax.get_legend_handles_labels()[0] + twin.get_legend_handles_labels()[0]
        # Above the axes: falling bars and a rising line leave no free corner inside.
        ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=2)
        ax.set_title(ax.get_title(loc="left"), pad=26)
        finish_figure(fig, source, synthetic)
    frame = pd.DataFrame(
        {"Financial year": [*labels, "Total"], "Savings (£bn)": [*values, values.sum()]}
    )
    frame["Cumulative share of total (%)"] = [*share_pct, 100.0]
    formats = {"Savings (£bn)": ".1f", "Cumulative share of total (%)": ".1f"}
    each = listing(
        f"{y} £{v:.1f}bn ({p:.1f}% of the total so far)"
        for y, v, p in zip(labels, values, share_pct, strict=True)
    )
    alt = (
        f"Bar chart: {ax.get_title(loc='left')}. Savings (£bn) per financial year, with the "
        f"cumulative share of the total (%) as a line on a second axis: {each}; "
        f"£{values.sum():.1f}bn in total."
    )
    return attach(fig, alt, table(frame, formats=formats, caption=caption(source, synthetic)))


def profile_trend_chart(
    years: Sequence[str],
    values_gbp_bn: Sequence[float],
    fitted_gbp_bn: Sequence[float],
    *,
    slope_gbp_bn: float,
    r_squared: float,
    source: str,
    synthetic: bool = False,
    title: str | None = None,
) -> Chart:
    """Bars of savings per financial year (£bn) with a straight line fitted to them.

    ``fitted_gbp_bn`` is the line's value in each year; ``slope_gbp_bn`` and
    ``r_squared`` are named in the legend.
    """
    values = np.asarray(values_gbp_bn, dtype=float)
    fitted = np.asarray(fitted_gbp_bn, dtype=float)
    if not len(years) == values.size == fitted.size:
        raise ValueError(
            f"{len(years)} years, {values.size} values and {fitted.size} fitted values"
        )
    if not (np.isfinite(values).all() and np.isfinite(fitted).all()):
        raise ValueError("values and fitted values must have no missing entries")
    labels = [str(y) for y in years]
    with house():
        fig, ax = new_figure()
        ax.bar(labels, values, color=NAVY, label="Savings in the year (£bn)")
        ax.plot(
            labels,
            fitted,
            color=ORANGE,
            linestyle="--",
            marker="o",
            label=f"Straight line: {slope_gbp_bn:+.2f} £bn a year (R² {r_squared:.2f})",
        )
        # Headroom above the tallest bar keeps the legend off the bars.
        ax.set_ylim(0, max(values.max(), fitted.max()) * 1.25)
        ax.set_title(title or "Savings by year and a straight line fitted to them")
        ax.set_xlabel("Financial year")
        ax.set_ylabel("Savings (£bn)")
        ax.legend(loc="upper right")
        finish_figure(fig, source, synthetic)
    frame = pd.DataFrame(
        {"Financial year": labels, "Savings (£bn)": values, "Straight line (£bn)": fitted}
    )
    formats = {"Savings (£bn)": ".1f", "Straight line (£bn)": ".2f"}
    line = table(frame, formats=formats, caption=caption(source, synthetic))
    fit, text = summary(
        {"Slope (£bn a year)": slope_gbp_bn, "R²": r_squared},
        {"Slope (£bn a year)": "+.2f", "R²": ".2f"},
        line.caption or "",
        headers=("Straight line", "Value"),
    )
    each = listing(f"{y} £{v:.1f}bn" for y, v in zip(labels, values, strict=True))
    alt = (
        f"Bar chart: {ax.get_title(loc='left')}. Savings (£bn) per financial year, {each}, "
        f"with a straight line fitted to them (dashed) running from £{fitted[0]:.2f}bn to "
        f"£{fitted[-1]:.2f}bn, a slope of {text['Slope (£bn a year)']} £bn a year "
        f"(R² {text['R²']})."
    )
    return attach(fig, alt, line, fit)
