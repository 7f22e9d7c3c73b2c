"""Panels of several quarters, one row per CCG and quarter, ``quarter`` first (decision 0044).

>>> panel = pd.DataFrame({"quarter": ["2013-14 Q2", "2013-14 Q1"], "ccg_code": ["07H", "07H"]})
>>> quarters(panel), latest(panel)["quarter"].tolist()
(['2013-14 Q1', '2013-14 Q2'], ['2013-14 Q2'])
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import replace

import pandas as pd

from qipp.panel.io import validate_panel_frame
from qipp.panel.schema import FORECAST_SPLIT_COLUMN, QUARTER_FORM, QUARTER_PATTERN
from qipp.panel.schema import QUARTER_COLUMN as QUARTER
from qipp.validation import DataError, Problem
from qipp.validation.coerce import is_missing
from qipp.validation.numbers import quote

_LABEL = re.compile(QUARTER_PATTERN)
EXPECTED_LABEL = f"a quarter written as {QUARTER_FORM}: the financial year, a space, Q1 to Q4"
EXPECTED_ONCE = "one row per CCG and quarter"
EXPECTED_STATUS = "one data_status in every quarter (a panel is all synthetic or all reported)"
# Money is compared at £1,000, the precision of a return: less is rounding, not a change.
_TOLERANCE_GBP_M = 0.0005
_YTD = {"ytd_plan_gbp_m": "year-to-date plan falls", "ytd_actual_gbp_m": "savings to date fall"}


def quarter_key(label: str) -> tuple[int, int]:
    """The sort key of a quarter label; ValueError naming the accepted form for any other text.

    >>> quarter_key("2013-14 Q2"), quarter_key("2013-14 Q4") < quarter_key("2014-15 Q1")
    ((2013, 2), True)
    """
    found = _LABEL.fullmatch(str(label))
    if found is None or int(found.group(2)) != (int(found.group(1)) + 1) % 100:
        raise ValueError(f"{quote(label)} is not a quarter (expected {EXPECTED_LABEL})")
    return int(found.group(1)), int(found.group(3))


def quarters(panel: pd.DataFrame) -> list[str]:
    """The panel's quarters in chronological order; ``[]`` without a ``quarter`` column.

    Parameters
    ----------
    panel : DataFrame
        A panel, long (with ``quarter``) or of one quarter.

    Returns
    -------
    list of str
        The quarter labels, earliest first.
    """
    if QUARTER not in panel.columns:
        return []
    return sorted(dict.fromkeys(panel[QUARTER].astype(str)), key=quarter_key)


def at_quarter(panel: pd.DataFrame, quarter: str) -> pd.DataFrame:
    """One quarter's rows of a long panel, one per CCG, index reset.

    >>> panel = pd.DataFrame({"quarter": ["2013-14 Q1", "2013-14 Q2"], "ccg_code": ["07H"] * 2})
    >>> at_quarter(panel, "2013-14 Q2").to_dict("records")
    [{'quarter': '2013-14 Q2', 'ccg_code': '07H'}]

    Parameters
    ----------
    panel : DataFrame
        A long panel.
    quarter : str
        One of its quarters.

    Returns
    -------
    DataFrame
        That quarter's rows. Raises ValueError naming the panel's quarters if it has none such.
    """
    found = quarters(panel)
    if quarter not in found:
        held = ", ".join(found) or "none (it has no quarter column)"
        raise ValueError(f"the panel has no rows for {quote(quarter)}; its quarters: {held}")
    return panel[panel[QUARTER] == quarter].reset_index(drop=True)


def latest(panel: pd.DataFrame) -> pd.DataFrame:
    """The last quarter's rows, or the panel itself when it has no ``quarter`` column.

    Parameters
    ----------
    panel : DataFrame
        A panel, long or of one quarter.

    Returns
    -------
    DataFrame
        What a single-quarter analysis reads.
    """
    found = quarters(panel)
    return at_quarter(panel, found[-1]) if found else panel


def paired_quarters(panel: pd.DataFrame) -> tuple[str, str, pd.DataFrame, pd.DataFrame] | str:
    """The first two quarters and their rows indexed by ``ccg_code`` (CCGs in both), or why not."""
    labels = quarters(panel)
    if len(labels) < 2:
        held = f"one quarter ({labels[0]})" if labels else "one quarter (no quarter column)"
        return f"this needs a panel with two quarters; this one has {held}"
    first, second = (at_quarter(panel, q).set_index("ccg_code") for q in labels[:2])
    both = [code for code in first.index if code in second.index]
    return labels[0], labels[1], first.loc[both], second.loc[both]


def _is_quarter(label: str) -> bool:
    try:
        return bool(quarter_key(label))
    except ValueError:
        return False


def _said_of(problem: Problem, label: str) -> Problem:
    """A single-quarter rule's words for the quarter ``label``: only its own phrase changes,
    never a cell it quotes (a cell reading "Q1" stays "Q1")."""
    said = f"{label[-2:]} savings"
    words = {k: getattr(problem, k).replace("Q1 savings", said) for k in ("message", "expected")}
    return replace(problem, **words)


def _once(panel: pd.DataFrame, places: Sequence[tuple[str, int]]) -> list[Problem]:
    """Each CCG listed twice in one quarter, said once naming both places."""
    seen: dict[tuple[str, str], tuple[str, int]] = {}
    problems = []
    codes = [c.strip() if isinstance(c, str) else "" for c in panel["ccg_code"]]
    for (file, row), key in zip(places, zip(panel[QUARTER], codes, strict=True), strict=True):
        if key in seen and key[1]:
            where = f"{'' if seen[key][0] == file else seen[key][0] + ' '}row {seen[key][1]}"
            said = f"{quote(key[1])} is listed twice for {key[0]}: also on {where}"
            problems.append(Problem(file, row, "ccg_code", said, EXPECTED_ONCE))
        seen.setdefault(key, (file, row))
    return problems


def _one_status(panel: pd.DataFrame, places: Sequence[tuple[str, int]]) -> list[Problem]:
    """A problem at the first row whose data_status is not the first row's."""
    statuses = panel["data_status"].tolist()
    for (file, row), label, status in zip(places, panel[QUARTER], statuses, strict=True):
        if status != statuses[0]:
            said = f"{quote(status)} in {label}, where {panel[QUARTER].iloc[0]} is {statuses[0]!r}"
            return [Problem(file, row, "data_status", said, EXPECTED_STATUS)]
    return []


