"""The network on Telegram, through the real Application against the fake Bot API: a request
to link reaches the other coalition's admin privately with Accept and Decline; pressing
Accept links the two; the linked coalition sees the shared event, marked with its origin,
and cannot change it."""

from __future__ import annotations

from bot.adapters.telegram import TelegramAdapter
from bot.app import App
from bot.scheduler import ReminderScheduler
from models.entities import Role
from tests.adapters.telegram.conftest import Chat
from tests.adapters.telegram.fake_bot_api import FakeBotApi, user
from tests.adapters.telegram.helpers import grant

SASA_ADMIN = user(8001, name="Sara")
LJUBLJANA_ADMIN = user(8002, name="Luka")
LJUBLJANA_COORDINATOR = user(8003, name="Lina")
SASA = "Lokalna digitalna koalicija SAŠA regije"


async def test_a_request_accepted_with_its_button_shares_events_read_only(
    app: App, chat: Chat, fake_api: FakeBotApi, telegram: TelegramAdapter
) -> None:
    await grant(app, SASA_ADMIN["id"], Role.ADMIN)
    directory = app.services.directory
    await directory.ensure_role("ljubljana", f"telegram:{LJUBLJANA_ADMIN['id']}", Role.ADMIN)
    coordinator = f"telegram:{LJUBLJANA_COORDINATOR['id']}"
    await directory.ensure_role("ljubljana", coordinator, Role.COORDINATOR)

    [asked] = await chat.ask("/povezava ljubljana vertikalna", sender=SASA_ADMIN)
    assert "smo zaprosili za povezavo" in asked.text
    await ReminderScheduler(app, {"telegram": telegram}, worker="net-test").sweep()
    [request] = fake_api.messages_to(LJUBLJANA_ADMIN["id"])
    assert request.text.startswith(f"Koalicija »{SASA}« prosi za povezavo")
    assert request.buttons == [("Sprejmi", "/link sasa accept"), ("Zavrni", "/link sasa decline")]

    fake_api.press(request, "/link sasa accept", user=LJUBLJANA_ADMIN)
    await fake_api.wait_for(lambda: request.edits == 1)
    assert f"Koalicija »{SASA}« in vaša koalicija sta zdaj povezani (vertikalna)." in request.text

    [added] = await chat.ask("/dodajdogodek Skupni forum | jutri ob 10h | tiho", sender=SASA_ADMIN)
    event_id = int(added.text.split("#", 1)[1].split()[0])
    await chat.ask(f"/uredidogodek {event_id} deli=da", sender=SASA_ADMIN)
    [listed] = await chat.ask("/dogodki", sender=LJUBLJANA_COORDINATOR)
    assert "Skupni forum" in listed.text
    assert f"iz koalicije »{SASA}«" in listed.text
    [refused] = await chat.ask(f"/uredidogodek {event_id} naslov=Naš", sender=LJUBLJANA_COORDINATOR)
    assert f"pripada koaliciji »{SASA}«" in refused.text
    [network] = await chat.ask("/mreza", sender=LJUBLJANA_COORDINATOR)
    assert f"{SASA} (sasa)" in network.text
    assert "vertikalna, od" in network.text
