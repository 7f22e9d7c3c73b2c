"""Sentences about the claims scorecard (notebooks 00 and 01), kept apart from the counts.

Every figure in them comes from the scorecard passed in
(:func:`qipp.derive.scorecard`), so a sentence can never disagree with the
table beside it.

Examples
--------
>>> card = pd.DataFrame({"id": ["a", "b", "c", "d"],
...     "status": ["reproduced", "reproduced", "inconsistent", "stated"]})
>>> ledger_verdict(card)
'Of 4 published figures, 2 are reproduced from other published figures, 1 does not reconcile, and 1 is stated only (nothing published lets it be recomputed).'
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from qipp.derive import INCONSISTENT, REPRODUCED, STATED
from qipp.findings.claims.calc import agrees_at_edge
from qipp.findings.claims.tables import derived_text


def _figures(count: int) -> str:
    return "1 is" if count == 1 else f"{count} are"


def ledger_verdict(card: pd.DataFrame) -> str:
    """One sentence: how many published figures reproduce, do not, or are stated only."""
    counts = card["status"].value_counts()
    reproduced = int(counts.get(REPRODUCED, 0))
    inconsistent = int(counts.get(INCONSISTENT, 0))
    stated = int(counts.get(STATED, 0))
    reconcile = "does not reconcile" if inconsistent == 1 else "do not reconcile"
    return (
        f"Of {len(card)} published figures, {_figures(reproduced)} reproduced from other "
        f"published figures, {inconsistent} {reconcile}, and {_figures(stated)} stated "
        "only (nothing published lets it be recomputed)."
    )


def _one_edge(row: pd.Series) -> str:
    derived = derived_text(row["derived_value"], row["unit"], row["precision"])
    return f"`{row['id']}` (published {row['as_published']}, recomputed {derived})"


def edge_sentence(card: pd.DataFrame, ids: Sequence[str] | None = None, notes: bool = False) -> str:
    """How many reproduced figures agree only at the edge of their inputs' rounding, and which.

    Parameters
    ----------
    card : pandas.DataFrame
        The scorecard (:func:`qipp.derive.scorecard`).
    ids : sequence of str, optional
        Only these claims (default: all).
    notes : bool
        Follow the sentence with each such claim's scorecard note, quoted.

    Returns
    -------
    str
        Markdown.

    Examples
    --------
    >>> card = pd.DataFrame({"id": ["a", "b"], "status": ["reproduced", "reproduced"],
    ...     "value": [12.2, 5.0], "unit": ["pct", "GBP_bn"], "precision": [0.1, 1.0],
    ...     "qualifier": [None, "around"], "as_published": ["12.2%", "around £5bn"],
    ...     "derived_value": [12.49, 4.9], "note": ["n1", "n2"]})
    >>> edge_sentence(card)
    'Of the 2 reproduced figures, 1 agrees only at the edge of what its inputs allow (the value at the published inputs lies outside the published band; a value within their rounding meets it): `a` (published 12.2%, recomputed 12.49%).'
    >>> edge_sentence(card, ids=["b"])
    'The only reproduced figure agrees at the published inputs, not only at the edge of their rounding.'
    >>> edge_sentence(card, ids=["a"])[:65]
    'The only reproduced figure agrees only at the edge of what its in'
    """
    chosen = card if ids is None else card.loc[card["id"].isin(list(ids))]
    reproduced = chosen.loc[chosen["status"] == REPRODUCED]
    edge = reproduced.loc[agrees_at_edge(reproduced)]
    total, count = len(reproduced), len(edge)
    if total == 0:
        return "No figure here is reproduced, so none agrees only at the edge of its rounding."
    if count == 0:
        return (
            f"{_all_of(total)} {_agree(total)} at the published inputs, not only at the edge "
            "of their rounding."
        )
    subject = _all_of(total) if count == total else f"Of the {total} reproduced figures, {count}"
    listed = "; ".join(_one_edge(row) for _, row in edge.iterrows())
    sentence = (
        f"{subject} {_agree(count)} only at the edge of what "
        f"{'its' if count == 1 else 'their'} inputs allow (the value at the published inputs "
        f"lies outside the published band; a value within their rounding meets it): {listed}."
    )
    if notes:
        sentence += "".join(f"\n\n> `{row['id']}`: {row['note']}" for _, row in edge.iterrows())
    return sentence


def _agree(count: int) -> str:
    return "agrees" if count == 1 else "agree"


def _all_of(total: int) -> str:
    """Every one of ``total`` reproduced figures, as the subject of a sentence.

    >>> _all_of(1), _all_of(2), _all_of(5)
    ('The only reproduced figure', 'Both reproduced figures', 'All 5 reproduced figures')
    """
    if total == 1:
        return "The only reproduced figure"
    return "Both reproduced figures" if total == 2 else f"All {total} reproduced figures"
