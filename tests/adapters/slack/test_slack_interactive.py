"""Buttons, the /addevent modal and the App Home, as a Slack user clicks through them."""

from __future__ import annotations

import asyncio

import pytest

from bot.app import App
from bot.scheduler import ReminderScheduler
from handlers.types import IncomingCommand, Reply
from tests.adapters.slack.conftest import ADMIN, COORDINATOR, MEMBER
from tests.adapters.slack.harness import (
    Slack,
    button_payload,
    home_button_payload,
    submission_payload,
)


async def test_next_page_button_replaces_the_message_with_page_two(
    any_slack: Slack, many_events: int
) -> None:
    slack = any_slack
    await slack.ask("/bind", "sasa")
    await slack.ask("/language", "en")  # the channel's language
    first = await slack.ask("/events", user=ADMIN)
    assert "Page 1 of 3" in first.readable
    assert [b["action_id"] for b in first.buttons] == ["cb_page_2"]
    assert first.buttons[0]["value"] == "/events page=2"
    assert first.buttons[0]["text"]["text"] == "Next page ›"
    before = len(slack.api.said)
    answer = await slack.interact(button_payload(first, 0, user=ADMIN))
    assert answer.status == 200
    second = await slack.said_after(before)
    assert second.kind == "response"
    assert second.body["replace_original"] is True
    assert not second.private, "a shared list stays shared"
    assert "Page 2 of 3" in second.readable
    assert [b["value"] for b in second.buttons] == ["/events page=1", "/events page=3"]
    assert "Srečanje" in second.readable
    assert first.readable.split("\n")[1] not in second.readable


async def test_page_buttons_speak_the_readers_language(bound: Slack, many_events: int) -> None:
    first = await bound.ask("/dogodki", user=COORDINATOR)
    assert first.buttons[0]["text"]["text"] == "Naslednja stran ›"
    before = len(bound.api.said)
    await bound.interact(button_payload(first, 0, user=COORDINATOR))
    second = await bound.said_after(before)
    assert "Stran 2 od 3" in second.readable


async def test_a_button_without_a_response_url_edits_the_message_with_chat_update(
    bound: Slack, many_events: int
) -> None:
    first = await bound.mention("events", user=ADMIN)
    assert first.kind == "message"
    payload = button_payload(first, 0, user=ADMIN)
    payload["response_url"] = ""
    before = len(bound.api.said)
    await bound.interact(payload)
    edited = await bound.said_after(before)
    assert edited.kind == "update"
    assert edited.channel == "C1"
    assert edited.body["ts"] == payload["container"]["message_ts"]
    assert "Stran 2 od 3" in edited.readable, "the channel speaks its coalition's language"


async def test_a_refused_click_is_told_privately_and_leaves_the_message(
    bound: Slack, app: App, many_events: int
) -> None:
    """A button may carry any command line; one the clicker may not run is refused to them."""
    shared = await bound.ask("/events", user=ADMIN)
    payload = button_payload(shared, 0, user=MEMBER)
    payload["actions"][0]["value"] = "/cancelevent 1"
    before = len(bound.api.said)
    await bound.interact(payload)
    refusal = await bound.said_after(before)
    assert refusal.private
    assert refusal.body["replace_original"] is False
    assert "Podatke koalicije" in refusal.readable
    assert (await app.services.events.get("sasa", 1)).status == "scheduled"


async def test_addevent_without_arguments_opens_a_modal_with_the_areas(
    bound: Slack, app: App
) -> None:
    answer, key = await bound.slash("/dodajdogodek", "", user=COORDINATOR)
    assert answer.status == 200
    await bound.api.wait_until(lambda: bool(bound.api.views_opened))
    view = bound.api.views_opened[0]
    opened = bound.api.calls("views.open")[0]
    assert opened["trigger_id"].startswith("trigger-")
    blocks = [b["block_id"] for b in view["blocks"]]
    assert blocks == ["title", "date", "time", "place", "area", "public", "quiet"]
    areas = await app.services.directory.areas("sasa")
    options = view["blocks"][4]["element"]["options"]
    assert [(o["text"]["text"], o["value"]) for o in options] == [(a.name, a.slug) for a in areas]
    assert view["blocks"][4]["label"]["text"] == "Področje", "U2 reads Slovenian"
    assert view["blocks"][5]["label"]["text"] == "Vidnost"
    assert view["blocks"][3]["label"]["text"] == "Kje"
    assert not [s for s in bound.api.said if s.channel == key], "no message besides the modal"


