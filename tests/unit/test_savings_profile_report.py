"""Finding 3 as reported: its results as tables, the sentences that follow the figures, the record."""

from __future__ import annotations

import inspect
import json

import nbformat
import pandas as pd
import pytest
from IPython.lib.pretty import pretty

from qipp.derive import scorecard
from qipp.findings.savings_profile import calc, published, report
from qipp.ledger import claim_values, load_claims, load_sources, load_tidy_table
from qipp.paths import NOTEBOOKS_DIR

YEARS = ["2011-12", "2012-13", "2013-14", "2014-15"]
# Record keys the reports and the index read; the builder must keep every one.
RECORD_KEYS = {
    "notebook",
    "parameters",
    "verdict",
    "reproduced",
    "total_gbp_bn",
    "published_total_gbp_bn",
    "total_status",
    "yearly_gbp_bn",
    "cumulative_share_pct",
    "change_gbp_bn",
    "first_two_years_share",
    "latter_half_share",
    "front_loading_index",
    "falls_every_year",
    "trend",
    "local_share_yrs2_4_pct",
    "local_share_status",
    "savings_2011_12_gbp_bn",
    "tracker_2011_12_status",
    "nao_substantiated_share_of_reported_pct",
}


@pytest.fixture(scope="module")
def ledger():
    claims = load_claims()
    card = scorecard(claims).set_index("id")
    profile = calc.profile_from_table(load_tidy_table("tracker_savings_profile", claims))
    return claims, card, profile


def readable(shown) -> None:
    html = shown._repr_html_()
    assert 'class="dataframe"' not in html and "NaN" not in html
    assert "nan" not in str(shown).split()


def rows(shown) -> dict[str, str]:
    return dict(zip(shown.cells.iloc[:, 0], shown.cells.iloc[:, 1], strict=True))


def test_yearly_table_has_units_in_its_headers_and_a_dash_for_the_first_change(ledger):
    _, _, profile = ledger
    shown = calc.profile_table(profile, source="the tracker").as_table()
    assert shown.headers[0] == "Year" and shown.headers[1] == "Savings (£bn)"
    assert shown.cells["Year"].tolist() == list(profile.index)
    assert shown.cells["Change (£bn)"].iloc[0] == "–"
    second = profile.iloc[1] - profile.iloc[0]
    assert shown.cells["Change (£bn)"].iloc[1] == f"{second:+.1f}"
    assert shown.cells["Running share (%)"].iloc[-1] == "100.0"
    assert shown.caption.startswith("Source: the tracker")
    readable(shown)


def test_claim_checks_show_claims_as_published_and_a_dash_where_nothing_recomputes_them(ledger):
    _, card, _ = ledger
    ids = [*published.LOCAL_CLAIMS, "tracker_local_share_headline_pct"]
    shown = published.claim_checks(card, ids, source="the tracker").as_table()
    assert shown.cells["As published"].tolist() == card.loc[ids, "as_published"].tolist()
    assert shown.cells["Status when recomputed"].tolist() == card.loc[ids, "status"].tolist()
    stated = card.loc[ids, "derived_value"].isna().tolist()
    assert [cell == "–" for cell in shown.cells["Recomputed"]] == stated
    share = card.loc["tracker_local_share_yrs2_4_pct"]
    assert shown.cells["Recomputed"].iloc[1] == f"{share['derived_value']:.2f}%"
    readable(shown)


def test_estimates_table_names_the_year_and_each_source(ledger):
    claims, _, _ = ledger
    tidy = load_tidy_table("savings_2011_12_estimates", claims)
    sources = load_sources()
    names = dict(zip(sources["id"], sources["short_name"], strict=True))
    estimates = published.compare_estimates(
        tidy.assign(source=tidy["source"].map(names)),
        "tracker_anticipated",
        published.ESTIMATE_LABELS,
        year="2011-12",
        reference_name="the tracker's",
    )
    shown = estimates.as_table()
    assert shown.headers[:3] == [
        "Estimate",
        "Savings in 2011-12 (£bn)",
        "Minus the tracker's (£bn)",
    ]
    assert shown.cells["Estimate"].tolist() == list(published.ESTIMATE_LABELS.values())
    assert set(shown.cells["Source"]) <= set(names.values())
    readable(shown)


@pytest.mark.parametrize(
    ("values", "falls", "largest"),
    [
        ([4.0, 3.0, 2.5, 2.0], "yes", "Largest fall, into 2012-13 (£bn)"),
        ([1.0, 2.0, 1.5, 1.0], "no", "Largest fall, into 2013-14 (£bn)"),
        ([1.0, 1.0, 2.0, 3.0], "no", "Largest fall (£bn)"),
    ],
)
def test_profile_shape_reads_falls_as_yes_or_no(values, falls, largest):
    shape = calc.profile_shape(pd.Series(values, index=YEARS))
    shown = rows(shape.as_table())
    assert shown["Falls every year"] == falls
    assert largest in shown
    assert "Share of the total in 2011-12 and 2012-13 (%)" in shown
    readable(shape.as_table())
    assert pretty(shape) == str(shape.as_table())


