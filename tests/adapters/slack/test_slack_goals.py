"""Goals on Slack, through the real Bolt app against the fake Slack: a coordinator's record
button (in their direct messages only) opens a modal with a value and a note; a value that
is no number is shown under its field and nothing is stored; a good answer closes the modal
and is echoed with the indicator's new status; `/vpisi N` typed alone opens the same modal."""

from __future__ import annotations

from typing import Any

from bot.app import App
from tests.adapters.slack.conftest import COORDINATOR, MEMBER
from tests.adapters.slack.fake_web_api import block_texts
from tests.adapters.slack.harness import (
    Slack,
    button_payload,
    home_button_payload,
    submission_payload,
)

FUNDING = "Zagotovljena stabilna finančna sredstva"


async def manual_indicator(app: App) -> tuple[int, int]:
    """SAŠA's founding goal and its indicator filled in by hand (demo: 0 of 1 so far)."""
    overview = await app.services.goals.overview("sasa")
    for goal in overview.goals:
        for indicator in goal.indicators:
            if indicator.title == FUNDING:
                return goal.id, indicator.id
    raise AssertionError("the demo's founding goal is missing")


async def value_of(app: App, indicator_id: int) -> float | None:
    return (await app.services.goals.indicator("sasa", indicator_id)).value


def commands(buttons: list[dict[str, Any]]) -> list[str]:
    return [str(button["value"]) for button in buttons]


async def test_only_a_coordinator_in_their_direct_messages_gets_record_buttons(
    bound: Slack, app: App
) -> None:
    goal_id, indicator_id = await manual_indicator(app)
    mine = await bound.ask("/cilj", str(goal_id), user=COORDINATOR, channel="D2")
    assert f"/record {indicator_id}" in commands(mine.buttons)
    assert f"/goals {(await app.services.goals.overview('sasa')).year}" in commands(mine.buttons)
    for user, channel in ((MEMBER, "D3"), (COORDINATOR, "C1")):
        shown = await bound.ask("/cilj", str(goal_id), user=user, channel=channel)
        assert FUNDING in shown.readable
        assert not [c for c in commands(shown.buttons) if c.startswith("/record")]


async def open_record_modal(bound: Slack, app: App) -> tuple[dict[str, Any], int]:
    goal_id, indicator_id = await manual_indicator(app)
    shown = await bound.ask("/cilj", str(goal_id), user=COORDINATOR, channel="D2")
    index = commands(shown.buttons).index(f"/record {indicator_id}")
    await bound.interact(button_payload(shown, index, user=COORDINATOR))
    await bound.api.wait_until(lambda: bool(bound.api.views_opened))
    view: dict[str, Any] = bound.api.views_opened[-1]
    return view, indicator_id


async def test_the_button_opens_a_modal_whose_answer_is_recorded_and_echoed(
    bound: Slack, app: App
) -> None:
    view, indicator_id = await open_record_modal(bound, app)
    assert view["title"]["text"] == f"Vrednost za kazalnik #{indicator_id}"
    inputs = [block for block in view["blocks"] if block["type"] == "input"]
    assert [block["block_id"] for block in inputs] == ["value", "note"]
    assert [block["label"]["text"] for block in inputs] == ["Vrednost", "Opomba"]
    assert [block["optional"] for block in inputs] == [False, True]
    assert FUNDING in view["blocks"][0]["text"]["text"], "the indicator as it stands"

    before = len(bound.api.said)
    values = {"value": "1", "note": "sredstva zagotovljena"}
    answer = await bound.interact(submission_payload(view, values, user=COORDINATOR))
    assert not answer.payload, "no errors: the modal closes"
    echo = await bound.said_after(before)
    assert echo.readable.startswith(f"Vpisano za kazalnik #{indicator_id}.")
    assert f"#{indicator_id} {FUNDING}: 1 / 1 — dosežen" in echo.readable
    assert not echo.private
    assert await value_of(app, indicator_id) == 1
    assert not bound.api.calls("chat.update"), "the goal's message stays as it was"


