"""Nothing of a run outlives it: workers and kernels die with their parent, however it dies.

``kill -9``, the OOM killer or a closed terminal ends ``qipp render`` without any
clean-up of its own, so its processes do not rely on being told. On Linux each
asks the kernel, through libc's ``prctl(PR_SET_PDEATHSIG, SIGKILL)``, to be killed
when its parent dies: a worker first thing in the pool's initializer
(:func:`die_with_parent`), a kernel between fork and exec (:func:`kernel_preexec`).
That is the only use of ``ctypes`` in qipp. Elsewhere the signal is not
available: ipykernel's own poller still ends a kernel whose parent has gone.

Linux sends the signal when the *thread* that started the child exits: workers
start their kernels from a thread that lives as long as they do (the main
thread of a local worker, the render thread of a Dask worker).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
from collections.abc import Callable
from functools import lru_cache

# <linux/prctl.h>
PR_SET_PDEATHSIG = 1


@lru_cache(maxsize=1)
def _prctl() -> Callable[..., int] | None:
    """libc's ``prctl``, or None off Linux."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    # int prctl(int option, unsigned long arg2, arg3, arg4, arg5)
    function.argtypes = [ctypes.c_int] + [ctypes.c_ulong] * 4
    function.restype = ctypes.c_int
    prctl: Callable[..., int] = function
    return prctl


def die_with_parent(parent_pid: int) -> bool:
    """Have this process killed when ``parent_pid``, its parent, dies; False where it cannot.

    ``parent_pid`` is known independently of :func:`os.getppid`, so a parent that
    died before the call took effect is noticed: the process then kills itself.
    """
    prctl = _prctl()
    if prctl is None or prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        return False
    if os.getppid() != parent_pid:
        os.kill(os.getpid(), signal.SIGKILL)
    return True


def kernel_preexec() -> Callable[[], None] | None:
    """A ``preexec_fn`` for ``Popen`` that makes the child die with this process (Linux)."""
    prctl = _prctl()
    if prctl is None:
        return None
    parent_pid = os.getpid()

    def preexec() -> None:  # in the child, between fork and exec: nothing that allocates much
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent_pid:
            os.kill(os.getpid(), signal.SIGKILL)

    return preexec
