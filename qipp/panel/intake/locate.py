"""Find the panel inside a sheet as people lay it out: titles, cover sheets, totals.

Headers match by name or alias (:data:`HEADER_ALIASES`), case, spacing and a unit (``(£m)``,
or ``(£000)``, which :mod:`.units` then acts on) aside; blank rows and a trailing total go,
extra columns are set aside, a missing ``data_status`` is ``reported``. Each step is a note or
a warning; only a table not found, or missing columns, is an error.

>>> match_header("CCG Code", ["ccg_code"]), match_header("Q1 Actual (£000)", ["ytd_actual_gbp_m"])
('ccg_code', 'ytd_actual_gbp_m')
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from qipp.panel.intake.grid import Grid
from qipp.panel.intake.limits import HEADER_SEARCH_ROWS
from qipp.panel.intake.report import row_ranges
from qipp.panel.intake.text import column_letter
from qipp.panel.schema import DEFAULTS, MONEY_COLUMNS, OPTIONAL_COLUMNS
from qipp.validation import DataError, Problem
from qipp.validation.coerce import is_missing
from qipp.validation.numbers import NumberError, column_has_decimals, quote, read_number

# Other headers each column accepts (as header_key gives them). Short on purpose: a header
# not listed is reported with the closest match, never guessed.
_ALIASES: dict[str, tuple[str, ...]] = {
    "ccg_code": ("ccg code", "code", "ods code"),
    "ccg_name": ("ccg name", "name"),
    "region": ("nhs england region",),
    "allocation_gbp_m": ("allocation",),
    "qipp_plan_gbp_m": ("qipp plan", "full year plan"),
    "transformational_plan_gbp_m": ("transformational plan",),
    "ytd_plan_gbp_m": ("ytd plan", "q1 plan"),
    "ytd_actual_gbp_m": ("ytd actual", "q1 actual"),
    "forecast_outturn_gbp_m": ("forecast outturn", "forecast"),
    "uses_non_recurrent_fund": ("uses non recurrent fund", "nr fund"),
    "data_status": ("status",),
    "transformational_forecast_gbp_m": ("transformational forecast",),
}
_MAY_LACK = {*DEFAULTS, *OPTIONAL_COLUMNS}
# Normalised header text -> canonical column.
HEADER_ALIASES: dict[str, str] = {a: c for c, aliases in _ALIASES.items() for a in aliases}

_SEPARATORS = re.compile(r"[\s_\-]+")
# A money header's unit: £m, or £000 ("(£000)", "£000s", "£'000"), its group 1.
UNIT = re.compile(r"\s*\(?\s*£\s*(m|'?000'?s?)\s*\)?$")
# A code or name cell that marks a total row: "Total", "TOTAL (143 CCGs)", "Sum", "All CCGs".
_TOTAL = re.compile(r"(grand |england )?totals?\b.*|sum|all ccgs\b.*")
# Money is compared at three decimals of £m (£1,000): the precision of a return.
_TOTAL_TOLERANCE_GBP_M = 0.0005
_TOTAL_EXPECTED = "a total equal to the sum of the rows above: is a CCG missing or listed twice?"


def header_key(text: object) -> str:
    """Header text with case and separators set aside.

    >>> header_key("  CCG_Code "), header_key("Year-to-date  plan"), header_key(None)
    ('ccg code', 'year to date plan', '')
    """
    return "" if text is None else _SEPARATORS.sub(" ", str(text).casefold()).strip()


def match_header(text: object, columns: Sequence[str]) -> str | None:
    """The column of ``columns`` a header cell names, or None.

    >>> match_header("DATA STATUS", ["data_status"]), match_header("notes", ["data_status"])
    ('data_status', None)
    """
    key = header_key(text)
    if not key:
        return None
    by_key = {header_key(c): c for c in columns}
    for candidate in dict.fromkeys((key, UNIT.sub("", key))):
        found = by_key.get(candidate) or HEADER_ALIASES.get(candidate)
        if found in columns:
            return found
    return None


def alias_table() -> list[tuple[str, str]]:
    """Rows for the data dictionary: each column and the other headers it accepts.

    >>> alias_table()[0]
    ('ccg_code', 'ccg code, code, ods code')
    """
    return [(column, ", ".join(aliases)) for column, aliases in _ALIASES.items()]


@dataclass(frozen=True)
class LocatedTable:
    """The panel's cells as found (``frame`` indexed by spreadsheet row), and how they were found.

    ``extra`` maps a column set aside (its header, or ``column F``) to its values.
    """

    frame: pd.DataFrame
    extra: dict[str, list[object]]
    grid: Grid
    header_row: int
    notes: tuple[str, ...]
    warnings: tuple[Problem, ...]


def _cell(row: tuple[object, ...], position: int) -> object:
    return row[position] if position < len(row) else None


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _best_header(grid: Grid, columns: Sequence[str]) -> tuple[int, dict[int, str]]:
    """(0-based row index, position -> column) of the row naming most columns."""
    best: tuple[int, dict[int, str]] = (0, {})
    for index, row in enumerate(grid.rows[:HEADER_SEARCH_ROWS]):
        matched = {i: match_header(cell, columns) for i, cell in enumerate(row)}
        named = {i: c for i, c in matched.items() if c is not None}
        if len(set(named.values())) > len(set(best[1].values())):
            best = (index, named)
    return best


def _no_header(grids: Sequence[Grid], columns: Sequence[str], file: str) -> DataError:
    places = " and ".join(g.label for g in grids if g.label)
    searched = f"the first {HEADER_SEARCH_ROWS} rows" + (f" of {places}" if places else "")
    best = [(len(set(m.values())), g, i, m) for g in grids for i, m in [_best_header(g, columns)]]
    count, grid, index, matched = max(best, key=lambda b: b[0], default=(0, None, 0, {}))
    if grid is not None and count:
        where = f"row {index + 1}" + (f" of {grid.label}" if grid.label else "")
        names = ", ".join(dict.fromkeys(matched.values()))
        said = f"the closest, {where}, names only {count} of the {len(columns)} columns ({names})"
    else:
        first = next((r for g in grids for r in g.rows if not all(map(is_missing, r))), ())
        cells = [quote(c) for c in first if not is_missing(c)]
        held = ", ".join(cells[:5]) + (", ..." if len(cells) > 5 else "")
        said = f"the first row with text holds {held}" if cells else "every row is empty"
    expected = f"a header row within the first {HEADER_SEARCH_ROWS} rows naming the columns "
    message = f"no header row found in {searched}; {said}"
    return DataError([Problem(file, None, None, message, expected + ", ".join(columns))])


def _closest(column: str, header: tuple[object, ...], unmatched: dict[str, int]) -> str:
    """``column``, with the unmatched header cell most like its name or aliases."""
    close = [
        (difflib.SequenceMatcher(None, target, match).ratio(), match)
        for target in (header_key(column), *_ALIASES.get(column, ()))
        for match in difflib.get_close_matches(target, list(unmatched), n=1, cutoff=0.6)
    ]
    if not close:
        return column
    i = unmatched[max(close)[1]]
    return f"{column} (closest header: {quote(header[i])}, column {column_letter(i + 1)})"


def _header_problems(
    header: tuple[object, ...], matched: dict[int, str], columns: Sequence[str], file: str, row: int
) -> list[Problem]:
    """One problem per column named twice; one listing every missing column."""
    problems = []
    for column in columns:
        at = [i for i, c in matched.items() if c == column]
        if len(at) > 1:
            named = " and ".join(f"{quote(header[i])} (column {column_letter(i + 1)})" for i in at)
            message = f"{len(at)} columns mean {column}: {named}"
            problems.append(Problem(file, row, column, message, "each column once"))
    unmatched = {k: i for i, c in enumerate(header) if i not in matched and (k := header_key(c))}
    # A column with a default, or optional, is missing only when a header looks like it (a typo).
    missing = [
        c
        for c in columns
        if c not in matched.values() and (c not in _MAY_LACK or _closest(c, header, unmatched) != c)
    ]
    if missing:
        listed = ", ".join(_closest(c, header, unmatched) for c in missing)
        message = f"missing {_plural(len(missing), 'column')}: {listed}"
        required = [c for c in columns if c not in OPTIONAL_COLUMNS]
        expected = "a header naming every panel column: " + ", ".join(required)
        problems.append(Problem(file, row, None, message, expected))
    return problems


def _check_total(
    label: object, row: int, above: dict[str, list[object]], total: dict[str, object], file: str
) -> tuple[str, list[Problem]]:
    """A note on the dropped total row, and a warning per figure that differs from the sum."""
    warnings, not_compared, compared = [], [], 0
    if "quarter" in above and not is_missing(quarter := total.get("quarter")):
        # A total tagged with a quarter, in a long file: that quarter's rows are its rows.
        mine = [str(q).strip() == str(quarter).strip() for q in above["quarter"]]
        above = {c: [v for v, m in zip(vs, mine, strict=True) if m] for c, vs in above.items()}
    for column in [c for c in MONEY_COLUMNS if c in total and not is_missing(total[c])]:
        try:
            decimals = column_has_decimals([*above[column], total[column]])
            stated = read_number(total[column], column_has_decimals=decimals)
            summed = sum(read_number(v, column_has_decimals=decimals) for v in above[column])
        except NumberError:
            not_compared.append(column)  # the validator reports the cells themselves
            continue
        compared += 1
        if abs(stated - summed) > _TOTAL_TOLERANCE_GBP_M:
            said = f"the total row says £{stated:,.3f}m but the rows above sum to £{summed:,.3f}m"
            warnings.append(Problem(file, row, column, said, _TOTAL_EXPECTED))
    note = f"dropped trailing row {row} ({quote(label)})"
    if warnings:
        differ = "differs" if len(warnings) == 1 else "differ"
        note += f"; {len(warnings)} of its {compared} figures {differ} from the sum of the rows"
    elif compared:
        note += "; its figures match the sum of the rows above"
    if not_compared:
        note += f"; not compared (a cell is empty or not a number): {', '.join(not_compared)}"
    return note, warnings


def _total_label(row: tuple[object, ...], position: dict[str, int]) -> object:
    """The code or name cell that marks ``row`` as a total row, or None."""
    for column in ("ccg_code", "ccg_name"):
        if column in position and _TOTAL.fullmatch(header_key(_cell(row, position[column]))):
            return _cell(row, position[column])
    return None


def _set_aside(
    header: tuple[object, ...],
    rows: list[tuple[object, ...]],
    matched: dict[int, str],
    file: str,
    row: int,
) -> tuple[dict[str, list[object]], list[Problem]]:
    """Columns the panel does not have (name -> values), and the warning naming them."""
    extra: dict[str, list[object]] = {}
    described = []
    for i in range(max(map(len, [header, *rows]))):
        cells = [_cell(r, i) for r in rows]
        text = "" if is_missing(_cell(header, i)) else str(_cell(header, i)).strip()
        if i in matched or (not text and all(map(is_missing, cells))):
            continue  # a panel column, or a blank spacer column
        name = text or f"column {column_letter(i + 1)}"
        extra[name if name not in extra else f"{name} (column {column_letter(i + 1)})"] = cells
        described.append(f"{quote(name)} (column {column_letter(i + 1)})")
    message = f"{_plural(len(extra), 'column')} not in the panel set aside, not checked: "
    warning = Problem(file, row, None, message + ", ".join(described), "only the panel's columns")
    return extra, [warning] if extra else []


def locate_table(
    grids: Sequence[Grid], columns: Sequence[str], file: str, sheet_given: bool
) -> LocatedTable:
    """Find the table of ``columns`` (a header must name half), and any optional ones, in ``grids``.

    ``sheet_given``: the user chose the sheet, so no note names it. Raises DataError when
    no header is found (saying where it looked), when columns are missing (each with the
    closest header), or when a column is named twice.
    """
    needed, required, columns = (len(columns) + 1) // 2, columns, [*columns, *OPTIONAL_COLUMNS]
    found = [(n, g, *_best_header(g, columns)) for n, g in enumerate(grids)]
    found = [f for f in found if len(set(f[3].values())) >= needed][:1]
    if not found:
        raise _no_header(grids, required, file)
    number, grid, index, matched = found[0]
    header_row, header = index + 1, grid.rows[index]
    notes = []
    if len(grids) > 1 and not sheet_given:
        skipped = ", ".join(g.label for g in grids[:number])
        why = f"the first sheet whose header matches; skipped {skipped}" if skipped else ""
        notes.append(f"using {grid.label} ({why or f'the first of {len(grids)} sheets'})")
    if header_row > 1:
        notes.append(f"header found on row {header_row}")
    if problems := _header_problems(header, matched, columns, file, header_row):
        raise DataError(problems)
    # Blank rows go, noted only between rows.
    body = {i + 1: row for i, row in enumerate(grid.rows) if i > index}
    kept = [r for r, row in body.items() if not all(map(is_missing, row))]
    inner_blank = sorted(set(body).difference(kept).intersection(range(kept[-1]))) if kept else []
    if len(inner_blank) == 1:
        notes.append(f"dropped blank row {inner_blank[0]}")
    elif inner_blank:
        notes.append(f"dropped {len(inner_blank)} blank rows (rows {row_ranges(inner_blank)})")
    position = {c: i for i, c in matched.items()}
    label = _total_label(body[kept[-1]], position) if kept else None
    total_row = kept.pop() if label is not None else None
    named = [c for c in columns if c in position]
    cells = {c: [_cell(body[r], position[c]) for r in kept] for c in named}
    for column in [c for c in DEFAULTS if c in columns and c not in cells]:
        cells[column] = [DEFAULTS[column]] * len(kept)
        notes.append(f"no {column} column: every row taken as {DEFAULTS[column]!r}")
    warnings: list[Problem] = []
    if total_row is not None:
        total = {c: _cell(body[total_row], position[c]) for c in named}
        note, warnings = _check_total(label, total_row, cells, total, file)
        notes.append(note)
    extra, set_aside = _set_aside(header, [body[r] for r in kept], matched, file, header_row)
    frame = pd.DataFrame(cells, index=pd.Index(kept, dtype="int64"), columns=[*cells], dtype=object)
    return LocatedTable(frame, extra, grid, header_row, tuple(notes), (*set_aside, *warnings))
