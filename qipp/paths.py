"""Every path the project uses, built from one root: ``$QIPP_ROOT`` or the checkout.

>>> DATA_DIR.name
'data'
>>> (REPORTS_DIR / "findings").relative_to(PROJECT_ROOT).as_posix()
'reports/findings'
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "PROJECT_ROOT",
    "DATA_DIR",
    "SOURCES_CSV",
    "CLAIMS_CSV",
    "TABLES_DIR",
    "SYNTHETIC_DIR",
    "SYNTHETIC_PANEL_CSV",
    "SYNTHETIC_QUARTERS_CSV",
    "TEMPLATES_DIR",
    "REFERENCE_DIR",
    "REFERENCE_RAW_DIR",
    "NOTEBOOKS_DIR",
    "REPORTS_DIR",
    "FINDINGS_DIR",
    "DOCS_DIR",
    "display_name",
    "relative_to_root",
]


def _find_root() -> Path:
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
# Q1 and a synthetic Q2 grown from it, one row per CCG and quarter (decision 0045).
SYNTHETIC_QUARTERS_CSV: Path = SYNTHETIC_DIR / "ccg_panel_2013_14_q1_q2.csv"
TEMPLATES_DIR: Path = DATA_DIR / "templates"
REFERENCE_DIR: Path = DATA_DIR / "reference"
REFERENCE_RAW_DIR: Path = REFERENCE_DIR / "raw"

NOTEBOOKS_DIR: Path = PROJECT_ROOT / "notebooks"
REPORTS_DIR: Path = PROJECT_ROOT / "reports"
FINDINGS_DIR: Path = REPORTS_DIR / "findings"
DOCS_DIR: Path = PROJECT_ROOT / "docs"


def relative_to_root(path: Path | str) -> str:
    """``path`` relative to the project root (POSIX) when inside it, else unchanged.

    No machine's absolute path should leak into committed outputs.

    >>> relative_to_root(PROJECT_ROOT / "data" / "claims.csv"), relative_to_root("/elsewhere/p.csv")
    ('data/claims.csv', '/elsewhere/p.csv')
    """
    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return str(path)


def display_name(path: Path | str) -> str:
    """How outputs name a file: relative to the root inside the project, else its name.

    >>> display_name("/home/me/panel.xlsx")
    'panel.xlsx'
    """
    label = relative_to_root(path)
    return Path(label).name if Path(label).is_absolute() else label
