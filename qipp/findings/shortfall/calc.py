"""Commissioners' forecast QIPP shortfall in 2013-14, from Q1 to Q2 (notebook 01).

Arithmetic behind notebook 01_shortfall_doubling (NHS England against CCGs is
:mod:`qipp.findings.nhse_ccgs.calc`, notebook 04), on
the figures of two HSJ analyses: NHS England's internal NISFE report at Q1 2013-14
(end of June 2013) and NHS England's figures at Q2 2013-14 (end of September).
Sums, shares and ratios are :mod:`qipp.derive`'s; where derive already recomputes a
claim or a context figure (:data:`qipp.derive.DERIVATIONS`, :data:`qipp.derive.CONTEXTS`)
it is called here, not copied. Figures no article states (NHS England's Q2 shortfall,
the transactional plan) are implied as remainders and say so in a ``basis`` column.

Two kinds of input, one module each:

* tidy tables from :func:`qipp.ledger.load_tidy_table` (``commissioner_position_1314``,
  ``nhse_q1_1314_by_service_area``) for the tables a notebook shows, here;
* the claims ledger (:func:`qipp.ledger.load_claims`) for checks that need each
  figure's rounding, in :mod:`qipp.findings.shortfall.claims`. A published input
  stands for the interval it could have been rounded from
  (:func:`qipp.derive.input_interval`) and a derived range is taken over every
  corner of those intervals (decision 0003).

The verdict sentence is in :mod:`qipp.findings.shortfall.text`. Both are
re-exported here, so the notebook imports everything from this module.

Examples
--------
>>> position = pd.DataFrame({
...     "quarter": ["Q1", "Q1", "Q2", "Q2"], "org_type": ["ccg", "nhs_england", "ccg", "sector"],
...     "measure": ["forecast_shortfall"] * 4, "value": [70.0, 50.0, 180.0, 250.0],
...     "unit": ["GBP_m"] * 4})
>>> by_quarter = shortfall_by_quarter(position)
>>> by_quarter.loc[by_quarter["basis"] != "published", ["quarter", "org_type", "shortfall_gbp_m"]]
  quarter     org_type  shortfall_gbp_m
2      Q1       sector            120.0
4      Q2  nhs_england             70.0
"""

from __future__ import annotations

import pandas as pd

from qipp.derivations import ratio, share_pct, total
from qipp.findings.rows import ORGANISATIONS, gbp_m
from qipp.findings.shortfall.claims import (
    CCG_INCREASE_ID,
    PUBLISHED_IDS,
    Q2_SHARE_ID,
    RATIO_ID,
    REGIONAL_IDS,
    TRANSFORMATIONAL_SHARE_ID,
    DoublingCheck,
    doubling_check,
    scheme_split,
    share_comparison,
)
from qipp.findings.shortfall.text import doubling_verdict

__all__ = [
    "CCG_INCREASE_ID",
    "PUBLISHED_IDS",
    "Q2_SHARE_ID",
    "RATIO_ID",
    "REGIONAL_IDS",
    "TRANSFORMATIONAL_SHARE_ID",
    "DoublingCheck",
    "doubling_check",
    "doubling_verdict",
    "scheme_split",
    "share_comparison",
    "shortfall_by_quarter",
    "shortfall_change",
]


