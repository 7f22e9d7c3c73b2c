"""The scorecard summary behind the front-page notebook."""

import pandas as pd

from qipp.analysis.ledger_summary import (
    all_derivable_reproduced,
    counts_by_source_status,
    ledger_verdict,
)
from qipp.derive import STATUSES, scorecard


def _card(statuses, sources=None):
    sources = sources or ["s"] * len(statuses)
    return pd.DataFrame(
        {"id": [f"c{i}" for i in range(len(statuses))], "source": sources, "status": statuses}
    )


def test_counts_keep_every_status_and_the_ledger_order_of_sources():
    card = _card(["stated", "stated", "reproduced"], ["s2", "s2", "s1"])
    table = counts_by_source_status(card, {"s1": "One", "s2": "Two"})
    assert list(table.index) == ["Two", "One"]
    assert list(table.columns) == list(STATUSES)
    assert table.loc["Two", "stated"] == 2 and table.loc["Two", "inconsistent"] == 0


def test_verdict_uses_singular_and_plural_correctly():
    assert ledger_verdict(_card(["reproduced", "reproduced", "inconsistent", "stated"])) == (
        "Of 4 published figures, 2 are reproduced from other published figures, 1 does not "
        "reconcile, and 1 is stated only (nothing published lets it be recomputed)."
    )


def test_any_inconsistent_claim_means_not_all_reproduced():
    assert not all_derivable_reproduced(_card(["reproduced", "inconsistent"]))
    assert all_derivable_reproduced(_card(["reproduced", "stated"]))


def test_committed_ledger_counts_add_up():
    card = scorecard()
    table = counts_by_source_status(card, {})
    assert table.to_numpy().sum() == len(card)
