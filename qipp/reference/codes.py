"""NHS England's organisation codes and regions of April 2013, shared by register and panel.

>>> REGIONS[0], REGION_CCG_COUNTS_APRIL_2013["London"]
('North of England', 32)
"""

from __future__ import annotations

# As NHS England published them; tests/unit/test_reference.py checks the register.
REGION_CCG_COUNTS_APRIL_2013: dict[str, int] = {
    "North of England": 68,
    "Midlands and East of England": 61,
    "South of England": 50,
    "London": 32,
}
REGIONS: tuple[str, ...] = tuple(REGION_CCG_COUNTS_APRIL_2013)

ODS_CODE_PATTERN = r"[0-9]{2}[A-Z]"
