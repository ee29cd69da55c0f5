"""/porocilo on Telegram: a real PNG chart through sendPhoto, its caption the summary."""

from __future__ import annotations

import io

from matplotlib.image import imread

from bot.app import App
from tests.adapters.telegram.conftest import COALITION_GROUP, Chat
from tests.adapters.telegram.fake_bot_api import user

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


async def test_the_report_is_a_chart_captioned_with_the_summary(app: App, chat: Chat) -> None:
    [answer] = await chat.ask(
        "/porocilo", sender=user(7001, language="sl"), chat_id=COALITION_GROUP
    )
    assert answer.photo is not None
    assert answer.photo.startswith(PNG_SIGNATURE)
    height, width, _channels = imread(io.BytesIO(answer.photo), format="png").shape
    assert width >= 600
    assert height >= 150
    assert answer.text.startswith("Cilji v letu")
    assert "Formalna ustanovitev koalicije — v teku: doseženo: 0 od 1 kazalnika" in answer.text
    assert chat.api.calls_of("sendPhoto")[-1].status == 200
