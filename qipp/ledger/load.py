"""Load the ledger's tables, validated, each parsed once per content."""

from __future__ import annotations

import hashlib
from collections.abc import Container
from pathlib import Path

import pandas as pd

from qipp.ledger.specs import CLAIMS_SPEC, SOURCES_SPEC
from qipp.ledger.tables import LEDGER_COLUMNS, TABLE_SPECS
from qipp.paths import CLAIMS_CSV, SOURCES_CSV, TABLES_DIR
from qipp.validation import DataError, Problem, TableSpec, load_table

# Keyed by (spec, path) and checked against a content hash, so never stale; callers get a copy.
_CACHE: dict[tuple[str, str], tuple[str, pd.DataFrame]] = {}


def _load(path: Path | str, spec: TableSpec) -> pd.DataFrame:
    path = Path(path)
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return load_table(path, spec)  # let the loader explain what is wrong
    key = (spec.name, str(path.resolve()))
    hit = _CACHE.get(key)
    if hit is None or hit[0] != digest:
        hit = (digest, load_table(path, spec))
        _CACHE[key] = hit
    return hit[1].copy()


def _refuse_unknown(
    path: Path | str, frame: pd.DataFrame, column: str, known: Container[str], expected: str
) -> None:
    """A DataError naming every row whose ``column`` (a source or claim id) is not ``known``."""
    what = column.removesuffix("_id")
    problems = [
        Problem(str(path), position + 2, column, f"unknown {what} {value!r}", expected)
        for position, value in enumerate(frame[column])
        if value not in known
    ]
    if problems:
        raise DataError(problems)


def load_sources(path: Path | str = SOURCES_CSV) -> pd.DataFrame:
    """Load and validate the sources table (``data/sources.csv`` by default).

    Parameters
    ----------
    path : Path or str
        The sources CSV.

    Returns
    -------
    DataFrame
        One row per publication.
    """
    return _load(path, SOURCES_SPEC)


def load_claims(path: Path | str = CLAIMS_CSV, sources: pd.DataFrame | None = None) -> pd.DataFrame:
    """Load and validate the claims ledger, checking every claim's source is in ``sources``.

    Parameters
    ----------
    path : Path or str
        The claims CSV.
    sources : DataFrame, optional
        The sources (default: loaded).

    Returns
    -------
    DataFrame
        One row per published figure.
    """
    claims = _load(path, CLAIMS_SPEC)
    sources = load_sources() if sources is None else sources
    known = set(sources["id"])
    expected = "one of the source ids: " + ", ".join(sorted(known))
    _refuse_unknown(path, claims, "source", known, expected)
    return claims


def list_tidy_tables() -> list[str]:
    """The names of the tidy tables, each ``data/tables/<name>.csv``.

    >>> list_tidy_tables()[:2]
    ['ccg_q1_1314_threshold_counts', 'commissioner_position_1314']

    Returns
    -------
    list of str
        The names, sorted.
    """
    return sorted(TABLE_SPECS)


def load_tidy_table(
    name: str, claims: pd.DataFrame | None = None, tables_dir: Path | str = TABLES_DIR
) -> pd.DataFrame:
    """Load a tidy table and fill in :data:`LEDGER_COLUMNS` from the claim each row names.

    Raises KeyError for an unknown ``name``, DataError for a bad file or an unknown claim.

    >>> first = load_tidy_table("tracker_savings_profile").iloc[0]
    >>> first["year"], float(first["value"]), first["unit"]
    ('2011-12', 3.8, 'GBP_bn')

    Parameters
    ----------
    name : str
        The table's name (:func:`list_tidy_tables`).
    claims : DataFrame, optional
        The claims (default: loaded).
    tables_dir : Path or str
        The folder of tidy tables.

    Returns
    -------
    DataFrame
        The table, each row with its claim's value, unit, precision, qualifier and source.
    """
    if name not in TABLE_SPECS:
        raise KeyError(f"no tidy table {name!r}; known: {', '.join(list_tidy_tables())}")
    path = Path(tables_dir) / f"{name}.csv"
    table = _load(path, TABLE_SPECS[name])
    claims = load_claims() if claims is None else claims
    ledger = claims.set_index("id")
    _refuse_unknown(path, table, "claim_id", ledger.index, "the id of a claim in claims.csv")
    for column in LEDGER_COLUMNS:
        table[column] = ledger.loc[table["claim_id"], column].to_numpy()
    return table
