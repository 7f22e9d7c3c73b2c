"""Charts of finding 2 (and the CCG profile): the spread of targets, target against gap, power."""

from __future__ import annotations

import numpy as np
import pandas as pd

from qipp.display import table
from qipp.findings.target_gap.calc import GAP, TARGET
from qipp.findings.target_gap.checks import PowerAnalysis
from qipp.findings.wording import ccgs
from qipp.panel.summary import MIN_CCGS
from qipp.plotting.chart import Chart, attach, summary
from qipp.plotting.figure import finite_column, house, integer_counts, new_figure, subtitle
from qipp.plotting.style import GREY, NAVY, ORANGE, caption, finish_figure

BIN_WIDTH_PCT = 0.25


def target_distribution(
    panel: pd.DataFrame,
    highlight_code: str | None = None,
    *,
    source: str,
    synthetic: bool = False,
) -> Chart:
    """Histogram of CCG QIPP targets (% of allocation), one CCG optionally highlighted.

    The median is marked when there are :data:`MIN_CCGS` CCGs or more.
    """
    values, width = finite_column(panel, TARGET), BIN_WIDTH_PCT
    codes = [str(c) for c in panel.get("ccg_code", panel.index)]
    named = (
        [f"{n} ({c})" for n, c in zip(panel["ccg_name"], codes, strict=True)]
        if "ccg_name" in panel.columns
        else codes
    )
    if highlight_code is not None and highlight_code not in codes:
        raise ValueError(f"CCG code {highlight_code!r} not found in column 'ccg_code'")
    marked = None if highlight_code is None else codes.index(highlight_code)
    with house():
        fig, ax = new_figure()
        low = np.floor(values.min() / width) * width
        high = np.ceil(values.max() / width) * width + width
        edges = np.arange(low, high + width / 2, width)
        ax.hist(
            values,
            bins=edges,  # type: ignore[arg-type]  # the stub allows only a Sequence[float]
            color=NAVY,
            edgecolor="white",
            label=f"{values.size} CCGs",
        )
        if values.size >= MIN_CCGS:
            median = float(np.median(values))
            ax.axvline(
                median, color=GREY, linestyle="--", linewidth=1.5, label=f"Median {median:.2f}%"
            )
        if marked is not None:
            label = f"{named[marked]} {values[marked]:.2f}%"
            ax.axvline(values[marked], color=ORANGE, linewidth=2.5, label=label)
        ax.set_title(f"QIPP targets of {values.size} CCGs as a share of allocation")
        ax.set_xlabel("QIPP plan (% of resource allocation)")
        ax.set_ylabel("CCGs (count)")
        integer_counts(ax.yaxis)
        ax.legend(loc="upper right")
        finish_figure(fig, source, synthetic)
    counts = np.histogram(values, bins=edges)[0]
    note = caption(source, synthetic)
    return attach(fig, *_distribution_text(values, named, edges, counts, marked, note))


def _distribution_text(
    values: np.ndarray,
    named: list[str],
    edges: np.ndarray,
    counts: np.ndarray,
    marked: int | None,
    note: str,
) -> tuple:
    """The histogram's text alternative, its summary and its bins (``named``: each CCG's name)."""
    top, median = named[int(np.argmax(values))], float(np.median(values))
    has_median = values.size >= MIN_CCGS
    items: dict[str, object] = {
        "CCGs": values.size,
        "Lowest target (%)": values.min(),
        **({"Median target (%)": median} if has_median else {}),
        "Highest target (%)": values.max(),
        "CCG with the highest target": top,
        "Bin width (percentage points)": BIN_WIDTH_PCT,
    }
    if marked is not None:
        items["Marked CCG (solid line)"] = named[marked]
        items["Its target (%)"] = values[marked]
    two = {name: ".2f" for name in items if name.endswith("(%)")}
    shown, text = summary(items, two | {"Bin width (percentage points)": "g"}, note)
    fullest, most = int(np.argmax(counts)), int(counts.max())
    if (counts == most).sum() > 1:
        peak = f"no bin holds more than {ccgs(most)}"
    else:
        peak = (
            f"the fullest bin, {edges[fullest]:.2f}% to {edges[fullest + 1]:.2f}%, holds "
            f"{ccgs(most)}"
        )
    alt = (
        f"Histogram of QIPP targets of {ccgs(values.size)} (% of resource allocation), "
        f"in bins {text['Bin width (percentage points)']} points wide: "
        f"{text['Lowest target (%)']}% to {text['Highest target (%)']}%"
        + (f", median {text['Median target (%)']}% (dashed line)" if has_median else "")
        + f"; {peak}. {top}, "
        f"{text['Highest target (%)']}%, has the highest target."
    )
    if marked is not None:
        target = values[marked]
        side = "above" if target > median else "below" if target < median else "at"
        where = f", {side} the median" if has_median else ""
        alt += f" The solid line marks {named[marked]}, {text['Its target (%)']}%{where}."
    bins = pd.DataFrame(
        {"Target from (%)": edges[:-1], "To under (%)": edges[1:], "CCGs (count)": counts}
    )
    formats = {"Target from (%)": ".2f", "To under (%)": ".2f"}
    return alt, shown, table(bins, formats=formats, caption=note)


