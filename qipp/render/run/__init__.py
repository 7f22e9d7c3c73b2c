"""How it runs: one executor interface (a local process pool or a Dask cluster), the warm-kernel engine and its reset."""
