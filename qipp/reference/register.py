"""The CCG register of April 2013: ONS codes and names, area teams, regions, QOF list sizes.

>>> register = load_register()
>>> register.loc[register["ccg_code"] == "11J", ["ccg_name", "region"]].values.tolist()
[['NHS Dorset', 'South of England']]
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from qipp.paths import REFERENCE_RAW_DIR
from qipp.reference.codes import ODS_CODE_PATTERN, REGIONS
from qipp.reference.raw import raw_path, read_raw
from qipp.validation import DataError, Field, Problem, TableSpec, gt, matches, one_of
from qipp.validation.coerce import coerce_and_validate

REGISTER_SPEC = TableSpec(
    "ccg_register",
    (
        Field(
            "ccg_code",
            "str",
            "ODS code of the CCG",
            checks=(matches(ODS_CODE_PATTERN, "an ODS code such as 11J"),),
            unique=True,
        ),
        Field(
            "ons_code",
            "str",
            "ONS code of the CCG (E38...)",
            checks=(matches(r"E38[0-9]{6}", "an ONS code such as E38000045"),),
            unique=True,
        ),
        Field("ccg_name", "str", "the CCG's name as ONS published it", unique=True),
        Field(
            "area_team_code",
            "str",
            "ODS code of its NHS England area team",
            checks=(matches(r"Q[0-9]{2}", "an ODS code such as Q44"),),
        ),
        Field("area_team_name", "str", "its NHS England area team"),
        Field("region", "str", "its NHS England region", checks=(one_of(REGIONS),)),
        Field(
            "registered_patients",
            "int",
            "patients registered with its practices (QOF 2013-14 list size)",
            checks=(gt(0),),
        ),
    ),
)
REGISTER_COLUMNS: list[str] = REGISTER_SPEC.columns


def build_register(raw_dir: Path | str = REFERENCE_RAW_DIR) -> pd.DataFrame:
    """Build the register from the raw files, one row per CCG sorted by code.

    Raises DataError when a file is missing, a CCG lacks a piece, or the result breaks
    :data:`REGISTER_SPEC`.
    """
    codes = read_raw("ccg_codes", raw_dir).rename(
        columns={"CCG13CD": "ons_code", "CCG13CDH": "ccg_code", "CCG13NM": "ccg_name"}
    )
    lookup = read_raw("ccg_area_team_region", raw_dir).rename(
        columns={"CCG13CD": "ons_code", "NHSAT13NM": "area_team_name", "NHSCR13NM": "region"}
    )
    area_teams = read_raw("area_team_codes", raw_dir).rename(
        columns={"ons_code": "NHSAT13CD", "hscic_code": "area_team_code"}
    )
    lists = (
        read_raw("qof_list_sizes", raw_dir)
        .rename(columns={"ccgcode": "ccg_code", "ccg_listsize": "registered_patients"})
        .drop_duplicates(["ccg_code", "registered_patients"])
    )
    # Refuse a QOF file that gives one CCG two different list sizes.
    twice = lists["ccg_code"][lists["ccg_code"].duplicated()].unique()
    if len(twice):
        qof, expected = str(raw_path("qof_list_sizes", raw_dir)), "one list size per CCG"
        raise DataError(
            Problem(qof, None, "ccg_listsize", f"{c} has more than one list size", expected)
            for c in twice
        )
    register = (
        codes[["ccg_code", "ons_code", "ccg_name"]]
        .merge(lookup[["ons_code", "NHSAT13CD", "area_team_name", "region"]], "left", "ons_code")
        .merge(area_teams[["NHSAT13CD", "area_team_code"]], "left", "NHSAT13CD")
        .merge(lists[["ccg_code", "registered_patients"]], "left", "ccg_code")
    )
    origin = str(raw_path("ccg_codes", raw_dir))
    frame = register[REGISTER_COLUMNS].sort_values("ccg_code", ignore_index=True)
    row_numbers = pd.Series(codes.index + 2, index=codes["ccg_code"])
    validated = coerce_and_validate(
        frame.replace({"": None}),
        REGISTER_SPEC,
        origin,
        row_numbers=row_numbers.loc[frame["ccg_code"]].tolist(),
    )
    return validated.reset_index(drop=True)


@lru_cache(maxsize=1)
def _cached_register() -> pd.DataFrame:
    return build_register()


def load_register() -> pd.DataFrame:
    """The project's register (``data/reference/raw``), built once per process; a copy."""
    return _cached_register().copy()
