"""Nothing of a run outlives it: its processes die with their parent, whatever kills the parent.

``kill -9``, the OOM killer or a closed terminal ends ``qipp render`` without
running any of its clean-up. So the render's workers and their kernels do not
rely on being told: each asks the operating system to kill it when its parent
dies.

- A worker calls :func:`die_with_parent` first thing in the pool initializer:
  on Linux ``prctl(PR_SET_PDEATHSIG, SIGKILL)``, then a check that the parent
  did not die before the call took effect; elsewhere a watchdog thread that
  polls :func:`os.getppid`.
- A kernel is started with :func:`kernel_preexec` as ``preexec_fn``: the same
  ``prctl`` in the child right after the fork, so it dies with its worker.

Linux sends the signal when the *thread* that forked the child exits, not the
process: the render starts its workers, and workers their kernels, from their
main thread, so the two are the same. A kernel started from another thread
gets no such signal (it would die with the thread); ipykernel's own poller of
its parent still stops it within a second or so of its worker's death.

The folders a dead run leaves (its stage, its scratch folder) are the business
of :mod:`qipp.render.leftovers`. :class:`SignalLog` tells which signal
interrupted a run, so ``qipp render`` exits 130 after SIGINT and 143 after
SIGTERM (128 + the signal's number).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache

# <linux/prctl.h>
PR_SET_PDEATHSIG = 1
# How often the watchdog (no prctl) looks for a new parent.
WATCHDOG_INTERVAL_S = 0.5
# What a run's parent holds back while it starts workers, and a worker releases.
STOP_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM})


@lru_cache(maxsize=1)
def _prctl() -> Callable[..., int] | None:
    """libc's ``prctl``, or None where there is none (not Linux)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        function = libc.prctl
    except (OSError, AttributeError):
        return None
    # int prctl(int option, unsigned long arg2, arg3, arg4, arg5)
    function.argtypes = [ctypes.c_int] + [ctypes.c_ulong] * 4
    function.restype = ctypes.c_int
    prctl: Callable[..., int] = function
    return prctl


def _kill_myself() -> None:
    """End this process as its parent's death would have (SIGKILL: no clean-up runs)."""
    os.kill(os.getpid(), signal.SIGKILL)


def orphaned(parent_pid: int, ppid: int) -> bool:
    """True when a process whose parent was ``parent_pid`` now reports ``ppid``.

    An orphan is adopted by init (1) or a subreaper, so any other pid means the
    parent died.

    >>> orphaned(4242, 4242), orphaned(4242, 1), orphaned(4242, 977)
    (False, True, True)
    """
    return ppid != parent_pid


def die_with_parent(parent_pid: int, on_orphaned: Callable[[], object] | None = None) -> str:
    """Have this process die as soon as ``parent_pid`` (its parent) dies.

    Parameters
    ----------
    parent_pid : int
        The parent's pid, known independently of :func:`os.getppid` (for a
        ``multiprocessing`` child, ``multiprocessing.parent_process().pid``), so
        a parent that died before this call is noticed.
    on_orphaned : callable, optional
        For the watchdog only (no ``prctl``): run before this process kills
        itself, e.g. to stop its kernels.

    Returns
    -------
    str
        ``"prctl"`` or ``"watchdog"``: how the death will be noticed.
    """
    prctl = _prctl()
    if prctl is not None and prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
        # The parent may have died between the fork and the prctl: no signal then.
        if orphaned(parent_pid, os.getppid()):
            _kill_myself()
        return "prctl"
    _start_watchdog(parent_pid, on_orphaned)
    return "watchdog"


def _start_watchdog(parent_pid: int, on_orphaned: Callable[[], object] | None) -> None:
    def watch() -> None:
        while not orphaned(parent_pid, os.getppid()):
            time.sleep(WATCHDOG_INTERVAL_S)
        if on_orphaned is not None:
            with contextlib.suppress(Exception):
                on_orphaned()
        _kill_myself()

    threading.Thread(target=watch, name="qipp-parent-watchdog", daemon=True).start()


