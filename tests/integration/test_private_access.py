"""Who sees what in a private chat, on real SQLite and PostgreSQL: only coalitions where the
person has a role or sits in a bound group; several are switched with /coalition; none get a
greeting and no content."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text, update

from bot.app import App
from models.entities import ChatSighting, Coalition, Role
from models.reminders import Subscription
from models.services.directory import CoalitionSpec
from tests.conftest import FakeClock
from tests.integration.test_remembered_answers import engine_events_for, statements_for
from tests.support import ask

SASA_GROUP = "telegram:-100100"
LJUBLJANA_GROUP = "telegram:-100200"
LJUBLJANA_ONLY = "telegram:501"  # sits in Ljubljana's group, holds no role anywhere
STRANGER = "telegram:502"
SASA_CONTACT, SASA_MAIL = "Kontaktna točka LDK", "ldk@ldk.si"
LJUBLJANA_CONTACT = "Strateški svet za digitalni razvoj MOL"
GREETING = "I answer the members of a coalition"


@dataclass
class Groups:
    """Telegram as these tests set it up: who is in which group; counts the questions."""

    members: dict[str, set[str]] = field(default_factory=dict)
    asked: list[tuple[str, str]] = field(default_factory=list)

    async def is_member(self, chat_id: str, user_id: str) -> bool | None:
        self.asked.append((chat_id, user_id))
        return user_id in self.members.get(chat_id, set())


async def bind(app: App, slug: str, chat: str) -> None:
    [coalition] = [c for c in await app.services.directory.coalitions() if c.slug == slug]
    await app.services.directory.apply_config(
        [CoalitionSpec(slug=slug, name=coalition.name, timezone=coalition.timezone, chats=(chat,))]
    )


@pytest.fixture
async def groups(any_app: App) -> Groups:
    """SAŠA and Ljubljana each have a bound Telegram group; 501 sits in Ljubljana's only."""
    await bind(any_app, "sasa", SASA_GROUP)
    await bind(any_app, "ljubljana", LJUBLJANA_GROUP)
    telegram = Groups({SASA_GROUP: set(), LJUBLJANA_GROUP: {LJUBLJANA_ONLY}})
    any_app.probes["telegram"] = telegram
    return telegram


async def privately(app: App, line: str, user: str, *, locale: str = "en") -> str:
    reply = await ask(app, line, user=user, coalition=None, locale=locale)
    return reply.plain_text()


async def subscriptions(app: App) -> int:
    async with app.database.sessions() as session:
        return await session.scalar(select(func.count(Subscription.id))) or 0


async def test_a_member_of_ljubljanas_group_gets_ljubljanas_contacts_never_sasas(
    any_app: App, groups: Groups
) -> None:
    answer = await privately(any_app, "/contacts", LJUBLJANA_ONLY)
    assert LJUBLJANA_CONTACT in answer
    assert SASA_CONTACT not in answer
    assert SASA_MAIL not in answer
    searched = await privately(any_app, "/contacts ldk", LJUBLJANA_ONLY)
    assert SASA_CONTACT not in searched
    assert SASA_MAIL not in searched


async def test_a_stranger_gets_the_greeting_and_no_content(any_app: App, groups: Groups) -> None:
    for line in ("/contacts", "/contacts ldk", "/events", "/deadlines", "/areas", "/help"):
        answer = await privately(any_app, line, STRANGER)
        assert GREETING in answer, (line, answer)
        assert SASA_CONTACT not in answer
        assert SASA_MAIL not in answer
        assert "eAlijansa" not in answer
    slovenian = await privately(any_app, "/kontakti", STRANGER, locale="sl")
    assert "Odgovarjam članom koalicije" in slovenian


async def test_subscribe_by_a_stranger_subscribes_to_nothing(any_app: App, groups: Groups) -> None:
    answer = await privately(any_app, "/subscribe", STRANGER)
    assert GREETING in answer
    assert await subscriptions(any_app) == 0
    assert "Digitalni ekosistem Ljubljane" in await privately(any_app, "/subscribe", LJUBLJANA_ONLY)
    assert await subscriptions(any_app) == 1


