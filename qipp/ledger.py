"""The claims ledger: its sources, every published figure, and tidy views of them.

Three kinds of table live under ``data/``:

* ``sources.csv``: one row per publication (the five HSJ analyses and the NAO
  report used as an external check).
* ``claims.csv``: one row per quantitative statement in those publications,
  with the clause that states it, its unit, the step it was rounded to
  (``precision``) and any hedge (``qualifier``: "more than", "around", ...).
  Each published value is typed here and nowhere else.
* ``tables/*.csv``: tidy views for analysis. They hold dimensions (quarter,
  organisation, measure) and a ``claim_id``; the value, unit and precision are
  filled in from the ledger on load, so no figure is typed twice.

Every load goes through :func:`qipp.validation.load_table`; a bad file raises
:class:`~qipp.validation.DataError` naming file, row and column.

Examples
--------
>>> claims = load_claims()
>>> claim_values(claims)["ccg_q1_median_target_pct"]
2.47
>>> claim("nhse_q1_plan_gbp_m", claims)["unit"]
'GBP_m'
>>> "tracker_savings_profile" in list_tidy_tables()
True
"""

from __future__ import annotations

import difflib
import hashlib
from pathlib import Path

import pandas as pd

from qipp.paths import CLAIMS_CSV, SOURCES_CSV, TABLES_DIR
from qipp.validation import (
    DataError,
    Field,
    Problem,
    RowRule,
    Rule,
    TableSpec,
    gt,
    load_table,
    matches,
    one_of,
)

UNITS: tuple[str, ...] = ("GBP_m", "GBP_bn", "pct", "count", "ratio")
QUALIFIERS: tuple[str, ...] = (
    "more than",
    "less than",
    "at least",
    "up to",
    "around",
    "just under",
)
SOURCE_ROLES: tuple[str, ...] = ("article", "external_check")
# Quotes are a clause, never a passage: the articles are not ours to reproduce.
MAX_QUOTE_CHARS = 160

_ID = matches(r"[a-z][a-z0-9_]*", "a lower-case id (letters, digits, _)")


def _short_text(limit: int) -> Rule:
    return Rule(lambda s: s.str.len() <= limit, f"a short clause (at most {limit} characters)")


def _count_is_whole(frame: pd.DataFrame) -> pd.Series:
    is_count = frame["unit"] == "count"
    return ~is_count | ((frame["value"] % 1 == 0) & (frame["value"] >= 0))


SOURCES_SPEC = TableSpec(
    "sources",
    (
        Field("id", "str", "source id, cited by claims.csv", checks=(_ID,), unique=True),
        Field("publisher", "str", "who published it"),
        Field("short_name", "str", "the short name to cite it by", unique=True),
        Field("period", "str", "the period its figures cover"),
        Field("documents", "str", "the NHS documents it is built on"),
        Field(
            "role", "str", "article reproduced, or external check", checks=(one_of(SOURCE_ROLES),)
        ),
    ),
)

CLAIMS_SPEC = TableSpec(
    "claims",
    (
        Field("id", "str", "stable, readable claim id", checks=(_ID,), unique=True),
        Field("source", "str", "id of the publication stating it (sources.csv)", checks=(_ID,)),
        Field("quote", "str", "the clause that states it", checks=(_short_text(MAX_QUOTE_CHARS),)),
        Field("quantity", "str", "what it measures, plainly"),
        Field("value", "float", "the figure as published"),
        Field("unit", "str", "unit of value", checks=(one_of(UNITS),)),
        Field("period", "str", "the period it refers to"),
        Field("scope", "str", "the organisations it covers"),
        Field("precision", "float", "the step it was stated to (0.1 for 12.9)", checks=(gt(0),)),
        Field(
            "qualifier",
            "str",
            "a hedge on the figure, if any",
            checks=(one_of(QUALIFIERS),),
            nullable=True,
        ),
    ),
    row_rules=(RowRule("value", _count_is_whole, "a whole number >= 0 when unit is count"),),
)


def _between(lo: int, hi: int) -> Rule:
    return Rule(lambda s: (s >= lo) & (s <= hi), f"a value from {lo} to {hi}")


def _claim_id_field() -> Field:
    return Field(
        "claim_id", "str", "the ledger claim holding the value", checks=(_ID,), unique=True
    )


