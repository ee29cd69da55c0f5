"""Shared fixtures: real databases (SQLite always, PostgreSQL when reachable), a settable clock."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from bot.app import App, build_app, start_app
from bot.config import Config, ThrottleConfig
from models.database import Database

POSTGRES_URL = os.environ.get("COALITION_BOT_TEST_DATABASE_URL", "")
BACKENDS = ["sqlite", "postgres"]


@dataclass
class FakeClock:
    """A clock the test moves by hand."""

    now: datetime = field(default_factory=lambda: datetime(2026, 11, 23, 9, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now


def _postgres_reachable() -> str | None:
    if not POSTGRES_URL:
        return "COALITION_BOT_TEST_DATABASE_URL is not set"
    try:
        engine = create_engine(make_url(POSTGRES_URL).set(drivername="postgresql+psycopg"))
        with engine.connect():
            pass
        engine.dispose()
    except Exception as error:
        return f"PostgreSQL at COALITION_BOT_TEST_DATABASE_URL is not reachable: {error}"
    return None


POSTGRES_SKIP_REASON = _postgres_reachable()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    if POSTGRES_SKIP_REASON:
        if os.environ.get("COALITION_BOT_REQUIRE_POSTGRES"):
            pytest.fail(f"PostgreSQL tier required but unavailable: {POSTGRES_SKIP_REASON}")
        pytest.skip(POSTGRES_SKIP_REASON)
    server = make_url(POSTGRES_URL).set(drivername="postgresql+psycopg")
    name = f"cb_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test using this runs on SQLite and on PostgreSQL (skipped with a reason if absent)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/bot.db"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/bot.db"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


async def make_app(
    url: str, clock: FakeClock, *, demo: bool = True, config: Config | None = None
) -> App:
    """An App on a migrated database (from empty, through Alembic), optionally with demo data."""
    database = Database.connect(url)
    await asyncio.to_thread(database.upgrade)
    await database.dispose()
    app = build_app(replace(config or Config(), database_url=url), clock=clock)
    await start_app(app, with_demo=demo)
    return app


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated from empty with the demo data, made once; tests get copies."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"

    async def build() -> None:
        application = await make_app(f"sqlite:///{path}", FakeClock())
        await application.close()

    asyncio.run(build())
    return path


@pytest.fixture
async def app(demo_database: Path, tmp_path: Path, clock: FakeClock) -> AsyncIterator[App]:
    """The whole core on a real SQLite file (tmp_path/bot.db) with the demo coalitions.

    Without the per-person command limit: tests type faster than people (tests of the limit
    turn it on)."""
    path = tmp_path / "bot.db"
    shutil.copy(demo_database, path)
    config = Config(database_url=f"sqlite:///{path}", throttle=ThrottleConfig(burst=0))
    application = build_app(config, clock=clock)
    await start_app(application, with_demo=True)
    yield application
    await application.close()


@pytest.fixture
async def any_app(database_url: str, clock: FakeClock) -> AsyncIterator[App]:
    """The whole core with demo data, once on SQLite and once on PostgreSQL."""
    application = await make_app(database_url, clock)
    yield application
    await application.close()