async def test_the_modal_in_a_channel_speaks_the_channels_language(bound: Slack) -> None:
    await bound.ask("/jezik", "sl", user=COORDINATOR, channel="D2")  # U2's own choice: sl
    await bound.ask("/language", "en", user=ADMIN)
    await bound.slash("/dodajdogodek", "", user=COORDINATOR)
    await bound.api.wait_until(lambda: bool(bound.api.views_opened))
    view = bound.api.views_opened[-1]
    area = next(block for block in view["blocks"] if block["block_id"] == "area")
    assert area["label"]["text"] == "Area"
    assert view["blocks"][3]["label"]["text"] == "Where"


async def open_modal(slack: Slack, user: str = COORDINATOR) -> dict[str, object]:
    await slack.slash("/addevent", "", user=user)
    await slack.api.wait_until(lambda: bool(slack.api.views_opened))
    return slack.api.views_opened[-1]


async def test_a_good_modal_submission_adds_the_event_and_tells_the_channel(
    bound: Slack, app: App
) -> None:
    view = await open_modal(bound)
    before = len(bound.api.said)
    values = {
        "title": "Delavnica umetne inteligence",
        "date": "2027-03-15",
        "time": "10:00",
        "place": "Velenje",
        "area": "pametno-mesto",
    }
    answer = await bound.interact(submission_payload(view, values, user=COORDINATOR))
    assert answer.status == 200
    assert not answer.payload, "an empty ack closes the modal"
    said = await bound.said_after(before)
    assert said.kind == "response"
    assert said.body["response_type"] == "in_channel"
    assert "Dogodek #" in said.readable
    assert "Delavnica umetne inteligence" in said.readable
    listing = await app.services.events.upcoming("sasa", limit=50)
    added = next(e for e in listing.items if e.title == "Delavnica umetne inteligence")
    assert added.location == "Velenje"
    assert added.area is not None
    assert added.area.slug == "pametno-mesto"
    assert added.starts_at.isoformat().startswith("2027-03-15T09:00")  # 10:00 in Ljubljana


async def test_the_public_box_in_the_modal_puts_the_event_on_the_web_page(
    bound: Slack, app: App
) -> None:
    view = await open_modal(bound)
    before = len(bound.api.said)
    values = {"title": "Javni dan odprtih vrat", "date": "2027-03-16", "public": "yes"}
    answer = await bound.interact(submission_payload(view, values, user=COORDINATOR))
    assert answer.status == 200
    said = await bound.said_after(before)
    assert "Javno: na spletni strani koalicije" in said.readable
    shown = await app.services.calendar.feed("sasa")
    assert "Javni dan odprtih vrat" in [item.event.title for item in shown.events]
    view = await open_modal(bound)
    values = {"title": "Interni sestanek", "date": "2027-03-17"}
    await bound.interact(submission_payload(view, values, user=COORDINATOR))
    await bound.api.wait_until(lambda: "Interni sestanek" in str(bound.api.said))
    shown = await app.services.calendar.feed("sasa")
    assert "Interni sestanek" not in [item.event.title for item in shown.events]


async def test_the_quiet_box_in_the_modal_adds_the_event_without_announcing_it(
    bound: Slack, app: App
) -> None:
    view = await open_modal(bound)
    quiet = next(block for block in view["blocks"] if block["block_id"] == "quiet")
    assert quiet["element"]["options"][0]["text"]["text"].startswith("Tiho:")
    scheduler = ReminderScheduler(app, {"slack": bound.adapter}, worker="quiet-test")
    values = {"title": "Tihi sestanek", "date": "2027-03-18", "quiet": "yes"}
    before = len(bound.api.said)
    await bound.interact(submission_payload(view, values, user=COORDINATOR))
    said = await bound.said_after(before)
    assert "Tihi sestanek" in said.readable
    view = await open_modal(bound)
    values = {"title": "Glasni sestanek", "date": "2027-03-19"}
    await bound.interact(submission_payload(view, values, user=COORDINATOR))
    await bound.api.wait_until(lambda: "Glasni sestanek" in str(bound.api.said))
    await scheduler.sweep()
    announced = [s.readable for s in bound.api.said if "Nov dogodek" in s.readable]
    assert len(announced) == 1
    assert "Glasni sestanek" in announced[0]
    assert not any("Tihi sestanek" in text for text in announced), "the quiet one is not told"


