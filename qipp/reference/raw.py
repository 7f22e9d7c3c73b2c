"""The raw reference files under ``data/reference/raw/``, as published, checksummed, cp1252.

>>> sorted(RAW_FILES)[:2]
['area_team_codes', 'ccg_area_team_region']
>>> RAW_FILES["ccg_codes"].file_name
'CCG_APR_2013.csv'
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from qipp.paths import REFERENCE_RAW_DIR
from qipp.validation import DataError, Problem

ENCODING = "cp1252"
CHECKSUMS_FILE = "SHA256SUMS"


@dataclass(frozen=True)
class RawFile:
    """One raw reference file: its name under ``data/reference/raw/`` and what it holds."""

    file_name: str
    what: str
    columns: tuple[str, ...]


RAW_FILES: dict[str, RawFile] = {
    "ccg_codes": RawFile(
        "CCG_APR_2013.csv",
        "ONS names and codes of the 211 CCGs at April 2013",
        ("CCG13CD", "CCG13CDH", "CCG13NM"),
    ),
    "ccg_area_team_region": RawFile(
        "CCG13_NHSAT13_NHSCR13_EW_LU.csv",
        "CCG to NHS England area team to commissioning region, April 2013",
        ("CCG13CD", "NHSAT13CD", "NHSAT13NM", "NHSCR13NM"),
    ),
    "area_team_codes": RawFile(
        "at.csv", "NHS England area teams: ONS code to ODS code", ("ons_code", "hscic_code")
    ),
    "qof_list_sizes": RawFile(
        "prevalencebyccg.csv",
        "QOF 2013-14 disease registers by CCG, with each CCG's registered list",
        ("ccgcode", "ccg_listsize"),
    ),
    "practice_list_sizes": RawFile(
        "Patient_List_Size_2014_04-06.csv",
        "NHSBSA registered patients per GP practice by age and sex, April-June 2014",
        ("PCO Code", "Practice Code"),
    ),
    "pcts": RawFile(
        "PCO_2012.csv",
        "primary care trusts and care trusts at 2012",
        ("PCO12CD", "PCO12CDO", "PCO12NM"),
    ),
    "pct_sha": RawFile(
        "PCO12_SHA12_EN_LU.csv",
        "PCT to strategic health authority, 2012",
        ("PCO12CDO", "PCO12NM", "SHA12CDO", "SHA12NM"),
    ),
    "shas": RawFile(
        "SHA_2012.csv", "strategic health authorities, 2012", ("SHA12CD", "SHA12CDO", "SHA12NM")
    ),
}


def raw_path(key: str, raw_dir: Path | str = REFERENCE_RAW_DIR) -> Path:
    """The path of the raw file registered under ``key``.

    >>> raw_path("pcts", "/r").as_posix()
    '/r/PCO_2012.csv'
    """
    return Path(raw_dir) / RAW_FILES[key].file_name


def read_raw(key: str, raw_dir: Path | str = REFERENCE_RAW_DIR) -> pd.DataFrame:
    """Read one raw reference file as text columns (``00C`` keeps its zeros).

    Raises DataError when the file is missing or lacks a column this project reads.
    """
    entry = RAW_FILES[key]
    path = raw_path(key, raw_dir)
    try:
        frame = pd.read_csv(path, encoding=ENCODING, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise DataError(
            [Problem(str(path), None, None, "the file is missing", "the file restored from git")]
        ) from None
    missing = [c for c in entry.columns if c not in frame.columns]
    if missing:
        raise DataError(
            [
                Problem(str(path), 1, column, "the column is missing", "the file as published")
                for column in missing
            ]
        )
    return frame


def read_checksums(raw_dir: Path | str = REFERENCE_RAW_DIR) -> dict[str, str]:
    """Map each file named in ``SHA256SUMS`` to its recorded SHA-256."""
    lines = (Path(raw_dir) / CHECKSUMS_FILE).read_text(encoding="ascii").splitlines()
    pairs = (line.split(maxsplit=1) for line in lines if line.strip())
    return {name.strip().lstrip("*"): digest for digest, name in pairs}


def checksum_mismatches(raw_dir: Path | str = REFERENCE_RAW_DIR) -> list[str]:
    """Every raw file that differs from ``SHA256SUMS``, is missing, or is not listed there."""
    recorded = read_checksums(raw_dir)
    problems = []
    for name, digest in sorted(recorded.items()):
        path = Path(raw_dir) / name
        if not path.is_file():
            problems.append(f"{name}: missing")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            problems.append(f"{name}: its SHA-256 differs from {CHECKSUMS_FILE}")
    problems += [
        f"{entry.file_name}: not listed in {CHECKSUMS_FILE}"
        for entry in RAW_FILES.values()
        if entry.file_name not in recorded
    ]
    return problems
