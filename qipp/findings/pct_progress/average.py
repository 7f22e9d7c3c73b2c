"""What HSJ's 24% average miss implies (notebook 05_pct_progress_2010), as arithmetic.

Two questions about the published average, neither needing the table of plans:
what mean the PCTs the article does not name must have had for the named ones
to average 24% (:func:`others_mean_table`, :func:`min_reporting_for_mean`), and
what that average gives when applied to the £15bn-£20bn efficiency challenge,
set against the article's "around £5bn" (:func:`extrapolate_shortfall`).

Examples
--------
>>> ext = extrapolate_shortfall(24, 15, 20, published_gbp_bn=5, band_gbp_bn=(4.5, 5.5))
>>> round(ext.shortfall_low_gbp_bn, 2), round(ext.shortfall_high_gbp_bn, 2), ext.meets_band
(3.6, 4.8, True)
>>> round(ext.challenge_for_band_low_gbp_bn, 2), ext.share_of_range_in_band
(18.75, 0.25)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd


def implied_others_mean_pct(
    published_mean_pct: float, known_pct: Sequence[float], n_reporting: int
) -> float:
    """Mean the unnamed PCTs must have for ``n_reporting`` PCTs to average the published mean.

    An unweighted mean over ``n_reporting`` PCTs, of which ``known_pct`` are named.

    Raises
    ------
    ValueError
        If ``n_reporting`` does not exceed the number of named PCTs.

    Examples
    --------
    >>> implied_others_mean_pct(24, [10, 48], 4)
    19.0
    """
    k = len(known_pct)
    if n_reporting <= k:
        raise ValueError(f"n_reporting must exceed the {k} named PCT(s), got {n_reporting}")
    return (published_mean_pct * n_reporting - float(sum(known_pct))) / (n_reporting - k)


def others_mean_table(
    published_mean_pct: float,
    known_pct: Sequence[float],
    n_values: Iterable[int],
    floor_pct: float,
    ceiling_pct: float,
) -> pd.DataFrame:
    """For each number of reporting PCTs, the mean the others need and whether it is possible.

    Possible means inside ``[floor_pct, ceiling_pct]``: every reporting PCT's
    miss lies in the published range, so the others' mean must too.

    Examples
    --------
    >>> others_mean_table(24, [10, 48, 37.5], [4, 5], 10, 48)["possible"].tolist()
    [False, True]
    """
    rows = []
    for n in n_values:
        mean = implied_others_mean_pct(published_mean_pct, known_pct, n)
        rows.append((n, n - len(known_pct), mean, bool(floor_pct <= mean <= ceiling_pct)))
    return pd.DataFrame(rows, columns=["n_reporting", "n_unnamed", "unnamed_mean_pct", "possible"])


def min_reporting_for_mean(
    published_mean_pct: float, known_pct: Sequence[float], floor_pct: float, ceiling_pct: float
) -> int:
    """Fewest reporting PCTs for which the published mean is possible (see :func:`others_mean_table`).

    Raises
    ------
    ValueError
        If the published mean lies outside ``[floor_pct, ceiling_pct]``, where
        no number of PCTs can produce it.

    Examples
    --------
    >>> min_reporting_for_mean(24, [10, 48, 37.5], 10, 48)
    5
    """
    if not floor_pct <= published_mean_pct <= ceiling_pct:
        raise ValueError(
            f"a mean of {published_mean_pct:g}% lies outside the range "
            f"{floor_pct:g}%-{ceiling_pct:g}%"
        )
    n = len(known_pct) + 1
    # The others' mean tends to the published mean as n grows, so this ends.
    while not floor_pct <= implied_others_mean_pct(published_mean_pct, known_pct, n) <= ceiling_pct:
        n += 1
    return n


@dataclass(frozen=True)
class Extrapolation:
    """A mean miss applied to a range of challenge sizes, set against a published figure.

    ``shortfall_*`` are the miss applied to each end of the challenge range and
    its midpoint; ``band_*`` the values the published figure admits;
    ``challenge_for_band_low_gbp_bn`` the smallest challenge whose shortfall
    reaches the band (NaN if none in the range) and ``share_of_range_in_band``
    the fraction of the challenge range whose shortfall lies in the band;
    ``challenge_for_published_gbp_bn`` the challenge that gives exactly the
    published figure, and ``miss_for_published_*_pct`` the miss that would give
    it on each end of the range.
    """

    mean_miss_pct: float
    challenge_low_gbp_bn: float
    challenge_high_gbp_bn: float
    published_gbp_bn: float
    band_low_gbp_bn: float
    band_high_gbp_bn: float
    shortfall_low_gbp_bn: float
    shortfall_high_gbp_bn: float
    shortfall_mid_gbp_bn: float
    meets_band: bool
    midpoint_in_band: bool
    challenge_for_band_low_gbp_bn: float
    share_of_range_in_band: float
    challenge_for_published_gbp_bn: float
    miss_for_published_low_pct: float
    miss_for_published_high_pct: float

    def to_dict(self, digits: int = 4) -> dict:
        """Return the fields as a dict, floats rounded to ``digits``."""
        return {k: round(v, digits) if isinstance(v, float) else v for k, v in asdict(self).items()}


def extrapolate_shortfall(
    mean_miss_pct: float,
    challenge_low_gbp_bn: float,
    challenge_high_gbp_bn: float,
    *,
    published_gbp_bn: float,
    band_gbp_bn: tuple[float, float],
) -> Extrapolation:
    """Apply a mean miss to a range of challenge sizes and compare with a published shortfall.

    Parameters
    ----------
    mean_miss_pct : float
        The average miss (per cent of planned savings).
    challenge_low_gbp_bn, challenge_high_gbp_bn : float
        The ends of the efficiency challenge (£bn).
    published_gbp_bn : float
        The shortfall as published.
    band_gbp_bn : (float, float)
        The values the published figure admits (``qipp.derive.tolerance``).

    Raises
    ------
    ValueError
        A non-positive miss, a range whose low end exceeds its high end, or an
        empty band.
    """
    if mean_miss_pct <= 0:
        raise ValueError(f"mean_miss_pct must be positive, got {mean_miss_pct}")
    if not 0 < challenge_low_gbp_bn <= challenge_high_gbp_bn:
        raise ValueError(
            f"need 0 < low <= high, got {challenge_low_gbp_bn} to {challenge_high_gbp_bn}"
        )
    band_low, band_high = (float(b) for b in band_gbp_bn)
    if band_low > band_high:
        raise ValueError(f"band must run low to high, got {band_low} to {band_high}")
    rate = mean_miss_pct / 100.0
    low, high = rate * challenge_low_gbp_bn, rate * challenge_high_gbp_bn
    mid = (low + high) / 2
    # The challenge sizes whose shortfall lies in the band, clipped to the published range.
    in_low = max(challenge_low_gbp_bn, band_low / rate)
    in_high = min(challenge_high_gbp_bn, band_high / rate)
    width = challenge_high_gbp_bn - challenge_low_gbp_bn
    meets = in_low <= in_high
    if width > 0:
        share = max(0.0, in_high - in_low) / width
    else:
        share = 1.0 if meets else 0.0
    return Extrapolation(
        mean_miss_pct=float(mean_miss_pct),
        challenge_low_gbp_bn=float(challenge_low_gbp_bn),
        challenge_high_gbp_bn=float(challenge_high_gbp_bn),
        published_gbp_bn=float(published_gbp_bn),
        band_low_gbp_bn=band_low,
        band_high_gbp_bn=band_high,
        shortfall_low_gbp_bn=low,
        shortfall_high_gbp_bn=high,
        shortfall_mid_gbp_bn=mid,
        meets_band=bool(meets),
        midpoint_in_band=bool(band_low <= mid <= band_high),
        challenge_for_band_low_gbp_bn=float(in_low) if meets else float("nan"),
        share_of_range_in_band=float(share),
        challenge_for_published_gbp_bn=float(published_gbp_bn / rate),
        miss_for_published_low_pct=float(100.0 * published_gbp_bn / challenge_high_gbp_bn),
        miss_for_published_high_pct=float(100.0 * published_gbp_bn / challenge_low_gbp_bn),
    )


def extrapolation_curve(ext: Extrapolation, challenge_gbp_bn: Iterable[float]) -> pd.DataFrame:
    """The shortfall the mean miss gives at each challenge size, and whether it is in the band.

    Examples
    --------
    >>> ext = extrapolate_shortfall(24, 15, 20, published_gbp_bn=5, band_gbp_bn=(4.5, 5.5))
    >>> extrapolation_curve(ext, [15, 20])["in_band"].tolist()
    [False, True]
    """
    challenge = np.asarray(list(challenge_gbp_bn), dtype=float)
    shortfall = ext.mean_miss_pct / 100.0 * challenge
    return pd.DataFrame(
        {
            "challenge_gbp_bn": challenge,
            "shortfall_gbp_bn": shortfall,
            "in_band": (shortfall >= ext.band_low_gbp_bn) & (shortfall <= ext.band_high_gbp_bn),
        }
    )
