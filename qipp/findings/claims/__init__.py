"""Notebook 00: the claims ledger, its scorecard and what it reproduces."""
