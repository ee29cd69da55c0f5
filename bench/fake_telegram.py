"""A minimal, fast fake Telegram Bot API on 127.0.0.1 for the benchmarks that run a real bot.

It serves what a python-telegram-bot Application calls from start-up to shutdown (getMe,
deleteWebhook, setMyCommands, getUpdates by long polling, sendMessage, editMessageText,
answerCallbackQuery, getChatMember) with no rate limits and no validation beyond what
the figures need. Updates are queued as pre-serialized JSON, so serving them costs little.

An update counts as answered when a sendMessage quotes its message (`reply_parameters`):
every group message is given the message_id of its update_id, so quotes identify updates,
and messages the bot posts on its own (reminders) are counted apart. Times are
`time.perf_counter()` in the process that runs the fake.

Each update's round trip (from its offer to the first sendMessage quoting it) is kept in
`round_trips`, and `round_trip(update)` offers one update and waits for that answer. Every
look-up is by message_id in a dict or set: an answer costs the same however many messages
came before it.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

TOKEN = "4242:BENCHMARK"
BOT_ID = 4242
BOT_USERNAME = "coalition_bench_bot"
ME: dict[str, Any] = {
    "id": BOT_ID,
    "is_bot": True,
    "first_name": "Coalition",
    "username": BOT_USERNAME,
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
SAMPLES = 3
"""Answer texts kept to show what the bot said."""
MAX_POLL_SECONDS = 60.0


@dataclass(frozen=True)
class Update:
    """An update ready to serve: its id, its message's id, and its JSON."""

    update_id: int
    message_id: int
    body: bytes


def command_update(
    update_id: int, text: str, *, chat_id: int, user_id: int, language: str | None
) -> Update:
    """A message with a leading bot command typed by a user in a supergroup or private chat."""
    sender: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": "Bench"}
    if language:
        sender["language_code"] = language
    chat: dict[str, Any] = (
        {"id": chat_id, "type": "private", "first_name": "Bench"}
        if chat_id > 0
        else {"id": chat_id, "type": "supergroup", "title": "Koalicija"}
    )
    command = text.split(maxsplit=1)[0]
    body = {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": chat,
            "from": sender,
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(command)}],
        },
    }
    return Update(update_id, update_id, json.dumps(body, ensure_ascii=False).encode())


@dataclass(frozen=True)
class Posted:
    """A message the bot sent with buttons: what Telegram shows under a press of one."""

    message_id: int
    text: str
    reply_markup: dict[str, Any]

    @property
    def buttons(self) -> list[str]:
        """The callback data of its buttons, row by row."""
        rows = self.reply_markup.get("inline_keyboard", [])
        return [str(button.get("callback_data", "")) for row in rows for button in row]


def callback_update(
    update_id: int,
    data: str,
    *,
    chat_id: int,
    message_id: int,
    user_id: int,
    language: str | None,
    shown: Posted | None = None,
) -> Update:
    """A press of a button with `data` under the bot's message `message_id` in a group, by a
    user; its callback query's id is the update's id. Given the message as posted, the press
    carries its text and buttons, as Telegram's does."""
    sender: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": f"Bench {user_id}"}
    if language:
        sender["language_code"] = language
    body = {
        "update_id": update_id,
        "callback_query": {
            "id": str(update_id),
            "from": sender,
            "chat_instance": str(chat_id),
            "data": data,
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "supergroup", "title": "Koalicija"},
                "from": ME,
                "text": shown.text if shown is not None else "Koalicija",
                **({"reply_markup": shown.reply_markup} if shown is not None else {}),
            },
        },
    }
    return Update(update_id, -update_id, json.dumps(body, ensure_ascii=False).encode())


