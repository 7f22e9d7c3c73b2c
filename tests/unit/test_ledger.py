"""The claims ledger: the committed data, its schemas and the bad-input messages."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from conftest import CLAIMS_HEADER

from qipp import ledger
from qipp.paths import TABLES_DIR
from qipp.validation import DataError

# The ids other modules rely on (qipp.panel), with the values the articles state.
CONTRACT = {
    "ccg_q1_n_ccgs": ("hsj_ccg_variation_q1_1314", 143),
    "ccg_q1_target_fold_variation": ("hsj_ccg_variation_q1_1314", 23),
    "ccg_q1_median_target_pct": ("hsj_ccg_variation_q1_1314", 2.47),
    "ccg_q1_n_target_under_1pct": ("hsj_ccg_variation_q1_1314", 11),
    "ccg_q1_dorset_plan_gbp_m": ("hsj_ccg_variation_q1_1314", 2.4),
    "ccg_q1_dorset_target_pct": ("hsj_ccg_variation_q1_1314", 0.28),
    "ccg_q1_west_essex_target_pct": ("hsj_ccg_variation_q1_1314", 6.44),
    "ccg_q1_n_target_over_4pct_excl_west_essex": ("hsj_ccg_variation_q1_1314", 17),
    "ccg_q1_n_top15": ("hsj_ccg_variation_q1_1314", 15),
    "ccg_q1_n_top15_using_nr_fund": ("hsj_ccg_variation_q1_1314", 7),
    "ccg_q1_n_ytd_shortfall_20pct": ("hsj_ccg_variation_q1_1314", 34),
    "ccg_q1_n_ytd_any_slippage": ("hsj_ccg_variation_q1_1314", 59),
    "ccg_q1_forecast_delivery_pct": ("hsj_ccg_variation_q1_1314", 96),
    "ccg_q1_n_forecast_gap_20pct": ("hsj_ccg_variation_q1_1314", 11),
    "ccg_q1_ytd_shortfall_pct": ("hsj_nhse_nisfe_q1_1314", 11),
    "ccg_plan_pct_of_allocation": ("hsj_nhse_nisfe_q1_1314", 2.6),
    "ccg_q1_forecast_gap_gbp_m": ("hsj_nhse_nisfe_q1_1314", 71.5),
    "ccg_q1_forecast_gap_pct": ("hsj_nhse_nisfe_q1_1314", 4),
    "ccg_q1_plan_gbp_bn": ("hsj_nhse_nisfe_q1_1314", 1.6),
    "nhse_q1_plan_gbp_m": ("hsj_nhse_nisfe_q1_1314", 374),
    "nhse_q1_forecast_gap_gbp_m": ("hsj_nhse_nisfe_q1_1314", 48.1),
    "nhse_q1_forecast_gap_pct": ("hsj_nhse_nisfe_q1_1314", 12.9),
    "nhse_plan_pct_of_budget": ("hsj_nhse_nisfe_q1_1314", 1.4),
    "sector_q2_forecast_shortfall_gbp_m": ("hsj_q2_1314", 246.6),
    "sector_q2_forecast_shortfall_pct": ("hsj_q2_1314", 12.2),
    "ccg_q2_forecast_shortfall_gbp_m": ("hsj_q2_1314", 176.9),
}
SOURCE_IDS = {
    "hsj_q2_1314",
    "hsj_nhse_nisfe_q1_1314",
    "hsj_ccg_variation_q1_1314",
    "hsj_dh_tracker_q1_1213",
    "hsj_pct_progress_2010",
    "nao_hc686",
}


# --------------------------------------------------------------------------- committed data


def test_sources_are_the_six_publications():
    sources = ledger.load_sources()
    assert set(sources["id"]) == SOURCE_IDS
    assert sources.set_index("id").loc["nao_hc686", "role"] == "external_check"


def test_committed_ledger_loads_with_every_source_represented():
    claims = ledger.load_claims()
    # The issue expected 60-80 rows; the five articles and the NAO facts hold
    # 101 distinct quantitative statements, and the ledger keeps every one.
    assert 60 <= len(claims) <= 110
    assert set(claims["source"]) == SOURCE_IDS
    assert claims["id"].is_unique


@pytest.mark.parametrize("claim_id", sorted(CONTRACT))
def test_contract_ids_hold_the_published_values(claim_id):
    source, value = CONTRACT[claim_id]
    row = ledger.claim(claim_id)
    assert row["source"] == source
    assert row["value"] == pytest.approx(value)


def test_every_value_is_a_multiple_of_its_stated_precision():
    claims = ledger.load_claims()
    steps = claims["value"] / claims["precision"]
    off = claims.loc[(steps - steps.round()).abs() > 1e-6, "id"].tolist()
    assert off == []


def test_hedged_claims_carry_their_qualifier():
    row = ledger.claim("sector_q2_vs_q1_shortfall_ratio")
    assert (row["value"], row["unit"], row["qualifier"]) == (2.0, "ratio", "more than")
    assert ledger.claim("pct_extrapolated_shortfall_gbp_bn")["qualifier"] == "around"
    assert ledger.claim("ccg_q1_n_target_under_1pct")["qualifier"] == "at least"
    assert pd.isna(ledger.claim("nhse_q1_plan_gbp_m")["qualifier"])


def test_claim_values_and_lookup():
    values = ledger.claim_values()
    assert values["nhse_q1_forecast_gap_gbp_m"] == 48.1
    assert all(isinstance(v, float) for v in values.values())
    with pytest.raises(KeyError, match="did you mean ccg_q1_n_ccgs"):
        ledger.claim("ccg_q1_n_ccg")


def test_cite_gives_short_name_and_period():
    assert ledger.cite("hsj_pct_progress_2010") == (
        'HSJ, "PCTs make slow progress with QIPP" (2010-11 (progress to August-September 2010))'
    )
    with pytest.raises(KeyError, match="no source 'hsj_nope'"):
        ledger.cite("hsj_nope")


def test_returned_frames_are_copies_and_edits_are_reloaded(write_csv, toy_sources_csv):
    first = ledger.load_claims()
    first.loc[0, "value"] = -1.0
    assert ledger.load_claims().loc[0, "value"] != -1.0
    path = write_csv("claims.csv", f"{CLAIMS_HEADER}\nx_pct,src_a,q,toy,1.5,pct,p,s,0.1,\n")
    assert ledger.load_claims(path, ledger.load_sources(toy_sources_csv))["value"][0] == 1.5
    path.write_text(f"{CLAIMS_HEADER}\nx_pct,src_a,q,toy,2.5,pct,p,s,0.1,\n", encoding="utf-8")
    assert ledger.load_claims(path, ledger.load_sources(toy_sources_csv))["value"][0] == 2.5


# --------------------------------------------------------------------------- bad input


def _load_bad(write_csv, toy_sources_csv, body: str, header: str = CLAIMS_HEADER) -> str:
    path = write_csv("claims.csv", header + "\n" + body)
    with pytest.raises(DataError) as info:
        ledger.load_claims(path, sources=ledger.load_sources(toy_sources_csv))
    return str(info.value).replace(str(path), "claims.csv")


def test_non_numeric_value_is_named(write_csv, toy_sources_csv):
    text = _load_bad(write_csv, toy_sources_csv, "a_pct,src_a,q,toy,lots,pct,p,s,1,\n")
    assert text == "claims.csv:2:value: 'lots' is not a number (expected a number)"


def test_unknown_unit_is_named(write_csv, toy_sources_csv):
    text = _load_bad(write_csv, toy_sources_csv, "a_pct,src_a,q,toy,3,percent,p,s,1,\n")
    assert text == (
        "claims.csv:2:unit: 'percent' is not allowed "
        "(expected one of: GBP_m, GBP_bn, pct, count, ratio)"
    )


def test_unknown_source_is_named(write_csv, toy_sources_csv):
    text = _load_bad(
        write_csv,
        toy_sources_csv,
        "a_pct,src_a,q,toy,3,pct,p,s,1,\nb_pct,src_z,q,toy,3,pct,p,s,1,\n",
    )
    assert text == (
        "claims.csv:3:source: unknown source 'src_z' (expected one of the source ids: src_a, src_b)"
    )


def test_duplicate_id_is_named(write_csv, toy_sources_csv):
    text = _load_bad(
        write_csv,
        toy_sources_csv,
        "a_pct,src_a,q,toy,3,pct,p,s,1,\na_pct,src_a,q,toy,4,pct,p,s,1,\n",
    )
    assert text.splitlines() == [
        "claims.csv:2:id: duplicate value 'a_pct' (expected a unique value)",
        "claims.csv:3:id: duplicate value 'a_pct' (expected a unique value)",
    ]


def test_missing_column_is_named(write_csv, toy_sources_csv):
    header = CLAIMS_HEADER.replace(",unit", "")
    text = _load_bad(write_csv, toy_sources_csv, "a_pct,src_a,q,toy,3,p,s,1,\n", header)
    assert text == (
        "claims.csv:1:unit: missing column (expected the columns id, source, quote, "
        "quantity, value, unit, period, scope, precision, qualifier)"
    )


def test_unknown_qualifier_fractional_count_and_long_quote(write_csv, toy_sources_csv):
    quote = "x" * (ledger.MAX_QUOTE_CHARS + 1)
    text = _load_bad(
        write_csv,
        toy_sources_csv,
        "a_pct,src_a,q,toy,3,pct,p,s,1,roughly\n"
        "b_n,src_a,q,toy,2.5,count,p,s,1,\n"
        f"c_pct,src_a,{quote},toy,3,pct,p,s,1,\n",
    )
    assert text.splitlines() == [
        "claims.csv:2:qualifier: 'roughly' is not allowed (expected one of: more than, "
        "less than, at least, up to, around, just under)",
        "claims.csv:3:value: fails a row rule (expected a whole number >= 0 when unit is count)",
        f"claims.csv:4:quote: '{quote}' is not allowed (expected a short clause "
        "(at most 160 characters))",
    ]


def test_zero_precision_is_named(write_csv, toy_sources_csv):
    text = _load_bad(write_csv, toy_sources_csv, "a_pct,src_a,q,toy,3,pct,p,s,0,\n")
    assert text == "claims.csv:2:precision: 0.0 is not allowed (expected a value > 0)"


def test_bad_sources_table_is_named(write_csv):
    path = write_csv(
        "sources.csv",
        """\
        id,publisher,short_name,period,documents,role
        src_a,HSJ,A,p,d,article
        src_a,HSJ,B,p,d,blog
        """,
    )
    with pytest.raises(DataError) as info:
        ledger.load_sources(path)
    assert str(info.value).replace(str(path), "sources.csv").splitlines() == [
        "sources.csv:2:id: duplicate value 'src_a' (expected a unique value)",
        "sources.csv:3:id: duplicate value 'src_a' (expected a unique value)",
        "sources.csv:3:role: 'blog' is not allowed (expected one of: article, external_check)",
    ]


def test_missing_file_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        ledger.load_claims(tmp_path / "absent.csv")


# --------------------------------------------------------------------------- tidy tables


def test_every_tidy_file_has_a_spec_and_every_spec_a_file():
    on_disk = sorted(p.stem for p in TABLES_DIR.glob("*.csv"))
    assert on_disk == ledger.list_tidy_tables()


@pytest.mark.parametrize("name", ledger.list_tidy_tables())
def test_tidy_tables_take_their_values_from_the_ledger(name):
    table = ledger.load_tidy_table(name)
    values = ledger.claim_values()
    assert len(table) > 0
    assert list(table.columns[-len(ledger.LEDGER_COLUMNS) :]) == list(ledger.LEDGER_COLUMNS)
    assert table["value"].tolist() == [values[c] for c in table["claim_id"]]
    # One source of truth: the files themselves hold no published values.
    assert "value" not in pd.read_csv(TABLES_DIR / f"{name}.csv").columns


def test_tracker_profile_is_the_four_programme_years():
    profile = ledger.load_tidy_table("tracker_savings_profile")
    assert profile["programme_year"].tolist() == [1, 2, 3, 4]
    assert math.isclose(profile["value"].sum(), 12.9)
    assert set(profile["unit"]) == {"GBP_bn"}


def test_tidy_table_with_unknown_claim_is_named(write_csv):
    write_csv(
        "tables/tracker_savings_profile.csv",
        """\
        year,programme_year,claim_id
        2011-12,1,tracker_2011_12_gbp_bn
        2012-13,5,tracker_2099_gbp_bn
        """,
    )
    folder = write_csv("tables/.keep", "").parent
    with pytest.raises(DataError) as info:
        ledger.load_tidy_table("tracker_savings_profile", tables_dir=folder)
    assert str(info.value).endswith(
        "tracker_savings_profile.csv:3:programme_year: 5 is not allowed "
        "(expected a value from 1 to 4)"
    )
    write_csv(
        "tables/tracker_savings_profile.csv",
        """\
        year,programme_year,claim_id
        2012-13,2,tracker_2099_gbp_bn
        """,
    )
    with pytest.raises(DataError) as info:
        ledger.load_tidy_table("tracker_savings_profile", tables_dir=folder)
    assert str(info.value).endswith(
        "tracker_savings_profile.csv:2:claim_id: unknown claim 'tracker_2099_gbp_bn' "
        "(expected the id of a claim in claims.csv)"
    )


def test_unknown_tidy_table_name():
    with pytest.raises(KeyError, match="no tidy table 'nope'"):
        ledger.load_tidy_table("nope")
