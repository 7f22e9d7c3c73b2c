"""The ``qipp`` command: one thin module per command group.

Each submodule registers its commands on :data:`main` when imported.
"""

from qipp.cli._base import main

__all__ = ["main"]
