"""Infrastructure failure is not notebook failure: the pipeline's side, without kernels.

The pipeline runs with a stand-in executor that writes each job's files into
the stage as a worker would, so the manifest, the index, the final move and
their failures are real while no kernel (nor git) starts. The worker's side is in
test_render_worker_faults.py; the real pool in
tests/integration/test_render_infra_faults.py.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path

import pytest

import qipp.render.site.publish as publish_module
from qipp.render.errors import WORKER_DIED, RenderInfrastructureError
from qipp.render.options import RenderOptions
from qipp.render.pipeline import render_reports
from qipp.render.plan.jobs import CellError, JobResult, RenderJob, RunSettings
from qipp.render.plan.runinfo import RunInfo
from qipp.render.site.publish import publish
from qipp.render.site.stage import Stage

FIXTURES = Path(__file__).parents[1] / "fixtures" / "notebooks"


def snapshot(folder: Path) -> dict[str, str]:
    """Every published file's checksum (a stage is not published)."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".qipp-tmp-" not in p.relative_to(folder).as_posix()
    }


def refuse(code: int):
    def refused(*args, **kwargs):
        raise OSError(code, os.strerror(code), str(args[0]) if args else None)

    return refused


# ----------------------------------------------------------------------------- a stand-in executor


class FakeExecutor:
    """Writes each job's files into the stage as a worker would; ``plan`` says how it ends.

    ``plan`` maps a notebook name to ``ok`` (default), ``fail`` (the notebook raised)
    or a :class:`CellError` (that failure, nothing written).
    """

    plan: dict[str, object] = {}
    version = "v1"
    caplog: pytest.LogCaptureFixture | None = None
    seen_warnings: list[str] = []

    def __init__(self, settings: RunSettings, n_workers: int) -> None:
        self.settings = settings

    def __enter__(self) -> FakeExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def run(self, jobs, progress=True):
        assert self.caplog is not None
        FakeExecutor.seen_warnings = [r.getMessage() for r in self.caplog.records]
        return [self._one(job) for job in jobs]

    def _one(self, job: RenderJob) -> JobResult:
        how = self.plan.get(job.name, "ok")
        stage = self.settings.stage
        if isinstance(how, CellError):
            return JobResult(job, False, job.name, error=how)
        written = [job.html, job.executed] if how == "ok" else [job.failed, job.failed_html]
        for relative in written:
            (stage / relative).parent.mkdir(parents=True, exist_ok=True)
            (stage / relative).write_text(f"{how} {job.name} {self.version}")
        error = None if how == "ok" else CellError("ValueError", "boom", 2, 1)
        return JobResult(job, how == "ok", job.name, list(written), error)


@pytest.fixture
def fake_run(monkeypatch, tmp_path, caplog):
    """``render(**plan)``: render 01_alpha and 02_beta into ``tmp_path/out`` with FakeExecutor."""
    monkeypatch.setattr("qipp.render.pipeline.LocalExecutor", FakeExecutor)
    monkeypatch.setattr("qipp.render.pipeline.declared_parameters", lambda path: set())
    # The run's provenance without `git` (a subprocess): one panel for every run.
    run = RunInfo("2026-11-30T10:00Z", None, False, (), "p.csv", False, "0" * 64)
    monkeypatch.setattr("qipp.render.pipeline.gather_run_info", lambda *args: run)
    caplog.set_level(logging.WARNING, logger="qipp.render")
    FakeExecutor.caplog = caplog
    out = tmp_path / "out"

    def render(version: str = "v1", only: tuple[str, ...] = (), **plan: object):
        FakeExecutor.plan, FakeExecutor.version = plan, version
        # force: the fake pages change with `version`, which the render cache cannot see.
        quiet = {"jobs": 1, "progress": False, "profiles": [], "panel_synthetic": False}
        quiet["force"] = True
        return render_reports(RenderOptions(out, FIXTURES, only=only, **quiet))

    return render, out


