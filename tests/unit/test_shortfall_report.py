"""qipp.findings.shortfall.report: notebook 01's verdict, its findings record and charts; the tables."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from qipp import plotting
from qipp.derive import scorecard
from qipp.findings.claims.calc import by_source
from qipp.findings.shortfall import calc as S
from qipp.findings.shortfall import charts
from qipp.findings.shortfall import plan as C
from qipp.findings.shortfall import report as R
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


def _check(**changes) -> S.DoublingCheck:
    return S.DoublingCheck(**{**BASE, **changes})


def _change(ccg: float, nhse: float, nhse_basis: str = "Q2 implied") -> S.Change:
    sector = ccg + nhse
    frame = pd.DataFrame(
        {
            "change_gbp_m": [ccg, nhse, sector],
            "share_of_sector_change_pct": [100 * ccg / sector, 100 * nhse / sector, 100.0],
            "ratio": [2.5, 1.5, 2.0],
            "basis": ["published", nhse_basis, "Q1 implied"],
        },
        index=pd.Index(["CCGs", "NHS England", "Sector"], name="organisation"),
    )
    return S.Change(frame)


def _shares(ratio=(2.01, 1.95, 2.08), breakeven=1587.0, q2_plan=2021.0) -> C.Shares:
    rows = {
        C.Q1_PLAN_ROW: (1974.0, 1923.5, 2024.5),
        C.Q2_PLAN_ROW: (q2_plan, q2_plan - 9, q2_plan + 9),
        C.SHARE_RATIO_ROW: ratio,
        C.BREAKEVEN_PLAN_ROW: (breakeven, breakeven - 10, breakeven + 10),
        C.CCG_PLAN_ROW: (1500.0, 1450.0, 1550.0),
    }
    return C.Shares(pd.DataFrame.from_dict(rows, orient="index", columns=["value", "low", "high"]))


# --------------------------------------------------------------------------- the verdict


@pytest.mark.parametrize(
    ("ratio", "expected"),
    [
        ((2.01, 1.95, 2.08), "rests on the rounding of the CCGs' published plan"),
        ((2.2, 2.1, 2.3), "holds on shares too"),
        ((1.9, 1.8, 1.99), "on shares the rise is not 'more than double'"),
    ],
)
def test_verdict_on_shares_follows_the_ratio_of_shares(ratio, expected):
    verdict = R.verdict(_check(), _change(110.0, 20.0), _shares(ratio=ratio), True)
    assert verdict.startswith("Reproduced: the forecast year-end shortfall rose from £120.0m")
    assert verdict.endswith(f"{expected}.")
    assert "CCGs' shortfall up £110.0m (85% of the rise)" in verdict


def test_verdict_words_follow_the_figures_when_the_shortfall_fell():
    fell = _check(q2_gbp_m=100.0, ratio=100 / 120, ratio_low=0.82, ratio_high=0.85, robust=False)
    verdict = R.verdict(fell, _change(-10.0, -10.0), _shares(ratio=(0.9, 0.8, 1.0)), False)
    assert verdict.startswith("Not reproduced: the forecast year-end shortfall fell from £120.0m")
    assert "CCGs' shortfall down £10.0m (50% of the change)" in verdict
    assert "as a share of plan the change is 0.90 times" in verdict


def test_reproduced_needs_both_statuses_and_a_robust_ratio():
    good = {S.RATIO_ID: "reproduced", S.CCG_INCREASE_ID: "reproduced"}
    assert R.is_reproduced(_check(), good) is True
    assert R.is_reproduced(_check(robust=False), good) is False
    assert R.is_reproduced(_check(), {**good, S.RATIO_ID: "inconsistent"}) is False
    assert R.is_reproduced(_check(), {S.RATIO_ID: "reproduced"}) is False


# --------------------------------------------------------------------------- tables


@pytest.fixture(scope="module")
def real():
    claims = load_claims()
    card = scorecard(claims)
    position = load_tidy_table("commissioner_position_1314", claims)
    by_quarter = S.shortfall_by_quarter(position, source="HSJ")
    return {
        "card": card,
        "by_quarter": by_quarter,
        "check": S.doubling_check(claims, source="HSJ"),
        "change": S.shortfall_change(by_quarter),
        "shares": C.share_comparison(claims, source="HSJ"),
        "split": C.scheme_split(claims, source="HSJ"),
        "statuses": dict(zip(card["id"], card["status"], strict=True)),
    }


def test_published_tables_one_per_source_with_qualifiers_and_dashes(real):
    card = real["card"].set_index("id")
    names = dict(zip(load_sources()["id"], load_sources()["short_name"], strict=True))
    parts = by_source(real["card"], S.PUBLISHED_IDS)
    tables = [part.as_table() for part in parts]
    sources = list(dict.fromkeys(card.loc[list(S.PUBLISHED_IDS), "source"]))
    assert [t.caption.split(";")[0] for t in tables] == [f"Source: {names[s]}" for s in sources]
    assert [part.source for part in parts] == [names[s] for s in sources]
    shown = pd.concat([t.cells for t in tables]).set_index("Claim")
    assert list(shown.index) == list(S.PUBLISHED_IDS)
    assert shown.loc[S.RATIO_ID, "Published"] == card.loc[S.RATIO_ID, "as_published"]
    stated = card.loc[list(S.PUBLISHED_IDS), "status"] == "stated"
    assert (shown.loc[stated.index[stated], "Recomputed"] == "–").all()
    assert not (shown.loc[stated.index[~stated], "Recomputed"] == "–").any()


def test_every_table_is_formatted_without_nan_or_a_raw_dataframe(real):
    results = [
        *by_source(real["card"], S.PUBLISHED_IDS),
        *by_source(
            real["card"], S.REGIONAL_IDS, ("id", "quote", "as_published", "status", "derived")
        ),
        *(real[name] for name in ("by_quarter", "check", "change", "shares", "split")),
    ]
    for result in results:
        shown = result.as_table()
        assert result._repr_html_() == shown._repr_html_()
        assert not shown.caption.startswith("Source: ;")
        html = shown._repr_html_()
        assert 'class="dataframe"' not in html and "NaN" not in html and "nan%" not in html
        assert shown.caption.startswith("Source: ")
        assert not any("_" in header for header in shown.headers), shown.headers


def test_share_table_puts_each_unit_in_its_label(real):
    labels = real["shares"].as_table().cells["Measure (unit)"].tolist()
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
    check, change, shares, split = (real[k] for k in ("check", "change", "shares", "split"))
    record = R.shortfall_findings(check, change, shares, split, real["statuses"])
    assert set(record) == {"verdict", "reproduced", *OLD_KEYS}
    reproduced = R.is_reproduced(check, real["statuses"])
    verdict = R.verdict(check, change, shares, reproduced)
    assert (record["verdict"], record["reproduced"]) == (verdict, reproduced)
    assert record["ratio"] == round(check.ratio, 4)
    assert record["share_ratio_low"] == round(shares.frame.loc[C.SHARE_RATIO_ROW, "low"], 4)
    assert record["transactional_miss_pct"] == round(
        split.frame.loc["transactional", "miss_pct"], 2
    )
    assert record["nhse_q2_forecast_shortfall_gbp_m_implied"] == round(
        change.frame.loc["NHS England", "q2_gbp_m"], 3
    )
    assert all(isinstance(record[k], float) for k in OLD_KEYS if k != "ratio_published")


# --------------------------------------------------------------------------- charts


def test_change_chart_marks_the_implied_commissioner(real):
    fig = charts.shortfall_change_chart(real["change"]).figure
    try:
        labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
        assert labels == ["NHS England (Q2 implied)", "CCGs"]
        assert "(£m)" in fig.axes[0].get_xlabel()
        assert any("Source: HSJ" in text.get_text() for text in fig.texts)  # the result's source
    finally:
        plt.close(fig)


def test_scheme_chart_highlights_the_shares_of_shortfall(real):
    fig = charts.scheme_split_chart(real["split"]).figure
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
