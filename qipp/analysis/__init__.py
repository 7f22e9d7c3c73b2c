"""Analyses behind the finding notebooks: one module per finding, pure functions, unit-tested."""
