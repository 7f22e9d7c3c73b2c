"""The claims scorecard summarised for the front-page notebook (00_claims_ledger).

Counts and flags only; the sentences are :mod:`qipp.findings.claims.text`, the
tables a reader sees :mod:`qipp.findings.claims.tables`.

Examples
--------
>>> card = pd.DataFrame({"id": ["a", "b", "c"], "source": ["s1", "s1", "s2"],
...                      "status": ["reproduced", "stated", "inconsistent"]})
>>> counts_by_source_status(card, {"s1": "Article one", "s2": "Article two"})
status       reproduced  inconsistent  stated
source
Article one           1             0       1
Article two           0             1       0
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from qipp.derive import REPRODUCED, STATUSES, tolerance
from qipp.findings.rows import qualifier_or_none


def short_names(sources: pd.DataFrame) -> dict[str, str]:
    """Source id -> the short name a reader cites (``data/sources.csv``).

    >>> short_names(pd.DataFrame({"id": ["s1"], "short_name": ["HSJ, one"]}))
    {'s1': 'HSJ, one'}
    """
    return dict(zip(sources["id"], sources["short_name"], strict=True))


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


def all_derivable_reproduced(card: pd.DataFrame) -> bool:
    """True when every claim that can be recomputed agrees with its published value.

    >>> all_derivable_reproduced(pd.DataFrame({"status": ["reproduced", "stated"]}))
    True
    """
    return bool((card["status"] != "inconsistent").all())


def agrees_at_edge(card: pd.DataFrame) -> pd.Series:
    """True for each reproduced claim that agrees only at the edge of its inputs' rounding.

    A claim is reproduced when the range its derivation takes over the inputs'
    rounding meets the published band (decision 0003); it agrees *only at the
    edge* when the value at the published inputs lies outside that band, so
    the match needs inputs away from their published values.

    Parameters
    ----------
    card : pandas.DataFrame
        The scorecard: ``status``, ``value``, ``precision``, ``qualifier``,
        ``derived_value``.

    Returns
    -------
    pandas.Series of bool
        Aligned with ``card``; False for every claim not reproduced.

    Examples
    --------
    >>> card = pd.DataFrame({"status": ["reproduced", "reproduced", "stated"],
    ...     "value": [12.2, 2.0, 5.0], "precision": [0.1, 1.0, 1.0],
    ...     "qualifier": [None, "more than", None], "derived_value": [12.49, 2.06, None]})
    >>> agrees_at_edge(card).tolist()
    [True, False, False]
    """
    flags = []
    for row in card.to_dict("records"):
        if row["status"] != REPRODUCED:
            flags.append(False)
            continue
        band = tolerance(
            float(row["value"]), float(row["precision"]), qualifier_or_none(row["qualifier"])
        )
        derived = float(row["derived_value"])
        flags.append(not band.meets(derived, derived))
    return pd.Series(flags, index=card.index, dtype=bool)
