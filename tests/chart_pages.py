"""What the render tests check of a page's charts: a text alternative backed by the chart's own data.

Each ``<img>`` must carry a text alternative that is neither empty nor nbconvert's placeholder,
naming at least two figures, and be followed (before any other image) by its
"data behind this chart" block, whose table headers and cells hold every figure the text
names, rounded as shown (:func:`qipp.plotting.chart.figures` reads both sides).
"""

from __future__ import annotations

from bs4 import BeautifulSoup

from qipp.plotting.chart import figures

PLACEHOLDER = "No description has been provided for this image"


def chart_problems(page: str) -> tuple[int, list[str]]:
    """How many images ``page`` has, and what is wrong with their text alternatives."""
    soup = BeautifulSoup(page, "html.parser")
    problems: list[str] = []
    images = soup.find_all("img")
    for image in images:
        alt = str(image.get("alt") or "").strip()
        if not alt or alt == PLACEHOLDER:
            problems.append(f"an image without a text alternative ({alt!r})")
            continue
        named = figures(alt)
        if len(named) < 2:
            problems.append(f"names fewer than two figures: {alt!r}")
        block = image.find_next(["img", "details"])
        if block is None or block.name != "details" or "qipp-chart-data" not in block["class"]:
            problems.append(f"no data behind the chart under it: {alt!r}")
            continue
        held = {f for cell in block.find_all(["th", "td"]) for f in figures(cell.get_text())}
        missing = [f for f in named if f not in held]
        if missing:
            problems.append(f"figures {missing} not in the chart's table: {alt!r}")
        if not block.find("caption"):
            problems.append(f"the chart's table has no caption naming its source: {alt!r}")
    return len(images), problems
