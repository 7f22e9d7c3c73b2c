"""The CCG panel: one row per CCG, its Q1 2013-14 NISFE return, written once as :data:`PANEL_SPEC`.

Money is in £ million; derived measures are never stored (:mod:`qipp.panel.measures`).

>>> PANEL_COLUMNS[:3]
['ccg_code', 'ccg_name', 'region']
>>> is_ods_code("11J"), is_ods_code("S001"), is_synthetic_code("S001")
(True, False, True)
"""

from __future__ import annotations

import re

import pandas as pd
import pandera.pandas as pa

from qipp.panel.intake.limits import (
    MAX_MONEY_GBP_M,
    MAX_NAME_CHARS,
    Q1_ACTUAL_OVER_FULL_YEAR_PLAN_FACTOR,
)

# Re-exported: the panel's codes and regions are the register's (qipp.reference.codes).
from qipp.reference.codes import ODS_CODE_PATTERN as ODS_CODE_PATTERN
from qipp.reference.codes import REGION_CCG_COUNTS_APRIL_2013 as REGION_CCG_COUNTS_APRIL_2013
from qipp.reference.codes import REGIONS as REGIONS
from qipp.validation import Field, RowRule, Rule, TableSpec, ge, gt, matches, one_of

STATUS_SYNTHETIC = "synthetic"
STATUS_REPORTED = "reported"
DATA_STATUSES: tuple[str, ...] = (STATUS_SYNTHETIC, STATUS_REPORTED)
# Columns a file may leave out, and what every row then holds: NISFE returns have no status.
DEFAULTS: dict[str, str] = {"data_status": STATUS_REPORTED}

SYNTHETIC_CODE_PATTERN = r"S[0-9]{3}"
# A curly apostrophe appears in some CCG names as published (08Y's, for one).
NAME_PATTERN = r"[A-Za-z0-9 ,.'’&()-]+"
SYNTHETIC_NAME_PREFIX = "Synthetic CCG"

# The only real CCGs a synthetic panel may show: the articles publish their targets (0005).
DORSET_CODE, WEST_ESSEX_CODE = "11J", "07H"
NAMED_CCGS: dict[str, str] = {DORSET_CODE: "NHS Dorset CCG", WEST_ESSEX_CODE: "NHS West Essex CCG"}

_ODS = re.compile(ODS_CODE_PATTERN)
_SYNTHETIC = re.compile(SYNTHETIC_CODE_PATTERN)


def is_ods_code(code: str) -> bool:
    """Whether ``code`` has the form of a CCG ODS code of April 2013.

    >>> is_ods_code("07H"), is_ods_code("7H"), is_ods_code("../x")
    (True, False, False)
    """
    return bool(_ODS.fullmatch(str(code)))


def is_synthetic_code(code: str) -> bool:
    """Whether ``code`` is a pseudonymous code (``S`` and three digits)."""
    return bool(_SYNTHETIC.fullmatch(str(code)))


def _text(series: pd.Series) -> pd.Series:
    """Cells as text, missing as the empty string (rules must not see None)."""
    return series.fillna("").astype(str)


def _no_formula(series: pd.Series) -> pd.Series:
    # A spreadsheet runs a cell starting with = + - or @ as a formula (CSV injection).
    return ~_text(series).str.match(r"[=+\-@]")


NO_FORMULA = Rule(
    _no_formula,
    "text not starting with =, +, - or @, which a spreadsheet would run as a formula",
)


def _reported_has_ods_code(frame: pd.DataFrame) -> pd.Series:
    codes = _text(frame["ccg_code"])
    reported = _text(frame["data_status"]) == STATUS_REPORTED
    return ~(reported & codes.map(is_synthetic_code))


def _synthetic_code_allowed(frame: pd.DataFrame) -> pd.Series:
    codes = _text(frame["ccg_code"])
    synthetic = _text(frame["data_status"]) == STATUS_SYNTHETIC
    real_looking = codes.map(is_ods_code) & ~codes.isin(list(NAMED_CCGS))
    return ~(synthetic & real_looking)


