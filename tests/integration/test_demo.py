"""The demo coalitions load into a real, migrated SQLite database, once."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from models.database import Database
from models.demo import load_demo, year_end
from models.entities import (
    Activity,
    Area,
    Coalition,
    Contact,
    Event,
    EventStatus,
    Organisation,
    Sector,
)
from tests.support import bot_cli

ROOT = Path(__file__).resolve().parents[2]
TODAY = date.today()
TABLES = (Coalition, Area, Organisation, Contact, Event, Activity)
FOUNDERS = {
    "Savinjsko-šaleška gospodarska zbornica": Sector.BUSINESS,
    "Skupnost občin SAŠA subregije": Sector.PUBLIC,
    "Šolski center Velenje": Sector.EDUCATION,
    "Ljudska univerza Velenje": Sector.EDUCATION,
    "Razvojna agencija SAŠA": Sector.PUBLIC,
    "Stičišče NVO Savinjske regije": Sector.CIVIL_SOCIETY,
    "SAŠA inkubator": Sector.BUSINESS,
    "Klub podjetnikov SAŠA regije": Sector.BUSINESS,
}


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database.connect(f"sqlite:///{tmp_path}/demo.db")
    database.upgrade()
    yield database
    await database.dispose()


async def counts(db: Database) -> dict[str, int]:
    async with db.sessions() as session:
        return {
            table.__tablename__: await session.scalar(select(func.count()).select_from(table)) or 0
            for table in TABLES
        }


async def coalition_id(db: Database, slug: str) -> int:
    async with db.sessions() as session:
        found = await session.scalar(select(Coalition.id).where(Coalition.slug == slug))
    assert found is not None
    return found


async def test_loads_both_coalitions_with_the_seed_facts(db: Database) -> None:
    assert await load_demo(db.sessions, TODAY) is True

    async with db.sessions() as session:
        coalitions = {c.slug: c for c in await session.scalars(select(Coalition))}
        assert set(coalitions) == {"sasa", "ljubljana", "digitalna-slovenija"}
        sasa = coalitions["sasa"]
        assert sasa.name == "Lokalna digitalna koalicija SAŠA regije"
        assert (sasa.timezone, sasa.default_locale) == ("Europe/Ljubljana", "sl")

        areas = (await session.scalars(select(Area).where(Area.coalition_id == sasa.id))).all()
        assert len(areas) == 6
        assert {a.name for a in areas} >= {"Pametno podeželje", "Zgodnje učenje"}

        organisations = {
            o.name: o
            for o in await session.scalars(
                select(Organisation).where(Organisation.coalition_id == sasa.id)
            )
        }
        assert len(organisations) == 9
        assert {name: organisations[name].sector for name in FOUNDERS} == FOUNDERS
        assert organisations["IPAK inštitut"].sector is Sector.RESEARCH

        contact = await session.scalar(
            select(Contact).where(Contact.coalition_id == sasa.id, Contact.email == "ldk@ldk.si")
        )
        assert contact is not None
        assert contact.phone == "070 476 019"
        assert contact.organisation_id == organisations["IPAK inštitut"].id

        events = (await session.scalars(select(Event))).all()
        assert all(e.status is EventStatus.SCHEDULED for e in events)
        start_of_today = datetime.combine(TODAY, datetime.min.time(), ZoneInfo("Europe/Ljubljana"))
        # only what counted toward the goals this year is in the past: the council's meeting
        assert all(e.starts_at >= start_of_today for e in events if e.indicator_id is None)
        assert all(e.starts_at.tzinfo is not None for e in events)
        week = start_of_today + timedelta(days=7)
        assert any(e.coalition_id == sasa.id and e.starts_at < week for e in events)
        tomorrow_ten = datetime.combine(
            TODAY + timedelta(days=1), datetime.min.time().replace(hour=10), ZoneInfo(sasa.timezone)
        )
        assert any(e.starts_at == tomorrow_ten.astimezone(UTC) for e in events)

        activities = (await session.scalars(select(Activity))).all()
        assert all(a.due_on is None or a.due_on >= TODAY for a in activities)
        founding = [a for a in activities if a.title.startswith("Formalna ustanovitev")]
        assert len(founding) == 1
        assert founding[0].due_on is None
        yearly = [a for a in activities if a.title.startswith("Najmanj 3 oddane prijave")]
        assert [a.due_on for a in yearly] == [year_end(TODAY)]


async def test_loading_twice_adds_nothing(db: Database) -> None:
    assert await load_demo(db.sessions, TODAY) is True
    before = await counts(db)

    assert await load_demo(db.sessions, TODAY + timedelta(days=3)) is False

    assert await counts(db) == before
    assert before["coalitions"] == 3


async def test_fills_a_coalition_created_without_areas(db: Database) -> None:
    async with db.sessions.begin() as session:
        session.add(Coalition(slug="sasa", name="SAŠA (iz nastavitev)"))

    assert await load_demo(db.sessions, TODAY) is True

    sasa = await coalition_id(db, "sasa")
    async with db.sessions() as session:
        coalition = await session.get(Coalition, sasa)
        assert coalition is not None
        assert coalition.name == "SAŠA (iz nastavitev)"
        areas = await session.scalar(select(func.count(Area.id)).where(Area.coalition_id == sasa))
        events = await session.scalar(
            select(func.count(Event.id)).where(Event.coalition_id == sasa)
        )
    assert areas == 6
    assert events == 8
    assert (await counts(db))["coalitions"] == 3


async def test_fills_a_coalition_whose_config_made_an_area_first(db: Database) -> None:
    """The config's `[coalitions.areas]` runs first; the demo still loads all that is missing."""
    async with db.sessions.begin() as session:
        coalition = Coalition(slug="sasa", name="Lokalna digitalna koalicija SAŠA regije")
        session.add(coalition)
        await session.flush()
        session.add(Area(coalition_id=coalition.id, slug="pametno-mesto", name="Pametno mesto"))
        session.add(Area(coalition_id=coalition.id, slug="lastno", name="Lastno področje"))

    assert await load_demo(db.sessions, TODAY) is True

    sasa = await coalition_id(db, "sasa")
    async with db.sessions() as session:
        areas = (await session.scalars(select(Area).where(Area.coalition_id == sasa))).all()
        events = await session.scalar(
            select(func.count(Event.id)).where(Event.coalition_id == sasa)
        )
    slugs = [a.slug for a in areas]
    assert len(slugs) == 7, slugs
    assert len(set(slugs)) == 7, slugs
    assert "lastno" in slugs
    assert events == 8
    before = await counts(db)
    assert await load_demo(db.sessions, TODAY) is False
    assert await counts(db) == before


