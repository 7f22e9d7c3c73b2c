"""Tables a reader can cite: human headers, fixed decimals, no NaN, same HTML every run.

>>> frame = pd.DataFrame({"ccg_code": ["11J", "07H"], "plan_gbp_m": [2.4, None],
...                       "behind": [True, False]})
>>> shown = table(frame, labels={"ccg_code": "CCG", "plan_gbp_m": "Plan (£m)",
...                              "behind": "Behind plan"}, formats={"plan_gbp_m": ",.1f"})
>>> print(shown)
CCG Plan (£m) Behind plan
11J       2.4         yes
07H         –          no
>>> 'class="dataframe"' in shown._repr_html_(), "NaN" in shown._repr_html_()
(False, False)

A table shown as HTML is remembered, its values at full precision, until
:func:`forget_shown`: what a report's downloads hold (:mod:`qipp.downloads`).

>>> shown_tables()[-1].values["Plan (£m)"].tolist()[:1]
[2.4]
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from pandas.io.formats.style import Styler

__all__ = ["MISSING", "YES_NO", "ShownAsTable", "Table", "facts", "forget_shown"]
__all__ += ["shown_tables", "table"]

MISSING = "–"
YES_NO = ("yes", "no")
DEFAULT_FLOAT_FORMAT = ",.2f"
DEFAULT_INT_FORMAT = ",d"

Formatter = str | Callable[[Any], str]

# Wide tables wrap their headers and cells instead of scrolling off the page.
_TABLE_CSS: list[dict[str, str]] = [
    {"selector": selector, "props": props}
    for selector, props in {
        "": "border-collapse: collapse; font-size: 0.9em; max-width: 100%;",
        "caption": "caption-side: bottom; text-align: left; color: #555; font-size: 0.85em;"
        " padding-top: 0.3em;",
        "th": "text-align: right; vertical-align: bottom; white-space: normal;"
        " padding: 0.2em 0.6em; border-bottom: 1px solid #333;",
        "td": "text-align: right; padding: 0.2em 0.6em; white-space: normal;",
        "td.qipp-text": "text-align: left;",
        "td.qipp-highlight": "font-weight: bold; background: #fff3c4;",
    }.items()
]
# The tables shown as HTML since the last forget_shown(), by id, in the order shown.
_shown: dict[str, Table] = {}


def _format_value(
    value: Any, formatter: Formatter | None, na_rep: str, yes_no: Sequence[str]
) -> str:
    if value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value))):
        return na_rep
    if isinstance(value, bool):
        return yes_no[0] if value else yes_no[1]
    if callable(formatter):
        return formatter(value)
    if formatter is not None:
        return format(value, formatter)
    if isinstance(value, int):
        return format(value, DEFAULT_INT_FORMAT)
    if isinstance(value, float):
        return format(value, DEFAULT_FLOAT_FORMAT)
    return str(value)


def _python_scalar(value: Any) -> Any:
    """NumPy scalars to Python ones, so ``isinstance`` tests see bool/int/float."""
    return value.item() if hasattr(value, "item") and not isinstance(value, str) else value


@dataclass(frozen=True)
class Table:
    """A formatted table (cells as text): HTML in a notebook or report, aligned text elsewhere.

    ``values`` holds what the cells show at full precision, under the same headers (the
    index first when it is shown); ``title`` names the table in its downloads.
    """

    cells: pd.DataFrame
    caption: str | None = None
    index_label: str | None = None
    highlight: tuple[int, ...] = ()
    split_after: int | None = None
    numeric: tuple[str, ...] = field(default=())
    values: pd.DataFrame | None = None
    title: str | None = None

    @property
    def headers(self) -> list[str]:
        return [str(c) for c in self.cells.columns]

    def _id(self) -> str:
        # An id from the content: same table, same HTML on every run (nbval compares it).
        digest = hashlib.sha256(
            self.cells.to_json(orient="split").encode() + str(self.caption).encode()
        )
        return "qipp-" + digest.hexdigest()[:10]

    def _parts(self) -> list[pd.DataFrame]:
        """The columns in page-width groups; the first column repeats in each."""
        if self.split_after is None or self.cells.shape[1] <= self.split_after + 1:
            return [self.cells]
        key, rest = self.cells.columns[0], list(self.cells.columns[1:])
        size = self.split_after
        return [self.cells[[key, *rest[i : i + size]]] for i in range(0, len(rest), size)]

    def _styler(self, cells: pd.DataFrame, part: int) -> Styler:
        shown = cells.copy()
        styler = Styler(shown, uuid=f"{self._id()}-{part}", cell_ids=False)
        styler.set_table_styles(_TABLE_CSS)  # type: ignore[arg-type]  # stubs want TypedDicts
        if self.index_label is None:
            styler.hide(axis="index")
        else:
            styler.index.name = self.index_label
        parts = len(self._parts())
        # Every part has a caption (WCAG: a table says what it is), the source repeated.
        numbered = f"Part {part + 1} of {parts}." if parts > 1 else ""
        caption = " ".join(text for text in (numbered, self.caption or "") if text)
        if caption:
            styler.set_caption(caption)
        highlighted = set(self.highlight)
        classes = [
            [
                " ".join(
                    ([] if column in self.numeric else ["qipp-text"])
                    + (["qipp-highlight"] if row in highlighted else [])
                )
                for column in shown.columns
            ]
            for row in range(len(shown))
        ]
        styler.set_td_classes(pd.DataFrame(classes, index=shown.index, columns=shown.columns))
        return styler

    def _repr_html_(self) -> str:
        _shown.setdefault(self._id(), self)
        return "\n".join(
            self._styler(cells, part).to_html() for part, cells in enumerate(self._parts())
        )

    def __str__(self) -> str:
        text = self.cells.to_string(index=self.index_label is not None)
        return text if not self.caption else f"{text}\n{self.caption}"

    __repr__ = __str__


def table(
    frame: pd.DataFrame | pd.Series,
    *,
    labels: Mapping[str, str] | None = None,
    formats: Mapping[str, Formatter] | None = None,
    na_rep: str = MISSING,
    yes_no: Sequence[str] = YES_NO,
    caption: str | None = None,
    index: str | None = None,
    columns: Iterable[str] | None = None,
    highlight: Callable[[pd.DataFrame], pd.Series] | Sequence[bool] | None = None,
    split_after: int | None = None,
    title: str | None = None,
) -> Table:
    """Format ``frame`` for a reader; a Series shows as two columns, index and values.

    Parameters
    ----------
    frame : DataFrame or Series
        The data.
    labels, formats : mapping, optional
        Column to header (with units); column to format spec or function (floats: 2 dp).
    na_rep, yes_no : str, pair of str
        Shown for a missing value; for True and False.
    caption, title, index : str, optional
        The source under the table; its name in downloads; the index's header (to keep it).
    columns, highlight, split_after : optional
        Columns to show, in order; a row mask or a function giving one; columns per part.

    Returns
    -------
    Table
        HTML in a notebook, aligned text when printed.
    """
    if isinstance(frame, pd.Series):
        series = frame.copy()
        series.index.name = str(frame.index.name or "item")
        frame = series.reset_index(name=str(frame.name or "value"))
    chosen = list(columns) if columns is not None else list(frame.columns)
    data = pd.DataFrame(frame.loc[:, chosen])
    formats = dict(formats or {})
    labels = dict(labels or {})
    cells = pd.DataFrame(
        {
            labels.get(c, c): [
                _format_value(_python_scalar(v), formats.get(c), na_rep, yes_no) for v in data[c]
            ]
            for c in chosen
        },
        index=[str(i) for i in data.index] if index is not None else range(len(data)),
    )
    if index is not None:
        cells.index.name = index
    mask = highlight(data) if callable(highlight) else highlight
    rows = tuple(int(i) for i, flag in enumerate(list(mask) if mask is not None else []) if flag)
    numeric = tuple(
        labels.get(c, c) for c in chosen if pd.api.types.is_numeric_dtype(data[c].dtype)
    )
    values = data.rename(columns=labels).reset_index(drop=index is None)
    if index is not None:
        values = values.rename(columns={values.columns[0]: index})
    return Table(cells, caption, index, rows, split_after, numeric, values, title)


def facts(
    items: Mapping[str, Any],
    *,
    formats: Mapping[str, Formatter] | None = None,
    headers: tuple[str, str] = ("Measure", "Value"),
    na_rep: str = MISSING,
    caption: str | None = None,
    title: str | None = None,
) -> Table:
    """A two-column table of named values, each formatted by its own type (143, not 143.000000).

    >>> print(facts({"CCGs": 143, "Median target (%)": 2.4712}, formats={"Median target (%)": ".2f"}))
              Measure Value
                 CCGs   143
    Median target (%)  2.47

    Parameters
    ----------
    items, formats : mapping
        Name to value, in order; name to a format spec or function (optional).
    headers, na_rep : pair of str, str
        The two columns' headers; shown for a missing value.
    caption, title : str, optional
        The source under the table; its name in the report's downloads.

    Returns
    -------
    Table
        The table.
    """
    formats = dict(formats or {})
    rows = [
        [name, _format_value(_python_scalar(value), formats.get(name), na_rep, YES_NO)]
        for name, value in items.items()
    ]
    values = [[name, _python_scalar(value)] for name, value in items.items()]
    frame = pd.DataFrame(values, columns=list(headers), dtype=object)
    return Table(pd.DataFrame(rows, columns=list(headers)), caption, values=frame, title=title)


def shown_tables() -> list[Table]:
    """The tables shown as HTML since :func:`forget_shown`, in order, each once.

    Returns
    -------
    list of Table
        The tables.
    """
    return list(_shown.values())


def forget_shown() -> None:
    """Start a new report: forget the tables shown so far."""
    _shown.clear()


class ShownAsTable:
    """Mixin: a result with :meth:`as_table` shows as that table; ``repr()`` stays in full."""

    def as_table(self, caption: str | None = None) -> Table:
        """The result as a table, with ``caption`` (the source) under it."""
        raise NotImplementedError

    def _repr_html_(self) -> str:
        return self.as_table()._repr_html_()

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        # IPython's text form of a cell's value: the formatted table, never the raw fields.
        printer.text(str(self.as_table()))

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # IPython prefers a class's own __repr__ (a dataclass writes one) to an inherited
        # _repr_pretty_; a copy on the class itself comes first.
        cls._repr_pretty_ = ShownAsTable._repr_pretty_  # type: ignore[method-assign]
