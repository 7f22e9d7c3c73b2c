"""Hostile panel files: each is refused with one line, in bounded memory and time, no traceback.

Every file is made here by code (the malformed workbooks part by part with
:mod:`zipfile`), then read in a subprocess whose address space is capped with
``RLIMIT_AS`` at :data:`CAP_BYTES`, far below the 5.7 GB one of them once took,
and stopped after :data:`TIMEOUT` seconds. Two readers are run on each:

* ``read_grids`` directly: the bounded reader itself, every file in turn in one process;
* ``qipp panel validate``: what a user runs (it reads through ``read_grids``), every file
  through the command's entry point in one process, and one as the installed command. A
  file that reads (the bounded cases) is then refused as a panel: still exit 2, one reason.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from qipp.panel.intake.grid import LAST_ROW
from qipp.panel.intake.limits import MAX_CELL_CHARS, MAX_FILE_BYTES

VENV_BIN = Path(sys.executable).parent
# The CLI (Python, pandas, numpy) starts in about 0.5 GB of address space; three times
# that leaves room for the bounded reads, and is a quarter of the 5.7 GB once reached.
CAP_BYTES = 1536 * 1024 * 1024
TIMEOUT = 60
STDERR_LIMIT = 4096  # a 300 MB cell once printed 314 MB of error output

# Every file through read_grids in one capped process (one interpreter start, not one a
# file): each file's outcome as a line of JSON, as the process would have ended alone.
READ_GRIDS = """
import json, sys, time, traceback
from qipp.panel.intake.grid import read_grids
from qipp.validation.problems import DataError
for path in sys.argv[1:]:
    started = time.monotonic()
    try:
        grids = read_grids(path)
        run = [0, f"{sum(len(grid.rows) for grid in grids)} rows", ""]
    except DataError as err:
        run = [2, "", str(err)]
    except BaseException:
        run = [1, "", traceback.format_exc()[-4096:]]
    print(json.dumps([path, time.monotonic() - started, *run]), flush=True)
"""

# Every file through `qipp panel validate` (the command's own entry point, exit code and
# streams) in one capped process, likewise; one case also runs as the installed command.
VALIDATE = f"""
import contextlib, io, json, sys, time, traceback
from qipp.cli import main
for path in sys.argv[1:]:
    out, err = io.StringIO(), io.StringIO()
    started = time.monotonic()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(["panel", "validate", path], prog_name="qipp")
            code = 0
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else 1
        except BaseException:
            code = 1
            traceback.print_exc()
    said = err.getvalue()[: {2 * STDERR_LIMIT}]
    print(json.dumps([path, time.monotonic() - started, code, out.getvalue()[-4096:], said]), flush=True)
"""

# --- building workbooks part by part ------------------------------------------------------

NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = b"""<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
<Override PartName="/xl/styles.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
</Types>"""
ROOT_RELS = f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>
</Relationships>""".encode()
WORKBOOK = f"""<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="{REL}">
<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>""".encode()
WORKBOOK_RELS = f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>
<Relationship Id="rId3" Type="{REL}/styles" Target="styles.xml"/>
</Relationships>""".encode()
STYLES = (
    b"<styleSheet " + NS + b"><fonts count='1'><font><sz val='11'/><name val='Calibri'/></font>"
    b"</fonts><fills count='1'><fill><patternFill patternType='none'/></fill></fills>"
    b"<borders count='1'><border><left/><right/><top/><bottom/><diagonal/></border></borders>"
    b"<cellStyleXfs count='1'><xf numFmtId='0' fontId='0' fillId='0' borderId='0'/></cellStyleXfs>"
    b"<cellXfs count='1'><xf numFmtId='0' fontId='0' fillId='0' borderId='0' xfId='0'/></cellXfs>"
    b"</styleSheet>"
)
HEADER = ("ccg_code", "ccg_name", "region")


def shared_strings(*texts: str) -> bytes:
    items = b"".join(b"<si><t>" + t.encode() + b"</t></si>" for t in texts)
    return b"<sst " + NS + b">" + items + b"</sst>"


def cell(ref: str, value: str | int) -> bytes:
    if isinstance(value, int):
        return f'<c r="{ref}"><v>{value}</v></c>'.encode()
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'.encode()


def header_row() -> bytes:
    return (
        b'<row r="1">'
        + b"".join(cell(f"{c}1", h) for c, h in zip("ABC", HEADER, strict=True))
        + b"</row>"
    )


def sheet(rows: bytes | Iterator[bytes], dimension: str = "A1:C2") -> Iterator[bytes]:
    yield b'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet ' + NS + b">"
    yield f'<dimension ref="{dimension}"/><sheetData>'.encode()
    yield from [rows] if isinstance(rows, bytes) else rows
    yield b"</sheetData></worksheet>"


def write_xlsx(
    path: Path,
    sheet_xml: Iterator[bytes],
    strings: bytes = shared_strings(),
    styles: bytes = STYLES,
) -> None:
    """An .xlsx from its parts; the sheet is streamed into the zip, never held whole."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/sharedStrings.xml", strings)
        archive.writestr("xl/styles.xml", styles)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            for chunk in sheet_xml:
                part.write(chunk)


