"""Read a user's panel file (CSV, TSV or .xlsx NISFE return) safely into a panel.

The modules run in order: :mod:`.grid` turns bytes into cells within the bounds
of :mod:`.limits`; later modules find the table, normalise cells, check
plausibility and collapse repeated problems.
"""