TABLE_SPECS: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec(
            "commissioner_position_1314",
            (
                Field(
                    "quarter", "str", "quarter of 2013-14 reported", checks=(one_of(("Q1", "Q2")),)
                ),
                Field(
                    "org_type",
                    "str",
                    "which commissioners",
                    checks=(one_of(("ccg", "nhs_england", "sector")),),
                ),
                Field(
                    "measure",
                    "str",
                    "what the figure measures",
                    checks=(
                        one_of(
                            (
                                "plan",
                                "plan_pct_of_resources",
                                "ytd_shortfall_pct",
                                "forecast_shortfall",
                                "forecast_shortfall_pct",
                                "forecast_delivery_pct",
                                "transformational_plan",
                                "transformational_forecast_shortfall",
                            )
                        ),
                    ),
                ),
                _claim_id_field(),
            ),
        ),
        TableSpec(
            "tracker_savings_profile",
            (
                Field(
                    "year",
                    "str",
                    "financial year",
                    checks=(matches(r"20\d\d-\d\d", "a year such as 2011-12"),),
                ),
                Field(
                    "programme_year",
                    "int",
                    "year of the four-year QIPP programme",
                    checks=(_between(1, 4),),
                ),
                _claim_id_field(),
            ),
        ),
        TableSpec(
            "savings_2011_12_estimates",
            (
                Field("estimate", "str", "whose figure for 2011-12 savings", unique=True),
                _claim_id_field(),
            ),
        ),
        TableSpec(
            "nhse_q1_1314_by_service_area",
            (
                Field(
                    "service_area",
                    "str",
                    "NHS England service area, or all",
                    checks=(
                        one_of(("all", "primary_care", "public_health", "specialised_services")),
                    ),
                ),
                Field(
                    "measure",
                    "str",
                    "what the figure measures",
                    checks=(
                        one_of(
                            (
                                "plan",
                                "ytd_shortfall_pct",
                                "forecast_shortfall",
                                "forecast_shortfall_pct",
                            )
                        ),
                    ),
                ),
                _claim_id_field(),
            ),
        ),
        TableSpec(
            "ccg_q1_1314_threshold_counts",
            (
                Field(
                    "measure",
                    "str",
                    "the CCG-level measure counted",
                    checks=(
                        one_of(
                            ("target_pct_of_allocation", "ytd_shortfall_pct", "forecast_gap_pct")
                        ),
                    ),
                ),
                Field(
                    "comparison",
                    "str",
                    "how CCGs are compared with the threshold",
                    checks=(one_of(("<", "<=", ">", ">=")),),
                ),
                Field("threshold_pct", "float", "the threshold, per cent"),
                Field("excludes", "str", "a CCG the published count leaves out", nullable=True),
                _claim_id_field(),
            ),
        ),
        TableSpec(
            "pct_plans_2010_11",
            (
                Field("organisation", "str", "the PCT (or PCT group)"),
                Field("period", "str", "the period of the figure"),
                Field(
                    "measure",
                    "str",
                    "what the figure measures",
                    checks=(
                        one_of(
                            (
                                "plan",
                                "forecast_miss",
                                "forecast_miss_pct",
                                "ytd_shortfall_pct",
                                "unidentified",
                                "unidentified_pct",
                                "deficit",
                                "nonrecurrent_cuts",
                                "at_risk",
                                "prescribing_saving",
                                "prescribing_share_pct",
                                "urgent_care_over_75s_share_pct",
                                "elective_variation_share_pct",
                                "demand_management_share_pct",
                            )
                        ),
                    ),
                ),
                _claim_id_field(),
            ),
        ),
    )
}

# The value columns a tidy table gains from the ledger on load.
LEDGER_COLUMNS: tuple[str, ...] = ("value", "unit", "precision", "qualifier", "source")

# Parsed tables keyed by (spec, path, content hash): a cache hit means the very
# same bytes were validated before, so it can never serve stale data. Callers
# get a copy, so editing a returned frame cannot leak into the next load.
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


def load_sources(path: Path | str = SOURCES_CSV) -> pd.DataFrame:
    """Load and validate the sources table.

    Parameters
    ----------
    path : Path or str
        The CSV to read; the project's ``data/sources.csv`` by default.

    Returns
    -------
    pandas.DataFrame
        One row per source, columns as in :data:`SOURCES_SPEC`.

    Raises
    ------
    DataError
        If the file is missing, malformed or breaks the spec.
    """
    return _load(path, SOURCES_SPEC)


