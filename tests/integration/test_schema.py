"""Migrations build the schema from empty and match the models; old schemas are refused."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text

from models.base import Base
from models.database import Database
from models.entities import Coalition, Event
from tests.support import bot_cli


def test_migrations_from_empty_match_the_models(database_url: str) -> None:
    database = Database.connect(database_url)
    assert database.is_empty()
    database.upgrade()
    engine = database.sync_engine()
    with engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert set(Base.metadata.tables) <= tables
    assert differences == [], "models changed without a migration (alembic revision)"
    assert database.current_revision() == database.head_revision()
    database.upgrade()  # a second upgrade is a no-op


async def test_times_come_back_aware_in_utc(database_url: str) -> None:
    database = Database.connect(database_url)
    database.upgrade()
    async with database.sessions.begin() as session:
        coalition = Coalition(slug="t", name="T")
        session.add(coalition)
        await session.flush()
        local = datetime.fromisoformat("2027-03-28T09:00:00+02:00")
        session.add(Event(coalition_id=coalition.id, title="x", starts_at=local))
    async with database.sessions() as session:
        stored = await session.scalar(select(Event.starts_at))
    await database.dispose()
    assert stored == datetime(2027, 3, 28, 7, 0, tzinfo=UTC)
    assert stored is not None
    assert stored.utcoffset() is not None


async def test_sqlite_runs_with_foreign_keys_and_wal(sqlite_url: str) -> None:
    database = Database.connect(sqlite_url)
    database.upgrade()
    async with database.engine.connect() as connection:
        foreign_keys = await connection.scalar(text("PRAGMA foreign_keys"))
        journal = await connection.scalar(text("PRAGMA journal_mode"))
    await database.dispose()
    assert foreign_keys == 1
    assert journal == "wal"


def test_chat_creates_an_empty_sqlite_file_with_demo_data(tmp_path: Path) -> None:
    result = bot_cli("chat", cwd=tmp_path, stdin="/events\n")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "coalition-bot.db").exists()
    assert "eAlijansa" in result.stdout


def test_run_and_chat_refuse_an_out_of_date_schema(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    with sqlite3.connect(old) as connection:
        connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        connection.execute("INSERT INTO alembic_version VALUES ('0000')")
        connection.execute("CREATE TABLE coalitions (id INTEGER PRIMARY KEY)")
    config = tmp_path / "bot.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{old}"\n', encoding="utf-8")
    for command in ("run", "chat"):
        result = bot_cli("--config", str(config), command, cwd=tmp_path)
        assert result.returncode == 2
        assert f"coalition-bot --config {config} db upgrade" in result.stderr
        assert "Traceback" not in result.stderr


def test_db_upgrade_then_demo_twice_loads_once(tmp_path: Path) -> None:
    config = tmp_path / "bot.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{tmp_path}/bot.db"\n', encoding="utf-8")
    assert bot_cli("--config", str(config), "db", "upgrade", cwd=tmp_path).returncode == 0
    first = bot_cli("--config", str(config), "demo", cwd=tmp_path)
    second = bot_cli("--config", str(config), "demo", cwd=tmp_path)
    assert first.stdout.strip() == "demo data loaded"
    assert second.stdout.strip() == "demo data is already there"
    with sqlite3.connect(tmp_path / "bot.db") as connection:
        (coalitions,) = connection.execute("SELECT count(*) FROM coalitions").fetchone()
    assert coalitions == 3
