"""qipp.findings.claims: the scorecard counted, chosen, put in sentences and recorded (notebook 00)."""

import pandas as pd
import pytest

from qipp.derive import STATUSES, scorecard, status_counts
from qipp.display import MISSING
from qipp.findings.claims.calc import (
    AT_EDGE,
    WITHIN,
    agrees_at_edge,
    all_derivable_reproduced,
    by_source,
    count_statuses,
    counts_by_source_status,
    derived_text,
    select_claims,
    short_names,
)
from qipp.findings.claims.report import edge_sentence, ledger_findings, ledger_verdict
from qipp.ledger import load_sources


def _card(statuses, sources=None):
    sources = sources or ["s"] * len(statuses)
    return pd.DataFrame(
        {"id": [f"c{i}" for i in range(len(statuses))], "source": sources, "status": statuses}
    )


def _scored(rows):
    """A scorecard of (id, status, value, unit, precision, qualifier, derived) rows."""
    frame = pd.DataFrame(
        rows,
        columns=["id", "status", "value", "unit", "precision", "qualifier", "derived_value"],
    )
    frame["source"] = "s1"
    frame["quote"] = [f"quote {i}" for i in frame["id"]]
    frame["as_published"] = [f"published {i}" for i in frame["id"]]
    frame["note"] = [f"note on {i}" for i in frame["id"]]
    return frame


NAN = float("nan")
# a: 12.49 against 12.2 +/- 0.05, only at the edge; b: inside; c: stated.
EDGE = ("a", "reproduced", 12.2, "pct", 0.1, None, 12.49)
INSIDE = ("b", "reproduced", 2.0, "ratio", 1.0, "more than", 2.06)
STATED = ("c", "stated", 50.0, "pct", 1.0, "less than", NAN)


def test_counts_keep_every_status_and_the_ledger_order_of_sources():
    card = _card(["stated", "stated", "reproduced"], ["s2", "s2", "s1"])
    table = counts_by_source_status(card, {"s1": "One", "s2": "Two"}).frame
    assert list(table.index) == ["Two", "One"]
    assert list(table.columns) == list(STATUSES)
    assert table.loc["Two", "stated"] == 2 and table.loc["Two", "inconsistent"] == 0


def test_verdict_uses_singular_and_plural_correctly():
    assert ledger_verdict(_card(["reproduced", "reproduced", "inconsistent", "stated"])) == (
        "Of 4 published figures, 2 are reproduced from other published figures, 1 does not "
        "reconcile, and 1 is stated only (nothing published lets it be recomputed)."
    )
    assert ledger_verdict(_card(["reproduced", "inconsistent", "inconsistent"])).startswith(
        "Of 3 published figures, 1 is reproduced from other published figures, 2 do not reconcile"
    )


def test_any_inconsistent_claim_means_not_all_reproduced():
    assert not all_derivable_reproduced(_card(["reproduced", "inconsistent"]))
    assert all_derivable_reproduced(_card(["reproduced", "stated"]))


def test_committed_ledger_counts_add_up():
    card = scorecard()
    table = counts_by_source_status(card, {}).frame
    assert table.to_numpy().sum() == len(card)


# --------------------------------------------------------------------------- at the edge


def test_at_the_edge_only_when_the_central_value_misses_the_band():
    assert agrees_at_edge(_scored([EDGE, INSIDE, STATED])).tolist() == [True, False, False]


def test_the_committed_ledger_edges_are_the_notes_that_say_so():
    card = scorecard()
    said = card["note"].str.contains("agrees only at the edge", regex=False)
    assert agrees_at_edge(card).tolist() == said.tolist()


def test_edge_sentence_singular_plural_all_and_none():
    one = edge_sentence(_scored([EDGE, INSIDE]))
    assert one.startswith("Of the 2 reproduced figures, 1 agrees only at the edge of what its")
    assert "`a` (published published a, recomputed 12.49%)" in one
    both = edge_sentence(_scored([EDGE, ("d", *EDGE[1:])]))
    assert both.startswith("Both reproduced figures agree only at the edge of what their")
    only = edge_sentence(_scored([EDGE, STATED]))
    assert only.startswith("The only reproduced figure agrees only at the edge")
    inside = edge_sentence(_scored([INSIDE, INSIDE, INSIDE]))
    assert inside.startswith("All 3 reproduced figures agree at the published inputs")
    assert edge_sentence(_scored([STATED])).startswith("No figure here is reproduced")


