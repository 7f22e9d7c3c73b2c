"""Numbers as a person wrote them in a spreadsheet cell: read exactly, or refused with why.

Never misread (decision 0027): a value is accepted only when every reader would take it
to mean the same number; anything else is refused with how to write it.

>>> read_number("£1,234.5"), read_number(" (2.5) ", negatives=True), read_number("12%", percent=True)
(1234.5, -2.5, 12.0)
>>> read_number("21,2")
Traceback (most recent call last):
...
qipp.validation.numbers.NumberError: '21,2' is ambiguous: a comma here is a decimal comma or a typo; write 21.2 or 212
>>> read_number("3,362", column_has_decimals=True)
Traceback (most recent call last):
...
qipp.validation.numbers.NumberError: '3,362' is ambiguous: other values in this column have decimals, so the comma may be a decimal comma; write 3.362 or 3362
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable

QUOTE_CHARS = 80

_PLAIN = re.compile(r"\d+(\.\d+)?")
_GROUPED = re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?")
_SPACE_GROUPED = re.compile(r"\d{1,3}( \d{3})+(\.\d+)?")
_DECIMAL_COMMA = re.compile(r"\d+,\d+")
_HAS_DECIMAL = re.compile(r"\d\.\d|\d,\d{1,2}$|\d,\d{4,}$")
_SPACES = "\u00a0\u2007\u202f\u2009"  # no-break, figure, narrow no-break, thin


class NumberError(ValueError):
    """A cell that is not a number a person could only read one way; says how to fix it."""


def quote(value: object, limit: int = QUOTE_CHARS) -> str:
    """The cell as a message shows it: its repr, cut to ``limit`` characters with a count.

    >>> quote("3,362"), quote("x" * 100)[-24:]
    ("'3,362'", "xxx'... (100 characters)")
    """
    text = repr(value)
    if len(text) <= limit:
        return text
    length = len(value) if isinstance(value, str) else len(text)
    return f"{text[:limit]}'... ({length:,} characters)"


def _refuse_odd_characters(text: str, shown: str) -> None:
    for char in text:
        if char.isdigit() and char not in "0123456789":
            raise NumberError(
                f"{shown} uses digits other than 0-9 ({unicodedata.name(char, 'unknown')}); "
                "type the number with the digits 0-9"
            )
    if "_" in text:
        raise NumberError(f"{shown} has an underscore; write the number without it")
    if re.search(r"[eE]", text) and re.search(r"\d", text):
        raise NumberError(f"{shown} is in scientific notation; write the number in full")


def _unwrap(text: str, shown: str, negatives: bool, percent: bool) -> tuple[str, bool]:
    """Strip £, %, sign and brackets; return the bare digits and whether it is negative."""
    negative = False
    if text in {"-", "–", "—"}:
        raise NumberError(
            f"{shown} has no digits; write 0 for nothing, or leave it empty if unknown"
        )
    if text.startswith("(") and text.endswith(")"):
        text, negative = text[1:-1].strip(), True
    elif text.startswith("-"):
        text, negative = text[1:].strip(), True
    if text.startswith("£"):
        text = text[1:].strip()
    if text.startswith("-") and not negative:  # £-1.2
        text, negative = text[1:].strip(), True
    if text.endswith("%"):
        if not percent:
            raise NumberError(f"{shown} carries a % sign in a column that is not a percentage")
        text = text[:-1].strip()
    if negative and not negatives:
        raise NumberError(f"{shown} is negative; this column cannot be negative")
    return text, negative


def read_number(
    value: object,
    *,
    negatives: bool = False,
    percent: bool = False,
    column_has_decimals: bool = False,
    ceiling: float | None = None,
) -> float:
    """Read one cell as a number, or raise :class:`NumberError` saying how to fix it.

    ``negatives`` allows ``-1.2`` and ``(1.2)``, ``percent`` a trailing ``%``;
    ``column_has_decimals`` (other values carry decimals) makes ``3,362`` ambiguous;
    a magnitude above ``ceiling`` is refused.
    """
    if isinstance(value, bool):
        raise NumberError(f"{quote(value)} is true/false, not a number")
    if isinstance(value, int | float):
        number = float(value)
        shown = quote(value)
    else:
        raw = str(value)
        shown = quote(raw)
        text = raw.strip().translate({ord(c): " " for c in _SPACES}).strip()
        _refuse_odd_characters(text, shown)
        text, negative = _unwrap(text, shown, negatives, percent)
        number = _read_digits(text, raw, shown, column_has_decimals)
        number = -number if negative else number
    if not math.isfinite(number):
        raise NumberError(f"{shown} is not a finite number")
    if number < 0 and not negatives:
        raise NumberError(f"{shown} is negative; this column cannot be negative")
    if ceiling is not None and abs(number) > ceiling:
        raise NumberError(f"{shown} is larger than {ceiling:,g}, beyond any plausible value")
    return number


def _read_digits(text: str, raw: str, shown: str, column_has_decimals: bool) -> float:
    if _PLAIN.fullmatch(text):
        return float(text)
    if _GROUPED.fullmatch(text):
        if "." not in text and column_has_decimals:
            digits = text.replace(",", "")
            raise NumberError(
                f"{shown} is ambiguous: other values in this column have decimals, so the "
                f"comma may be a decimal comma; write {text.replace(',', '.', 1)} or {digits}"
                if text.count(",") == 1
                else f"{shown} is ambiguous: other values in this column have decimals; "
                f"write {digits} without separators"
            )
        return float(text.replace(",", ""))
    if _SPACE_GROUPED.fullmatch(text):
        return float(text.replace(" ", ""))
    if _DECIMAL_COMMA.fullmatch(text):
        whole, fraction = text.split(",")
        raise NumberError(
            f"{shown} is ambiguous: a comma here is a decimal comma or a typo; "
            f"write {whole}.{fraction} or {whole}{fraction}"
        )
    if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?", text):
        raise NumberError(
            f"{shown} is ambiguous: it looks like a European number (. for thousands, "
            "comma for decimals); write it with a decimal point and no separators"
        )
    if not text:
        raise NumberError(f"{shown} has no digits")
    raise NumberError(f"{shown} is not a number")


def column_has_decimals(values: Iterable[object]) -> bool:
    """Whether any value of a column carries decimals (so a lone comma may be a decimal comma).

    >>> column_has_decimals(["1,234", "2,345"]), column_has_decimals([2.25, "3,362"])
    (False, True)
    >>> column_has_decimals(["1.5", "3,362"]), column_has_decimals(["21,2"])
    (True, True)
    """
    for value in values:
        if isinstance(value, bool):
            continue
        if isinstance(value, float) and math.isfinite(value) and not value.is_integer():
            return True
        if isinstance(value, str) and _HAS_DECIMAL.search(value.strip()):
            return True
    return False
