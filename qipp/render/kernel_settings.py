"""Inside a reused kernel: process settings a notebook can change, recorded and put back.

Runs in the kernel (see :mod:`qipp.render.kernel_state`). :func:`capture` records,
right after warm-up, and :func:`restore` puts back before every notebook:

- the umask;
- the ``decimal`` context (precision, rounding, traps...) and ``decimal.DefaultContext``;
- the socket default timeout and the recursion limit;
- ``logging``: ``logging.disable``, the level, handlers, filters, ``propagate`` and
  ``disabled`` of the root and every logger that existed, and the level, formatter
  and filters of their handlers; a logger made later gets ``getLogger``'s defaults
  back, keeping only a ``NullHandler`` (libraries add one when imported);
- matplotlib's backend (``%matplotlib inline`` selects it again under another name).

Examples
--------
>>> import socket
>>> settings = capture()
>>> socket.setdefaulttimeout(3.5)
>>> restore(settings)
>>> socket.getdefaulttimeout() is None
True
"""

from __future__ import annotations

import decimal
import logging
import os
import socket
import sys
from dataclasses import dataclass
from typing import Any


@dataclass
class LoggingState:
    """``logging`` configuration: what :func:`restore_settings` puts back."""

    disable: int
    loggers: list[tuple[logging.Logger, int, list, list, bool, bool]]
    handlers: list[tuple[logging.Handler, int, Any, list]]


@dataclass
class Settings:
    """Process settings outside any namespace, as they were after warm-up."""

    umask: int
    decimal_context: decimal.Context
    decimal_values: decimal.Context
    default_context: decimal.Context
    socket_timeout: float | None
    recursion_limit: int
    logging: LoggingState
    matplotlib_backend: str | None = None


def _logging_state() -> LoggingState:
    manager = logging.root.manager
    loggers = [logging.root] + [
        logger for logger in list(manager.loggerDict.values()) if isinstance(logger, logging.Logger)
    ]
    handlers = {id(h): h for logger in loggers for h in logger.handlers}
    return LoggingState(
        manager.disable,
        [
            (lg, lg.level, list(lg.handlers), list(lg.filters), lg.propagate, lg.disabled)
            for lg in loggers
        ],
        [(h, h.level, h.formatter, list(h.filters)) for h in handlers.values()],
    )


def capture() -> Settings:
    """Record the settings :func:`restore` puts back."""
    umask = os.umask(0o022)
    os.umask(umask)
    context = decimal.getcontext()
    pyplot = sys.modules.get("matplotlib.pyplot")
    return Settings(
        umask,
        context,
        context.copy(),
        decimal.DefaultContext.copy(),
        socket.getdefaulttimeout(),
        sys.getrecursionlimit(),
        _logging_state(),
        None if pyplot is None else pyplot.get_backend(),
    )


def _restore_decimal(settings: Settings) -> None:
    if decimal.getcontext() is not settings.decimal_context:
        decimal.setcontext(settings.decimal_context)
    for context, saved in (
        (settings.decimal_context, settings.decimal_values),
        (decimal.DefaultContext, settings.default_context),
    ):
        for name in ("prec", "rounding", "Emin", "Emax", "capitals", "clamp"):
            if getattr(context, name) != getattr(saved, name):
                setattr(context, name, getattr(saved, name))
        context.traps.update(saved.traps)
        context.flags.update(saved.flags)


def _reset_new_logger(logger: logging.Logger) -> bool:
    """Give a logger made after warm-up the defaults of ``getLogger``; True if it had others.

    A ``NullHandler`` stays: libraries add one to their own logger when imported.
    """
    handlers: list[logging.Handler] = [
        h for h in logger.handlers if isinstance(h, logging.NullHandler)
    ]
    if (logger.level, logger.propagate, logger.disabled, logger.filters, logger.handlers) == (
        logging.NOTSET,
        True,
        False,
        [],
        handlers,
    ):
        return False
    logger.level, logger.propagate, logger.disabled = logging.NOTSET, True, False
    logger.handlers, logger.filters = handlers, []
    return True


def _restore_logging(state: LoggingState) -> None:
    manager = logging.root.manager
    changed = manager.disable != state.disable
    manager.disable = state.disable
    for logger, level, handlers, filters, propagate, disabled in state.loggers:
        if (logger.level, logger.handlers, logger.filters) != (level, handlers, filters) or (
            logger.propagate,
            logger.disabled,
        ) != (propagate, disabled):
            changed = True
            logger.level, logger.propagate, logger.disabled = level, propagate, disabled
            logger.handlers, logger.filters = list(handlers), list(filters)
    for handler, level, formatter, filters in state.handlers:
        handler.level, handler.formatter = level, formatter
        if handler.filters != filters:
            handler.filters = list(filters)
    known = {id(saved[0]) for saved in state.loggers}
    for made in list(manager.loggerDict.values()):
        if isinstance(made, logging.Logger) and id(made) not in known:
            changed = _reset_new_logger(made) or changed
    if changed:
        manager._clear_cache()  # type: ignore[attr-defined]  # the loggers' level caches


def restore(settings: Settings) -> None:
    """Put back the umask, ``decimal``, the socket timeout, the recursion limit, ``logging``
    and matplotlib's backend (``%matplotlib inline`` switches to it again, by another name)."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None and settings.matplotlib_backend is not None:
        if pyplot.get_backend() != settings.matplotlib_backend:
            pyplot.switch_backend(settings.matplotlib_backend)
    os.umask(settings.umask)
    _restore_decimal(settings)
    if socket.getdefaulttimeout() != settings.socket_timeout:
        socket.setdefaulttimeout(settings.socket_timeout)
    if sys.getrecursionlimit() != settings.recursion_limit:
        sys.setrecursionlimit(settings.recursion_limit)
    _restore_logging(settings.logging)