def test_edge_sentence_of_chosen_claims_quotes_their_notes():
    card = _scored([EDGE, INSIDE, STATED])
    text = edge_sentence(card, ids=["a", "c"], notes=True)
    assert text.endswith("\n\n> `a`: note on a")
    assert edge_sentence(card, ids=["b"]).startswith("The only reproduced figure agrees at")


# --------------------------------------------------------------------------- tables


def test_derived_text_units_decimals_and_a_dash():
    assert derived_text(41.2587, "pct", 1.0) == "41.26%"
    assert derived_text(12.4924, "pct", 0.1) == "12.49%"
    assert derived_text(0.12345, "ratio", 0.01) == "0.123x"
    assert derived_text(3.0, "count", 1.0) == "3"
    assert derived_text(2.5, "count", 1.0) == "2.50"
    assert derived_text(NAN, "GBP_m", 0.1) == MISSING


def test_claims_table_shows_the_qualifier_a_dash_and_words():
    card = _scored([EDGE, INSIDE, STATED])
    card.loc[2, "as_published"] = "less than 50%"
    shown = select_claims(card, ("id", "as_published", "status", "derived", "agreement"))
    shown = shown.as_table()
    assert shown.headers == ["Claim", "Published", "Status", "Recomputed", "Agreement"]
    cells = shown.cells.set_index("Claim")
    assert cells.loc["c", "Published"] == "less than 50%"
    assert (cells.loc["c", "Recomputed"], cells.loc["c", "Agreement"]) == (MISSING, MISSING)
    assert cells["Agreement"].tolist() == [AT_EDGE, WITHIN, MISSING]
    html = shown._repr_html_()
    assert 'class="dataframe"' not in html and "NaN" not in html and "nan" not in html


def test_claims_table_chosen_ids_in_order_status_filter_and_source_names():
    card = _scored([EDGE, INSIDE, STATED])
    shown = select_claims(card, ("id", "source"), ids=["c", "a"], names={"s1": "HSJ, one"})
    assert shown.as_table().cells.values.tolist() == [["c", "HSJ, one"], ["a", "HSJ, one"]]
    reproduced = select_claims(card, ("id",), status="reproduced").as_table()
    assert reproduced.cells["Claim"].tolist() == ["a", "b"]
    assert reproduced.caption.startswith("Source: the claims ledger")
    with pytest.raises(KeyError, match="no claim column value"):
        select_claims(card, ("id", "value"))


def test_status_and_source_tables_count_the_committed_ledger():
    card = scorecard()
    counts = status_counts(card)
    shown = count_statuses(card).as_table().cells.set_index("Status")["Claims"]
    assert shown.to_dict() == {
        **{s.capitalize(): str(n) for s, n in counts.items()},
        "All published figures": str(len(card)),
    }
    names = short_names(load_sources())
    per_source = counts_by_source_status(card, names).as_table()
    assert per_source.headers == ["Source", "Reproduced", "Inconsistent", "Stated", "All"]
    assert set(per_source.cells["Source"]) == {names[s] for s in card["source"]}
    assert sum(int(n) for n in per_source.cells["All"]) == len(card)
    assert per_source.caption.startswith("Source: the claims ledger")


def test_by_source_one_result_per_source_captioned_by_its_short_name():
    card = scorecard()
    names = short_names(load_sources())
    ids = card["id"].tolist()
    parts = by_source(card, ids)
    sources = list(dict.fromkeys(card["source"]))
    assert [part.source for part in parts] == [names[s] for s in sources]
    assert [part.as_table().caption.split(";")[0] for part in parts] == [
        f"Source: {names[s]}" for s in sources
    ]
    assert sum(len(part.frame) for part in parts) == len(card)
    assert parts[0].as_table().headers == [
        "Claim",
        "What it measures",
        "Published",
        "Status",
        "Recomputed",
    ]


# --------------------------------------------------------------------------- findings


def test_findings_keep_their_keys_and_read_the_scorecard():
    card = scorecard()
    record = ledger_findings(card)
    assert list(record) == [
        "verdict",
        "reproduced",
        "n_claims",
        "status_counts",
        "inconsistent_ids",
        "edge_ids",
        "n_sources",
    ]
    assert record["status_counts"] == status_counts(card)
    assert record["reproduced"] is (record["status_counts"]["inconsistent"] == 0)
    assert record["inconsistent_ids"] == card.loc[card["status"] == "inconsistent", "id"].tolist()
    assert record["edge_ids"] == card.loc[agrees_at_edge(card), "id"].tolist()
    assert record["n_sources"] == card["source"].nunique()
    assert record["verdict"] == ledger_verdict(card)
