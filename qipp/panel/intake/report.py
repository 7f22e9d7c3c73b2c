"""Problems as lines a person reads: repeats of one kind said once, with a count.

A return with one systematic mistake (real codes all marked ``synthetic``, a
money column in £000) used to print one line per row, burying any other problem
under the 50-line cap. :func:`collapse` groups problems of one kind
(same file, column, expectation, and message once the values in it are set
aside) into one line naming the count and the rows; a problem that happens
once, or only a few times, prints exactly as ``str(problem)`` always has.

Examples
--------
>>> from qipp.validation import Problem
>>> bad = [Problem("p.csv", r, "data_status", "'estimated' is not allowed",
...                "one of: synthetic, reported") for r in range(2, 56)]
>>> print(collapse(bad)[0])
p.csv:2:data_status: 'estimated' is not allowed on 54 rows (rows 2-55) (expected one of: synthetic, reported)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from qipp.panel.intake.limits import MAX_PROBLEM_LINES
from qipp.validation import Problem

# A group of up to three prints one line per row: three lines are as short as
# the summary and name every value exactly (and keep the per-row messages the
# malformed-file corpus asserts). From four on, one line.
COLLAPSE_FROM = 4

# Row ranges shown in a collapsed line before "...": enough to find the pattern.
MAX_RANGES_SHOWN = 10

# What varies between problems of one kind: a quoted value (as repr writes it,
# so not the apostrophe inside "CCG's") or any word holding a digit ('S001',
# -0.5, £2.200m, row 7).
_QUOTED = re.compile(r"""(?<!\w)'(?:[^'\\]|\\.)*'(?!\w)|(?<!\w)"(?:[^"\\]|\\.)*"(?!\w)""")
_HAS_DIGIT = re.compile(r"\S*\d\S*")


def kind_of(message: str) -> str:
    """The message with its values set aside: what problems of one kind share.

    >>> kind_of("duplicate value 'S002'") == kind_of("duplicate value 'S017'")
    True
    >>> kind_of("synthetic row S001 is named 'NHS Leeds North CCG'")
    'synthetic row … is named …'
    >>> kind_of("reported row has the CCG's code '11J'")
    "reported row has the CCG's code …"
    """
    return _HAS_DIGIT.sub("…", _QUOTED.sub("…", message))


def row_ranges(rows: Iterable[int], max_ranges: int = MAX_RANGES_SHOWN) -> str:
    """Rows as compressed ranges, the first ``max_ranges`` of them.

    >>> row_ranges([2, 3, 4, 5, 9, 12, 13, 14])
    '2-5, 9, 12-14'
    >>> row_ranges(range(2, 40, 2), max_ranges=3)
    '2, 4, 6, ...'
    """
    ordered = sorted(set(rows))
    spans: list[tuple[int, int]] = []
    for row in ordered:
        if spans and row == spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], row)
        else:
            spans.append((row, row))
    parts = [str(a) if a == b else f"{a}-{b}" for a, b in spans[:max_ranges]]
    if len(spans) > max_ranges:
        parts.append("...")
    return ", ".join(parts)


def _group_line(group: list[Problem]) -> str:
    first = group[0]
    rows = sorted({p.row for p in group if p.row is not None})
    values = len(dict.fromkeys(p.message for p in group))
    count = f" on {len(rows)} rows (rows {row_ranges(rows)}"
    count += f"; {values} different values, the first shown)" if values > 1 else ")"
    # The count goes after the message's first clause ("'x' is ambiguous on 5 rows
    # (...): write ..."), found outside quoted values, or at its end.
    masked = _QUOTED.sub(lambda m: "x" * len(m.group()), first.message)
    ends = [i for i in (masked.find(": "), masked.find("; ")) if i >= 0]
    cut = min(ends, default=len(masked))
    message = first.message[:cut] + count + first.message[cut:]
    return f"{first.file}:{rows[0]}:{first.column or ''}: {message} (expected {first.expected})"


def collapse(
    problems: Sequence[Problem],
    limit: int = MAX_PROBLEM_LINES,
    collapse_from: int = COLLAPSE_FROM,
) -> list[str]:
    """The lines to print for ``problems``: repeats grouped, at most ``limit`` of them.

    Parameters
    ----------
    problems : sequence of Problem
        In the order to report them (a group prints where its first problem was).
    limit : int
        Most lines printed; more are counted in a last ``... and N more`` line.
    collapse_from : int
        Smallest group printed as one line; smaller groups print a line per problem.

    Returns
    -------
    list of str
        A problem alone prints as ``str(problem)``. A group of problems with a
        row, sharing file, column, expected text and message (values aside),
        prints as ``file:FIRST_ROW:column: MESSAGE on N rows (rows 2-5, 9)
        (expected ...)``: the first problem's message, the count inserted after
        its first clause, and how many different values when they differ.

    Examples
    --------
    >>> from qipp.validation import Problem
    >>> dup = [Problem("p.csv", r, "ccg_code", f"duplicate value 'S{r:03}'", "a unique value")
    ...        for r in (3, 4, 5, 9)]
    >>> print(collapse(dup)[0])
    p.csv:3:ccg_code: duplicate value 'S003' on 4 rows (rows 3-5, 9; 4 different values, the first shown) (expected a unique value)
    >>> odd = [Problem("p.csv", r, "allocation_gbp_m", f"'{r},5' is ambiguous: write {r}.5",
    ...                "a number") for r in (2, 3, 4, 5)]
    >>> print(collapse(odd)[0])
    p.csv:2:allocation_gbp_m: '2,5' is ambiguous on 4 rows (rows 2-5; 4 different values, the first shown): write 2.5 (expected a number)
    >>> collapse(dup[:2]) == [str(p) for p in dup[:2]]
    True
    >>> many = [Problem("p.csv", r, f"c{r}", "odd", "even") for r in range(60)]
    >>> lines = collapse(many, limit=50)
    >>> len(lines), lines[-1]
    (51, '... and 10 more problems (60 in all)')
    """

    def key(index: int, problem: Problem) -> tuple[object, ...]:
        if problem.row is None:
            return ("alone", index)  # a file's or column's problem is never a repeat
        return (problem.file, problem.column, problem.expected, kind_of(problem.message))

    keys = [key(i, p) for i, p in enumerate(problems)]
    groups: dict[tuple[object, ...], list[Problem]] = {}
    for k, problem in zip(keys, problems, strict=True):
        groups.setdefault(k, []).append(problem)
    # Each entry: (line, how many problems it stands for). Input order is kept: a
    # collapsed group prints where its first problem was, everything else as given.
    entries: list[tuple[str, int]] = []
    printed: set[tuple[object, ...]] = set()
    for k, problem in zip(keys, problems, strict=True):
        group = groups[k]
        if len(group) < collapse_from:
            entries.append((str(problem), 1))
        elif k not in printed:
            printed.add(k)
            entries.append((_group_line(group), len(group)))
    shown = entries[:limit]
    lines = [line for line, _ in shown]
    hidden_lines = len(entries) - len(shown)
    if hidden_lines:
        total = len(problems)
        hidden = total - sum(count for _, count in shown)
        if hidden == hidden_lines:
            lines.append(f"... and {hidden} more problems ({total} in all)")
        else:
            lines.append(
                f"... and {hidden_lines} more lines ({hidden} more problems, {total} in all)"
            )
    return lines
