"""The /addevent modal: who gets it, opening within Slack's 3 seconds, errors on their fields."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.app import App
from models.entities import Role
from tests.adapters.slack.conftest import ADMIN, COORDINATOR, MEMBER
from tests.adapters.slack.fake_web_api import TEAM
from tests.adapters.slack.harness import Slack, submission_payload

REFUSED = "Podatke koalicije lahko spreminjajo le koordinatorji in skrbniki."


async def typed_addevent(slack: Slack, *, user: str, channel: str = "C1") -> tuple[Any, str]:
    return await slack.slash("/addevent", "", user=user, channel=channel)


async def answer_to(slack: Slack, key: str) -> Any:
    return await slack.api.wait_until(
        lambda: any(s.channel == key for s in slack.api.said),
        3.0,
        lambda: next(s for s in slack.api.said if s.channel == key),
    )


async def test_a_member_gets_the_refusal_instead_of_the_modal(bound: Slack) -> None:
    _answer, key = await typed_addevent(bound, user=MEMBER)
    said = await answer_to(bound, key)
    assert said.private
    assert REFUSED in said.readable
    assert not bound.api.calls("views.open")


async def test_an_unbound_channel_gets_the_not_bound_answer_instead_of_the_modal(
    slack: Slack,
) -> None:
    _answer, key = await typed_addevent(slack, user=COORDINATOR, channel="C9")
    said = await answer_to(slack, key)
    assert said.private
    assert "ni povezan s koalicijo" in said.readable
    assert not slack.api.calls("views.open")


async def test_the_modal_opens_in_time_while_users_info_is_rate_limited(bound: Slack) -> None:
    """users.info answers 429 with Retry-After: 5; the trigger_id lasts 3 seconds."""
    bound.adapter.profiles = type(bound.adapter.profiles)()  # nobody's Slack profile known
    bound.api.fail("users.info", "ratelimited", status=429, retry_after=5, times=3)
    _answer, key = await typed_addevent(bound, user=COORDINATOR)
    await bound.api.wait_until(lambda: bool(bound.api.views_opened), 4.0)
    assert not bound.api.rejected, bound.api.rejected
    assert bound.api.views_opened[0]["blocks"][0]["block_id"] == "title"
    await asyncio.sleep(0.2)
    assert not [s for s in bound.api.said if s.channel == key], "the modal, and no message"


async def test_the_modal_is_relabelled_in_the_persons_slack_language_after_opening(
    bound: Slack,
) -> None:
    bound.adapter.profiles = type(bound.adapter.profiles)()
    # in her direct messages the person's language counts: Ana's Slack speaks English, SAŠA
    # Slovenian (in a channel the channel's language wins, and nothing is relabelled)
    await typed_addevent(bound, user=ADMIN, channel="D1")
    await bound.api.wait_until(lambda: bool(bound.api.views_updated))
    assert bound.api.views_opened[0]["blocks"][0]["label"]["text"] == "Naslov"
    updated = bound.api.views_updated[0]
    assert updated["id"] == bound.api.views_opened[0]["id"]
    assert updated["blocks"][0]["label"]["text"] == "Title"


async def open_modal(slack: Slack, user: str = COORDINATOR) -> dict[str, Any]:
    await typed_addevent(slack, user=user)
    await slack.api.wait_until(lambda: bool(slack.api.views_opened))
    view: dict[str, Any] = slack.api.views_opened[-1]
    return view


async def test_an_unknown_area_is_shown_under_the_area(bound: Slack, app: App) -> None:
    view = await open_modal(bound)
    values = {"title": "Sestanek", "date": "2027-03-15", "time": "10:00"}
    payload = submission_payload(view, values, user=COORDINATOR)
    area = {"value": "ni-takega", "text": {"type": "plain_text", "text": "Ni takega"}}
    payload["view"]["state"]["values"]["area"]["value"]["selected_option"] = area
    answer = await bound.interact(payload)
    assert answer.payload is not None
    assert list(answer.payload["errors"]) == ["area"]


async def test_a_too_long_place_is_shown_under_the_place(bound: Slack) -> None:
    view = await open_modal(bound)
    values = {"title": "Sestanek", "date": "2027-03-15", "time": "10:00", "place": "x" * 301}
    answer = await bound.interact(submission_payload(view, values, user=COORDINATOR))
    assert answer.payload is not None
    assert list(answer.payload["errors"]) == ["place"]


async def test_a_refusal_of_the_person_closes_the_modal_and_is_told_privately(
    bound: Slack, app: App
) -> None:
    """The role was taken away between opening the modal and sending it."""
    view = await open_modal(bound)
    await app.services.directory.ensure_role("sasa", f"slack:{TEAM}:{COORDINATOR}", Role.MEMBER)
    before = len(bound.api.said)
    values = {"title": "Sestanek", "date": "2027-03-15", "time": "10:00"}
    answer = await bound.interact(submission_payload(view, values, user=COORDINATOR))
    assert not answer.payload, "not an error under the title: the modal closes"
    said = await bound.said_after(before)
    assert said.private
    assert REFUSED in said.readable
