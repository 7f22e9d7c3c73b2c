"""PDFs of the rendered pages, printed by headless Chromium (``qipp render --pdf``).

Each report's PDF is printed from its staged page, with the page's print stylesheet
(A4, no navigation, the banner kept), and written beside it (``ccg/07H.html`` gives
``ccg/07H.pdf``): it is published, listed in the manifest and kept by the render cache
with the page. Chromium runs offline, one process per page, in a profile of its own.

>>> pdf_of("ccg/07H.html"), pdf_of("01_x.html")
('ccg/07H.pdf', '01_x.pdf')
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from qipp.atomic import atomic_path
from qipp.render.errors import RenderInfrastructureError

# A Chromium (or Chrome) binary by name or path; else the first of CHROMIUM_NAMES on PATH.
CHROMIUM_ENV = "QIPP_CHROMIUM"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL_HINT = (
    "--pdf needs Chromium to print the pages and none was found: install it "
    "(Debian or Ubuntu: apt-get install chromium), or set QIPP_CHROMIUM to its path, "
    "or run without --pdf"
)
# Headless, offline, no sandbox (root in a container), nothing Chromium fetches itself.
PRINT_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
)
PRINT_TIMEOUT_S = 180.0


def find_chromium() -> str | None:
    """The Chromium to print with: ``$QIPP_CHROMIUM``, else the first on ``PATH``; None if none."""
    configured = os.environ.get(CHROMIUM_ENV, "").strip()
    names = (configured,) if configured else CHROMIUM_NAMES
    return next((found for name in names if (found := shutil.which(name))), None)


def pdf_of(page: str) -> str:
    """Where a page's PDF goes: beside it, ``.html`` replaced by ``.pdf``."""
    return page.removesuffix(".html") + ".pdf"


def print_pdf(chromium: str, page: Path, pdf: Path, timeout_s: float = PRINT_TIMEOUT_S) -> None:
    """Print ``page`` to ``pdf`` (written whole or not at all).

    Raises
    ------
    RenderInfrastructureError
        If Chromium fails, times out or writes no PDF (its last words in the message).
    """
    with tempfile.TemporaryDirectory(prefix="qipp-chromium-") as profile, atomic_path(pdf) as out:
        command = [
            chromium,
            *PRINT_ARGS,
            f"--user-data-dir={profile}",
            f"--print-to-pdf={out}",
            page.resolve().as_uri(),
        ]
        try:
            run = subprocess.run(
                command, capture_output=True, text=True, timeout=timeout_s, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise RenderInfrastructureError(
                str(pdf), f"Chromium could not print it ({exc})"
            ) from exc
        with open(out, "rb") as written:
            printed = written.read(5) == b"%PDF-"
        if run.returncode != 0 or not printed:
            words = (run.stderr.strip().splitlines() or ["no output"])[-1]
            raise RenderInfrastructureError(
                str(pdf), f"Chromium exited {run.returncode} without a PDF: {words}"
            )


def print_pdfs(chromium: str, root: Path, pages: Sequence[str], workers: int = 1) -> list[str]:
    """Print each page under ``root`` beside itself, ``workers`` at a time; the PDFs, relative.

    Raises
    ------
    RenderInfrastructureError
        Naming the first PDF that could not be printed, relative to ``root``.
    """
    pdfs = [pdf_of(page) for page in pages]
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = [pool.submit(print_pdf, chromium, root / p, root / pdf_of(p)) for p in pages]
        for pdf, future in zip(pdfs, futures, strict=True):
            try:
                future.result()
            except RenderInfrastructureError as exc:  # named as published, not as staged
                raise RenderInfrastructureError(pdf, exc.reason, exc.errno) from exc
    return pdfs
