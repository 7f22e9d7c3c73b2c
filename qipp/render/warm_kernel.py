"""One warm kernel per process: started once, the stack imported, reset between notebooks.

:class:`WarmKernel` starts a kernel, warms it up with
:func:`qipp.render.kernel_state.warm_up` and resets it with
:func:`qipp.render.kernel_state.prepare`, each as one silent execute request.
:data:`POOL` (a :class:`KernelPool`) holds this process's kernels, replaces one
that died, cannot be reset or fails the integrity check (the previous notebook
changed the imported stack: :mod:`qipp.render.integrity`), and kills them all at
exit. The kernel needs qipp installed (the ``python3`` kernel of the project's
environment has it).

``QIPP_LEGACY_RESET=1`` in the environment turns the integrity check off (the
reset of docs/decisions/0022 alone), so ``benchmarks/render_batch.py
--compare-reset`` can time both.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import queue
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from qipp.render.kernels import ipc_kernel_manager_class, kill_kernel

# nbclient passes the same flag: no IPython history database on disk.
KERNEL_ARGUMENTS: tuple[str, ...] = ("--HistoryManager.hist_file=:memory:",)
# A reset that takes longer than this means the kernel is stuck.
PREPARE_TIMEOUT_S = 60.0


LOG = logging.getLogger(__name__)


def integrity_checked() -> bool:
    """False when ``QIPP_LEGACY_RESET=1`` asks for the reset without the integrity check."""
    return os.environ.get("QIPP_LEGACY_RESET", "") != "1"


class KernelSetupError(RuntimeError):
    """A warm kernel could not be started, warmed up or reset.

    ``ename`` and ``evalue`` are the exception the kernel raised, when it raised one
    (``KernelStateChanged``: the previous notebook failed the integrity check).
    """

    def __init__(self, message: str, ename: str = "", evalue: str = "") -> None:
        super().__init__(message)
        self.ename, self.evalue = ename, evalue


def _run(coroutine: Any) -> Any:
    """Run a coroutine on the thread's persistent event loop (the one nbclient uses)."""
    from jupyter_core.utils import ensure_event_loop

    return ensure_event_loop().run_until_complete(coroutine)


class WarmKernel:
    """One kernel, its client, and the silent requests that warm it up and reset it.

    Parameters
    ----------
    manager_class : type
        A ``jupyter_client.AsyncKernelManager`` subclass (see
        :func:`qipp.render.kernels.ipc_kernel_manager_class`).
    kernel_name : str
        Kernel spec name.
    """

    def __init__(self, manager_class: type, kernel_name: str) -> None:
        self.manager = manager_class(kernel_name=kernel_name)
        self.client: Any = None

    @property
    def pid(self) -> int | None:
        """Process id of the kernel, once started."""
        process = getattr(getattr(self.manager, "provisioner", None), "process", None)
        return getattr(process, "pid", None)

    def start(
        self, cwd: str, start_timeout_s: float, modules: tuple[str, ...], timings: dict[str, float]
    ) -> None:
        """Start the kernel in ``cwd`` and import ``modules`` in it.

        Raises
        ------
        KernelSetupError
            If the kernel does not start, does not answer within
            ``start_timeout_s``, or an import fails.
        """
        started = time.perf_counter()
        try:
            _run(self._start(cwd, start_timeout_s))
        except Exception as exc:
            raise KernelSetupError(f"the kernel did not start: {exc}") from exc
        imported = time.perf_counter()
        timings["kernel_start_s"] = timings.get("kernel_start_s", 0.0) + imported - started
        self.run_silent(
            "__import__('qipp.render.kernel_state', fromlist=['_'])"
            f".warm_up({tuple(modules)!r}, check={integrity_checked()!r})",
            start_timeout_s + 120.0,
        )
        timings["imports_s"] = timings.get("imports_s", 0.0) + time.perf_counter() - imported

    async def _start(self, cwd: str, start_timeout_s: float) -> None:
        await self.manager.start_kernel(extra_arguments=list(KERNEL_ARGUMENTS), cwd=cwd)
        self.client = self.manager.client()
        self.client.start_channels()
        await self.client.wait_for_ready(timeout=start_timeout_s)
        self.client.allow_stdin = False

    def prepare(self, cwd: str) -> None:
        """Reset the kernel for the next notebook, working in ``cwd``."""
        self.run_silent(
            f"__import__('qipp.render.kernel_state', fromlist=['_']).prepare({cwd!r})",
            PREPARE_TIMEOUT_S,
        )

    def run_silent(self, code: str, timeout_s: float) -> list[str]:
        """Execute ``code`` silently (no history, no ``In [n]``); return any text it printed.

        Raises
        ------
        KernelSetupError
            If the code raises, or no reply comes within ``timeout_s``.
        """
        try:
            return _run(asyncio.wait_for(self._silent(code), timeout_s))
        except TimeoutError as exc:
            raise KernelSetupError(f"the kernel did not answer within {timeout_s:.0f} s") from exc
        except KernelSetupError:
            raise
        except Exception as exc:  # e.g. messages that no longer parse: json.dumps was patched
            raise KernelSetupError(f"the kernel's reply could not be read: {exc!r}") from exc

    async def _next(self, channel: str) -> dict:
        """The next message on ``channel`` (shell or iopub), checking every second that
        the kernel still runs."""
        receive = getattr(self.client, f"get_{channel}_msg")
        while True:
            try:
                return await receive(timeout=1.0)
            except queue.Empty:
                if not await self.manager.is_alive():
                    raise KernelSetupError("the kernel died") from None

    async def _silent(self, code: str) -> list[str]:
        msg_id = self.client.execute(code, silent=True, store_history=False, allow_stdin=False)
        reply = None
        while reply is None:
            message = await self._next("shell")
            if message["parent_header"].get("msg_id") == msg_id:
                reply = message["content"]
        printed: list[str] = []
        while True:  # drain the request's output up to its idle status
            message = await self._next("iopub")
            if message["parent_header"].get("msg_id") != msg_id:
                continue
            if message["msg_type"] == "stream":
                printed.append(message["content"]["text"])
            if message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
                break
        if reply.get("status") != "ok":
            raise KernelSetupError(
                f"{reply.get('ename')}: {reply.get('evalue')} (while running {code[:80]!r})",
                str(reply.get("ename") or ""),
                str(reply.get("evalue") or ""),
            )
        return printed

    def alive(self) -> bool:
        """True while the kernel process runs."""
        try:
            return bool(_run(self.manager.is_alive()))
        except Exception:
            return False

    def shutdown(self) -> tuple[str, ...]:
        """Kill the kernel now and remove its files; return the tail of its log (never raises)."""
        pid, connection_file = self.pid, self.manager.connection_file
        log = Path(connection_file).with_suffix(".log")
        try:
            tail = tuple(log.read_text(encoding="utf-8", errors="replace").splitlines()[-20:])
        except OSError:
            tail = ()
        try:
            if self.client is not None:
                self.client.stop_channels()
            _run(self.manager.shutdown_kernel(now=True))
        except BaseException:  # noqa: B036 - an interrupt mid-shutdown must not leave the kernel
            if pid is not None:
                kill_kernel(pid, connection_file)
        finally:
            for suffix in (".json", ".pid", ".log"):
                Path(connection_file).with_suffix(suffix).unlink(missing_ok=True)
        return tail