def test_the_readmes_setup_on_the_example_config_shows_the_sasa_events(tmp_path: Path) -> None:
    """README, "Running it for real": copy config.example.toml, `db upgrade`, `demo`."""
    shutil.copy(ROOT / "config.example.toml", tmp_path / "bot.toml")
    for step in (("db", "upgrade"), ("demo",)):
        done = bot_cli("--config", "bot.toml", *step, cwd=tmp_path)
        assert done.returncode == 0, (step, done.stdout, done.stderr)
    assert "demo data loaded" in done.stdout
    chat = bot_cli("--config", "bot.toml", "chat", "--lang", "en", cwd=tmp_path, stdin="/events\n")
    assert chat.returncode == 0, chat.stderr
    assert "Lokalna digitalna koalicija SAŠA regije: 8 upcoming events" in chat.stdout, chat.stdout
    assert "eAlijansa" in chat.stdout


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2030, 3, 1), date(2030, 12, 31)),
        (date(2030, 12, 20), date(2031, 12, 31)),
        (date(2030, 12, 17), date(2031, 12, 31)),
        (date(2030, 12, 16), date(2030, 12, 31)),
    ],
)
def test_yearly_target_is_due_at_a_year_end_not_too_close(today: date, expected: date) -> None:
    assert year_end(today) == expected
