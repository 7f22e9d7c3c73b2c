"""The register's provenance line: the credit the README quotes, the folder that exists."""

from __future__ import annotations

import re

from qipp.paths import PROJECT_ROOT, REFERENCE_DIR
from qipp.reference.provenance import OGL_CREDIT, REGISTER_DESCRIPTION, register_provenance


def test_the_credit_is_the_one_the_reference_readme_quotes():
    readme = (REFERENCE_DIR / "README.md").read_text(encoding="utf-8")
    unquoted = " ".join(re.sub(r"^>\s?", "", line) for line in readme.splitlines())
    assert " ".join(OGL_CREDIT.split()) in " ".join(unquoted.split())


def test_the_description_names_a_folder_that_holds_the_raw_files():
    folder = re.search(r"\(([^)]+)\)$", REGISTER_DESCRIPTION).group(1)
    assert (PROJECT_ROOT / folder / "raw" / "SHA256SUMS").is_file()


def test_the_provenance_line_names_the_register_and_credits_it():
    line = register_provenance()
    assert line.startswith("Registered populations: CCG register of April 2013")
    assert line.endswith(OGL_CREDIT)