class KernelPool:
    """The warm kernels of this process: at most one per (kernel spec, manager class)."""

    def __init__(self) -> None:
        self._kernels: dict[tuple[str, type], WarmKernel] = {}
        self._default_dir: Path | None = None
        # What the last kernel killed wrote to its stderr (reported when it died).
        self.last_log_tail: tuple[str, ...] = ()
        # Why kernels were replaced before a notebook: the notebook that ran last in
        # the kernel and what the integrity check named.
        self.recycled: list[str] = []
        self.last_notebook = ""

    def default_manager_class(self) -> type:
        """An IPC kernel manager in a private folder, removed at exit (for plain papermill)."""
        if self._default_dir is None:
            self._default_dir = Path(tempfile.mkdtemp(prefix="qipp-warm-"))
            self._default_class = ipc_kernel_manager_class(self._default_dir)
        return self._default_class

    def acquire(
        self,
        kernel_name: str,
        manager_class: type | None,
        cwd: str,
        start_timeout_s: float,
        modules: tuple[str, ...],
        timings: dict[str, float],
    ) -> WarmKernel:
        """Return a kernel ready for a notebook in ``cwd``, starting one if needed.

        A kernel that has died, or whose reset fails, is replaced.

        Raises
        ------
        KernelSetupError
            If a new kernel cannot be started and warmed up.
        """
        key = (kernel_name, manager_class or self.default_manager_class())
        kernel = self._kernels.get(key)
        if kernel is not None and not kernel.alive():
            self.discard(kernel)
            kernel = None
        if kernel is not None:
            started = time.perf_counter()
            try:
                kernel.prepare(cwd)
                timings["reset_s"] = time.perf_counter() - started
                return kernel
            except KernelSetupError as exc:
                timings["reset_s"] = time.perf_counter() - started
                if exc.ename == "KernelStateChanged":
                    reason = f"{self.last_notebook or 'a notebook'} changed {exc.evalue}"
                    self.recycled.append(reason)
                    LOG.info("replacing a warm kernel: %s", reason)
                self.discard(kernel)
        kernel = WarmKernel(key[1], kernel_name)
        self._kernels[key] = kernel
        try:
            kernel.start(cwd, start_timeout_s, modules, timings)
            started = time.perf_counter()
            kernel.prepare(cwd)
            timings["reset_s"] = time.perf_counter() - started
        except BaseException:
            self.discard(kernel)
            raise
        return kernel

    def discard(self, kernel: WarmKernel) -> None:
        """Kill ``kernel`` and forget it."""
        for key, known in list(self._kernels.items()):
            if known is kernel:
                del self._kernels[key]
        self.last_log_tail = kernel.shutdown()

    def close(self) -> None:
        """Kill every kernel of this process."""
        for kernel in list(self._kernels.values()):
            self.discard(kernel)
        if self._default_dir is not None:
            shutil.rmtree(self._default_dir, ignore_errors=True)
            self._default_dir = None


POOL = KernelPool()
atexit.register(POOL.close)
