"""A person's own data on Telegram: /mojipodatki sends a JSON document privately; /pozabime
asks with buttons, and the Erase button erases (their role is gone after it)."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.app import App
from models.entities import Member, Role
from tests.adapters.telegram.conftest import COALITION_GROUP, Chat
from tests.adapters.telegram.fake_bot_api import FakeBotApi, user
from tests.adapters.telegram.helpers import grant

PERSON = user(7501, name="Ana")


async def test_mydata_is_a_json_document_in_private_only(app: App, chat: Chat) -> None:
    await grant(app, 7501, Role.COORDINATOR)
    [document] = await chat.ask("/mojipodatki", sender=PERSON)
    assert document.document_name == "my-data.json"
    assert document.document is not None
    found = json.loads(document.document)
    assert found["identity"] == "telegram:7501"
    assert found["roles"] == [
        {"coalition": found["roles"][0]["coalition"], "role": "coordinator"}
        | {"from_configuration": False}
    ]
    [group] = await chat.ask("/mojipodatki", sender=PERSON, chat_id=COALITION_GROUP)
    assert group.document is None
    assert "zasebn" in group.text


async def test_forgetme_erases_on_the_button(app: App, chat: Chat, fake_api: FakeBotApi) -> None:
    await grant(app, 7501, Role.COORDINATOR)
    [asked] = await chat.ask("/pozabime", sender=PERSON)
    assert asked.buttons == [
        ("Izbriši moje podatke", "/forgetme confirm"),
        ("Prekliči", "/forgetme cancel"),
    ]
    query = fake_api.press(asked, "/forgetme confirm", user=PERSON)
    await fake_api.wait_for(
        lambda: any(a["callback_query_id"] == query for a in fake_api.callback_answers)
    )
    await fake_api.wait_for(lambda: asked.edits > 0)
    assert asked.text.startswith("Vaši podatki so izbrisani."), asked.text
    async with app.database.sessions() as session:
        roles = list(
            await session.scalars(select(Member).where(Member.identity == "telegram:7501"))
        )
    assert roles == []
