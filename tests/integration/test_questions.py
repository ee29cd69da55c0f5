"""Questions put to a person in a chat (the value a record button asks for), on SQLite and
PostgreSQL: the next message there answers it, within 15 minutes; a new question replaces
the old; a refused answer leaves it open, any other reply closes it."""

from __future__ import annotations

from datetime import timedelta

from bot.app import App
from handlers.types import ChatKind, IncomingCommand
from models.entities import Role
from tests.conftest import FakeClock
from tests.support import as_role

CHAT = "telegram:5005"


async def test_a_question_waits_fifteen_minutes_and_a_new_one_replaces_it(
    any_app: App, clock: FakeClock
) -> None:
    questions = any_app.services.questions
    await questions.ask("telegram:5005", CHAT, "/record 3")
    await questions.ask("telegram:5005", CHAT, "/record 4")
    assert await questions.open("telegram:5005", CHAT) == "/record 4"
    assert await questions.open("telegram:5005", "telegram:-1") is None, "one chat's only"
    assert await questions.open("telegram:6006", CHAT) is None, "one person's only"
    clock.now += timedelta(minutes=15, seconds=1)
    assert await questions.open("telegram:5005", CHAT) is None
    await questions.ask("telegram:5005", CHAT, "/record 4")
    await questions.settle("telegram:5005", CHAT)
    assert await questions.open("telegram:5005", CHAT) is None


def said(user: str, text: str) -> IncomingCommand:
    return IncomingCommand(user, CHAT, ChatKind.PRIVATE, "", args=text, coalition="sasa")


async def test_an_answer_runs_the_command_it_completes(any_app: App) -> None:
    who = await as_role(any_app, "5005", Role.COORDINATOR)
    goals = any_app.services.goals
    goal = await goals.add_goal("sasa", who, title="Udeležba")
    indicator = await goals.add_indicator("sasa", who, goal.id, title="Udeleženci", target=10)
    dispatcher = any_app.dispatcher
    assert await dispatcher.answer(said(who, "3")) is None, "nothing was asked"

    await dispatcher.chats.asked(who, CHAT, f"/record {indicator.id}")
    refused = await dispatcher.answer(said(who, "tri"))
    assert refused is not None
    assert refused.is_error
    assert refused.field == "value"
    assert (await goals.indicator("sasa", indicator.id)).value is None

    recorded = await dispatcher.answer(said(who, "3 | na delavnici"))
    assert recorded is not None
    assert not recorded.is_error
    assert (await goals.indicator("sasa", indicator.id)).value == 3
    assert await dispatcher.answer(said(who, "4")) is None, "answered: closed"