def target_vs_gap_scatter(
    panel: pd.DataFrame,
    *,
    source: str,
    synthetic: bool = False,
    annotation: str | None = None,
) -> Chart:
    """Scatter of target against forecast gap, ``annotation`` (e.g. the verdict) under the title."""
    xs, ys = finite_column(panel, TARGET), finite_column(panel, GAP)
    with house():
        fig, ax = new_figure()
        ax.scatter(xs, ys, s=22, color=NAVY, alpha=0.6, edgecolor="none")
        ax.set_title("QIPP target size and forecast year-end gap")
        ax.set_xlabel("QIPP plan (% of resource allocation)")
        ax.set_ylabel("Forecast year-end gap (% of full-year plan)")
        # Overlapping points on zero would hide how many CCGs forecast no gap at all.
        note = f"{int((ys == 0).sum())} of {ys.size} CCGs forecast no gap (the points on zero)."
        subtitle(ax, f"{annotation} {note}" if annotation else note)
        finish_figure(fig, source, synthetic)
    on_zero = int((ys == 0).sum())
    items = {
        "CCGs (one point each)": ys.size,
        "Forecasting no gap (the points on zero)": on_zero,
        "Lowest target (%)": xs.min(),
        "Highest target (%)": xs.max(),
        "Smallest forecast gap (%)": ys.min(),
        "Largest forecast gap (%)": ys.max(),
        **({"Under the title": annotation} if annotation else {}),
    }
    formats = dict.fromkeys(list(items)[2:4], ".2f") | dict.fromkeys(list(items)[4:6], ".1f")
    shown, text = summary(items, formats, caption(source, synthetic))
    alt = (
        f"Scatter plot of the forecast year-end gap (% of full-year plan) against the QIPP target "
        f"(% of resource allocation), one point per CCG for {ccgs(ys.size)}: targets "
        f"{text['Lowest target (%)']}% to {text['Highest target (%)']}%, gaps "
        f"{text['Smallest forecast gap (%)']}% to {text['Largest forecast gap (%)']}%; "
        f"{on_zero} of {ys.size} forecast no gap (the points on zero). {annotation or ''}"
    )
    points = panel.loc[:, [c for c in ("ccg_code", "ccg_name", TARGET, GAP) if c in panel]]
    labels = {"ccg_code": "Code", "ccg_name": "CCG", TARGET: "Target (%)", GAP: "Gap (%)"}
    every = table(
        points.sort_values(TARGET, ascending=False, kind="stable"),
        labels=labels,
        formats={TARGET: ".2f", GAP: ".1f"},
        caption=caption(source, synthetic),
    )
    return attach(fig, alt, shown, every)


