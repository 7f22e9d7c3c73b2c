"""Finding 5 (notebook 05): PCTs' progress on QIPP in 2010-11."""
