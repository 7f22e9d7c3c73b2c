"""qipp: reproducible notebooks on the NHS in England's QIPP programme, 2010-2015.

>>> __version__.count(".") == 2
True
"""

__version__ = "0.2.0"
