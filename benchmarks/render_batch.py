"""Time three ways of rendering reports, side by side in one run, and show where the time goes.

(a) a serial loop of the ``papermill`` and ``jupyter nbconvert --to html``
    command-line tools, one notebook after another (a fresh kernel each);
(b) a plain 2-process ``multiprocessing.Pool`` calling ``papermill.execute_notebook``
    and nbconvert's stock ``HTMLExporter`` (a fresh kernel each);
(c) ``qipp render`` (warm kernels, offline template, index); with ``--fresh``
    also ``qipp render --fresh-kernels``.

Without ``--full`` every variant renders the same K CCG profiles. With ``--full``,
(c) renders the full set (every finding notebook, one profile per CCG of the
committed panel, the index) while (a) and (b) render every finding notebook and
K profiles; their full-set time is estimated as the findings' time plus the
profiles' time per report times the number of CCGs (printed as such).

Prints seconds, the ratios (a)/(c) and (b)/(c), and a breakdown of (c) from its
manifest and executed notebooks. Run from the project root::

    .venv/bin/python benchmarks/render_batch.py              # K = 6 profiles each
    .venv/bin/python benchmarks/render_batch.py --full       # the full set, K = 10

``--no-baselines`` skips (a) and (b) and times (c) alone, with its breakdown::

    .venv/bin/python benchmarks/render_batch.py --full --no-baselines

``--incremental`` times, instead, a full build, a no-op rebuild and a rebuild
after one finding notebook changed, in a scratch copy of the project, and prints
``ratio noop/full`` and ``ratio one-changed/full`` (benchmarks/incremental.py).
``--scale`` renders the profiles of an uncalibrated generated panel of 143, 500
and 1,000 CCGs and prints seconds per profile at each size (benchmarks/scale.py)::

    .venv/bin/python benchmarks/render_batch.py --incremental
    .venv/bin/python benchmarks/render_batch.py --scale

``--against REV`` renders the full set from the working tree and from git revision
REV, alternating ``--rounds`` times, and prints ``ratio now/before``
(benchmarks/against.py)::

    .venv/bin/python benchmarks/render_batch.py --against 91ceabd --rounds 2

``--executors`` renders the full set with the local process pool and with Dask's
``LocalCluster`` (``--scheduler local``), alternating, and prints every round, the
medians and ``ratio local-cluster/pool`` (benchmarks/executors.py)::

    .venv/bin/python benchmarks/render_batch.py --executors --rounds 3
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

# Modules beside this script (benchmarks/ is on sys.path when it runs).
from against import run_against
from executors import run_executors
from incremental import run_incremental
from machine import machine_line
from scale import run_scale

from qipp.paths import NOTEBOOKS_DIR, SYNTHETIC_PANEL_CSV

TEMPLATE = NOTEBOOKS_DIR / "ccg_profile.ipynb"
BIN = Path(sys.executable).parent
# Phases of (c) in the order they happen; labels for the breakdown.
PHASES = (
    ("kernel_start_s", "kernel start"),
    ("imports_s", "imports (warm-up, once per kernel)"),
    ("reset_s", "reset between notebooks"),
    ("papermill_s", "papermill (load, parameters)"),
    ("cells_s", "execution (the notebooks' cells)"),
    ("export_s", "HTML export"),
    ("write_s", "writing files"),
)


def panel_codes() -> list[str]:
    """Every CCG code of the committed synthetic panel, in file order."""
    from qipp.panel import load_panel

    return load_panel(SYNTHETIC_PANEL_CSV)["ccg_code"].tolist()


def finding_notebooks() -> list[Path]:
    """The finding notebooks ``qipp render`` renders (all but the profile template)."""
    from qipp.render.jobs import PROFILE_TEMPLATE_NAME, discover_notebooks

    return [p for p in discover_notebooks(NOTEBOOKS_DIR) if p.name != PROFILE_TEMPLATE_NAME]


def parameters_for(item: str | Path, out: Path) -> dict[str, str]:
    """What ``qipp render`` would inject: a CCG's code and panel, or a findings path."""
    if isinstance(item, str):
        return {"ccg_code": item, "panel_path": str(SYNTHETIC_PANEL_CSV)}
    import papermill

    declared = papermill.inspect_notebook(str(item))
    return {"findings_path": str(out / f"{item.stem}.json")} if "findings_path" in declared else {}


def notebook_of(item: str | Path) -> Path:
    return TEMPLATE if isinstance(item, str) else item


def name_of(item: str | Path) -> str:
    return item if isinstance(item, str) else item.stem


def run(command: list[str]) -> None:
    """Run a command quietly; stop the benchmark if it fails."""
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stderr[-2000:]}")


def serial_cli(items: list, out: Path) -> None:
    """(a) papermill CLI then nbconvert CLI, one notebook at a time."""
    for item in items:
        executed = out / f"{name_of(item)}.ipynb"
        command = [
            str(BIN / "papermill"),
            str(notebook_of(item)),
            str(executed),
            "--cwd",
            str(NOTEBOOKS_DIR),
            "--no-progress-bar",
            "-k",
            "python3",
        ]
        for key, value in parameters_for(item, out).items():
            command += ["-p", key, value]
        run(command)
        run(
            [
                str(BIN / "jupyter"),
                "nbconvert",
                "--to",
                "html",
                str(executed),
                "--output-dir",
                str(out),
                "--log-level",
                "WARN",
            ]
        )


