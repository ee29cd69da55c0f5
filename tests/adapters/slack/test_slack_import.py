"""A spreadsheet shared with the bot in its Slack direct messages, through the real Bolt app
against the fake Web API (files.info and the private download with the bot token): the
preview with Confirm and Cancel, nothing written until Confirm, a second Confirm changes
nothing, a file over the limit is refused before it is downloaded."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.app import App
from models.entities import Event
from tests.adapters.slack.conftest import COORDINATOR, MEMBER
from tests.adapters.slack.harness import Slack, button_payload

EVENTS_CSV = (
    b"title,when,where\n"
    b"AI workshop,15. 3. 2027 10:00,Velenje\n"
    b"Council meeting,2027-04-02 09:30,Ljubljana\n"
    b"No date,,Celje\n"
)


async def events(app: App) -> int:
    async with app.database.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Event)) or 0)


async def test_a_shared_file_is_previewed_then_imported_once_on_confirm(
    slack: Slack, app: App
) -> None:
    before = await events(app)
    preview = await slack.share_file("events.csv", EVENTS_CSV, "dogodki", user=COORDINATOR)
    assert preview.channel == "D1"
    assert "Uvoz – dogodki: predogled" in preview.readable, preview.readable
    assert "2 novi vrstici" in preview.readable
    assert "Vrstica 4:" in preview.readable
    assert [b["text"]["text"] for b in preview.buttons] == ["Potrdi", "Prekliči"]
    assert slack.api.calls("files.info")
    assert slack.api.downloads
    assert await events(app) == before

    said = len(slack.api.said)
    await slack.interact(button_payload(preview, 0, user=COORDINATOR))
    done = await slack.said_after(said)
    assert "Uvoz – dogodki: končan" in done.readable, done.readable
    assert await events(app) == before + 2

    said = len(slack.api.said)
    await slack.interact(button_payload(preview, 0, user=COORDINATOR))
    again = await slack.said_after(said)
    assert "že potrjen" in again.readable
    assert await events(app) == before + 2


async def test_a_file_over_the_limit_is_refused_before_files_info(slack: Slack, app: App) -> None:
    refused = await slack.share_file(
        "events.csv", EVENTS_CSV, user=COORDINATOR, size=6 * 1024 * 1024
    )
    assert "5 MiB" in refused.readable, refused.readable
    assert not slack.api.calls("files.info")
    assert not slack.api.downloads


async def test_a_member_gets_no_import(slack: Slack, app: App) -> None:
    before = await events(app)
    refused = await slack.share_file("events.csv", EVENTS_CSV, user=MEMBER)
    assert not refused.buttons
    assert not slack.api.downloads
    assert await events(app) == before