def kernel_preexec() -> Callable[[], None] | None:
    """A ``preexec_fn`` for ``Popen`` that makes the child die with this process.

    Returns None where it cannot (not Linux, or called from a thread other than
    the main one: the child would die with that thread), unless the thread says it
    lives as long as the process (a ``lives_with_process`` attribute that is true,
    as the render thread of a Dask worker does: :mod:`qipp.render.cluster_worker`).
    """
    prctl = _prctl()
    thread = threading.current_thread()
    lasting = thread is threading.main_thread() or getattr(thread, "lives_with_process", False)
    if prctl is None or not lasting:
        return None
    parent_pid = os.getpid()

    def preexec() -> None:  # in the child, between fork and exec: no allocation-heavy work
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent_pid:
            _kill_myself()

    return preexec


@contextlib.contextmanager
def starting_workers() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back (in this thread) while it starts worker processes.

    A process started meanwhile begins with both blocked, so a Ctrl-C cannot
    hit it while it is still importing (one traceback per worker); the worker
    releases them (:func:`release_stop_signals`) once its handlers are in
    place, and a signal sent meanwhile reaches it then. Those sent to this
    process meanwhile are delivered as the block ends.
    """
    from multiprocessing import resource_tracker

    # Started later, the resource tracker would unblock both here (CPython 3.11).
    resource_tracker.ensure_running()
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def release_stop_signals() -> None:
    """Unblock SIGINT and SIGTERM in this thread (a parent may start workers with them held).

    Call it once the process's handlers are in place: a signal that arrived
    while held is delivered now, to them.
    """
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)


def exit_status(signum: int) -> int:
    """What a shell reports for a process stopped by ``signum``: 128 + its number.

    >>> exit_status(signal.SIGINT), exit_status(signal.SIGTERM)
    (130, 143)
    """
    return 128 + int(signum)


class SignalLog:
    """Records every signal this process handles in Python while active (main thread only).

    Whichever Python handler a signal finds (the caller's, or one a library put
    in place meanwhile), the interpreter writes its number to the wakeup file
    descriptor (:func:`signal.set_wakeup_fd`) first; this reads them back. Off
    the main thread it records nothing.

    >>> previous = signal.signal(signal.SIGUSR1, lambda signum, frame: None)
    >>> with SignalLog() as log:
    ...     signal.raise_signal(signal.SIGUSR1)
    >>> _ = signal.signal(signal.SIGUSR1, previous)
    >>> log.first_of({signal.SIGTERM, signal.SIGUSR1}) == signal.SIGUSR1
    True
    """

    def __init__(self) -> None:
        self._read: int | None = None
        self._write: int | None = None
        self._previous = -1
        self._seen: list[int] = []

    def __enter__(self) -> SignalLog:
        read, write = os.pipe()
        os.set_blocking(read, False)
        os.set_blocking(write, False)
        try:
            self._previous = signal.set_wakeup_fd(write, warn_on_full_buffer=False)
        except ValueError:  # not the main thread
            os.close(read)
            os.close(write)
            return self
        self._read, self._write = read, write
        return self

    def received(self) -> list[int]:
        """The signals received so far, in order."""
        if self._read is not None:
            with contextlib.suppress(BlockingIOError, OSError):
                while chunk := os.read(self._read, 512):
                    self._seen.extend(chunk)
        return list(self._seen)

    def first_of(self, wanted: Iterable[int]) -> int | None:
        """The first received signal among ``wanted``, or None."""
        wanted = set(wanted)
        return next((s for s in self.received() if s in wanted), None)

    def __exit__(self, *exc: object) -> None:
        if self._write is None or self._read is None:
            return
        self.received()
        signal.set_wakeup_fd(self._previous)
        os.close(self._write)
        os.close(self._read)
        self._read = self._write = None
