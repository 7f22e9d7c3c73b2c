"""The claims ledger: the committed data, its schemas and the bad-input messages.

No published value is typed here: the committed data are checked against the raw
files (read with the csv module, not the loader) and against their own invariants,
so a loader that drops, duplicates or mistypes a row fails, and so does a claim whose
value and quote disagree.
"""

from __future__ import annotations

import ast
import csv
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import CLAIMS_HEADER

from qipp import ledger
from qipp.derive import CONTEXTS, DERIVATIONS
from qipp.paths import CLAIMS_CSV, NOTEBOOKS_DIR, PROJECT_ROOT, SOURCES_CSV, TABLES_DIR
from qipp.validation import DataError

# Claims whose quote carries the value in words that are not a number: the id and
# those words (the words must be in the quote; the value is read from them).
VALUE_IN_WORDS = {
    "ccg_q2_n_regions_improved": "only in the North",
    "ccg_q1_share_falling_behind_pct": "a significant minority",
    "sector_q2_transformational_share_of_shortfall_pct": "The bulk of the shortfall",
    "pct_tameside_nonrecurrent_share_pct": "the bulk of which",
}
_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()


def _raw(path: Path) -> list[dict[str, str]]:
    """The data rows of a committed CSV as the csv module reads them (no typing, no checks)."""
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


RAW_CLAIMS = _raw(CLAIMS_CSV)
RAW_SOURCES = _raw(SOURCES_CSV)
RAW_IDS = [row["id"] for row in RAW_CLAIMS]


