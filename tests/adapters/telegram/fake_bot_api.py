"""A fake Telegram Bot API on 127.0.0.1: validates like Telegram, records what users see.

It serves the methods the adapter calls (getMe, getUpdates long polling, sendMessage,
sendPhoto (multipart; the picture kept as bytes, its caption at most 1024 characters),
sendDocument (multipart; the file and its name kept), getFile and the file download
(`/file/bot<token>/<path>`, for documents users send with `send_file`), editMessageText,
answerCallbackQuery, setMyCommands, setWebhook, deleteWebhook, getChatMember), refuses what
Telegram refuses (text over 4096 characters, HTML it cannot parse, callback_data over 64
bytes, bad command menus), fails on demand: 429 with retry_after, 5xx, and 403 for chats
that blocked the bot, and holds a chat's messages unanswered until released.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from aiohttp import web

TOKEN = "123:TEST"
BOT_ID = 999000
BOT_USERNAME = "coalition_test_bot"
ALLOWED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "a",
    "code",
    "pre",
    "blockquote",
    "tg-spoiler",
}
ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
COMMAND = re.compile(r"^/[A-Za-z0-9_]{1,64}(@[A-Za-z0-9_]{3,32})?")
JSON_FIELDS = {
    "reply_markup",
    "reply_parameters",
    "link_preview_options",
    "commands",
    "scope",
    "allowed_updates",
    "entities",
}
MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64
ADMIN_RIGHTS = {
    right: right != "can_be_edited"
    for right in (
        "can_be_edited",
        "can_manage_chat",
        "can_delete_messages",
        "can_manage_video_chats",
        "can_restrict_members",
        "can_promote_members",
        "can_change_info",
        "can_invite_users",
        "can_post_stories",
        "can_edit_stories",
        "can_delete_stories",
        "can_post_messages",
        "can_edit_messages",
    )
}
"""What an administrator may do, as getChatMember says (everything, in the fake)."""


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        description: str,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after
        self.migrate_to_chat_id = migrate_to_chat_id


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class TelegramHtml(HTMLParser):
    """Parses text the way Telegram's HTML parse mode does, or records why it cannot."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.parts: list[str] = []
        self.bold: list[str] = []
        self.italic: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.errors.append(f'Unsupported start tag "{tag}"')
        self.stack.append(tag)
        if tag in ("b", "strong"):
            self.bold.append("")
        if tag in ("i", "em"):
            self.italic.append("")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.errors.append(f'Unsupported start tag "{tag}/"')

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f'Unexpected end tag "{tag}"')
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        for char in "<>&":
            if char in data:
                self.errors.append(f"Unexpected character {char!r} in text")
        self._text(data)

    def handle_entityref(self, name: str) -> None:
        if name not in ENTITIES:
            self.errors.append(f"Unsupported entity &{name};")
            return
        self._text(ENTITIES[name])

    def handle_charref(self, name: str) -> None:
        try:
            self._text(chr(int(name[1:], 16) if name[:1] in "xX" else int(name)))
        except ValueError:
            self.errors.append(f"Bad character reference &#{name};")

    def handle_comment(self, data: str) -> None:
        self.errors.append("Comments are not supported")

    def handle_decl(self, decl: str) -> None:
        self.errors.append("Declarations are not supported")

    def handle_pi(self, data: str) -> None:
        self.errors.append("Processing instructions are not supported")

    def unknown_decl(self, data: str) -> None:
        self.errors.append("Declarations are not supported")

    def _text(self, text: str) -> None:
        self.parts.append(text)
        if any(tag in ("b", "strong") for tag in self.stack):
            self.bold[-1] += text
        if any(tag in ("i", "em") for tag in self.stack):
            self.italic[-1] += text


@dataclass(frozen=True)
class Parsed:
    text: str
    bold: tuple[str, ...]
    italic: tuple[str, ...]


def parse_html(markup: str) -> Parsed:
    """The visible text of Telegram HTML; ApiError(400) where Telegram would refuse it."""
    parser = TelegramHtml()
    parser.feed(markup)
    parser.close()
    if parser.stack:
        parser.errors.append(f'Can\'t find end tag corresponding to start tag "{parser.stack[-1]}"')
    if parser.errors:
        raise ApiError(400, f"Bad Request: can't parse entities: {parser.errors[0]}")
    return Parsed("".join(parser.parts), tuple(parser.bold), tuple(parser.italic))