def validate_quarters(
    raw: pd.DataFrame, file: str, row_numbers: Sequence[int]
) -> tuple[pd.DataFrame, list[int]]:
    """Check a long panel's cells quarter by quarter, each with every single-quarter rule.

    Returns the typed long panel (``quarter`` first, chronological, then file order) and
    its rows' spreadsheet rows; raises DataError naming every problem.
    """
    rows = list(row_numbers)
    body = raw.reset_index(drop=True)
    body[QUARTER] = ["" if is_missing(c) else str(c).strip() for c in body[QUARTER]]
    valid = [_is_quarter(q) for q in body[QUARTER]]
    ok = [i for i, is_valid in enumerate(valid) if is_valid]
    problems = [
        Problem(
            file,
            row,
            QUARTER,
            f"{quote(q)} is not a quarter" if q else "missing value",
            EXPECTED_LABEL,
        )
        for row, q, is_valid in zip(rows, body[QUARTER], valid, strict=True)
        if not is_valid
    ]
    if body.empty:  # a header and no rows: said as for one quarter
        validate_panel_frame(body.drop(columns=QUARTER), file, [])
    problems += _once(body.iloc[ok], [(file, rows[i]) for i in ok])
    typed, order = [], []
    for label in quarters(body.iloc[ok]):
        at = [i for i in ok if body[QUARTER].iloc[i] == label]
        cells = body.iloc[at].drop(columns=QUARTER)
        try:
            frame = validate_panel_frame(cells, file, [rows[i] for i in at])
        except DataError as error:  # a duplicate is said above, once, naming both rows
            problems += [
                _said_of(p, label) for p in error.problems if p.expected != "a unique value"
            ]
            continue
        typed.append(frame.assign(**{QUARTER: label})[[QUARTER, *frame.columns]])
        order += [rows[i] for i in at]
    panel = pd.concat(typed, ignore_index=True) if typed else body
    problems = problems or _one_status(panel, [(file, row) for row in order])
    if problems:
        raise DataError(sorted(problems, key=lambda p: p.row or 0))
    return panel, order


