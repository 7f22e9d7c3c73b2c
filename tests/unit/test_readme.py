"""The README stays a two-minute read: short, naming the two commands, linking pages that exist."""

from __future__ import annotations

import re

from qipp.paths import PROJECT_ROOT

README = PROJECT_ROOT / "README.md"
MAX_LINES = 150


def test_readme_is_short():
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= MAX_LINES, f"README.md has {len(lines)} lines; move detail to docs/"


def test_readme_names_the_two_commands_and_the_docs():
    text = README.read_text(encoding="utf-8")
    for command in ("make reports", "make test", "make docs"):
        assert re.search(rf"`{command}`|^{command}\b", text, re.M), command


def test_every_link_in_the_readme_leads_to_a_file_of_the_repository():
    text = README.read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text)
    assert targets, "the README links the documentation pages"
    broken = [t for t in targets if "://" not in t and not (PROJECT_ROOT / t).is_file()]
    assert not broken, f"README links to files that do not exist: {broken}"