async def test_a_role_is_enough_and_coalition_switches_between_several(
    any_app: App, groups: Groups
) -> None:
    await any_app.services.directory.ensure_role("sasa", LJUBLJANA_ONLY, Role.COORDINATOR)
    assert SASA_CONTACT in await privately(any_app, "/contacts", LJUBLJANA_ONLY)  # highest role
    listed = await privately(any_app, "/coalition", LJUBLJANA_ONLY)
    assert "Digitalni ekosistem Ljubljane" in listed
    assert "SAŠA" in listed
    switched = await privately(any_app, "/coalition ljubljana", LJUBLJANA_ONLY)
    assert "From now on I answer you about Digitalni ekosistem Ljubljane" in switched
    answer = await privately(any_app, "/contacts", LJUBLJANA_ONLY)
    assert LJUBLJANA_CONTACT in answer
    assert SASA_CONTACT not in answer
    back = await privately(any_app, "/koalicija sasa", LJUBLJANA_ONLY, locale="sl")
    assert "Odslej vam odgovarjam o koaliciji" in back
    assert SASA_CONTACT in await privately(any_app, "/contacts", LJUBLJANA_ONLY)


async def test_coalition_refuses_one_the_person_is_not_in(any_app: App, groups: Groups) -> None:
    refused = await privately(any_app, "/coalition sasa", LJUBLJANA_ONLY)
    assert "You are not a member of a coalition “sasa”" in refused
    assert "Digitalni ekosistem Ljubljane" in refused
    answer = await privately(any_app, "/contacts", LJUBLJANA_ONLY)
    assert LJUBLJANA_CONTACT in answer
    assert SASA_CONTACT not in answer
    assert GREETING in await privately(any_app, "/coalition sasa", STRANGER)


async def test_start_with_a_coalition_picks_it_for_a_member_and_greets_a_stranger(
    any_app: App, groups: Groups
) -> None:
    await any_app.services.directory.ensure_role("sasa", LJUBLJANA_ONLY, Role.MEMBER)
    assert SASA_CONTACT in await privately(any_app, "/contacts", LJUBLJANA_ONLY)
    started = await privately(any_app, "/start ljubljana", LJUBLJANA_ONLY)
    assert "Digitalni ekosistem Ljubljane" in started
    assert GREETING not in started
    assert LJUBLJANA_CONTACT in await privately(any_app, "/contacts", LJUBLJANA_ONLY)
    assert GREETING in await privately(any_app, "/start ljubljana", STRANGER)
    assert GREETING in await privately(any_app, "/contacts", STRANGER)


async def test_a_command_in_a_bound_group_records_that_the_person_is_there(
    any_app: App, groups: Groups, clock: FakeClock
) -> None:
    newcomer = "telegram:503"  # joined the group after the platform was asked
    assert GREETING in await privately(any_app, "/contacts", newcomer)
    await ask(any_app, "/events", user=newcomer, chat=LJUBLJANA_GROUP, group=True, coalition=None)
    groups.asked.clear()
    clock.now += timedelta(minutes=1)
    answer = await privately(any_app, "/contacts", newcomer)
    assert LJUBLJANA_CONTACT in answer
    assert SASA_CONTACT not in answer
    assert (LJUBLJANA_GROUP, newcomer) not in groups.asked


async def test_presence_is_remembered_for_minutes_then_asked_again(
    any_app: App, groups: Groups, clock: FakeClock
) -> None:
    assert LJUBLJANA_CONTACT in await privately(any_app, "/contacts", LJUBLJANA_ONLY)
    assert (LJUBLJANA_GROUP, LJUBLJANA_ONLY) in groups.asked
    groups.asked.clear()
    clock.now += timedelta(minutes=2)
    assert LJUBLJANA_CONTACT in await privately(any_app, "/contacts", LJUBLJANA_ONLY)
    assert groups.asked == []
    groups.members[LJUBLJANA_GROUP].clear()  # they left the group
    clock.now += timedelta(minutes=4)
    assert GREETING in await privately(any_app, "/contacts", LJUBLJANA_ONLY)
    assert (LJUBLJANA_GROUP, LJUBLJANA_ONLY) in groups.asked


