"""What a reader needs to trust a run: when, from which commit, on which data files and panel.

Examples
--------
>>> info = RunInfo("2026-11-23T14:05Z", "0123456789abcdef", False, (), "data/x.csv", True)
>>> info.stamp()
'Rendered 2026-11-23T14:05Z from commit 0123456789ab'
>>> RunInfo("2026-11-23T14:05Z", None, False, (), "p.csv", None).stamp()
'Rendered 2026-11-23T14:05Z (not from a git checkout)'
"""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from qipp.paths import DATA_DIR, PROJECT_ROOT, relative_to_root

# Data files worth a checksum: the tables and panels notebooks read.
DATA_SUFFIXES: tuple[str, ...] = (".csv", ".xlsx", ".json")


@dataclass(frozen=True)
class RunInfo:
    """The run's date, commit and data checksums.

    Attributes
    ----------
    rendered_at : str
        UTC, ISO 8601 to the minute.
    commit : str or None
        Full git commit hash, None outside a git checkout.
    dirty : bool
        The working tree had uncommitted changes to tracked files.
    checksums : tuple of (str, str)
        (path relative to the project root, SHA-256) for each data file.
    panel : str
        The panel the report set is drawn from (relative when inside the project).
    panel_synthetic : bool or None
        Whether that panel is synthetic; None only when it was not determined.
    panel_sha256 : str or None
        SHA-256 of the panel file: the identity a later partial run must match
        (:func:`qipp.render.site.publish.panel_mismatch`).
    """

    rendered_at: str
    commit: str | None
    dirty: bool
    checksums: tuple[tuple[str, str], ...]
    panel: str
    panel_synthetic: bool | None
    panel_sha256: str | None = None

    def stamp(self) -> str:
        """One line for page headers and footers."""
        if self.commit is None:
            return f"Rendered {self.rendered_at} (not from a git checkout)"
        line = f"Rendered {self.rendered_at} from commit {self.commit[:12]}"
        return line + (" with uncommitted changes" if self.dirty else "")

    def as_dict(self) -> dict:
        """Plain JSON types, for the manifest."""
        record = asdict(self)
        record["checksums"] = [list(pair) for pair in self.checksums]
        return record


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def data_checksums(
    data_dir: Path = DATA_DIR, extra: tuple[Path, ...] = ()
) -> tuple[tuple[str, str], ...]:
    """Checksums of every data file under ``data_dir`` plus ``extra`` files, sorted by path.

    >>> data_checksums(Path("/nonexistent"))
    ()
    """
    files = set()
    if data_dir.is_dir():
        files |= {
            p.resolve()
            for p in data_dir.rglob("*")
            if p.is_file() and p.suffix in DATA_SUFFIXES and not p.name.startswith(".")
        }
    files |= {Path(p).resolve() for p in extra if Path(p).is_file()}
    return tuple(sorted((relative_to_root(p), sha256_of(p)) for p in files))


def git_commit(root: Path = PROJECT_ROOT) -> tuple[str | None, bool]:
    """Return (HEAD commit, working tree has changes to tracked files) or (None, False)."""
    commands = (
        ["git", "-C", str(root), "rev-parse", "HEAD"],
        ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
    )
    try:
        head, status = [
            subprocess.run(command, capture_output=True, text=True, timeout=30, check=True).stdout
            for command in commands
        ]
    except (OSError, subprocess.SubprocessError):
        return None, False
    return head.strip() or None, bool(status.strip())


def gather_run_info(
    panel_path: Path, panel_synthetic: bool | None, now: datetime | None = None
) -> RunInfo:
    """Collect the run's details (reads git and hashes the data files and the panel)."""
    now = now or datetime.now(UTC)
    commit, dirty = git_commit()
    return RunInfo(
        now.strftime("%Y-%m-%dT%H:%MZ"),
        commit,
        dirty,
        data_checksums(extra=(panel_path,)),
        relative_to_root(panel_path),
        panel_synthetic,
        sha256_of(panel_path),
    )
