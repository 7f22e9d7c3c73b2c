"""Notebook 01's sentences, tables and findings record: words chosen by the figures (issue 14)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from qipp import plotting
from qipp.derive import scorecard
from qipp.findings.shortfall import calc as S
from qipp.findings.shortfall import charts as shortfall_charts
from qipp.findings.shortfall import claims as C
from qipp.findings.shortfall import tables as T
from qipp.findings.shortfall import text as W
from qipp.findings.shortfall.record import shortfall_findings
from qipp.ledger import load_claims, load_sources, load_tidy_table

BASE = dict(
    q1_gbp_m=120.0,
    q2_gbp_m=250.0,
    ratio=250 / 120,
    ratio_low=2.07,
    ratio_high=2.09,
    published="more than 2",
    status="reproduced",
    robust=True,
    breakeven_q1_gbp_m=125.0,
    headroom_gbp_m=5.0,
    multiple=2.0,
)


def _check(**changes) -> C.DoublingCheck:
    return C.DoublingCheck(**{**BASE, **changes})


def _card(**statuses) -> pd.DataFrame:
    rows = {
        C.CCG_INCREASE_ID: "more than £100m",
        C.TRANSFORMATIONAL_SHARE_ID: "more than 50%",
        C.CCG_PLAN_ID: "£1.5bn",
    }
    return pd.DataFrame(
        {
            "id": list(rows),
            "as_published": list(rows.values()),
            "status": [statuses.get(i, "reproduced") for i in rows],
        }
    )


def _change(ccg: float, nhse: float, nhse_basis: str = "Q2 implied") -> pd.DataFrame:
    sector = ccg + nhse
    return pd.DataFrame(
        {
            "change_gbp_m": [ccg, nhse, sector],
            "share_of_sector_change_pct": [100 * ccg / sector, 100 * nhse / sector, 100.0],
            "ratio": [2.5, 1.5, 2.0],
            "basis": ["published", nhse_basis, "Q1 implied"],
        },
        index=pd.Index(["CCGs", "NHS England", "Sector"], name="organisation"),
    )


def _shares(ratio=(2.01, 1.95, 2.08), breakeven=1587.0, q2_plan=2021.0) -> pd.DataFrame:
    rows = {
        C.Q1_PLAN_ROW: (1974.0, 1923.5, 2024.5),
        C.Q2_PLAN_ROW: (q2_plan, q2_plan - 9, q2_plan + 9),
        C.SHARE_RATIO_ROW: ratio,
        C.BREAKEVEN_PLAN_ROW: (breakeven, breakeven - 10, breakeven + 10),
        C.CCG_PLAN_ROW: (1500.0, 1450.0, 1550.0),
    }
    return pd.DataFrame.from_dict(rows, orient="index", columns=["value", "low", "high"])


# --------------------------------------------------------------------------- sentences


def test_doubling_sentence_follows_the_rounding_and_the_headroom():
    clear = W.doubling_sentence(_check())
    assert "every value over the inputs' rounding clears the multiple" in clear
    assert "more than £5.0m above the £120.0m the Q1 report gives (4.2% more)" in clear
    part = W.doubling_sentence(_check(robust=False, ratio_low=1.99))
    assert "only part of the range over the inputs' rounding clears" in part
    short = W.doubling_sentence(
        _check(robust=False, status="inconsistent", breakeven_q1_gbp_m=115.0, headroom_gbp_m=-5.0)
    )
    assert "no value over the inputs' rounding reaches the multiple" in short
    assert "a Q1 shortfall of £115.0m, £5.0m below the £120.0m" in short


def test_change_sentence_rose_fell_implied_and_the_ledgers_words():
    text = W.change_sentence(_change(110.0, 20.0), _card())
    assert text.startswith("CCGs' forecast shortfall rose by £110.0m (84.6% of the sector's rise")
    assert "NHS England's shortfall (Q2 implied) rose by £20.0m" in text
    assert text.endswith("increase of more than £100m: **reproduced**.")
    fell = W.change_sentence(
        _change(-10.0, -20.0, "published"), _card(**{C.CCG_INCREASE_ID: "inconsistent"})
    )
    assert "CCGs' forecast shortfall fell by £10.0m" in fell
    assert "NHS England's shortfall fell by £20.0m" in fell
    assert "of the sector's change" in fell and "**inconsistent**" in fell


@pytest.mark.parametrize(
    ("breakeven", "expected"),
    [
        (1500.0, "It is more than 2 times Q1's only if the CCGs' plan behind the Q1 report's"),
        (1400.0, "It is more than 2 times Q1's for any CCG plan that rounds to £1.5bn"),
        (1600.0, "It is not more than 2 times Q1's for any CCG plan that rounds to £1.5bn"),
    ],
)
def test_share_sentence_places_the_break_even_against_the_plans_rounding(breakeven, expected):
    text = W.share_sentence(_shares(breakeven=breakeven), _card(), 2.0)
    assert text.startswith("On shares of plan the Q2 figure is 2.010 times Q1's (1.950 to 2.080")
    assert expected in text
    assert "£1,450m to £1,650m" not in text and "£1,450m to £1,550m" in text


@pytest.mark.parametrize(
    ("q2_plan", "expected"),
    [
        (2021.0, "£47.0m above the sum of the Q1 plans (£1,974.0m) yet inside"),
        (1950.0, "£24.0m below the sum of the Q1 plans (£1,974.0m) yet inside"),
        (2100.0, "and outside that sum's rounding range"),
    ],
)
def test_plan_base_sentence_inside_or_outside_the_rounding(q2_plan, expected):
    text = W.plan_base_sentence(_shares(q2_plan=q2_plan), _check())
    assert expected in text
    if "inside" in expected:
        assert ("near the top" in text) is (q2_plan > 1974.0)
    assert text.endswith(f"the ratio in pounds, {250 / 120:.3f}.")


def test_scheme_sentence_contrasts_only_when_the_shortfall_share_is_larger():
    split = pd.DataFrame(
        {
            "plan_share_pct": [40.0, 60.0],
            "shortfall_share_pct": [60.0, 40.0],
            "miss_pct": [18.75, 8.333],
            "miss_pct_low": [18.7, 8.3],
            "miss_pct_high": [18.8, 8.4],
        },
        index=["transformational", "transactional"],
    )
    text = W.scheme_sentence(split, _card())
    assert "40.0% of the implied plan but 60.0% of the forecast shortfall" in text
    assert "against the published figure, more than 50%" in text
    assert "so 91.7% of transactional savings are expected" in text
    swapped = split.assign(shortfall_share_pct=[30.0, 70.0])
    assert "40.0% of the implied plan and only 30.0%" in W.scheme_sentence(swapped, _card())


@pytest.mark.parametrize(
    ("ratio", "expected"),
    [
        ((2.01, 1.95, 2.08), "rests on the rounding of the CCGs' published plan"),
        ((2.2, 2.1, 2.3), "holds on shares too"),
        ((1.9, 1.8, 1.99), "on shares the rise is not 'more than double'"),
    ],
)
def test_verdict_on_shares_follows_the_ratio_of_shares(ratio, expected):
    statuses = {C.RATIO_ID: "reproduced", C.CCG_INCREASE_ID: "reproduced"}
    verdict, reproduced = W.doubling_verdict(
        _check(), _change(110.0, 20.0), _shares(ratio=ratio), statuses
    )
    assert reproduced is True and verdict.endswith(f"{expected}.")
    assert "CCGs' shortfall up £110.0m (85% of the rise)" in verdict


# --------------------------------------------------------------------------- tables


@pytest.fixture(scope="module")
def real():
    claims = load_claims()
    card = scorecard(claims)
    by_quarter = S.shortfall_by_quarter(load_tidy_table("commissioner_position_1314", claims))
    return {
        "card": card,
        "by_quarter": by_quarter,
        "check": S.doubling_check(claims),
        "change": S.shortfall_change(by_quarter),
        "shares": S.share_comparison(claims),
        "split": S.scheme_split(claims),
        "statuses": dict(zip(card["id"], card["status"], strict=True)),
    }


def test_published_tables_one_per_source_with_qualifiers_and_dashes(real):
    card = real["card"].set_index("id")
    names = dict(zip(load_sources()["id"], load_sources()["short_name"], strict=True))
    tables = T.published_tables(real["card"])
    sources = list(dict.fromkeys(card.loc[list(C.PUBLISHED_IDS), "source"]))
    assert [t.caption.split(";")[0] for t in tables] == [f"Source: {names[s]}" for s in sources]
    assert T.source_names(real["card"]) == [names[s] for s in sources]
    shown = pd.concat([t.cells for t in tables]).set_index("Claim")
    assert list(shown.index) == list(C.PUBLISHED_IDS)
    assert shown.loc[C.RATIO_ID, "Published"] == card.loc[C.RATIO_ID, "as_published"]
    stated = card.loc[list(C.PUBLISHED_IDS), "status"] == "stated"
    assert (shown.loc[stated.index[stated], "Recomputed"] == "–").all()
    assert not (shown.loc[stated.index[~stated], "Recomputed"] == "–").any()


def test_every_table_is_formatted_without_nan_or_a_raw_dataframe(real):
    tables = [
        *T.published_tables(real["card"]),
        T.regional_table(real["card"]),
        T.by_quarter_table(real["by_quarter"], "HSJ"),
        T.doubling_table(real["check"], "HSJ"),
        T.change_table(real["change"], "HSJ"),
        T.share_table(real["shares"], "HSJ"),
        T.scheme_table(real["split"], "HSJ"),
    ]
    for shown in tables:
        html = shown._repr_html_()
        assert 'class="dataframe"' not in html and "NaN" not in html and "nan%" not in html
        assert shown.caption.startswith("Source: ")
        assert not any("_" in header for header in shown.headers), shown.headers


def test_share_table_puts_each_unit_in_its_label(real):
    labels = T.share_table(real["shares"], "HSJ").cells["Measure (unit)"].tolist()
    assert f"{C.Q1_PLAN_ROW} (£m)" in labels
    assert f"{C.SHARE_RATIO_ROW} (ratio)" in labels
    assert f"{C.Q1_SHARE_ROW} (%)" in labels


# --------------------------------------------------------------------------- findings


OLD_KEYS = [
    "q1_forecast_shortfall_gbp_m",
    "q2_forecast_shortfall_gbp_m",
    "ratio",
    "ratio_low",
    "ratio_high",
    "ratio_published",
    "breakeven_q1_gbp_m",
    "ccg_change_gbp_m",
    "nhse_change_gbp_m_implied",
    "ccg_share_of_change_pct",
    "nhse_q2_forecast_shortfall_gbp_m_implied",
    "q1_shortfall_pct_of_plan",
    "q2_shortfall_pct_of_plan",
    "share_ratio",
    "share_ratio_low",
    "share_ratio_high",
    "breakeven_ccg_plan_gbp_m",
    "transformational_share_of_plan_pct",
    "transformational_share_of_shortfall_pct",
    "transformational_miss_pct",
    "transactional_plan_gbp_m_implied",
    "transactional_shortfall_gbp_m_implied",
    "transactional_miss_pct",
]


def test_findings_keep_every_key_and_round_the_computed_figures(real):
    record = shortfall_findings(
        real["check"], real["change"], real["shares"], real["split"], real["statuses"]
    )
    assert set(record) == {"verdict", "reproduced", *OLD_KEYS}
    verdict, reproduced = S.doubling_verdict(
        real["check"], real["change"], real["shares"], real["statuses"]
    )
    assert (record["verdict"], record["reproduced"]) == (verdict, reproduced)
    assert record["ratio"] == round(real["check"].ratio, 4)
    assert record["share_ratio_low"] == round(real["shares"].loc[C.SHARE_RATIO_ROW, "low"], 4)
    assert record["transactional_miss_pct"] == round(
        real["split"].loc["transactional", "miss_pct"], 2
    )
    assert record["nhse_q2_forecast_shortfall_gbp_m_implied"] == round(
        real["change"].loc["NHS England", "q2_gbp_m"], 3
    )
    assert all(isinstance(record[k], float) for k in OLD_KEYS if k != "ratio_published")


# --------------------------------------------------------------------------- charts


def test_change_chart_marks_the_implied_commissioner(real):
    fig = shortfall_charts.shortfall_change_chart(real["change"], source="HSJ")
    try:
        labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
        assert labels == ["NHS England (Q2 implied)", "CCGs"]
        assert "(£m)" in fig.axes[0].get_xlabel()
    finally:
        plt.close(fig)


def test_scheme_chart_highlights_the_shares_of_shortfall(real):
    fig = shortfall_charts.scheme_split_chart(real["split"], source="HSJ")
    try:
        ax = fig.axes[0]
        labels = [t.get_text() for t in ax.get_yticklabels()][::-1]
        assert labels == [
            "Transformational: share of plan",
            "Transformational: share of shortfall",
            "Transactional (implied): share of plan",
            "Transactional (implied): share of shortfall",
        ]
        colours = [to_hex(bar.get_facecolor()) for bar in ax.patches][::-1]
        assert colours[1] == colours[3] == to_hex(plotting.ORANGE) != colours[0]
    finally:
        plt.close(fig)
