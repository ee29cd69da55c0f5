"""Faults at Telegram's side: 429, 5xx, refused and blocked chats; and the send() API."""

from __future__ import annotations

import pytest

from bot.adapters.telegram import DeliveryFailed, TelegramAdapter
from bot.app import App
from bot.delivery import Sender
from handlers.types import Button, ListItem, Reply
from tests.adapters.telegram.conftest import Chat
from tests.adapters.telegram.fake_bot_api import user
from tests.adapters.telegram.helpers import bind_group, binding_active

# python-telegram-bot itself warns about the future type of RetryAfter.retry_after.
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")


def statuses(chat: Chat, method: str = "sendMessage") -> list[int]:
    return [call.status for call in chat.api.calls_of(method)]


async def test_after_429_the_answer_is_delivered_once_after_the_wait(chat: Chat) -> None:
    chat.api.fail_next("sendMessage", 429, retry_after=1)
    [answer] = await chat.ask("/events", sender=user(7001, language="en"))
    assert "eAlijansa" in answer.text
    refused, delivered = chat.api.calls_of("sendMessage")
    assert (refused.status, delivered.status) == (429, 200)
    assert delivered.at - refused.at >= 1.0
    assert len(chat.api.messages_to(7001)) == 1


async def test_server_errors_are_retried_until_the_answer_gets_through(chat: Chat) -> None:
    chat.api.fail_next("sendMessage", 502)
    chat.api.fail_next("sendMessage", 500)
    [answer] = await chat.ask("/events", sender=user(7002, language="en"))
    assert "eAlijansa" in answer.text
    assert statuses(chat) == [502, 500, 200]


async def test_polling_survives_a_failing_get_updates(chat: Chat) -> None:
    chat.api.fail_next("getUpdates", 502)
    [answer] = await chat.ask("/events", sender=user(7003, language="en"))
    assert "eAlijansa" in answer.text
    assert 502 in statuses(chat, "getUpdates")


async def test_a_blocked_group_is_marked_inactive_and_the_bot_goes_on(app: App, chat: Chat) -> None:
    await bind_group(app, -100900)
    chat.api.block(-100900)
    chat.api.say("/events", user=user(7004), chat_id=-100900)
    await chat.settle()
    assert statuses(chat)[0] == 403
    assert chat.api.messages_to(-100900) == []
    assert await binding_active(app, -100900) is False


async def test_send_posts_a_reply_into_a_chat(chat: Chat, telegram: TelegramAdapter) -> None:
    assert isinstance(telegram, Sender)
    reply = Reply(
        title="Opomnik",
        items=(ListItem("Sestanek & <kava>", ("Kje: Velenje",)),),
        buttons=(Button("Dogodki", "/events"),),
    )
    await telegram.send("telegram:-100901", reply)
    [message] = await chat.api.replies(-100901)
    assert message.text == "Opomnik\n• Sestanek & <kava>\n    Kje: Velenje"
    assert message.bold == ("Opomnik",)
    assert message.buttons == [("Dogodki", "/events")]


async def test_send_splits_a_long_reply_and_keeps_the_buttons_for_the_last_message(
    chat: Chat, telegram: TelegramAdapter
) -> None:
    titles = [f"Dogodek {n} — Industrija 4.0 & <AI>" for n in range(300)]
    items = tuple(ListItem(title, ("Kje: Velenje",)) for title in titles)
    reply = Reply(title="Vsi dogodki", items=items, buttons=(Button("Naprej", "/events page=2"),))
    await telegram.send("telegram:7005", reply)
    messages = chat.api.messages_to(7005)
    assert len(messages) >= 3
    assert all(call.status == 200 for call in chat.api.calls_of("sendMessage"))
    shown = [line.strip() for message in messages for line in message.text.splitlines()]
    expected = ["Vsi dogodki"] + [line for t in titles for line in (f"• {t}", "Kje: Velenje")]
    assert shown == expected
    assert [bool(m.buttons) for m in messages] == [False] * (len(messages) - 1) + [True]


async def test_send_to_a_blocked_chat_fails_permanently_and_marks_it_inactive(
    app: App, chat: Chat, telegram: TelegramAdapter
) -> None:
    await bind_group(app, -100902)
    chat.api.block(-100902)
    with pytest.raises(DeliveryFailed) as failure:
        await telegram.send("telegram:-100902", Reply(lines=("Opomnik",)))
    assert failure.value.permanent
    assert await binding_active(app, -100902) is False


async def test_send_gives_up_after_bounded_retries_and_says_it_may_work_later(
    chat: Chat, telegram: TelegramAdapter
) -> None:
    chat.api.fail_next("sendMessage", 503, times=10)
    with pytest.raises(DeliveryFailed) as failure:
        await telegram.send("telegram:7006", Reply(lines=("Opomnik",)))
    assert not failure.value.permanent
    assert statuses(chat) == [503] * 4


async def test_send_does_not_retry_a_bad_request(chat: Chat, telegram: TelegramAdapter) -> None:
    chat.api.fail_next("sendMessage", 400, description="Bad Request: chat not found")
    with pytest.raises(DeliveryFailed) as failure:
        await telegram.send("telegram:7007", Reply(lines=("Opomnik",)))
    assert failure.value.permanent
    assert "chat not found" in str(failure.value).lower()
    assert statuses(chat) == [400]


async def test_send_refuses_a_chat_of_another_platform(telegram: TelegramAdapter) -> None:
    with pytest.raises(DeliveryFailed) as failure:
        await telegram.send("slack:T1:C1", Reply(lines=("Opomnik",)))
    assert failure.value.permanent


async def test_a_group_that_becomes_a_supergroup_keeps_its_coalition(app: App, chat: Chat) -> None:
    await bind_group(app, -100910)
    chat.api.upgrade(-100910, -1009100000001)
    await chat.api.wait_for(lambda: chat.api.confirmed >= 2)
    await chat.settle()
    assert await binding_active(app, -1009100000001) is True
    assert await binding_active(app, -100910) is None
    chat.api.say("/events", user=user(7010, language="en"), chat_id=-1009100000001)
    [answer] = await chat.api.replies(-1009100000001)
    assert "eAlijansa" in answer.text, "answered with the coalition's data, not 'not bound'"


async def test_a_reminder_to_an_upgraded_group_arrives_at_its_new_id(
    app: App, chat: Chat, telegram: TelegramAdapter
) -> None:
    await bind_group(app, -100911)
    chat.api.upgrade(-100911, -1009110000001, announce=False)
    await telegram.send("telegram:-100911", Reply(title="Opomnik: Sestanek jutri ob 10.00"))
    [reminder] = chat.api.messages_to(-1009110000001)
    assert "Opomnik" in reminder.text
    assert statuses(chat) == [400, 200]
    assert await binding_active(app, -1009110000001) is True
    assert await binding_active(app, -100911) is None


async def test_after_429_a_buttons_answer_is_given_once_after_the_wait(chat: Chat) -> None:
    reader = user(7010, language="en")
    [listing] = await chat.ask("/events", sender=reader)
    chat.api.fail_next("answerCallbackQuery", 429, retry_after=1)
    query = chat.api.press(listing, "/events page=1", user=reader)
    await chat.api.wait_for(lambda: len(chat.api.callback_answers) == 1)
    refused, answered = chat.api.calls_of("answerCallbackQuery")
    assert (refused.status, answered.status) == (429, 200)
    assert answered.at - refused.at >= 1.0
    assert chat.api.callback_answers[0]["callback_query_id"] == query
