"""The synthetic-data banner shown by charts, the panel summary, the CLI and the index.

It imports nothing, so any layer may use it.
"""

__all__ = ["SYNTHETIC_BANNER"]

SYNTHETIC_BANNER = "SYNTHETIC DATA: invented CCGs calibrated to published totals, not real returns"
