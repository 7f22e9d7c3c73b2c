"""Render notebooks into offline HTML reports: ``qipp render``.

The entry point is :mod:`qipp.render.pipeline` (:func:`~qipp.render.pipeline.render_reports`
and :func:`~qipp.render.pipeline.render_in_place`, told what to do by
:class:`~qipp.render.options.RenderOptions`), and it reads as the flow:

- :mod:`qipp.render.plan`: what to run (jobs, parameters, the render cache's key,
  the panel's profiles, the run's provenance);
- :mod:`qipp.render.run`: how it runs (one executor interface, this machine's
  process pool or a Dask cluster; the warm-kernel papermill engine; the reset);
- :mod:`qipp.render.site`: where it lands (stage, publish, manifest, index, pages).

:mod:`qipp.render.errors` says what stops a run. This package imports only the
papermill engine (``qipp_warm``, registered by its stable name ``qipp.render:WarmEngine``),
so a worker process or a kernel that needs one part of it pays for little else.
"""

from qipp.render.run.engine import WarmEngine

__all__ = ["WarmEngine"]
