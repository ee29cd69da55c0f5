"""What crosses a network link, on SQLite and PostgreSQL: a shared event reaches the linked
coalition's weekly digest, marked with its origin; nothing else does (not an internal event,
not an activity or deadline, not a contact), and after the link ends not the shared one
either."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.app import App
from models.entities import Role
from tests.conftest import FakeClock
from tests.reminder_support import RecordingSender, scheduler_for
from tests.support import as_role, ask

SASA_ADMIN = "telegram:9101"
LJUBLJANA_ADMIN = "telegram:9102"
LJUBLJANA_GROUP = "telegram:-7102"
SASA_NAME = "Lokalna digitalna koalicija SAŠA regije"


async def added_id(app: App, line: str, user: str) -> int:
    added = await ask(app, line, user=user)
    assert not added.is_error, added.plain_text()
    return int(added.title.split("#", 1)[1].split()[0])


async def linked(app: App) -> None:
    await as_role(app, SASA_ADMIN, Role.ADMIN)
    await as_role(app, LJUBLJANA_ADMIN, Role.ADMIN, coalition="ljubljana")
    asked = await ask(app, "/link ljubljana horizontal", user=SASA_ADMIN)
    assert not asked.is_error, asked.plain_text()
    accepted = await ask(app, "/link sasa accept", user=LJUBLJANA_ADMIN, coalition="ljubljana")
    assert not accepted.is_error, accepted.plain_text()


async def sasa_week(app: App) -> None:
    """In the week of the next digest: one shared event, one internal event, an activity due
    and a new contact, all SAŠA's."""
    coordinator = await as_role(app, "sasa-koord", Role.COORDINATOR)
    shared = await added_id(app, "/dodajdogodek Skupni forum | 1.12.2026 10:00 | tiho", coordinator)
    marked = await ask(app, f"/uredidogodek {shared} deli=da", user=coordinator)
    assert not marked.is_error, marked.plain_text()
    await added_id(app, "/dodajdogodek Notranji sestanek | 2.12.2026 10:00 | tiho", coordinator)
    activity = await ask(app, "/dodajaktivnost Interno poročilo | 3.12.2026", user=coordinator)
    assert not activity.is_error, activity.plain_text()
    contact = await ask(
        app,
        "/dodajkontakt Zala Zaupna | SAŠA inkubator | mentorica | zala@example.org",
        user=coordinator,
    )
    assert not contact.is_error, contact.plain_text()


async def digest_of(app: App, clock: FakeClock) -> str:
    """The weekly digest the bound Ljubljana group gets on Monday 30 Nov at 08:00."""
    sender = RecordingSender()
    scheduler = scheduler_for(app, sender)
    await app.services.reminders.ensure_digests()
    clock.now = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)  # Monday 08:00 in Ljubljana
    await scheduler.sweep()
    [digest] = [t for t in sender.texts(LJUBLJANA_GROUP) if t.startswith("Ta teden")]
    return digest


async def test_a_shared_event_is_in_the_linked_digest_and_nothing_else_crosses(
    any_app: App, clock: FakeClock
) -> None:
    app = any_app
    await linked(app)
    await app.services.directory.bind_chat(LJUBLJANA_ADMIN, LJUBLJANA_GROUP, "ljubljana")
    await sasa_week(app)

    digest = await digest_of(app, clock)
    assert "Skupni forum · iz koalicije »" + SASA_NAME + "«" in digest, digest
    assert "Notranji sestanek" not in digest, "an internal event stays home"
    assert "Interno poročilo" not in digest, "an activity stays home"

    for line in ("/events", "/deadlines", "/activities", "/contacts Zaupna", "/contacts mentor"):
        reply = await ask(app, line, coalition="ljubljana", locale="en")
        text = reply.plain_text()
        for word in ("Notranji sestanek", "Interno poročilo", "Zala", "zala@example.org"):
            assert word not in text, (line, word, text)
    at_home = await ask(app, "/contacts Zaupna", locale="en")
    assert "zala@example.org" in at_home.plain_text(), "the contact is there, at home"
    listed = await ask(app, "/events", coalition="ljubljana", locale="en")
    assert f"shared by {SASA_NAME}" in listed.plain_text()


async def test_after_unlinking_the_digest_has_no_shared_event(
    any_app: App, clock: FakeClock
) -> None:
    app = any_app
    await linked(app)
    await app.services.directory.bind_chat(LJUBLJANA_ADMIN, LJUBLJANA_GROUP, "ljubljana")
    await sasa_week(app)
    ended = await ask(app, "/unlink sasa", user=LJUBLJANA_ADMIN, coalition="ljubljana")
    assert not ended.is_error, ended.plain_text()

    digest = await digest_of(app, clock)
    assert "Skupni forum" not in digest, digest
