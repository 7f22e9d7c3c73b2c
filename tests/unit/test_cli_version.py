"""``qipp --version`` reports the version the package itself declares."""

from __future__ import annotations

from click.testing import CliRunner

import qipp
from qipp.cli import main


def test_version_option_prints_package_version():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0, result.output
    assert qipp.__version__ in result.output
    assert result.output.strip() == f"qipp, version {qipp.__version__}"
