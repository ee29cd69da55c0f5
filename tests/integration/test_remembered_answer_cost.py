"""A remembered answer costs no database round trip, whoever asks in whichever language,
and a person's reminders still follow the language they read."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from models.entities import Role
from models.reminders import Subscription
from tests.integration.test_remembered_answers import statements_for
from tests.support import as_role, ask


async def test_a_person_whose_app_language_varies_is_answered_from_memory(any_app: App) -> None:
    reader = await as_role(any_app, "menjalka", Role.MEMBER)
    first = {
        language: await statements_for(any_app, "/events", user=reader, locale=language)
        for language in ("sl", "en")
    }
    assert all(count >= 1 for count, _text in first.values())
    assert first["sl"][1] != first["en"][1]
    for language in ("sl", "en", "sl", "en"):
        assert await statements_for(any_app, "/events", user=reader, locale=language) == (
            0,
            first[language][1],
        )


async def subscription_locale(app: App, identity: str) -> str | None:
    async with app.database.sessions() as session:
        return await session.scalar(
            select(Subscription.locale).where(Subscription.identity == identity)
        )


async def test_reminders_follow_the_language_read_after_subscribing(any_app: App) -> None:
    reader = await as_role(any_app, "narocnica", Role.MEMBER)
    assert not (await ask(any_app, "/events", user=reader, locale="en")).is_error
    subscribed = await ask(any_app, "/subscribe", user=reader, locale="sl")
    assert not subscribed.is_error, subscribed.plain_text()
    assert await subscription_locale(any_app, reader) == "sl"
    english = await ask(any_app, "/events", user=reader, locale="en")
    assert english.locale == "en"
    assert await subscription_locale(any_app, reader) == "en"
