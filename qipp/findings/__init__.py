"""The findings: one package per published finding (what it computes, how it is reported, its charts).

``record`` writes a notebook's findings record; ``rows`` and ``wording`` serve every finding.
"""
