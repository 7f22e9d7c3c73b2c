"""Finding 5 (notebook 05): PCTs' progress on QIPP in 2010-11."""

TITLE = "Finding 5: PCTs' slow progress with QIPP, 2010-11"
