"""Goals on Telegram, through the real Application against the fake Bot API: /cilji opens a
goal with its buttons; in a coordinator's private chat a manual indicator has a record button
(nobody else ever sees one); pressing it opens a reply box, and the answer is recorded and
echoed with the indicator's new status; a value that is no number is refused and the reply
box may be answered again."""

from __future__ import annotations

from bot.adapters.telegram import TelegramAdapter
from bot.app import App
from models.entities import Role
from tests.adapters.telegram.conftest import COALITION_GROUP, Chat
from tests.adapters.telegram.fake_bot_api import FakeBotApi, user
from tests.adapters.telegram.helpers import grant

COORDINATOR = user(7101, name="Katja")
MEMBER = user(7102, name="Miha")
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


async def test_goals_open_a_goal_and_the_goal_leads_back(
    app: App, chat: Chat, fake_api: FakeBotApi
) -> None:
    goal_id, _indicator = await manual_indicator(app)
    await grant(app, MEMBER["id"], Role.MEMBER)
    [listed] = await chat.ask("/cilji", sender=MEMBER)
    [opening] = [data for _label, data in listed.buttons if data == f"/goal {goal_id}"]
    fake_api.press(listed, opening, user=MEMBER)
    await fake_api.wait_for(lambda: listed.edits == 1)
    assert listed.text.startswith(f"#{goal_id} Formalna ustanovitev koalicije")
    assert FUNDING in listed.text
    assert not [data for _label, data in listed.buttons if data.startswith("/record")]
    [back] = [data for label, data in listed.buttons if label == "‹ Vsi cilji"]
    fake_api.press(listed, back, user=MEMBER)
    await fake_api.wait_for(lambda: listed.edits == 2)
    assert listed.text.startswith("Cilji v letu")


async def test_a_coordinator_records_a_value_with_the_button_and_the_reply_box(
    app: App, chat: Chat, fake_api: FakeBotApi
) -> None:
    goal_id, indicator_id = await manual_indicator(app)
    await grant(app, COORDINATOR["id"], Role.COORDINATOR)
    [shown] = await chat.ask(f"/cilj {goal_id}", sender=COORDINATOR)
    assert (f"✍ Vpiši #{indicator_id}", f"/record {indicator_id}") in shown.buttons

    private = COORDINATOR["id"]
    before = len(fake_api.messages_to(private))
    query = fake_api.press(shown, f"/record {indicator_id}", user=COORDINATOR)
    [asked] = (await fake_api.replies(private, before + 1))[before:]
    assert asked.asks, "a reply box opens for the answer"
    assert asked.text.startswith(f"Vrednost za kazalnik #{indicator_id}")
    assert f"/vpisi {indicator_id} VREDNOST | OPOMBA" in asked.text
    assert shown.edits == 0, "the goal stays as it was"
    assert any(a["callback_query_id"] == query for a in fake_api.callback_answers)

    [refused] = await chat_answer(fake_api, "veliko", asked)
    assert "»veliko« ni število" in refused.text
    assert await value_of(app, indicator_id) == 0, "nothing stored"

    [echo] = await chat_answer(fake_api, "1 | sredstva zagotovljena", refused)
    assert echo.text.startswith(f"Vpisano za kazalnik #{indicator_id}.")
    assert f"#{indicator_id} {FUNDING}: 1 / 1 — dosežen" in echo.text
    assert await value_of(app, indicator_id) == 1
    detail = await app.services.goals.goal("sasa", goal_id)
    [(_id, contributions)] = detail.contributions
    assert contributions[0].title == "sredstva zagotovljena"

    # answered: the next words in the chat are no answer to anything
    fake_api.say("2", user=COORDINATOR)
    await chat.settle()
    assert len(fake_api.messages_to(private)) == before + 3
    assert await value_of(app, indicator_id) == 1


async def chat_answer(fake_api: FakeBotApi, text: str, to: object) -> list[object]:
    private = COORDINATOR["id"]
    before = len(fake_api.messages_to(private))
    fake_api.say(text, user=COORDINATOR)
    return list((await fake_api.replies(private, before + 1))[before:])


async def test_nobody_else_sees_a_record_button_nor_may_press_one(
    app: App, chat: Chat, fake_api: FakeBotApi, telegram: TelegramAdapter
) -> None:
    goal_id, indicator_id = await manual_indicator(app)
    await grant(app, COORDINATOR["id"], Role.COORDINATOR)
    await grant(app, MEMBER["id"], Role.MEMBER)
    [as_member] = await chat.ask(f"/cilj {goal_id}", sender=MEMBER)
    [in_group] = await chat.ask(f"/cilj {goal_id}", sender=COORDINATOR, chat_id=COALITION_GROUP)
    for shown in (as_member, in_group):
        assert FUNDING in shown.text
        assert not [data for _label, data in shown.buttons if data.startswith("/record")]

    # a member pressing a record button someone kept (an old message): refused, nothing asked
    before = len(fake_api.messages_to(MEMBER["id"]))
    fake_api.press(as_member, f"/record {indicator_id}", user=MEMBER)
    await fake_api.wait_for(lambda: len(fake_api.callback_answers) >= 1)
    assert "koordinatorji" in fake_api.callback_answers[-1]["text"]
    await chat.settle()
    assert len(fake_api.messages_to(MEMBER["id"])) == before
    fake_api.say("1", user=MEMBER)
    await chat.settle()
    assert len(fake_api.messages_to(MEMBER["id"])) == before
    assert await value_of(app, indicator_id) == 0


async def test_in_a_group_the_reply_box_is_for_the_coordinator_who_asked(
    app: App, chat: Chat, fake_api: FakeBotApi
) -> None:
    _goal, indicator_id = await manual_indicator(app)
    await grant(app, COORDINATOR["id"], Role.COORDINATOR)
    await grant(app, MEMBER["id"], Role.MEMBER)
    [asked] = await chat.ask(f"/vpisi {indicator_id}", sender=COORDINATOR, chat_id=COALITION_GROUP)
    assert asked.asks
    assert asked.reply_to is not None, "quoting the coordinator: the box opens for them only"
    assert asked.reply_markup is not None
    assert asked.reply_markup.get("selective")

    before = len(fake_api.messages_to(COALITION_GROUP))
    fake_api.say("3", user=MEMBER, chat_id=COALITION_GROUP, reply_to=asked)  # not theirs
    fake_api.say("ok, hvala", user=MEMBER, chat_id=COALITION_GROUP)  # not to the bot at all
    await chat.settle()
    assert len(fake_api.messages_to(COALITION_GROUP)) == before
    assert await value_of(app, indicator_id) == 0

    fake_api.say("1", user=COORDINATOR, chat_id=COALITION_GROUP, reply_to=asked)
    [echo] = (await fake_api.replies(COALITION_GROUP, before + 1))[before:]
    assert echo.text.startswith(f"Vpisano za kazalnik #{indicator_id}.")
    assert await value_of(app, indicator_id) == 1
