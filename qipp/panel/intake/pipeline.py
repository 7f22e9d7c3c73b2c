"""A user's panel file, from bytes to a validated panel, with every step said aloud.

>>> import tempfile, pathlib
>>> from qipp.panel.io import write_panel_csv
>>> from qipp.panel.synth import generate_panel
>>> path = pathlib.Path(tempfile.mkdtemp()) / "panel.csv"
>>> write_panel_csv(generate_panel(seed=1), path)
>>> len(load_panel(path))
143
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from qipp.panel.intake.grid import read_grids
from qipp.panel.intake.locate import locate_table
from qipp.panel.intake.normalise import did_you_mean, normalise_cells
from qipp.panel.intake.plausibility import plausibility_warnings
from qipp.panel.intake.register_check import register_problems
from qipp.panel.intake.report import collapse
from qipp.panel.intake.units import read_units
from qipp.panel.io import validate_panel_frame
from qipp.panel.quarters import quarter_warnings, validate_quarters
from qipp.panel.schema import DATA_STATUSES, PANEL_COLUMNS, QUARTER_COLUMN, REGIONS
from qipp.paths import SYNTHETIC_PANEL_CSV, display_name
from qipp.validation import DataError, Problem

# Columns whose allowed values are a short list: a refusal suggests the nearest one.
_CHOICES: dict[str, tuple[str, ...]] = {"region": REGIONS, "data_status": DATA_STATUSES}
_NOT_ALLOWED = re.compile(r"^(?P<value>'.*') is not allowed$")


class PanelDataError(DataError):
    """A panel file that cannot be loaded; its text collapses repeated problems.

    ``notes`` say what reading had done before it failed (a code upper-cased, say), so a
    message quoting a normalised value can be matched to what the user typed.
    """

    def __init__(self, problems: list[Problem], notes: tuple[str, ...] = ()):
        super().__init__(problems)
        self.notes = notes

    def __str__(self) -> str:
        return "\n".join([*(f"note: {n}" for n in self.notes), *collapse(self.problems)])


@dataclass(frozen=True)
class PanelRead:
    """A validated panel and what reading it involved.

    ``notes`` are facts about how the file was read (encoding, sheet, header row, rows
    dropped, values normalised); ``warnings`` what is unusual but possible (``--strict``
    makes them errors); ``extra`` the columns set aside; ``raw`` the cells as read, after
    the changes the notes say, indexed by spreadsheet row (``row_numbers``: each panel row's);
    ``header`` the header row as written.
    """

    panel: pd.DataFrame
    notes: tuple[str, ...] = ()
    warnings: tuple[Problem, ...] = ()
    extra: dict[str, list[object]] = field(default_factory=dict)
    row_numbers: tuple[int, ...] = ()
    raw: pd.DataFrame | None = None
    header: tuple[object, ...] = ()

    @property
    def data_notes(self) -> tuple[str, ...]:
        """The warnings as lines for a report's reader, repeats said once, the file by name.

        A page built on this panel lists them under "Notes on the data", and its findings
        record keeps them (``data_notes``), so they reach more than the terminal.
        """
        named = [replace(w, file=display_name(w.file)) for w in self.warnings]
        return tuple(collapse(named))


def _with_hints(problems: list[Problem]) -> list[Problem]:
    """Add "did you mean" to refused values of columns with a short list of choices."""
    out = []
    for problem in problems:
        match = _NOT_ALLOWED.match(problem.message)
        choices = _CHOICES.get(problem.column or "")
        if match and choices:
            value = match.group("value")[1:-1]
            guess = did_you_mean(value, choices)
            if guess:
                problem = Problem(
                    problem.file,
                    problem.row,
                    problem.column,
                    f"{problem.message}: did you mean {guess!r}?",
                    problem.expected,
                )
        out.append(problem)
    return out


def read_panel(
    path: Path | str | None = None, sheet: str | int | None = None, units: str = "m"
) -> PanelRead:
    """Read, locate, normalise and validate a panel file, keeping what reading involved.

    Parameters
    ----------
    path : Path, str or None
        A panel file (CSV, TSV or .xlsx); None reads the committed synthetic panel.
    sheet : str, int or None
        A workbook's sheet by name or 1-based number; None finds it by its header.
    units : {"m", "000"}
        The file's money: £m, or £000 (divided by 1,000, with a note).

    Returns
    -------
    PanelRead
        The panel with its notes and warnings (``data_notes`` for a page); from a file with a
        ``quarter`` column, the long panel (:mod:`qipp.panel.quarters`). Raises
        PanelDataError naming every problem.
    """
    path = SYNTHETIC_PANEL_CSV if path is None else path
    file = str(path)
    done: list[str] = []  # notes so far, shown with the problems if a later step fails
    try:
        grids = read_grids(Path(path), sheet)
        located = locate_table(grids, PANEL_COLUMNS, file, sheet_given=sheet is not None)
        header = located.grid.rows[located.header_row - 1]
        frame, normalised = normalise_cells(located.frame)
        frame, converted, wrong_unit, odd_unit = read_units(
            frame, header, units, file, located.header_row
        )
        done = [*located.grid.notes, *located.notes, *normalised, *converted]
        if wrong_unit:  # money misread 1,000 times over would make every later message wrong
            raise DataError([*wrong_unit, *odd_unit])
        rows = [int(row) for row in frame.index]
        if QUARTER_COLUMN in frame.columns:  # one row per CCG and quarter (decision 0044)
            panel, rows = validate_quarters(frame, file, rows)
        else:
            panel = validate_panel_frame(frame.reset_index(drop=True), file, rows)
        # Every loader comes through here, so the register is enforced on every load.
        register = register_problems(panel, file, rows)
        if register.errors:
            raise DataError(list(register.errors))
    except DataError as error:
        raise PanelDataError(_with_hints(error.problems), tuple(done)) from None
    found = (*register.warnings, *plausibility_warnings(panel, file, rows))
    found += tuple(quarter_warnings(panel, file, rows))
    warnings = (*located.warnings, *odd_unit, *found)
    notes = tuple(done)
    return PanelRead(panel, notes, warnings, dict(located.extra), tuple(rows), frame, tuple(header))


def load_panel(path: Path | str | None = None, sheet: str | int | None = None) -> pd.DataFrame:
    """Read and validate a CCG panel file: the one way qipp reads a panel (see :func:`read_panel`).

    Parameters
    ----------
    path : Path, str or None
        A panel file (CSV, TSV or .xlsx); None reads the committed synthetic panel
        (:data:`qipp.paths.SYNTHETIC_PANEL_CSV`).
    sheet : str, int or None
        A workbook's sheet by name or 1-based number; None finds it by its header.

    Returns
    -------
    pandas.DataFrame
        The validated panel, one row per CCG. Raises PanelDataError naming every problem.
    """
    return read_panel(path, sheet).panel