async def test_a_value_that_is_no_number_is_shown_under_its_field_and_nothing_is_stored(
    bound: Slack, app: App
) -> None:
    view, indicator_id = await open_record_modal(bound, app)
    before = len(bound.api.said)
    for values, field in (
        ({"value": "veliko", "note": ""}, "value"),
        ({"value": "-", "note": "ok"}, "value"),
        ({"value": "2 | 3", "note": ""}, "value"),
        ({"value": "1", "note": "x" * 501}, "note"),
    ):
        answer = await bound.interact(submission_payload(view, values, user=COORDINATOR))
        assert answer.payload is not None, values
        assert list(answer.payload["errors"]) == [field], answer.payload
    answer = await bound.interact(submission_payload(view, {"value": "veliko"}, user=COORDINATOR))
    assert answer.payload is not None
    assert "»veliko« ni število" in answer.payload["errors"]["value"]
    assert await value_of(app, indicator_id) == 0
    assert len(bound.api.said) == before, "nothing said in the conversation"


async def test_vpisi_with_the_number_alone_opens_the_modal(bound: Slack, app: App) -> None:
    _goal, indicator_id = await manual_indicator(app)
    answer, key = await bound.slash("/vpisi", str(indicator_id), user=COORDINATOR)
    assert answer.status == 200
    await bound.api.wait_until(lambda: bool(bound.api.views_opened))
    assert bound.api.views_opened[-1]["callback_id"] == "cb_question"
    assert not [s for s in bound.api.said if s.channel == key], "the modal, and no message"


async def test_a_member_typing_vpisi_is_refused_without_a_modal(bound: Slack, app: App) -> None:
    _goal, indicator_id = await manual_indicator(app)
    said = await bound.ask("/vpisi", str(indicator_id), user=MEMBER)
    assert said.private
    assert "koordinatorji" in said.readable
    assert not bound.api.views_opened


async def open_home(slack: Slack, user: str) -> dict[str, Any]:
    before = len(slack.api.views_published)
    await slack.event({"type": "app_home_opened", "user": user, "channel": "D9", "tab": "home"})
    await slack.api.wait_until(lambda: len(slack.api.views_published) > before)
    home: dict[str, Any] = slack.api.views_published[-1]
    return home


def home_texts(home: dict[str, Any]) -> str:
    return "\n".join(block_texts(home["blocks"])).replace("\u200b", "")


def home_buttons(home: dict[str, Any]) -> list[str]:
    return [
        str(element["value"])
        for block in home["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    ]


async def test_the_home_shows_the_goals_at_a_glance_and_opens_one(slack: Slack, app: App) -> None:
    goal_id, indicator_id = await manual_indicator(app)
    home = await open_home(slack, MEMBER)
    shown = home_texts(home)
    assert "Cilji v letu" in shown
    assert f"#{goal_id} Formalna ustanovitev koalicije — v teku" in shown
    assert f"#{indicator_id} {FUNDING}: 0 / 1 — zaostaja" in shown
    assert not [c for c in home_buttons(home) if c.startswith("/record")]

    index = home_buttons(home).index(f"/goal {goal_id}")
    await slack.interact(home_button_payload(home, index, user=MEMBER))
    await slack.api.wait_until(lambda: slack.api.views_published[-1] is not home)
    opened = home_texts(slack.api.views_published[-1])
    assert "Šteje: vpisano ročno" in opened, "the goal in full, in the goals' place"
    assert "Sredstva še niso zagotovljena." in opened
    assert "prihajajoč" in opened, "the other sections stay"


async def test_a_coordinator_records_from_the_home(slack: Slack, app: App) -> None:
    goal_id, indicator_id = await manual_indicator(app)
    home = await open_home(slack, COORDINATOR)
    index = home_buttons(home).index(f"/goal {goal_id}")
    await slack.interact(home_button_payload(home, index, user=COORDINATOR))
    await slack.api.wait_until(lambda: slack.api.views_published[-1] is not home)
    home = slack.api.views_published[-1]
    record = home_buttons(home).index(f"/record {indicator_id}")
    await slack.interact(home_button_payload(home, record, user=COORDINATOR))
    await slack.api.wait_until(lambda: bool(slack.api.views_opened))
    view = slack.api.views_opened[-1]
    before, published = len(slack.api.said), len(slack.api.views_published)
    answer = await slack.interact(submission_payload(view, {"value": "1"}, user=COORDINATOR))
    assert not answer.payload
    echo = await slack.said_after(before)
    assert echo.channel == COORDINATOR, "in the person's direct messages"
    assert echo.readable.startswith(f"Vpisano za kazalnik #{indicator_id}.")
    await slack.api.wait_until(lambda: len(slack.api.views_published) > published)
    assert f"#{indicator_id} {FUNDING}: 1 / 1 — dosežen" in home_texts(
        slack.api.views_published[-1]
    )