async def test_a_remembered_private_answer_never_reaches_someone_who_may_not_see_it(
    any_app: App, groups: Groups
) -> None:
    await any_app.services.directory.ensure_role("sasa", "telegram:504", Role.MEMBER)
    for line in ("/contacts", "/events", "/help", "/start"):
        member = await privately(any_app, line, "telegram:504")
        assert GREETING not in member, line
        stranger = await privately(any_app, line, STRANGER)
        assert GREETING in stranger, line
        assert stranger != member, line
        other = await privately(any_app, line, LJUBLJANA_ONLY)
        assert SASA_CONTACT not in other, line
        assert "eAlijansa" not in other, line


async def test_without_a_platform_probe_only_roles_and_recorded_presence_count(
    any_app: App, groups: Groups
) -> None:
    del any_app.probes["telegram"]
    assert GREETING in await privately(any_app, "/contacts", LJUBLJANA_ONLY)


async def test_presence_and_choices_are_personal_and_keep_remembered_answers(
    any_app: App, groups: Groups
) -> None:
    changes = any_app.database.changes
    coalitions = [c.id for c in await any_app.services.directory.coalitions()]
    await changes.refresh_if_due()
    before = [changes.revision(c) for c in coalitions]
    await ask(
        any_app, "/events", user="telegram:505", chat=LJUBLJANA_GROUP, group=True, coalition=None
    )
    await privately(any_app, "/contacts", LJUBLJANA_ONLY)
    await privately(any_app, "/coalition ljubljana", LJUBLJANA_ONLY)
    await changes.refresh_if_due()
    assert [changes.revision(c) for c in coalitions] == before


async def test_people_asking_at_once_in_one_group_each_get_their_own_role_and_language(
    any_app: App, groups: Groups
) -> None:
    directory = any_app.services.directory
    await directory.ensure_role("sasa", "telegram:601", Role.COORDINATOR)
    await directory.ensure_role("sasa", "telegram:602", Role.ADMIN)
    await directory.set_user_locale("telegram:603", "en")
    people = ["telegram:601", "telegram:602", "telegram:603", "telegram:604", "telegram:601"]

    async def context(user: str, chat: str) -> tuple[object, ...]:
        found = await directory.context(user, chat, is_group=True)
        return (found.coalition.slug if found.coalition else None, found.role, found.user_locale)

    one_by_one = [await context(user, SASA_GROUP) for user in people]
    at_once = await asyncio.gather(*(context(user, SASA_GROUP) for user in people))
    assert at_once == one_by_one
    assert one_by_one[:4] == [
        ("sasa", Role.COORDINATOR, None),
        ("sasa", Role.ADMIN, None),
        ("sasa", Role.MEMBER, "en"),
        ("sasa", Role.MEMBER, None),
    ]
    unbound = await asyncio.gather(*(context(user, "telegram:-100999") for user in people))
    assert [slug for slug, _role, _locale in unbound] == [None] * len(people)
    assert unbound[2][2] == "en", "a person's language is read in an unbound chat too"


async def test_being_seen_in_a_bound_group_opens_the_private_chat_and_keeps_the_groups_context(
    any_app: App, groups: Groups
) -> None:
    any_app.database.changes.poll_seconds = 3600.0
    person = "telegram:611"
    assert GREETING in await privately(any_app, "/contacts", person)

    def in_group(line: str) -> Awaitable[tuple[int, str]]:
        return statements_for(
            any_app, line, user=person, chat=SASA_GROUP, group=True, coalition=None
        )

    first, _ = await in_group("/help")  # the group's context read, the person recorded there
    again, _ = await in_group("/help")
    assert first > 0
    assert again == 0, "being seen there changes nothing a group's context reads"
    assert SASA_CONTACT in await privately(any_app, "/contacts", person)


