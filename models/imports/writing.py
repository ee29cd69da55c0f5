"""A table written as CSV (UTF-8 with a BOM, so Excel shows č, š, ž) or XLSX, with no cell
that a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from models.imports.tabular import NEUTRALISED


def neutralised(cell: str) -> str:
    """A cell starting with = + - @ gets a leading apostrophe: shown as text, never run;
    the import takes the apostrophe off again."""
    return "'" + cell if cell.startswith(NEUTRALISED) else cell


def to_csv(header: Sequence[str], rows: Sequence[Sequence[str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=",", lineterminator="\r\n")
    writer.writerow([neutralised(cell) for cell in header])
    writer.writerows([neutralised(cell) for cell in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(header: Sequence[str], rows: Sequence[Sequence[str]], title: str = "") -> bytes:
    """Every cell a text cell (never a formula, whatever it starts with)."""
    from openpyxl import Workbook  # imported when an XLSX export is asked for
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(title or "export")[:31])

    def line(cells: Sequence[str]) -> list[WriteOnlyCell]:
        written = []
        for text in cells:
            cell = WriteOnlyCell(sheet, value=text)
            cell.data_type = "s"
            written.append(cell)
        return written

    sheet.append(line(header))
    for row in rows:
        sheet.append(line(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
