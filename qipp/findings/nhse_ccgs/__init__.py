"""Finding 4 (notebook 04): NHS England's own QIPP position against the CCGs'."""
