"""Random command lines through the real Telegram and Slack adapters, typed by a coordinator.

Hypothesis writes command lines (real names in English and Slovenian, and random ones) with
hostile arguments: markup of both platforms, right-to-left text, emoji, combining marks, control
characters, 10,000-character titles and dates of every shape. They reach the adapters the way
the platforms deliver them (Telegram updates through getUpdates, signed Slack slash commands
over HTTP and envelopes over Socket Mode) and the fakes validate what comes back like the
platforms do. Every command must get exactly one answer, nothing may be refused for escaping or
length, nothing may be logged as an error, and the bot must still answer afterwards.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.adapters.telegram import TelegramAdapter
from bot.adapters.telegram.render import to_html
from bot.app import App
from handlers.dispatcher import find_command
from handlers.types import IncomingCommand, Reply
from models.entities import Role
from models.services.directory import CoalitionSpec
from tests.adapters.slack.conftest import (  # noqa: F401 (fixtures)
    ADMIN,
    COORDINATOR,
    api,
    roles,
    slack,
    slack_http,
    socket_server,
)
from tests.adapters.slack.fake_web_api import TEAM, FakeSlackWebApi
from tests.adapters.slack.harness import Slack, slash_payload, unique
from tests.adapters.telegram.conftest import fake_api, telegram  # noqa: F401 (fixtures)
from tests.adapters.telegram.fake_bot_api import BOT_USERNAME, FakeBotApi, Sent, user
from tests.reliability.fault_text import command_lines

CASES = int(os.environ.get("COALITION_BOT_FUZZ_CASES", "1500"))
"""Command lines per platform, roughly: examples are batches of 1 to BATCH command lines."""
BATCH = 6
EXAMPLES = max(10, CASES // 3)
APOLOGY = "something went wrong"

# python-telegram-bot itself warns about the future type of RetryAfter.retry_after.
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")


def as_slack_sends(typed: str) -> str:
    """Slack sends typed &, < and > as entities (its own markup, like <@U1>, stays)."""
    return typed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def report(platform: str, cases: Counter[str]) -> None:
    """One line for the log of the run: how many command lines went through, of which kinds."""
    kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(cases.items()) if kind != "sent")
    print(f"\n{platform} fuzz: {cases['sent']} command lines; answers: {kinds}")


def errors_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        f"{record.name}: {record.getMessage()}"
        for record in caplog.records
        if record.levelno >= logging.ERROR
    ]


@dataclass(repr=False)
class Replies:
    """Wraps the dispatcher: every Reply it gave, per chat, to compare with what arrived."""

    app: App
    given: dict[str, list[Reply]] = field(default_factory=dict)

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        handle = self.app.dispatcher.handle

        async def recorded(command: IncomingCommand) -> Reply:
            reply = await handle(command)
            self.given.setdefault(command.chat_id, []).append(reply)
            return reply

        monkeypatch.setattr(self.app.dispatcher, "handle", recorded)

    def count(self, chat_id: str) -> int:
        return len(self.given.get(chat_id, []))


# ---------------------------------------------------------------------------------- Telegram

TG_COORDINATORS = {52001: "en", 52002: "sl", 52003: None}
TG_GROUPS = tuple(-100_520_000 - n for n in range(120))
"""Bound groups, taken in turn: Telegram allows a bot 20 messages a minute in one group."""
TG_CONTROL = user(52999, language="en")
PLACES = ("private", "group", "group@bot", "group@other")


@dataclass(repr=False)
class TelegramFuzz:
    """The running Telegram side of the fuzz test (shown short in Hypothesis' reports)."""

    app: App
    api: FakeBotApi
    replies: Replies
    caplog: pytest.LogCaptureFixture
    next_group: int = 0
    cases: Counter[str] = field(default_factory=Counter)
    silent: list[tuple[int, int]] = field(default_factory=list)
    """(chat, message id) of commands meant for another bot or no bot: never answered."""
    calls_checked: int = 0

    def __repr__(self) -> str:
        return "TelegramFuzz(...)"

    def group(self) -> int:
        self.next_group += 1
        return TG_GROUPS[self.next_group % len(TG_GROUPS)]

    def assert_clean(self) -> None:
        """Nothing refused by the fake Bot API (escaping, length, buttons), no error logged."""
        calls, self.calls_checked = self.api.calls[self.calls_checked :], len(self.api.calls)
        refused = [(c.method, c.status, str(c.params.get("text", ""))[:80]) for c in calls]
        assert [call for call in refused if call[1] >= 400] == []
        assert errors_logged(self.caplog) == []

    async def settle(self) -> None:
        """Updates are handled in order: when a later /help is answered, all before it are."""
        chat = TG_CONTROL["id"]
        before = len(self.api.messages_to(chat))
        self.api.say("/help", user=TG_CONTROL)
        await self.api.replies(chat, before + 1, seconds=30)


@pytest.fixture
async def tg_fuzz(
    app: App,
    fake_api: FakeBotApi,  # noqa: F811
    telegram: TelegramAdapter,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> AsyncIterator[TelegramFuzz]:
    for user_id in TG_COORDINATORS:
        await app.services.directory.ensure_role("sasa", f"telegram:{user_id}", Role.COORDINATOR)
    [sasa] = [c for c in await app.services.directory.coalitions() if c.slug == "sasa"]
    groups = tuple(f"telegram:{g}" for g in TG_GROUPS)
    await app.services.directory.apply_config(
        [CoalitionSpec(slug="sasa", name=sasa.name, timezone=sasa.timezone, chats=groups)]
    )
    replies = Replies(app)
    replies.install(monkeypatch)
    fuzz = TelegramFuzz(app, fake_api, replies, caplog)
    yield fuzz
    # After all the examples: the adapter still answers, and every answer came once.
    chat = TG_CONTROL["id"]
    before = len(fake_api.messages_to(chat))
    fake_api.say("/events", user=TG_CONTROL)
    [listing] = (await fake_api.replies(chat, before + 1))[before:]
    assert "upcoming event" in listing.text or "No upcoming events" in listing.text
    for chat_id, message_id in fuzz.silent:
        assert not [m for m in fake_api.messages_to(chat_id) if m.reply_to == message_id]
    for identity, answers in replies.given.items():
        number = int(identity.removeprefix("telegram:"))
        chunks = sum(len(to_html(reply)) for reply in answers)
        assert len(fake_api.messages_to(number)) == chunks, identity
    fuzz.assert_clean()
    report("telegram", fuzz.cases)


telegram_batches = st.lists(
    st.tuples(command_lines(), st.sampled_from(PLACES), st.sampled_from(sorted(TG_COORDINATORS))),
    min_size=1,
    max_size=BATCH,
)


@dataclass(frozen=True)
class Typed:
    """One update the test pushed, and whether the bot must answer it."""

    chat: int
    message_id: int
    answered: bool

    @property
    def identity(self) -> str:
        return f"telegram:{self.chat}"


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batch=telegram_batches)
async def test_random_commands_through_telegram(
    tg_fuzz: TelegramFuzz, batch: list[tuple[tuple[str, str], str, int]]
) -> None:
    fuzz, bot_api = tg_fuzz, tg_fuzz.api
    typed: list[Typed] = []
    for (name, args), place, user_id in batch:
        sender = user(user_id, language=TG_COORDINATORS[user_id])
        chat_id = user_id if place == "private" else fuzz.group()
        suffix = {"group@bot": f"@{BOT_USERNAME}", "group@other": "@some_other_bot"}.get(place, "")
        message = bot_api.message(f"/{name}{suffix} {args}", chat_id=chat_id, user=sender)
        # In a group, a command for no one in particular is answered only when it is ours.
        answered = place in ("private", "group@bot") or (
            place == "group" and find_command(name) is not None
        )
        typed.append(Typed(chat_id, message["message_id"], answered))
        fuzz.silent.extend((chat_id, message["message_id"]) for _ in range(not answered))
        bot_api.push({"message": message})
        fuzz.cases["sent"] += 1

    chats = {t.chat for t in typed}
    wanted = Counter(t.identity for t in typed if t.answered)
    seen = {chat: len(bot_api.messages_to(chat)) for chat in chats}
    counted = {chat: fuzz.replies.count(f"telegram:{chat}") for chat in chats}

    def new_replies(chat: int) -> list[Reply]:
        return fuzz.replies.given.get(f"telegram:{chat}", [])[counted[chat] :]

    def arrived(chat: int) -> list[Sent]:
        return bot_api.messages_to(chat)[seen[chat] :]

    def all_answered() -> bool:
        return all(
            len(new_replies(chat)) >= wanted[f"telegram:{chat}"]
            and len(arrived(chat)) >= sum(len(to_html(r)) for r in new_replies(chat))
            for chat in chats
        )

    if wanted:
        await bot_api.wait_for(all_answered, 30)
    else:
        await fuzz.settle()  # nothing to wait for: make sure the ignored ones were handled

    for chat in chats:
        replies = new_replies(chat)
        assert len(replies) == wanted[f"telegram:{chat}"], [r.plain_text()[:80] for r in replies]
        assert len(arrived(chat)) == sum(len(to_html(r)) for r in replies), chat
        for reply in replies:
            assert APOLOGY not in reply.plain_text(), reply.plain_text()
            fuzz.cases["refused" if reply.is_error else "done"] += 1
    for one in typed:
        if one.chat < 0 and one.answered:  # the answer in a group quotes the command, once
            quoting = [m for m in arrived(one.chat) if m.reply_to == one.message_id]
            assert len(quoting) == 1, (one, [m.text[:80] for m in quoting])
    fuzz.assert_clean()


# ------------------------------------------------------------------------------------- Slack

SLACK_COORDINATORS = {COORDINATOR: "sl-SI", "U4": "en-US"}
SLACK_CHANNELS = ("C1", "C1", "D", "C7")
"""C1 is bound to SAŠA, D is the person's direct message with the bot, C7 is bound to nothing."""


@dataclass(repr=False)
class SlackFuzz:
    """The running Slack side of the fuzz test (shown short in Hypothesis' reports)."""

    app: App
    api: FakeSlackWebApi
    http: Slack
    socket: Slack
    caplog: pytest.LogCaptureFixture
    keys: list[str] = field(default_factory=list)
    cases: Counter[str] = field(default_factory=Counter)
    reports: dict[str, str] = field(default_factory=dict)
    """The keys of /report commands and their channels: a chart is shared as a file there."""

    def __repr__(self) -> str:
        return "SlackFuzz(...)"

    def answers(self, key: str) -> int:
        """Answers to the slash command with this response_url key: responses, modals, and
        for a command that answers with a file (a /report, /mydata) a file shared in its
        channel (the n-th such command there that got no other answer is answered by the
        n-th file there)."""
        said = sum(1 for s in self.api.said if s.channel == key)
        modals = sum(1 for v in self.api.views_opened if key in v.get("private_metadata", ""))
        return said + modals + self._file_for(key, said + modals)

    def _file_for(self, key: str, other_answers: int) -> int:
        channel = self.reports.get(key)
        if channel is None or other_answers:
            return 0
        waiting = [
            k
            for k, c in self.reports.items()
            if c == channel and not any(s.channel == k for s in self.api.said)
        ]
        shared = sum(1 for f in self.api.files if f.channel == channel)
        return 1 if waiting.index(key) < shared else 0


@pytest.fixture
async def slack_fuzz(
    app: App,
    api: FakeSlackWebApi,  # noqa: F811
    slack: Slack,  # noqa: F811
    slack_http: Slack,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> AsyncIterator[SlackFuzz]:
    for person, locale in SLACK_COORDINATORS.items():
        api.add_user(person, locale, person.lower())
        await app.services.directory.ensure_role("sasa", f"slack:{TEAM}:{person}", Role.COORDINATOR)
    await app.services.directory.bind_chat(f"slack:{TEAM}:{ADMIN}", f"slack:{TEAM}:C1", "sasa")
    fuzz = SlackFuzz(app, api, slack_http, slack, caplog)
    yield fuzz
    # After all the examples: both connections still answer, and every command was answered once.
    for harness in (slack_http, slack):
        said = await harness.ask("/events", user=ADMIN)
        # The examples may have switched C1 to Slovenian with /language.
        assert any(
            words in said.readable
            for words in ("upcoming event", "No upcoming events", "prihajajoč")
        ), said.readable
    await asyncio.sleep(0.2)
    twice = [key for key in fuzz.keys if fuzz.answers(key) != 1]
    assert twice == [], "answered other than once"
    report("slack", fuzz.cases)


FILE_ANSWERS = frozenset({"report", "mydata", "export"})
"""Commands that may answer with a file shared in the conversation instead of a message."""

slack_batches = st.lists(
    st.tuples(
        command_lines(),
        st.sampled_from(SLACK_CHANNELS),
        st.sampled_from(sorted(SLACK_COORDINATORS)),
        st.booleans(),  # as Slack sends it (&, < and > as entities), or raw
        st.sampled_from(("http", "socket")),
    ),
    min_size=1,
    max_size=BATCH,
)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batch=slack_batches)
async def test_random_slash_commands_through_slack(
    slack_fuzz: SlackFuzz, batch: list[tuple[tuple[str, str], str, str, bool, str]]
) -> None:
    fuzz, web = slack_fuzz, slack_fuzz.api
    fuzz.caplog.clear()
    keys: list[str] = []
    deliveries = []
    for (name, args), channel, person, escaped, transport in batch:
        key = unique("fuzz-")
        keys.append(key)
        where = f"D{person}" if channel == "D" else channel
        spec = find_command(name)
        if spec is not None and spec.name in FILE_ANSWERS:
            fuzz.reports[key] = where
        text = as_slack_sends(args) if escaped else args
        payload = slash_payload(
            f"/{name}", text, user=person, channel=where, response_url=web.response_url(key)
        )
        harness = fuzz.http if transport == "http" else fuzz.socket
        deliveries.append(harness.deliver_slash(payload))
        fuzz.cases["sent"] += 1
    fuzz.keys.extend(keys)
    acks = await asyncio.gather(*deliveries)
    assert [a.status for a in acks] == [200] * len(acks)
    assert max(a.seconds for a in acks) < 3.0
    await web.wait_until(lambda: all(fuzz.answers(key) >= 1 for key in keys), 30.0)

    for key in keys:
        assert fuzz.answers(key) == 1, key
    answers = [s for s in web.said if s.channel in keys]
    for said in answers:
        assert APOLOGY not in said.readable, said.readable[:200]
        fuzz.cases["refused" if said.private else "shown"] += 1
    assert web.rejected == []
    assert errors_logged(fuzz.caplog) == []
