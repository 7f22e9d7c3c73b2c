"""``qipp panel``: validate, synthesise and check CCG panels (NISFE Q1 2013-14 returns)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from qipp.cli._base import EXIT_BAD_INPUT, EXIT_FAILURE, exit_bad_input, main

_PATH = click.Path(dir_okay=False, path_type=Path)
NEED_QUARTER = "(give --quarter '2013-14 Q1' once per input, in order)"


@main.group()
def panel() -> None:
    """Validate, synthesise and check CCG panels (NISFE Q1 2013-14 returns)."""


_SHEET = click.option(
    "--sheet",
    default=None,
    help="Workbook sheet: a name or a 1-based number [default: the first whose header matches].",
)

_UNITS = click.option(
    "--units",
    type=click.Choice(["m", "000"]),
    default="m",
    show_default=True,
    help="The file's money: £m, or £000 (every money column is divided by 1,000).",
)


def _read_or_exit(path: Path, sheet: str | None, units: str = "m"):  # -> PanelRead
    """Read a panel file, or print its problems (repeats collapsed) and exit 2."""
    from qipp.panel.intake.pipeline import read_panel
    from qipp.validation import DataError

    try:
        return read_panel(path, _sheet_arg(sheet), units)
    except DataError as error:
        exit_bad_input(error)


def _sheet_arg(sheet: str | None) -> str | int | None:
    """A sheet given as digits is a 1-based number, as a person counts tabs."""
    return int(sheet) if sheet is not None and sheet.isdigit() else sheet


def _echo_notes_and_warnings(read) -> None:  # read: PanelRead
    for note in read.notes:
        click.echo(f"note: {note}")
    for warning in read.warnings:
        click.echo(f"warning: {warning}", err=True)


@panel.command()
@click.argument("path", type=_PATH)
@_SHEET
@_UNITS
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 2).")
def validate(path: Path, sheet: str | None, units: str, strict: bool) -> None:
    """Check the panel at PATH (CSV, TSV or .xlsx) against the schema; write nothing.

    Prints how the file was read (notes), anything unusual (warnings), and a
    one-paragraph summary, and exits 0 when it is valid; otherwise prints every
    problem as file:row:column: what is wrong (expected ...), repeats collapsed
    into one line, and exits 2. With --strict a warning is an error. A file
    without a data_status column is read as 'reported'; one in £000 is refused
    unless --units 000 is given. A file with a quarter column holds several
    quarters, one row per CCG and quarter; the summary is of the last.
    """
    from qipp.panel import at_quarter, latest, quarters, summarise_panel
    from qipp.panel.summary import banner_lines

    read = _read_or_exit(path, sheet, units)
    _echo_notes_and_warnings(read)
    if strict and read.warnings:
        click.echo(f"{path}: {len(read.warnings)} warning(s) and --strict: not accepted", err=True)
        sys.exit(EXIT_BAD_INPUT)
    for line in banner_lines(read.panel):
        click.echo(line)
    held = [f"{q} ({len(at_quarter(read.panel, q))} CCGs)" for q in quarters(read.panel)]
    if held:
        click.echo(f"{path}: {len(held)} quarters, {', '.join(held)}; summary of the last:")
    click.echo(summarise_panel(latest(read.panel), str(path)))


@panel.command()
@click.argument("source", type=_PATH)
@click.argument("out", type=_PATH)
@_SHEET
@_UNITS
def fix(source: Path, out: Path, sheet: str | None, units: str) -> None:
    """Write a cleaned copy of SOURCE to OUT (.csv or .xlsx) and list every change.

    The copy applies exactly what reading SOURCE does and says: canonical
    headers, title, blank and total rows dropped, codes, regions, statuses and
    true/false normalised, numbers written plainly, money in £000 converted to
    £m with --units 000. It refuses (exit 2, nothing written) when any value is
    ambiguous or wrong: it never guesses.
    """
    from qipp.panel.intake.fix import fix_report, fixed_frame, write_fixed

    read = _read_or_exit(source, sheet, units)
    for warning in read.warnings:
        click.echo(f"warning: {warning}", err=True)
    fixed = fixed_frame(read)
    changes = fix_report(read, fixed)
    write_fixed(fixed, out)
    for line in changes:
        click.echo(line)
    click.echo(f"Wrote {out} ({len(fixed)} rows; {len(changes) or 'no'} changes listed above).")


@panel.command()
@click.argument("paths", nargs=-1, required=True, type=_PATH, metavar="IN... OUT")
@click.option(
    "--quarter",
    "labels",
    multiple=True,
    help="The quarter of each input in order, e.g. '2013-14 Q1'; once per input, or never "
    "when every input has its own quarter column.",
)
def combine(paths: tuple[Path, ...], labels: tuple[str, ...]) -> None:
    """Combine panel files IN... (one quarter each, or long) into one long CSV OUT.

    OUT holds one row per CCG and quarter, the quarter column first. It refuses
    (exit 2, one line per problem, nothing written) a CCG twice in one quarter,
    a malformed quarter label, an input with no rows or one without a quarter.
    """
    from qipp.atomic import atomic_write_text
    from qipp.panel.intake.pipeline import read_panel
    from qipp.panel.intake.report import collapse
    from qipp.panel.io import panel_to_csv_text
    from qipp.panel.quarters import combine_panels, quarter_key, quarter_warnings, quarters
    from qipp.panel.schema import QUARTER_COLUMN
    from qipp.validation import DataError

    *inputs, out = paths
    if not inputs or (labels and len(labels) != len(inputs)) or out.suffix.lower() != ".csv":
        click.echo("give IN... then OUT (a .csv); --quarter once per input or never", err=True)
        sys.exit(EXIT_BAD_INPUT)
    lines: list[str] = []
    warnings: list[str] = []
    parts = []
    for path, label in zip(inputs, labels or [None] * len(inputs), strict=False):
        try:
            quarter_key(label) if label is not None else None  # refused before reading
            read = read_panel(path)
        except (ValueError, DataError) as error:
            problems = getattr(error, "problems", None)
            lines += collapse(problems) if problems else [f"{path}: --quarter {error}"]
            continue
        frame, own = read.panel.copy(), quarters(read.panel)
        if not own and label is None:
            lines.append(f"{path}: no quarter column and no --quarter {NEED_QUARTER}")
        elif own and label is not None and own != [label]:
            lines.append(f"{path}: its quarter column says {', '.join(own)}, not {label}")
        else:
            if not own:
                frame.insert(0, QUARTER_COLUMN, label)
            parts.append((str(path), frame, read.row_numbers))
            warnings += [f"warning: {w}" for w in read.warnings]
    if not lines:
        try:
            combined = combine_panels(parts)
        except DataError as error:
            lines += collapse(error.problems)
    if lines:
        for line in lines:
            click.echo(line, err=True)
        sys.exit(EXIT_BAD_INPUT)
    atomic_write_text(out, panel_to_csv_text(combined))
    for file, frame, _ in parts:
        click.echo(f"{file}: {len(frame)} rows, {', '.join(quarters(frame))}")
    across = quarter_warnings(combined, str(out), range(2, len(combined) + 2))
    for line in [*warnings, *(f"warning: {w}" for w in collapse(across))]:
        click.echo(line, err=True)
    click.echo(f"Wrote {out} ({len(combined)} rows, {len(quarters(combined))} quarters).")


@panel.command()
@click.option(
    "--seed", type=int, default=None, help="Random seed [default: 20130630, the end of Q1 2013-14]."
)
@click.option(
    "--rho",
    type=click.FloatRange(-1.0, 1.0),
    default=0.0,
    show_default=True,
    help="Copula correlation between target rank and forecast-gap rank.",
)
@click.option(
    "--out",
    type=_PATH,
    required=True,
    help="CSV to write; its sidecar (.meta.json) goes beside it.",
)
@click.option(
    "--quarters",
    type=click.IntRange(1, 2),
    default=1,
    show_default=True,
    help="1: Q1 2013-14; 2: Q1 and a Q2 grown from it, one row per CCG and quarter.",
)
def synth(seed: int | None, rho: float, out: Path, quarters: int) -> None:
    """Write a SYNTHETIC panel matching every published CCG-level aggregate."""
    from qipp.panel import DEFAULT_SEED, summarise_panel, write_synthetic_panel
    from qipp.panel.check.quarterly import shortfall_ratio
    from qipp.panel.io import sidecar_path
    from qipp.panel.summary import SYNTHETIC_BANNER
    from qipp.paths import relative_to_root

    seed = DEFAULT_SEED if seed is None else seed
    frame = write_synthetic_panel(out, seed=seed, rho=rho, quarters=quarters)
    click.echo(SYNTHETIC_BANNER)
    click.echo(
        f"Wrote {relative_to_root(out)} and {relative_to_root(sidecar_path(out))} "
        f"(seed {seed}, rho {rho:g})."
    )
    first = frame[frame["quarter"] == frame["quarter"][0]] if quarters == 2 else frame
    click.echo(summarise_panel(first, relative_to_root(out)))  # Q1's, as published
    if quarters == 2:
        click.echo(f"2013-14 Q2: CCG forecast shortfall {shortfall_ratio(frame):.2f} times Q1's.")


@panel.command()
@click.argument("path", type=_PATH)
@click.option(
    "--strict", is_flag=True, help="Exit 1 when an exact published aggregate does not match."
)
def check(path: Path, strict: bool) -> None:
    """Set every published CCG-level aggregate beside the panel's own value."""
    from qipp.panel import DataError, check_panel, format_check_table, load_panel
    from qipp.panel.check import hard_mismatches, match_summary
    from qipp.panel.summary import banner_lines

    try:
        frame = load_panel(path)
    except DataError as error:
        exit_bad_input(error)
    try:
        table = check_panel(frame)
    except (RuntimeError, DataError) as error:
        click.echo(f"cannot read the published values: {error}", err=True)
        sys.exit(EXIT_FAILURE)
    for line in banner_lines(frame):
        click.echo(line)
    click.echo(format_check_table(table))
    click.echo(match_summary(table))
    if strict and hard_mismatches(table):
        sys.exit(EXIT_FAILURE)


@panel.command()
@click.option(
    "--out-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to write the templates [default: data/templates].",
)
def template(out_dir: Path | None) -> None:
    """Write the .xlsx panel template (drop-down lists, a read-me sheet) and the real-code example."""
    from qipp.panel.template import write_templates
    from qipp.paths import TEMPLATES_DIR, relative_to_root

    for path in write_templates(out_dir or TEMPLATES_DIR):
        click.echo(f"Wrote {relative_to_root(path)}.")


@panel.command()
@click.option("--write", is_flag=True, help="Update data/README.md instead of printing.")
def dictionary(write: bool) -> None:
    """Print the panel's data dictionary (or write it into data/README.md)."""
    from qipp.panel.dictionary import render_dictionary, update_readme
    from qipp.paths import relative_to_root

    if write:
        path = update_readme()
        click.echo(f"Updated the panel dictionary in {relative_to_root(path)}.")
    else:
        click.echo(render_dictionary())
