"""The findings record of notebook 00: the scorecard's counts and the verdict.

One function builds it, so the notebook's last cell is one call to
:func:`qipp.findings.record.write_findings`. The keys are those the record has always
had (``n_claims``, ``status_counts``, ``inconsistent_ids``, ``n_sources``), plus
``edge_ids``: the reproduced claims that agree only at the edge of their
inputs' rounding.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from qipp.derive import INCONSISTENT, status_counts
from qipp.findings.claims.calc import agrees_at_edge, all_derivable_reproduced
from qipp.findings.claims.text import ledger_verdict


def ledger_findings(card: pd.DataFrame) -> dict[str, Any]:
    """Everything notebook 00 records, ready for :func:`qipp.findings.record.write_findings`.

    ``reproduced`` is True when no claim that can be recomputed is inconsistent.

    Examples
    --------
    >>> card = pd.DataFrame({"id": ["a", "b"], "source": ["s1", "s2"],
    ...     "status": ["inconsistent", "stated"], "value": [1.0, 2.0], "precision": [1.0, 1.0],
    ...     "qualifier": [None, None], "derived_value": [3.0, float("nan")]})
    >>> record = ledger_findings(card)
    >>> record["reproduced"], record["inconsistent_ids"], record["n_sources"], record["edge_ids"]
    (False, ['a'], 2, [])
    """
    return {
        "verdict": ledger_verdict(card),
        "reproduced": all_derivable_reproduced(card),
        "n_claims": len(card),
        "status_counts": status_counts(card),
        "inconsistent_ids": card.loc[card["status"] == INCONSISTENT, "id"].tolist(),
        "edge_ids": card.loc[agrees_at_edge(card), "id"].tolist(),
        "n_sources": int(card["source"].nunique()),
    }
