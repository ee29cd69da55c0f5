"""A spreadsheet sent to the bot on Telegram, through the real Application against the fake
Bot API (getFile and the download): the preview with Confirm and Cancel, nothing written
until Confirm, a second Confirm and a late one change nothing, a file over the limit is
refused before it is downloaded, and a group gets no import."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.app import App
from models.entities import Event, Role
from tests.adapters.telegram.conftest import COALITION_GROUP, Chat
from tests.adapters.telegram.fake_bot_api import FakeBotApi, Sent, user
from tests.adapters.telegram.helpers import grant
from tests.conftest import FakeClock

COORDINATOR = user(7201, name="Koordinatorka")
MEMBER = user(7202, name="Članica")
EVENTS_CSV = (
    "naslov;kdaj;kje;področje\n"
    "Delavnica umetne inteligence;15. 3. 2027 ob 10h;Velenje;pametno-mesto\n"
    "Sestanek sveta;2027-04-02 09:30;Ljubljana;\n"
    ";16. 3. 2027;brez naslova;\n"
).encode()


async def events(app: App) -> int:
    async with app.database.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Event)) or 0)


async def send(
    fake_api: FakeBotApi,
    content: bytes,
    *,
    sender: dict[str, object],
    name: str = "dogodki.csv",
    caption: str = "dogodki",
    chat_id: int | None = None,
    size: int | None = None,
) -> Sent:
    chat = int(str(sender["id"])) if chat_id is None else chat_id
    before = len(fake_api.messages_to(chat))
    fake_api.send_file(name, content, user=sender, caption=caption, chat_id=chat_id, size=size)
    return (await fake_api.replies(chat, before + 1))[before]


async def press(
    fake_api: FakeBotApi, message: Sent, data: str, who: dict[str, object], *, edits: bool = False
) -> str:
    """Presses a button and waits until the bot answered the press (and, with `edits`, until
    the message shows the answer in place); the alert's text."""
    edited = message.edits
    query = fake_api.press(message, data, user=who)
    await fake_api.wait_for(
        lambda: any(a["callback_query_id"] == query for a in fake_api.callback_answers)
    )
    if edits:
        await fake_api.wait_for(lambda: message.edits > edited)
    [answer] = [a for a in fake_api.callback_answers if a["callback_query_id"] == query]
    return str(answer.get("text") or "")


async def test_a_file_is_previewed_and_imported_only_on_confirm_once(
    app: App, chat: Chat, fake_api: FakeBotApi
) -> None:
    await grant(app, 7201, Role.COORDINATOR)
    before = await events(app)
    preview = await send(fake_api, EVENTS_CSV, sender=COORDINATOR)
    assert preview.text.startswith("Uvoz – dogodki: predogled"), preview.text
    assert "2 novi vrstici" in preview.text
    assert "0 spremenjenih vrstic" in preview.text
    assert "Vrstica 4: Manjka naslov." in preview.text or "Vrstica 4:" in preview.text
    assert "15 minut" in preview.text
    [(confirm_label, confirm), (cancel_label, _cancel)] = preview.buttons
    assert (confirm_label, cancel_label) == ("Potrdi", "Prekliči")
    assert fake_api.downloads, "the file was fetched with getFile"
    assert await events(app) == before, "a preview writes nothing"

    assert await press(fake_api, preview, confirm, COORDINATOR, edits=True) == ""
    assert preview.text.startswith("Uvoz – dogodki: končan"), preview.text
    assert "2 novi vrstici" in preview.text
    assert await events(app) == before + 2
    assert not preview.buttons

    again = await press(fake_api, preview, confirm, COORDINATOR)
    assert "že potrjen" in again
    assert await events(app) == before + 2, "a second Confirm changes nothing"


async def test_a_late_confirm_says_the_preview_expired_and_writes_nothing(
    app: App, chat: Chat, fake_api: FakeBotApi, clock: FakeClock
) -> None:
    await grant(app, 7201, Role.COORDINATOR)
    before = await events(app)
    preview = await send(fake_api, EVENTS_CSV, sender=COORDINATOR, caption="")
    confirm = preview.buttons[0][1]
    clock.now += timedelta(minutes=16)
    late = await press(fake_api, preview, confirm, COORDINATOR)
    assert "potekel" in late, late
    assert await events(app) == before
    again = await press(fake_api, preview, confirm, COORDINATOR)
    assert "že potrjen" in again
    assert await events(app) == before


async def test_cancel_writes_nothing_and_confirm_after_it_neither(
    app: App, chat: Chat, fake_api: FakeBotApi
) -> None:
    await grant(app, 7201, Role.COORDINATOR)
    before = await events(app)
    preview = await send(fake_api, EVENTS_CSV, sender=COORDINATOR)
    confirm, cancel = preview.buttons[0][1], preview.buttons[1][1]
    assert await press(fake_api, preview, cancel, COORDINATOR, edits=True) == ""
    assert "preklican" in preview.text
    assert "že potrjen" in await press(fake_api, preview, confirm, COORDINATOR)
    assert await events(app) == before


async def test_a_file_over_the_limit_is_refused_before_it_is_downloaded(
    app: App, chat: Chat, fake_api: FakeBotApi
) -> None:
    await grant(app, 7201, Role.COORDINATOR)
    refused = await send(fake_api, EVENTS_CSV, sender=COORDINATOR, size=6 * 1024 * 1024)
    assert "prevelika" in refused.text or "5 MiB" in refused.text, refused.text
    assert not fake_api.calls_of("getFile")
    assert not fake_api.downloads


async def test_a_file_that_is_no_spreadsheet_is_refused_and_writes_nothing(
    app: App, chat: Chat, fake_api: FakeBotApi
) -> None:
    await grant(app, 7201, Role.COORDINATOR)
    before = await events(app)
    refused = await send(fake_api, b"\x00\x01binary\x02" * 50, sender=COORDINATOR, name="x.bin")
    assert "CSV" in refused.text
    assert not refused.buttons
    assert await events(app) == before


async def test_no_import_in_a_group_nor_for_a_member(
    app: App, chat: Chat, fake_api: FakeBotApi
) -> None:
    await grant(app, 7201, Role.COORDINATOR)
    group = await send(
        fake_api, EVENTS_CSV, sender=COORDINATOR, caption="/uvoz dogodki", chat_id=COALITION_GROUP
    )
    assert "zasebn" in group.text
    assert not group.buttons
    member = await send(fake_api, EVENTS_CSV, sender=MEMBER)
    assert not member.buttons
    assert "koordinator" in member.text.lower(), member.text
    assert not fake_api.downloads, "nothing was downloaded for either"