async def test_a_past_date_in_the_modal_comes_back_under_the_date_field(
    bound: Slack, app: App
) -> None:
    view = await open_modal(bound)
    total = (await app.services.events.upcoming("sasa")).total
    values = {"title": "Prepozno", "date": "2026-11-01", "time": "10:00"}
    answer = await bound.interact(submission_payload(view, values, user=COORDINATOR))
    assert answer.status == 200
    assert answer.payload is not None
    assert answer.payload["response_action"] == "errors"
    assert list(answer.payload["errors"]) == ["date"]
    assert "v preteklosti" in answer.payload["errors"]["date"]
    assert (await app.services.events.upcoming("sasa")).total == total
    await asyncio.sleep(0.05)
    assert not bound.api.said[1:], "nothing is posted for a refused form"


async def test_a_bar_in_the_title_is_refused_in_the_modal(bound: Slack) -> None:
    view = await open_modal(bound)
    values = {"title": "A | B", "date": "2027-03-15"}
    answer = await bound.interact(submission_payload(view, values, user=COORDINATOR))
    assert answer.payload is not None
    assert list(answer.payload["errors"]) == ["title"]


async def test_a_slow_submission_closes_the_modal_in_time_and_answers_after(
    bound: Slack, app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = await open_modal(bound)
    gate = asyncio.Event()
    handle = app.dispatcher.handle

    async def slow(command: IncomingCommand) -> Reply:
        await gate.wait()
        return await handle(command)

    monkeypatch.setattr(app.dispatcher, "handle", slow)
    bound.adapter.modal_ack_seconds = 0.2
    before = len(bound.api.said)
    values = {"title": "Počasen", "date": "2026-11-01", "time": "10:00"}
    answer = await bound.interact(submission_payload(view, values, user=COORDINATOR))
    assert not answer.payload, "the modal closes rather than miss Slack's 3 seconds"
    gate.set()
    said = await bound.said_after(before)
    assert said.private, "the refusal reaches the person as a message"
    assert "v preteklosti" in said.readable


async def test_app_home_shows_the_next_events_and_deadlines(slack: Slack) -> None:
    await slack.event(
        {"type": "app_home_opened", "user": COORDINATOR, "channel": "D2", "tab": "home"}
    )
    await slack.api.wait_until(lambda: bool(slack.api.views_published))
    home = slack.api.views_published[0]
    assert home["user_id"] == COORDINATOR
    texts = "\n".join(b["text"]["text"] for b in home["blocks"] if isinstance(b.get("text"), dict))
    assert "prihajajočih dogodkov" in texts
    assert "prihajajočih rokov" in texts
    assert "eAlijansa" in texts
    assert len(home["blocks"]) <= 100


async def test_app_home_page_button_republishes_the_home(slack: Slack, many_events: int) -> None:
    await slack.event({"type": "app_home_opened", "user": ADMIN, "channel": "D1", "tab": "home"})
    await slack.api.wait_until(lambda: len(slack.api.views_published) == 1)
    home = slack.api.views_published[0]
    await slack.interact(home_button_payload(home, 0, user=ADMIN))
    await slack.api.wait_until(lambda: len(slack.api.views_published) == 2)
    again = slack.api.views_published[1]
    texts = "\n".join(b["text"]["text"] for b in again["blocks"] if isinstance(b.get("text"), dict))
    assert "Page 2 of 3" in "\n".join(
        e["text"] for b in again["blocks"] if b["type"] == "context" for e in b["elements"]
    )
    assert "upcoming deadlines" in texts, "the deadlines stay on the home"


async def test_the_messages_tab_does_not_publish_a_home(slack: Slack) -> None:
    await slack.event(
        {"type": "app_home_opened", "user": ADMIN, "channel": "D1", "tab": "messages"}
    )
    said = await slack.direct("help", user=ADMIN)
    assert said.channel == "D1"
    assert not slack.api.views_published
