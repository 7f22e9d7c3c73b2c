"""Every path the project uses, built from one project root.

The root is the directory holding ``pyproject.toml`` when qipp is installed in
development mode (``pip install -e .``, what ``make venv`` does). Set the
``QIPP_ROOT`` environment variable to point qipp at another checkout, for
example a copy holding real returns.

Examples
--------
>>> DATA_DIR.name
'data'
>>> (REPORTS_DIR / "findings").relative_to(PROJECT_ROOT).as_posix()
'reports/findings'
"""

from __future__ import annotations

import os
from pathlib import Path


def _find_root() -> Path:
    """Return the project root: ``$QIPP_ROOT`` or the folder above this package."""
    override = os.environ.get("QIPP_ROOT")
    if override:
        return Path(override).resolve()
    return Path(__file__).resolve().parent.parent


PROJECT_ROOT: Path = _find_root()

DATA_DIR: Path = PROJECT_ROOT / "data"
SOURCES_CSV: Path = DATA_DIR / "sources.csv"
CLAIMS_CSV: Path = DATA_DIR / "claims.csv"
TABLES_DIR: Path = DATA_DIR / "tables"
SYNTHETIC_DIR: Path = DATA_DIR / "synthetic"
SYNTHETIC_PANEL_CSV: Path = SYNTHETIC_DIR / "ccg_panel_q1_2013_14.csv"
TEMPLATES_DIR: Path = DATA_DIR / "templates"
REFERENCE_DIR: Path = DATA_DIR / "reference"
REFERENCE_RAW_DIR: Path = REFERENCE_DIR / "raw"

NOTEBOOKS_DIR: Path = PROJECT_ROOT / "notebooks"
REPORTS_DIR: Path = PROJECT_ROOT / "reports"
FINDINGS_DIR: Path = REPORTS_DIR / "findings"
DOCS_DIR: Path = PROJECT_ROOT / "docs"


def relative_to_root(path: Path | str) -> str:
    """Return ``path`` relative to the project root when it lies inside it.

    Reports and notebook outputs show paths this way so that no absolute path
    (which differs per machine) leaks into committed outputs.

    Parameters
    ----------
    path : Path or str
        Any path.

    Returns
    -------
    str
        A POSIX path relative to the root, or the path unchanged if it lies
        outside the root.

    Examples
    --------
    >>> relative_to_root(PROJECT_ROOT / "data" / "claims.csv")
    'data/claims.csv'
    >>> relative_to_root("/elsewhere/panel.csv")
    '/elsewhere/panel.csv'
    """
    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return str(path)


def display_name(path: Path | str) -> str:
    """How outputs name a file: relative to the root inside the project, else its name.

    A user's file outside the project is named by its file name only, so that no
    machine's absolute path reaches a notebook output or a report.

    >>> display_name(PROJECT_ROOT / "data" / "claims.csv"), display_name("/home/me/panel.xlsx")
    ('data/claims.csv', 'panel.xlsx')
    """
    label = relative_to_root(path)
    return Path(label).name if Path(label).is_absolute() else label
