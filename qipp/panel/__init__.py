"""The CCG panel: NISFE 2013-14 returns, real or synthetic, one row per CCG (and quarter).

Its rules (:mod:`.schema`), reading a file (:mod:`.intake`), derived measures
(:mod:`.measures`), several quarters (:mod:`.quarters`), the synthetic generator
(:mod:`.synth`) and the published aggregates beside the panel's own (:mod:`.check`).
"""

from qipp.panel.check import check_panel, format_check_table, panel_aggregates
from qipp.panel.intake.pipeline import PanelRead, load_panel, read_panel
from qipp.panel.io import read_sidecar, sidecar_path, write_panel_csv
from qipp.panel.measures import DERIVED_COLUMNS, add_measures, is_synthetic, load_measured
from qipp.panel.quarters import QUARTER_FORM, at_quarter, latest, quarters
from qipp.panel.schema import PANEL_COLUMNS, PANEL_SPEC, REGIONS, panel_schema
from qipp.panel.summary import SYNTHETIC_BANNER, regional_summary, summarise_panel
from qipp.panel.synth import (
    DEFAULT_RHO,
    DEFAULT_SEED,
    GENERATOR_VERSION,
    generate_panel,
    write_synthetic_panel,
)
from qipp.validation import DataError

__all__ = [
    "DEFAULT_RHO",
    "DEFAULT_SEED",
    "DERIVED_COLUMNS",
    "DataError",
    "GENERATOR_VERSION",
    "PANEL_COLUMNS",
    "PANEL_SPEC",
    "PanelRead",
    "QUARTER_FORM",
    "REGIONS",
    "SYNTHETIC_BANNER",
    "add_measures",
    "at_quarter",
    "check_panel",
    "format_check_table",
    "generate_panel",
    "is_synthetic",
    "latest",
    "load_measured",
    "load_panel",
    "panel_aggregates",
    "panel_schema",
    "quarters",
    "read_panel",
    "read_sidecar",
    "regional_summary",
    "sidecar_path",
    "summarise_panel",
    "write_panel_csv",
    "write_synthetic_panel",
]
