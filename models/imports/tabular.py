"""A CSV or XLSX file read into a header and rows of text, within the limits of
models/imports/limits.py, at a bounded cost whatever the file holds."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time

from models.imports.limits import (
    MAX_BYTES,
    MAX_CELL,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_UNPACKED,
    FileRefused,
)

XLSX_MAGIC = b"PK\x03\x04"
DELIMITERS = (";", ",", "\t")
NEUTRALISED = ("=", "+", "-", "@")


@dataclass(frozen=True)
class Row:
    number: int
    """The row's number as the spreadsheet shows it (the header is row 1)."""
    cells: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[Row, ...]


def read_table(filename: str, content: bytes) -> Table:
    """The file's first row as the header and every non-empty row after it, or FileRefused."""
    if len(content) > MAX_BYTES:
        raise FileRefused("too_large", MAX_BYTES)
    if content.startswith(XLSX_MAGIC) or filename.lower().endswith((".xlsx", ".xlsm")):
        lines = _xlsx_rows(content)
    else:
        lines = _csv_rows(_decode(content))
    return _table(lines)


def _table(lines: Iterable[list[str]]) -> Table:
    header: tuple[str, ...] | None = None
    rows: list[Row] = []
    for number, cells in enumerate(lines, start=1):
        if len(cells) > MAX_COLUMNS:
            # trailing empty cells (a spreadsheet's formatting) are no columns
            while len(cells) > MAX_COLUMNS and not cells[-1]:
                cells.pop()
            if len(cells) > MAX_COLUMNS:
                raise FileRefused("too_many_columns", MAX_COLUMNS)
        for cell in cells:
            if len(cell) > MAX_CELL:
                raise FileRefused("cell_too_long", MAX_CELL, str(number))
        cleaned = tuple(_unneutralised(cell.strip()) for cell in cells)
        if not any(cleaned):
            continue
        if header is None:
            header = cleaned
            continue
        if len(rows) >= MAX_ROWS:
            raise FileRefused("too_many_rows", MAX_ROWS)
        rows.append(Row(number, cleaned))
    if header is None:
        raise FileRefused("empty")
    return Table(header, tuple(rows))


def _unneutralised(cell: str) -> str:
    """An exported cell kept from being read as a formula (`'=…`) as it was written."""
    if len(cell) > 1 and cell[0] == "'" and cell[1] in NEUTRALISED:
        return cell[1:]
    return cell


def _decode(content: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1250 (Slovenian Excel);
    anything with NUL bytes or other control characters is no text table."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = content.decode("utf-16")
        except UnicodeDecodeError:
            raise FileRefused("not_a_table") from None
    elif b"\x00" in content:
        raise FileRefused("not_a_table")
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = content.decode("cp1250", errors="replace")
    if any(ord(c) < 32 and c not in "\t\r\n" for c in text[:65536]):
        raise FileRefused("not_a_table")
    return text


def _delimiter(text: str) -> str:
    """The delimiter of the header line (outside quotes): the one it holds most of."""
    first = text.split("\n", 1)[0]
    counts = {d: 0 for d in DELIMITERS}
    quoted = False
    for char in first:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_rows(text: str) -> Iterator[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        yield from reader
    except csv.Error as error:
        if "field larger" in str(error):
            raise FileRefused("cell_too_long", MAX_CELL) from None
        raise FileRefused("not_a_table", detail=str(error)) from None


def _xlsx_rows(content: bytes) -> Iterator[list[str]]:
    """Rows of the first worksheet, read streaming; a file that unpacks to more than
    MAX_UNPACKED (a zip bomb) is refused before anything is unpacked."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise FileRefused("not_a_table") from None
    if unpacked > MAX_UNPACKED:
        raise FileRefused("too_large", MAX_BYTES)
    if "xl/workbook.xml" not in names:
        raise FileRefused("not_a_table")
    from openpyxl import load_workbook  # imported when a spreadsheet comes in

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged file
        raise FileRefused("not_a_table") from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise FileRefused("empty")
        rows = sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True)
        try:
            for values in rows:
                cells = [_cell_text(value) for value in values]
                while cells and not cells[-1]:
                    cells.pop()  # iter_rows fills every row out to max_col
                yield cells
        except FileRefused:
            raise
        except Exception:
            raise FileRefused("not_a_table") from None
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    """A cell as the text a person would have typed (dates as `15. 3. 2027 10:00`)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return f"{value.day}. {value.month}. {value.year}"
        return f"{value.day}. {value.month}. {value.year} {value:%H:%M}"
    if isinstance(value, date):
        return f"{value.day}. {value.month}. {value.year}"
    if isinstance(value, time):
        return f"{value:%H:%M}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    if len(text) > MAX_CELL:
        raise FileRefused("cell_too_long", MAX_CELL)
    return text