async def test_six_hundred_people_asking_at_once_in_one_group_each_get_their_context(
    any_app: App, groups: Groups
) -> None:
    directory = any_app.services.directory
    people = [f"telegram:{7000 + n}" for n in range(600)]
    await directory.ensure_role("sasa", people[-1], Role.COORDINATOR)
    found = await asyncio.gather(
        *(directory.context(user, SASA_GROUP, is_group=True) for user in people)
    )
    assert all(c.coalition is not None and c.coalition.slug == "sasa" for c in found)
    assert [c.role for c in found] == [Role.MEMBER] * 599 + [Role.COORDINATOR]


async def sighting(app: App, person: str, chat: str) -> ChatSighting | None:
    async with app.database.sessions() as session:
        return await session.get(ChatSighting, (person, chat))


async def test_a_first_command_in_a_group_reads_its_context_and_records_the_person_at_once(
    any_app: App, groups: Groups, clock: FakeClock
) -> None:
    any_app.database.changes.poll_seconds = 3600.0  # no reading of others' changes here
    await any_app.database.changes.refresh_if_due()
    person = "telegram:612"
    begun, reply = await engine_events_for(
        any_app, "/help", "begin", user=person, chat=SASA_GROUP, group=True, coalition=None
    )
    assert "SAŠA" in reply
    assert begun == 1, "the context and the presence in one transaction"
    found = await sighting(any_app, person, SASA_GROUP)
    assert found is not None
    assert found.member
    assert found.checked_at == clock.now


async def test_presence_is_written_only_where_the_chat_is_bound_to_a_coalition_in_use(
    any_app: App, groups: Groups
) -> None:
    directory = any_app.services.directory
    person = "telegram:613"
    context, recorded = await directory.context_of_writer(person, SASA_GROUP)
    assert (context.chat_bound, recorded) == (True, True)
    unbound = "telegram:-100999"
    context, recorded = await directory.context_of_writer(person, unbound)
    assert (context.coalition, context.chat_bound, recorded) == (None, False, False)
    assert await sighting(any_app, person, unbound) is None
    async with any_app.database.sessions.begin() as session:
        await session.execute(
            update(Coalition).where(Coalition.slug == "ljubljana").values(retired=True)
        )
    context, recorded = await directory.context_of_writer(person, LJUBLJANA_GROUP)
    assert (context.coalition, recorded) == (None, False)
    assert await sighting(any_app, person, LJUBLJANA_GROUP) is None


async def test_a_presence_that_cannot_be_written_still_lets_the_group_be_answered(  # a full disk
    any_app: App, groups: Groups, caplog: pytest.LogCaptureFixture
) -> None:
    async with any_app.database.sessions.begin() as session:
        if session.get_bind().dialect.name == "postgresql":
            await session.execute(
                text(
                    "CREATE FUNCTION refuse_sighting() RETURNS trigger AS "
                    "$$ BEGIN RAISE EXCEPTION 'disk full' USING ERRCODE = 'disk_full'; END $$ "
                    "LANGUAGE plpgsql"
                )
            )
            await session.execute(
                text(
                    "CREATE TRIGGER refuse BEFORE INSERT ON chat_sightings "
                    "FOR EACH ROW EXECUTE FUNCTION refuse_sighting()"
                )
            )
        else:
            await session.execute(
                text(
                    "CREATE TRIGGER refuse BEFORE INSERT ON chat_sightings "
                    "BEGIN SELECT RAISE(ABORT, 'sightings refused'); END"
                )
            )
    person = "telegram:614"
    reply = await ask(
        any_app, "/contacts", user=person, chat=SASA_GROUP, group=True, coalition=None
    )
    assert SASA_CONTACT in reply.plain_text()
    assert await sighting(any_app, person, SASA_GROUP) is None
    assert "not recorded" in caplog.text
