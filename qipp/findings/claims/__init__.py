"""Notebook 00: the claims ledger, its scorecard and what it reproduces."""

TITLE = "The claims ledger: every published figure, and which ones reproduce"
