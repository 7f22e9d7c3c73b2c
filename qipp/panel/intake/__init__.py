"""Read a user's panel file (CSV, TSV or .xlsx NISFE return) safely into a panel.

:mod:`.pipeline` runs the steps in order (decision 0027): :mod:`.grid` turns bytes into
cells within the bounds of :mod:`.limits`; :mod:`.locate` finds the sheet, header row and
columns; :mod:`.normalise` fixes case, saying so; :mod:`.units` names money in £000 and
converts it when asked; :mod:`.register_check` compares a reported panel with the CCG
register; :mod:`.plausibility` flags unusual figures; :mod:`.report` collapses repeated
problems into one line each.
"""