def shortfall_by_quarter(position: pd.DataFrame) -> pd.DataFrame:
    """Forecast year-end shortfall per quarter and organisation, the missing one implied.

    Each quarter needs two of CCGs, NHS England and the sector (their sum); the third
    is implied: the Q1 sector figure as CCGs + NHS England, NHS England's Q2 figure as
    sector - CCGs.

    Parameters
    ----------
    position : pandas.DataFrame
        ``quarter``, ``org_type`` (``ccg``, ``nhs_england``, ``sector``), ``measure``,
        ``value``, ``unit``; rows whose measure is ``forecast_shortfall`` are used.

    Returns
    -------
    pandas.DataFrame
        ``quarter``, ``org_type``, ``organisation``, ``shortfall_gbp_m``, ``basis``;
        quarters in sorted order, organisations as in :data:`ORGANISATIONS`.

    Raises
    ------
    ValueError
        A quarter has fewer than two of the three, or one of them twice.
    """
    rows = position.loc[position["measure"] == "forecast_shortfall"]
    out = []
    for quarter in sorted(rows["quarter"].unique()):
        in_quarter = rows.loc[rows["quarter"] == quarter]
        if in_quarter["org_type"].duplicated().any():
            raise ValueError(f"{quarter}: an organisation's forecast shortfall appears twice")
        got = {
            org: gbp_m(value, unit)
            for org, value, unit in zip(
                in_quarter["org_type"], in_quarter["value"], in_quarter["unit"], strict=True
            )
        }
        basis = dict.fromkeys(got, "published")
        missing = [org for org in ORGANISATIONS if org not in got]
        if len(missing) > 1:
            raise ValueError(
                f"{quarter}: need two of ccg, nhs_england and sector to imply the "
                f"third, got {', '.join(sorted(got)) or 'none'}"
            )
        if missing == ["sector"]:
            got["sector"], basis["sector"] = (
                total(got["ccg"], got["nhs_england"]),
                "implied: CCGs + NHS England",
            )
        elif missing:
            org = missing[0]
            other = "nhs_england" if org == "ccg" else "ccg"
            got[org] = got["sector"] - got[other]
            basis[org] = f"implied: sector - {ORGANISATIONS[other]}"
        out += [
            {
                "quarter": quarter,
                "org_type": org,
                "organisation": label,
                "shortfall_gbp_m": got[org],
                "basis": basis[org],
            }
            for org, label in ORGANISATIONS.items()
        ]
    return pd.DataFrame(out)


def shortfall_change(by_quarter: pd.DataFrame, start: str = "Q1", end: str = "Q2") -> pd.DataFrame:
    """Change in forecast shortfall between two quarters, per organisation.

    Parameters
    ----------
    by_quarter : pandas.DataFrame
        As returned by :func:`shortfall_by_quarter`.
    start, end : str
        The quarters compared.

    Returns
    -------
    pandas.DataFrame
        Indexed by organisation: ``<start>_gbp_m``, ``<end>_gbp_m``, ``change_gbp_m``,
        ``share_of_sector_change_pct``, ``ratio`` (end / start) and ``basis``
        ("published", or the quarters implied, "Q2 implied"), read from
        ``by_quarter``'s ``basis`` where it has one.

    Examples
    --------
    >>> table = pd.DataFrame({"quarter": ["Q1"] * 3 + ["Q2"] * 3,
    ...     "org_type": ["ccg", "nhs_england", "sector"] * 2,
    ...     "organisation": ["CCGs", "NHS England", "Sector"] * 2,
    ...     "shortfall_gbp_m": [70.0, 50.0, 120.0, 180.0, 70.0, 250.0]})
    >>> change = shortfall_change(table)
    >>> change["change_gbp_m"].tolist(), change["share_of_sector_change_pct"].round(1).tolist()
    ([110.0, 20.0, 130.0], [84.6, 15.4, 100.0])
    >>> change["basis"].tolist()
    ['published', 'published', 'published']
    """
    wide = by_quarter.pivot(index="organisation", columns="quarter", values="shortfall_gbp_m")
    for quarter in (start, end):
        if quarter not in wide.columns:
            raise ValueError(f"no forecast shortfall for quarter {quarter!r}")
    wide = wide.loc[[label for label in ORGANISATIONS.values() if label in wide.index]]
    change = wide[end] - wide[start]
    sector_change = float(change["Sector"])
    return pd.DataFrame(
        {
            f"{start.lower()}_gbp_m": wide[start],
            f"{end.lower()}_gbp_m": wide[end],
            "change_gbp_m": change,
            "share_of_sector_change_pct": [share_pct(c, sector_change) for c in change],
            "ratio": [ratio(e, s) for e, s in zip(wide[end], wide[start], strict=True)],
            "basis": [_implied_in(by_quarter, org, (start, end)) for org in wide.index],
        }
    ).rename_axis("organisation")


def _implied_in(by_quarter: pd.DataFrame, organisation: str, quarters: tuple[str, str]) -> str:
    """Which of ``quarters`` imply ``organisation``'s figure rather than publish it."""
    if "basis" not in by_quarter.columns:
        return "published"
    rows = by_quarter.loc[
        (by_quarter["organisation"] == organisation) & by_quarter["quarter"].isin(quarters)
    ]
    implied = [q for q, b in zip(rows["quarter"], rows["basis"], strict=True) if b != "published"]
    return f"{' and '.join(implied)} implied" if implied else "published"
