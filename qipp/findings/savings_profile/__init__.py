"""Finding 3 (notebook 03): were the planned QIPP savings front-loaded?"""

TITLE = "Finding 3: the QIPP tracker's savings, front-loaded: 2011-12 to 2014-15"