def data_row() -> bytes:
    return b'<row r="2">' + cell("A2", "00C") + cell("B2", "NHS Darlington CCG") + b"</row>"


def tiny_sheet(dimension: str = "A1:C2") -> Iterator[bytes]:
    return sheet(header_row() + data_row(), dimension)


def declared_dimension(path: Path) -> None:
    # A few kB, declaring every cell a sheet can have: pandas.read_excel took 5.7 GB.
    write_xlsx(path, tiny_sheet("A1:XFD1048576"))


def million_rows(path: Path) -> None:
    def rows() -> Iterator[bytes]:
        yield header_row()
        for start in range(2, 1_048_577, 4096):
            stop = min(start + 4096, 1_048_577)
            yield b"".join(
                f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>'.encode()
                for n in range(start, stop)
            )

    write_xlsx(path, sheet(rows(), "A1:A1048576"))


def zip_bomb(path: Path) -> None:
    # 200 MB of one repeated row deflates to a few hundred kB.
    row = b'<row><c t="inlineStr"><is><t>boom</t></is></c></row>'
    block = row * (1024 * 1024 // len(row))
    write_xlsx(path, sheet((block for _ in range(200)), "A1:A1"))


def lying_sizes(path: Path) -> None:
    # The same bomb, its central directory claiming the sheet unpacks to 1 kB.
    zip_bomb(path)
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        length = int.from_bytes(data[at + 28 : at + 30], "little")
        if data[at + 46 : at + 46 + length] == name:
            data[at + 24 : at + 28] = (1024).to_bytes(4, "little")
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))


def bad_xml(path: Path) -> None:
    write_xlsx(path, iter([b"<worksheet " + NS + b"><sheetData><row r='1'><c r='A1'"]))


def bad_shared_strings(path: Path) -> None:
    row = b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    write_xlsx(path, sheet(row), strings=b"<sst " + NS + b"><si><t>ccg_code</sst>")


def invalid_utf8(path: Path) -> None:
    row = b'<row r="1"><c r="A1" t="inlineStr"><is><t>\xff\xfe\xc3</t></is></c></row>'
    write_xlsx(path, sheet(row))


def bad_styles(path: Path) -> None:
    styles = b"<styleSheet " + NS + b"><cellXfs count='1'><xf numFmtId='x'/></cellXfs></styleSheet>"
    write_xlsx(path, tiny_sheet(), styles=styles)


def missing_shared_string(path: Path) -> None:
    row = b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>99</v></c></row>'
    write_xlsx(path, sheet(row), strings=shared_strings("ccg_code"))


def entity_expansion(path: Path) -> None:
    # "Billion laughs": a few kB of entity definitions expand to gigabytes of text.
    doctype = b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">'
    for level in "bcdefghij":
        previous = chr(ord(level) - 1)
        doctype += f'<!ENTITY {level} "{("&" + previous + ";") * 10}">'.encode()
    doctype += b"]>"
    row = b'<row r="1"><c r="A1" t="inlineStr"><is><t>&j;</t></is></c></row>'
    parts = list(sheet(row))
    write_xlsx(path, iter([parts[0].replace(b"\n", b"\n" + doctype + b"\n"), *parts[1:]]))


