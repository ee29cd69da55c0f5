"""Reading spreadsheets: encodings, delimiters, and every malformed file refused clearly."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest

from models.imports.columns import Kind, guess_kind, mapping
from models.imports.limits import MAX_BYTES, MAX_CELL, MAX_COLUMNS, MAX_ROWS, FileRefused
from models.imports.tabular import read_table
from models.imports.writing import to_csv, to_xlsx

ROWS = [["Delavnica Čšž", "15. 3. 2027 10:00", "Velenje"]]


@pytest.mark.parametrize(
    "content",
    [
        "naslov;kdaj;kje\nDelavnica Čšž;15. 3. 2027 10:00;Velenje\n".encode(),
        "\ufeffnaslov,kdaj,kje\r\nDelavnica Čšž,15. 3. 2027 10:00,Velenje\r\n".encode(),
        "naslov;kdaj;kje\nDelavnica Čšž;15. 3. 2027 10:00;Velenje\n".encode("cp1250"),
        '"naslov";"kdaj";"kje"\n"Delavnica Čšž";"15. 3. 2027 10:00";"Velenje"\n'.encode(),
    ],
    ids=["utf8-semicolon", "bom-comma", "windows-1250", "quoted"],
)
def test_csv_in_any_common_encoding_and_delimiter(content: bytes) -> None:
    table = read_table("plan.csv", content)
    assert table.header == ("naslov", "kdaj", "kje")
    assert [list(row.cells) for row in table.rows] == ROWS
    assert table.rows[0].number == 2


def test_xlsx_and_csv_exports_read_back_with_formulas_neutralised() -> None:
    rows = [['=HYPERLINK("x")', "+386 1 234 5678", "@sum", "-5"]]
    written = to_csv(["a", "b", "c", "d"], rows)
    assert written.startswith(b"\xef\xbb\xbf")
    assert b"'=HYPERLINK" in written
    assert b"'+386" in written
    assert [list(r.cells) for r in read_table("x.csv", written).rows] == rows
    sheet = to_xlsx(["a", "b", "c", "d"], rows)
    assert b"<f>" not in zipfile.ZipFile(io.BytesIO(sheet)).read("xl/worksheets/sheet1.xml")
    assert [list(r.cells) for r in read_table("x.xlsx", sheet).rows] == rows


def test_headers_in_either_language_name_the_kind() -> None:
    assert guess_kind(("Naslov", "Kdaj", "Kje")) is Kind.EVENTS
    assert guess_kind(("title", "due", "area")) is Kind.ACTIVITIES
    assert guess_kind(("Ime", "Organizacija", "E-pošta")) is Kind.CONTACTS
    assert mapping(Kind.CONTACTS, ("E-POSTA", "ime", "organisation")) == {
        "email": 0,
        "name": 1,
        "organisation": 2,
    }
    with pytest.raises(FileRefused) as refused:
        guess_kind(("foo", "bar"))
    assert refused.value.problem == "unknown_kind"


def refusal(name: str, content: bytes) -> FileRefused:
    tracemalloc.start()
    try:
        with pytest.raises(FileRefused) as refused:
            read_table(name, content)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 100 * 1024 * 1024, peak  # bounded, whatever the file claims
    return refused.value


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b"a" * (200 * 1024 * 1024))
    return out.getvalue()


def test_malformed_files_are_refused_with_the_limit_named() -> None:
    assert refusal("x.csv", b"\x00\x01\x02binary\xff" * 100).problem == "not_a_table"
    assert refusal("x.xlsx", b"PK\x03\x04 not really a zip").problem == "not_a_table"
    bomb = zip_bomb()
    assert len(bomb) < MAX_BYTES
    assert refusal("bomb.xlsx", bomb).problem == "too_large"
    wide = ",".join(f"c{i}" for i in range(100_000)).encode()
    assert refusal("wide.csv", wide).problem == "too_many_columns"
    wide_sheet = to_xlsx([f"c{i}" for i in range(MAX_COLUMNS + 5)], [])
    assert refusal("wide.xlsx", wide_sheet).problem == "too_many_columns"
    big_cell = b"naslov,kdaj\n" + b"x" * (1024 * 1024) + b",jutri\n"
    cell = refusal("cell.csv", big_cell)
    assert (cell.problem, cell.limit) == ("cell_too_long", MAX_CELL)
    big_xlsx_cell = to_xlsx(["naslov"], [["x" * (1024 * 1024)]])
    assert refusal("cell.xlsx", big_xlsx_cell).problem == "cell_too_long"
    many = b"naslov,kdaj\n" + b"a,jutri\n" * (MAX_ROWS + 1)
    rows = refusal("many.csv", many)
    assert (rows.problem, rows.limit) == ("too_many_rows", MAX_ROWS)
    assert refusal("huge.csv", b"a" * (MAX_BYTES + 1)).problem == "too_large"
    assert refusal("empty.csv", b"\n\n").problem == "empty"


def test_exactly_the_row_limit_is_read() -> None:
    content = b"naslov,kdaj\n" + b"a,jutri\n" * MAX_ROWS
    assert len(read_table("ok.csv", content).rows) == MAX_ROWS
