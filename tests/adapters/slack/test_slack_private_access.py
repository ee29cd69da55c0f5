"""Who sees what in a direct message with the Slack app, over signed HTTP: membership of a
bound channel is asked with conversations.members (every page)."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.app import App
from models.reminders import Subscription
from models.services.directory import CoalitionSpec
from tests.adapters.slack.fake_web_api import TEAM
from tests.adapters.slack.harness import Slack

SASA_CHANNEL, LJUBLJANA_CHANNEL = "C8", "C7"
IN_LJUBLJANA, STRANGER = "U7", "U9"
SASA_CONTACT, SASA_MAIL = "Kontaktna točka LDK", "ldk@ldk.si"
LJUBLJANA_CONTACT = "Strateški svet za digitalni razvoj MOL"
GREETING = "I answer the members of a coalition"


async def channels(app: App, slack: Slack) -> None:
    """SAŠA's and Ljubljana's channels; U7 is in Ljubljana's (on its third page), U9 in none."""
    for slug, channel in (("sasa", SASA_CHANNEL), ("ljubljana", LJUBLJANA_CHANNEL)):
        [found] = [c for c in await app.services.directory.coalitions() if c.slug == slug]
        await app.services.directory.apply_config(
            [
                CoalitionSpec(
                    slug=slug,
                    name=found.name,
                    timezone=found.timezone,
                    chats=(f"slack:{TEAM}:{channel}",),
                )
            ]
        )
    crowd = [f"UX{n}" for n in range(5)]
    slack.api.channel_members = {
        SASA_CHANNEL: ["U1", *crowd],
        LJUBLJANA_CHANNEL: [*crowd, IN_LJUBLJANA],
    }
    slack.api.members_page = 2
    for person in (IN_LJUBLJANA, STRANGER):
        slack.api.add_user(person, "en-US")


async def test_a_member_of_ljubljanas_channel_gets_ljubljanas_contacts_never_sasas(
    app: App, slack_http: Slack
) -> None:
    await channels(app, slack_http)
    said = await slack_http.ask("/contacts", user=IN_LJUBLJANA, channel="D7")
    assert LJUBLJANA_CONTACT in said.readable
    assert SASA_CONTACT not in said.readable
    assert SASA_MAIL not in said.readable
    pages = [c for c in slack_http.api.calls("conversations.members") if c["channel"] == "C7"]
    assert len(pages) == 3
    direct = await slack_http.direct("contacts", user=IN_LJUBLJANA, channel="D7")
    assert LJUBLJANA_CONTACT in direct.readable
    assert SASA_CONTACT not in direct.readable


async def test_a_stranger_gets_the_greeting_and_subscribes_to_nothing(
    app: App, slack_http: Slack
) -> None:
    await channels(app, slack_http)
    for command in ("/contacts", "/events", "/subscribe"):
        said = await slack_http.ask(command, user=STRANGER, channel="D9")
        assert GREETING in said.readable, (command, said.readable)
        assert SASA_MAIL not in said.readable
        assert "eAlijansa" not in said.readable
    direct = await slack_http.direct("kontakti", user=STRANGER, channel="D9")
    assert GREETING in direct.readable
    async with app.database.sessions() as session:
        assert await session.scalar(select(func.count(Subscription.id))) == 0
