"""The panel's data dictionary, written from the schema between two markers in ``data/README.md``.

>>> replace_section("intro\\n<!-- panel-dictionary:start -->\\nold\\n"
...                 "<!-- panel-dictionary:end -->\\n", "new")
'intro\\n<!-- panel-dictionary:start -->\\nnew\\n<!-- panel-dictionary:end -->\\n'
"""

from __future__ import annotations

from pathlib import Path

from qipp.atomic import atomic_write_text
from qipp.panel.intake.limits import THRESHOLDS
from qipp.panel.intake.locate import alias_table
from qipp.panel.intake.register_check import CLOSEST_SHOWN
from qipp.panel.measures import DERIVED_COLUMNS
from qipp.panel.schema import NAMED_CCGS, OPTIONAL_SPEC, PANEL_SPEC
from qipp.paths import (
    DATA_DIR,
    REFERENCE_DIR,
    REFERENCE_RAW_DIR,
    SYNTHETIC_PANEL_CSV,
    TEMPLATES_DIR,
    relative_to_root,
)
from qipp.reference import REGISTER_SPEC
from qipp.reference.provenance import OGL_CREDIT, REGISTER_DESCRIPTION, REGISTER_NAME

START_MARKER = "<!-- panel-dictionary:start -->"
END_MARKER = "<!-- panel-dictionary:end -->"
README = DATA_DIR / "README.md"
TEMPLATE_CSV = TEMPLATES_DIR / "ccg_panel_template.csv"
EXAMPLE_CSV = TEMPLATES_DIR / "ccg_panel_example.csv"
TEMPLATE_XLSX = TEMPLATES_DIR / "ccg_panel_template.xlsx"
EXAMPLE_REAL_CSV = TEMPLATES_DIR / "ccg_panel_example_real_codes.csv"


def render_dictionary() -> str:
    """The panel dictionary as Markdown, without the markers."""
    named = ", ".join(f"{code} ({name})" for code, name in NAMED_CCGS.items())
    measures = ["| measure | definition |", "|---|---|"]
    measures += [f"| `{name}` | {formula} |" for name, formula in DERIVED_COLUMNS.items()]
    lines = [
        "### The CCG panel (Q1 2013-14 NISFE returns)",
        "",
        "Generated from `qipp.panel.schema.PANEL_SPEC` by `qipp panel dictionary --write`;",
        "do not edit this section by hand.",
        "",
        f"One row per CCG. The committed panel, `{relative_to_root(SYNTHETIC_PANEL_CSV)}`, is",
        "**synthetic** (see its `.meta.json` sidecar); real returns, when you have them, go",
        "in a file of your own with the same columns, in any order; `data_status` is optional",
        "(without it every row is `reported`, with a note). CSV (comma, semicolon or",
        "tab separated; UTF-8, or Windows-1252 read with a note), TSV and .xlsx are read; a",
        "workbook's sheet is the first whose header matches (or `--sheet`). Title rows above",
        "the header, blank rows and a trailing total row are dropped, each with a note; extra",
        "columns are set aside with a warning. Money is in £ million, written to three",
        "decimals (£ thousands); a value may carry `£`, spaces and a comma in thousands",
        "positions (`1,234.5`), but a comma that may be a decimal comma (`21,2`, or `3,362` in",
        "a column with decimals) is refused as ambiguous, never guessed. A return in £000 (a",
        "header saying `(£000)`, `£000s` or `£'000`, or every value of a money column over",
        "1,000) is refused with that hint: `qipp panel validate PATH --units 000` reads it,",
        "and `qipp panel fix IN OUT --units 000` writes a copy in £m. True/false cells",
        "accept true/false, yes/no, y/n or 1/0, in any case. Start from",
        f"`{relative_to_root(TEMPLATE_XLSX)}` (a data sheet with drop-down lists and a read-me",
        f"sheet; `qipp panel template`), `{relative_to_root(TEMPLATE_CSV)}` (header only),",
        f"`{relative_to_root(EXAMPLE_CSV)}` (one filled synthetic row) or",
        f"`{relative_to_root(EXAMPLE_REAL_CSV)}` (real CCG codes and names with invented",
        "figures, marked so in a `notes` column the reader sets aside); check a file with",
        "`qipp panel validate PATH` and write a cleaned copy with `qipp panel fix IN OUT`.",
        "",
        "Headers are matched ignoring case, spaces, underscores and a unit (`(£m)`, `(£000)`), and",
        "through these aliases:",
        "",
        "| column | also read from |",
        "|---|---|",
        *[f"| `{column}` | {aliases} |" for column, aliases in alias_table()],
        "",
        "Limits and plausibility thresholds (`qipp.panel.intake.limits`, decision 0027):",
        "",
        "| threshold | value | unit | what it guards |",
        "|---|---|---|---|",
        *[f"| `{t.name}` | {_number(t.value)} | {t.unit} | {t.guards} |" for t in THRESHOLDS],
        "",
        PANEL_SPEC.dictionary_markdown(),
        "",
        "Optional columns, kept when present (decision 0044). A file with `quarter` holds",
        "several quarters, one row per CCG and quarter, and each quarter's rows obey every rule",
        "above; `qipp panel combine Q1.xlsx Q2.xlsx OUT.csv --quarter '2013-14 Q1' --quarter",
        "'2013-14 Q2'` joins single-quarter files into one. A label not of the form `2013-14 Q2`",
        "and a CCG listed twice in one quarter are errors. Between quarters of one financial",
        "year, a year-to-date figure that falls, a full-year plan that changes and a CCG",
        "missing from a quarter are warnings naming the CCG and both figures.",
        "",
        OPTIONAL_SPEC.dictionary_markdown(),
        "",
        "Derived measures, computed by `qipp.panel.measures.add_measures` and never stored:",
        "",
        *measures,
        "",
        "Codes and names. A `reported` row carries the CCG's ODS code of April 2013 (two",
        "digits and a capital letter). A `synthetic` row carries an S-code (`S001`), a form",
        f"no ODS code takes, and a name `Synthetic CCG NNN`; the only exceptions are {named},",
        "whose targets the articles publish and which appear under their own names with",
        "everything else invented. A panel is all synthetic or all reported. Names may not",
        "start with `=`, `+`, `-` or `@`, which a spreadsheet would run as a formula.",
        "",
        *register_section(),
    ]
    return "\n".join(lines)


