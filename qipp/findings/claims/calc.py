"""The claims scorecard (:func:`qipp.derive.scorecard`) counted and chosen, as tables a reader cites.

Examples
--------
>>> card = pd.DataFrame({"id": ["a", "b", "c"], "source": ["s1", "s1", "s2"],
...                      "status": ["reproduced", "stated", "inconsistent"]})
>>> counts_by_source_status(card, {"s1": "Article one", "s2": "Article two"}).frame
status       reproduced  inconsistent  stated
source
Article one           1             0       1
Article two           0             1       0
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from qipp.derive import REPRODUCED, STATUSES, status_counts, tolerance
from qipp.display import MISSING, ShownAsTable, Table, facts, table
from qipp.findings.rows import qualifier_or_none
from qipp.ledger import load_sources
from qipp.ledger.wording import as_published, decimals_for

LEDGER_CAPTION = (
    "Source: the claims ledger (data/claims.csv), each figure recomputed from the others "
    "the articles publish"
)
SCORED = "status and derived value: recomputed from the other published figures"
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


def short_names(sources: pd.DataFrame) -> dict[str, str]:
    """Source id -> the short name a reader cites (``data/sources.csv``)."""
    return dict(zip(sources["id"], sources["short_name"], strict=True))


def all_derivable_reproduced(card: pd.DataFrame) -> bool:
    """True when no claim that can be recomputed is inconsistent."""
    return bool((card["status"] != "inconsistent").all())


def agrees_at_edge(card: pd.DataFrame) -> pd.Series:
    """True for each reproduced claim whose value at the published inputs misses its band.

    Such a claim is reproduced only because inputs elsewhere within their rounding meet it.

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


def derived_text(value: float | None, unit: str, precision: float) -> str:
    """A derived value with its unit, one decimal more than the claim's (two at least).

    >>> derived_text(41.25874, "pct", 1.0), derived_text(5.8, "GBP_bn", 0.1)
    ('41.26%', '£5.80bn')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    if unit == "count" and float(value).is_integer():
        return as_published(float(value), unit, 1.0)
    return as_published(float(value), unit, 10.0 ** -max(2, decimals_for(float(precision)) + 1))


@dataclass(frozen=True)
class StatusCounts(ShownAsTable):
    """How many claims have each status."""

    counts: dict[str, int]

    def as_table(self, caption: str | None = None) -> Table:
        items = {status.capitalize(): n for status, n in self.counts.items()}
        return facts(
            {**items, "All published figures": sum(self.counts.values())},
            headers=("Status", "Claims"),
            caption=caption or LEDGER_CAPTION,
            title="Published figures by their status when recomputed",
        )


def count_statuses(card: pd.DataFrame) -> StatusCounts:
    """Claims per status, every status listed (zeros kept)."""
    return StatusCounts(status_counts(card))


@dataclass(frozen=True)
class SourceCounts(ShownAsTable):
    """Claims per source (rows, by short name) and status (columns)."""

    frame: pd.DataFrame

    def as_table(self, caption: str | None = None) -> Table:
        frame = self.frame.assign(all=self.frame.sum(axis=1)).rename_axis("source")
        labels = {"source": "Source", "all": "All", **{s: s.capitalize() for s in STATUSES}}
        caption = caption or LEDGER_CAPTION
        title = "Published figures by source and status"
        return table(frame.reset_index(), labels=labels, caption=caption, title=title)


def counts_by_source_status(card: pd.DataFrame, names: Mapping[str, str]) -> SourceCounts:
    """Count claims per source and status; sources in ledger order, every status a column."""
    order = list(dict.fromkeys(card["source"]))
    frame = pd.crosstab(card["source"], card["status"]).reindex(
        index=order, columns=list(STATUSES), fill_value=0
    )
    frame.index = [names.get(source, source) for source in frame.index]
    frame.index.name, frame.columns.name = "source", "status"
    return SourceCounts(frame.astype(int))


@dataclass(frozen=True)
class Claims(ShownAsTable):
    """Claims of the scorecard, shown by the columns named (keys of :data:`CLAIM_LABELS`)."""

    frame: pd.DataFrame
    columns: tuple[str, ...]
    caption: str = LEDGER_CAPTION
    source: str = ""  # the short name of the claims' one source, if they have one

    def as_table(self, caption: str | None = None) -> Table:
        rows = self.frame.copy()
        rows["derived"] = [
            derived_text(v, u, p)
            for v, u, p in zip(rows["derived_value"], rows["unit"], rows["precision"], strict=True)
        ]
        if "agreement" in self.columns:
            at_edge = agrees_at_edge(rows)
            rows["agreement"] = [
                (AT_EDGE if edge else WITHIN) if status == REPRODUCED else MISSING
                for status, edge in zip(rows["status"], at_edge, strict=True)
            ]
        where = f" of {self.source}" if self.source else ""
        title = f"Published figures{where}: {', '.join(dict.fromkeys(rows['status']))}"
        caption = caption or self.caption
        return table(
            rows, columns=list(self.columns), labels=CLAIM_LABELS, caption=caption, title=title
        )


def select_claims(
    card: pd.DataFrame,
    columns: Sequence[str],
    *,
    ids: Sequence[str] | None = None,
    status: str | None = None,
    names: Mapping[str, str] | None = None,
    caption: str = LEDGER_CAPTION,
) -> Claims:
    """The claims ``ids`` (in that order) or all, only those of ``status`` if given.

    ``names`` maps source ids to the short names the ``source`` column shows.
    A column not in :data:`CLAIM_LABELS`, or an id not in ``card``, is a KeyError.
    """
    unknown = [c for c in columns if c not in CLAIM_LABELS]
    if unknown:
        raise KeyError(f"no claim column {', '.join(unknown)}; known: {', '.join(CLAIM_LABELS)}")
    rows = card if ids is None else card.set_index("id").loc[list(ids)].reset_index()
    if status is not None:
        rows = rows.loc[rows["status"] == status]
    rows = rows.reset_index(drop=True)
    if names is not None:
        rows = rows.assign(source=[names.get(s, s) for s in rows["source"]])
    return Claims(rows, tuple(columns), caption)


def by_source(
    card: pd.DataFrame,
    ids: Sequence[str],
    columns: Sequence[str] = ("id", "quantity", "as_published", "status", "derived"),
) -> list[Claims]:
    """The claims ``ids``, one result per source in the order they first appear.

    Each is captioned with its source's short name (``data/sources.csv``).
    """
    names = short_names(load_sources())
    chosen = card.set_index("id").loc[list(ids), "source"]
    return [
        Claims(
            select_claims(card, columns, ids=list(chosen.index[chosen == source])).frame,
            tuple(columns),
            f"Source: {names[source]}; {SCORED}",
            names[source],
        )
        for source in dict.fromkeys(chosen)
    ]
