"""The claims scorecard summarised for the front-page notebook (00_claims_ledger).

Examples
--------
>>> card = pd.DataFrame({"id": ["a", "b", "c"], "source": ["s1", "s1", "s2"],
...                      "status": ["reproduced", "stated", "inconsistent"]})
>>> counts_by_source_status(card, {"s1": "Article one", "s2": "Article two"})
status       reproduced  inconsistent  stated
source
Article one           1             0       1
Article two           0             1       0
>>> ledger_verdict(card)
'Of 3 published figures, 1 is reproduced from other published figures, 1 does not reconcile, and 1 is stated only (nothing published lets it be recomputed).'
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from qipp.derive import STATUSES


def counts_by_source_status(card: pd.DataFrame, short_names: Mapping[str, str]) -> pd.DataFrame:
    """Count claims per source (rows, by short name) and status (columns, all statuses).

    Parameters
    ----------
    card : pandas.DataFrame
        The scorecard (``qipp.derive.scorecard()``), with ``source`` and ``status``.
    short_names : mapping
        Source id -> the short name to show.

    Returns
    -------
    pandas.DataFrame
        Integer counts; every status a column (zeros kept), sources in ledger order.
    """
    order = list(dict.fromkeys(card["source"]))
    table = pd.crosstab(card["source"], card["status"]).reindex(
        index=order, columns=list(STATUSES), fill_value=0
    )
    table.index = [short_names.get(source, source) for source in table.index]
    table.index.name, table.columns.name = "source", "status"
    return table.astype(int)


def _figures(count: int) -> str:
    return "1 is" if count == 1 else f"{count} are"


def ledger_verdict(card: pd.DataFrame) -> str:
    """One sentence: how many published figures reproduce, do not, or are stated only."""
    counts = card["status"].value_counts()
    reproduced = int(counts.get("reproduced", 0))
    inconsistent = int(counts.get("inconsistent", 0))
    stated = int(counts.get("stated", 0))
    reconcile = "does not reconcile" if inconsistent == 1 else "do not reconcile"
    return (
        f"Of {len(card)} published figures, {_figures(reproduced)} reproduced from other "
        f"published figures, {inconsistent} {reconcile}, and {_figures(stated)} stated "
        "only (nothing published lets it be recomputed)."
    )


def all_derivable_reproduced(card: pd.DataFrame) -> bool:
    """True when every claim that can be recomputed agrees with its published value.

    >>> all_derivable_reproduced(pd.DataFrame({"status": ["reproduced", "stated"]}))
    True
    """
    return bool((card["status"] != "inconsistent").all())
