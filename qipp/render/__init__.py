"""Render notebooks into offline HTML reports: ``qipp render``.

The entry point is :mod:`qipp.render.pipeline`; :mod:`~qipp.render.plan` decides what
to run, :mod:`~qipp.render.run` runs it, :mod:`~qipp.render.site` publishes it. This
package imports only the papermill engine (``qipp.render:WarmEngine``), so a worker
or kernel that needs one part pays for little else.
"""

from qipp.render.run.engine import WarmEngine

__all__ = ["WarmEngine"]
