"""Who sees what in a private Telegram chat, through the real adapter and the fake Bot API:
membership of a bound group is asked with getChatMember."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import func, select

from bot.app import App
from models.reminders import Subscription
from models.services.directory import CoalitionSpec
from tests.adapters.telegram.conftest import COALITION_GROUP, Chat
from tests.adapters.telegram.fake_bot_api import user

LJUBLJANA_GROUP = -100700
IN_LJUBLJANA, STRANGER, IN_SASA = 5001, 5002, 5003
ANONYMOUS_ADMIN = 1087968824
SASA_CONTACT, SASA_MAIL = "Kontaktna točka LDK", "ldk@ldk.si"
LJUBLJANA_CONTACT = "Strateški svet za digitalni razvoj MOL"
GREETING = "I answer the members of a coalition"


async def groups(app: App, chat: Chat) -> None:
    """SAŠA's group holds 5003, Ljubljana's group holds 5001; 5002 is in neither."""
    [ljubljana] = [c for c in await app.services.directory.coalitions() if c.slug == "ljubljana"]
    spec = CoalitionSpec(slug="ljubljana", name=ljubljana.name, timezone=ljubljana.timezone)
    await app.services.directory.apply_config(
        [replace(spec, chats=(f"telegram:{LJUBLJANA_GROUP}",))]
    )
    chat.api.members = {COALITION_GROUP: {}, LJUBLJANA_GROUP: {}}  # only those set below
    chat.api.set_member(COALITION_GROUP, user(IN_SASA), "member")
    chat.api.set_member(LJUBLJANA_GROUP, user(IN_LJUBLJANA), "member")


async def privately(chat: Chat, text: str, user_id: int, language: str = "en") -> str:
    [answer] = await chat.ask(text, sender=user(user_id, language=language))
    return answer.text


async def test_a_member_of_ljubljanas_group_gets_ljubljanas_contacts_never_sasas(
    app: App, chat: Chat
) -> None:
    await groups(app, chat)
    answer = await privately(chat, "/contacts", IN_LJUBLJANA)
    assert LJUBLJANA_CONTACT in answer
    assert SASA_CONTACT not in answer
    assert SASA_MAIL not in answer
    asked = {(c.params["chat_id"], c.params["user_id"]) for c in chat.api.calls_of("getChatMember")}
    assert (str(LJUBLJANA_GROUP), str(IN_LJUBLJANA)) in asked
    sasa = await privately(chat, "/kontakti", IN_SASA, language="sl")
    assert SASA_CONTACT in sasa


async def test_a_stranger_gets_the_greeting_and_subscribes_to_nothing(app: App, chat: Chat) -> None:
    await groups(app, chat)
    for line in ("/contacts", "/events", "/start", "/subscribe"):
        answer = await privately(chat, line, STRANGER)
        assert GREETING in answer, (line, answer)
        assert SASA_MAIL not in answer
        assert "eAlijansa" not in answer
    async with app.database.sessions() as session:
        assert await session.scalar(select(func.count(Subscription.id))) == 0


async def test_start_with_a_coalition_picks_it_when_the_person_may_belong(
    app: App, chat: Chat
) -> None:
    await groups(app, chat)
    chat.api.set_member(LJUBLJANA_GROUP, user(IN_SASA), "member")  # in both groups
    assert SASA_CONTACT in await privately(chat, "/contacts", IN_SASA)
    started = await privately(chat, "/start ljubljana", IN_SASA)
    assert "Digitalni ekosistem Ljubljane" in started
    answer = await privately(chat, "/contacts", IN_SASA)
    assert LJUBLJANA_CONTACT in answer
    assert SASA_CONTACT not in answer
    assert GREETING in await privately(chat, "/start ljubljana", STRANGER)


async def test_an_anonymous_admin_is_told_to_post_as_themselves(app: App, chat: Chat) -> None:
    anonymous = user(ANONYMOUS_ADMIN, language="en", name="Group")
    [answer] = await chat.ask(
        "/addevent Sestanek | jutri ob 10h", sender=anonymous, chat_id=COALITION_GROUP
    )
    assert "Podatke koalicije lahko spreminjajo le koordinatorji" in answer.text
    assert "Ostani anonimen" in answer.text
    [slovenian] = await chat.ask(
        "/dodajdogodek Sestanek | jutri ob 10h",
        sender=user(ANONYMOUS_ADMIN, language="sl"),
        chat_id=COALITION_GROUP,
    )
    assert "Ostani anonimen" in slovenian.text
