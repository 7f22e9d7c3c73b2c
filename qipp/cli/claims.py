"""``qipp claims``: the scorecard of every published claim."""

from __future__ import annotations

from pathlib import Path

import click

from qipp.cli._base import exit_bad_input, main
from qipp.paths import CLAIMS_CSV, SOURCES_CSV, relative_to_root
from qipp.validation import DataError

_FILE = click.Path(dir_okay=False, path_type=Path)


@main.command()
@click.option(
    "--json", "as_json", is_flag=True, help="Print the scorecard as a JSON array instead of text."
)
@click.option(
    "--write-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write DIR/claims.json and DIR/claims.csv (atomically) instead of printing.",
)
@click.option(
    "--claims",
    "claims_path",
    type=_FILE,
    default=CLAIMS_CSV,
    show_default=False,
    help="Claims ledger to score (default: data/claims.csv).",
)
@click.option(
    "--sources",
    "sources_path",
    type=_FILE,
    default=SOURCES_CSV,
    show_default=False,
    help="Sources table (default: data/sources.csv).",
)
def claims(as_json: bool, write_dir: Path | None, claims_path: Path, sources_path: Path) -> None:
    """Re-derive every published claim and say whether it reproduces.

    Prints the number of claims per status (reproduced, inconsistent,
    stated), then one line per claim. Exits 2 if the ledger fails validation.
    """
    from qipp import derive, ledger

    if as_json and write_dir is not None:
        raise click.UsageError("use --json or --write-dir, not both")
    try:
        sources = ledger.load_sources(sources_path)
        card = derive.scorecard(ledger.load_claims(claims_path, sources=sources))
    except DataError as error:
        exit_bad_input(error)
    if write_dir is not None:
        for path in derive.write_scorecard(write_dir, card):
            click.echo(f"wrote {relative_to_root(path)} ({len(card)} claims)")
        return
    if as_json:
        click.echo(derive.scorecard_json(card), nl=False)
        return
    counts = derive.status_counts(card)
    click.echo(f"{len(card)} claims: " + ", ".join(f"{n} {s}" for s, n in counts.items()))
    width = max(len(name) for name in card["id"])
    for row in card.itertuples(index=False):
        derived = "" if row.status == derive.STATED else f"  derived {row.derived_value:g}"
        click.echo(f"{row.status:<12} {row.id:<{width}}  {row.as_published}{derived}")
