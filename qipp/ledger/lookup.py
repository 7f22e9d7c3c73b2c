"""Look up one claim, every claim's value, or how to cite a source (the project's by default)."""

from __future__ import annotations

import difflib

import pandas as pd

from qipp.ledger.load import load_claims, load_sources


def claim_values(claims: pd.DataFrame | None = None) -> dict[str, float]:
    """``{claim id: published value}`` for every claim.

    >>> claim_values()["ccg_q1_median_target_pct"]
    2.47

    Parameters
    ----------
    claims : DataFrame, optional
        The claims (default: loaded).

    Returns
    -------
    dict
        Claim id to value.
    """
    claims = load_claims() if claims is None else claims
    return dict(zip(claims["id"], claims["value"].astype(float), strict=True))


def claim(claim_id: str, claims: pd.DataFrame | None = None) -> pd.Series:
    """One claim's row; a KeyError for an unknown id suggests near spellings.

    >>> float(claim("ccg_q1_west_essex_target_pct")["value"])
    6.44

    Parameters
    ----------
    claim_id : str
        A claim's id in ``data/claims.csv``.
    claims : DataFrame, optional
        The claims (default: loaded).

    Returns
    -------
    Series
        The claim's row.
    """
    claims = load_claims() if claims is None else claims
    rows = claims.loc[claims["id"] == claim_id]
    if rows.empty:
        near = difflib.get_close_matches(claim_id, claims["id"].tolist(), n=3)
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        raise KeyError(f"no claim {claim_id!r} in the ledger{hint}")
    return rows.iloc[0]


def cite(source_id: str, sources: pd.DataFrame | None = None) -> str:
    """How to cite a source: its short name and period.

    >>> cite("hsj_dh_tracker_q1_1213")
    'HSJ, DH QIPP tracker, Q1 2012-13 (2011-12 to 2014-15, assessed at Q1 2012-13)'

    Parameters
    ----------
    source_id : str
        A source's id in ``data/sources.csv``.
    sources : DataFrame, optional
        The sources (default: loaded).

    Returns
    -------
    str
        The citation.
    """
    sources = load_sources() if sources is None else sources
    rows = sources.loc[sources["id"] == source_id]
    if rows.empty:
        raise KeyError(f"no source {source_id!r}; known: {', '.join(sources['id'])}")
    row = rows.iloc[0]
    return f"{row['short_name']} ({row['period']})"
