"""What HSJ's average miss implies (notebook 05): for the PCTs not named, and the £bn shortfall.

Arithmetic on published figures: :func:`average_check` and :func:`article_extrapolation`
read them from the ledger.

>>> ext = extrapolate_shortfall(24, 15, 20, published_gbp_bn=5, band_gbp_bn=(4.5, 5.5))
>>> round(ext.shortfall_low_gbp_bn, 2), round(ext.shortfall_high_gbp_bn, 2), ext.meets_band
(3.6, 4.8, True)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from qipp.derive import tolerance
from qipp.display import ShownAsTable, Table, facts
from qipp.findings.pct_progress.calc import Progress, shown, source_caption
from qipp.findings.rows import claims_by_id, qualifier_or_none
from qipp.ledger.wording import as_published

RANGE_IDS = ("pct_wolverhampton_forecast_miss_pct", "pct_west_sussex_forecast_miss_pct")
MEAN_ID = "pct_mean_forecast_miss_pct"
N_REPORTS_ID = "pct_n_progress_reports"
CHALLENGE_IDS = ("pct_qipp_challenge_low_gbp_bn", "pct_qipp_challenge_high_gbp_bn")
EXTRAPOLATED_ID = "pct_extrapolated_shortfall_gbp_bn"
# Panel sizes shown beside the smallest ones and the published count, for comparison.
ILLUSTRATIVE_N_REPORTING = (10, 15)


def implied_others_mean_pct(
    published_mean_pct: float, known_pct: Sequence[float], n_reporting: int
) -> float:
    """Unweighted mean the unnamed PCTs need for ``n_reporting`` to average the published mean."""
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
    """Per number of reporting PCTs, the mean the others need and whether it is in the range."""
    rows = []
    for n in n_values:
        mean = implied_others_mean_pct(published_mean_pct, known_pct, n)
        rows.append((n, n - len(known_pct), mean, bool(floor_pct <= mean <= ceiling_pct)))
    return pd.DataFrame(rows, columns=["n_reporting", "n_unnamed", "unnamed_mean_pct", "possible"])


def min_reporting_for_mean(
    published_mean_pct: float, known_pct: Sequence[float], floor_pct: float, ceiling_pct: float
) -> int:
    """Fewest reporting PCTs for which the published mean is possible."""
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
class Extrapolation(ShownAsTable):
    """A mean miss applied to a range of challenge sizes, set against a published shortfall.

    ``challenge_for_band_low_gbp_bn`` is the smallest challenge whose shortfall reaches
    the band (NaN if none in the range); ``miss_for_published_*_pct`` the miss that
    gives the published figure on each end of the range.
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
        """The fields as a dict, floats rounded to ``digits``."""
        return {k: round(v, digits) if isinstance(v, float) else v for k, v in asdict(self).items()}

    def as_table(self, caption: str | None = None) -> Table:
        rate, low, high = self.mean_miss_pct, self.challenge_low_gbp_bn, self.challenge_high_gbp_bn
        published = f"£{self.published_gbp_bn:g}bn"
        items = {
            f"{rate:g}% of £{low:g}bn (£bn)": self.shortfall_low_gbp_bn,
            f"{rate:g}% of £{high:g}bn (£bn)": self.shortfall_high_gbp_bn,
            "Midpoint of that range (£bn)": self.shortfall_mid_gbp_bn,
            f"Published {published}: low end of its band (£bn)": self.band_low_gbp_bn,
            f"Published {published}: high end of its band (£bn)": self.band_high_gbp_bn,
            "Smallest challenge that reaches the band (£bn)": self.challenge_for_band_low_gbp_bn,
            "Share of the challenge range that reaches it (%)": 100 * self.share_of_range_in_band,
            f"Challenge at which {rate:g}% gives exactly {published} (£bn)": (
                self.challenge_for_published_gbp_bn
            ),
            f"Miss giving {published} on £{high:g}bn (%)": self.miss_for_published_low_pct,
            f"Miss giving {published} on £{low:g}bn (%)": self.miss_for_published_high_pct,
        }
        return facts(
            items,
            formats=dict.fromkeys(items, ",.2f"),
            na_rep="none in the range",
            caption=caption
            or source_caption(
                "The published average miss applied to the published challenge; the band is "
                "the tolerance rule's (within 10% either side of the published figure, or half "
                "the step it was stated to if that is wider)."
            ),
            title="The extrapolation to the national efficiency challenge",
        )


