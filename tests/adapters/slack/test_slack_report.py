"""/porocilo on Slack: the chart is uploaded (files_upload_v2's three steps) as a real PNG,
with the summary as its comment and alt text."""

from __future__ import annotations

import io

from matplotlib.image import imread

from tests.adapters.slack.conftest import COORDINATOR
from tests.adapters.slack.harness import Slack

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


async def test_the_report_is_a_chart_uploaded_into_the_channel(bound: Slack) -> None:
    shared = await bound.share("/porocilo", user=COORDINATOR)
    assert shared.channel == "C1"
    assert shared.filename.endswith(".png")
    assert shared.content.startswith(PNG_SIGNATURE)
    height, width, _channels = imread(io.BytesIO(shared.content), format="png").shape
    assert (width, height) >= (600, 150)
    assert "Formalna ustanovitev koalicije — v teku" in shared.comment
    assert "Formalna ustanovitev koalicije" in shared.alt_text
    assert [call["filename"] for call in bound.api.calls("files.getUploadURLExternal")] == [
        shared.filename
    ]


async def test_when_slack_refuses_the_upload_the_summary_is_posted(bound: Slack) -> None:
    bound.api.fail("files.completeUploadExternal", "not_allowed_token_type")
    before = len(bound.api.said)
    await bound.slash("/porocilo", user=COORDINATOR)
    said = await bound.said_after(before)
    assert "Formalna ustanovitev koalicije — v teku" in said.readable
    assert bound.api.files == []