def _synthetic_name_allowed(frame: pd.DataFrame) -> pd.Series:
    codes = _text(frame["ccg_code"])
    names = _text(frame["ccg_name"])
    synthetic = _text(frame["data_status"]) == STATUS_SYNTHETIC
    named = codes.map(NAMED_CCGS)
    s_coded = codes.map(is_synthetic_code)
    ok = ~s_coded | names.str.startswith(SYNTHETIC_NAME_PREFIX)
    ok &= named.isna() | (names == named.fillna(""))
    # A name with forbidden characters is reported by the column's own rule.
    ok |= ~names.str.fullmatch(NAME_PATTERN)
    return ~synthetic | ok


def majority_status(frame: pd.DataFrame) -> str | None:
    """The most common valid ``data_status`` (first seen wins a tie), or None.

    >>> majority_status(pd.DataFrame({"data_status": ["x", "reported", "synthetic", "synthetic"]}))
    'synthetic'
    """
    status = _text(frame["data_status"])
    valid = status[status.isin(DATA_STATUSES)]
    if valid.empty:
        return None
    counts = valid.value_counts(sort=False)
    return str(max(counts.index, key=lambda s: (counts[s], -list(valid).index(s))))


def _one_status(frame: pd.DataFrame) -> pd.Series:
    status = _text(frame["data_status"])
    return ~status.isin(DATA_STATUSES) | (status == majority_status(frame))


def _not_above(column: str, bound: str) -> RowRule:
    """Rule: ``column`` <= ``bound`` on every row, blamed on ``column``."""
    return RowRule(column, lambda f: f[column] <= f[bound], f"{column} <= {bound}")


# Cross-column rules, each blamed on one column; qipp.panel.io words the failures.
ROW_RULES: tuple[RowRule, ...] = (
    RowRule(
        "ccg_code",
        _reported_has_ods_code,
        "a reported row to carry the CCG's ODS code (S-codes are for synthetic rows)",
    ),
    RowRule(
        "ccg_code",
        _synthetic_code_allowed,
        "a synthetic row to carry an S-code; of real codes only 11J (NHS Dorset CCG) and "
        "07H (NHS West Essex CCG), whose targets the articles publish",
    ),
    RowRule(
        "ccg_name",
        _synthetic_name_allowed,
        f"a synthetic row with an S-code to be named '{SYNTHETIC_NAME_PREFIX} NNN', and "
        "11J and 07H to carry their own names (NHS Dorset CCG, NHS West Essex CCG)",
    ),
    RowRule(
        "qipp_plan_gbp_m",
        lambda f: f["qipp_plan_gbp_m"] < f["allocation_gbp_m"],
        "qipp_plan_gbp_m < allocation_gbp_m",
    ),
    _not_above("transformational_plan_gbp_m", "qipp_plan_gbp_m"),
    _not_above("ytd_plan_gbp_m", "qipp_plan_gbp_m"),
    RowRule(
        "data_status",
        _one_status,
        "one data_status on every row (a panel is all synthetic or all reported)",
    ),
    # Plausibility (decision 0027): impossible by definition, so errors, not warnings.
    _not_above("forecast_outturn_gbp_m", "allocation_gbp_m"),
    RowRule(
        "ytd_actual_gbp_m",
        lambda f: (
            f["ytd_actual_gbp_m"] <= Q1_ACTUAL_OVER_FULL_YEAR_PLAN_FACTOR * f["qipp_plan_gbp_m"]
        ),
        f"ytd_actual_gbp_m <= {Q1_ACTUAL_OVER_FULL_YEAR_PLAN_FACTOR:g} x qipp_plan_gbp_m "
        "(Q1 savings delivered cannot exceed the full-year plan)",
    ),
)


def _money(name: str, description: str, rule: Rule | None = None) -> Field:
    # £m, never negative, never beyond any CCG's scale: such a value is a typo.
    checks = (rule or ge(0),)
    return Field(name, "float", description, checks, negatives=False, ceiling=MAX_MONEY_GBP_M)


NAME_LENGTH = Rule(
    lambda s: _text(s).str.len() <= MAX_NAME_CHARS, f"at most {MAX_NAME_CHARS} characters"
)

