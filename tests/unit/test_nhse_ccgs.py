"""Notebook 04's sentences, tables and findings record, on toy tables and on the ledger."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from qipp.derive import DERIVATIONS, scorecard
from qipp.findings.nhse_ccgs import calc, report
from qipp.findings.record import write_findings
from qipp.findings.rows import rounding_intervals
from qipp.ledger import load_claims, load_tidy_table


def _position(ccg: dict[str, float], nhse: dict[str, float]) -> pd.DataFrame:
    """A tidy Q1 position table with each organisation's five measures (money in £m)."""
    rows = []
    for org, figures in (("ccg", ccg), ("nhs_england", nhse)):
        for measure, value in figures.items():
            unit = "GBP_m" if measure in ("plan", "forecast_shortfall") else "pct"
            rows.append(("Q1", org, measure, value, unit))
    return pd.DataFrame(rows, columns=["quarter", "org_type", "measure", "value", "unit"])


def _figures(plan, plan_pct, ytd, gap, gap_pct) -> dict[str, float]:
    return {
        "plan": plan,
        "plan_pct_of_resources": plan_pct,
        "ytd_shortfall_pct": ytd,
        "forecast_shortfall": gap,
        "forecast_shortfall_pct": gap_pct,
    }


def _changed(comparison: calc.Comparison, measure: str, nhse: float) -> calc.Comparison:
    """``comparison`` with NHS England's ``measure`` set to ``nhse``."""
    frame = comparison.frame.copy()
    frame.loc[measure, calc.NHSE] = nhse
    return calc.Comparison(frame)


# CCGs: bigger plan, further behind in June, recovering; NHS England the reverse.
TOY = calc.commissioner_comparison(
    _position(_figures(2000.0, 2.5, 10.0, 100.0, 5.0), _figures(400.0, 1.6, 8.0, 60.0, 15.0))
)
AREAS = pd.DataFrame(
    [
        ("all", "plan", 400.0, "GBP_m"),
        ("all", "forecast_shortfall", 60.0, "GBP_m"),
        ("primary_care", "forecast_shortfall", 20.0, "GBP_m"),
        ("primary_care", "forecast_shortfall_pct", 20.0, "pct"),
        ("public_health", "forecast_shortfall_pct", 40.0, "pct"),
    ],
    columns=["service_area", "measure", "value", "unit"],
)
BREAKDOWN = calc.service_area_breakdown(AREAS)
REPRODUCED = dict.fromkeys(calc.VERDICT_CLAIM_IDS, "reproduced")


# --------------------------------------------------------------------------- sentences


def test_position_bullets_follow_the_figures():
    text = report.position_bullets(TOY)
    lines = text.splitlines()
    assert len(lines) == 3 and all(line.startswith("- **") for line in lines)
    assert "CCGs were further behind (10%) than NHS England (8%)." in text
    assert "The order reverses: NHS England expects its gap to widen by 7.0 points" in text
    assert "CCGs expect theirs to narrow by 5.0 points to 5.00% (published 5%)" in text
    assert "NHS England's gap (£60.0m) is smaller than CCGs' (£100.0m)" in text


def test_position_bullets_when_the_order_holds_ties_and_nhse_leads():
    nhse_behind = calc.commissioner_comparison(
        _position(_figures(2000.0, 2.5, 6.0, 100.0, 5.0), _figures(400.0, 1.6, 8.0, 60.0, 15.0))
    )
    text = report.position_bullets(nhse_behind)
    assert "NHS England was further behind (8%) than CCGs (6%)." in text
    assert "The order holds: " in text
    tied = calc.commissioner_comparison(
        _position(_figures(2000.0, 2.5, 8.0, 60.0, 3.0), _figures(400.0, 1.6, 8.0, 60.0, 15.0))
    )
    text = report.position_bullets(tied)
    assert "Both were 8% behind plan." in text and "The order" not in text
    assert "is the same as CCGs' (£60.0m)" in text
    flat = _changed(TOY, "ytd_to_forecast_change_pp", 0.0)
    assert "NHS England expects its gap to stay where it is" in report.position_bullets(flat)


def test_primary_care_sentence_says_but_only_when_the_gap_share_is_larger():
    text = report.primary_care_sentence(BREAKDOWN, (95.0, 105.0))
    # Primary care: £20m of a £100m plan is 25% of the plan and 33.3% of the gap.
    assert "implies a plan of £100.0m (£95.0m to £105.0m over the rounding)" in text
    assert "25.0% of NHS England's plan but 33.3% of its forecast gap" in text
    smaller = AREAS.copy()
    smaller.loc[smaller["measure"] == "forecast_shortfall_pct", "value"] = [10.0, 40.0]
    text = report.primary_care_sentence(calc.service_area_breakdown(smaller), (1.0, 2.0))
    assert "50.0% of NHS England's plan and 33.3% of its forecast gap" in text


def test_verdict_needs_derive_and_follows_the_order_and_the_pounds():
    verdict, reproduced = report.verdict(TOY, BREAKDOWN, REPRODUCED)
    assert reproduced and verdict.startswith(
        "Reproduced: NHS England planned savings of 1.6% of its budget against CCGs' 2.5%"
    )
    assert ", yet forecast a gap of 15.00% of plan" in verdict
    assert "3.0 times the rate, though smaller in pounds;" in verdict
    inconsistent = {**REPRODUCED, calc.CCG_GAP_PCT_ID: "inconsistent"}
    assert report.verdict(TOY, BREAKDOWN, inconsistent)[1] is False
    bigger = _changed(TOY, "forecast_shortfall_gbp_m", 150.0)
    assert "larger in pounds too" in report.verdict(bigger, BREAKDOWN, REPRODUCED)[0]
    ambitious = _changed(TOY, "plan_pct_of_resources", 3.0)
    verdict, reproduced = report.verdict(ambitious, BREAKDOWN, REPRODUCED)
    assert not reproduced and verdict.startswith("Not reproduced: ") and ", and forecast" in verdict


