"""The 2010-11 article's headline figures, read from the ledger (notebook 05_pct_progress_2010).

Every figure the notebook's headline analysis needs is a claim of
``hsj_pct_progress_2010`` in ``data/claims.csv``; this module names them once and
hands them, with the PCTs' own year-end misses, to the arithmetic of
:mod:`qipp.findings.pct_progress.average`:

- :func:`average_check`: the published range and average, the misses the article
  gives or lets us compute, and what the average implies for the PCTs not named;
- :func:`article_extrapolation`: the average applied to the efficiency challenge,
  against the published shortfall read as the band of decision 0003.

Examples
--------
>>> from qipp.ledger import load_claims
>>> ext = article_extrapolation(load_claims())
>>> ext.meets_band, ext.shortfall_low_gbp_bn < ext.shortfall_high_gbp_bn
(True, True)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from qipp.derive import tolerance
from qipp.findings.pct_progress.average import (
    Extrapolation,
    extrapolate_shortfall,
    min_reporting_for_mean,
    others_mean_table,
)
from qipp.findings.rows import claims_by_id, qualifier_or_none
from qipp.ledger.wording import as_published

ARTICLE = "hsj_pct_progress_2010"
RANGE_IDS = ("pct_wolverhampton_forecast_miss_pct", "pct_west_sussex_forecast_miss_pct")
MEAN_ID = "pct_mean_forecast_miss_pct"
N_REPORTS_ID = "pct_n_progress_reports"
CHALLENGE_IDS = ("pct_qipp_challenge_low_gbp_bn", "pct_qipp_challenge_high_gbp_bn")
EXTRAPOLATED_ID = "pct_extrapolated_shortfall_gbp_bn"
# Numbers of reporting PCTs shown beside the smallest ones and the published count: a
# spread of panel sizes a reader can compare, not figures from the article.
ILLUSTRATIVE_N_REPORTING = (10, 15)


@dataclass(frozen=True)
class AverageCheck:
    """What the published average miss allows, given the misses the article names.

    ``known_pct`` holds one year-end miss per PCT the article names (or lets us
    compute), in the order of ``organisations``; ``n_reports`` is the number of PCTs
    HSJ analysed as the ledger holds it, ``n_reports_text`` as the article says it
    ("more than 20"); ``others`` is
    :func:`~qipp.findings.pct_progress.average.others_mean_table` over a few panel
    sizes; ``min_reporting`` the fewest reporting PCTs the average allows.
    """

    range_pct: tuple[float, float]
    mean_miss_pct: float
    organisations: tuple[str, ...]
    known_pct: tuple[float, ...]
    n_reports: int
    n_reports_text: str
    min_reporting: int
    others: pd.DataFrame


def average_check(
    claims: pd.DataFrame,
    progress: pd.DataFrame,
    illustrative_n: Iterable[int] = ILLUSTRATIVE_N_REPORTING,
) -> AverageCheck:
    """The published range, average and count of reports, checked against the named misses.

    Parameters
    ----------
    claims : pandas.DataFrame
        The ledger.
    progress : pandas.DataFrame
        From :func:`qipp.findings.pct_progress.calc.progress_measures`; its year-end
        forecasts are the misses the article gives or lets us compute.
    illustrative_n : iterable of int
        Further numbers of reporting PCTs to show (a number not above the named
        PCTs' count is skipped).

    Returns
    -------
    AverageCheck
    """
    by_id = claims_by_id(claims, (*RANGE_IDS, MEAN_ID, N_REPORTS_ID))
    low, high = (float(by_id[i]["value"]) for i in RANGE_IDS)
    mean = float(by_id[MEAN_ID]["value"])
    year_end = progress[progress["year_end_forecast"]]
    known = tuple(float(p) for p in year_end["pct"])
    count = by_id[N_REPORTS_ID]
    n_reports = int(count["value"])
    k = len(known)
    sizes = sorted({k + 1, k + 2, n_reports, *(n for n in illustrative_n if n > k)})
    return AverageCheck(
        range_pct=(low, high),
        mean_miss_pct=mean,
        organisations=tuple(str(o) for o in year_end["organisation"]),
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

    The published shortfall ("around" a figure) is read as the band
    :func:`qipp.derive.tolerance` gives it (decision 0003).
    """
    by_id = claims_by_id(claims, (MEAN_ID, *CHALLENGE_IDS, EXTRAPOLATED_ID))
    published = by_id[EXTRAPOLATED_ID]
    band = tolerance(
        float(published["value"]),
        float(published["precision"]),
        qualifier_or_none(published["qualifier"]),
    )
    low, high = (float(by_id[i]["value"]) for i in CHALLENGE_IDS)
    return extrapolate_shortfall(
        float(by_id[MEAN_ID]["value"]),
        low,
        high,
        published_gbp_bn=float(published["value"]),
        band_gbp_bn=(band.lo, band.hi),
    )
