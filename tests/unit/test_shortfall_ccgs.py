"""Finding 1 CCG by CCG (qipp.findings.shortfall.ccgs and .slippage) on small hand-built long panels."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from qipp.findings.record import write_findings
from qipp.findings.shortfall import ccgs, slippage

Q1, Q2 = "2013-14 Q1", "2013-14 Q2"
REGIONS = ["London", "Midlands and East of England", "North of England", "South of England"]


def long_panel(q1_forecast, q2_forecast, *, plan=10.0, regions=None, q2_order=None, **extra):
    """Two quarters of len(q1_forecast) CCGs A, B, ...; each plans ``plan`` £m both quarters."""
    n = len(q1_forecast)
    codes = [chr(ord("A") + i) for i in range(n)]
    regions = regions or ["London"] * n
    rows = []
    for quarter, forecast in ((Q1, q1_forecast), (Q2, q2_forecast)):
        for i, code in enumerate(codes):
            if forecast[i] is None:  # the CCG did not return that quarter
                continue
            rows.append(
                {
                    "quarter": quarter,
                    "ccg_code": code,
                    "ccg_name": f"NHS {code} CCG",
                    "region": regions[i],
                    "qipp_plan_gbp_m": plan,
                    "transformational_plan_gbp_m": plan / 2,
                    "ytd_plan_gbp_m": 2.0 if quarter == Q1 else 5.0,
                    "ytd_actual_gbp_m": 2.0 if quarter == Q1 else 5.0,
                    "forecast_outturn_gbp_m": forecast[i],
                }
            )
    frame = pd.DataFrame(rows)
    for column, values in extra.items():
        frame[column] = values
    # Quarters listed newest first: the order is read from the labels, not the rows.
    return frame.iloc[::-1].reset_index(drop=True)


def test_counts_and_the_half_set_use_the_net_rise_largest_first():
    # Changes (Q2 - Q1 shortfall): A +4, B +3, C +2, D 0, E -5 (shrank): net +4, half = 2.
    panel = long_panel([10, 10, 10, 10, 5], [6, 7, 8, 10, 10])
    moves = ccgs.shortfall_moves(panel, source="p.csv")
    assert moves.quarters == (Q1, Q2)
    assert moves.counts == {"grew": 3, "held": 1, "shrank": 1}
    assert moves.net_increase_gbp_m == pytest.approx(4.0)
    # A alone (4) reaches half the net rise (2); half the positive rises (4.5) would need A and B.
    assert moves.half_increase == ["A"] and ccgs.share_of_ccgs(moves) == pytest.approx(20.0)
    shown = ccgs.HalfIncrease(moves).as_table()
    assert shown.values["CCG code"].tolist() == ["A"]
    assert "nan" not in moves._repr_html_().lower()


def test_the_half_set_takes_ties_by_code_and_stops_at_half():
    # A, B, C each +2 (net 6, half 3): two CCGs needed, B and C tie with A; codes break ties.
    moves = ccgs.shortfall_moves(long_panel([10, 10, 10], [8, 8, 8]))
    assert moves.half_increase == ["A", "B"]


def test_a_change_under_500_pounds_is_held_and_a_missing_ccg_is_left_out():
    panel = long_panel([10.0, 9.0, 9.0], [9.9996, 9.0, None])
    moves = ccgs.shortfall_moves(panel)
    assert len(moves.frame) == 2 and moves.counts == {"grew": 0, "held": 2, "shrank": 0}
    assert moves.half_increase is None and "did not rise" in str(moves.half_reason)


def test_one_quarter_says_it_needs_two_everywhere_and_the_record_is_null_with_a_note():
    panel = long_panel([10, 9], [9, 9])
    one = panel[panel["quarter"] == Q1].drop(columns="quarter")
    results = (
        ccgs.shortfall_moves(one),
        ccgs.regional_ytd(one),
        slippage.scheme_shortfall(one),
        slippage.slippage_test(one),
    )
    for result in results:
        assert "needs a panel with two quarters" in str(result.as_table())
    assert "one quarter (2013-14 Q1)" in str(
        ccgs.shortfall_moves(panel[panel["quarter"] == Q1]).reason
    )
    figures, notes = slippage.ccg_findings(*results, synthetic=True)
    for key in ("ccgs_worsened", "half_increase_ccgs", "regions_worsened"):
        assert figures[key] is None
    assert figures["q1_slippage_predicts_change"] is None
    assert len(notes) == 1 and "two quarters" in notes[0]
    assert "needs a panel with two quarters" in slippage.ccg_sentence(
        results[0], results[1], synthetic=True
    )


def test_regions_worsened_and_improved_against_the_article():
    regions = [r for r in REGIONS for _ in range(2)]
    panel = long_panel([10] * 8, [10] * 8, regions=regions)
    q2 = panel["quarter"] == Q2
    # YTD at Q1: all on plan (0%). At Q2 every region but the North delivers less; the North more.
    panel.loc[q2, "ytd_actual_gbp_m"] = [
        6.0 if r == "North of England" else 4.0 for r in panel.loc[q2, "region"]
    ]
    result = ccgs.regional_ytd(panel, source="p.csv")
    assert result.regions("improved") == ["North of England"]
    assert len(result.regions("worsened")) == 3 and result.as_article_says is True
    words = slippage.ccg_sentence(ccgs.shortfall_moves(panel), result, synthetic=False)
    assert "improved in 1 (North of England), as the article says" in words
    assert "n/a (synthetic data)" in slippage.ccg_sentence(
        ccgs.shortfall_moves(panel), result, synthetic=True
    )
    north = result.frame.set_index("region").loc["North of England"]
    assert north["q1_pct"] == 0 and north["q2_pct"] == pytest.approx(-20.0)
    panel.loc[q2, "ytd_actual_gbp_m"] = 4.0
    assert ccgs.regional_ytd(panel).as_article_says is False


def test_scheme_split_needs_the_transformational_forecast():
    panel = long_panel([10, 10], [8, 9])
    assert "no transformational_forecast_gbp_m" in str(slippage.scheme_shortfall(panel).reason)
    # Rows run Q2 B, Q2 A, Q1 B, Q1 A. At Q2, A: transformational 5 -> 3 (short 2),
    # transactional 5 -> 5; B: transformational 5 -> 5, transactional 5 -> 4 (short 1).
    split = slippage.scheme_shortfall(
        panel.assign(transformational_forecast_gbp_m=[5.0, 3.0, 5.0, 5.0]), source="p.csv"
    )
    frame = split.frame.set_index("scheme")
    assert split.quarter == Q2
    assert frame.loc["Transformational", "shortfall_gbp_m"] == pytest.approx(2.0)
    assert frame.loc["Transactional", "shortfall_gbp_m"] == pytest.approx(1.0)
    assert frame["share_pct"].sum() == pytest.approx(100.0)


def test_the_declared_test_needs_five_ccgs_and_reports_its_power():
    few = slippage.slippage_test(long_panel([10] * 4, [9, 8, 7, 6]))
    assert few.correlation is None and "needs 5" in str(few.reason)
    # Q1 slippage rises A..F; the forecast gap widens most where slippage was largest.
    panel = long_panel([10] * 6, [9.5, 9.6, 9, 8, 7.5, 6])
    first = panel["quarter"] == Q1
    panel.loc[first, "ytd_actual_gbp_m"] = [1.9, 1.8, 1.5, 1.4, 1.0, 0.5][::-1]
    test = slippage.slippage_test(panel, source="p.csv")
    assert test.correlation is not None and test.n == 6
    assert test.correlation.rho == pytest.approx(0.9428571, abs=1e-6)
    assert 0.5 < test.min_detectable < 1 and test.inconclusive is False and test.detected
    assert "Spearman's rho" in str(test.as_table()) and test.as_table().title
    words = slippage.slippage_sentence(test, synthetic=True)
    assert "6 CCGs detect |rho| of 0.94 or more with 80% power" in words
    assert "inconclusive" not in words and words.endswith("illustrates the method only.)")
    constant = slippage.slippage_test(long_panel([10] * 6, [9, 8, 7, 6, 5, 4]))
    assert "same Q1 year-to-date slippage" in str(constant.reason)


def test_the_record_holds_the_figures_and_is_strict_json(tmp_path):
    panel = long_panel([10, 10, 10, 10, 5], [6, 7, 8, 10, 10])
    moves, regions = ccgs.shortfall_moves(panel), ccgs.regional_ytd(panel)
    schemes, test = slippage.scheme_shortfall(panel), slippage.slippage_test(panel)
    figures, notes = slippage.ccg_findings(moves, regions, schemes, test, synthetic=False)
    assert figures["ccgs_worsened"] == 3 and figures["half_increase_ccgs"] == ["A"]
    assert figures["regions_worsened"] == [] and figures["regions_as_article_says"] is False
    assert any("transformational" in note for note in notes)
    assert any(note.startswith("q1_slippage_predicts_change") for note in notes)
    record = write_findings(
        tmp_path / "f.json",
        notebook="01",
        parameters={},
        verdict="v.",
        reproduced=True,
        notes=notes,
        **figures,
    )
    assert json.loads((tmp_path / "f.json").read_text()) == record
