"""Every claim shown with its qualifier, unit and precision; every export carries both columns."""

from __future__ import annotations

import csv
import io
import json

import pytest

from qipp.derive import scorecard, scorecard_csv, scorecard_json
from qipp.ledger import load_claims
from qipp.ledger.wording import as_published, decimals_for


@pytest.mark.parametrize(
    ("value", "unit", "precision", "qualifier", "shown"),
    [
        (50.0, "pct", 1.0, "less than", "less than 50%"),
        (2.0, "ratio", 1.0, "more than", "more than 2x"),
        (1234.5, "GBP_m", 0.1, None, "£1,234.5m"),
        (5.0, "GBP_bn", 1.0, "around", "around £5bn"),
        (0.28, "pct", 0.01, float("nan"), "0.28%"),
        (20.0, "count", 1.0, "  more than ", "more than 20"),
    ],
)
def test_as_published(value, unit, precision, qualifier, shown):
    assert as_published(value, unit, precision, qualifier) == shown


def test_decimals_follow_the_precision_the_figure_was_stated_to():
    assert [decimals_for(p) for p in (0.001, 0.05, 0.5, 1.0, 10.0)] == [3, 2, 1, 0, 0]


def test_every_hedged_claim_keeps_its_hedge_in_every_export():
    claims = load_claims()
    hedged = claims.dropna(subset=["qualifier"])
    hedged = hedged[hedged["qualifier"].str.strip() != ""]
    assert len(hedged) > 0
    card = scorecard()
    records = {r["id"]: r for r in json.loads(scorecard_json(card))}
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(scorecard_csv(card)))}
    for claim in hedged.itertuples():
        assert records[claim.id]["qualifier"] == claim.qualifier.strip()
        assert rows[claim.id]["qualifier"] == claim.qualifier.strip()
        assert records[claim.id]["as_published"].startswith(claim.qualifier.strip() + " ")
        assert float(rows[claim.id]["precision"]) == claim.precision


def test_an_unhedged_claim_has_a_null_qualifier_in_json_and_json_is_strict():
    text = scorecard_json(scorecard())
    records = json.loads(text, parse_constant=lambda name: pytest.fail(f"{name} in JSON"))
    assert any(r["qualifier"] is None for r in records)
