"""Time three ways of rendering K CCG profiles, side by side in one run.

(a) a serial loop of the ``papermill`` and ``jupyter nbconvert --to html``
    command-line tools, one CCG after another;
(b) a plain 2-process ``multiprocessing.Pool`` calling ``papermill.execute_notebook``
    and nbconvert's stock ``HTMLExporter`` for each CCG;
(c) ``qipp render --ccg ...`` (its process pool, IPC kernels, offline template, index).

Each variant starts fresh kernels and writes one executed notebook and one HTML
page per CCG into its own temporary folder. Prints seconds per report for each
and the ratios (a)/(c) and (b)/(c). Run from the project root::

    .venv/bin/python benchmarks/render_batch.py            # K = 6
    .venv/bin/python benchmarks/render_batch.py --k 10 --jobs 2
"""

from __future__ import annotations

import argparse
import multiprocessing
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from qipp.paths import NOTEBOOKS_DIR, SYNTHETIC_PANEL_CSV

TEMPLATE = NOTEBOOKS_DIR / "ccg_profile.ipynb"
BIN = Path(sys.executable).parent


def first_codes(k: int) -> list[str]:
    """The first ``k`` CCG codes of the committed synthetic panel, in file order."""
    from qipp.panel import load_panel

    return load_panel(SYNTHETIC_PANEL_CSV)["ccg_code"].head(k).tolist()


def run(command: list[str]) -> None:
    """Run a command quietly; stop the benchmark if it fails."""
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stderr[-2000:]}")


def serial_cli(codes: list[str], out: Path) -> None:
    """(a) papermill CLI then nbconvert CLI, one CCG at a time."""
    for code in codes:
        executed = out / f"{code}.ipynb"
        run([str(BIN / "papermill"), str(TEMPLATE), str(executed), "-p", "ccg_code", code,
             "-p", "panel_path", str(SYNTHETIC_PANEL_CSV), "--cwd", str(NOTEBOOKS_DIR),
             "--no-progress-bar", "-k", "python3"])
        run([str(BIN / "jupyter"), "nbconvert", "--to", "html", str(executed),
             "--output-dir", str(out), "--log-level", "WARN"])


def _pool_one(job: tuple[str, str]) -> None:
    import papermill
    from nbconvert import HTMLExporter

    code, out = job
    executed = Path(out) / f"{code}.ipynb"
    notebook = papermill.execute_notebook(
        str(TEMPLATE), str(executed), parameters={"ccg_code": code,
                                                  "panel_path": str(SYNTHETIC_PANEL_CSV)},
        kernel_name="python3", cwd=str(NOTEBOOKS_DIR), progress_bar=False)
    body, _ = HTMLExporter().from_notebook_node(notebook)
    (Path(out) / f"{code}.html").write_text(body, encoding="utf-8")


def plain_pool(codes: list[str], out: Path) -> None:
    """(b) a 2-process pool of papermill.execute_notebook plus nbconvert's HTMLExporter."""
    with multiprocessing.Pool(2) as pool:
        pool.map(_pool_one, [(code, str(out)) for code in codes], chunksize=1)


def qipp_render(codes: list[str], out: Path, jobs: int | None) -> None:
    """(c) qipp render on the same CCGs."""
    command = [str(BIN / "qipp"), "render", "--out-dir", str(out), "--no-progress"]
    command += [arg for code in codes for arg in ("--ccg", code)]
    if jobs is not None:
        command += ["--jobs", str(jobs)]
    run(command)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--k", type=int, default=6, help="CCG profiles per variant [6]")
    parser.add_argument("--jobs", type=int, default=None,
                        help="worker processes for qipp render [the number of CPUs]")
    args = parser.parse_args()
    codes = first_codes(args.k)
    root = Path(tempfile.mkdtemp(prefix="qipp-bench-"))
    variants = [("(a) serial papermill + nbconvert CLIs", serial_cli),
                ("(b) 2-process pool, papermill API", plain_pool),
                ("(c) qipp render", lambda c, o: qipp_render(c, o, args.jobs))]
    seconds: dict[str, float] = {}
    try:
        for label, function in variants:
            out = root / label[1]
            out.mkdir()
            started = time.perf_counter()
            function(codes, out)
            seconds[label] = time.perf_counter() - started
            pages = list(out.rglob("*.html"))
            if len([p for p in pages if p.name != "index.html"]) != len(codes):
                raise SystemExit(f"{label}: expected {len(codes)} pages, found {len(pages)}")
            print(f"{label:<40} {seconds[label]:7.1f} s  {seconds[label] / len(codes):6.2f} s/report",
                  flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    a, b, c = (seconds[label] for label, _ in variants)
    print(f"K = {len(codes)} CCG profiles; (a)/(c) = {a / c:.2f}; (b)/(c) = {b / c:.2f}")


if __name__ == "__main__":
    main()