def styles_bomb(path: Path) -> None:
    # openpyxl builds styles.xml whole: 90 MB of formats (a few kB zipped) took over 1.5 GB.
    xf = b"<xf numFmtId='0' fontId='0' fillId='0' borderId='0' xfId='0'/>"
    many = xf * (90 * 1024 * 1024 // len(xf))
    write_xlsx(
        path, tiny_sheet(), styles=STYLES.replace(b"<cellXfs count='1'>", b"<cellXfs>" + many)
    )


def shared_strings_bomb(path: Path) -> None:
    # 90 MB of one-letter shared strings took 46 s to load.
    item = b"<si><t>a</t></si>"
    many = b"<sst " + NS + b">" + item * (90 * 1024 * 1024 // len(item)) + b"</sst>"
    write_xlsx(path, tiny_sheet(), strings=many)


def formatted_below(path: Path) -> None:
    # Formatting far below the data: blank rows past the last row read are passed over.
    end = 3 * LAST_ROW  # far past the rows read, however that limit changes

    def rows() -> Iterator[bytes]:
        yield header_row() + data_row()
        for start in range(3, end, 4096):
            yield b"".join(
                f'<row r="{n}" ht="15" customHeight="1"><c r="A{n}" s="0"/></row>'.encode()
                for n in range(start, min(start + 4096, end))
            )

    write_xlsx(path, sheet(rows(), f"A1:C{end - 1}"))


def huge_cell_xlsx(path: Path) -> None:
    text = "x" * (5 * 1024 * 1024)
    write_xlsx(path, sheet(header_row() + b'<row r="2">' + cell("B2", text) + b"</row>"))


def wide_row(path: Path) -> None:
    write_xlsx(path, sheet(header_row() + b'<row r="2">' + cell("XFD2", 1) + b"</row>"))


def huge_cell_csv(path: Path, size: int = 50 * 1024 * 1024) -> None:
    # Streamed: the test must not hold the cell it refuses.
    with path.open("w", encoding="utf-8") as out:
        out.write(",".join(HEADER) + "\n00C,")
        chunk = "x" * (1024 * 1024)
        for _ in range(size // len(chunk)):
            out.write(chunk)
        out.write(",London\n")


def long_cell_csv(path: Path) -> None:
    # Under the file limit, so the cell limit itself refuses it.
    huge_cell_csv(path, size=5 * 1024 * 1024)


@dataclass(frozen=True)
class Case:
    build: Callable[[Path], None]
    suffix: str
    says: str  # in read_grids' one-line error; "" when the file reads (bounded)


CASES: dict[str, Case] = {
    "declared_dimension": Case(declared_dimension, ".xlsx", ""),
    "million_rows": Case(million_rows, ".xlsx", "more than 10,000 rows of data (reading stopped"),
    "zip_bomb": Case(zip_bomb, ".xlsx", "the workbook unpacks to 200.0 MB"),
    "lying_sizes": Case(lying_sizes, ".xlsx", "the workbook cannot be read"),
    "bad_xml": Case(bad_xml, ".xlsx", "a part's XML is not well-formed (ParseError"),
    "bad_shared_strings": Case(bad_shared_strings, ".xlsx", "(ParseError: mismatched tag"),
    "invalid_utf8": Case(invalid_utf8, ".xlsx", "(ParseError: not well-formed"),
    "bad_styles": Case(bad_styles, ".xlsx", "the workbook cannot be read"),
    "missing_shared_string": Case(missing_shared_string, ".xlsx", "(IndexError"),
    "entity_expansion": Case(entity_expansion, ".xlsx", "declares entities, as an XML bomb"),
    "styles_bomb": Case(styles_bomb, ".xlsx", "part 'xl/styles.xml' unpacks to 90.0 MB"),
    "shared_strings_bomb": Case(shared_strings_bomb, ".xlsx", "'xl/sharedStrings.xml' unpacks"),
    "formatted_below": Case(formatted_below, ".xlsx", ""),
    "huge_cell_xlsx": Case(huge_cell_xlsx, ".xlsx", "sheet 'Data', cell B2 is too long: 'xxx"),
    "wide_row": Case(wide_row, ".xlsx", "sheet 'Data', row 2 reaches column XFD"),
    "huge_cell_csv": Case(huge_cell_csv, ".csv", "the file is 50.0 MB"),
    "long_cell_csv": Case(long_cell_csv, ".csv", "cell B2 is too long: 'xxx"),
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("hostile")
    for name, case in CASES.items():
        case.build(folder / f"{name}{case.suffix}")
    yield folder
    for made in folder.iterdir():
        made.unlink()  # some are 50 MB: do not leave them for pytest's tmp rotation


@dataclass(frozen=True)
class Run:
    code: int | None  # None: killed at the timeout
    stdout: str
    stderr: str


def run_capped(*args: str, timeout: float = TIMEOUT) -> Run:
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (CAP_BYTES, CAP_BYTES))

    try:
        done = subprocess.run(
            args, preexec_fn=cap, capture_output=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as expired:
        return Run(None, "", (expired.stderr or b"")[-STDERR_LIMIT:].decode(errors="replace"))
    return Run(
        done.returncode,
        done.stdout.decode(errors="replace"),
        done.stderr.decode(errors="replace"),
    )


def assert_refused_in_one_line(run: Run, path: Path) -> None:
    assert run.code is not None, f"still running after {TIMEOUT} s"
    assert "Traceback" not in run.stderr, run.stderr[-2000:]
    assert len(run.stderr.encode()) < STDERR_LIMIT, run.stderr[:2000]
    assert run.code == 2, run.stderr[-2000:]
    assert str(path) in run.stderr


def run_each(script: str, folder: Path) -> dict[str, tuple[float, Run]]:
    """Every case through ``script`` in one capped process: seconds taken and the outcome."""
    paths = [str(folder / f"{name}{case.suffix}") for name, case in CASES.items()]
    done = run_capped(str(VENV_BIN / "python"), "-c", script, *paths, timeout=TIMEOUT * 3)
    outcomes = {}
    for line in done.stdout.splitlines():
        path, seconds, code, stdout, stderr = json.loads(line)
        outcomes[Path(path).stem] = (seconds, Run(code, stdout, stderr))
    return outcomes or {"": (0.0, done)}


@pytest.fixture(scope="module")
def grid_reads(hostile: Path) -> dict[str, tuple[float, Run]]:
    return run_each(READ_GRIDS, hostile)


@pytest.fixture(scope="module")
def validations(hostile: Path) -> dict[str, tuple[float, Run]]:
    return run_each(VALIDATE, hostile)


@pytest.mark.parametrize("name", sorted(CASES))
def test_read_grids_is_bounded(hostile: Path, grid_reads: dict, name: str) -> None:
    case = CASES[name]
    path = hostile / f"{name}{case.suffix}"
    assert name in grid_reads, grid_reads  # the process stopped before this file
    seconds, run = grid_reads[name]
    assert seconds < TIMEOUT
    if not case.says:
        assert run.code == 0, run.stderr[-2000:]
        assert run.stdout.strip() == "2 rows"
        return
    assert_refused_in_one_line(run, path)
    assert case.says in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("name", sorted(CASES))
def test_cli_refuses_in_one_line(hostile: Path, validations: dict, name: str) -> None:
    assert name in validations, validations  # the process stopped before this file
    seconds, run = validations[name]
    assert seconds < TIMEOUT
    assert_refused_in_one_line(run, hostile / f"{name}{CASES[name].suffix}")
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr


def test_the_installed_command_refuses_in_one_line(hostile: Path) -> None:
    path = hostile / f"zip_bomb{CASES['zip_bomb'].suffix}"
    run = run_capped(str(VENV_BIN / "qipp"), "panel", "validate", str(path))
    assert_refused_in_one_line(run, path)


def test_cases_are_over_the_limits() -> None:
    # The CSV cases must stay far over the limits they test, however those change.
    assert 50 * 1024 * 1024 > 2 * MAX_FILE_BYTES
    assert MAX_CELL_CHARS < 5 * 1024 * 1024 < MAX_FILE_BYTES
