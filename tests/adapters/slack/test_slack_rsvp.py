"""Announcements and RSVP on Slack, through the real Bolt app against the fake Web API: the
announcement arrives once in the bound channel with its buttons; a click edits the counts in
the shared message and tells the clicker their answer in an ephemeral message; a second click
changes nothing."""

from __future__ import annotations

from bot.app import App
from bot.scheduler import ReminderScheduler
from tests.adapters.slack.conftest import ADMIN, COORDINATOR, MEMBER
from tests.adapters.slack.harness import Slack, button_payload


async def test_the_announcement_arrives_once_and_a_click_edits_the_counts(
    bound: Slack, app: App
) -> None:
    added = await bound.ask("/dodajdogodek", "Delavnica | 20.12.2026 10:00", user=COORDINATOR)
    event_id = int(added.readable.split("#", 1)[1].split()[0].rstrip("."))
    scheduler = ReminderScheduler(app, {"slack": bound.adapter}, worker="rsvp-test")
    await scheduler.sweep()
    await scheduler.sweep()
    [announcement] = [s for s in bound.api.said if "Nov dogodek" in s.readable]
    assert announcement.kind == "message"
    assert announcement.channel == "C1"
    assert [b["value"] for b in announcement.buttons] == [
        f"/rsvp {event_id} yes",
        f"/rsvp {event_id} maybe",
        f"/rsvp {event_id} no",
    ]
    assert [b["text"]["text"] for b in announcement.buttons] == ["Pridem", "Morda", "Ne morem"]

    before = len(bound.api.said)
    await bound.interact(button_payload(announcement, 0, user=MEMBER))
    edited = await bound.said_after(before)
    note = await bound.said_after(before + 1)
    assert edited.kind == "update"
    assert "Pridejo: 1 · Morda: 0 · Ne morejo: 0" in edited.readable
    assert "Vaš odgovor" not in edited.readable, "the channel never sees one person's answer"
    assert len(edited.buttons) == 3
    assert note.private
    assert note.user == MEMBER
    assert "Vaš odgovor: pridem" in note.readable

    before = len(bound.api.said)
    await bound.interact(button_payload(announcement, 0, user=MEMBER))
    again = await bound.said_after(before)
    note = await bound.said_after(before + 1)
    assert "Pridejo: 1 ·" in again.readable, "a second click changes nothing"
    assert "Vaš odgovor ostaja: pridem" in note.readable

    before = len(bound.api.said)
    await bound.interact(button_payload(announcement, 1, user=ADMIN))
    edited = await bound.said_after(before)
    assert "Pridejo: 1 · Morda: 1 · Ne morejo: 0" in edited.readable
