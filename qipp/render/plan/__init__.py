"""What to run: the jobs, their parameters, the render cache's key, the panel's profiles and the run's provenance."""