def quarter_warnings(panel: pd.DataFrame, file: str, row_numbers: Sequence[int]) -> list[Problem]:
    """Across quarters of one financial year (a new year starts from zero): a year-to-date
    figure falling, a plan changing, a CCG missing; one warning per figure and CCG, row order."""
    order = quarters(panel)
    if len(order) < 2:
        return []
    warnings = []
    rows, panel = list(row_numbers), panel.reset_index(drop=True)
    for code, group in panel.groupby("ccg_code", sort=False):
        held = {q: i for q, i in zip(group[QUARTER], group.index, strict=True)}
        mine = [q for q in order if q in held]
        for before, after in itertools.pairwise(mine):
            if quarter_key(before)[0] != quarter_key(after)[0]:
                continue
            a, b, row = panel.loc[held[before]], panel.loc[held[after]], rows[held[after]]
            for column, words in _YTD.items():
                if b[column] < a[column] - _TOLERANCE_GBP_M:
                    said = f"{code}'s {words} from £{a[column]:,.3f}m in {before} to "
                    said += f"£{b[column]:,.3f}m in {after}; check the row"
                    expected = "year-to-date figures that never fall from one quarter to the next"
                    warnings.append(Problem(file, row, column, said, expected))
            if abs(b.qipp_plan_gbp_m - a.qipp_plan_gbp_m) > _TOLERANCE_GBP_M:
                said = f"{code}'s full-year plan changes from £{a.qipp_plan_gbp_m:,.3f}m in "
                said += f"{before} to £{b.qipp_plan_gbp_m:,.3f}m in {after}"
                expected = "one full-year plan in every quarter of a year (or a known re-plan)"
                warnings.append(Problem(file, row, "qipp_plan_gbp_m", said, expected))
        for missing in [q for q in order if q not in held]:
            said = f"{code} has no row for {missing} (it has rows for {', '.join(mine)})"
            expected = "a row for every CCG in every quarter"
            warnings.append(Problem(file, rows[held[mine[0]]], "ccg_code", said, expected))
    return sorted(warnings, key=lambda p: p.row or 0)


def combine_panels(parts: Sequence[tuple[str, pd.DataFrame, Sequence[int]]]) -> pd.DataFrame:
    """Validated panels (file, panel with ``quarter``, spreadsheet rows) as one long panel.

    The forecast's split is kept only when every part has it. Raises DataError naming a CCG
    twice in one quarter (both places) or a mix of data_status.
    """
    frames = [frame for _, frame, _ in parts]
    if any(FORECAST_SPLIT_COLUMN not in f.columns for f in frames):
        frames = [f.drop(columns=FORECAST_SPLIT_COLUMN, errors="ignore") for f in frames]
    panel = pd.concat(frames, ignore_index=True)
    places = [(file, row) for file, _, rows in parts for row in rows]
    problems = _once(panel, places) or _one_status(panel, places)
    if problems:
        raise DataError(problems)
    order = sorted(range(len(panel)), key=lambda i: quarter_key(panel[QUARTER].iloc[i]))
    return panel.iloc[order].reset_index(drop=True)
