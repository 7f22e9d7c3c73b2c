"""The messy-file corpus (tests/messy/): every file is read exactly, or refused in a line or two.

EXPECTED.json (written with the files by tests/messy_corpus.py) says what each file
must do: **load** to exactly a clean panel, with the notes and warnings given, or be
**rejected** with a message holding the given text in at most ``max_lines`` lines of
``qipp panel validate``. Above all, no file may load to a value different from the
panel its writer meant (the "never misread" rule).
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner

from qipp.cli import main
from qipp.panel.io import validate_panel_frame
from qipp.panel.schema import PANEL_COLUMNS
from qipp.validation import DataError

TESTS = Path(__file__).parents[1]
CORPUS = TESTS / "messy"
GENERATOR = TESTS / "messy_corpus.py"
DOCUMENT = json.loads((CORPUS / "EXPECTED.json").read_text(encoding="utf-8"))
FILES: dict[str, dict[str, Any]] = DOCUMENT["files"]
LOADS = sorted(name for name, e in FILES.items() if e["outcome"] == "load")
REJECTS = sorted(name for name, e in FILES.items() if e["outcome"] == "reject")
NOT_CASES = {"EXPECTED.json", "README.md", ".gitattributes"}
SMALL_BYTES = 64 * 1024
# The pre-commit hook check-added-large-files refuses files over 1000 kB.
LARGEST_BYTES = 1000 * 1024
MIN_RECOVERABLE = 30
NOTE_PREFIX = "note: "
MAX_NOTE_LINES = 10
# No line of output may be longer than this, whatever a cell holds.
MAX_LINE_CHARS = 1000


def _contains(haystack: str, needle: str) -> bool:
    return needle.casefold() in haystack.casefold()


@functools.cache
def clean_panel(relative: str) -> pd.DataFrame:
    """A clean panel of the corpus, read by the strict loader of canonical CSVs."""
    path = CORPUS / relative
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    return validate_panel_frame(raw, str(path)).reset_index(drop=True)


@functools.cache
def read(name: str) -> Any:
    """``read_panel`` on a corpus file: its PanelRead, or the DataError it raised."""
    from qipp.panel.intake.pipeline import read_panel

    try:
        return read_panel(CORPUS / name)
    except DataError as error:
        return error


def differences(loaded: pd.DataFrame, clean: pd.DataFrame) -> list[str]:
    """Every cell where ``loaded`` differs from ``clean`` (value or type), as text."""
    if list(loaded.columns) != PANEL_COLUMNS:
        return [f"columns {list(loaded.columns)}, not {PANEL_COLUMNS}"]
    if len(loaded) != len(clean):
        return [f"{len(loaded)} rows, not {len(clean)}"]
    out = [
        f"column {c} is {loaded[c].dtype}, not {clean[c].dtype}"
        for c in PANEL_COLUMNS
        if loaded[c].dtype != clean[c].dtype
    ]
    loaded = loaded.reset_index(drop=True)
    for i in range(len(clean)):
        for column in PANEL_COLUMNS:
            got, want = loaded.at[i, column], clean.at[i, column]
            if not (type(got) is type(want) and got == want):
                out.append(f"record {i + 1} {column}: {got!r}, not {want!r}")
    return out


# --- the corpus itself ------------------------------------------------------------------


@pytest.mark.integration  # runs a subprocess
def test_regenerating_the_corpus_gives_the_committed_bytes(tmp_path):
    # As a person runs it, with another hash seed: nothing may depend on set order or time.
    env = {**os.environ, "PYTHONHASHSEED": "4242"}
    subprocess.run(
        [sys.executable, str(GENERATOR), str(tmp_path)],
        check=True,
        capture_output=True,
        env=env,
        cwd=TESTS.parent,
    )

    def files(root: Path) -> dict[str, bytes]:
        return {
            p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()
        }

    fresh, committed = files(tmp_path), files(CORPUS)
    assert sorted(committed) == sorted(fresh), "run: python tests/messy_corpus.py"
    stale = sorted(name for name in fresh if fresh[name] != committed[name])
    assert not stale, f"stale corpus files {stale}; run: python tests/messy_corpus.py"


def test_every_file_is_described_and_small():
    cases = sorted(p.name for p in CORPUS.iterdir() if p.is_file() and p.name not in NOT_CASES)
    assert cases == sorted(FILES)
    for name, expected in FILES.items():
        size = (CORPUS / name).stat().st_size
        assert expected.get("large") or size <= SMALL_BYTES, (name, size)
        assert size <= LARGEST_BYTES, (name, size)
        for key in ("panel", "intended"):
            if expected.get(key):
                assert (CORPUS / expected[key]).is_file(), (name, expected[key])


def test_the_corpus_is_mostly_recoverable_files():
    assert len(LOADS) >= MIN_RECOVERABLE
    assert len(REJECTS) >= 20


def test_the_clean_panels_are_valid():
    for relative in {e["panel"] for e in FILES.values() if e.get("panel")}:
        assert len(clean_panel(relative)) == 8


# --- what reading each file does ----------------------------------------------------------


@pytest.mark.parametrize("name", LOADS)
def test_a_recoverable_file_loads_to_the_clean_panel(name):
    expected = FILES[name]
    result = read(name)
    assert not isinstance(result, DataError), f"{name} refused:\n{result}"
    assert differences(result.panel, clean_panel(expected["panel"])) == []
    notes = list(result.notes)
    for needle in expected["notes"]:
        assert any(_contains(note, needle) for note in notes), (needle, notes)
    warnings = [str(w) for w in result.warnings]
    if not expected["warnings"]:
        assert warnings == []
    for needle in expected["warnings"]:
        assert any(_contains(w, needle) for w in warnings), (needle, warnings)


@pytest.mark.parametrize("name", REJECTS)
def test_a_hostile_or_ambiguous_file_is_refused(name):
    result = read(name)
    assert isinstance(result, DataError), f"{name} loaded:\n{getattr(result, 'panel', result)}"
    text = str(result)
    for needle in FILES[name]["error"]:
        assert _contains(text, needle), (needle, text[:2000])


@pytest.mark.parametrize("name", sorted(FILES))
def test_validate_exits_0_or_2_without_a_traceback(name):
    expected = FILES[name]
    result = CliRunner().invoke(main, ["panel", "validate", str(CORPUS / name)])
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    if expected["outcome"] == "load":
        assert result.exit_code == 0, result.stderr
        for needle in expected["warnings"]:  # a warning the user does not see is no warning
            assert _contains(output, needle), (needle, output)
        return
    assert result.exit_code == 2, output
    # What reading did first ("note: ...") may precede the problems; the problems are counted.
    lines = result.stderr.splitlines()
    notes = [line for line in lines if line.startswith(NOTE_PREFIX)]
    problems = [line for line in lines if not line.startswith(NOTE_PREFIX)]
    assert 1 <= len(problems) <= expected["max_lines"], problems
    assert len(notes) <= MAX_NOTE_LINES, notes
    assert all(len(line) <= MAX_LINE_CHARS for line in lines), [line[:200] for line in lines]
    shown = "\n".join(problems)
    assert len(shown) <= expected.get("max_chars", MAX_LINE_CHARS), shown[:2000]
    for needle in expected["message"]:
        assert _contains(shown, needle), (needle, shown)


def test_no_file_is_ever_misread():
    misread = []
    for name, expected in sorted(FILES.items()):
        result = read(name)
        if isinstance(result, DataError):
            continue
        target = expected.get("panel") or expected.get("intended")
        if target is None:
            misread.append(f"{name}: loaded, but no panel is a right reading of it")
            continue
        misread += [f"{name}: {d}" for d in differences(result.panel, clean_panel(target))]
    assert misread == []