def detection_rate_chart(
    result: PowerAnalysis, *, source: str, synthetic: bool = False, x: str | None = None
) -> Chart:
    """Simulated detection rate against correlation, with the chosen power and the Fisher-z minimum.

    ``x`` is ``"mean_realised_rho"`` (the test's statistic in the simulated panels, the scale
    of the minimum) or ``"rho_injected"`` (the generator's); by default the realised one where
    every row has it (a small panel can draw constant columns, where it is undefined).
    """
    detection = result.detection
    if detection is None:
        raise ValueError(f"no simulation to chart: {result.reason}")
    statistic = "Kendall tau" if result.method == "kendall" else "Spearman rho"
    x_labels = {
        "mean_realised_rho": f"{statistic} of the simulated panels (mean)",
        "rho_injected": "Correlation injected into the generator (rho)",
    }
    if x is None:
        usable = np.isfinite(detection["mean_realised_rho"].to_numpy(dtype=float)).all()
        x = "mean_realised_rho" if usable else "rho_injected"
    if x not in x_labels:
        raise ValueError(f"x must be one of {', '.join(x_labels)}, got {x!r}")
    rho, rate = finite_column(detection, x), 100 * finite_column(detection, "detection_rate")
    alpha, power = float(detection["alpha"].iloc[0]), result.power or 0.8
    with house():
        fig, ax = new_figure()
        ax.fill_between(
            rho,
            100 * detection["rate_ci_low"],
            100 * detection["rate_ci_high"],
            color=NAVY,
            alpha=0.15,
            linewidth=0,
            label=f"{100 * (1 - alpha):g}% interval (Wilson)",
        )
        ax.plot(rho, rate, marker="o", color=NAVY, label="Simulated detection rate")
        label = f"{100 * power:g}% power"
        ax.axhline(100 * power, color=GREY, linestyle="--", linewidth=1, label=label)
        if (least := result.min_detectable_abs_r) is not None:
            label = f"Fisher-z minimum detectable |r| = {least:.2f}"
            ax.axvline(least, color=ORANGE, linestyle=":", linewidth=1.5, label=label)
        ax.set_ylim(0, 102)
        ax.set_title(f"How often {result.n_ccgs:,} CCGs would detect a correlation")
        ax.set_xlabel(x_labels[x])
        ax.set_ylabel(f"Panels with p < {alpha:g} (%)")
        ax.legend(loc="lower right")
        finish_figure(fig, source, synthetic)
    rates = pd.DataFrame(
        {
            x_labels[x]: rho,
            "Detection rate (%)": rate,
            "Interval, low (%)": 100 * detection["rate_ci_low"].to_numpy(dtype=float),
            "Interval, high (%)": 100 * detection["rate_ci_high"].to_numpy(dtype=float),
        }
    )
    formats = dict.fromkeys(rates.columns[1:], ".1f") | {x_labels[x]: ".2f"}
    items = {
        "CCGs in each simulated panel": result.n_ccgs,
        "Simulated panels at each correlation": int(detection["n_sims"].iloc[0]),
        "Significance level": alpha,
        "Interval (Wilson, %)": 100 * (1 - alpha),
        "Power line (%)": 100 * power,
        **({"Fisher-z minimum detectable |r|": least} if least is not None else {}),
    }
    general = dict.fromkeys(list(items)[2:5], "g") | {"Fisher-z minimum detectable |r|": ".2f"}
    note = caption(source, synthetic)
    shown, text = summary(items, general, note)
    alt = (
        f"Line chart: {ax.get_title(loc='left')}. Panels with p < {alpha:g} (%) against "
        f"{x_labels[x] if x_labels[x].startswith(statistic) else x_labels[x].lower()}, "
        f"{text['Simulated panels at each correlation']} simulated panels of "
        f"{text['CCGs in each simulated panel']} CCGs at each point, with a "
        f"{text['Interval (Wilson, %)']}% interval (Wilson) shaded: from {rate[0]:.1f}% at "
        f"{rho[0]:.2f} to {rate[-1]:.1f}% at {rho[-1]:.2f}. The dashed line marks "
        f"{text['Power line (%)']}% power"
    )
    if least is not None:
        alt += f"; the dotted line the Fisher-z minimum detectable |r|, {least:.2f}"
    return attach(fig, alt + ".", table(rates, formats=formats, caption=note), shown)
