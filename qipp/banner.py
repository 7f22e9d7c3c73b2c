"""The one wording of the synthetic-data banner, at the bottom of the package.

Charts (:mod:`qipp.plotting`), the panel summary (:mod:`qipp.panel.summary`),
the CLI and the report index all show this text, so it reads the same
everywhere; it imports nothing, so any layer may use it.

>>> SYNTHETIC_BANNER.startswith("SYNTHETIC DATA")
True
"""

SYNTHETIC_BANNER = "SYNTHETIC DATA: invented CCGs calibrated to published totals, not real returns"
