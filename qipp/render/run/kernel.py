"""Kernels: this process's warm kernel, started once and reset before every notebook.

A warm kernel imports :data:`~qipp.render.run.reset.WARM_MODULES` once and is
reset before every notebook (:mod:`qipp.render.run.reset`), each as one silent
request; :func:`acquire` hands it out, starting one when there is none or the
last one died, and :func:`discard` kills one whose notebook died, timed out or
raised, so the next notebook gets a new one.

Kernels talk over IPC: on Linux through abstract sockets, which leave no file
behind; elsewhere over TCP, jupyter's default. Each kernel's connection file and
its log (its own stdout and stderr, not cell output) go in ``kernel_dir``, and
it dies with the process that started it (:mod:`qipp.render.run.lifeline`).
"""

from __future__ import annotations

import asyncio
import atexit
import queue
import shutil
import sys
import tempfile
import time
import uuid
from functools import lru_cache
from pathlib import Path
from typing import Any

from qipp.render.run.lifeline import kernel_preexec

# nbclient passes the same flag: no IPython history database on disk.
KERNEL_ARGUMENTS = ("--HistoryManager.hist_file=:memory:",)
# A warm-up or reset that takes longer than this means the kernel is stuck.
SETUP_TIMEOUT_S = 180.0


class KernelSetupError(RuntimeError):
    """A kernel could not be started, warmed up or reset."""


def _run(coroutine: Any) -> Any:
    """Run a coroutine on the thread's persistent event loop (the one nbclient uses)."""
    from jupyter_core.utils import ensure_event_loop  # the jupyter stack: workers only

    return ensure_event_loop().run_until_complete(coroutine)


class Kernel:
    """One kernel process, its client, and the silent requests that warm it up and reset it."""

    def __init__(self, kernel_name: str, kernel_dir: Path) -> None:
        # The jupyter stack is the workers' to import, not the planner's.
        from jupyter_client.manager import AsyncKernelManager

        self.name = kernel_name
        connection = kernel_dir / f"k-{uuid.uuid4().hex[:12]}.json"
        # Linux has abstract sockets (a name starting with "@"): no file, no path length limit.
        linux = sys.platform.startswith("linux")
        self.manager = AsyncKernelManager(
            kernel_name=kernel_name,
            connection_file=str(connection),
            transport="ipc" if linux else "tcp",
            ip=f"@qipp-{connection.stem}" if linux else "127.0.0.1",
        )
        self.client: Any = None

    def start(self, cwd: str, timeout_s: float, modules: tuple[str, ...], timings: dict) -> None:
        """Start the kernel in ``cwd`` and, if ``modules``, import them and record its state.

        Raises
        ------
        KernelSetupError
            If it does not start or answer within ``timeout_s``, or an import fails.
        """
        started = time.perf_counter()
        try:
            _run(self._start(cwd, timeout_s))
        except Exception as exc:
            raise KernelSetupError(f"the kernel did not start: {exc}") from exc
        timings["kernel_start_s"] = time.perf_counter() - started
        if modules:
            started = time.perf_counter()
            self.run_silent(
                f"__import__('qipp.render.run.reset', fromlist=['_']).warm_up({modules!r})"
            )
            timings["imports_s"] = time.perf_counter() - started

    async def _start(self, cwd: str, timeout_s: float) -> None:
        # The kernel's own stdout and stderr (not cell output) go to a log beside its
        # connection file; Popen takes what start_kernel does not use.
        with open(Path(self.manager.connection_file).with_suffix(".log"), "ab") as log:
            await self.manager.start_kernel(
                extra_arguments=list(KERNEL_ARGUMENTS),
                cwd=cwd,
                stdout=log,
                stderr=log,
                preexec_fn=kernel_preexec(),
            )
        self.client = self.manager.client()
        self.client.start_channels()
        await self.client.wait_for_ready(timeout=timeout_s)
        self.client.allow_stdin = False

    def run_silent(self, code: str) -> None:
        """Execute ``code`` silently (no history, no ``In [n]``); raise KernelSetupError if it fails."""
        try:
            _run(asyncio.wait_for(self._silent(code), SETUP_TIMEOUT_S))
        except KernelSetupError:
            raise
        except TimeoutError as exc:
            raise KernelSetupError(
                f"the kernel did not answer within {SETUP_TIMEOUT_S:.0f} s"
            ) from exc
        except Exception as exc:  # e.g. a reply that does not parse
            raise KernelSetupError(f"the kernel's reply could not be read: {exc!r}") from exc

    async def _next(self, channel: str, msg_id: str) -> dict:
        """The next reply to ``msg_id`` on ``channel``, checking each second that the kernel runs."""
        receive = getattr(self.client, f"get_{channel}_msg")
        while True:
            try:
                message = await receive(timeout=1.0)
            except queue.Empty:
                if not await self.manager.is_alive():
                    raise KernelSetupError("the kernel died") from None
                continue
            if message["parent_header"].get("msg_id") == msg_id:
                return message

    async def _silent(self, code: str) -> None:
        msg_id = self.client.execute(code, silent=True, store_history=False, allow_stdin=False)
        reply = (await self._next("shell", msg_id))["content"]
        while True:  # drain the request's output up to its idle status
            message = await self._next("iopub", msg_id)
            if message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
                break
        if reply.get("status") != "ok":
            raise KernelSetupError(f"{reply.get('ename')}: {reply.get('evalue')}")

    def alive(self) -> bool:
        """True while the kernel process runs."""
        try:
            return bool(_run(self.manager.is_alive()))
        except Exception:
            return False

    def shutdown(self) -> tuple[str, ...]:
        """Kill the kernel and remove its files; return the last lines of its log."""
        connection = Path(self.manager.connection_file)
        try:
            log = connection.with_suffix(".log").read_text(encoding="utf-8", errors="replace")
        except OSError:
            log = ""
        try:
            if self.client is not None:
                self.client.stop_channels()
            _run(self.manager.shutdown_kernel(now=True))
        except Exception:  # already gone; the kernel dies with this process anyway
            pass
        for suffix in (".json", ".log"):
            connection.with_suffix(suffix).unlink(missing_ok=True)
        return tuple(log.splitlines()[-20:])


