"""Problems as lines a person reads: repeats of one kind said once, with a count.

One systematic mistake (a money column in £000) would otherwise print a line per row and
bury every other problem under the cap.

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

# Up to three repeats print a line each: as short as a summary, and every value named.
COLLAPSE_FROM = 4

MAX_RANGES_SHOWN = 10

# What varies within a kind: a quoted value (not the apostrophe of "CCG's"), a word with a digit.
_QUOTED = re.compile(r"""(?<!\w)'(?:[^'\\]|\\.)*'(?!\w)|(?<!\w)"(?:[^"\\]|\\.)*"(?!\w)""")
_HAS_DIGIT = re.compile(r"\S*\d\S*")


def kind_of(message: str) -> str:
    """The message with its values set aside: what problems of one kind share.

    >>> kind_of("synthetic row S001 is named 'NHS Leeds North CCG'")
    'synthetic row … is named …'
    """
    return _HAS_DIGIT.sub("…", _QUOTED.sub("…", message))


def row_ranges(rows: Iterable[int], max_ranges: int = MAX_RANGES_SHOWN) -> str:
    """Rows as compressed ranges, the first ``max_ranges`` of them.

    >>> row_ranges([2, 3, 4, 5, 9, 12, 13, 14])
    '2-5, 9, 12-14'
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
    # The count goes after the first clause (outside quoted values), or at the end.
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

    A problem alone prints as ``str(problem)``; ``collapse_from`` or more with a row and the
    same file, column, expected text and kind of message print as one line where the first
    was, the count after its first clause. Lines past ``limit`` are counted in a last line.

    >>> from qipp.validation import Problem
    >>> odd = [Problem("p.csv", r, "allocation_gbp_m", f"'{r},5' is ambiguous: write {r}.5",
    ...                "a number") for r in (2, 3, 4, 5)]
    >>> print(collapse(odd)[0])
    p.csv:2:allocation_gbp_m: '2,5' is ambiguous on 4 rows (rows 2-5; 4 different values, the first shown): write 2.5 (expected a number)
    """

    def key(index: int, problem: Problem) -> tuple[object, ...]:
        if problem.row is None:
            return ("alone", index)  # a file's or column's problem is never a repeat
        return (problem.file, problem.column, problem.expected, kind_of(problem.message))

    keys = [key(i, p) for i, p in enumerate(problems)]
    groups: dict[tuple[object, ...], list[Problem]] = {}
    for k, problem in zip(keys, problems, strict=True):
        groups.setdefault(k, []).append(problem)
    # Each entry: (line, how many problems it stands for), in input order.
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
