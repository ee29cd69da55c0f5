"""A fake Slack Web API on 127.0.0.1: records what users would see, validates Block Kit.

It answers the methods the adapter uses (auth.test, chat.postMessage, chat.postEphemeral,
chat.update, views.open (within 3 s of its trigger), views.update, views.publish, users.info,
conversations.info, conversations.members, apps.connections.open, and a file upload's three
steps: files.getUploadURLExternal, the upload URL, files.completeUploadExternal; for files
people share with the bot, files.info and the private download URL, which wants the bot
token) and the `response_url` endpoint. Failures can be queued per method: a Slack error, or
an HTTP status such as 429 with Retry-After.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block

BOT_TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-test-token"
TEAM = "T1"
BOT_USER = "UBOT"
MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
SECTION_TEXT = 3000
SECTION_FIELDS = 10
BUTTON_VALUE = 2000
BUTTON_TEXT = 75
HEADER_TEXT = 150
MODAL_TITLE = 24
DROP = -1  # a Failure status: close the connection without answering
TRIGGER_SECONDS = 3.0  # a trigger_id opens a view only this long after the click or command


def new_trigger_id() -> str:
    """A trigger id that tells the fake when it was issued (Slack's expire in 3 seconds)."""
    return f"trigger-{time.monotonic():.3f}-{uuid.uuid4().hex[:8]}"


def trigger_issued_at(trigger: str) -> float | None:
    try:
        return float(trigger.split("-")[1])
    except (IndexError, ValueError):
        return None


@dataclass
class Failure:
    error: str = ""
    status: int = 200
    retry_after: int | None = None


@dataclass
class Said:
    """One thing a user sees: a message, an ephemeral, an edit, or a response_url answer."""

    kind: str  # "message", "ephemeral", "update", "response"
    channel: str
    text: str
    blocks: list[dict[str, Any]]
    body: dict[str, Any]
    user: str = ""
    at: float = field(default_factory=time.monotonic)

    @property
    def shown(self) -> str:
        """Every text in the blocks, one per line (what the reader sees)."""
        return "\n".join(block_texts(self.blocks))

    @property
    def readable(self) -> str:
        """What the reader sees, with Slack's &amp; &lt; &gt; shown as the characters (and
        without the zero-width spaces that keep * _ ~ ` from formatting)."""
        shown = self.shown.replace("\u200b", "")
        return shown.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")

    @property
    def private(self) -> bool:
        """Only the asking person sees it."""
        return self.kind == "ephemeral" or self.body.get("response_type") == "ephemeral"

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return [
            element
            for block in self.blocks
            if block.get("type") == "actions"
            for element in block.get("elements", [])
            if element.get("type") == "button"
        ]


def block_texts(blocks: list[dict[str, Any]]) -> list[str]:
    texts: list[str] = []
    for block in blocks:
        if isinstance(block.get("text"), dict):
            texts.append(block["text"].get("text", ""))
        texts.extend(f.get("text", "") for f in block.get("fields", []) or [])
        for element in block.get("elements", []) or []:
            if element.get("type") in ("mrkdwn", "plain_text"):
                texts.append(element.get("text", ""))
            elif isinstance(element.get("text"), dict):
                texts.append(element["text"].get("text", ""))
        if isinstance(block.get("label"), dict):
            texts.append(block["label"].get("text", ""))
    return texts


def block_problems(blocks: object, limit: int) -> list[str]:
    """Slack's rules for blocks, as far as this adapter can break them."""
    if not isinstance(blocks, list):
        return ["blocks must be a list"]
    problems: list[str] = []
    if len(blocks) > limit:
        problems.append(f"{len(blocks)} blocks, more than {limit}")
    action_ids: list[str] = []
    block_ids = [b["block_id"] for b in blocks if isinstance(b, dict) and "block_id" in b]
    if len(block_ids) != len(set(block_ids)):
        problems.append(f"duplicate block_id in {block_ids}")
    for index, block in enumerate(blocks):
        if not isinstance(block, dict):
            problems.append(f"block {index} is not an object")
            continue
        parsed = Block.parse(block)
        if parsed is None or type(parsed) is Block:
            problems.append(f"block {index}: unknown type {block.get('type')!r}")
            continue
        try:
            parsed.validate_json()
        except SlackObjectFormationError as error:
            problems.append(f"block {index}: {error}")
        kind = block["type"]
        text = block.get("text")
        if kind == "section":
            if text is None and not block.get("fields"):
                problems.append(f"block {index}: section without text or fields")
            if text is not None and not (text.get("text") or "").strip():
                problems.append(f"block {index}: blank section text")
            if text is not None and not 0 < len(text.get("text", "")) <= SECTION_TEXT:
                problems.append(f"block {index}: section text of {len(text.get('text', ''))}")
            if len(block.get("fields", []) or []) > SECTION_FIELDS:
                problems.append(f"block {index}: more than {SECTION_FIELDS} fields")
        if kind == "header" and not ((text or {}).get("text") or "").strip():
            problems.append(f"block {index}: blank header")
        if kind == "header" and not 0 < len((text or {}).get("text", "")) <= HEADER_TEXT:
            problems.append(f"block {index}: header text length")
        if kind == "header" and (text or {}).get("type") != "plain_text":
            problems.append(f"block {index}: header must be plain_text")
        for element in block.get("elements", []) or []:
            if element.get("type") == "button":
                if len(element.get("value", "")) > BUTTON_VALUE:
                    problems.append(f"block {index}: button value over {BUTTON_VALUE}")
                if not 0 < len(element.get("text", {}).get("text", "").strip()) <= BUTTON_TEXT:
                    problems.append(f"block {index}: button text length")
            if "action_id" in element:
                action_ids.append(element["action_id"])
            if element.get("type") in ("mrkdwn", "plain_text") and not element.get("text").strip():
                problems.append(f"block {index}: empty context text")
    if len(action_ids) != len(set(action_ids)):
        problems.append(f"duplicate action_id in {action_ids}")
    return problems


@dataclass(frozen=True)
class SharedFile:
    """A file uploaded and shared in a conversation, as people there see it."""

    channel: str
    filename: str
    title: str
    content: bytes
    comment: str
    alt_text: str


class FakeSlackWebApi:
    """Start with `await api.start()`; point the adapter at `api.url`."""

    def __init__(self) -> None:
        self.said: list[Said] = []
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.views_opened: list[dict[str, Any]] = []
        self.views_updated: list[dict[str, Any]] = []
        self.views_published: list[dict[str, Any]] = []
        self.rejected: list[tuple[str, list[str]]] = []
        self.users: dict[str, dict[str, str]] = {}
        self.missing_channels: set[str] = set()
        self.outsider_channels: set[str] = set()
        self.channel_members: dict[str, list[str]] = {}
        """Who is in which channel (conversations.members); a channel not listed has none."""
        self.members_page = 100
        self.refusing: dict[str, str] = {}
        """Channels where messages are refused: channel -> Slack error code."""
        self.files: list[SharedFile] = []
        """Files shared with files.completeUploadExternal, in order."""
        self._uploads: dict[str, dict[str, Any]] = {}
        self.user_files: dict[str, tuple[str, bytes]] = {}
        """Files people shared (id -> name, content), for files.info and the download."""
        self.downloads: list[str] = []
        """The ids of files the bot downloaded, in order."""
        self.socket_url = ""
        self.failures: dict[str, list[Failure]] = {}
        self._ts = 0
        self._runner: web.AppRunner | None = None
        self.port = 0
        self._changed = asyncio.Condition()

    # ------------------------------------------------------------ control

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, key: str = "r1") -> str:
        return f"http://127.0.0.1:{self.port}/response/{key}"

    def fail(
        self,
        method: str,
        error: str = "",
        *,
        status: int = 200,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """The next `times` calls of `method` fail this way."""
        self.failures.setdefault(method, []).extend(
            Failure(error, status, retry_after) for _ in range(times)
        )

    def add_user(self, user: str, locale: str, name: str = "") -> None:
        self.users[user] = {"locale": locale, "name": name or user.lower()}

    def add_file(self, name: str, content: bytes, *, size: int | None = None) -> dict[str, Any]:
        """A file a person shares; the file object a `file_share` message carries (with the
        size Slack reports: the content's length unless given)."""
        file_id = f"FU{len(self.user_files) + 1:05d}"
        self.user_files[file_id] = (name, content)
        return {
            "id": file_id,
            "name": name,
            "title": name,
            "mimetype": "text/csv" if name.endswith(".csv") else "application/octet-stream",
            "size": len(content) if size is None else size,
        }

    def calls(self, method: str) -> list[dict[str, Any]]:
        return [args for name, args in self.requests if name == method]

    async def wait_said(self, count: int = 1, within: float = 3.0) -> list[Said]:
        """Waits until at least `count` things were said in all, and returns them all."""
        said: list[Said] = await self.wait_until(
            lambda: len(self.said) >= count, within, lambda: self.said
        )
        return said

    async def wait_until(
        self,
        condition: Callable[[], bool],
        within: float = 3.0,
        result: Callable[[], Any] = lambda: None,
    ) -> Any:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(condition), within)
        return result()

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # ------------------------------------------------------------ server

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{key}", self._response_url)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/files-pri/{file_id}", self._download)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _arguments(self, request: web.Request) -> dict[str, Any]:
        args: dict[str, Any] = dict(request.query)
        raw = await request.text()
        if raw:
            if request.content_type == "application/json":
                args.update(json.loads(raw))
            else:
                args.update(dict(parse_qsl(raw)))
        for key in ("blocks", "view"):
            if isinstance(args.get(key), str):
                args[key] = json.loads(args[key])
        auth = request.headers.get("Authorization", "")
        args["_token"] = auth.removeprefix("Bearer ") if auth else args.pop("token", "")
        return args

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await self._arguments(request)
        args["_at"] = time.monotonic()
        self.requests.append((method, args))
        queued = self.failures.get(method)
        if queued:
            failure = queued.pop(0)
            if failure.status == DROP:
                assert request.transport is not None
                request.transport.close()  # the client sees the connection drop
                await self._notify()
                return web.Response(status=500)
            retry = failure.retry_after
            headers = {"Retry-After": str(retry)} if retry is not None else {}
            await self._notify()
            return web.json_response(
                {"ok": False, "error": failure.error or "ratelimited"},
                status=failure.status,
                headers=headers,
            )
        token = args.pop("_token")
        expected = APP_TOKEN if method == "apps.connections.open" else BOT_TOKEN
        if token != expected:
            return web.json_response({"ok": False, "error": "invalid_auth"})
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        if handler is None:
            return web.json_response({"ok": False, "error": "unknown_method"})
        answer: dict[str, Any] = await handler(args)
        await self._notify()
        return web.json_response(answer)

    def _next_ts(self) -> str:
        self._ts += 1
        return f"1800000000.{self._ts:06d}"

    def _check_message(self, method: str, args: dict[str, Any]) -> dict[str, Any] | None:
        channel = str(args.get("channel", ""))
        if channel in self.missing_channels:
            return {"ok": False, "error": "channel_not_found"}
        if channel in self.outsider_channels:
            return {"ok": False, "error": "not_in_channel"}
        if channel in self.refusing:
            return {"ok": False, "error": self.refusing[channel]}
        if not args.get("text") and not args.get("blocks"):
            return {"ok": False, "error": "no_text"}
        problems = block_problems(args.get("blocks", []), MESSAGE_BLOCKS)
        if problems:
            self.rejected.append((method, problems))
            return {"ok": False, "error": "invalid_blocks", "errors": problems}
        return None

    def _record(self, kind: str, args: dict[str, Any]) -> None:
        self.said.append(
            Said(
                kind,
                str(args.get("channel", "")),
                str(args.get("text", "")),
                list(args.get("blocks", [])),
                args,
                str(args.get("user", "")),
            )
        )

    async def _files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("filename") or not str(args.get("length", "")).isdigit():
            return {"ok": False, "error": "invalid_arguments"}
        file_id = f"F{len(self._uploads) + 1:06d}"
        self._uploads[file_id] = {**args, "content": None}
        upload_url = f"http://127.0.0.1:{self.port}/upload/{file_id}"
        return {"ok": True, "upload_url": upload_url, "file_id": file_id}

    async def _upload(self, request: web.Request) -> web.Response:
        pending = self._uploads.get(request.match_info["file_id"])
        body = await request.read()
        if pending is None or len(body) != int(pending["length"]):
            return web.Response(status=400, text="bad upload")
        pending["content"] = body
        return web.Response(text="OK - " + str(len(body)))

    async def _files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        files = json.loads(args["files"]) if isinstance(args.get("files"), str) else args["files"]
        channel = str(args.get("channel_id", ""))
        if channel in self.missing_channels:
            return {"ok": False, "error": "channel_not_found"}
        shared = []
        for item in files:
            pending = self._uploads.get(item["id"])
            if pending is None or pending["content"] is None:
                return {"ok": False, "error": "file_not_found"}
            self.files.append(
                SharedFile(
                    channel,
                    pending["filename"],
                    item.get("title") or pending["filename"],
                    pending["content"],
                    str(args.get("initial_comment", "")),
                    str(pending.get("alt_txt") or ""),
                )
            )
            shared.append({"id": item["id"], "title": item.get("title", "")})
        return {"ok": True, "files": shared}

    async def _files_info(self, args: dict[str, Any]) -> dict[str, Any]:
        file_id = str(args.get("file", ""))
        if file_id not in self.user_files:
            return {"ok": False, "error": "file_not_found"}
        name, content = self.user_files[file_id]
        url = f"http://127.0.0.1:{self.port}/files-pri/{file_id}"
        return {
            "ok": True,
            "file": {
                "id": file_id,
                "name": name,
                "size": len(content),
                "url_private": url,
                "url_private_download": url + "?download=1",
            },
        }

    async def _download(self, request: web.Request) -> web.Response:
        """A file's private URL: only with the bot token, as Slack's files.slack.com."""
        if request.headers.get("Authorization") != f"Bearer {BOT_TOKEN}":
            return web.Response(status=403, text="no token")
        file_id = request.match_info["file_id"]
        if file_id not in self.user_files:
            return web.Response(status=404)
        self.downloads.append(file_id)
        await self._notify()
        return web.Response(body=self.user_files[file_id][1])

    async def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://test.slack.com/",
            "team": "Test team",
            "user": "coalition-bot",
            "team_id": TEAM,
            "user_id": BOT_USER,
            "bot_id": "B1",
        }

    async def _chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        refused = self._check_message("chat.postMessage", args)
        if refused:
            return refused
        self._record("message", args)
        return {"ok": True, "channel": args["channel"], "ts": self._next_ts()}

    async def _chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        refused = self._check_message("chat.postEphemeral", args)
        if refused:
            return refused
        if not args.get("user"):
            return {"ok": False, "error": "user_not_in_channel"}
        self._record("ephemeral", args)
        return {"ok": True, "message_ts": self._next_ts()}

    async def _chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        refused = self._check_message("chat.update", args)
        if refused:
            return refused
        if not args.get("ts"):
            return {"ok": False, "error": "message_not_found"}
        self._record("update", args)
        return {"ok": True, "channel": args["channel"], "ts": args["ts"]}

    def _check_view(self, view: object, kind: str) -> list[str]:
        if not isinstance(view, dict) or view.get("type") != kind:
            return [f"view must be a {kind} view"]
        problems = block_problems(view.get("blocks"), VIEW_BLOCKS)
        if kind == "modal":
            for key in ("title", "submit", "close"):
                text = (view.get(key) or {}).get("text", "")
                if key == "title" and not text:
                    problems.append("modal without title")
                if len(text) > MODAL_TITLE:
                    problems.append(f"modal {key} longer than {MODAL_TITLE}")
            if len(view.get("private_metadata", "")) > 3000:
                problems.append("private_metadata longer than 3000")
        return problems

    async def _views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        trigger = str(args.get("trigger_id", ""))
        if not trigger:
            return {"ok": False, "error": "invalid_trigger_id"}
        issued = trigger_issued_at(trigger)
        if issued is not None and args["_at"] - issued > TRIGGER_SECONDS:
            self.rejected.append(("views.open", ["expired_trigger_id"]))
            return {"ok": False, "error": "expired_trigger_id"}
        problems = self._check_view(args.get("view"), "modal")
        if problems:
            self.rejected.append(("views.open", problems))
            return {"ok": False, "error": "invalid_arguments", "errors": problems}
        view = {**args["view"], "id": f"V{len(self.views_opened) + 1}"}
        self.views_opened.append(view)
        return {"ok": True, "view": view}

    async def _views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        opened = next((v for v in self.views_opened if v["id"] == args.get("view_id")), None)
        if opened is None:
            return {"ok": False, "error": "not_found"}
        problems = self._check_view(args.get("view"), "modal")
        if problems:
            self.rejected.append(("views.update", problems))
            return {"ok": False, "error": "invalid_arguments", "errors": problems}
        view = {**args["view"], "id": opened["id"]}
        self.views_updated.append(view)
        return {"ok": True, "view": view}

    async def _views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        problems = self._check_view(args.get("view"), "home")
        if problems:
            self.rejected.append(("views.publish", problems))
            return {"ok": False, "error": "invalid_arguments", "errors": problems}
        self.views_published.append({**args["view"], "user_id": args.get("user_id")})
        return {"ok": True, "view": args["view"]}

    async def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = str(args.get("user", ""))
        known = self.users.get(user)
        if known is None:
            return {"ok": False, "error": "user_not_found"}
        data: dict[str, Any] = {
            "id": user,
            "team_id": TEAM,
            "name": known["name"],
            "profile": {"display_name": known["name"], "real_name": known["name"].title()},
        }
        if str(args.get("include_locale", "")).lower() in ("true", "1"):
            data["locale"] = known["locale"]
        return {"ok": True, "user": data}

    async def _conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel", ""))
        if channel in self.missing_channels:
            return {"ok": False, "error": "channel_not_found"}
        info: dict[str, Any] = {
            "id": channel,
            "is_im": channel.startswith("D"),
            "name": channel.lower(),
        }
        if not channel.startswith("D"):
            info["is_member"] = channel not in self.outsider_channels
        return {"ok": True, "channel": info}

    async def _conversations_members(self, args: dict[str, Any]) -> dict[str, Any]:
        """Members of a channel, `members_page` at a time, with Slack's next_cursor."""
        channel = str(args.get("channel", ""))
        if channel in self.missing_channels or channel in self.outsider_channels:
            return {"ok": False, "error": "channel_not_found"}
        members = self.channel_members.get(channel, [])
        start = int(args.get("cursor") or 0)
        page = min(int(args.get("limit") or 100), self.members_page)
        end = start + page
        more = str(end) if end < len(members) else ""
        return {
            "ok": True,
            "members": members[start:end],
            "response_metadata": {"next_cursor": more},
        }

    async def _apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        if not self.socket_url:
            return {"ok": False, "error": "socket_mode_not_enabled"}
        return {"ok": True, "url": self.socket_url}

    async def answered_in_ack(self, key: str, body: dict[str, Any]) -> None:
        """A slash command answered in its acknowledgement: Slack shows it like a response_url
        answer, after the same checks."""
        self.requests.append(("ack", body))
        problems = block_problems(body.get("blocks", []), MESSAGE_BLOCKS)
        if problems:
            self.rejected.append(("ack", problems))
        else:
            text, blocks = str(body.get("text", "")), list(body.get("blocks", []))
            self.said.append(Said("response", key, text, blocks, body))
        await self._notify()

    async def _response_url(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append(("response_url", body))
        queued = self.failures.get("response_url")
        if queued:
            failure = queued.pop(0)
            await self._notify()
            return web.Response(status=failure.status, text=failure.error or "error")
        problems = block_problems(body.get("blocks", []), MESSAGE_BLOCKS)
        if problems:
            self.rejected.append(("response_url", problems))
            await self._notify()
            return web.Response(status=400, text="invalid_blocks")
        said = Said(
            "response",
            request.match_info["key"],
            str(body.get("text", "")),
            list(body.get("blocks", [])),
            body,
        )
        self.said.append(said)
        await self._notify()
        return web.Response(text="ok")
