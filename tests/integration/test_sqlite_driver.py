"""The one-trip SQLite driver answers as the stock one would: rows, counts, ids and errors."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from models.database import Database


@pytest.fixture
async def database(sqlite_url: str) -> Database:
    found = Database.connect(sqlite_url)
    async with found.engine.begin() as connection:
        await connection.execute(
            text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL UNIQUE)")
        )
    return found


async def test_rows_counts_and_ids(database: Database) -> None:
    async with database.engine.begin() as connection:
        inserted = await connection.execute(text("INSERT INTO notes (body) VALUES ('prvi')"))
        assert inserted.lastrowid == 1
        many = await connection.execute(
            text("INSERT INTO notes (body) VALUES (:body)"),
            [{"body": "drugi"}, {"body": "tretji"}, {"body": "četrti"}],
        )
        assert many.rowcount == 3
        changed = await connection.execute(text("UPDATE notes SET body = body || '!' WHERE id > 2"))
        assert changed.rowcount == 2
        rows = (await connection.execute(text("SELECT id, body FROM notes ORDER BY id"))).all()
    assert [tuple(row) for row in rows] == [
        (1, "prvi"),
        (2, "drugi"),
        (3, "tretji!"),
        (4, "četrti!"),
    ]
    await database.engine.dispose()


async def test_a_refused_statement_raises_and_the_connection_goes_on(database: Database) -> None:
    async with database.engine.connect() as connection:
        await connection.execute(text("INSERT INTO notes (body) VALUES ('isti')"))
        with pytest.raises(IntegrityError):
            await connection.execute(text("INSERT INTO notes (body) VALUES ('isti')"))
        await connection.rollback()
        empty = await connection.execute(text("SELECT count(*) FROM notes"))
        assert empty.scalar_one() == 0
        streamed = await connection.stream(text("SELECT 1 UNION ALL SELECT 2"))
        assert [row[0] async for row in streamed] == [1, 2]
    await database.engine.dispose()
