"""A notebook that breaks its kernel's messaging: reported as that notebook's failure, where it broke.

The kernel signs and serialises every reply with the modules it shares with the
notebook. A notebook that replaces ``json.dumps`` (say) makes the kernel's next
message unreadable: jupyter_client raises ``KeyError: 'msg_id'`` or
``ValueError: Duplicate Signature`` from deep inside nbclient, with no cell
number. :func:`broke_messaging` recognises such an error by where it was
raised; :func:`messaging_failure` turns it into a :class:`CellError` on the cell
that was running and marks that cell failed (an error output), so the failed
notebook says where it happened. Executors replace the kernel and do not retry:
the notebook would break it again.

Examples
--------
>>> broke_messaging(KeyError("msg_id"))
False
"""

from __future__ import annotations

import traceback
from typing import Any

from qipp.render.execute import CellError, ExecutionRequest
from qipp.render.parameters import source_cell_number
from qipp.render.retry import running_cell

ENAME = "KernelMessagingError"
# Modules whose exceptions mean a message from the kernel could not be read.
_MESSAGING_MODULES = (
    "jupyter_client.session",
    "jupyter_client.channels",
    "jupyter_client.jsonutil",
)


def broke_messaging(exc: BaseException) -> bool:
    """True when ``exc`` was raised while reading a message from the kernel."""
    if not isinstance(exc, Exception):
        return False
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_globals.get("__name__", "") in _MESSAGING_MODULES:
            return True
        tb = tb.tb_next
    return False


def messaging_failure(exc: BaseException, notebook: Any, request: ExecutionRequest) -> CellError:
    """The failure of the cell that was running when the kernel's messages stopped parsing.

    The cell gets an error output saying so and papermill's ``failed`` status.
    """
    detail = f"{type(exc).__name__}: {exc}"
    evalue = (
        f"the kernel's reply could not be read ({detail}) after this cell ran: the notebook "
        "may have replaced something the kernel uses to send messages (json.dumps, for "
        "one); its kernel was replaced"
    )
    lines = tuple(traceback.format_exception(type(exc), exc, exc.__traceback__))
    index = running_cell(notebook)
    if index is None:
        return CellError(ENAME, evalue, traceback=lines)
    cell = notebook.cells[index]
    if cell.cell_type == "code":
        import nbformat

        cell.outputs.append(
            nbformat.v4.new_output("error", ename=ENAME, evalue=evalue, traceback=[evalue])
        )
    cell.metadata.setdefault("papermill", {})["status"] = "failed"
    number = source_cell_number(request.input_path, index, injected=bool(request.parameters))
    return CellError(ENAME, evalue, number, cell.get("execution_count"), lines)
