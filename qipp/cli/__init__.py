"""The ``qipp`` command: each submodule registers its commands on :data:`main`."""

import qipp.cli.claims  # noqa: F401,E402  (registers `qipp claims`)
import qipp.cli.panel  # noqa: F401  (registers `qipp panel`)
import qipp.cli.render  # noqa: F401  (registers `qipp render`)
from qipp.cli._base import main

__all__ = ["main"]
