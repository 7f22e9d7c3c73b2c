"""Finding 1 (notebook 01): the commissioners' forecast shortfall more than doubled from Q1 to Q2 2013-14."""

TITLE = (
    "Finding 1: The commissioners' forecast QIPP shortfall more than doubled between Q1 "
    "and Q2 2013-14"
)
