"""qipp.findings.pct_progress: its ledger readers, sentences, tables and findings record."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from qipp.derive import scorecard, tolerance
from qipp.findings.pct_progress import average, calc, report
from qipp.findings.pct_progress.average import CHALLENGE_IDS, EXTRAPOLATED_ID, N_REPORTS_ID
from qipp.findings.record import write_findings
from qipp.ledger import load_claims, load_tidy_table
from qipp.reference.pcts import match_pcts

Y = "2010-11"


@pytest.fixture(scope="module")
def claims() -> pd.DataFrame:
    return load_claims()


@pytest.fixture(scope="module")
def plans(claims) -> pd.DataFrame:
    return load_tidy_table("pct_plans_2010_11", claims)


def _progress(misses: list[float]) -> calc.Progress:
    """Progress with one published year-end miss per PCT."""
    rows = [(f"P{i}", Y, "forecast_miss_pct", m) for i, m in enumerate(misses)]
    return calc.progress_measures(
        pd.DataFrame(rows, columns=["organisation", "period", "measure", "value"])
    )


def _toy_ledger(make_claims, mean=20.0, low=10.0, high=30.0, count=6.0, qualifier="more than"):
    return make_claims(
        [
            (average.RANGE_IDS[0], low, "pct", 1, None),
            (average.RANGE_IDS[1], high, "pct", 1, None),
            (average.MEAN_ID, mean, "pct", 1, None),
            (N_REPORTS_ID, count, "count", 1, qualifier),
            (CHALLENGE_IDS[0], 10.0, "GBP_bn", 1, None),
            (CHALLENGE_IDS[1], 30.0, "GBP_bn", 1, None),
            (EXTRAPOLATED_ID, 4.0, "GBP_bn", 1, "around"),
        ]
    )


# --------------------------------------------------------------------------- the ledger


def test_average_check_reads_the_ledger_and_the_named_misses(make_claims):
    check = average.average_check(_toy_ledger(make_claims), _progress([10.0, 30.0]))
    assert check.range_pct == (10.0, 30.0) and check.mean_miss_pct == 20.0
    assert check.known_pct == (10.0, 30.0) and check.organisations == ("P0", "P1")
    assert check.n_reports == 6 and check.n_reports_text == "more than 6"
    assert check.min_reporting == 3
    assert check.others["n_reporting"].tolist() == [3, 4, 6, 10, 15]


def test_article_extrapolation_uses_the_published_band(claims):
    ext = average.article_extrapolation(claims)
    row = claims.set_index("id").loc[EXTRAPOLATED_ID]
    band = tolerance(float(row["value"]), float(row["precision"]), row["qualifier"])
    assert (ext.band_low_gbp_bn, ext.band_high_gbp_bn) == (band.lo, band.hi)
    assert ext.published_gbp_bn == float(row["value"])
    card = scorecard(claims).set_index("id")
    # derive scores the same midpoint the extrapolation computes.
    assert ext.shortfall_mid_gbp_bn == pytest.approx(card.loc[EXTRAPOLATED_ID, "derived_value"])


# --------------------------------------------------------------------------- sentences


def test_average_sentence_plural_singular_and_impossible(make_claims):
    ledger = _toy_ledger(make_claims)
    text = report.average_sentence(average.average_check(ledger, _progress([10.0, 30.0])))
    assert text.startswith("The named misses average 20.0% unweighted, equal to the published 20%.")
    assert (
        "at least **3** PCTs" in text
        and "with 6 reporting, the other 4 would average 20.0%" in text
    )
    assert text.endswith(
        "HSJ analysed more than 6 PCTs' reports but does not say how many gave "
        "a year-end forecast, nor whether the average is weighted by plan size."
    )
    one = report.average_sentence(average.average_check(ledger, _progress([12.0])))
    assert one.startswith("The one named miss is 12.0%, below the published average of 20%.")
    # Two reporting, one named: the other PCT (singular).
    two = report.average_sentence(
        average.average_check(_toy_ledger(make_claims, count=2.0), _progress([18.0]))
    )
    assert "with 2 reporting, the other PCT would average 22.0%" in two
    # Five named misses high in the range: with six reporting the sixth cannot make the mean.
    high = average.average_check(ledger, _progress([29.0, 29.0, 29.0, 29.0, 29.0]))
    text = report.average_sentence(high)
    assert "named misses average 29.0% unweighted, above" in text
    assert "the other PCT would need to average -25.0%, outside the published range" in text


def test_verdict_with_one_named_miss_and_one_outside_the_range():
    ext = average.extrapolate_shortfall(20, 10, 30, published_gbp_bn=4, band_gbp_bn=(3.6, 4.4))
    one = report.verdict(ext, (10, 30), [12.0], 2)
    assert "the article gives 1 PCT's year-end miss (12%), within its 10%-30% range" in one
    outside = report.verdict(ext, (10, 30), [12.0, 40.0], 3)
    assert "2 PCTs' year-end misses (12% and 40%), not all within" in outside


def test_inconsistent_notes_lists_only_what_does_not_reconcile():
    card = pd.DataFrame(
        {"status": ["inconsistent", "reproduced", "inconsistent"], "note": ["a", "b", "c"]},
        index=["x_pct", "y_pct", "z_pct"],
    )
    assert report.inconsistent_notes(card) == "- `x_pct`: a\n- `z_pct`: c"
    assert report.inconsistent_notes(card.iloc[[1]]) == "Every figure checked reconciles."


# --------------------------------------------------------------------------- tables


def test_tables_have_headers_captions_and_no_nan(claims, plans):
    card = scorecard(claims).set_index("id")
    progress = calc.progress_measures(plans)
    mix = calc.savings_mix(plans)
    names = report.PctMatches(match_pcts(plans["organisation"].unique()))
    shown = [
        progress,
        names,
        names.unmatched(),
        average.average_check(claims, progress),
        average.article_extrapolation(claims),
        report.scorecard_notes(card, [EXTRAPOLATED_ID]),
        calc.unidentified_savings(plans),
        mix,
        calc.mix_discrepancies(mix),
        report.checked_claims(card),
    ]
    tables = [result.as_table() for result in shown]
    for result, table in zip(shown, tables, strict=True):
        html = result._repr_html_()
        assert 'class="dataframe"' not in html and "NaN" not in html and "nan" not in str(table)
        assert table.caption is not None and table.caption.startswith("Source: ")
        assert not any("_" in header for header in table.headers), table.headers
        assert str(result.as_table(caption="Source: S.").caption) == "Source: S."
    matched, unmatched = tables[1].cells, tables[2].cells
    assert len(matched) + len(unmatched) == plans["organisation"].nunique()
    assert "Open Government Licence" in str(tables[1].caption)


def test_extrapolation_table_says_when_no_challenge_reaches_the_band():
    ext = average.extrapolate_shortfall(5, 10, 30, published_gbp_bn=4, band_gbp_bn=(3.6, 4.4))
    cells = ext.as_table().cells.set_index("Measure")["Value"]
    assert cells["Smallest challenge that reaches the band (£bn)"] == "none in the range"
    assert cells["5% of £10bn (£bn)"] == "0.50"


# --------------------------------------------------------------------------- findings


def _record_parts(plans: pd.DataFrame, names: list[str]) -> dict:
    pcts = report.PctMatches(match_pcts(names))
    return {
        "unidentified": calc.unidentified_savings(plans),
        "mix": calc.savings_mix(plans),
        "pcts": pcts,
    }


def test_findings_record_keeps_its_keys_and_is_strict_json(claims, plans, tmp_path):
    card = scorecard(claims).set_index("id")
    check = average.average_check(claims, calc.progress_measures(plans))
    ext = average.article_extrapolation(claims)
    parts = _record_parts(plans, list(plans["organisation"].unique()))
    kwargs = report.findings("f.json", check, ext, card, **parts)
    record = write_findings(tmp_path / "f.json", **kwargs)
    assert json.loads((tmp_path / "f.json").read_text()) == json.loads(json.dumps(record))
    assert set(record) >= {
        "forecast_miss_range_pct",
        "mean_forecast_miss_pct",
        "year_end_misses_pct",
        "min_pcts_reporting_for_mean",
        "extrapolation",
        "extrapolation_status",
        "unidentified_pct",
        "savings_mix_pct",
        "reconciliation",
        "pcts_matched",
        "pcts_unmatched",
        "inconsistent_claims",
    }
    assert record["reproduced"] is ext.meets_band
    gaps = calc.mix_discrepancies(parts["mix"])
    assert record["reconciliation"] == report.reconciliation_sentences(parts["unidentified"], gaps)
    assert record["extrapolation_status"] == card.loc[EXTRAPOLATED_ID, "status"]
    assert list(record["year_end_misses_pct"]) == list(check.organisations)
    assert record["inconsistent_claims"] == [
        i
        for i in card.index[card["source"] == calc.ARTICLE]
        if card.loc[i, "status"] == "inconsistent"
    ]


def test_findings_null_a_figure_the_band_cannot_give(claims, plans):
    check = average.average_check(claims, calc.progress_measures(plans))
    missed = average.extrapolate_shortfall(5, 10, 30, published_gbp_bn=4, band_gbp_bn=(3.6, 4.4))
    parts = _record_parts(plans, [])
    record = report.findings("", check, missed, scorecard(claims).set_index("id"), **parts)
    assert record["reproduced"] is False
    assert record["extrapolation"]["challenge_for_band_low_gbp_bn"] is None
    assert record["notes"] == [
        "extrapolation.challenge_for_band_low_gbp_bn is null: no challenge in the range "
        "reaches the band."
    ]
    assert record["pcts_matched"] == {} and record["pcts_unmatched"] == {}