@dataclass
class Sent:
    """A message as a user sees it (and as it was sent)."""

    chat_id: int
    message_id: int
    text: str
    html: str
    bold: tuple[str, ...] = ()
    italic: tuple[str, ...] = ()
    reply_markup: dict[str, Any] | None = None
    reply_to: int | None = None
    edits: int = 0
    thread: int | None = None
    """The forum topic the message is in (None: the chat's General topic or no topics)."""
    photo: bytes | None = None
    """The picture of a sendPhoto, as uploaded (the text is then its caption)."""
    document: bytes | None = None
    """The file of a sendDocument, as uploaded (the text is then its caption)."""
    document_name: str = ""
    """The file name a sendDocument gave its file."""

    @property
    def asks(self) -> bool:
        """The message opens a reply box (force_reply) for its answer."""
        return bool((self.reply_markup or {}).get("force_reply"))

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """(label, callback_data) of every inline button, row by row."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [(b["text"], b.get("callback_data", "")) for row in rows for b in row]


@dataclass(frozen=True)
class Call:
    method: str
    params: dict[str, Any]
    status: int
    at: float


@dataclass
class Fault:
    status: int
    retry_after: int | None = None
    description: str = ""


@dataclass
class FakeBotApi:
    """The fake server. `start()` it, hand `base_url` to the bot, `push()` updates, read `sent`."""

    token: str = TOKEN
    host: str = "127.0.0.1"
    port: int = 0
    sent: list[Sent] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    callback_answers: list[dict[str, Any]] = field(default_factory=list)
    menus: dict[str | None, list[dict[str, str]]] = field(default_factory=dict)
    webhook: dict[str, Any] | None = None
    blocked: set[int] = field(default_factory=set)
    upgraded: dict[int, int] = field(default_factory=dict)
    """Groups that became supergroups: old id -> new id."""
    members: dict[int, dict[int, dict[str, Any]]] = field(default_factory=dict)
    """chat id -> user id -> the ChatMember getChatMember answers. A group listed here has
    exactly these members (anyone else has left); in a group not listed everyone is a member."""
    refusing: dict[int, tuple[int, str]] = field(default_factory=dict)
    """Chats where sendMessage is refused: chat id -> (status, description)."""
    held: set[int] = field(default_factory=set)
    """Chats where sendMessage waits, unanswered, until `release` (a Telegram slow to take
    that chat's messages)."""

    def __post_init__(self) -> None:
        self._pending: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids: defaultdict[int, itertools.count[int]] = defaultdict(
            lambda: itertools.count(1)
        )
        self._faults: defaultdict[str, deque[Fault]] = defaultdict(deque)
        self._changed = asyncio.Condition()
        self._chats: dict[int, dict[str, Any]] = {}
        self._topics: dict[tuple[int, int], int] = {}
        self._runner: web.AppRunner | None = None
        self.confirmed = 0
        """Updates up to this id were fetched by the bot (it asked for the ones after them)."""
        self.last_pushed = 0
        self.polls = 0
        self.holding = 0
        """sendMessage requests waiting in a held chat."""
        """How many getUpdates requests have come in (answered or still waiting)."""
        self.user_files: dict[str, bytes] = {}
        """Documents users sent (file_id -> content), served by getFile and the download."""
        self.downloads: list[str] = []
        """The file paths the bot downloaded, in order."""

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        app.router.add_get("/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        """The Bot API prefix the token is appended to, as python-telegram-bot's base_url."""
        return f"http://{self.host}:{self.port}/bot"

    # -- what the test does ------------------------------------------------------------------

    def push(self, update: dict[str, Any]) -> int:
        """Queues an update for getUpdates; returns its update_id."""
        update = {"update_id": next(self._update_ids), **update}
        self.last_pushed = int(update["update_id"])
        self._pending.append(update)
        asyncio.get_running_loop().create_task(self._notify())
        return int(update["update_id"])

    def numbered(self, update: dict[str, Any]) -> dict[str, Any]:
        """An update with the next update_id, for delivering by webhook instead of polling."""
        return {"update_id": next(self._update_ids), **update}

    def fail_next(
        self,
        method: str,
        status: int,
        *,
        retry_after: int | None = None,
        description: str = "",
        times: int = 1,
    ) -> None:
        """The next `times` calls of `method` fail with `status` (429 carries retry_after)."""
        for _ in range(times):
            self._faults[method].append(Fault(status, retry_after, description))

    def block(self, chat_id: int) -> None:
        """The chat blocked the bot (or removed it): sending there answers 403."""
        self.blocked.add(chat_id)

    def hold(self, chat_id: int) -> None:
        """sendMessage to the chat waits from now on, until `release`."""
        self.held.add(chat_id)

    async def release(self, chat_id: int) -> None:
        """The held messages to the chat go through."""
        self.held.discard(chat_id)
        await self._notify()

    def upgrade(self, old_chat_id: int, new_chat_id: int, *, announce: bool = True) -> None:
        """The group becomes a supergroup with a new id: sending to the old id answers 400 with
        migrate_to_chat_id; `announce` pushes the service messages Telegram sends in both."""
        self.upgraded[old_chat_id] = new_chat_id
        if announce:
            admin = {"id": 9, "is_bot": False, "first_name": "Admin"}
            old = {**self.chat(old_chat_id), "type": "group"}
            moved = {"message_id": 1, "date": int(time.time()), "chat": old, "from": admin}
            self.push({"message": {**moved, "migrate_to_chat_id": new_chat_id}})
            arrived = {**moved, "chat": self.chat(new_chat_id), "migrate_from_chat_id": old_chat_id}
            self.push({"message": arrived})

    def set_member(self, chat_id: int, person: dict[str, Any], status: str, **extra: Any) -> None:
        """What getChatMember (and getChatAdministrators) say about `person` in the chat."""
        rights = ADMIN_RIGHTS if status == "administrator" else {}
        if status in ("administrator", "creator"):
            rights = {**rights, "is_anonymous": False}
        self.members.setdefault(chat_id, {})[int(person["id"])] = {
            "user": person,
            "status": status,
            **rights,
            **extra,
        }

    def channel_post(
        self, text: str, *, chat_id: int, signature: str | None = None, title: str = "Novice"
    ) -> dict[str, Any]:
        """A post in a channel as Telegram sends it: no sender, the channel as sender_chat,
        and the admin's name as author_signature when the channel signs its posts."""
        channel = {"id": chat_id, "type": "channel", "title": title}
        self._chats[chat_id] = channel
        body = self.message(text, chat_id=chat_id, user={})
        del body["from"]
        body["sender_chat"] = channel
        if signature is not None:
            body["author_signature"] = signature
        return body

    def messages_to(self, chat_id: int) -> list[Sent]:
        return [message for message in self.sent if message.chat_id == chat_id]

    def calls_of(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    async def wait_for(self, condition: Callable[[], bool], seconds: float = 10.0) -> None:
        """Waits until `condition` holds (checked whenever the server did something)."""
        async with asyncio.timeout(seconds), self._changed:
            await self._changed.wait_for(condition)

    async def replies(self, chat_id: int, count: int = 1, seconds: float = 10.0) -> list[Sent]:
        """Waits until `chat_id` has `count` messages in all, and returns them."""
        await self.wait_for(lambda: len(self.messages_to(chat_id)) >= count, seconds)
        return self.messages_to(chat_id)

    # -- building updates --------------------------------------------------------------------

    def chat(self, chat_id: int, title: str = "Koalicija") -> dict[str, Any]:
        if chat_id not in self._chats:
            self._chats[chat_id] = (
                {"id": chat_id, "type": "private", "first_name": f"User {chat_id}"}
                if chat_id > 0
                else {"id": chat_id, "type": "supergroup", "title": title}
            )
        return self._chats[chat_id]

    def message(
        self,
        text: str,
        *,
        chat_id: int,
        user: dict[str, Any],
        message_id: int | None = None,
        topic: int | None = None,
        reply_to: Sent | None = None,
    ) -> dict[str, Any]:
        """A message as Telegram sends it, with a bot_command entity for a leading command;
        in the forum topic `topic` when given; a reply to the bot's message `reply_to`."""
        body: dict[str, Any] = {
            "message_id": message_id or next(self._message_ids[chat_id]),
            "date": int(time.time()),
            "chat": self.chat(chat_id),
            "from": user,
            "text": text,
        }
        command = COMMAND.match(text)
        if command:
            length = utf16_length(command.group(0))
            body["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        if reply_to is not None:
            body["reply_to_message"] = self._as_message(reply_to)
        if topic is not None:
            body["chat"] = {**body["chat"], "is_forum": True}
            body["message_thread_id"] = topic
            body["is_topic_message"] = True
            self._topics[chat_id, body["message_id"]] = topic
        return body

    def say(
        self,
        text: str,
        *,
        user: dict[str, Any],
        chat_id: int | None = None,
        reply_to: Sent | None = None,
    ) -> int:
        """`user` types `text` in `chat_id` (their private chat when None), in reply to the
        bot's message `reply_to` when given."""
        chat = user["id"] if chat_id is None else chat_id
        message = self.message(text, chat_id=chat, user=user, reply_to=reply_to)
        return self.push({"message": message})

    def send_file(
        self,
        name: str,
        content: bytes,
        *,
        user: dict[str, Any],
        chat_id: int | None = None,
        caption: str = "",
        size: int | None = None,
    ) -> int:
        """`user` sends a document (in their private chat when `chat_id` is None); `size` is
        the file size Telegram reports (the content's length unless given)."""
        chat = user["id"] if chat_id is None else chat_id
        file_id = f"upload{len(self.user_files) + 1}"
        self.user_files[file_id] = content
        message = self.message(caption, chat_id=chat, user=user)
        del message["text"]
        message.pop("entities", None)
        if caption:
            message["caption"] = caption
            command = COMMAND.match(caption)
            if command:
                length = utf16_length(command.group(0))
                message["caption_entities"] = [
                    {"type": "bot_command", "offset": 0, "length": length}
                ]
        message["document"] = {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_name": name,
            "mime_type": "text/csv" if name.endswith(".csv") else "application/octet-stream",
            "file_size": len(content) if size is None else size,
        }
        return self.push({"message": message})

    def press(self, message: Sent, data: str, *, user: dict[str, Any]) -> str:
        """`user` presses the button with `data` under a message the bot sent; the query id."""
        query_id = f"q{next(self._update_ids)}"
        shown = self._as_message(message)
        self.push(
            {
                "callback_query": {
                    "id": query_id,
                    "from": user,
                    "chat_instance": str(message.chat_id),
                    "message": shown,
                    "data": data,
                }
            }
        )
        return query_id

    def bot_added(self, chat_id: int, *, by: dict[str, Any], title: str = "Koalicija") -> int:
        """The update Telegram sends when someone adds the bot to a group."""
        return self._my_status(chat_id, by, title, {"status": "left"}, {"status": "member"})

    def bot_removed(self, chat_id: int, *, by: dict[str, Any]) -> int:
        """The update Telegram sends when someone removes (bans) the bot from a group."""
        banned = {"status": "kicked", "until_date": 0}
        return self._my_status(chat_id, by, "Koalicija", {"status": "member"}, banned)

    def _my_status(
        self,
        chat_id: int,
        by: dict[str, Any],
        title: str,
        old: dict[str, Any],
        new: dict[str, Any],
    ) -> int:
        return self.push(
            {
                "my_chat_member": {
                    "chat": self.chat(chat_id, title),
                    "from": by,
                    "date": int(time.time()),
                    "old_chat_member": {"user": self.me(), **old},
                    "new_chat_member": {"user": self.me(), **new},
                }
            }
        )

    def bot_joined_message(self, chat_id: int, *, by: dict[str, Any]) -> int:
        """The service message "X added the bot" that comes with my_chat_member."""
        message = self.message("", chat_id=chat_id, user=by)
        del message["text"]
        message["new_chat_members"] = [self.me()]
        return self.push({"message": message})

    def me(self) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Coalition",
            "username": BOT_USERNAME,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    # -- the server --------------------------------------------------------------------------

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return self._error(ApiError(401, "Unauthorized"))
        method = request.match_info["method"]
        params = await self._params(request)
        status = 200
        try:
            fault = self._faults[method].popleft() if self._faults[method] else None
            if fault is not None:
                raise ApiError(
                    fault.status, fault.description or _phrase(fault.status), fault.retry_after
                )
            handler = getattr(self, f"_api_{method}", None)
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            result = await handler(params)
        except ApiError as error:
            status = error.status
            response = self._error(error)
        else:
            response = web.json_response({"ok": True, "result": result})
        self.calls.append(Call(method, params, status, time.monotonic()))
        await self._notify()
        return response

    @staticmethod
    async def _params(request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            # as a form would carry them: every value as text, objects as JSON text
            raw: dict[str, Any] = {
                key: value if isinstance(value, str) else json.dumps(value)
                for key, value in (await request.json()).items()
            }
        else:
            form = await request.post() if request.method == "POST" else request.query
            raw = {key: value for key, value in form.items() if isinstance(value, str)}
            raw.update(
                {key: value.file.read() for key, value in form.items() if hasattr(value, "file")}
            )
            raw.update(  # an upload's file name, as `<field>_filename`
                {
                    f"{key}_filename": value.filename
                    for key, value in form.items()
                    if hasattr(value, "file")
                }
            )
        return {
            key: json.loads(value) if key in JSON_FIELDS and isinstance(value, str) else value
            for key, value in raw.items()
        }

    @staticmethod
    def _error(error: ApiError) -> web.Response:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": error.status,
            "description": error.description,
        }
        if error.retry_after is not None:
            body["parameters"] = {"retry_after": error.retry_after}
        if error.migrate_to_chat_id is not None:
            body["parameters"] = {"migrate_to_chat_id": error.migrate_to_chat_id}
        return web.json_response(body, status=error.status)

    async def _api_getFile(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = str(params.get("file_id", ""))
        content = self.user_files.get(file_id)
        if content is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        if len(content) > 20 * 1024 * 1024:
            raise ApiError(400, "Bad Request: file is too big")
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": len(content),
            "file_path": f"documents/{file_id}",
        }

    async def _download(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        path = request.match_info["path"]
        content = self.user_files.get(path.removeprefix("documents/"))
        if content is None:
            return web.Response(status=404)
        self.downloads.append(path)
        await self._notify()
        return web.Response(body=content)

    async def _api_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.me()

    async def _api_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        if offset:
            self.confirmed = max(self.confirmed, offset - 1)
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        self.polls += 1
        await self._notify()
        if not self._pending and timeout > 0:
            with contextlib.suppress(TimeoutError):
                await self.wait_for(lambda: bool(self._pending), timeout)
        return self._pending[:limit]

    async def _api_deleteWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = None
        return True

    async def _api_setWebhook(self, params: dict[str, Any]) -> bool:
        if not str(params.get("url", "")).startswith("https://"):
            raise ApiError(400, "Bad Request: bad webhook: HTTPS url must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        self.webhook = params
        return True

    async def _api_setMyCommands(self, params: dict[str, Any]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise ApiError(400, "Bad Request: commands must be a list of at most 100")
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", command.get("command", "")):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(command.get("description", "").strip()) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        self.menus[params.get("language_code") or None] = commands
        return True

    async def _api_getChatMember(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id, user_id = int(params["chat_id"]), int(params["user_id"])
        known = self.members.get(chat_id, {}).get(user_id)
        if known is not None:
            return known
        user = (
            self.me() if user_id == BOT_ID else {"id": user_id, "is_bot": False, "first_name": "U"}
        )
        if chat_id in self.blocked:
            raise ApiError(400, "Bad Request: chat not found")
        inside = (
            user_id == BOT_ID or chat_id not in self.members or user_id in self.members[chat_id]
        )
        return {"user": user, "status": "member" if inside else "left"}

    async def _api_getChatAdministrators(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        known = self.members.get(int(params["chat_id"]), {}).values()
        return [m for m in known if m["status"] in ("creator", "administrator")]

    async def _api_answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        if len(params.get("text") or "") > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        self.callback_answers.append(params)
        return True

    async def _api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        if chat_id in self.held:
            self.holding += 1
            await self._notify()
            try:
                await self.wait_for(lambda: chat_id not in self.held, 600)
            finally:
                self.holding -= 1
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if chat_id in self.refusing:
            raise ApiError(*self.refusing[chat_id])
        if chat_id in self.upgraded:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                migrate_to_chat_id=self.upgraded[chat_id],
            )
        parsed = self._check(params)
        reply_to = (params.get("reply_parameters") or {}).get("message_id")
        thread = params.get("message_thread_id")
        if thread is None and reply_to is not None:  # a reply goes where the message it quotes is
            thread = self._topics.get((chat_id, int(reply_to)))
        message = Sent(
            chat_id=chat_id,
            message_id=next(self._message_ids[chat_id]),
            text=parsed.text,
            html=params["text"],
            bold=parsed.bold,
            italic=parsed.italic,
            reply_markup=params.get("reply_markup"),
            reply_to=reply_to,
            thread=int(thread) if thread is not None else None,
        )
        if message.thread is not None:
            self._topics[chat_id, message.message_id] = message.thread
        self.sent.append(message)
        return self._as_message(message)

    async def _api_sendPhoto(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        photo = params.get("photo")
        if not isinstance(photo, bytes) or not photo:
            raise ApiError(400, "Bad Request: there is no photo in the request")
        message = self._captioned(chat_id, params, photo=photo)
        body = self._as_message(message)
        body.pop("text")
        body["caption"] = message.text
        body["photo"] = [
            {
                "file_id": f"photo{message.message_id}",
                "file_unique_id": "p",
                "width": 800,
                "height": 400,
            }
        ]
        return body

    def _captioned(self, chat_id: int, params: dict[str, Any], **file: Any) -> Sent:
        """A file sent with its caption (photo or document), kept as sent."""
        caption = params.get("caption", "")
        parsed = parse_html(caption) if params.get("parse_mode") == "HTML" else None
        text = (parsed.text if parsed else caption).strip()
        if utf16_length(text) > CAPTION_LIMIT:
            raise ApiError(400, "Bad Request: message caption is too long")
        message = Sent(
            chat_id=chat_id,
            message_id=next(self._message_ids[chat_id]),
            text=text,
            html=caption,
            bold=parsed.bold if parsed else (),
            italic=parsed.italic if parsed else (),
            reply_markup=params.get("reply_markup"),
            reply_to=(params.get("reply_parameters") or {}).get("message_id"),
            **file,
        )
        self.sent.append(message)
        return message

    async def _api_sendDocument(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        document = params.get("document")
        if not isinstance(document, bytes) or not document:
            raise ApiError(400, "Bad Request: there is no document in the request")
        if len(document) > 50 * 1024 * 1024:
            raise ApiError(413, "Request Entity Too Large")
        name = str(params.get("document_filename") or "document")
        message = self._captioned(chat_id, params, document=document, document_name=name)
        body = self._as_message(message)
        body.pop("text")
        body["caption"] = message.text
        body["document"] = {
            "file_id": f"document{message.message_id}",
            "file_unique_id": f"d{message.message_id}",
            "file_name": name,
            "file_size": len(document),
        }
        return body

    async def _api_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        message_id = int(params["message_id"])
        found = [m for m in self.messages_to(chat_id) if m.message_id == message_id]
        if not found:
            raise ApiError(400, "Bad Request: message to edit not found")
        parsed = self._check(params)
        message = found[0]
        if message.html == params["text"] and message.reply_markup == params.get("reply_markup"):
            raise ApiError(400, "Bad Request: message is not modified")
        message.text, message.html = parsed.text, params["text"]
        message.bold, message.italic = parsed.bold, parsed.italic
        message.reply_markup = params.get("reply_markup")
        message.edits += 1
        return self._as_message(message)

    def _check(self, params: dict[str, Any]) -> Parsed:
        text = params.get("text", "")
        parsed = parse_html(text) if params.get("parse_mode") == "HTML" else Parsed(text, (), ())
        visible = parsed.text.strip()
        if not visible:
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_length(visible) > MESSAGE_LIMIT:
            raise ApiError(400, "Bad Request: message is too long")
        markup = params.get("reply_markup") or {}
        if len(markup.get("input_field_placeholder") or "") > 64:
            raise ApiError(400, "Bad Request: input field placeholder is too long")
        for row in markup.get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= CALLBACK_DATA_LIMIT:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return Parsed(visible, parsed.bold, parsed.italic)

    def _as_message(self, message: Sent) -> dict[str, Any]:
        body: dict[str, Any] = {
            "message_id": message.message_id,
            "date": int(time.time()),
            "chat": self.chat(message.chat_id),
            "from": self.me(),
            "text": message.text,
        }
        if message.reply_markup and "inline_keyboard" in message.reply_markup:
            body["reply_markup"] = message.reply_markup  # a reply box is not shown back
        if message.thread is not None:
            body["chat"] = {**body["chat"], "is_forum": True}
            body["message_thread_id"] = message.thread
            body["is_topic_message"] = True
        return body


def _phrase(status: int) -> str:
    return {
        429: "Too Many Requests: retry later",
        500: "Internal Server Error",
        502: "Bad Gateway",
        503: "Service Unavailable",
        403: "Forbidden: bot was blocked by the user",
        400: "Bad Request",
    }.get(status, f"Error {status}")


def user(user_id: int, *, language: str | None = "sl", name: str = "Ana") -> dict[str, Any]:
    """A Telegram user as updates carry it."""
    body: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": name}
    if language is not None:
        body["language_code"] = language
    return body
