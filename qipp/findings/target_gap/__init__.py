"""Finding 2 (notebook 02): do CCGs with bigger QIPP targets forecast bigger gaps?"""

TITLE = "Finding 2: does a bigger QIPP target mean a bigger forecast gap?"
