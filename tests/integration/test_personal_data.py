"""A person's own data on SQLite and PostgreSQL: /mydata gathers every kind of row about an
identity; /forgetme, confirmed, leaves no column of any table naming it (every table of the
metadata is read back whole), keeps the event's counts right, and keeps a config admin's
roles, saying so. /deletecontact deletes within the coalition only."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select

from bot.app import App
from models.base import Base
from models.entities import (
    AuditEntry,
    ChatSighting,
    Contact,
    Member,
    Organisation,
    Role,
)
from models.imports.columns import Kind
from models.reminders import Delivery, DeliveryState, Reminder
from models.rsvp.entities import Attendance
from models.services.directory import CoalitionSpec
from models.services.rsvp.views import Answer
from tests.support import ask

PERSON = "telegram:7401"
OTHER = "telegram:7402"


async def tables_naming(app: App, name: str) -> list[str]:
    """Every table.column whose value anywhere mentions `name` (bytes read as text too)."""
    found: list[str] = []
    async with app.database.sessions() as session:
        for table in Base.metadata.sorted_tables:
            for row in (await session.execute(select(table))).mappings():
                for column, value in row.items():
                    text = (
                        value.decode("utf-8", "replace")
                        if isinstance(value, bytes)
                        else json.dumps(value, default=str)
                    )
                    if name in text:
                        found.append(f"{table.name}.{column}")
    return sorted(set(found))


async def everything_about(app: App, person: str) -> int:
    """Gives `person` a row of every kind; the event they answered."""
    await app.services.directory.ensure_role("sasa", person, Role.COORDINATOR)
    await app.services.directory.ensure_role("ljubljana", person, Role.MEMBER)
    await app.services.directory.set_user_locale(person, "en")
    await ask(app, "/koalicija sasa", user=person, coalition=None)
    added = await ask(app, "/addevent Delavnica o podatkih | 20.12.2026 10:00", user=person)
    assert "#" in added.plain_text(), added.plain_text()
    event_id = int(added.plain_text().split("#", 1)[1].split()[0].rstrip(".:"))
    await app.services.rsvp.set_capacity("sasa", person, event_id, 1)
    await app.services.rsvp.answer(
        "sasa", event_id, person, Answer.YES, name="Ana Osebna", private_chat=person
    )
    await app.services.rsvp.answer("sasa", event_id, OTHER, Answer.YES, name="Bor")
    subscribed = await ask(app, "/narocisi", user=person)
    assert not subscribed.is_error, subscribed.plain_text()
    calendar = await ask(app, "/koledar", user=person)
    assert not calendar.is_error, calendar.plain_text()
    await app.services.held_imports.hold(
        "sasa", person, Kind.EVENTS, "f.csv", b"title,when\n", app.clock()
    )
    async with app.database.sessions.begin() as session:
        session.add(
            ChatSighting(
                identity=person, chat_id="telegram:-100999", member=True, checked_at=app.clock()
            )
        )
        organisation = await session.scalar(select(Organisation).limit(1))
        assert organisation is not None
        session.add(
            Contact(
                coalition_id=organisation.coalition_id,
                organisation_id=organisation.id,
                name="Ana Osebna",
                email="ana.osebna@example.org",
                chat_identities=[person, "slack:T1:U9"],
            )
        )
        reminder = await session.scalar(select(Reminder).limit(1))
        assert reminder is not None
        session.add(
            Delivery(
                reminder_id=reminder.id,
                destination=person,
                state=DeliveryState.FAILED,
                error=f"{person}: Forbidden: bot was blocked by the user",
                at=app.clock(),
            )
        )
    return event_id


async def test_mydata_gathers_every_kind_of_row(any_app: App) -> None:
    await everything_about(any_app, PERSON)
    reply = await ask(any_app, "/mojipodatki", user=PERSON)
    assert reply.attachment is not None
    assert reply.attachment.filename == "my-data.json"
    found: dict[str, Any] = json.loads(reply.attachment.content)
    assert found["identity"] == PERSON
    assert found["language"] == "en"
    assert {r["role"] for r in found["roles"]} == {"coordinator", "member"}
    assert found["subscriptions"]
    assert found["answers_to_events"][0]["answer"] == "going"
    assert found["calendar_links"]
    assert found["seen_in_chats"]
    assert found["imports_waiting"]
    assert found["events_created"][0]["title"] == "Delavnica o podatkih"
    assert any(a["action"] == "event.create" for a in found["audit_entries_made"])
    assert found["contact_records"][0]["email"] == "ana.osebna@example.org"
    group = await ask(any_app, "/mojipodatki", user=PERSON, group=True)
    assert group.is_error
    assert group.attachment is None


async def test_forgetme_asks_first_then_leaves_no_table_naming_the_identity(
    any_app: App,
) -> None:
    event_id = await everything_about(any_app, PERSON)
    assert await tables_naming(any_app, PERSON)
    asked = await ask(any_app, "/pozabime", user=PERSON)
    assert [b.command for b in asked.buttons] == ["/forgetme confirm", "/forgetme cancel"]
    assert await tables_naming(any_app, PERSON), "asking erases nothing"
    kept = await ask(any_app, "/forgetme cancel", user=PERSON)
    assert "Nothing was erased" in kept.plain_text() or "izbrisano" in kept.plain_text()
    done = await ask(any_app, "/forgetme confirm", user=PERSON, locale="en")
    assert not done.is_error, done.plain_text()
    assert await tables_naming(any_app, PERSON) == []
    async with any_app.database.sessions() as session:
        attendance = await session.get_one(Attendance, event_id)
        assert (attendance.going, attendance.places, attendance.waiting) == (1, 1, 0)
        pseudonymous = await session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.actor.startswith("forgotten:"))
        )
        assert (pseudonymous or 0) >= 3, "the audit keeps the changes, not the name"
        contact = await session.scalar(select(Contact).where(Contact.name == "Ana Osebna"))
        assert contact is not None
        assert contact.chat_identities == ["slack:T1:U9"]
    mine = await ask(any_app, "/mojipodatki", user=PERSON)
    assert mine.attachment is not None
    after: dict[str, Any] = json.loads(mine.attachment.content)
    assert not after["roles"]
    assert not after["answers_to_events"]


async def test_a_config_admin_keeps_those_roles_and_is_told(any_app: App) -> None:
    [sasa] = [c for c in await any_app.services.directory.coalitions() if c.slug == "sasa"]
    await any_app.services.directory.apply_config(
        [CoalitionSpec(slug="sasa", name=sasa.name, admins=(PERSON,))]
    )
    await any_app.services.directory.ensure_role("ljubljana", PERSON, Role.MEMBER)
    done = await ask(any_app, "/forgetme confirm", user=PERSON, locale="en")
    assert sasa.name in done.plain_text()
    assert "configuration" in done.plain_text()
    async with any_app.database.sessions() as session:
        roles = list(await session.scalars(select(Member).where(Member.identity == PERSON)))
    assert [(m.role, m.from_config) for m in roles] == [(Role.ADMIN, True)]


async def test_deletecontact_within_the_coalition_with_an_audit_entry(any_app: App) -> None:
    await any_app.services.directory.ensure_role("sasa", PERSON, Role.COORDINATOR)
    added = await ask(any_app, "/addcontact Ana Brisana | SAŠA inkubator | | ana@b.si", user=PERSON)
    contact_id = int(added.plain_text().split("#", 1)[1].split()[0].rstrip("."))
    elsewhere = await ask(
        any_app, f"/deletecontact {contact_id}", user=PERSON, coalition="ljubljana", locale="en"
    )
    assert elsewhere.is_error
    bad = await ask(any_app, "/deletecontact abc", user=PERSON, locale="en")
    assert bad.is_error
    assert "/contacts" in bad.plain_text()
    missing = await ask(any_app, "/deletecontact 999999", user=PERSON, locale="en")
    assert "no contact #999999" in missing.plain_text()
    member = await ask(any_app, f"/deletecontact {contact_id}", user=OTHER, locale="en")
    assert member.is_error
    done = await ask(any_app, f"/deletecontact {contact_id}", user=PERSON, locale="en")
    assert f"Contact #{contact_id} deleted: Ana Brisana." in done.plain_text()
    assert "Ana Brisana" not in " ".join(await tables_naming(any_app, "Ana Brisana"))
    assert await tables_naming(any_app, "Ana Brisana") == []
    async with any_app.database.sessions() as session:
        actions = list(
            await session.scalars(
                select(AuditEntry.action).where(AuditEntry.target == f"contact:{contact_id}")
            )
        )
    assert actions == ["contact.create", "contact.delete"]
