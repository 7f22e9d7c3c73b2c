"""The scorecard as JSON and formula-safe CSV, written atomically.

>>> scorecard_csv(scorecard()).splitlines()[0]
'id,source,quote,quantity,value,unit,precision,qualifier,as_published,status,derived_value,note'
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from qipp.atomic import atomic_write_text
from qipp.csvsafe import frame_to_csv
from qipp.derive.scoring import SCORECARD_COLUMNS, scorecard


def scorecard_records(card: pd.DataFrame) -> list[dict]:
    """The scorecard as JSON-ready dicts (NaN becomes None)."""
    records = []
    for row in card.to_dict("records"):
        record = {column: row[column] for column in SCORECARD_COLUMNS}
        record["value"] = float(record["value"])
        record["precision"] = float(record["precision"])
        qualifier = record["qualifier"]
        record["qualifier"] = None if pd.isna(qualifier) or not qualifier else str(qualifier)
        derived = record["derived_value"]
        record["derived_value"] = None if pd.isna(derived) else float(derived)
        records.append(record)
    return records


def scorecard_json(card: pd.DataFrame) -> str:
    """The scorecard as a JSON array, one object per claim."""
    return json.dumps(scorecard_records(card), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def scorecard_csv(card: pd.DataFrame) -> str:
    """The scorecard as formula-safe CSV text (empty ``derived_value`` when stated)."""
    return frame_to_csv(card.loc[:, list(SCORECARD_COLUMNS)])


def write_scorecard(directory: Path | str, card: pd.DataFrame | None = None) -> list[Path]:
    """Write ``claims.json`` and ``claims.csv`` into ``directory`` atomically; return their paths."""
    card = scorecard() if card is None else card
    directory = Path(directory)
    written = []
    for name, text in (("claims.json", scorecard_json(card)), ("claims.csv", scorecard_csv(card))):
        atomic_write_text(directory / name, text)
        written.append(directory / name)
    return written