def test_trend_reads_as_a_table_with_its_interval_level():
    trend = calc.linear_trend(pd.Series([4.0, 3.0, 2.5, 2.0], index=YEARS), alpha=0.1)
    shown = rows(trend.as_table())
    assert shown["Slope (£bn a year)"] == f"{trend.slope:.2f}"
    assert shown["90% CI of the slope (£bn a year)"] == (
        f"{trend.slope_ci_low:.2f} to {trend.slope_ci_high:.2f}"
    )
    assert shown["Years (points)"] == "4"
    readable(trend.as_table())


def test_years_phrase():
    assert calc.years_phrase(("2011-12",)) == "2011-12"
    assert calc.years_phrase(tuple(YEARS[:2])) == "2011-12 and 2012-13"
    assert calc.years_phrase(tuple(YEARS)) == "2011-12 to 2014-15"


def test_total_sentence_follows_the_status():
    profile = pd.Series([4.0, 3.0, 2.5, 2.0], index=YEARS)
    agreed = report.total_sentence(profile, 12.0, 1.0, "reproduced")
    assert "is that sum rounded to the nearest £1bn" in agreed and "**reproduced**" in agreed
    off = report.total_sentence(profile, 14.0, 1.0, "inconsistent")
    assert "is not that sum" in off and "**inconsistent**" in off


def _local(share: float, stated: float = 30.0, step: float = 0.1) -> published.LocalShare:
    return published.LocalShare(3.0, tuple(YEARS[1:]), 10.0, share, stated, step, 1.5)


@pytest.mark.parametrize(
    ("share", "words"),
    [
        (29.9505, "to the published 30% only just (the lower edge of what rounds to it is 29.95%)"),
        (30.0495, "to the published 30% only just (the upper edge of what rounds to it is 30.05%)"),
        (30.01, "which rounds to the published 30%. "),
        (29.8, "which does not round to the published 30%"),
    ],
)
def test_local_share_sentence_says_how_the_share_rounds(share, words):
    assert words in report.local_share_sentence(_local(share))


def test_local_share_is_recomputed_from_the_ledger(ledger):
    claims, _, profile = ledger
    values = claim_values(claims)
    local = published.local_share(profile, claims)
    assert local.years == tuple(profile.index[1:])
    required = profile.iloc[1:].sum()
    assert local.share_pct == pytest.approx(100 * values["tracker_local_yrs2_4_gbp_bn"] / required)
    assert local.on_track_pct == pytest.approx(
        100 * values["tracker_on_track_yrs2_4_gbp_bn"] / values["tracker_local_yrs2_4_gbp_bn"]
    )


@pytest.mark.parametrize(
    ("values", "part"),
    [
        ([3.0, 3.0, 2.0, 2.0], "more than half"),
        ([1.0, 2.0, 3.0, 4.0], "less than half"),
        ([1.0, 2.0, 2.0, 1.0], "puts half"),
    ],
)
def test_halves_sentence_chooses_its_words_from_the_figures(values, part):
    profile = pd.Series(values, index=YEARS)
    assert part in report.halves_sentence(profile, calc.profile_shape(profile))


def test_the_records_parameters_are_the_notebooks():
    notebook = nbformat.read(NOTEBOOKS_DIR / "03_front_loaded_savings.ipynb", as_version=4)
    (cell,) = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    names = tuple(line.split(":")[0] for line in cell.source.splitlines() if line.strip())
    keywords = inspect.signature(report.record).parameters.values()
    assert names == tuple(p.name for p in keywords if p.kind is p.KEYWORD_ONLY)


def test_the_record_keeps_its_keys_and_is_strict_json(ledger):
    claims, card, profile = ledger
    tidy = load_tidy_table("savings_2011_12_estimates", claims)
    estimates = published.estimate_values(tidy)
    shape, trend = calc.profile_shape(profile), calc.linear_trend(profile)
    record = report.record(
        profile,
        card,
        shape,
        trend,
        published.local_share(profile, claims),
        estimates,
        findings_path="",
        alpha=0.05,
        tables_path="",
    )
    assert set(record) == RECORD_KEYS
    assert record["parameters"] == {"findings_path": "", "alpha": 0.05, "tables_path": ""}
    verdict, reproduced = report.verdict(
        profile,
        shape,
        trend,
        estimates,
        published_total=card.loc["tracker_total_1115_gbp_bn", "value"],
        total_reproduced=True,
    )
    assert (record["verdict"], record["reproduced"]) == (verdict, reproduced)
    assert record["yearly_gbp_bn"] == dict(zip(profile.index, profile.tolist(), strict=True))
    assert record["latter_half_share"] == round(1 - shape.early_share, 4)
    json.dumps(record, allow_nan=False)