def load_claims(path: Path | str = CLAIMS_CSV, sources: pd.DataFrame | None = None) -> pd.DataFrame:
    """Load and validate the claims ledger, checking every claim's source exists.

    Parameters
    ----------
    path : Path or str
        The CSV to read; the project's ``data/claims.csv`` by default.
    sources : pandas.DataFrame, optional
        The sources table to check against; :func:`load_sources` by default.

    Returns
    -------
    pandas.DataFrame
        One row per claim, columns as in :data:`CLAIMS_SPEC`, in file order.

    Raises
    ------
    DataError
        If the file breaks the spec or cites a source not in ``sources``.
    """
    claims = _load(path, CLAIMS_SPEC)
    if sources is None:
        sources = load_sources()
    known = set(sources["id"])
    problems = [
        Problem(
            str(path),
            position + 2,
            "source",
            f"unknown source {source!r}",
            "one of the source ids: " + ", ".join(sorted(known)),
        )
        for position, source in enumerate(claims["source"])
        if source not in known
    ]
    if problems:
        raise DataError(problems)
    return claims


def claim_values(claims: pd.DataFrame | None = None) -> dict[str, float]:
    """Return ``{claim id: published value}`` for every claim.

    >>> claim_values()["ccg_q1_n_ccgs"]
    143.0
    """
    claims = load_claims() if claims is None else claims
    return dict(zip(claims["id"], claims["value"].astype(float), strict=True))


def claim(claim_id: str, claims: pd.DataFrame | None = None) -> pd.Series:
    """Return one claim's row.

    Raises
    ------
    KeyError
        If no claim has that id; the message suggests near spellings.

    Examples
    --------
    >>> float(claim("ccg_q1_west_essex_target_pct")["value"])
    6.44
    """
    claims = load_claims() if claims is None else claims
    rows = claims.loc[claims["id"] == claim_id]
    if rows.empty:
        near = difflib.get_close_matches(claim_id, claims["id"].tolist(), n=3)
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        raise KeyError(f"no claim {claim_id!r} in the ledger{hint}")
    return rows.iloc[0]


def cite(source_id: str, sources: pd.DataFrame | None = None) -> str:
    """Return how to cite a source: its short name and period.

    >>> cite("hsj_dh_tracker_q1_1213")
    'HSJ, DH QIPP tracker, Q1 2012-13 (2011-12 to 2014-15, assessed at Q1 2012-13)'
    """
    sources = load_sources() if sources is None else sources
    rows = sources.loc[sources["id"] == source_id]
    if rows.empty:
        raise KeyError(f"no source {source_id!r}; known: {', '.join(sources['id'])}")
    row = rows.iloc[0]
    return f"{row['short_name']} ({row['period']})"


def list_tidy_tables() -> list[str]:
    """Return the names of the tidy tables, each ``data/tables/<name>.csv``.

    >>> list_tidy_tables()[:2]
    ['ccg_q1_1314_threshold_counts', 'commissioner_position_1314']
    """
    return sorted(TABLE_SPECS)


def load_tidy_table(
    name: str, claims: pd.DataFrame | None = None, tables_dir: Path | str = TABLES_DIR
) -> pd.DataFrame:
    """Load a tidy table and fill its values from the ledger.

    Parameters
    ----------
    name : str
        One of :func:`list_tidy_tables`.
    claims : pandas.DataFrame, optional
        The ledger to take values from; :func:`load_claims` by default.
    tables_dir : Path or str
        Folder holding ``<name>.csv``.

    Returns
    -------
    pandas.DataFrame
        The table's own columns, then ``value``, ``unit``, ``precision``,
        ``qualifier`` and ``source`` from the claim each row references.

    Raises
    ------
    KeyError
        If ``name`` is not a known table.
    DataError
        If the file breaks its spec or references a claim not in the ledger.

    Examples
    --------
    >>> profile = load_tidy_table("tracker_savings_profile")
    >>> first = profile.iloc[0]
    >>> first["year"], float(first["value"]), first["unit"]
    ('2011-12', 3.8, 'GBP_bn')
    """
    if name not in TABLE_SPECS:
        raise KeyError(f"no tidy table {name!r}; known: {', '.join(list_tidy_tables())}")
    path = Path(tables_dir) / f"{name}.csv"
    table = _load(path, TABLE_SPECS[name])
    claims = load_claims() if claims is None else claims
    ledger = claims.set_index("id")
    problems = [
        Problem(
            str(path),
            position + 2,
            "claim_id",
            f"unknown claim {claim_id!r}",
            "the id of a claim in claims.csv",
        )
        for position, claim_id in enumerate(table["claim_id"])
        if claim_id not in ledger.index
    ]
    if problems:
        raise DataError(problems)
    for column in LEDGER_COLUMNS:
        table[column] = ledger.loc[table["claim_id"], column].to_numpy()
    return table
