"""Answers remembered between changes are never out of date for the reader.

The dispatcher remembers shared answers (/events, /deadlines, /contacts, ...) and who is
asking where; any change of content made here shows at once, a change made by another
process on the same database within its poll interval, and time alone at the next minute.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, select

from bot.app import App, build_app
from models.entities import Coalition, Role
from models.freshness import ContentRevision
from tests.conftest import FakeClock
from tests.support import as_role, ask


@pytest.fixture
async def other(any_app: App, clock: FakeClock) -> AsyncIterator[App]:
    """Another process on the same database; `any_app` polls for its changes every 0.2 s."""
    process = build_app(replace(any_app.config), clock=clock)
    any_app.database.changes.poll_seconds = 0.2
    yield process
    await process.close()


async def stored_revision(app: App, slug: str = "sasa") -> int:
    async with app.database.sessions() as session:
        revision = await session.scalar(
            select(ContentRevision.revision)
            .join(Coalition, Coalition.id == ContentRevision.coalition_id)
            .where(Coalition.slug == slug)
        )
        return revision or 0


async def statements_for(app: App, line: str, **options: object) -> tuple[int, str]:
    """The statements sent to the database while `line` is answered, and the answer."""
    return await engine_events_for(app, line, "before_cursor_execute", **options)


async def engine_events_for(app: App, line: str, name: str, **options: object) -> tuple[int, str]:
    """How often the engine event `name` fired while `line` is answered, and the answer."""
    count = 0

    def counted(*_args: object) -> None:
        nonlocal count
        count += 1

    engine = app.database.engine.sync_engine
    event.listen(engine, name, counted)
    try:
        reply = await ask(app, line, **options)  # type: ignore[arg-type]
    finally:
        event.remove(engine, name, counted)
    return count, reply.plain_text()


async def test_asking_again_costs_no_database_round_trip(any_app: App) -> None:
    # reading other processes' changes, once a second, is a round trip of its own
    any_app.database.changes.poll_seconds = 3600.0
    first_count, first = await statements_for(any_app, "/events", group=True)
    again_count, again = await statements_for(any_app, "/events", group=True)
    assert first_count >= 1
    assert (again_count, again) == (0, first)


async def test_an_added_event_shows_at_once_in_the_same_process(any_app: App) -> None:
    coordinator = await as_role(any_app, "ana", Role.COORDINATOR)
    before = (await ask(any_app, "/events")).plain_text()
    added = await ask(
        any_app, "/addevent Delavnica o umetni inteligenci | jutri 10:00", user=coordinator
    )
    assert not added.is_error, added.plain_text()
    after = (await ask(any_app, "/events")).plain_text()
    assert "Delavnica o umetni inteligenci" not in before
    assert "Delavnica o umetni inteligenci" in after


async def test_a_change_in_another_process_shows_within_the_poll_interval(
    any_app: App, other: App
) -> None:
    coordinator = await as_role(other, "bojan", Role.COORDINATOR)
    assert "Hackathon Šaleške doline" not in (await ask(any_app, "/events")).plain_text()
    added = await ask(other, "/addevent Hackathon Šaleške doline | jutri 18:00", user=coordinator)
    assert not added.is_error, added.plain_text()
    await asyncio.sleep(0.3)
    assert "Hackathon Šaleške doline" in (await ask(any_app, "/events")).plain_text()


async def test_a_new_role_changes_what_help_offers_at_once(any_app: App) -> None:
    member = "console:cilka"
    admin = await as_role(any_app, "skrbnica", Role.ADMIN)
    assert "/addevent" not in (await ask(any_app, "/help", user=member, locale="en")).plain_text()
    granted = await ask(any_app, f"/role {member} coordinator", user=admin)
    assert not granted.is_error, granted.plain_text()
    assert "/addevent" in (await ask(any_app, "/help", user=member, locale="en")).plain_text()


async def test_an_event_that_has_started_leaves_the_list_at_the_next_minute(
    app: App, clock: FakeClock
) -> None:
    coordinator = await as_role(app, "ana", Role.COORDINATOR)
    starts = clock.now + timedelta(minutes=30)
    local = starts.astimezone(ZoneInfo("Europe/Ljubljana"))
    added = await ask(app, f"/addevent Jutranji posvet | danes {local:%H:%M}", user=coordinator)
    assert not added.is_error, added.plain_text()
    assert "Jutranji posvet" in (await ask(app, "/events")).plain_text()
    clock.now = starts + timedelta(seconds=30)
    assert "Jutranji posvet" not in (await ask(app, "/events")).plain_text()


async def test_reminder_bookkeeping_does_not_count_as_a_change_but_a_blocked_chat_does(
    app: App,
) -> None:
    before = await stored_revision(app)
    await app.services.reminders.plan_missing()
    assert await stored_revision(app) == before
    await app.services.reminders.deactivate_destination("telegram:-100123")
    assert await stored_revision(app) == before + 1


async def test_a_person_toggling_their_language_leaves_everyone_elses_answers(
    any_app: App,
) -> None:
    reader = await as_role(any_app, "bralka", Role.MEMBER)
    toggler = await as_role(any_app, "preklopnik", Role.MEMBER)
    revision = await stored_revision(any_app)
    first_count, first = await statements_for(any_app, "/events", user=reader)
    assert first_count >= 1
    for language in ("en", "sl", "en", "sl", "en"):
        toggled = await ask(any_app, f"/language {language}", user=toggler)
        assert not toggled.is_error, toggled.plain_text()
        # the person who changed sees it at once
        mine = await ask(any_app, "/events", user=toggler)
        assert mine.locale == language, (language, mine.plain_text())
        # the others' remembered answers and chat contexts are untouched
        assert await statements_for(any_app, "/events", user=reader) == (0, first)
    assert await stored_revision(any_app) == revision


async def test_a_change_in_one_coalition_leaves_the_others_answers(any_app: App) -> None:
    coordinator = await as_role(any_app, "lea", Role.COORDINATOR, coalition="ljubljana")
    sasa, ljubljana = await stored_revision(any_app), await stored_revision(any_app, "ljubljana")
    _count, before = await statements_for(any_app, "/events")
    added = await ask(
        any_app,
        "/addevent Ljubljanski posvet | jutri 10:00",
        user=coordinator,
        coalition="ljubljana",
    )
    assert not added.is_error, added.plain_text()
    assert await statements_for(any_app, "/events") == (0, before)
    assert await stored_revision(any_app) == sasa
    assert await stored_revision(any_app, "ljubljana") == ljubljana + 1
    after = await ask(any_app, "/events", user=coordinator, coalition="ljubljana")
    assert "Ljubljanski posvet" in after.plain_text()


async def test_a_language_chosen_in_another_process_shows_within_the_poll_interval(
    any_app: App, other: App
) -> None:
    person = await as_role(any_app, "tina", Role.MEMBER)
    assert (await ask(any_app, "/events", user=person)).locale == "sl"
    chosen = await ask(other, "/language en", user=person)
    assert not chosen.is_error, chosen.plain_text()
    await asyncio.sleep(0.3)
    assert (await ask(any_app, "/events", user=person)).locale == "en"
    again = await ask(other, "/language sl", user=person)
    assert not again.is_error, again.plain_text()
    await asyncio.sleep(0.3)
    assert (await ask(any_app, "/events", user=person)).locale == "sl"


async def test_a_new_event_leaves_the_chat_contexts_of_its_coalition_alone(any_app: App) -> None:
    any_app.database.changes.poll_seconds = 3600.0
    coordinator = await as_role(any_app, "vesna", Role.COORDINATOR)
    member = await as_role(any_app, "miha", Role.MEMBER)
    await ask(any_app, "/help", user=member, group=True)  # the chat's context is remembered
    answer_alone, before = await statements_for(any_app, "/events", user=member, group=True)
    added = await ask(any_app, "/addevent Srečanje partnerjev | jutri 12:00", user=coordinator)
    assert not added.is_error, added.plain_text()
    count, after = await statements_for(any_app, "/events", user=member, group=True)
    assert "Srečanje partnerjev" not in before
    assert "Srečanje partnerjev" in after
    assert count == answer_alone, "the answer is made anew, the chat's context is not read again"


async def test_a_changed_role_is_read_again_for_the_chat(any_app: App) -> None:
    any_app.database.changes.poll_seconds = 3600.0
    member = await as_role(any_app, "tina", Role.MEMBER)
    admin = await as_role(any_app, "skrbnik", Role.ADMIN)
    refused = await ask(any_app, "/addevent Delavnica | jutri 12:00", user=member, group=True)
    assert refused.is_error
    granted = await ask(any_app, f"/role {member} coordinator", user=admin)
    assert not granted.is_error, granted.plain_text()
    added = await ask(any_app, "/addevent Delavnica | jutri 12:00", user=member, group=True)
    assert not added.is_error, added.plain_text()


async def test_a_readers_own_answer_is_remembered_and_changes_with_it(any_app: App) -> None:
    """/event with the reader's own answer: asked again it costs no round trip; the reader's
    answer, or anyone's that changes the counts, shows at once."""
    any_app.database.changes.poll_seconds = 3600.0
    coordinator = await as_role(any_app, "ana", Role.COORDINATOR)
    added = await ask(any_app, "/addevent Delavnica | 20.12.2026 10:00", user=coordinator)
    assert not added.is_error, added.plain_text()
    event_id = int(added.title.split("#")[1].split()[0])
    line = f"/event {event_id}"
    _, first = await statements_for(any_app, line, user="console:bor", locale="en")
    again_count, again = await statements_for(any_app, line, user="console:bor", locale="en")
    assert "You have not answered yet." in first
    assert (again_count, again) == (0, first)
    await ask(any_app, f"/rsvp {event_id} yes", user="console:bor", locale="en")
    mine = await ask(any_app, line, user="console:bor", locale="en")
    assert mine.notice == "Your answer: going", mine.plain_text()
    await ask(any_app, f"/rsvp {event_id} maybe", user="console:cene", locale="en")
    counted = (await ask(any_app, line, user="console:bor", locale="en")).plain_text()
    assert "Maybe: 1" in counted, counted
    assert "Your answer: going" in counted, counted


async def test_an_answer_given_in_another_process_shows_within_the_poll_interval(
    any_app: App, other: App
) -> None:
    coordinator = await as_role(any_app, "ana", Role.COORDINATOR)
    added = await ask(any_app, "/addevent Delavnica | 20.12.2026 10:00", user=coordinator)
    event_id = int(added.title.split("#")[1].split()[0])
    line = f"/event {event_id}"
    before = await ask(any_app, line, user="console:bor", locale="en")
    assert before.notice == "You have not answered yet.", before.plain_text()
    answered = await ask(other, f"/rsvp {event_id} no", user="console:bor", locale="en")
    assert not answered.is_error, answered.plain_text()
    await asyncio.sleep(0.3)
    after = await ask(any_app, line, user="console:bor", locale="en")
    assert after.notice == "Your answer: can't come", after.plain_text()
