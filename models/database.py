"""Engines, sessions and schema versions for SQLite and PostgreSQL."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

# every table is known to migrations
from models import entities, goals, held, network, questions, reminders, rsvp  # noqa: F401
from models.freshness import ContentChanges
from models.sqlite_driver import one_trip_driver

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

MIGRATIONS = Path(__file__).parent / "migrations"
POOL_TIMEOUT = 10
"""Seconds a command waits for a free connection before the database counts as unavailable."""
SQLITE_BUSY_TIMEOUT = 6.0
"""Seconds a SQLite writer waits for the write lock before it gives up."""
POSTGRESQL_CONNECT_ARGS: dict[str, Any] = {
    # a server that does not answer is given up on, instead of waited for forever
    "connect_timeout": 5,
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
    "tcp_user_timeout": 30_000,  # ms that sent data may stay unacknowledged
    # no statement of the bot's runs this long; one that does is stuck (a lock, a silent disk)
    "options": "-c statement_timeout=15000 -c idle_in_transaction_session_timeout=60000",
}


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
    # a burst of writers queues here, but ends before the dispatcher's command timeout (8 s),
    # so that a command waiting on the lock answers "unavailable" by itself and is not abandoned
    cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT * 1000)}")
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
    changes: ContentChanges

    @classmethod
    def connect(cls, url: str, *, echo: bool = False) -> Database:
        async_url, _sync_url = normalise_url(url)
        options: dict[str, Any] = {"echo": echo}
        if async_url.get_backend_name() == "postgresql":
            options.update(
                pool_size=10,
                max_overflow=10,
                pool_pre_ping=True,
                pool_timeout=POOL_TIMEOUT,
                connect_args=POSTGRESQL_CONNECT_ARGS,
            )
        else:
            options["module"] = one_trip_driver()
        engine = create_async_engine(async_url, **options)
        _with_sqlite_pragmas(engine.sync_engine)
        # a class of its own, so that only this database's sessions count its changes
        session_class = type("DatabaseSession", (Session,), {})
        sessions = async_sessionmaker(
            engine, expire_on_commit=False, sync_session_class=session_class
        )
        return cls(url, engine, sessions, ContentChanges(sessions, session_class))

    def sync_engine(self) -> Engine:
        _async_url, sync_url = normalise_url(self.url)
        return _with_sqlite_pragmas(create_engine(sync_url, poolclass=NullPool))

    def alembic_config(self) -> AlembicConfig:
        from alembic.config import Config as AlembicConfig

        config = AlembicConfig()
        config.set_main_option("script_location", str(MIGRATIONS))
        return config

    def head_revision(self) -> str:
        from alembic.script import ScriptDirectory

        head = ScriptDirectory.from_config(self.alembic_config()).get_current_head()
        assert head is not None
        return head

    def current_revision(self) -> str | None:
        from alembic.runtime.migration import MigrationContext

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
        from alembic import command

        engine = self.sync_engine()
        try:
            with engine.connect() as connection:
                is_sqlite = connection.dialect.name == "sqlite"
                if is_sqlite:
                    # A batch migration copies a table and drops the old one; with foreign
                    # keys enforced, that drop would cascade to every row that refers to it.
                    connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
                    connection.commit()
                with connection.begin():
                    config = self.alembic_config()
                    config.attributes["connection"] = connection
                    command.upgrade(config, revision)
                    if is_sqlite:
                        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                        if broken:
                            raise RuntimeError(f"the upgrade left broken references: {broken}")
        finally:
            engine.dispose()

    def new_revision(self, message: str) -> str:
        """Writes a migration for what the models have and this database lacks."""
        from alembic import command

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
        """Raises SchemaOutOfDate unless the database is at the migrations' head.

        Every start does this, so it reads the revisions itself: importing Alembic takes
        about as long as importing SQLAlchemy. Alembic decides only when the migrations or
        the database have more than one head.
        """
        head = file_head()
        stored = self._stored_revisions()
        if head is None or stored is None or len(stored) > 1:
            current, head = self.current_revision(), self.head_revision()
        else:
            current = stored[0] if stored else None
        if current != head:
            raise SchemaOutOfDate(current, head)

    def _stored_revisions(self) -> list[str] | None:
        """The revisions in alembic_version ([] when it has none or does not exist); None when
        they cannot be read this way."""
        engine = self.sync_engine()
        try:
            with engine.connect() as connection:
                if not engine.dialect.has_table(connection, "alembic_version"):
                    return []
                return [
                    str(row[0])
                    for row in connection.execute(text("SELECT version_num FROM alembic_version"))
                ]
        except Exception:
            return None
        finally:
            engine.dispose()

    async def dispose(self) -> None:
        await self.engine.dispose()


def file_head() -> str | None:
    """The one head of the migrations, read from their `revision` and `down_revision`;
    None when there is not exactly one or a file says it in a way this does not read."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        values: dict[str, object] = {}
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            targets: list[ast.expr]
            if isinstance(node, ast.AnnAssign) and node.value is not None:
                targets, value = [node.target], node.value
            elif isinstance(node, ast.Assign):
                targets, value = node.targets, node.value
            else:
                continue
            for target in targets:
                if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
                    try:
                        values[target.id] = ast.literal_eval(value)
                    except ValueError:
                        return None
        revision, parent = values.get("revision"), values.get("down_revision")
        if not isinstance(revision, str) or not isinstance(parent, str | None):
            return None
        revisions.add(revision)
        if parent is not None:
            parents.add(parent)
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None
