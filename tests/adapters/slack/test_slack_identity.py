"""One person, one identity: a Slack Connect guest from another organisation is
`slack:<their team>:<id>` on every path, and the channel stays the workspace's."""

from __future__ import annotations

from bot.app import App
from models.entities import Role
from tests.adapters.slack.conftest import ADMIN
from tests.adapters.slack.fake_web_api import BOT_USER, TEAM
from tests.adapters.slack.harness import Slack, button_payload

GUEST_TEAM = "T2"
GUEST = "U7GUEST"


async def test_a_slack_connect_guest_pages_a_list_in_a_bound_channel(
    bound: Slack, two_pages: None
) -> None:
    bound.api.add_user(GUEST, "en-GB", "gost")
    first = await bound.ask("/events", user=ADMIN)
    payload = button_payload(first, 0, user=GUEST)
    payload["user"]["team_id"] = GUEST_TEAM
    payload["team"]["id"] = GUEST_TEAM  # Slack names the clicker's own team here too
    before = len(bound.api.said)
    await bound.interact(payload)
    second = await bound.said_after(before)
    assert "not bound" not in second.readable
    assert "ni povezan" not in second.readable
    assert "Page 2 of 2" in second.readable or "Stran 2 od 2" in second.readable


async def test_an_admin_configured_with_their_own_team_is_accepted_in_a_mention(
    slack: Slack, app: App
) -> None:
    await app.services.directory.ensure_role("sasa", f"slack:{GUEST_TEAM}:{GUEST}", Role.ADMIN)
    slack.api.add_user(GUEST, "en-GB", "gost")
    before = len(slack.api.said)
    await slack.event(
        {
            "type": "app_mention",
            "user": GUEST,
            "user_team": GUEST_TEAM,
            "text": f"<@{BOT_USER}> bind sasa",
            "channel": "C5",
        }
    )
    said = await slack.said_after(before)
    assert "zdaj povezan" in said.readable, said.readable
    context = await app.services.directory.context(
        f"slack:{TEAM}:{ADMIN}", f"slack:{TEAM}:C5", is_group=True
    )
    assert context.chat_bound, "the channel is the workspace's: slack:T1:C5"


async def test_a_guest_admin_is_the_same_person_in_a_direct_message(slack: Slack, app: App) -> None:
    await app.services.directory.ensure_role("sasa", f"slack:{GUEST_TEAM}:{GUEST}", Role.ADMIN)
    slack.api.add_user(GUEST, "en-GB", "gost")
    before = len(slack.api.said)
    await slack.event(
        {
            "type": "message",
            "channel_type": "im",
            "user": GUEST,
            "user_team": GUEST_TEAM,
            "text": "status",
            "channel": "D7",
        }
    )
    said = await slack.said_after(before)
    assert "Reminders, last 7 days" in said.readable, said.readable
