"""The ``qipp`` command: one thin module per command group.

Each submodule registers its commands on :data:`main` when imported.
"""

import qipp.cli.claims  # noqa: F401,E402  (registers `qipp claims`)
import qipp.cli.panel  # noqa: F401  (registers `qipp panel`)
import qipp.cli.render  # noqa: F401  (registers `qipp render`)
from qipp.cli._base import main

__all__ = ["main"]
