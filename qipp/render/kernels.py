"""Kernel processes: IPC connections in a private folder, their logs and pid files, and killing them.

Each kernel gets its own connection file and talks over IPC (Unix sockets) in a
private scratch folder: with TCP, kernels started at the same moment by parallel
workers can race for the same free port. Beside its connection file a kernel
leaves a ``.log`` (its own stdout/stderr) and a ``.pid`` file, by which an
interrupted batch finds and stops a kernel its worker could not shut down.

A kernel dies with the process that started it, whatever kills that process
(:func:`qipp.render.lifeline.kernel_preexec`).
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

# A Unix socket path holds at most 107 bytes on Linux; each kernel's socket names add
# up to 25 ("/k-" + 12 hex digits + "-ipc-" + a port number of up to 5 digits).
_MAX_SOCKET_DIR_CHARS = 80


def ipc_kernel_manager_class(scratch_dir: Path, sockets_dir: Path | None = None) -> type[Any]:
    """Return a kernel manager class whose kernels use IPC inside ``scratch_dir``.

    Parameters
    ----------
    scratch_dir : Path
        Existing folder; each kernel's connection file (``k-<id>.json``) and a
        ``k-<id>.pid`` file go there. The pid file lets an interrupted batch
        find and stop a kernel its worker could not shut down.
    sockets_dir : Path, optional
        Existing folder for the sockets (``k-<id>-ipc-N``); ``scratch_dir``
        when omitted. Give a short one when ``scratch_dir`` is deep.

    Returns
    -------
    type
        A subclass of ``jupyter_client.AsyncKernelManager``; its ``socket_folder``
        attribute names the sockets' folder.
    """
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    from qipp.render.lifeline import kernel_preexec

    class IPCKernelManager(AsyncKernelManager):
        # Where the sockets go, for whoever must remove that folder afterwards.
        socket_folder: Path = sockets_dir or scratch_dir

        @default("transport")
        def _default_transport(self) -> str:
            return "ipc"

        @default("connection_file")
        def _default_connection_file(self) -> str:
            return str(scratch_dir / f"k-{uuid.uuid4().hex[:12]}.json")

        @default("ip")
        def _default_ip(self) -> str:
            return str((sockets_dir or scratch_dir) / f"{Path(self.connection_file).stem}-ipc")

        async def _async_launch_kernel(self, kernel_cmd: list[str], **kwargs: Any) -> None:
            # The kernel's own stdout/stderr (ipykernel's log lines, not cell output)
            # go to a file beside its connection file, not over the progress bar.
            with open(Path(self.connection_file).with_suffix(".log"), "ab") as log:
                kwargs.setdefault("stdout", log)
                kwargs.setdefault("stderr", log)
                # Killed (SIGKILL) when this process dies, however it dies.
                preexec = kernel_preexec()
                if preexec is not None:
                    kwargs.setdefault("preexec_fn", preexec)
                await super()._async_launch_kernel(kernel_cmd, **kwargs)

        async def _async_post_start_kernel(self, **kwargs: Any) -> None:
            process = getattr(self.provisioner, "process", None)
            if process is not None:
                Path(self.connection_file).with_suffix(".pid").write_text(str(process.pid))
            await super()._async_post_start_kernel(**kwargs)

    return IPCKernelManager


def socket_dir(scratch_dir: Path) -> Path:
    """Return ``scratch_dir``, or a short folder under /tmp when it is too long for sockets.

    The short folder names this process as its owner, so a run that starts
    removes it if this process died without doing so (:mod:`qipp.render.leftovers`).

    >>> socket_dir(Path("/tmp/short")).as_posix()
    '/tmp/short'
    """
    if len(str(scratch_dir)) <= _MAX_SOCKET_DIR_CHARS:
        return scratch_dir
    import tempfile

    from qipp.render.leftovers import SOCKETS_PARENT, SOCKETS_PREFIX, claim

    folder = Path(tempfile.mkdtemp(prefix=SOCKETS_PREFIX, dir=SOCKETS_PARENT))
    claim(folder)
    return folder


def kernel_log_tail(scratch_dir: Path, lines: int = 20) -> tuple[str, ...]:
    """The last ``lines`` lines the kernels in ``scratch_dir`` wrote to stdout/stderr.

    >>> kernel_log_tail(Path("/nonexistent"))
    ()
    """
    tail: list[str] = []
    for log in sorted(scratch_dir.glob("k-*.log")) if scratch_dir.is_dir() else []:
        tail += log.read_text(encoding="utf-8", errors="replace").splitlines()
    return tuple(tail[-lines:])


def kernel_pids(scratch_root: Path) -> list[tuple[int, str]]:
    """Return (pid, connection file) for every kernel started under ``scratch_root``.

    >>> kernel_pids(Path("/nonexistent"))
    []
    """
    found = []
    if scratch_root.is_dir():
        for pid_file in scratch_root.rglob("k-*.pid"):
            try:
                found.append((int(pid_file.read_text()), str(pid_file.with_suffix(".json"))))
            except (OSError, ValueError):
                continue
    return found


def kill_kernels(folder: Path) -> None:
    """Kill every kernel started under ``folder`` (by its pid file) and remove the short
    sockets folder its connection file names, if it has one of its own."""
    import json
    import shutil

    from qipp.render.leftovers import SOCKETS_PREFIX

    for pid, connection_file in kernel_pids(folder):
        kill_kernel(pid, connection_file)
        try:
            sockets = Path(json.loads(Path(connection_file).read_text())["ip"]).parent
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if sockets.name.startswith(SOCKETS_PREFIX):
            shutil.rmtree(sockets, ignore_errors=True)


def kill_kernel(pid: int, connection_file: str) -> bool:
    """Kill a kernel (and its process group) if it is still running; True if it was.

    The process's command line must name ``connection_file`` (where /proc shows
    it), so a recycled pid is never hit.
    """
    import signal

    cmdline = Path(f"/proc/{pid}/cmdline")
    try:
        if cmdline.exists() and connection_file not in cmdline.read_bytes().decode(
            "utf-8", "replace"
        ):
            return False
        os.killpg(pid, signal.SIGKILL)
        return True
    except (ProcessLookupError, PermissionError):
        return False
    except OSError:
        return False