def manifest_entries(out: Path) -> dict[str, dict]:
    return {e["key"]: e for e in json.loads((out / "manifest.json").read_text())["entries"]}


# ----------------------------------------------------------------------------- the final move


def _staged(tmp_path: Path) -> tuple[Path, Stage]:
    out = tmp_path / "out"
    (out / "sub").mkdir(parents=True)
    for name in ("a.html", "stale.html", "sub/c.html", "index.html"):
        (out / name).write_text(f"old {name}")
    stage = Stage.create(out)
    (stage.root / "sub").mkdir()
    (stage.root / "new").mkdir()
    for name in ("a.html", "sub/c.html", "new/d.html", "index.html"):
        (stage.root / name).write_text(f"new {name}")
    return out, stage


FILES = ["a.html", "sub/c.html", "new/d.html", "index.html"]


def test_a_move_that_fails_part_way_is_undone(tmp_path, monkeypatch):
    out, stage = _staged(tmp_path)
    before = snapshot(out)
    real_replace, calls = os.replace, []

    def replace(source, target):
        calls.append(target)
        if len(calls) == 3:  # a.html and sub/c.html are in place; new/d.html is refused
            raise OSError(errno.EROFS, "Read-only file system", str(target))
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OSError, match="Read-only"):
        publish(stage, FILES, remove=["stale.html"])
    stage.discard()
    assert snapshot(out) == before
    assert not (out / "new" / "d.html").exists()


def test_a_folder_that_refuses_a_file_stops_the_move_before_it_starts(tmp_path, monkeypatch):
    out, stage = _staged(tmp_path)
    before = snapshot(out)
    real_mkstemp = tempfile.mkstemp

    def mkstemp(*args, dir=None, **kwargs):
        if Path(dir) == out / "sub":
            raise PermissionError(errno.EACCES, "Permission denied", str(dir))
        return real_mkstemp(*args, dir=dir, **kwargs)

    monkeypatch.setattr(publish_module.tempfile, "mkstemp", mkstemp)
    with pytest.raises(PermissionError):
        publish(stage, FILES, remove=["stale.html"])
    stage.discard()
    assert snapshot(out) == before


# ----------------------------------------------------------------------------- the pipeline


@pytest.mark.parametrize(
    ("target", "code"),
    [
        ("qipp.render.pipeline.atomic_write_text", errno.ENOSPC),
        ("qipp.render.site.publish.os.link", errno.EDQUOT),
        ("qipp.render.site.stage.os.chmod", errno.EPERM),
    ],
    ids=["index-write", "backup-link", "final-chmod"],
)
def test_a_refused_write_after_the_jobs_aborts_and_changes_nothing(
    fake_run, monkeypatch, target, code
):
    render, out = fake_run
    assert render().ok
    before = snapshot(out)
    monkeypatch.setattr(target, refuse(code))
    with pytest.raises(RenderInfrastructureError) as raised:
        render("v2")
    assert raised.value.errno == code and str(out) in raised.value.path
    assert snapshot(out) == before
    assert [p for p in out.rglob("*") if ".qipp-tmp-" in p.name] == []


def test_a_notebooks_failure_keeps_the_page_it_replaces_until_it_renders_again(fake_run):
    render, out = fake_run
    assert render().ok
    page = (out / "01_alpha.html").read_bytes()
    assert not render("v2", **{"01_alpha": "fail"}).ok
    assert not (out / "01_alpha.html").exists()
    assert (out / "failed/01_alpha.previous.html").read_bytes() == page
    assert (out / "failed/01_alpha.html").read_text() == "fail 01_alpha v2"
    entry = manifest_entries(out)["finding:01_alpha"]
    assert entry["previous_html"] == "failed/01_alpha.previous.html"
    assert "failed/01_alpha.previous.html" in entry["files"]
    index = (out / "index.html").read_text()
    assert 'href="failed/01_alpha.previous.html"' in index and "the page it replaced" in index
    # Failing again keeps the last good page, not the first failure's.
    assert not render("v3", **{"01_alpha": "fail"}).ok
    assert (out / "failed/01_alpha.previous.html").read_bytes() == page
    assert (out / "failed/01_alpha.html").read_text() == "fail 01_alpha v3"
    # Rendering again retires it with the failure.
    assert render("v4").ok
    assert (out / "01_alpha.html").read_text() == "ok 01_alpha v4"
    assert not (out / "failed").exists() or list((out / "failed").iterdir()) == []


