"""Reply -> Telegram HTML: escaping, layout, splitting, button data, menus and retries."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from telegram.error import BadRequest, TimedOut

from bot.adapters.telegram.adapter import menu
from bot.adapters.telegram.limits import ResilientRateLimiter
from bot.adapters.telegram.render import CallbackCommands, keyboard, to_html, units
from bot.i18n import load_translators
from handlers.commands import COMMANDS
from handlers.types import Button, ListItem, Reply
from tests.adapters.telegram.fake_bot_api import parse_html


def visible(reply: Reply, limit: int = 4096) -> list[str]:
    """What a user would read, message by message (the fake parses like Telegram)."""
    return [parse_html(chunk).text.strip() for chunk in to_html(reply, limit)]


def words(text: str) -> str:
    return "".join(text.split())


def test_user_text_is_shown_literally_and_never_breaks_the_markup() -> None:
    title = '<b>Industrija 4.0 & "AI"</b>'
    reply = Reply(title=title, lines=("a < b > c & d &amp; </i>",), footer="<i>x</i>")
    [message] = to_html(reply)
    parsed = parse_html(message)
    assert parsed.text.splitlines()[0] == title
    assert "a < b > c & d &amp; </i>" in parsed.text
    assert parsed.bold == (title,)
    assert parsed.italic == ("<i>x</i>",)


def test_layout_title_bold_items_as_lines_details_indented_footer_italic() -> None:
    reply = Reply(
        title="Dogodki",
        lines=("Uvod",),
        items=(ListItem("Sestanek", ("Kje: Velenje", "#3")), ListItem("Delavnica")),
        footer="Stran 1 od 2",
    )
    [message] = to_html(reply)
    assert message.splitlines() == [
        "<b>Dogodki</b>",
        "Uvod",
        "• Sestanek",
        "    Kje: Velenje",
        "    #3",
        "• Delavnica",
        "",
        "<i>Stran 1 od 2</i>",
    ]


def test_a_long_reply_is_split_between_lines_within_the_limit() -> None:
    items = tuple(ListItem(f"Dogodek {n} & <več>", (f"Kje: Velenje {n}",)) for n in range(400))
    reply = Reply(title="Dogodki", items=items, footer="konec")
    messages = to_html(reply)
    assert len(messages) > 1
    assert all(units(message) <= 4096 for message in messages)
    texts = [parse_html(message).text for message in messages]
    assert all(text.splitlines()[0].startswith(("Dogodki", "• ")) for text in texts)
    assert "\n".join(texts) == parse_html(to_html(reply, 10**9)[0]).text


def test_a_single_line_over_the_limit_is_cut_and_each_piece_keeps_its_tag() -> None:
    title = "Industrija & 4.0 " * 600
    messages = to_html(Reply(title=title))
    assert len(messages) >= 3
    assert all(units(message) <= 4096 for message in messages)
    pieces = [parse_html(message) for message in messages]
    assert all(piece.bold == (piece.text,) for piece in pieces)
    assert "".join(piece.text for piece in pieces) == title


def test_cutting_counts_characters_as_telegram_does() -> None:
    title = "😀" * 3000
    messages = to_html(Reply(title=title))
    assert all(units(message) <= 4096 for message in messages)
    assert "".join(parse_html(message).text for message in messages) == title


texts = st.text(max_size=300)


@settings(max_examples=150, deadline=None)
@given(
    title=texts,
    lines=st.lists(texts, max_size=6),
    items=st.lists(st.tuples(texts, st.lists(texts, max_size=3)), max_size=6),
    footer=texts,
    limit=st.integers(min_value=20, max_value=600),
)
def test_any_reply_renders_to_valid_messages_that_keep_all_the_text(
    title: str,
    lines: list[str],
    items: list[tuple[str, list[str]]],
    footer: str,
    limit: int,
) -> None:
    reply = Reply(
        title=title,
        lines=tuple(lines),
        items=tuple(ListItem(t, tuple(d)) for t, d in items),
        footer=footer,
    )
    messages = to_html(reply, limit)
    assert messages
    assert all(units(message) <= limit for message in messages)
    shown = [parse_html(message).text for message in messages]
    assert words("".join(shown)) in (words(reply.plain_text()), "…")


def test_short_button_data_is_the_command_line_itself() -> None:
    callbacks = CallbackCommands()
    markup = keyboard([Button("Naprej ›", "/events teden page=2")], callbacks.data_for)
    assert markup is not None
    [[button]] = markup.inline_keyboard
    assert button.text == "Naprej ›"
    assert button.callback_data == "/events teden page=2"
    assert callbacks.command_for("/events teden page=2") == "/events teden page=2"


def test_long_button_data_gets_a_short_key_that_leads_back_to_the_command() -> None:
    callbacks = CallbackCommands(size=2)
    long_line = "/events premogovna-regija-in-digitalizacija Šaleška dolina page=2"
    assert len(long_line.encode()) > 64
    key = callbacks.data_for(long_line)
    assert len(key.encode()) <= 64
    assert callbacks.command_for(key) == long_line
    assert callbacks.data_for(long_line) == key
    for other in ("/a " + "x" * 70, "/b " + "y" * 70):
        callbacks.data_for(other)
    assert callbacks.command_for(key) is None
    assert callbacks.command_for("~unknown") is None
    assert callbacks.command_for("not a command") is None


def test_no_buttons_no_keyboard() -> None:
    assert keyboard([], CallbackCommands().data_for) is None


@pytest.mark.parametrize("locale", ["sl", "en"])
def test_menus_have_valid_names_and_descriptions_in_their_language(locale: str) -> None:
    translator = load_translators()[locale]
    commands = menu(translator, slovenian=locale == "sl")
    shown = [spec for spec in COMMANDS if spec.name != "start"]
    assert [c.command for c in commands] == [s.alias if locale == "sl" else s.name for s in shown]
    assert all(1 <= len(c.description) <= 256 for c in commands)
    assert [c.description for c in commands] == [translator.gettext(s.summary) for s in shown]


class Flaky:
    """A request that fails with the given errors, then succeeds."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self) -> dict[str, Any]:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return {"ok": True}


