"""Text files (CSV, TSV, .txt) to records, and the cell references messages share.

Excel saves "CSV" as Windows-1252 (semicolon-separated where the decimal mark is a comma)
and "Unicode Text" as tab-separated UTF-16: each is read when it can be read only one
way, with a note; unreadable bytes are named by spreadsheet row and column.

>>> column_letter(1), column_letter(27), column_letter(16384)
('A', 'AA', 'XFD')
>>> quote("x" * 100)[-26:]
"xxxxx'... (100 characters)"
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Generator, Iterator
from contextlib import contextmanager

from qipp.panel.intake.limits import HEADER_SEARCH_ROWS, MAX_CELL_CHARS, QUOTE_CHARS
from qipp.validation.problems import DataError, Problem
from qipp.validation.read import NOT_A_TABLE

SAVE_AS_UTF8 = "the file saved as CSV UTF-8 (Excel: Save As, 'CSV UTF-8 (Comma delimited)')"
WINDOWS_1252_NOTE = "read as Windows-1252 text, not UTF-8: save as CSV UTF-8 to be sure"
UTF16_NOTE = "read as UTF-16 text (Excel's 'Unicode Text'), not UTF-8"
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar (|)"}


def fail(
    file: str, why: str, expected: str = NOT_A_TABLE, row: int | None = None, col: int = 0
) -> DataError:
    """One problem as a :class:`DataError`; ``col`` is 1-based (0: no column).

    >>> print(fail("a.csv", "the file is empty"))
    a.csv: the file is empty (expected a CSV (UTF-8) or .xlsx table with a header row)
    >>> print(fail("a.csv", "too wide", "less", row=3, col=2))
    a.csv:3:B: too wide (expected less)
    """
    column = column_letter(col) if col else None
    return DataError([Problem(file, row, column, why, expected)])


def too_long(file: str, where: str, row: int, col: int, text: str) -> DataError:
    """The error for a cell over ``MAX_CELL_CHARS``, naming the cell and quoting its start."""
    return fail(
        file,
        f"{where}cell {column_letter(col)}{row} is too long: {quote(text)}",
        f"at most {MAX_CELL_CHARS:,} characters in a cell",
        row=row,
        col=col,
    )


def decode(data: bytes, file: str) -> tuple[str, list[str]]:
    """The text, and notes: UTF-8 (BOM or not), UTF-16 with a BOM, else Windows-1252.

    >>> decode("£5".encode("cp1252"), "a.csv")
    ('£5', ['read as Windows-1252 text, not UTF-8: save as CSV UTF-8 to be sure'])
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), [UTF16_NOTE]
        except UnicodeDecodeError:
            raise fail(file, "the file is damaged UTF-16 text", SAVE_AS_UTF8) from None
    if b"\x00" in data:
        raise fail(file, "the file is binary, not text")
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        bad = exc.start
    try:
        # Latin-1 would decode anything; Windows-1252 leaves five bytes undefined, so
        # that it decodes is evidence of Windows text, not a guess.
        return data.decode("cp1252"), [WINDOWS_1252_NOTE]
    except UnicodeDecodeError:
        pass
    # Count records and cells up to the bad byte as a spreadsheet shows them. Latin-1
    # decodes every byte and keeps the ASCII delimiters and quotes where they are.
    whole = data.decode("latin-1")
    with field_limit(len(whole) + 2):
        prefix = io.StringIO(whole[:bad] + "\ufffd", newline="")  # the bad byte lands in a cell
        parsed = list(csv.reader(prefix, delimiter=sniff(whole)))
    row, col = len(parsed), len(parsed[-1])
    raise fail(
        file,
        f"byte 0x{data[bad]:02X} in cell {column_letter(col)}{row} cannot be read as text "
        "(the file is neither UTF-8 nor Windows-1252)",
        SAVE_AS_UTF8,
        row=row,
        col=col,
    )


def sniff(text: str, default: str = ",") -> str:
    """The delimiter that splits the first lines into the most rows of one width > 1.

    >>> sniff("a;b;c\\n1,5;2;3\\n"), sniff("a,b\\n1,2\\n"), sniff("a\\tb\\n1\\t2")
    (';', ',', '\\t')
    """
    sample = [line for line in text[:65536].splitlines() if line.strip()][:HEADER_SEARCH_ROWS]
    best, best_score = default, (0, 0)
    # The default goes first, so a tie keeps it.
    for delimiter in [default] + [d for d in DELIMITERS if d != default]:
        with field_limit(len(text) + 1):
            widths = [len(r) for r in csv.reader(sample, delimiter=delimiter)]
        modal = max(set(widths), key=widths.count, default=1)
        score = (widths.count(modal), modal) if modal > 1 else (0, 0)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def records(text: str, delimiter: str, file: str) -> Generator[list[str], None, None]:
    """The CSV records of ``text``; a cell over ``MAX_CELL_CHARS`` raises, naming it.

    csv refuses a field as soon as it passes the limit, so a huge cell is never copied whole.

    >>> list(records('a,b\\n"1\\n2",3\\n', ",", "a.csv"))
    [['a', 'b'], ['1\\n2', '3']]
    """
    start = 0  # offset in text of the record being parsed
    consumed = 0
    done = 0

    def lines() -> Iterator[str]:
        nonlocal consumed
        for line in io.StringIO(text, newline=""):
            consumed += len(line)
            yield line

    with field_limit(MAX_CELL_CHARS + 1):
        reader = csv.reader(lines(), delimiter=delimiter)
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if "field larger" not in str(exc):
                    raise fail(file, f"the file is not a well-formed CSV ({exc})") from None
                break
            done += 1
            start = consumed
            yield record
    with field_limit(len(text) + 1):
        whole = next(csv.reader(io.StringIO(text[start:], newline=""), delimiter=delimiter))
    col = next((i for i, cell in enumerate(whole, 1) if len(cell) > MAX_CELL_CHARS), len(whole))
    raise too_long(file, "", done + 1, col, whole[col - 1])


@contextmanager
def field_limit(limit: int) -> Iterator[None]:
    """Set ``csv.field_size_limit`` inside the block; it is global, so restore it after."""
    old = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(old)


def column_letter(number: int) -> str:
    """The spreadsheet letters of 1-based column ``number``."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def quote(value: object, limit: int = QUOTE_CHARS) -> str:
    """The value as a message shows it: its repr, cut to ``limit`` characters."""
    if isinstance(value, str) and len(value) > limit:
        # Cut before repr(): repr() of a 300 MB cell would copy it whole.
        return repr(value[:limit]) + f"... ({len(value):,} characters)"
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."