# --------------------------------------------------------------------------- tables


def test_comparison_table_formats_each_row_in_its_unit():
    shown = TOY.as_table("Source: HSJ.")
    assert shown.headers == ["Measure", "CCGs", "NHS England"]
    assert set(shown.numeric) == {"CCGs", "NHS England"}
    rows = shown.cells.set_index("Measure")
    assert rows.loc["Planned savings (£m)", "CCGs"] == "2,000"
    assert rows.loc["Change, end of June to forecast (points)", "NHS England"] == "+7.0"
    assert rows.loc["Forecast gap as published (% of plan)", "CCGs"] == "5"
    assert shown.caption == "Source: HSJ."
    assert TOY._repr_html_() == TOY.as_table()._repr_html_()  # a cell ending in TOY shows it


def test_service_area_table_shows_a_dash_for_what_is_not_published():
    shown = BREAKDOWN.as_table()
    html = BREAKDOWN._repr_html_()
    assert 'class="dataframe"' not in html and "NaN" not in html and "nan" not in str(shown)
    public_health = shown.cells.set_index("Service area").loc["Public health"]
    assert public_health["Plan (£m)"] == "–" and public_health["Forecast gap (£m)"] == "–"
    assert shown.cells.set_index("Service area").loc["Primary care", "Plan (£m)"] == "100.0"


def test_published_figures_table_on_the_ledger():
    claims = load_claims()
    card = scorecard(claims)
    shown = report.published_figures(card, claims, "hsj_nhse_nisfe_q1_1314").as_table("X")
    article = card.loc[card["source"] == "hsj_nhse_nisfe_q1_1314"]
    assert len(shown.cells) == len(article)
    assert shown.headers[0] == "Organisation"
    assert shown.cells["As published"].tolist() == article["as_published"].tolist()
    recomputed = shown.cells["Recomputed from other figures"]
    assert (recomputed == "–").sum() == (article["status"] == "stated").sum()
    assert "NaN" not in shown._repr_html_()


def test_nr_fund_table_formats_by_unit_and_is_right_aligned():
    shown = calc.nr_fund_context(load_claims()).as_table()
    assert shown.cells["Measure"].iloc[0][0].isupper()
    central = shown.cells["Central"]
    assert central.iloc[0].startswith("£") and central.iloc[0].endswith("bn")
    assert central.iloc[-1].endswith("x")
    assert set(shown.numeric) == {"Central", "Low (rounding)", "High (rounding)"}


# --------------------------------------------------------------------------- the ledger


def test_rounding_ranges_match_derive_on_the_ledger():
    claims = load_claims()
    low, high = calc.ccg_gap_rounding(claims)
    derivation = DERIVATIONS[calc.CCG_GAP_PCT_ID]
    expected = derivation.interval(rounding_intervals(claims, derivation.inputs))
    assert (low, high) == pytest.approx(expected)
    central = derivation.central({r["id"]: float(r["value"]) for _, r in claims.iterrows()})
    assert low < central < high
    plan_low, plan_high = calc.primary_care_plan_rounding(claims)
    areas = load_tidy_table("nhse_q1_1314_by_service_area", claims)
    implied = calc.service_area_breakdown(areas).frame.loc["primary_care", "plan_gbp_m"]
    assert plan_low < implied < plan_high


def test_findings_record_keeps_its_keys_and_is_strict_json(tmp_path):
    claims = load_claims()
    card = scorecard(claims)
    statuses = dict(zip(card["id"], card["status"], strict=True))
    position = load_tidy_table("commissioner_position_1314", claims)
    comparison = calc.commissioner_comparison(position)
    areas = calc.service_area_breakdown(load_tidy_table("nhse_q1_1314_by_service_area", claims))
    fund = calc.nr_fund_context(claims)
    gap_range = calc.ccg_gap_rounding(claims)
    kwargs = report.findings_record("f.json", comparison, areas, fund, gap_range, statuses)
    record = write_findings(tmp_path / "f.json", **kwargs)
    on_disk = json.loads((tmp_path / "f.json").read_text())
    assert on_disk == json.loads(json.dumps(record))
    assert record["notebook"] == "04_nhs_england_vs_ccgs"
    assert record["verdict"] == report.verdict(comparison, areas, statuses)[0]
    assert record["nhse_plan_gbp_m"] == comparison.nhse["plan_gbp_m"]
    assert record["gap_rate_ratio_nhse_to_ccg"] == pytest.approx(
        comparison.nhse["forecast_shortfall_pct"] / comparison.ccgs["forecast_shortfall_pct"],
        abs=1e-3,
    )
    assert all(not isinstance(v, float) or math.isfinite(v) for v in record.values())
    for key in (
        "ccg_forecast_gap_pct_low",
        "primary_care_share_of_nhse_gap_pct",
        "public_health_max_plan_gbp_m",
        "nr_fund_unallocated_pct_of_fund",
    ):
        assert key in record
