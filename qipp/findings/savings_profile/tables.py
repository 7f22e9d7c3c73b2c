"""Tables of notebook 03 (the tracker's savings profile), for a reader to cite.

Each goes through :func:`qipp.display.table`: human headers with units, fixed
decimals, "–" where a figure is undefined (the first year has no change on the
year), and a caption naming the source.

Examples
--------
>>> profile = pd.Series([2.0, 1.0], index=["2011-12", "2012-13"], name="savings_gbp_bn")
>>> print(yearly_table(profile, source="HSJ"))
   Year Savings (£bn) Running total (£bn) Running share (%) Change (£bn) Change (%)
2011-12           2.0                 2.0              66.7            –          –
2012-13           1.0                 3.0             100.0         -1.0      -50.0
Source: HSJ; qipp.findings.savings_profile.calc.profile_table. Running share: of the total so far; change: on the year before.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from qipp.display import Table, table
from qipp.findings.savings_profile.shape import profile_table
from qipp.ledger.wording import as_published


def yearly_table(profile: pd.Series, *, source: str) -> Table:
    """The savings of each year, the running total and share, and the change on the year."""
    frame = profile_table(profile).reset_index()
    return table(
        frame,
        labels={
            "year": "Year",
            "savings_gbp_bn": "Savings (£bn)",
            "cumulative_gbp_bn": "Running total (£bn)",
            "cumulative_share_pct": "Running share (%)",
            "change_gbp_bn": "Change (£bn)",
            "change_pct": "Change (%)",
        },
        formats={
            "savings_gbp_bn": ".1f",
            "cumulative_gbp_bn": ".1f",
            "cumulative_share_pct": ".1f",
            "change_gbp_bn": "+.1f",
            "change_pct": "+.1f",
        },
        caption=f"Source: {source}; qipp.findings.savings_profile.calc.profile_table. "
        "Running share: of the total so far; change: on the year before.",
    )


def _recomputed(value: float, unit: str, precision: float) -> str | None:
    """A recomputed figure to one more decimal than the published one (None when there is none)."""
    if pd.isna(value):
        return None
    return as_published(float(value), unit, precision / 10)


def claim_checks_table(card: pd.DataFrame, ids: Iterable[str], *, source: str) -> Table:
    """Published claims as published, beside what ``qipp.derive`` recomputes and its status.

    Parameters
    ----------
    card : pandas.DataFrame
        :func:`qipp.derive.scorecard`, indexed by claim id.
    ids : iterable of str
        The claims to show, in order.
    source : str
        The source, named in the caption.
    """
    rows = card.loc[list(ids)]
    frame = pd.DataFrame(
        {
            "quote": rows["quote"],
            "published": rows["as_published"],
            "recomputed": [
                _recomputed(v, u, p)
                for v, u, p in zip(
                    rows["derived_value"], rows["unit"], rows["precision"], strict=True
                )
            ],
            "status": rows["status"],
        }
    )
    return table(
        frame,
        labels={
            "quote": "The article says",
            "published": "As published",
            "recomputed": "Recomputed",
            "status": "Status (qipp.derive)",
        },
        caption=f"Source: {source}; the claims ledger (data/claims.csv), scored by qipp.derive.",
    )


def estimates_table(
    estimates: pd.DataFrame, *, year: str, reference: str, sources: Mapping[str, str]
) -> Table:
    """Several estimates of one year's savings beside one another and the reference estimate.

    Parameters
    ----------
    estimates : pandas.DataFrame
        :func:`qipp.findings.savings_profile.calc.compare_estimates`, indexed by label.
    year : str
        The year the estimates are of, for the header.
    reference : str
        How the reference estimate reads in the headers ("the tracker's").
    sources : mapping
        Source id -> short name, for the source of each estimate.
    """
    frame = estimates.reset_index()
    if "source" in frame.columns:
        frame["source"] = frame["source"].map(lambda s: sources.get(s, s))
    return table(
        frame,
        labels={
            "estimate": "Estimate",
            "value_gbp_bn": f"Savings in {year} (£bn)",
            "minus_reference_gbp_bn": f"Minus {reference} (£bn)",
            "pct_of_reference": f"% of {reference}",
            "source": "Source",
        },
        formats={
            "value_gbp_bn": ".1f",
            "minus_reference_gbp_bn": "+.1f",
            "pct_of_reference": ".1f",
        },
        caption="Source: the claims ledger (data/claims.csv, data/tables/"
        "savings_2011_12_estimates.csv); qipp.findings.savings_profile.calc.compare_estimates.",
    )
