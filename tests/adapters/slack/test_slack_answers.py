"""Nobody is left without an answer: when Slack refuses one, plain text, then a direct message;
a page button whose response_url is gone edits its message with chat.update."""

from __future__ import annotations

import asyncio

from tests.adapters.slack.conftest import ADMIN, MEMBER
from tests.adapters.slack.fake_web_api import BOT_USER
from tests.adapters.slack.harness import Slack, button_payload

NOTE = "cannot post in that channel"
NOTE_SL = "V ta kanal ne morem pisati"
"""The note in the channel's language (Slovenian), for an answer written for the channel."""


async def test_refused_blocks_after_a_mention_are_answered_as_plain_text(bound: Slack) -> None:
    bound.api.fail("chat.postMessage", "invalid_blocks")
    said = await bound.mention("areas", user=ADMIN)
    assert said.channel == "C1"
    assert not said.blocks
    assert "projektnih področij" in said.text


async def test_a_restricted_channel_answers_the_mention_directly(bound: Slack) -> None:
    bound.api.fail("chat.postMessage", "restricted_action")
    said = await bound.mention("areas", user=ADMIN)
    assert said.channel == ADMIN, "a direct message"
    assert "projektnih področij" in said.readable
    assert NOTE_SL in said.readable


async def test_an_ephemeral_refusal_to_someone_not_in_the_channel_goes_directly(
    bound: Slack,
) -> None:
    bound.api.fail("chat.postEphemeral", "user_not_in_channel")
    said = await bound.mention("addevent Sestanek | jutri ob 10h", user=MEMBER)
    assert said.channel == MEMBER
    assert "koordinatorji" in said.readable


async def test_a_rate_limit_that_persists_still_gets_the_answer_through(bound: Slack) -> None:
    """429 on every try in the channel (with the client's own retries): a direct message."""
    bound.api.fail("chat.postMessage", status=429, retry_after=0, times=6)
    before = len(bound.api.said)
    await bound.event(
        {"type": "app_mention", "user": ADMIN, "text": f"<@{BOT_USER}> areas", "channel": "C1"}
    )
    # each retry waits Retry-After plus up to a second of jitter: four of them before the DM
    said = (await bound.api.wait_said(before + 1, within=10.0))[before]
    assert said.channel == ADMIN
    assert "projektnih področij" in said.readable
    assert NOTE not in said.readable, "the channel is not the problem"
    assert NOTE_SL not in said.readable


async def test_a_failed_direct_answer_does_not_say_it_cannot_post_in_a_channel(
    slack: Slack,
) -> None:
    slack.api.fail("chat.postMessage", "channel_not_found")
    said = await slack.direct("areas", user=ADMIN, channel="D1")
    assert "project areas" in said.readable
    assert NOTE not in said.readable


async def test_a_page_button_whose_response_url_fails_edits_the_message(
    bound: Slack, two_pages: None
) -> None:
    first = await bound.ask("/events", user=ADMIN)
    for status in (404, 503):
        bound.api.fail("response_url", status=status, times=3)
        before = len(bound.api.said)
        await bound.interact(button_payload(first, 0, user=ADMIN))
        edited = await bound.said_after(before)
        assert edited.kind == "update", status
        assert edited.channel == "C1"
        assert "Stran 2 od 2" in edited.readable
        await asyncio.sleep(0.1)
        assert len(bound.api.said) == before + 1, "no new message besides the edit"
