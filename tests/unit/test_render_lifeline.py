"""Unit tests for what a render leaves behind: owner records, the sweep, exit statuses, signals.

No process is started here; :mod:`tests.integration.test_render_orphans` kills real ones.
"""

from __future__ import annotations

import os
import signal
import tempfile
import threading
from pathlib import Path

import pytest

from qipp.render import leftovers, lifeline
from qipp.render.leftovers import (
    OWNER_FILE,
    alive,
    claim,
    is_stale,
    parse_owner,
    parse_stat,
    process_stat,
    read_owner,
    sweep,
    sweep_scratch,
)
from qipp.render.stage import STAGE_PREFIX, RunLock, Stage

# No process has this pid (pid_max is at most 2**22 on Linux).
DEAD_PID = 2**22 + 1


def own(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / OWNER_FILE).write_text(text)
    return folder


def my_start() -> int | None:
    stat = process_stat(os.getpid())
    return stat[1] if stat else None


def test_parse_stat_counts_fields_from_the_last_parenthesis():
    rest = "1 2 3 4 5 6 " + "0 " * 12 + "777 8 9"
    assert parse_stat(f"12 (python) R {rest}") == ("R", 777)
    assert parse_stat(f"12 (a) (b) Z {rest}") == ("Z", 777)  # a command named "a) (b"
    assert parse_stat("12 (short) S 1 2") is None
    assert parse_stat("") is None


def test_parse_owner_reads_pid_and_optional_start_time():
    assert parse_owner("42 1234\n") == (42, 1234)
    assert parse_owner("42 -\n") == (42, None)
    assert parse_owner("42") == (42, None)
    assert parse_owner("") is None
    assert parse_owner("-3 1") is None
    assert parse_owner("x 1") is None


def test_claim_records_this_process_and_its_start_time(tmp_path):
    claim(tmp_path)
    assert read_owner(tmp_path) == (os.getpid(), my_start())
    claim(tmp_path, 1, only_if_unclaimed=True)  # kept: already claimed
    assert read_owner(tmp_path)[0] == os.getpid()
    claim(tmp_path / "missing")  # never raises


@pytest.mark.skipif(my_start() is None, reason="needs /proc")
def test_a_recycled_pid_is_not_the_owner():
    start = my_start()
    assert alive(os.getpid(), start)
    assert not alive(os.getpid(), start + 1)  # same pid, another process
    assert not alive(DEAD_PID, None) and not alive(0, None) and not alive(-1, None)


def test_is_stale_spares_live_owners_and_by_default_unclaimed_folders(tmp_path):
    live = own(tmp_path / "live", f"{os.getpid()} {my_start() or '-'}")
    dead = own(tmp_path / "dead", f"{DEAD_PID} 1")
    bare = tmp_path / "bare"
    bare.mkdir()
    assert [is_stale(p) for p in (live, dead, bare)] == [False, True, False]
    assert is_stale(bare, unclaimed=True)
    assert is_stale(live, mine=True)


def test_sweep_removes_only_dead_owners_folders_with_the_prefix(tmp_path):
    dead = own(tmp_path / "qipp-render-dead", f"{DEAD_PID} 5")
    live = own(tmp_path / "qipp-render-live", f"{os.getpid()} {my_start() or '-'}")
    other = own(tmp_path / "other-dead", f"{DEAD_PID} 5")
    bare = tmp_path / "qipp-render-bare"
    bare.mkdir()
    target = own(tmp_path / "elsewhere", f"{DEAD_PID} 5")
    (tmp_path / "qipp-render-link").symlink_to(target)
    (tmp_path / "qipp-render-file").write_text("")
    assert sweep(tmp_path, "qipp-render-") == [dead]
    assert not dead.exists() and live.exists() and other.exists() and bare.exists()
    assert target.exists() and (tmp_path / "qipp-render-file").exists()
    assert sweep(tmp_path / "nowhere", "qipp-render-") == []


