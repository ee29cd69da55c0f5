"""A reply's question (a value to record) as a Slack modal: one input per field, submitted as
the command line it completes, with a refused answer shown under the field it concerns."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.answering import Answering
from bot.adapters.slack.asking import Asking
from bot.adapters.slack.modal import ACTION, errors_response
from bot.adapters.slack.parse import Where
from bot.adapters.slack.render import escape
from bot.adapters.slack.webapi import error_code
from handlers.types import Question, QuestionField, Reply

log = logging.getLogger(__name__)

CALLBACK_ID = "cb_question"
MODAL_TEXT = 24
"""Slack's limit for a modal's title and buttons."""
INPUT_MAX = 500
SECTION_MAX = 3000
ACK_SECONDS = 2.5


@dataclass(frozen=True)
class Asked:
    """Where the question was asked and what it completes, carried in `private_metadata`."""

    team: str
    user: str
    channel: str
    command: str
    fields: list[str] = field(default_factory=list)
    channel_name: str = ""
    user_team: str = ""
    response_url: str = ""
    private: bool = False
    home: bool = False
    """Asked from the App Home: after the answer, the Home is published anew."""

    def to_metadata(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_metadata(cls, text: str) -> Asked | None:
        try:
            data = json.loads(text or "{}")
            return cls(
                team=str(data["team"]),
                user=str(data["user"]),
                channel=str(data["channel"]),
                command=str(data["command"]),
                fields=[str(name) for name in data.get("fields", [])],
                channel_name=str(data.get("channel_name", "")),
                user_team=str(data.get("user_team", "")),
                response_url=str(data.get("response_url", "")),
                private=bool(data.get("private", False)),
                home=bool(data.get("home", False)),
            )
        except (ValueError, TypeError, KeyError, AttributeError):
            return None

    @property
    def where(self) -> Where:
        return Where(
            self.team,
            self.user,
            self.channel,
            self.channel_name,
            private=self.private,
            user_team=self.user_team,
        )


def _text(value: str, limit: int = MODAL_TEXT) -> dict[str, Any]:
    value = value.strip() or "…"
    return {
        "type": "plain_text",
        "text": value if len(value) <= limit else value[: limit - 1] + "…",
        "emoji": True,
    }


def _input(asked: QuestionField) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": ACTION,
        "max_length": INPUT_MAX,
    }
    if asked.example:
        element["placeholder"] = _text(asked.example, 150)
    return {
        "type": "input",
        "block_id": asked.name,
        "label": _text(asked.label, 2000),
        "optional": asked.optional,
        "element": element,
    }


def question_view(reply: Reply, question: Question, asked: Asked) -> dict[str, Any]:
    """The modal: the reply's lines (the indicator now; its footer, how to answer in a
    message, is not for a form), then an input per field."""
    said = "\n".join(escape(line) for line in reply.lines if line.strip())
    blocks: list[dict[str, Any]] = []
    if said:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": said[:SECTION_MAX]}})
    blocks.extend(_input(asked_field) for asked_field in question.fields)
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": _text(reply.title),
        "submit": _text(question.submit or "OK"),
        "private_metadata": asked.to_metadata(),
        "blocks": blocks,
    }


def answers_of(view: dict[str, Any], names: list[str]) -> list[str]:
    values = (view.get("state") or {}).get("values") or {}
    return [
        " ".join(str((values.get(name, {}).get(ACTION) or {}).get("value") or "").split())
        for name in names
    ]


class QuestionModal:
    """Opens a question's modal and runs its answer through the dispatcher."""

    def __init__(
        self,
        client: AsyncWebClient,
        asking: Asking,
        answering: Answering,
        home: Callable[[Where], Awaitable[None]],
    ) -> None:
        """`home` publishes a person's App Home anew (after an answer given from there)."""
        self.client = client
        self.asking = asking
        self.answering = answering
        self.home = home
        self.ack_seconds = ACK_SECONDS

    async def open(
        self,
        trigger_id: str,
        reply: Reply,
        where: Where,
        response_url: str,
        *,
        from_home: bool = False,
    ) -> bool:
        """Opens the modal of the reply's question; False when there is none or Slack refused
        (the reply is then sent as it is: its text says what command to type). From the App
        Home, the answer goes to the person's direct messages and the Home is renewed."""
        question = reply.question
        if question is None or not trigger_id:
            return False
        asked = Asked(
            where.team,
            where.user,
            where.channel,
            question.command,
            [asked_field.name for asked_field in question.fields],
            where.channel_name,
            where.user_team,
            response_url,
            private=where.private,
            home=from_home,
        )
        try:
            await self.client.views_open(
                trigger_id=trigger_id, view=question_view(reply, question, asked)
            )
        except SlackApiError as error:
            log.warning("Slack: views.open of a question failed: %s", error_code(error))
            return False
        return True

    async def on_submit(self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        """The answers as the command line; a refusal about a field goes under it and the
        modal stays; any other answer closes it and is posted where the question was asked.

        The verdict must reach Slack within 3 seconds: when the work takes longer, the modal
        closes and the answer (or the refusal) comes as a message instead."""
        asked = Asked.from_metadata(str(view.get("private_metadata", "")))
        if asked is None:
            await ack()
            return
        answers = answers_of(view, asked.fields)
        where = asked.where
        work = asyncio.ensure_future(self._submit(asked, answers, where))
        try:
            errors, reply = await asyncio.wait_for(asyncio.shield(work), self.ack_seconds)
        except TimeoutError:
            await ack()
            _errors, reply = await work
            await self.answering.respond(asked.response_url, reply, where)
            return
        if errors:
            await ack(**errors_response(errors))
            return
        await ack()
        await self.answering.respond(asked.response_url, reply, where)
        if asked.home and not reply.is_error:
            await self.home(replace(where, channel=""))

    async def _submit(
        self, asked: Asked, answers: list[str], where: Where
    ) -> tuple[dict[str, str], Reply]:
        t = (await self.asking.reader(where)).translator
        piped = {
            name: t.gettext("The character | cannot be used here.")
            for name, answer in zip(asked.fields[:-1], answers[:-1], strict=False)
            if "|" in answer
        }
        if piped:  # the answer would not read as typed
            return piped, Reply(is_error=True, locale=t.locale)
        line = Question(asked.command, ()).command_line(tuple(answers))
        reply = await self.asking.ask(line, where)
        if reply.is_error and reply.field in asked.fields:
            return {reply.field: reply.lines[0] if reply.lines else "?"}, reply
        return {}, reply
