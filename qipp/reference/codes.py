"""NHS England's organisation codes and regions of April 2013, as the register uses them.

The bottom of the reference layer: the panel's schema takes its code pattern and
its regions from here, so the panel and the register cannot disagree on them.

>>> REGIONS[0], REGION_CCG_COUNTS_APRIL_2013["London"]
('North of England', 32)
"""

from __future__ import annotations

# NHS England's four commissioning regions of April 2013 with their CCG counts, as NHS
# England published them; tests/unit/test_reference.py checks the register against them.
REGION_CCG_COUNTS_APRIL_2013: dict[str, int] = {
    "North of England": 68,
    "Midlands and East of England": 61,
    "South of England": 50,
    "London": 32,
}
REGIONS: tuple[str, ...] = tuple(REGION_CCG_COUNTS_APRIL_2013)

ODS_CODE_PATTERN = r"[0-9]{2}[A-Z]"
