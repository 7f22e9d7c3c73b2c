"""A multiprocessing context that remembers the worker processes a pool starts.

``ProcessPoolExecutor`` keeps its processes in a private dict; stopping a pool
after Ctrl-C, or reaping a broken one, needs them (their pids, to signal; their
exit codes, to tell how a worker died). Passing this context as ``mp_context``
(a documented parameter) records each process as the pool creates it, through
the context's public ``Process`` factory, so qipp never reads the private dict.

>>> context = TrackedSpawnContext()
>>> context.get_start_method(), context.processes
('spawn', [])
"""

from __future__ import annotations

import multiprocessing
from multiprocessing.process import BaseProcess
from typing import Any


class TrackedSpawnContext:
    """The ``spawn`` context, recording every process it makes in :attr:`processes`."""

    def __init__(self) -> None:
        self._context = multiprocessing.get_context("spawn")
        self.processes: list[BaseProcess] = []

    def Process(self, *args: Any, **kwargs: Any) -> BaseProcess:  # noqa: N802 (the context's API name)
        """Make a process as the spawn context does, and remember it."""
        process = self._context.Process(*args, **kwargs)
        self.processes.append(process)
        return process

    def __getattr__(self, name: str) -> Any:
        # Everything else (queues, locks, the start method) is the spawn context's own.
        return getattr(self._context, name)