def _in_words(n: int) -> str | None:
    """English words for 0-99 ("thirty-four"), as the articles write small counts."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens - 2] + ("" if ones == 0 else "-" + _ONES[ones])
    return None


def printed_forms(value: str, unit: str) -> set[str]:
    """The ways an article may print ``value`` (as written in claims.csv) in ``unit``."""
    x = float(value)
    forms = {value, f"{x:g}"}
    if x.is_integer():
        forms |= {str(int(x)), f"{int(x):,}"}
        words = _in_words(int(x))
        if words is not None:
            forms.add(words)
    if unit == "GBP_m" and x < 1:
        forms.add(f"{x * 1e6:,.0f}")  # "£400,000"
    if unit == "pct" and x == 50:
        forms.add("half")
    if unit == "ratio" and x == 2:
        forms.add("double")
    return forms


def quote_prints(quote: str, value: str, unit: str) -> bool:
    """Whether ``quote`` prints ``value`` as a whole number or word, not inside another one."""
    for form in printed_forms(value, unit):
        if form[0].isalpha():  # a word: not part of a longer word ("twenty-two")
            pattern = rf"(?<![\w-]){re.escape(form)}(?![\w-])"
        else:  # a number: not part of a longer number (246.6 in 1,246.6 or 246.65)
            pattern = rf"(?<![\d.,]){re.escape(form)}(?!\d|[.,]\d)"
        if re.search(pattern, quote, re.IGNORECASE):
            return True
    return False


# --------------------------------------------------------------------------- committed data


def test_the_quote_check_finds_printed_values_and_only_those():
    assert quote_prints("a shortfall of £246.6m", "246.6", "GBP_m")
    assert quote_prints("just £400,000 of that", "0.4", "GBP_m")
    assert quote_prints("Thirty-four of the 143 CCGs", "34", "count")
    assert quote_prints("more than double", "2", "ratio")
    assert not quote_prints("a shortfall of £246.6m", "46.6", "GBP_m")
    assert not quote_prints("a shortfall of £246.6m", "246", "GBP_m")
    assert not quote_prints("£1,246.6m", "246.6", "GBP_m")
    assert not quote_prints("twenty-two CCGs", "2", "count")
    assert not quote_prints("seventeen CCGs", "7", "count")


def test_loader_keeps_every_row_of_claims_csv_once_in_file_order():
    claims = ledger.load_claims()
    assert len(claims) == len(RAW_CLAIMS)
    assert claims["id"].tolist() == RAW_IDS


def test_loader_types_each_value_unit_source_and_qualifier_as_written():
    claims = ledger.load_claims()
    assert claims["value"].tolist() == [float(row["value"]) for row in RAW_CLAIMS]
    assert claims["precision"].tolist() == [float(row["precision"]) for row in RAW_CLAIMS]
    assert claims["unit"].tolist() == [row["unit"] for row in RAW_CLAIMS]
    assert claims["source"].tolist() == [row["source"] for row in RAW_CLAIMS]
    qualifiers = [None if pd.isna(q) else q for q in claims["qualifier"]]
    assert qualifiers == [row["qualifier"] or None for row in RAW_CLAIMS]


def test_claim_ids_are_unique_and_units_and_qualifiers_are_allowed():
    assert len(set(RAW_IDS)) == len(RAW_IDS)
    assert {row["unit"] for row in RAW_CLAIMS} <= set(ledger.UNITS)
    assert {row["qualifier"] for row in RAW_CLAIMS} - {""} <= set(ledger.QUALIFIERS)


def test_sources_are_each_cited_and_every_cited_source_exists():
    sources = ledger.load_sources()
    assert sources["id"].tolist() == [row["id"] for row in RAW_SOURCES]
    cited = {row["source"] for row in RAW_CLAIMS}
    # Reference data (data/reference) states no figure: qipp.reference reads it instead.
    assert cited == {row["id"] for row in RAW_SOURCES if row["role"] != "reference"}
    assert set(sources["role"]) == set(ledger.SOURCE_ROLES)


@pytest.mark.parametrize("row", RAW_CLAIMS, ids=RAW_IDS)
def test_quote_prints_the_value(row):
    if row["id"] in VALUE_IN_WORDS:
        assert VALUE_IN_WORDS[row["id"]] in row["quote"]
        assert not quote_prints(row["quote"], row["value"], row["unit"]), (
            "drop it from VALUE_IN_WORDS"
        )
    else:
        assert quote_prints(row["quote"], row["value"], row["unit"]), (
            f"{row['id']}: value {row['value']} ({row['unit']}) is not in its quote {row['quote']!r}"
        )


def test_every_value_is_a_multiple_of_its_stated_precision():
    claims = ledger.load_claims()
    steps = claims["value"] / claims["precision"]
    off = claims.loc[(steps - steps.round()).abs() > 1e-6, "id"].tolist()
    assert off == []


def test_lookups_return_the_rows_of_the_file():
    values = ledger.claim_values()
    assert values == {row["id"]: float(row["value"]) for row in RAW_CLAIMS}
    assert all(isinstance(v, float) for v in values.values())
    for row in RAW_CLAIMS:
        found = ledger.claim(row["id"])
        assert (found["source"], found["quote"], found["unit"]) == (
            row["source"],
            row["quote"],
            row["unit"],
        )
        assert (None if pd.isna(found["qualifier"]) else found["qualifier"]) == (
            row["qualifier"] or None
        )
    with pytest.raises(KeyError, match="did you mean ccg_q1_n_ccgs"):
        ledger.claim("ccg_q1_n_ccg")


def test_cite_gives_short_name_and_period():
    for row in RAW_SOURCES:
        assert ledger.cite(row["id"]) == f"{row['short_name']} ({row['period']})"
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


# --------------------------------------------------------------------------- references to claims


def _claim_like_literals(source: str) -> set[str]:
    """String literals in Python ``source`` shaped like a claim id (first and last word of one)."""
    firsts = {i.split("_")[0] for i in RAW_IDS}
    lasts = {i.split("_")[-1] for i in RAW_IDS}
    # IPython magics and shell lines are not Python.
    code = "\n".join(
        line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))
    )
    return {
        node.value
        for node in ast.walk(ast.parse(code))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)+", node.value)
        and node.value.split("_")[0] in firsts
        and node.value.split("_")[-1] in lasts
    }


def test_claims_named_in_tidy_tables_exist():
    named = {
        (path.name, row["claim_id"]) for path in TABLES_DIR.glob("*.csv") for row in _raw(path)
    }
    assert named
    assert sorted(pair for pair in named if pair[1] not in RAW_IDS) == []


def test_claims_named_by_derivations_and_contexts_exist():
    named = {
        name
        for derivation in (*DERIVATIONS.values(), *CONTEXTS)
        for name in (derivation.claim_id, *derivation.inputs)
    }
    assert sorted(named - set(RAW_IDS)) == []


def test_claims_named_in_the_code_and_notebooks_exist():
    named: dict[str, set[str]] = {}
    for path in sorted((PROJECT_ROOT / "qipp").rglob("*.py")):
        for literal in _claim_like_literals(path.read_text(encoding="utf-8")):
            named.setdefault(literal, set()).add(path.name)
    for path in sorted(NOTEBOOKS_DIR.glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for cell in cells:
            if cell["cell_type"] == "code":
                for literal in _claim_like_literals("".join(cell["source"])):
                    named.setdefault(literal, set()).add(path.name)
    assert named, "the scan found no claim ids: is the shape test still right?"
    unknown = {name: sorted(files) for name, files in named.items() if name not in RAW_IDS}
    assert unknown == {}


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
        # A long cell is quoted to 80 characters, with its length (qipp.validation.numbers.quote).
        f"claims.csv:4:quote: '{quote[:79]}'... (161 characters) is not allowed (expected a "
        "short clause (at most 160 characters))",
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
        "sources.csv:3:role: 'blog' is not allowed (expected one of: article, external_check, reference)",
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
    assert profile["year"].tolist() == sorted(profile["year"])
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
