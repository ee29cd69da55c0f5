"""`db upgrade` on a database in use keeps every row: a migration that copies a table (SQLite
batch mode) must not let the drop of the old copy cascade to the rows that refer to it."""

from __future__ import annotations

from sqlalchemy import text

from models.database import Database

ROWS_AT_0004 = (
    "INSERT INTO coalitions (id, slug, name, timezone, default_locale)"
    " VALUES (1, 'sasa', 'SAŠA', 'Europe/Ljubljana', 'sl')",
    "INSERT INTO areas (id, coalition_id, slug, name) VALUES (1, 1, 'pametno-mesto', 'Pametno')",
    "INSERT INTO organisations (id, coalition_id, name) VALUES (1, 1, 'Občina Šoštanj')",
    "INSERT INTO contacts (coalition_id, organisation_id, name, role)"
    " VALUES (1, 1, 'Mojca Žagar', 'vodja')",
    "INSERT INTO members (coalition_id, identity, role) VALUES (1, 'telegram:7', 'admin')",
    "INSERT INTO chat_bindings (chat_id, coalition_id, area_id, active)"
    " VALUES ('telegram:-100', 1, 1, TRUE)",
    "INSERT INTO events (coalition_id, area_id, organiser_id, title, starts_at, all_day, kind,"
    " status) VALUES (1, 1, 1, 'Sestanek', '2027-03-15 09:00:00', FALSE, 'meeting',"
    " 'scheduled')",
)
TABLES = ("coalitions", "areas", "organisations", "contacts", "members", "chat_bindings", "events")


def counts(database: Database) -> dict[str, int]:
    engine = database.sync_engine()
    try:
        with engine.connect() as connection:
            return {
                table: int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
                for table in TABLES
            }
    finally:
        engine.dispose()


async def test_upgrading_to_the_newest_schema_keeps_every_row(database_url: str) -> None:
    database = Database.connect(database_url)
    try:
        database.upgrade("0004")
        engine = database.sync_engine()
        with engine.begin() as connection:
            for statement in ROWS_AT_0004:
                connection.execute(text(statement))
        engine.dispose()
        before = counts(database)
        database.upgrade()
        assert counts(database) == before == dict.fromkeys(TABLES, 1)
    finally:
        await database.dispose()