class FakeTelegram:
    """`await start()`, give a bot `base_url` and TOKEN, `offer()` updates, await `answered()`."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._queue: deque[Update] = deque()
        self._arrived = asyncio.Event()
        self._waiting: set[int] = set()
        self._all_answered = asyncio.Event()
        self.reset()

    def reset(self) -> None:
        """Forgets queued updates and figures: for the next bot process."""
        self._queue.clear()
        self._waiting.clear()
        self._all_answered = asyncio.Event()
        self.offered_at: float | None = None
        self.first_answer_at: float | None = None
        self.last_answer_at: float | None = None
        self.answered = 0
        self.other_messages = 0
        self.messages = 0
        self.polls = 0
        self.calls: dict[str, int] = {}
        self.first_call_at: dict[str, float] = {}
        self.unknown: dict[str, int] = {}
        self.samples: list[str] = []
        self.round_trips: dict[int, float] = {}
        """Seconds from an update's offer to the sendMessage quoting it, by message_id."""
        self.last_answer = ""
        """The text of the last answer that quoted an offered update."""
        self.query_round_trips: dict[str, float] = {}
        """Seconds from a button press's offer to the answerCallbackQuery ending it, by the
        callback query's id."""
        self.query_texts: dict[str, str] = {}
        """What the answerCallbackQuery said, by the callback query's id."""
        self.query_alerts = 0
        """Callback queries answered with an alert (a refusal)."""
        self.queries_answered = asyncio.Event()
        self._queries: dict[str, float] = {}
        self._offered: dict[int, float] = {}
        self._answers: dict[int, asyncio.Future[float]] = {}
        self._message_ids = 0
        self.with_buttons: dict[int, Posted] = {}
        """The last message sent with buttons, by chat."""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_url(self) -> str:
        """The Bot API prefix the token is appended to (python-telegram-bot's base_url)."""
        return f"http://{self.host}:{self.port}/bot"

    def offer(self, updates: Sequence[Update]) -> None:
        """Queues updates for getUpdates and starts the clock at the first offer."""
        now = time.perf_counter()
        if self.offered_at is None:
            self.offered_at = now
        self._queue.extend(updates)
        for update in updates:
            self._offered[update.message_id] = now
        self._waiting.update(u.message_id for u in updates)
        self._all_answered.clear()
        self._arrived.set()

    def press(self, update: Update) -> None:
        """Queues a button press (`callback_update`); its round trip ends at the
        answerCallbackQuery for it."""
        self._queries[str(update.update_id)] = time.perf_counter()
        self.queries_answered.clear()
        self._queue.append(update)
        self._arrived.set()

    @property
    def presses_pending(self) -> int:
        """Presses offered whose callback query is not answered yet."""
        return len(self._queries)

    async def answered_all(self, seconds: float) -> None:
        """Waits until every offered update is answered; TimeoutError after `seconds`."""
        async with asyncio.timeout(seconds):
            await self._all_answered.wait()

    async def round_trip(self, update: Update, seconds: float) -> float:
        """Offers one update and waits for the answer quoting it: its round trip in seconds
        (TimeoutError after `seconds`)."""
        answer: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._answers[update.message_id] = answer
        self.offer([update])
        try:
            async with asyncio.timeout(seconds):
                return await answer
        finally:
            self._answers.pop(update.message_id, None)

    @property
    def pending(self) -> int:
        """Offered updates not answered yet."""
        return len(self._waiting)

    def answered_at(self) -> float:
        """When the last answer came in."""
        if self.last_answer_at is None:
            raise RuntimeError("nothing was answered")
        return self.last_answer_at

    def elapsed(self) -> float:
        """Seconds from the first offer to the last answer."""
        if self.offered_at is None:
            raise RuntimeError("nothing was offered")
        return self.answered_at() - self.offered_at

    def rate(self) -> float:
        """Updates answered per second, from the first offer to the last answer."""
        return self.answered / self.elapsed()

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != TOKEN:
            return _failure(401, "Unauthorized")
        method = request.match_info["method"]
        self.calls[method] = self.calls.get(method, 0) + 1
        self.first_call_at.setdefault(method, time.perf_counter())
        params = await _params(request)
        if method == "sendMessage":
            return _success(self._send_message(params))
        if method == "getUpdates":
            return await self._get_updates(params)
        if method == "editMessageText":
            return _success(self._message(int(params["chat_id"]), str(params.get("text", ""))))
        if method == "getMe":
            return _success(ME)
        if method == "getChatMember":
            user_id = int(params["user_id"])
            user = ME if user_id == BOT_ID else {"id": user_id, "is_bot": False, "first_name": "U"}
            return _success({"user": user, "status": "member"})
        if method == "answerCallbackQuery":
            self._answer_query(params)
            return _success(True)
        if method in ("setMyCommands", "deleteWebhook", "close"):
            return _success(True)
        self.unknown[method] = self.unknown.get(method, 0) + 1
        return _failure(404, "Not Found: method not found")

    async def _get_updates(self, params: dict[str, str]) -> web.Response:
        self.polls += 1
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = min(float(params.get("timeout") or 0), MAX_POLL_SECONDS)
        while self._queue and self._queue[0].update_id < offset:
            self._queue.popleft()
        if not self._queue and timeout > 0:
            self._arrived.clear()
            try:
                async with asyncio.timeout(timeout):
                    await self._arrived.wait()
            except TimeoutError:
                pass
        batch = [self._queue[i].body for i in range(min(limit, len(self._queue)))]
        body = b'{"ok":true,"result":[' + b",".join(batch) + b"]}"
        return web.Response(body=body, content_type="application/json")

    def _answer_query(self, params: dict[str, str]) -> None:
        query_id = str(params.get("callback_query_id", ""))
        offered = self._queries.pop(query_id, None)
        if offered is not None:
            self.query_round_trips[query_id] = time.perf_counter() - offered
            self.query_texts[query_id] = str(params.get("text", ""))
            if str(params.get("show_alert", "")).lower() in ("true", "1"):
                self.query_alerts += 1
            if not self._queries:
                self.queries_answered.set()

    def _send_message(self, params: dict[str, str]) -> dict[str, Any]:
        now = time.perf_counter()
        self.messages += 1
        chat_id = int(params["chat_id"])
        text = str(params.get("text", ""))
        quoted = (
            json.loads(params["reply_parameters"]).get("message_id")
            if ("reply_parameters" in params)
            else None
        )
        if quoted is not None and quoted in self._waiting:
            self._waiting.discard(quoted)
            offered = self._offered.pop(quoted, None)
            if offered is not None:
                self.round_trips[quoted] = now - offered
                answer = self._answers.pop(quoted, None)
                if answer is not None and not answer.done():
                    answer.set_result(now - offered)
            self.answered += 1
            self.first_answer_at = self.first_answer_at or now
            self.last_answer_at = now
            self.last_answer = text
            if len(self.samples) < SAMPLES:
                self.samples.append(text)
            if not self._waiting:
                self._all_answered.set()
        elif quoted is None:
            self.other_messages += 1
        message = self._message(chat_id, text)
        if "reply_markup" in params:
            markup = json.loads(params["reply_markup"])
            self.with_buttons[chat_id] = Posted(message["message_id"], text, markup)
        return message

    def _message(self, chat_id: int, text: str) -> dict[str, Any]:
        self._message_ids += 1
        chat: dict[str, Any] = (
            {"id": chat_id, "type": "private", "first_name": "Bench"}
            if chat_id > 0
            else {"id": chat_id, "type": "supergroup", "title": "Koalicija"}
        )
        return {
            "message_id": 1_000_000_000 + self._message_ids,
            "date": int(time.time()),
            "chat": chat,
            "from": ME,
            "text": text,
        }


async def _params(request: web.Request) -> dict[str, str]:
    """The call's parameters, from a form-encoded or JSON body or the query string."""
    if request.method != "POST" or not request.can_read_body:
        return dict(request.query)
    raw = await request.read()
    if request.content_type == "application/json":
        loaded = json.loads(raw)
        return {k: v if isinstance(v, str) else json.dumps(v) for k, v in loaded.items()}
    return dict(parse_qsl(raw.decode()))


def _success(result: object) -> web.Response:
    return web.Response(
        body=json.dumps({"ok": True, "result": result}, ensure_ascii=False).encode(),
        content_type="application/json",
    )


def _failure(status: int, description: str) -> web.Response:
    body = {"ok": False, "error_code": status, "description": description}
    return web.json_response(body, status=status)
