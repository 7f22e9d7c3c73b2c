"""Sentences about PCTs' 2010-11 progress (notebook 05), kept apart from the calculations.

Every sentence is built from a result of :mod:`qipp.analysis.pct_progress_average`
or a table of :mod:`qipp.analysis.pct_progress`, so the words can never disagree
with the numbers beside them. Both are re-exported from
:mod:`qipp.analysis.pct_progress`, which the notebook imports.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from qipp.analysis.pct_progress_average import Extrapolation


def _pct_list(values: Sequence[float]) -> str:
    """Join percentages in words: ``10%, 48% and 37.5%``."""
    texts = [f"{v:.3g}%" for v in values]
    return texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + " and " + texts[-1]


def pct_progress_verdict(
    ext: Extrapolation,
    range_pct: tuple[float, float],
    year_end_misses_pct: Sequence[float],
    min_reporting: int,
) -> str:
    """The verdict on the headline (the average miss and its extrapolation), from the inputs.

    Parameters
    ----------
    ext : Extrapolation
        From :func:`~qipp.analysis.pct_progress_average.extrapolate_shortfall`.
    range_pct : (float, float)
        The published smallest and largest forecast misses.
    year_end_misses_pct : sequence of float
        The year-end misses the article gives or lets us compute, one per PCT.
    min_reporting : int
        From :func:`~qipp.analysis.pct_progress_average.min_reporting_for_mean`.

    Examples
    --------
    >>> from qipp.analysis.pct_progress_average import extrapolate_shortfall
    >>> ext = extrapolate_shortfall(24, 15, 20, published_gbp_bn=5, band_gbp_bn=(4.5, 5.5))
    >>> pct_progress_verdict(ext, (10, 48), [10, 48], 3).split(":")[0]
    "Reproduced only at the top of the article's own range"
    """
    if ext.meets_band and ext.midpoint_in_band:
        lead = "Reproduced"
    elif ext.meets_band:
        lead = "Reproduced only at the top of the article's own range"
    else:
        lead = "Not reproduced"
    parts = [
        f"{lead}: {ext.mean_miss_pct:g}% of £{ext.challenge_low_gbp_bn:g}bn-"
        f"£{ext.challenge_high_gbp_bn:g}bn is £{ext.shortfall_low_gbp_bn:.1f}bn to "
        f"£{ext.shortfall_high_gbp_bn:.1f}bn (midpoint £{ext.shortfall_mid_gbp_bn:.1f}bn), "
        f"against 'around £{ext.published_gbp_bn:g}bn' read as £{ext.band_low_gbp_bn:g}bn to "
        f"£{ext.band_high_gbp_bn:g}bn"
    ]
    if ext.meets_band:
        parts.append(
            f"; only a challenge of £{ext.challenge_for_band_low_gbp_bn:.2f}bn or more "
            f"(the top {100 * ext.share_of_range_in_band:.0f}% of the range) reaches "
            f"that band, and £{ext.published_gbp_bn:g}bn itself needs a "
            f"{ext.mean_miss_pct:g}% miss on £{ext.challenge_for_published_gbp_bn:.1f}bn "
            f"or a {ext.miss_for_published_low_pct:.1f}% miss on "
            f"£{ext.challenge_high_gbp_bn:g}bn."
        )
    else:
        parts.append(".")
    parts.append(
        f" The {ext.mean_miss_pct:g}% average cannot be recomputed: the article gives "
        f"{len(year_end_misses_pct)} PCTs' year-end misses ("
        f"{_pct_list(year_end_misses_pct)}), all within its {range_pct[0]:g}%-"
        f"{range_pct[1]:g}% range, and the average is possible only if at least "
        f"{min_reporting} PCTs reported one."
    )
    return "".join(parts)


def reconciliation_sentences(unidentified: pd.DataFrame, discrepancies: pd.DataFrame) -> str:
    """Say which shares agree with the amounts beside them and which do not, beyond rounding.

    Parameters
    ----------
    unidentified : pandas.DataFrame
        From :func:`qipp.analysis.pct_progress.unidentified_savings`.
    discrepancies : pandas.DataFrame
        From :func:`qipp.analysis.pct_progress.mix_discrepancies`; only rows ``beyond_rounding`` are reported.

    Examples
    --------
    >>> import pandas as pd
    >>> from qipp.analysis.pct_progress import mix_discrepancies, savings_mix, unidentified_savings
    >>> t = pd.DataFrame({"organisation": ["C"] * 3, "period": ["2010-11"] * 3,
    ...                   "measure": ["plan", "prescribing_share_pct", "prescribing_saving"],
    ...                   "value": [40.0, 30.0, 10.0]})
    >>> reconciliation_sentences(unidentified_savings(t), mix_discrepancies(savings_mix(t)))
    "C's prescribing saving of £10m is 25.0% of its £40m plan, not the 30% published (-5.0 percentage points)."
    """
    parts = []
    for row in unidentified.itertuples(index=False):
        agrees = "as published" if row.agrees else f"against {row.published_pct:g}% published"
        parts.append(
            f"{row.organisation}'s unidentified £{row.unidentified_gbp_m:g}m is "
            f"{row.unidentified_pct:.1f}% of its £{row.plan_gbp_m:g}m plan, {agrees}."
        )
    for row in discrepancies[discrepancies["beyond_rounding"]].itertuples(index=False):
        parts.append(
            f"{row.organisation}'s {row.category} saving of "
            f"£{row.published_amount_gbp_m:g}m is {row.derived_pct:.1f}% of its "
            f"£{row.plan_gbp_m:g}m plan, not the {row.published_pct:g}% published "
            f"({row.gap_pct_points:+.1f} percentage points)."
        )
    return " ".join(parts)