@pytest.mark.parametrize("ename", [WORKER_DIED, "KernelSetupError"])
def test_a_failure_of_the_machine_keeps_the_earlier_entry_and_page(fake_run, ename):
    render, out = fake_run
    assert render().ok
    before = snapshot(out)
    earlier = manifest_entries(out)["finding:01_alpha"]
    summary = render("v2", **{"01_alpha": CellError(ename, "the worker process died again")})
    assert [r.job.name for r in summary.failures] == ["01_alpha"]
    assert manifest_entries(out)["finding:01_alpha"] == earlier
    assert {k: v for k, v in snapshot(out).items() if "01_alpha" in k} == {
        k: v for k, v in before.items() if "01_alpha" in k
    }
    assert (out / "02_beta.html").read_text() == "ok 02_beta v2"


def test_a_tampered_manifest_is_repaired_with_warnings_before_any_work(fake_run):
    render, out = fake_run
    assert render().ok
    body = json.loads((out / "manifest.json").read_text())
    alpha, beta = body["entries"]
    del alpha["status"]
    alpha["files"] = "01_alpha.html"
    alpha["findings"] = ["not", "a", "record"]
    beta["kind"], beta["title"], beta["html"] = 3, None, "../../etc/passwd"
    body["entries"] += [
        {"name": "no key"},
        "not an entry",
        {"key": "profile:11J", "profile": {"region": 5}},
    ]
    (out / "manifest.json").write_text(json.dumps(body))

    summary = render("v2", only=("01_alpha",))
    assert summary.ok
    warned = "\n".join(FakeExecutor.seen_warnings)  # logged before the jobs ran
    assert "finding:01_alpha: 'status' is missing" in warned
    assert "finding:02_beta: 'html' reset" in warned
    assert "entry 3: dropped" in warned and "entry 4: dropped" in warned
    entries = manifest_entries(out)
    assert sorted(entries) == ["finding:01_alpha", "finding:02_beta", "profile:11J"]
    assert (
        entries["finding:02_beta"]["kind"] == "finding"
        and entries["finding:02_beta"]["html"] is None
    )
    assert entries["finding:01_alpha"]["status"] == "ok"
    assert (out / "02_beta.html").exists() and Path("/etc/passwd").exists()


def test_a_stop_wrapped_in_a_librarys_error_is_still_a_stop(monkeypatch, tmp_path):
    """Ctrl-C inside a class body being imported reaches us as a RuntimeError (3.11)."""
    import signal

    from click.testing import CliRunner

    import qipp.cli.render as cli_render
    from qipp.cli import main

    def stopped_during_an_import(**_params):
        try:
            os.kill(os.getpid(), signal.SIGINT)
        except KeyboardInterrupt as stop:
            raise RuntimeError("Error calling __set_name__") from stop

    def broken(**_params):
        raise RuntimeError("a real bug")

    monkeypatch.setattr(cli_render, "_render", stopped_during_an_import)
    kept = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    stopped = CliRunner().invoke(main, ["render", "--out-dir", str(tmp_path)])
    for signum, handler in kept.items():  # an exiting render ignores both; this worker lives on
        signal.signal(signum, handler)
    assert stopped.exit_code == 130
    assert "interrupted" in stopped.output
    monkeypatch.setattr(cli_render, "_render", broken)
    failed = CliRunner().invoke(main, ["render", "--out-dir", str(tmp_path)])
    assert isinstance(failed.exception, RuntimeError)
