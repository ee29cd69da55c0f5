"""The App Home of a busy coalition, as members, coordinators and admins open it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.app import App
from tests.adapters.slack.conftest import ADMIN, COORDINATOR, MEMBER
from tests.adapters.slack.fake_web_api import TEAM, block_problems, block_texts
from tests.adapters.slack.harness import Slack, home_button_payload
from tests.conftest import FakeClock


@pytest.fixture
async def busy(app: App, clock: FakeClock) -> None:
    """15 more events and 15 more activities with due dates: both lists have a next page."""
    actor = f"slack:{TEAM}:{ADMIN}"
    for day in range(15):
        await app.services.events.create(
            "sasa",
            actor,
            title=f"Srečanje {day + 1}",
            starts_at=clock.now + timedelta(days=3 + day),
        )
        await app.services.activities.create(
            "sasa",
            actor,
            title=f"Poročilo {day + 1}",
            due_on=(clock.now + timedelta(days=5 + day)).date(),
        )


async def open_home(slack: Slack, user: str) -> dict[str, Any]:
    before = len(slack.api.views_published)
    await slack.event({"type": "app_home_opened", "user": user, "channel": "D9", "tab": "home"})
    await slack.api.wait_until(
        lambda: len(slack.api.views_published) > before or bool(slack.api.rejected)
    )
    assert not slack.api.rejected, slack.api.rejected
    home: dict[str, Any] = slack.api.views_published[-1]
    return home


def texts(home: dict[str, Any]) -> str:
    return "\n".join(block_texts(home["blocks"])).replace("\u200b", "")


async def test_the_home_of_a_busy_coalition_is_accepted_by_slack(slack: Slack, busy: None) -> None:
    home = await open_home(slack, ADMIN)
    assert not slack.api.rejected, slack.api.rejected
    assert not block_problems(home["blocks"], 100)
    ids = [b["block_id"] for b in home["blocks"] if "block_id" in b]
    assert len(ids) >= 2, "both lists have a next-page button"
    assert len(ids) == len(set(ids))
    assert len(home["blocks"]) <= 100
    shown = texts(home)
    assert "upcoming events" in shown
    assert "upcoming deadlines" in shown


async def test_the_fake_refuses_a_view_with_a_repeated_block_id_or_too_many_blocks(
    slack: Slack,
) -> None:
    """Slack's own rules, so the test above can fail."""
    actions = {"type": "actions", "block_id": "x", "elements": []}
    section = {"type": "section", "text": {"type": "mrkdwn", "text": "a"}}
    assert block_problems([actions, dict(actions)], 100)
    assert block_problems([section] * 101, 100)


async def test_the_next_page_of_the_deadlines_on_the_home_keeps_the_events(
    slack: Slack, busy: None
) -> None:
    home = await open_home(slack, ADMIN)
    buttons = [
        element
        for block in home["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    ]
    deadlines = next(i for i, b in enumerate(buttons) if b["value"].startswith("/deadlines"))
    await slack.interact(home_button_payload(home, deadlines, user=ADMIN))
    await slack.api.wait_until(lambda: len(slack.api.views_published) == 2)
    again = slack.api.views_published[1]
    assert not slack.api.rejected
    deadlines_part = texts(again).split("upcoming deadlines", 1)[1]
    assert "Page 2 of 3" in deadlines_part
    assert "Page 1 of 3" in texts(again), "the events stay on their first page"


async def test_members_get_a_short_help_and_no_tools(slack: Slack) -> None:
    home = await open_home(slack, MEMBER)
    shown = texts(home)
    assert "/dogodki" in shown, "U3's Slack is German: Slovenian help"
    assert "/pomoc" in shown, "U3's Slack is German: Slovenian help"
    assert "koordinator" not in shown
    assert "Opomniki" not in shown


async def test_coordinators_see_their_tools_and_admins_the_reminders_too(slack: Slack) -> None:
    coordinator = texts(await open_home(slack, COORDINATOR))
    assert "Vaša orodja koordinatorja" in coordinator
    assert "/dodajdogodek" in coordinator
    assert "/povezi" not in coordinator, "binding is for admins"
    assert "last 7 days" not in coordinator
    assert "zadnjih 7 dni" not in coordinator
    admin = texts(await open_home(slack, ADMIN))
    assert "Your tools as an admin" in admin
    assert "/bind" in admin
    assert "/addevent" in admin
    assert "Reminders, last 7 days — Lokalna digitalna koalicija SAŠA" in admin
    assert "Failed: 0" in admin
    assert not slack.api.rejected
