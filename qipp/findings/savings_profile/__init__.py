"""Finding 3 (notebook 03): were the planned QIPP savings front-loaded?"""
