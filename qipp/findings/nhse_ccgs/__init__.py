"""Finding 4 (notebook 04): NHS England's own QIPP position against the CCGs'."""

TITLE = (
    "Finding 4: NHS England expected to miss its QIPP plan by more than CCGs, on a smaller "
    "target (Q1 2013-14)"
)