# This process's warm kernel, and what the last kernel killed wrote to its log.
_warm: Kernel | None = None
last_log_tail: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def default_kernel_dir() -> Path:
    """A private folder for plain papermill runs, removed when the process exits."""
    folder = Path(tempfile.mkdtemp(prefix="qipp-kernels-"))
    atexit.register(shutil.rmtree, folder, True)
    return folder


def acquire(kernel_name: str, kernel_dir: Path, cwd: str, modules: tuple, timings: dict) -> Kernel:
    """This process's warm kernel, reset for a notebook in ``cwd``; started when there is none.

    Raises
    ------
    KernelSetupError
        If a new kernel cannot be started and warmed up, or reset.
    """
    global _warm
    if _warm is not None and (_warm.name != kernel_name or not _warm.alive()):
        discard(_warm)
    if _warm is None:
        _warm = Kernel(kernel_name, kernel_dir)
        try:
            _warm.start(cwd, 60.0, modules, timings)
        except BaseException:
            discard(_warm)
            raise
    started = time.perf_counter()
    try:
        _warm.run_silent(f"__import__('qipp.render.run.reset', fromlist=['_']).prepare({cwd!r})")
    except BaseException:
        discard(_warm)
        raise
    timings["reset_s"] = time.perf_counter() - started
    return _warm


def discard(kernel: Kernel) -> None:
    """Kill ``kernel`` and forget it."""
    global _warm, last_log_tail
    if kernel is _warm:
        _warm = None
    last_log_tail = kernel.shutdown()


def close() -> None:
    """Kill this process's warm kernel, if any."""
    if _warm is not None:
        discard(_warm)


atexit.register(close)
