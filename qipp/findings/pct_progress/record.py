"""The findings record of notebook 05: one call builds it, so the notebook's last cell is one line.

:func:`pct_progress_findings` returns the keyword arguments of
:func:`qipp.findings.record.write_findings`, under the keys the findings JSON has always
had. ``reproduced`` is whether the extrapolation's range meets the published
band (decision 0017); a figure the data cannot give (no challenge in the range
reaching the band) is null with the reason in ``notes``.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from qipp.findings.pct_progress.average import Extrapolation
from qipp.findings.pct_progress.claims import ARTICLE, EXTRAPOLATED_ID, AverageCheck
from qipp.findings.pct_progress.text import pct_progress_verdict
from qipp.reference.pcts import MATCHED

NOTEBOOK = "05_pct_progress_2010"


def _number(value: Any) -> float:
    """A table cell as a float (pandas types a cell as any scalar, so say which it is)."""
    return float(value)


def _extrapolation_record(ext: Extrapolation) -> tuple[dict[str, Any], list[str]]:
    """The extrapolation's fields, a NaN made null with a note saying why."""
    record: dict[str, Any] = ext.to_dict(4)
    notes = []
    for key, value in record.items():
        if isinstance(value, float) and not math.isfinite(value):
            record[key] = None
            notes.append(
                f"extrapolation.{key} is null: no challenge in the range reaches the band."
            )
    return record, notes


def pct_progress_findings(
    findings_path: str,
    check: AverageCheck,
    ext: Extrapolation,
    card: pd.DataFrame,
    tables: dict[str, pd.DataFrame],
    reconciliation: str,
) -> dict[str, Any]:
    """The record notebook 05 writes: pass it to :func:`qipp.findings.record.write_findings`.

    Parameters
    ----------
    findings_path : str
        The notebook's parameter, recorded as given.
    check : AverageCheck
        From :func:`qipp.findings.pct_progress.claims.average_check`.
    ext : Extrapolation
        From :func:`qipp.findings.pct_progress.claims.article_extrapolation`.
    card : pandas.DataFrame
        The scorecard, indexed by claim id.
    tables : dict of pandas.DataFrame
        ``unidentified`` (:func:`~qipp.findings.pct_progress.calc.unidentified_savings`),
        ``mix`` (:func:`~qipp.findings.pct_progress.calc.savings_mix`) and ``pcts``
        (:func:`qipp.reference.pcts.match_pcts` of the article's organisations).
    reconciliation : str
        From :func:`~qipp.findings.pct_progress.text.reconciliation_sentences`.

    Returns
    -------
    dict
        ``notebook``, ``parameters``, ``verdict``, ``reproduced``, ``notes`` and the figures.
    """
    extrapolation, notes = _extrapolation_record(ext)
    pcts, mix = tables["pcts"], tables["mix"]
    matched = pcts.loc[pcts["status"] == MATCHED]
    article = card.loc[card["source"] == ARTICLE]
    return {
        "notebook": NOTEBOOK,
        "parameters": {"findings_path": findings_path},
        "verdict": pct_progress_verdict(ext, check.range_pct, check.known_pct, check.min_reporting),
        "reproduced": ext.meets_band,
        "notes": notes,
        "forecast_miss_range_pct": list(check.range_pct),
        "mean_forecast_miss_pct": check.mean_miss_pct,
        "year_end_misses_pct": {
            organisation: round(pct, 2)
            for organisation, pct in zip(check.organisations, check.known_pct, strict=True)
        },
        "min_pcts_reporting_for_mean": check.min_reporting,
        "extrapolation": extrapolation,
        "extrapolation_status": str(card.loc[EXTRAPOLATED_ID, "status"]),
        "unidentified_pct": {
            row.organisation: round(_number(row.unidentified_pct), 2)
            for row in tables["unidentified"].itertuples()
        },
        "savings_mix_pct": [
            {
                "organisation": row.organisation,
                "category": row.category,
                "period": row.period,
                "basis": row.basis,
                "share_pct": round(_number(row.share_pct), 2),
            }
            for row in mix.itertuples()
        ],
        "reconciliation": reconciliation,
        "pcts_matched": {
            row.organisation: {"pct_code": row.pct_code, "sha_codes": row.sha_codes}
            for row in matched.itertuples()
        },
        "pcts_unmatched": {
            row.organisation: row.why for row in pcts.loc[pcts["status"] != MATCHED].itertuples()
        },
        "inconsistent_claims": article.index[article["status"] == "inconsistent"].tolist(),
    }
