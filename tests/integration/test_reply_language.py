"""Which language a reply is in: the group's in a group, the person's in private."""

from __future__ import annotations

from bot.app import App
from models.entities import Role
from tests.support import as_role, ask

GROUP = "telegram:-1002"


async def bind(app: App) -> str:
    admin = await as_role(app, "binder", Role.ADMIN)
    bound = await ask(app, "/bind sasa", user=admin, chat=GROUP, group=True, coalition=None)
    assert not bound.is_error, bound.plain_text()
    return admin


async def in_group(app: App, line: str, user: str, locale: str | None = None) -> str:
    reply = await ask(app, line, user=user, chat=GROUP, group=True, coalition=None, locale=locale)
    return reply.plain_text()


async def test_after_language_en_in_a_group_everyone_there_reads_english(any_app: App) -> None:
    await bind(any_app)
    coordinator = await as_role(any_app, "ana", Role.COORDINATOR)
    person = await as_role(any_app, "mojca", Role.MEMBER)
    chose = await ask(any_app, "/jezik sl", user=person, locale="en")
    assert chose.title == "Odslej vam odgovarjam v slovenščini."
    switched = await in_group(any_app, "/jezik en", coordinator, locale="sl")
    assert switched == "I'll answer in English in this chat from now on."
    for line in ("/help", "/pomoc"):
        assert (await in_group(any_app, line, person, locale="sl")).startswith(
            "What I can do for you"
        )
    private = await ask(any_app, "/help", user=person, locale="en")
    assert private.title.startswith("Kaj lahko storim za vas")
    assert private.locale == "sl"


async def test_a_group_without_a_choice_speaks_its_coalitions_language(app: App) -> None:
    await bind(app)
    english = await as_role(app, "john", Role.MEMBER)
    assert (await ask(app, "/language en", user=english)).title == (
        "I will now answer you in English."
    )
    listing = await in_group(app, "/events", english, locale="en")
    assert ": 8 prihajajočih dogodkov" in listing
    private = await ask(app, "/events", user=english, locale="sl")
    assert private.title.endswith(": 8 upcoming events")


async def test_language_sl_in_a_group_says_so_in_slovenian(app: App) -> None:
    await bind(app)
    coordinator = await as_role(app, "ana", Role.COORDINATOR)
    assert await in_group(app, "/language en", coordinator) == (
        "I'll answer in English in this chat from now on."
    )
    assert await in_group(app, "/language sl", coordinator) == (
        "V tem klepetu bom odslej odgovarjal v slovenščini."
    )


async def test_a_member_may_not_change_the_groups_language(app: App) -> None:
    await bind(app)
    member = await as_role(app, "mojca", Role.MEMBER)
    refused = await ask(
        app, "/jezik en", user=member, chat=GROUP, group=True, coalition=None, locale="sl"
    )
    assert refused.is_error
    assert refused.lines[0] == "Jezik skupine lahko spremenijo le koordinatorji in skrbniki."
    assert ": 8 prihajajočih dogodkov" in await in_group(app, "/events", member)


async def test_the_greeting_of_a_group_is_in_the_groups_language(app: App) -> None:
    admin = await bind(app)
    await in_group(app, "/language en", admin)
    greeting = await app.dispatcher.greet("console:someone", GROUP)
    assert greeting.title == "Hello! I keep the coalition's events, activities and contacts."
    assert greeting.locale == "en"
    unbound = await app.dispatcher.greet("console:someone", "telegram:-1003")
    assert unbound.lines[0] == "Ta klepet še ni povezan s koalicijo."
