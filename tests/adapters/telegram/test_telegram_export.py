"""/izvoz on Telegram: the file comes through sendDocument in the private chat, and reads
back through the import."""

from __future__ import annotations

from bot.app import App
from models.entities import Role
from models.imports.tabular import read_table
from tests.adapters.telegram.conftest import COALITION_GROUP, Chat
from tests.adapters.telegram.fake_bot_api import user
from tests.adapters.telegram.helpers import grant


async def test_a_coordinator_gets_the_activities_as_a_document(app: App, chat: Chat) -> None:
    await grant(app, 7101, Role.COORDINATOR)
    [answer] = await chat.ask("/izvoz aktivnosti csv", sender=user(7101, language="sl"))
    assert answer.document is not None
    assert answer.document_name == "sasa-aktivnosti.csv"
    assert answer.document.startswith(b"\xef\xbb\xbf")
    table = read_table(answer.document_name, answer.document)
    assert table.header[:2] == ("naslov", "rok")
    assert len(table.rows) > 3
    assert answer.text.startswith("Izvoz – aktivnosti: Lokalna digitalna koalicija")
    assert chat.api.calls_of("sendDocument")[-1].status == 200


async def test_no_export_in_a_group_nor_for_a_member(app: App, chat: Chat) -> None:
    await grant(app, 7102, Role.COORDINATOR)
    [group] = await chat.ask(
        "/izvoz kontakti", sender=user(7102, language="sl"), chat_id=COALITION_GROUP
    )
    assert group.document is None
    assert "zasebn" in group.text
    [member] = await chat.ask("/izvoz kontakti", sender=user(7103, language="sl"))
    assert member.document is None
    assert not chat.api.calls_of("sendDocument")
