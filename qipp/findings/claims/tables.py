"""Claims of the ledger as tables a reader can cite (notebooks 00 and 01).

Every table goes through :func:`qipp.display.table`: a published figure shows
with its qualifier and unit as the article states it ("less than 50%",
:func:`qipp.ledger.wording.as_published`), a derived value with its unit and a
dash where nothing derives it, sources by their short names, headers in words.

Examples
--------
>>> card = pd.DataFrame({"id": ["a", "b"], "source": ["s1", "s1"],
...     "quote": ["less than half", "143 CCGs"], "value": [50.0, 143.0], "unit": ["pct", "count"],
...     "precision": [1.0, 1.0], "qualifier": ["less than", None],
...     "as_published": ["less than 50%", "143"], "status": ["reproduced", "stated"],
...     "derived_value": [41.2587, float("nan")], "note": ["", ""]})
>>> print(claims_table(card, ("id", "as_published", "status", "derived")))
Claim     Published     Status Recomputed
    a less than 50% reproduced     41.26%
    b           143     stated          –
Source: the claims ledger (data/claims.csv), scored by qipp.derive.scorecard
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd

from qipp.derive import STATUSES
from qipp.display import MISSING, Table, facts, table
from qipp.findings.claims.calc import agrees_at_edge
from qipp.ledger.wording import as_published, decimals_for

LEDGER_CAPTION = "Source: the claims ledger (data/claims.csv), scored by qipp.derive.scorecard"
CLAIM_LABELS: dict[str, str] = {
    "id": "Claim",
    "quantity": "What it measures",
    "quote": "The article's words",
    "source": "Source",
    "as_published": "Published",
    "status": "Status",
    "derived": "Recomputed",
    "agreement": "Agreement",
    "note": "Scorecard note",
}
AT_EDGE, WITHIN = "only at the edge", "inside the band"


def derived_text(value: float | None, unit: str, precision: float) -> str:
    """A derived value with its unit: one decimal more than the claim was stated to, at least two.

    A count that comes out whole shows as a whole number; nothing derived shows a dash.

    >>> derived_text(41.25874, "pct", 1.0), derived_text(2.06187, "ratio", 1.0)
    ('41.26%', '2.06x')
    >>> derived_text(5.8, "GBP_bn", 0.1), derived_text(1.0, "count", 1.0), derived_text(None, "pct", 1)
    ('£5.80bn', '1', '–')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    number = float(value)
    if unit == "count" and number.is_integer():
        return as_published(number, unit, 1.0)
    decimals = max(2, decimals_for(float(precision)) + 1)
    return as_published(number, unit, 10.0**-decimals)


def _agreement(card: pd.DataFrame) -> list[str]:
    edge = agrees_at_edge(card)
    return [
        (AT_EDGE if at_edge else WITHIN) if status == "reproduced" else MISSING
        for status, at_edge in zip(card["status"], edge, strict=True)
    ]


def claims_table(
    card: pd.DataFrame,
    columns: Sequence[str],
    *,
    ids: Sequence[str] | None = None,
    status: str | None = None,
    short_names: Mapping[str, str] | None = None,
    caption: str = LEDGER_CAPTION,
) -> Table:
    """Claims of the scorecard as a table: the columns named, in words.

    Parameters
    ----------
    card : pandas.DataFrame
        The scorecard (:func:`qipp.derive.scorecard`).
    columns : sequence of str
        Keys of :data:`CLAIM_LABELS`: a scorecard column, or ``derived`` (the
        value recomputed from other published figures with its unit, a dash
        when stated) or ``agreement``
        (whether a reproduced claim agrees at the published inputs or only at
        the edge of their rounding).
    ids : sequence of str, optional
        Only these claims, in this order.
    status : str, optional
        Only claims with this status.
    short_names : mapping, optional
        Source id -> short name, for the ``source`` column.
    caption : str
        Under the table; names the source.

    Returns
    -------
    qipp.display.Table

    Raises
    ------
    KeyError
        A column not in :data:`CLAIM_LABELS`, or an id not in the scorecard.
    """
    unknown = [c for c in columns if c not in CLAIM_LABELS]
    if unknown:
        raise KeyError(f"no claim column {', '.join(unknown)}; known: {', '.join(CLAIM_LABELS)}")
    rows = card if ids is None else card.set_index("id").loc[list(ids)].reset_index()
    if status is not None:
        rows = rows.loc[rows["status"] == status]
    rows = rows.reset_index(drop=True).copy()
    rows["derived"] = [
        derived_text(v, u, p)
        for v, u, p in zip(rows["derived_value"], rows["unit"], rows["precision"], strict=True)
    ]
    if "agreement" in columns:
        rows["agreement"] = _agreement(rows)
    if short_names is not None:
        rows["source"] = [short_names.get(s, s) for s in rows["source"]]
    return table(rows, columns=list(columns), labels=CLAIM_LABELS, caption=caption)


def status_table(card: pd.DataFrame, caption: str = LEDGER_CAPTION) -> Table:
    """How many claims have each status, and all of them.

    >>> print(status_table(pd.DataFrame({"status": ["stated", "stated", "reproduced"]})))
                   Status Claims
               Reproduced      1
             Inconsistent      0
                   Stated      2
    All published figures      3
    Source: the claims ledger (data/claims.csv), scored by qipp.derive.scorecard
    """
    counts = card["status"].value_counts()
    items = {status.capitalize(): int(counts.get(status, 0)) for status in STATUSES}
    return facts(
        {**items, "All published figures": len(card)}, headers=("Status", "Claims"), caption=caption
    )


def source_status_table(by_source: pd.DataFrame, caption: str = LEDGER_CAPTION) -> Table:
    """Claims per source and status (:func:`~qipp.findings.claims.calc.counts_by_source_status`).

    >>> counts = pd.DataFrame({"reproduced": [1], "inconsistent": [0], "stated": [2]},
    ...                       index=pd.Index(["HSJ, one"], name="source"))
    >>> print(source_status_table(counts, caption="Source: toy"))
      Source  Reproduced  Inconsistent  Stated  All
    HSJ, one           1             0       2    3
    Source: toy
    """
    frame = by_source.copy()
    frame["all"] = frame.sum(axis=1)
    frame = frame.rename_axis("source").reset_index()
    labels = {"source": "Source", "all": "All", **{s: s.capitalize() for s in STATUSES}}
    return table(frame, labels=labels, caption=caption)
