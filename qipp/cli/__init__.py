"""The ``qipp`` command: each submodule registers its commands on :data:`main`."""

# First: _base makes a Ctrl-C during the imports below one line, not a traceback.
from qipp.cli._base import main  # noqa: I001
import qipp.cli.claims  # noqa: F401  (registers `qipp claims`)
import qipp.cli.panel  # noqa: F401  (registers `qipp panel`)
import qipp.cli.render  # noqa: F401  (registers `qipp render`)

__all__ = ["main"]
