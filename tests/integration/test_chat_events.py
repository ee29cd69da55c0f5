"""Events that are not commands, told to the dispatcher: the context and language of a form,
a chat that moved to a new id, a chat gone and reachable again."""

from __future__ import annotations

from bot.app import App
from handlers.types import ChatKind
from models.entities import Role
from tests.support import as_role, ask

GROUP = "telegram:-1003"
OTHER = "telegram:-1004"


async def bind(app: App, chat: str = GROUP) -> None:
    admin = await as_role(app, "binder", Role.ADMIN)
    bound = await ask(app, "/bind sasa", user=admin, chat=chat, group=True, coalition=None)
    assert not bound.is_error, bound.plain_text()


async def test_a_form_in_a_group_speaks_the_groups_language_whatever_the_person_chose(
    app: App,
) -> None:
    await bind(app)
    coordinator = await as_role(app, "ana", Role.COORDINATOR)
    assert not (await ask(app, "/language en", user=coordinator)).is_error
    form = await app.dispatcher.chats.form(coordinator, GROUP, ChatKind.GROUP, platform="en")
    assert form.translator.locale == "sl", "the group's language, not the person's"
    assert form.may_add_events
    private = await app.dispatcher.chats.form(
        coordinator, coordinator, ChatKind.PRIVATE, platform="sl"
    )
    assert private.translator.locale == "en", "in private, the person's own choice"


async def test_a_form_offers_adding_events_only_where_the_command_could_succeed(
    app: App,
) -> None:
    await bind(app)
    member = await as_role(app, "mojca", Role.MEMBER)
    coordinator = await as_role(app, "ana", Role.COORDINATOR)
    chats = app.dispatcher.chats
    assert not (await chats.form(member, GROUP, ChatKind.GROUP, platform=None)).may_add_events
    unbound = await chats.form(coordinator, OTHER, ChatKind.GROUP, platform=None)
    assert not unbound.may_add_events, "a group bound to no coalition"
    assert (await chats.form(coordinator, coordinator, ChatKind.PRIVATE, platform=None)).stored


async def test_a_moved_chat_keeps_its_coalition_and_a_left_one_rests_until_reachable(
    app: App,
) -> None:
    await bind(app)
    chats = app.dispatcher.chats
    assert await chats.moved(GROUP, OTHER)
    member = await as_role(app, "mojca", Role.MEMBER)
    listing = await ask(app, "/events", user=member, chat=OTHER, group=True, coalition=None)
    assert not listing.is_error
    assert "SAŠA" in listing.plain_text(), "the binding moved along"
    assert await chats.left(OTHER)
    assert not await chats.left(OTHER), "already resting: nothing changes"
    assert await chats.reachable(OTHER)
    assert not await chats.reachable(OTHER), "already active: nothing written"
