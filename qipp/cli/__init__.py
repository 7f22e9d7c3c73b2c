"""The ``qipp`` command: one thin module per command group.

Each submodule registers its commands on :data:`main` when imported.
"""

from qipp.cli._base import main
import qipp.cli.claims  # noqa: F401,E402  (registers `qipp claims`)
import qipp.cli.panel  # noqa: F401,E402  (registers `qipp panel`)

__all__ = ["main"]