def _pool_one(job: tuple[str, str, dict, str]) -> None:
    import papermill
    from nbconvert import HTMLExporter

    notebook, name, parameters, out = job
    executed = Path(out) / f"{name}.ipynb"
    result = papermill.execute_notebook(
        notebook,
        str(executed),
        parameters=parameters or None,
        kernel_name="python3",
        cwd=str(NOTEBOOKS_DIR),
        progress_bar=False,
    )
    body, _ = HTMLExporter().from_notebook_node(result)
    (Path(out) / f"{name}.html").write_text(body, encoding="utf-8")


def _quiet() -> None:
    # Kernels started over TCP warn on stderr; keep the table readable.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)


def plain_pool(items: list, out: Path) -> None:
    """(b) a 2-process pool of papermill.execute_notebook plus nbconvert's HTMLExporter."""
    jobs = [(str(notebook_of(i)), name_of(i), parameters_for(i, out), str(out)) for i in items]
    with multiprocessing.Pool(2, initializer=_quiet) as pool:
        pool.map(_pool_one, jobs, chunksize=1)


def qipp_render(codes: list[str] | None, out: Path, jobs: int | None, fresh: bool) -> None:
    """(c) qipp render: the full set when ``codes`` is None, else those CCGs' profiles."""
    command = [str(BIN / "qipp"), "render", "--out-dir", str(out), "--no-progress"]
    command += [arg for code in codes or () for arg in ("--ccg", code)]
    command += ["--jobs", str(jobs)] if jobs is not None else []
    command += ["--fresh-kernels"] if fresh else []
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stderr[-2000:]}")


def timed(function, *args) -> float:
    started = time.perf_counter()
    function(*args)
    return time.perf_counter() - started


def count_pages(out: Path) -> int:
    """The published pages (the render cache's copies and the index not counted)."""
    return len(
        [
            p
            for p in out.rglob("*.html")
            if p.name != "index.html" and ".cache" not in p.relative_to(out).parts
        ]
    )


def baseline(
    label: str, function, findings: list[Path], codes: list[str], n_ccgs: int, root: Path
) -> float:
    """Time a baseline on the findings and K profiles; return its (estimated) full time."""
    out = root / label
    out.mkdir()
    findings_s = timed(function, findings, out) if findings else 0.0
    profiles_s = timed(function, codes, out)
    expected = len(findings) + len(codes)
    if count_pages(out) != expected:
        raise SystemExit(f"{label}: expected {expected} pages, found {count_pages(out)}")
    per_profile = profiles_s / len(codes)
    if not findings:
        print(f"{label:<44} {profiles_s:7.1f} s  {per_profile:6.2f} s/report", flush=True)
        return profiles_s
    estimate = findings_s + per_profile * n_ccgs
    print(
        f"{label:<44} {estimate:7.1f} s  (estimated: {len(findings)} findings measured "
        f"{findings_s:.1f} s + {n_ccgs} profiles x {per_profile:.2f} s/profile measured on "
        f"K = {len(codes)})",
        flush=True,
    )
    return estimate