def test_sweep_scratch_looks_in_the_temporary_folder_and_the_sockets_folder(tmp_path, monkeypatch):
    temp, sockets = tmp_path / "temp", tmp_path / "sockets"
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.setattr(leftovers, "SOCKETS_PARENT", sockets)
    dead_scratch = own(temp / "qipp-render-abc", f"{DEAD_PID} 1")
    dead_sockets = own(sockets / "qk-abc", f"{DEAD_PID} 1")
    mine = leftovers.new_scratch_dir()
    assert mine.parent == temp and read_owner(mine)[0] == os.getpid()
    assert sorted(sweep_scratch()) == sorted([dead_scratch, dead_sockets])
    assert mine.exists()


def test_a_stage_is_claimed_and_a_new_one_clears_dead_runs_stages_only(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "temp"))
    (tmp_path / "temp").mkdir()
    dead = own(tmp_path / "out" / f"{STAGE_PREFIX}dead", f"{DEAD_PID} 1")
    bare = tmp_path / "out" / f"{STAGE_PREFIX}bare"
    bare.mkdir()
    live = Stage.create(tmp_path / "out")
    assert read_owner(live.root)[0] == os.getpid()
    assert not dead.exists() and bare.exists()
    second = Stage.create(tmp_path / "out")  # another live stage in the folder is spared
    assert live.root.exists() and second.root.exists()
    live.commit([], remove=[])
    assert not live.root.exists()


def test_the_lock_clears_unclaimed_and_own_stages_but_not_another_live_runs(tmp_path):
    bare = tmp_path / f"{STAGE_PREFIX}bare"
    bare.mkdir()
    mine = own(tmp_path / f"{STAGE_PREFIX}mine", f"{os.getpid()} {my_start() or '-'}")
    with RunLock(tmp_path):
        assert not bare.exists() and not mine.exists()
    if os.getppid() > 1:  # the parent of this test run is alive: as another run would be
        start = process_stat(os.getppid())
        other = own(
            tmp_path / f"{STAGE_PREFIX}other", f"{os.getppid()} {start[1] if start else '-'}"
        )
        with RunLock(tmp_path):
            assert other.exists()


def test_orphaned_and_exit_status():
    assert not lifeline.orphaned(100, 100)
    assert lifeline.orphaned(100, 1) and lifeline.orphaned(100, 7)
    assert lifeline.exit_status(signal.SIGINT) == 130
    assert lifeline.exit_status(signal.SIGTERM) == 143


def test_kernel_preexec_only_from_the_main_thread():
    found: list = []
    thread = threading.Thread(target=lambda: found.append(lifeline.kernel_preexec()))
    thread.start()
    thread.join()
    assert found == [None]
    on_linux = lifeline._prctl() is not None
    assert (lifeline.kernel_preexec() is not None) == on_linux


def test_the_signal_log_records_signals_in_order_and_restores_the_wakeup_fd():
    previous = signal.signal(signal.SIGUSR1, lambda signum, frame: None)
    previous2 = signal.signal(signal.SIGUSR2, lambda signum, frame: None)
    outer = signal.set_wakeup_fd(-1)
    signal.set_wakeup_fd(outer)
    try:
        with lifeline.SignalLog() as log:
            signal.raise_signal(signal.SIGUSR2)
            signal.raise_signal(signal.SIGUSR1)
            assert log.received() == [signal.SIGUSR2, signal.SIGUSR1]
            assert log.first_of({signal.SIGUSR1}) == signal.SIGUSR1
            assert log.first_of(lifeline.STOP_SIGNALS) is None
        assert signal.set_wakeup_fd(outer) == outer  # put back as it was
    finally:
        signal.signal(signal.SIGUSR1, previous)
        signal.signal(signal.SIGUSR2, previous2)


def test_the_signal_log_off_the_main_thread_records_nothing():
    found: list = []

    def run() -> None:
        with lifeline.SignalLog() as log:
            found.append(log.received())

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert found == [[]]


def test_starting_workers_holds_stop_signals_and_restores_the_mask(monkeypatch):
    from multiprocessing import resource_tracker

    # No resource tracker process for this test (it would outlive it).
    monkeypatch.setattr(resource_tracker, "ensure_running", lambda: None)
    before = signal.pthread_sigmask(signal.SIG_BLOCK, [])
    with lifeline.starting_workers():
        held = signal.pthread_sigmask(signal.SIG_BLOCK, [])
        assert lifeline.STOP_SIGNALS <= held
    assert signal.pthread_sigmask(signal.SIG_BLOCK, []) == before
