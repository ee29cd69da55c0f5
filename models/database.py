"""Engines, sessions and schema versions for SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool

from models import entities, reminders  # noqa: F401  (every table is known to migrations)

MIGRATIONS = Path(__file__).parent / "migrations"


class SchemaOutOfDate(Exception):
    """The database schema is older (or newer) than this code."""

    def __init__(self, current: str | None, head: str) -> None:
        super().__init__(f"database schema is at {current or 'nothing'}, the code needs {head}")
        self.current = current
        self.head = head


def normalise_url(url: str) -> tuple[URL, URL]:
    """The async and the sync URL for one database URL, whatever driver it names."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite"), parsed.set(drivername="sqlite")
    if backend == "postgresql":
        psycopg = parsed.set(drivername="postgresql+psycopg")
        return psycopg, psycopg
    raise ValueError(f"unsupported database {backend!r}: use sqlite:/// or postgresql://")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    # SQLite's own lower() folds ASCII only; searches must match "Šolski" with "šolski".
    dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)


def _unicode_lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def _with_sqlite_pragmas(engine: Engine) -> Engine:
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


@dataclass
class Database:
    """One database: the async engine the bot uses and the schema tools."""

    url: str
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]

    @classmethod
    def connect(cls, url: str, *, echo: bool = False) -> Database:
        async_url, _sync_url = normalise_url(url)
        options: dict[str, Any] = {"echo": echo}
        if async_url.get_backend_name() == "postgresql":
            options.update(pool_size=10, max_overflow=10, pool_pre_ping=True)
        engine = create_async_engine(async_url, **options)
        _with_sqlite_pragmas(engine.sync_engine)
        return cls(url, engine, async_sessionmaker(engine, expire_on_commit=False))

    def sync_engine(self) -> Engine:
        _async_url, sync_url = normalise_url(self.url)
        return _with_sqlite_pragmas(create_engine(sync_url, poolclass=NullPool))

    def alembic_config(self) -> AlembicConfig:
        config = AlembicConfig()
        config.set_main_option("script_location", str(MIGRATIONS))
        return config

    def head_revision(self) -> str:
        head = ScriptDirectory.from_config(self.alembic_config()).get_current_head()
        assert head is not None
        return head

    def current_revision(self) -> str | None:
        engine = self.sync_engine()
        try:
            with engine.connect() as connection:
                return MigrationContext.configure(connection).get_current_revision()
        finally:
            engine.dispose()

    def is_empty(self) -> bool:
        engine = self.sync_engine()
        try:
            with engine.connect() as connection:
                return not engine.dialect.get_table_names(connection)
        finally:
            engine.dispose()

    def upgrade(self, revision: str = "head") -> None:
        engine = self.sync_engine()
        try:
            with engine.begin() as connection:
                config = self.alembic_config()
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
        finally:
            engine.dispose()

    def new_revision(self, message: str) -> str:
        """Writes a migration for what the models have and this database lacks."""
        engine = self.sync_engine()
        try:
            with engine.begin() as connection:
                config = self.alembic_config()
                config.attributes["connection"] = connection
                script = command.revision(config, message=message, autogenerate=True)
        finally:
            engine.dispose()
        scripts = script if isinstance(script, list) else [script]
        return ", ".join(s.path for s in scripts if s is not None)

    def check_schema(self) -> None:
        current, head = self.current_revision(), self.head_revision()
        if current != head:
            raise SchemaOutOfDate(current, head)

    async def dispose(self) -> None:
        await self.engine.dispose()