def breakdown(out: Path, wall_s: float) -> None:
    """Print where (c) spent its time, from its manifest and executed notebooks."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    entries = manifest["entries"]
    phases = manifest["run"].get("phases_s", {})
    totals: dict[str, float] = defaultdict(float)
    by_kind: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for entry in entries:
        for phase, seconds in entry.get("timings_s", {}).items():
            totals[phase] += seconds
            by_kind[entry["kind"]][phase] += seconds
    counts: dict[str, int] = defaultdict(int)
    for entry in entries:
        counts[entry["kind"]] += 1
    worker_s = sum(totals.values())
    print(
        f"\nWhere the time goes in (c): {len(entries)} reports, {wall_s:.1f} s from command "
        "to exit."
    )
    print(
        f"  in the parent: plan {phases.get('plan_s', 0):.1f} s (panel, run details, "
        f"notebook parameters; workers start meanwhile), batch {phases.get('batch_s', 0):.1f} s,"
        f" index {phases.get('index_s', 0):.2f} s; the rest is Python start-up and moving "
        "files into place."
    )
    print(f"  in the workers ({worker_s:.1f} worker-seconds, summed over the processes):")
    kernels = sum(1 for entry in entries if "kernel_start_s" in entry.get("timings_s", {}))
    for phase, label in PHASES:
        if phase not in totals:
            continue
        if phase in ("kernel_start_s", "imports_s"):
            detail = f"{kernels} kernel(s), {totals[phase] / max(kernels, 1):.2f} s each"
        else:
            detail = ", ".join(
                f"{kind}s {by_kind[kind][phase]:.1f} s "
                f"({by_kind[kind][phase] / counts[kind]:.3f} s each)"
                for kind in sorted(by_kind)
                if by_kind[kind].get(phase)
            )
        share = 100 * totals[phase] / worker_s if worker_s else 0
        print(f"    {label:<36} {totals[phase]:6.1f} s {share:5.1f}%   {detail}")
    cells = _profile_cells(out / "executed" / "ccg")
    if cells:
        print(f"  the profile template, mean per cell over {cells[0][2]} profiles:")
        for number, seconds, _, first_line in cells:
            print(f"    cell {number:>2} {seconds:6.3f} s  {first_line[:70]}")


def _profile_cells(folder: Path) -> list[tuple[int, float, int, str]]:
    """(cell number, mean seconds, notebooks, first source line) per code cell of the profiles."""
    import nbformat

    sums: dict[int, float] = defaultdict(float)
    first_lines: dict[int, str] = {}
    notebooks = sorted(folder.glob("*.ipynb"))
    for path in notebooks:
        # Numbered as in the template: papermill's injected parameters cell is not counted.
        cells = [
            cell
            for cell in nbformat.read(path, as_version=4).cells
            if "injected-parameters" not in cell.metadata.get("tags", [])
        ]
        for number, cell in enumerate(cells, start=1):
            if cell.cell_type == "code":
                sums[number] += cell.metadata.get("papermill", {}).get("duration") or 0.0
                first_lines[number] = cell.source.strip().splitlines()[0] if cell.source else ""
    return [(n, sums[n] / len(notebooks), len(notebooks), first_lines[n]) for n in sorted(sums)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--full",
        action="store_true",
        help="(c) renders the full set; (a) and (b) are estimated from a sample",
    )
    parser.add_argument(
        "--k", type=int, default=None, help="CCG profiles each baseline renders [6; 10 with --full]"
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="worker processes for qipp render [the number of CPUs]",
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="also time qipp render --fresh-kernels on the same reports as (c)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="with --against or --executors: runs of each, alternated [1; 3 for --executors]",
    )
    parser.add_argument(
        "--no-baselines", action="store_true", help="skip (a) and (b); time qipp render only"
    )
    parser.add_argument(
        "--incremental",
        action="store_true",
        help="time a full build, a no-op rebuild and a one-notebook rebuild; print their ratios",
    )
    parser.add_argument(
        "--scale",
        action="store_true",
        help="seconds per profile for 143, 500 and 1,000 CCGs of an uncalibrated panel",
    )
    parser.add_argument(
        "--against",
        metavar="REV",
        help="time the full set now and at git revision REV, alternating; print now/before",
    )
    parser.add_argument(
        "--executors",
        action="store_true",
        help="the full set on the local pool and on Dask's LocalCluster; print the medians",
    )
    args = parser.parse_args()
    if args.incremental or args.scale or args.against or args.executors:
        print(f"Machine: {machine_line()}", flush=True)
        with tempfile.TemporaryDirectory(prefix="qipp-bench-") as scratch:
            if args.against:
                run_against(args.against, Path(scratch), args.jobs, max(1, args.rounds))
            if args.executors:
                run_executors(Path(scratch), args.jobs, max(3, args.rounds))
            if args.incremental:
                run_incremental(Path(scratch), args.jobs)
            if args.scale:
                run_scale(Path(scratch), args.jobs)
        return
    k = args.k or (10 if args.full else 6)
    all_codes = panel_codes()
    codes = all_codes[:k]
    findings = finding_notebooks() if args.full else []
    print(f"Machine: {machine_line()}", flush=True)
    root = Path(tempfile.mkdtemp(prefix="qipp-bench-"))
    try:
        if args.no_baselines:
            seconds = timed(qipp_render, None if args.full else codes, root / "c", args.jobs, False)
            print(f"(c) qipp render {seconds:7.1f} s ({count_pages(root / 'c')} reports)")
            breakdown(root / "c", seconds)
            return
        a = baseline(
            "(a) serial papermill + nbconvert CLIs",
            serial_cli,
            findings,
            codes,
            len(all_codes),
            root,
        )
        b = baseline(
            "(b) 2-process pool, papermill API", plain_pool, findings, codes, len(all_codes), root
        )
        variants = [("(c) qipp render", "c", False)]
        variants += [("(c') qipp render --fresh-kernels", "c-fresh", True)] if args.fresh else []
        measured: dict[str, float] = {}
        for label, folder, fresh in variants:
            out = root / folder
            measured[label] = timed(
                qipp_render, None if args.full else codes, out, args.jobs, fresh
            )
            pages = count_pages(out)
            per_report = measured[label] / pages
            print(
                f"{label:<44} {measured[label]:7.1f} s  {per_report:6.2f} s/report "
                f"({pages} reports{' + index, the full set' if args.full else ''})",
                flush=True,
            )
        c = measured["(c) qipp render"]
        scope = (
            f"the full set ({count_pages(root / 'c')} reports + index)"
            if args.full
            else f"K = {len(codes)} CCG profiles"
        )
        print(
            f"\n{scope}: (c) {c:.1f} s; (a)/(c) = {a / c:.1f}x; (b)/(c) = {b / c:.1f}x"
            + ("; (a) and (b) estimated from a sample, see above" if args.full else "")
        )
        breakdown(root / "c", c)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
