"""Announcements and RSVP on Slack, through the real Bolt app against the fake Web API: the
announcement arrives once in the bound channel with its buttons; a click tells the clicker
their answer in an ephemeral message and the announcement, still itself, is updated with the
counts; a second click changes nothing."""

from __future__ import annotations

from bot.app import App
from bot.count_edits import CountEdits
from bot.scheduler import ReminderScheduler
from tests.adapters.slack.conftest import ADMIN, COORDINATOR, MEMBER
from tests.adapters.slack.fake_web_api import Said
from tests.adapters.slack.harness import Slack, button_payload


async def note_and_update(bound: Slack, before: int) -> tuple[Said, Said]:
    """The two things said after `before`, in whichever order they came: the clicker's note
    and the announcement's update."""
    await bound.said_after(before + 1)
    [note] = [s for s in bound.api.said[before:] if s.kind != "update"]
    [update] = [s for s in bound.api.said[before:] if s.kind == "update"]
    return note, update


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
    assert [b["value"].lstrip("=") for b in announcement.buttons] == [
        f"/rsvp {event_id} yes",
        f"/rsvp {event_id} maybe",
        f"/rsvp {event_id} no",
    ]
    assert [b["text"]["text"] for b in announcement.buttons] == ["Pridem", "Morda", "Ne morem"]
    counts = CountEdits(
        app.services.rsvp, {"slack": bound.adapter}, app.translators, app.clock, interval=0.0
    )
    counts.listen()

    before = len(bound.api.said)
    await bound.interact(button_payload(announcement, 0, user=MEMBER))
    note, edited = await note_and_update(bound, before)
    assert note.private
    assert note.user == MEMBER
    assert "Vaš odgovor: pridem" in note.readable
    assert edited.kind == "update"
    assert edited.readable.startswith("Nov dogodek: Delavnica"), "still the announcement"
    assert "Pridejo: 1 · Morda: 0 · Ne morejo: 0" in edited.readable
    assert "Vaš odgovor" not in edited.readable, "the channel never sees one person's answer"
    assert len(edited.buttons) == 3
    await counts.settle()
    assert len(bound.api.said) == before + 2, "the click's answer is the note alone"

    before = len(bound.api.said)
    await bound.interact(button_payload(announcement, 0, user=MEMBER))
    note = await bound.said_after(before)
    assert "Vaš odgovor ostaja: pridem" in note.readable
    await counts.settle()
    assert len(bound.api.said) == before + 1, "a second click changes nothing"

    before = len(bound.api.said)
    await bound.interact(button_payload(announcement, 1, user=ADMIN))
    _note, edited = await note_and_update(bound, before)
    assert "Pridejo: 1 · Morda: 1 · Ne morejo: 0" in edited.readable