def extrapolate_shortfall(
    mean_miss_pct: float,
    challenge_low_gbp_bn: float,
    challenge_high_gbp_bn: float,
    *,
    published_gbp_bn: float,
    band_gbp_bn: tuple[float, float],
) -> Extrapolation:
    """Apply a mean miss (%) to a range of challenge sizes (£bn), against a published shortfall.

    ``band_gbp_bn`` holds the values the published figure admits (``qipp.derive.tolerance``).
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
    share = max(0.0, in_high - in_low) / width if width > 0 else float(meets)
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
    """The shortfall the mean miss gives at each challenge size, and whether it is in the band."""
    challenge = np.asarray(list(challenge_gbp_bn), dtype=float)
    shortfall = ext.mean_miss_pct / 100.0 * challenge
    in_band = (shortfall >= ext.band_low_gbp_bn) & (shortfall <= ext.band_high_gbp_bn)
    return pd.DataFrame(
        {"challenge_gbp_bn": challenge, "shortfall_gbp_bn": shortfall, "in_band": in_band}
    )


@dataclass(frozen=True)
class AverageCheck(ShownAsTable):
    """What the published average miss allows, given the misses the article names.

    ``known_pct``: one year-end miss per PCT named (or computable), in the order of
    ``organisations``; ``n_reports``: the PCTs HSJ analysed, ``n_reports_text`` as the
    article says it; ``others``: :func:`others_mean_table` over a few panel sizes.
    """

    range_pct: tuple[float, float]
    mean_miss_pct: float
    organisations: tuple[str, ...]
    known_pct: tuple[float, ...]
    n_reports: int
    n_reports_text: str
    min_reporting: int
    others: pd.DataFrame

    def as_table(self, caption: str | None = None) -> Table:
        detail = "Unweighted means, as the article's wording suggests."
        caption = caption or source_caption(detail)
        title = "The mean miss of the PCTs the article does not name"
        return shown(self.others, caption, ["unnamed_mean_pct"], title=title)


def average_check(
    claims: pd.DataFrame,
    progress: Progress,
    illustrative_n: Iterable[int] = ILLUSTRATIVE_N_REPORTING,
) -> AverageCheck:
    """The published range, average and count of reports, checked against the named misses.

    ``illustrative_n``: further numbers of reporting PCTs to show (one not above the
    named PCTs' count is skipped).
    """
    by_id = claims_by_id(claims, (*RANGE_IDS, MEAN_ID, N_REPORTS_ID))
    low, high = (float(by_id[i]["value"]) for i in RANGE_IDS)
    mean = float(by_id[MEAN_ID]["value"])
    known = tuple(float(p) for p in progress.year_end["pct"])
    count = by_id[N_REPORTS_ID]
    n_reports, k = int(count["value"]), len(known)
    sizes = sorted({k + 1, k + 2, n_reports, *(n for n in illustrative_n if n > k)})
    return AverageCheck(
        range_pct=(low, high),
        mean_miss_pct=mean,
        organisations=tuple(str(o) for o in progress.year_end["organisation"]),
        known_pct=known,
        n_reports=n_reports,
        n_reports_text=as_published(
            float(count["value"]), count["unit"], float(count["precision"]), count["qualifier"]
        ),
        min_reporting=min_reporting_for_mean(mean, known, low, high),
        others=others_mean_table(mean, known, sizes, low, high),
    )


def article_extrapolation(claims: pd.DataFrame) -> Extrapolation:
    """The published average miss applied to the published challenge, against the shortfall.

    The "around" shortfall is read as the band of :func:`qipp.derive.tolerance`.
    """
    by_id = claims_by_id(claims, (MEAN_ID, *CHALLENGE_IDS, EXTRAPOLATED_ID))
    published = by_id[EXTRAPOLATED_ID]
    value, precision = float(published["value"]), float(published["precision"])
    band = tolerance(value, precision, qualifier_or_none(published["qualifier"]))
    low, high = (float(by_id[i]["value"]) for i in CHALLENGE_IDS)
    mean = float(by_id[MEAN_ID]["value"])
    return extrapolate_shortfall(
        mean, low, high, published_gbp_bn=value, band_gbp_bn=(band.lo, band.hi)
    )
