"""Finding 2 (notebook 02): do CCGs with bigger QIPP targets forecast bigger gaps?"""