PANEL_SPEC = TableSpec(
    "ccg_panel",
    (
        Field(
            "ccg_code",
            "str",
            "CCG identifier: for reported rows the ODS code of April 2013 (e.g. 11J); "
            "for synthetic rows a pseudonymous S-code (e.g. S001) no ODS code takes",
            checks=(
                matches(
                    f"{ODS_CODE_PATTERN}|{SYNTHETIC_CODE_PATTERN}",
                    "an ODS code (two digits and a capital letter, e.g. 11J) "
                    "or a synthetic code (S and three digits, e.g. S001)",
                ),
            ),
            unique=True,
        ),
        Field(
            "ccg_name",
            "str",
            "CCG name as published, or 'Synthetic CCG NNN'",
            checks=(
                matches(NAME_PATTERN, "letters, digits, spaces and , . ' ’ & ( ) - only"),
                NO_FORMULA,
                NAME_LENGTH,
            ),
        ),
        Field("region", "str", "NHS England region of April 2013", checks=(one_of(REGIONS),)),
        _money("allocation_gbp_m", "2013-14 resource allocation, £m", gt(0)),
        _money("qipp_plan_gbp_m", "full-year QIPP savings plan, £m"),
        _money(
            "transformational_plan_gbp_m",
            "part of the plan from transformational schemes, £m (transactional = plan - this)",
        ),
        _money("ytd_plan_gbp_m", "savings planned to the end of Q1 (June 2013), £m"),
        _money("ytd_actual_gbp_m", "savings delivered to the end of Q1, £m"),
        _money("forecast_outturn_gbp_m", "forecast full-year savings delivery, £m"),
        Field(
            "uses_non_recurrent_fund",
            "bool",
            "plans to use its 2% non-recurrent fund to stay solvent",
        ),
        Field(
            "data_status",
            "str",
            "'synthetic' (invented by qipp's generator) or 'reported' (a real return); "
            "optional: a file without this column is read as 'reported' on every row, with a note",
            checks=(one_of(DATA_STATUSES),),
        ),
    ),
    ROW_RULES,
)

PANEL_COLUMNS: list[str] = PANEL_SPEC.columns
MONEY_COLUMNS: list[str] = [c for c in PANEL_COLUMNS if c.endswith("_gbp_m")]

# Optional columns (decision 0044): a file with `quarter` holds several quarters, long form.
QUARTER_COLUMN, FORECAST_SPLIT_COLUMN = "quarter", "transformational_forecast_gbp_m"
QUARTER_FORM = "2013-14 Q2"
QUARTER_PATTERN = r"(\d{4})-(\d{2}) Q([1-4])"
# The order qipp writes a panel's columns: a long panel's quarter first, the split last.
WRITTEN_COLUMNS: list[str] = [QUARTER_COLUMN, *PANEL_COLUMNS, FORECAST_SPLIT_COLUMN]
FORECAST_SPLIT_RULE = _not_above(FORECAST_SPLIT_COLUMN, "forecast_outturn_gbp_m")
_FORECAST_SPLIT = _money(
    FORECAST_SPLIT_COLUMN,
    "part of the forecast from transformational schemes, £m; optional (kept when present)",
)
# The panel with the forecast's split, used when a file has that column.
SPLIT_SPEC = TableSpec(
    PANEL_SPEC.name, (*PANEL_SPEC.fields, _FORECAST_SPLIT), (*ROW_RULES, FORECAST_SPLIT_RULE)
)
OPTIONAL_SPEC = TableSpec(
    "ccg_panel_optional",
    (
        Field(
            QUARTER_COLUMN,
            "str",
            f"the return's quarter, e.g. {QUARTER_FORM}; optional: a file with it holds one "
            "row per CCG and quarter, without it one quarter's return",
            checks=(matches(QUARTER_PATTERN, f"a financial year and quarter: {QUARTER_FORM}"),),
        ),
        _FORECAST_SPLIT,
    ),
    (FORECAST_SPLIT_RULE,),
)
OPTIONAL_COLUMNS: list[str] = OPTIONAL_SPEC.columns


def panel_schema() -> pa.DataFrameSchema:
    """The strict pandera schema a loaded panel satisfies.

    Returns
    -------
    pandera.DataFrameSchema
        The schema.
    """
    return PANEL_SPEC.schema()
