"""How the scorecard is reported: sentences whose words follow the counts, and notebook 00's record.

Examples
--------
>>> card = pd.DataFrame({"id": ["a", "b", "c", "d"],
...     "status": ["reproduced", "reproduced", "inconsistent", "stated"]})
>>> ledger_verdict(card)
'Of 4 published figures, 2 are reproduced from other published figures, 1 does not reconcile, and 1 is stated only (nothing published lets it be recomputed).'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from qipp.derive import INCONSISTENT, REPRODUCED, STATED, status_counts
from qipp.findings.claims.calc import agrees_at_edge, all_derivable_reproduced, derived_text


def ledger_verdict(card: pd.DataFrame) -> str:
    """One sentence: how many published figures reproduce, do not, or are stated only."""
    counts = status_counts(card)
    reproduced, inconsistent, stated = (counts[s] for s in (REPRODUCED, INCONSISTENT, STATED))

    def figures(n: int) -> str:
        return "1 is" if n == 1 else f"{n} are"

    reconcile = "does not reconcile" if inconsistent == 1 else "do not reconcile"
    return (
        f"Of {len(card)} published figures, {figures(reproduced)} reproduced from other "
        f"published figures, {inconsistent} {reconcile}, and {figures(stated)} stated "
        "only (nothing published lets it be recomputed)."
    )


def edge_sentence(card: pd.DataFrame, ids: Sequence[str] | None = None, notes: bool = False) -> str:
    """How many reproduced figures agree only at the edge of their inputs' rounding, and which.

    ``ids`` limits it to those claims; ``notes`` quotes each such claim's scorecard note.
    Returns Markdown.

    >>> card = pd.DataFrame({"id": ["a", "b"], "status": ["reproduced", "reproduced"],
    ...     "value": [12.2, 5.0], "unit": ["pct", "GBP_bn"], "precision": [0.1, 1.0],
    ...     "qualifier": [None, "around"], "as_published": ["12.2%", "around £5bn"],
    ...     "derived_value": [12.49, 4.9], "note": ["n1", "n2"]})
    >>> edge_sentence(card)
    'Of the 2 reproduced figures, 1 agrees only at the edge of what its inputs allow (the value at the published inputs lies outside the published band; a value within their rounding meets it): `a` (published 12.2%, recomputed 12.49%).'
    """
    chosen = card if ids is None else card.loc[card["id"].isin(list(ids))]
    reproduced = chosen.loc[chosen["status"] == REPRODUCED]
    edge = reproduced.loc[agrees_at_edge(reproduced)]
    total, count = len(reproduced), len(edge)
    if total == 0:
        return "No figure here is reproduced, so none agrees only at the edge of its rounding."
    every = (
        "The only reproduced figure"
        if total == 1
        else "Both reproduced figures"
        if total == 2
        else f"All {total} reproduced figures"
    )
    if count == 0:
        agree = "agrees" if total == 1 else "agree"
        return f"{every} {agree} at the published inputs, not only at the edge of their rounding."
    subject = every if count == total else f"Of the {total} reproduced figures, {count}"
    agree, its = ("agrees", "its") if count == 1 else ("agree", "their")
    listed = "; ".join(
        f"`{row['id']}` (published {row['as_published']}, recomputed "
        f"{derived_text(row['derived_value'], row['unit'], row['precision'])})"
        for _, row in edge.iterrows()
    )
    sentence = (
        f"{subject} {agree} only at the edge of what {its} inputs allow (the value at the "
        f"published inputs lies outside the published band; a value within their rounding "
        f"meets it): {listed}."
    )
    if notes:
        sentence += "".join(f"\n\n> `{row['id']}`: {row['note']}" for _, row in edge.iterrows())
    return sentence


def ledger_findings(card: pd.DataFrame) -> dict[str, Any]:
    """Everything notebook 00 records, for :func:`qipp.findings.record.write_findings`."""
    return {
        "verdict": ledger_verdict(card),
        "reproduced": all_derivable_reproduced(card),
        "n_claims": len(card),
        "status_counts": status_counts(card),
        "inconsistent_ids": card.loc[card["status"] == INCONSISTENT, "id"].tolist(),
        "edge_ids": card.loc[agrees_at_edge(card), "id"].tolist(),
        "n_sources": int(card["source"].nunique()),
    }