async def test_timeouts_are_retried_with_backoff_a_bounded_number_of_times() -> None:
    limiter = ResilientRateLimiter(tries=3, backoff=0.01)
    await limiter.initialize()
    request = Flaky(TimedOut(), TimedOut())
    assert await limiter.process_request(request, (), {}, "sendMessage", {}, None) == {"ok": True}
    assert request.calls == 3
    request = Flaky(TimedOut(), TimedOut(), TimedOut())
    with pytest.raises(TimedOut):
        await limiter.process_request(request, (), {}, "sendMessage", {}, None)
    assert request.calls == 3


async def test_bad_requests_are_not_retried() -> None:
    limiter = ResilientRateLimiter(tries=3, backoff=0.01)
    request = Flaky(BadRequest("Bad Request: chat not found"))
    with pytest.raises(BadRequest):
        await limiter.process_request(request, (), {}, "sendMessage", {"chat_id": 5}, None)
    assert request.calls == 1


async def test_answers_and_look_ups_never_wait_behind_a_groups_paced_messages() -> None:
    limiter = ResilientRateLimiter()  # Telegram's limits on, as deployed
    await limiter.initialize()
    done: list[str] = []

    def request(name: str) -> Callable[[], Awaitable[dict[str, bool]]]:
        async def call() -> dict[str, bool]:
            done.append(name)
            return {"ok": True}

        return call

    group = {"chat_id": -100200}
    sends = [
        asyncio.ensure_future(
            limiter.process_request(request(f"send {n}"), (), {}, "sendMessage", group, None)
        )
        for n in range(25)  # past the group's burst: the last wait minutes at 20 a minute
    ]
    await asyncio.sleep(0)
    answered = await limiter.process_request(
        request("answer"), (), {}, "answerCallbackQuery", {"callback_query_id": "7"}, None
    )
    looked_up = await limiter.process_request(
        request("member"), (), {}, "getChatMember", {**group, "user_id": 5}, None
    )
    assert answered == looked_up == {"ok": True}
    assert done[-2:] == ["answer", "member"]
    assert "send 24" not in done, "the group's last messages are still paced"
    for waiting in sends:
        waiting.cancel()
    await asyncio.gather(*sends, return_exceptions=True)
    await limiter.shutdown()
