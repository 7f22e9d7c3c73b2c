"""Notebook 04's sentences, tables and findings record, on toy tables and on the ledger."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from qipp.derive import DERIVATIONS, scorecard
from qipp.findings.nhse_ccgs import calc as nhse_ccgs
from qipp.findings.nhse_ccgs import tables as nhse_ccgs_tables
from qipp.findings.nhse_ccgs import text as nhse_ccgs_text
from qipp.findings.nhse_ccgs.record import nhse_ccgs_findings
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


# CCGs: bigger plan, further behind in June, recovering; NHS England the reverse.
TOY = nhse_ccgs.commissioner_comparison(
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
BREAKDOWN = nhse_ccgs.service_area_breakdown(AREAS)
REPRODUCED = dict.fromkeys(nhse_ccgs.VERDICT_CLAIM_IDS, "reproduced")


# --------------------------------------------------------------------------- sentences


def test_comparison_bullets_follow_the_figures():
    text = nhse_ccgs_text.comparison_bullets(TOY)
    lines = text.splitlines()
    assert len(lines) == 4 and all(line.startswith("- **") for line in lines)
    assert "CCGs were further behind (10%) than NHS England (8%)." in text
    assert "The order reverses: NHS England expects its gap to widen by 7.0 points" in text
    assert "CCGs expect theirs to narrow by 5.0 points to 5.00% (published 5%)" in text
    assert "NHS England's gap (£60.0m) is smaller than CCGs' (£100.0m)" in text


def test_comparison_bullets_when_the_order_holds_ties_and_nhse_leads():
    nhse_behind = nhse_ccgs.commissioner_comparison(
        _position(_figures(2000.0, 2.5, 6.0, 100.0, 5.0), _figures(400.0, 1.6, 8.0, 60.0, 15.0))
    )
    text = nhse_ccgs_text.comparison_bullets(nhse_behind)
    assert "NHS England was further behind (8%) than CCGs (6%)." in text
    assert "The order holds: " in text
    tied = nhse_ccgs.commissioner_comparison(
        _position(_figures(2000.0, 2.5, 8.0, 60.0, 3.0), _figures(400.0, 1.6, 8.0, 60.0, 15.0))
    )
    text = nhse_ccgs_text.comparison_bullets(tied)
    assert "Both were 8% behind plan." in text and "The order" not in text
    assert "is the same as CCGs' (£60.0m)" in text
    flat = TOY.copy()
    flat.loc["ytd_to_forecast_change_pp", "NHS England"] = 0.0
    assert "NHS England expects its gap to stay where it is" in (
        nhse_ccgs_text.comparison_bullets(flat)
    )


def test_service_area_bullets_say_but_only_when_the_gap_share_is_larger():
    bounds = nhse_ccgs.plan_bounds(BREAKDOWN, "public_health", "primary_care")
    text = nhse_ccgs_text.service_area_bullets(BREAKDOWN, (95.0, 105.0), bounds)
    # Primary care: £20m of a £100m plan is 25% of the plan and 33.3% of the gap.
    assert "implies a plan of £100.0m (£95.0m to £105.0m over the rounding)" in text
    assert "25.0% of NHS England's plan but 33.3% of its forecast gap" in text
    assert "at most £100.0m" in text and "below £50.0m if primary care" in text
    smaller = AREAS.copy()
    smaller.loc[smaller["measure"] == "forecast_shortfall_pct", "value"] = [10.0, 40.0]
    breakdown = nhse_ccgs.service_area_breakdown(smaller)
    text = nhse_ccgs_text.service_area_bullets(breakdown, (1.0, 2.0), bounds)
    assert "50.0% of NHS England's plan and 33.3% of its forecast gap" in text


def test_nr_fund_sentence_and_rounding_sentence():
    fund = pd.DataFrame(
        {"value": [500.0, 50.0, 10.0, 1.25], "low": [490.0, 49.5, 9.0, 1.2]}
        | {"high": [510.0, 50.5, 11.0, 1.3]},
        index=[
            "non-recurrent fund",
            "fund not yet allocated",
            "unallocated, % of the fund",
            "unallocated / forecast QIPP gap",
        ],
    )
    text = nhse_ccgs_text.nr_fund_sentence(fund)
    assert text.startswith("The fund would be about £500m (£490m to £510m); the £50m")
    assert "is 10.0% of it and 1.25 times" in text
    sentence = nhse_ccgs_text.ccg_rounding_sentence("a note", 4.331, 4.6)
    assert sentence.endswith("runs from 4.33% to 4.60%.")


def test_verdict_words_follow_the_order_and_the_pounds():
    verdict, reproduced = nhse_ccgs.nhse_vs_ccgs_verdict(TOY, BREAKDOWN, REPRODUCED)
    assert reproduced and verdict.startswith("Reproduced: ")
    assert ", yet forecast a gap of 15.00% of plan" in verdict
    assert "3.0 times the rate, though smaller in pounds;" in verdict
    bigger = TOY.copy()
    bigger.loc["forecast_shortfall_gbp_m", "NHS England"] = 150.0
    verdict, _ = nhse_ccgs.nhse_vs_ccgs_verdict(bigger, BREAKDOWN, REPRODUCED)
    assert "larger in pounds too" in verdict
    ambitious = TOY.copy()
    ambitious.loc["plan_pct_of_resources", "NHS England"] = 3.0
    verdict, reproduced = nhse_ccgs.nhse_vs_ccgs_verdict(ambitious, BREAKDOWN, REPRODUCED)
    assert not reproduced and verdict.startswith("Not reproduced: ") and ", and forecast" in verdict


# --------------------------------------------------------------------------- tables


def test_comparison_table_formats_each_row_in_its_unit():
    shown = nhse_ccgs_tables.comparison_table(TOY, "HSJ")
    assert shown.headers == ["Measure", "CCGs", "NHS England"]
    assert set(shown.numeric) == {"CCGs", "NHS England"}
    rows = shown.cells.set_index("Measure")
    assert rows.loc["Planned savings (£m)", "CCGs"] == "2,000"
    assert rows.loc["Change, end of June to forecast (points)", "NHS England"] == "+7.0"
    assert rows.loc["Forecast gap as published (% of plan)", "CCGs"] == "5"
    assert shown.caption is not None and shown.caption.startswith("Source: HSJ.")


def test_service_area_table_shows_a_dash_for_what_is_not_published():
    shown = nhse_ccgs_tables.service_area_table(BREAKDOWN, "HSJ")
    html = shown._repr_html_()
    assert 'class="dataframe"' not in html and "NaN" not in html and "nan" not in str(shown)
    public_health = shown.cells.set_index("Service area").loc["Public health"]
    assert public_health["Plan (£m)"] == "–" and public_health["Forecast gap (£m)"] == "–"


def test_published_figures_table_on_the_ledger():
    claims = load_claims()
    card = scorecard(claims)
    shown = nhse_ccgs_tables.published_figures_table(card, claims, "hsj_nhse_nisfe_q1_1314", "X")
    article = card.loc[card["source"] == "hsj_nhse_nisfe_q1_1314"]
    assert len(shown.cells) == len(article)
    assert shown.cells["As published"].tolist() == article["as_published"].tolist()
    recomputed = shown.cells["Recomputed from other figures"]
    assert (recomputed == "–").sum() == (article["status"] == "stated").sum()
    assert "NaN" not in shown._repr_html_()


def test_nr_fund_table_formats_by_unit_and_is_right_aligned():
    fund = nhse_ccgs.nr_fund_context(load_claims())
    shown = nhse_ccgs_tables.nr_fund_table(fund, "HSJ")
    assert shown.cells["Measure"].iloc[0][0].isupper()
    assert shown.cells["Central"].iloc[0].startswith("£") and shown.cells["Central"].iloc[
        0
    ].endswith("bn")
    assert shown.cells["Central"].iloc[-1].endswith("x")
    assert set(shown.numeric) == {"Central", "Low (rounding)", "High (rounding)"}


# --------------------------------------------------------------------------- the ledger


def test_rounding_ranges_match_derive_on_the_ledger():
    claims = load_claims()
    low, high = nhse_ccgs.ccg_gap_rounding(claims)
    derivation = DERIVATIONS[nhse_ccgs.CCG_GAP_PCT_ID]
    expected = derivation.interval(rounding_intervals(claims, derivation.inputs))
    assert (low, high) == pytest.approx(expected)
    central = derivation.central({r["id"]: float(r["value"]) for _, r in claims.iterrows()})
    assert low < central < high
    plan_low, plan_high = nhse_ccgs.primary_care_plan_rounding(claims)
    areas = load_tidy_table("nhse_q1_1314_by_service_area", claims)
    implied = nhse_ccgs.service_area_breakdown(areas).loc["primary_care", "plan_gbp_m"]
    assert plan_low < implied < plan_high


def test_findings_record_keeps_its_keys_and_is_strict_json(tmp_path):
    claims = load_claims()
    card = scorecard(claims)
    statuses = dict(zip(card["id"], card["status"], strict=True))
    comparison = nhse_ccgs.commissioner_comparison(
        load_tidy_table("commissioner_position_1314", claims)
    )
    breakdown = nhse_ccgs.service_area_breakdown(
        load_tidy_table("nhse_q1_1314_by_service_area", claims)
    )
    fund = nhse_ccgs.nr_fund_context(claims)
    kwargs = nhse_ccgs_findings(
        "f.json", comparison, breakdown, fund, nhse_ccgs.ccg_gap_rounding(claims), statuses
    )
    record = write_findings(tmp_path / "f.json", **kwargs)
    on_disk = json.loads((tmp_path / "f.json").read_text())
    assert on_disk == json.loads(json.dumps(record))
    assert record["notebook"] == "04_nhs_england_vs_ccgs"
    assert record["verdict"] == nhse_ccgs.nhse_vs_ccgs_verdict(comparison, breakdown, statuses)[0]
    assert record["nhse_plan_gbp_m"] == comparison.loc["plan_gbp_m", "NHS England"]
    assert record["gap_rate_ratio_nhse_to_ccg"] == pytest.approx(
        comparison.loc["forecast_shortfall_pct", "NHS England"]
        / comparison.loc["forecast_shortfall_pct", "CCGs"],
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