def register_section() -> list[str]:
    """The dictionary's lines on the register checks, the register's provenance and columns."""
    return [
        f"#### Real codes and the {REGISTER_NAME}",
        "",
        "A panel whose `data_status` is not `synthetic` is checked against the",
        f"{REGISTER_DESCRIPTION}: one row per CCG of April 2013, built by",
        "`qipp.reference.load_register` from the raw files under",
        f"`{relative_to_root(REFERENCE_RAW_DIR)}` (ONS's CCG codes and names and its CCG to",
        "area team to region lookup of April 2013, and the QOF 2013-14 list sizes; provenance",
        f"and checksums in `{relative_to_root(REFERENCE_DIR / 'README.md')}` and",
        "`data/sources.csv`). The checks (decision 0029):",
        "",
        "| the row's | against the register | outcome |",
        "|---|---|---|",
        "| `ccg_code` | not in the register | warning naming the "
        f"{CLOSEST_SHOWN} closest register CCGs (a CCG formed after April 2013, by a merger, "
        "has a code the register cannot know) |",
        "| `region` | not the region the register gives the code | error (exit 2) naming "
        "the row and the register's region |",
        "| `ccg_name` | not the register's name once case, `NHS`, `CCG`, `&` for `and`, "
        "apostrophes and punctuation are set aside | warning, saying whose name it is if "
        "another CCG's |",
        "",
        "Warnings print and `qipp panel validate` exits 0; `--strict` makes them errors",
        "(exit 2). Synthetic panels and S-codes are not checked. Every loader (the CLI,",
        "`load_panel`, the notebooks) runs the checks.",
        "",
        f"> {OGL_CREDIT}",
        "",
        "The register's columns (`qipp.reference.REGISTER_SPEC`):",
        "",
        REGISTER_SPEC.dictionary_markdown(),
    ]


def _number(value: float) -> str:
    """A threshold as a person reads it: ``20,971,520`` bytes, not ``2.09715e+07``.

    >>> _number(20 * 1024 * 1024), _number(1.5)
    ('20,971,520', '1.5')
    """
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:g}"


def replace_section(text: str, section: str) -> str:
    """``text`` with ``section`` between the markers (appended with them if they are absent)."""
    block = f"{START_MARKER}\n{section}\n{END_MARKER}"
    start, end = text.find(START_MARKER), text.find(END_MARKER)
    if start == -1 or end == -1 or end < start:
        return text.rstrip("\n") + ("\n\n" if text.strip() else "") + block + "\n"
    return text[:start] + block + text[end + len(END_MARKER) :]


def current_section(text: str) -> str | None:
    """What lies between the markers in ``text``, or None if they are absent.

    >>> current_section("a\\n<!-- panel-dictionary:start -->\\nx\\n<!-- panel-dictionary:end -->")
    'x'
    """
    start, end = text.find(START_MARKER), text.find(END_MARKER)
    if start == -1 or end == -1 or end < start:
        return None
    return text[start + len(START_MARKER) : end].strip("\n")


def update_readme(path: Path | str = README) -> Path:
    """Rewrite the panel dictionary section of ``path`` (atomically); return the path."""
    path = Path(path)
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    atomic_write_text(path, replace_section(text, render_dictionary()))
    return path
