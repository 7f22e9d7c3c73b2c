"""The findings: one package per published finding (what it computes, how it is reported, its charts).

A notebook's findings record (:mod:`.record`) is the part for every notebook: one call,
:func:`write_record`, gives a notebook of one's own the record the index shows.
``rows`` and ``wording`` serve every finding.
"""

from qipp.findings.record import WrittenRecord, read_findings, write_findings, write_record

__all__ = ["WrittenRecord", "read_findings", "write_findings", "write_record"]
