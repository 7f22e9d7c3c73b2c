"""The progress bar of a batch: reports done out of the total, and how many failed."""

from __future__ import annotations

import sys

BAR_FORMAT = "{desc}: {n_fmt}/{total_fmt} done{postfix} |{bar}| [{elapsed}<{remaining}]"


class ProgressBar:
    """A tqdm bar on stderr counting reports done and failed (disabled: counts only)."""

    def __init__(self, total: int, enabled: bool) -> None:
        from tqdm import tqdm

        # In a log (not a terminal) every redraw is a new line: redraw every 10 s there.
        redraw_s = 0.1 if sys.stderr.isatty() else 10.0
        self.failed = 0
        self.bar = tqdm(
            total=total,
            desc="qipp render",
            unit="report",
            file=sys.stderr,
            disable=not enabled,
            bar_format=BAR_FORMAT,
            dynamic_ncols=True,
            mininterval=redraw_s,
            maxinterval=max(redraw_s, 10.0),
        )
        self.bar.set_postfix_str("0 failed", refresh=False)

    def record(self, ok: bool) -> None:
        """One more report done."""
        self.failed += not ok
        self.bar.set_postfix_str(f"{self.failed} failed", refresh=False)
        self.bar.update(1)

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.close()


def progress_bar(total: int, enabled: bool = True) -> ProgressBar:
    """The progress bar a batch shows while it runs ``total`` reports (local or on a cluster)."""
    return ProgressBar(total, enabled)
