"""From an IncomingCommand to a Reply: find the command, the coalition, the language, the role."""

from __future__ import annotations

import asyncio
import difflib
import logging
from collections.abc import Callable, Hashable, Mapping
from dataclasses import replace
from datetime import datetime

from handlers.access import MembershipProbe, PrivateAccess
from handlers.admin import greeting
from handlers.answer_cache import EVERYONE, AnswerCache, Freshness, context_stamp, stamp
from handlers.arguments import fold
from handlers.chat_events import ChatEvents
from handlers.commands import COMMANDS, CommandSpec
from handlers.context import Context, NoCoalition, Services
from handlers.errors import BadInput, explain, shorten
from handlers.i18n import Translator
from handlers.language import reader_locale
from handlers.types import ChatKind, IncomingCommand, Reply
from models.errors import DomainError, Invalid, PermissionDenied, is_unavailable
from models.services.directory import ANONYMOUS_IDENTITIES
from models.services.views import ChatContext

log = logging.getLogger(__name__)

COMMAND_TIMEOUT = 8.0
"""Seconds a person waits at most: then the answer says the data is unavailable."""
CONTEXTS_KEPT = 8192
ANSWERS_KEPT = 2048

LOOKUP: dict[str, CommandSpec] = {
    **{spec.name: spec for spec in COMMANDS},
    **{spec.alias: spec for spec in COMMANDS},
    "pomoč": COMMANDS[1],
}


async def _ends_within(task: asyncio.Task[Reply], seconds: float) -> bool:
    """Whether the task ends within `seconds` (asyncio.wait, with less to do per command)."""
    loop = asyncio.get_running_loop()
    settled: asyncio.Future[None] = loop.create_future()

    def settle(*_args: object) -> None:
        if not settled.done():
            settled.set_result(None)

    timer = loop.call_later(seconds, settle)
    task.add_done_callback(settle)
    try:
        await settled
    except asyncio.CancelledError:
        task.cancel()
        raise
    finally:
        timer.cancel()
    return task.done()


def _log_outcome(task: asyncio.Future[Reply]) -> None:
    """The end of a command answered as unavailable meanwhile: only logged."""
    if not task.cancelled() and task.exception() is not None:
        log.debug("an abandoned command ended with %r", task.exception())


def private_group(identity: str) -> tuple[str, str]:
    """What a person's private-chat contexts are remembered under: they go when where the
    person was found changes, which leaves their group chats' contexts alone."""
    return ("private", identity)


def _coalition_id(context: ChatContext) -> int | None:
    return context.coalition.id if context.coalition else None


def find_command(name: str) -> CommandSpec | None:
    """A command by its English or Slovenian name, with or without diacritics or `@bot`."""
    return LOOKUP.get(fold(name.lstrip("/").split("@", 1)[0]))


class Dispatcher:
    def __init__(
        self,
        services: Services,
        translators: Mapping[str, Translator],
        clock: Callable[[], datetime],
        *,
        default_locale: str = "sl",
        freshness: Freshness | None = None,
        probes: Mapping[str, MembershipProbe] | None = None,
        command_timeout: float = COMMAND_TIMEOUT,
    ) -> None:
        self.command_timeout = command_timeout
        self._given_up: set[asyncio.Task[Reply]] = set()
        self.services = services
        self.translators = translators
        self.clock = clock
        self.default_locale = default_locale
        self.access = PrivateAccess(services.directory, probes if probes is not None else {}, clock)
        self.freshness = freshness
        self._contexts: AnswerCache[ChatContext] = AnswerCache(CONTEXTS_KEPT)
        self._answers: AnswerCache[Reply] = AnswerCache(ANSWERS_KEPT)
        self._personal: AnswerCache[Reply] = AnswerCache(ANSWERS_KEPT)
        """Shared answers with their reader's own part, per reader: forgotten with the
        coalition's content, the minute, or the reader's own change (an RSVP)."""
        if freshness is not None:
            freshness.on_person_changed(self._forget_person)
            freshness.on_answers_changed(self._personal.forget)
            freshness.on_person_seen(self._forget_private)
        self.chats = ChatEvents(services, self.context_of, self.reader)
        self.observers: list[Callable[[IncomingCommand, float, Reply], None]] = []
        """Told every answered command, the seconds it took and the reply (for /metrics)."""

    async def handle(self, command: IncomingCommand) -> Reply:
        """Answers one command within `command_timeout` seconds; never raises, whatever the
        input. A command still waiting by then (on a silent database) is abandoned."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        answering = loop.create_task(self._guarded(command))
        if await _ends_within(answering, self.command_timeout):
            reply = answering.result()
            for observer in self.observers:
                observer(command, loop.time() - started, reply)
            return reply
        # cancelled but not awaited: its cleaning up may wait on the same silent server
        self._given_up.add(answering)  # held until it ends: the loop keeps only weak references
        answering.add_done_callback(self._given_up.discard)
        answering.add_done_callback(_log_outcome)
        answering.cancel()
        log.warning("command %r unanswered after %s s", command.name, self.command_timeout)
        return self._unavailable(command)

    async def answer(self, message: IncomingCommand) -> Reply | None:
        """A message that is no command (its text in `args`): the answer to the question put
        to this person in this chat (a pressed record button), run as the command line it
        completes. None when nothing was asked there (or the question is too old).

        The question stays open after an answer refused for what it says (a value that is
        no number: the person answers again), and closes after any other reply."""
        try:
            line = await self.services.questions.open(message.user_id, message.chat_id)
        except Exception as error:
            if not is_unavailable(error):
                raise
            return self._unavailable(message)
        if line is None or not message.args.strip():
            return None
        name, _, asked = line.lstrip("/").partition(" ")
        reply = await self.handle(
            replace(message, name=name, args=f"{asked} {message.args.strip()}".strip())
        )
        if not (reply.is_error and reply.field):
            await self.services.questions.settle(message.user_id, message.chat_id)
        return reply

    async def _guarded(self, command: IncomingCommand) -> Reply:
        try:
            return await self._handle(command)
        except Exception as error:
            if is_unavailable(error):
                log.warning("database unavailable for %r: %s", command.name, error)
                return self._unavailable(command)
            t = self.translators.get(command.locale or "") or self.translators[self.default_locale]
            log.exception("command %r from %s failed", command.name, command.user_id)
            message = t.gettext("Sorry, something went wrong on my side. Please try again.")
            return Reply(lines=(message,), is_error=True, personal=True, locale=t.locale)

    def _unavailable(self, command: IncomingCommand) -> Reply:
        t = self.translators.get(command.locale or "") or self.translators[self.default_locale]
        message = t.gettext(
            "The coalition's data is temporarily unavailable. Please try again in a minute."
        )
        return Reply(lines=(message,), is_error=True, personal=True, locale=t.locale)

    def reader(
        self, stored: ChatContext | None, *, is_group: bool, platform: str | None
    ) -> Translator:
        """The language of a reply to this reader in this chat, by the one rule of
        handlers.language (for forms and notes an adapter writes outside a command)."""
        return self.translators[
            reader_locale(
                stored,
                is_group=is_group,
                platform=platform,
                supported=self.translators,
                default=self.default_locale,
            )
        ]

    async def greet(self, user_id: str, chat_id: str) -> Reply:
        """The greeting for a group the bot was just added to, in the group's language."""
        stored = await self.services.directory.context(user_id, chat_id, is_group=True)
        t = self.reader(stored, is_group=True, platform=None)
        if stored.coalition is not None:
            lines: tuple[str, ...] = (
                t.gettext("This chat belongs to the coalition — %(name)s. Try /events.")
                % {"name": stored.coalition.name},
            )
        else:
            lines = (
                t.gettext("This chat is not bound to a coalition yet."),
                t.gettext("An admin binds it with /bind COALITION, e.g. /bind sasa."),
            )
        return Reply(
            title=t.gettext("Hello! I keep the coalition's events, activities and contacts."),
            lines=lines,
            footer=t.gettext("Type /help for the list of commands."),
            locale=t.locale,
        )

    async def _handle(self, command: IncomingCommand) -> Reply:
        is_group = command.chat_kind is ChatKind.GROUP
        now = self.clock()
        if self.freshness is not None:
            await self.freshness.refresh_if_due()
        spec = find_command(command.name)
        picked = await self._pick(command, spec)
        stored = await self._stored_context(command, now, fresh=picked)
        locale = reader_locale(
            stored,
            is_group=is_group,
            platform=command.locale,
            supported=self.translators,
            default=self.default_locale,
        )
        ctx = Context(
            command=command,
            services=self.services,
            coalition_or_none=stored.coalition,
            role=stored.role,
            chat_bound=stored.chat_bound,
            t=self.translators[locale],
            translators=self.translators,
            now=now,
            access=self.access,
        )
        if not is_group:  # personal reminders speak the language of the person's answers
            await self.services.reminders.note_locale(command.user_id, locale)
        if spec is None:
            return self._unknown(ctx)
        if spec.needs_coalition and ctx.coalition_or_none is None:
            return self._no_coalition(ctx, is_group)
        if spec.needs_coalition and not ctx.role.at_least(spec.role):
            return self._refused(ctx, PermissionDenied(spec.role))
        if not spec.shared_answer or self.freshness is None:
            return await self._with_personal_part(spec, ctx, await self._run(spec, ctx))
        # everything a shared answer may depend on is in its key, apart from its coalition's
        # content and the minute, which are in its stamp
        key = (
            spec.name,
            command.args.strip(),
            stored.coalition,
            stored.role,
            stored.chat_bound,
            locale,
            command.chat_kind,
        )
        current = stamp(self.freshness, stored.coalition.id if stored.coalition else None, now)
        answer = self._answers.get(key, current)
        if answer is None:
            answer = await self._run(spec, ctx)
            self._answers.put(key, current, answer)
        if spec.personal_part is None:
            return answer
        mine = self._personal.get((key, ctx.actor), current)
        if mine is None:
            mine = await self._with_personal_part(spec, ctx, answer)
            self._personal.put((key, ctx.actor), current, mine, group=ctx.actor)
        return mine

    async def _with_personal_part(self, spec: CommandSpec, ctx: Context, shared: Reply) -> Reply:
        """The reader's own part added to an answer, never remembered: a shared answer is
        put away before it, so no reader gets another's."""
        if spec.personal_part is None:
            return shared
        try:
            return await spec.personal_part(ctx, shared)
        except DomainError:
            return shared

    async def _pick(self, command: IncomingCommand, spec: CommandSpec | None) -> bool:
        """`/coalition SLUG` or `/start SLUG` in a private chat: that coalition from now on,
        when the person may see it. True when the chat's coalition must be read anew."""
        if spec is None or not spec.picks_coalition or command.chat_kind is ChatKind.GROUP:
            return False
        slug = command.args.strip()
        if not slug or command.coalition is not None:
            return False
        await self.access.choose(command.user_id, slug.split()[0][:40])
        return True

    async def _stored_context(
        self, command: IncomingCommand, now: datetime, *, fresh: bool = False
    ) -> ChatContext:
        """The chat's coalition, the asker's role and languages, remembered like answers, and
        forgotten when the person's own settings or roles change.

        A private chat's coalition is the one the person may see (handlers/access.py); it is
        remembered per person, so no one is answered with a coalition meant for another.
        """
        freshness = self.freshness
        key = (command.user_id, command.chat_id, command.chat_kind, command.coalition)
        stored: ChatContext | None = None
        if freshness is not None and not fresh:
            stored = self._contexts.get_checked(
                key, lambda found: context_stamp(freshness, _coalition_id(found), now)
            )
        group: Hashable = command.user_id
        if stored is None:
            version = freshness.context_version if freshness is not None else 0
            mark = self._contexts.mark()
            if command.chat_kind is ChatKind.PRIVATE and command.coalition is None:
                group = private_group(command.user_id)  # it depends on where they were seen
                stored = await self.access.context(command.user_id)
            elif (
                command.chat_kind is ChatKind.GROUP
                and command.coalition is None
                and not self.access.recorded_lately(command.user_id, command.chat_id)
            ):  # their presence is written with the context, not in a transaction after it
                stored, recorded = await self.services.directory.context_of_writer(
                    command.user_id, command.chat_id
                )
                if recorded:
                    self.access.recorded(command.user_id, command.chat_id)
            else:
                stored = await self.services.directory.context(
                    command.user_id,
                    command.chat_id,
                    is_group=command.chat_kind is ChatKind.GROUP,
                    coalition_hint=command.coalition,
                )
            # a context with no coalition is not kept: nothing would tell it that one appeared;
            # nor one read while a change to contexts or to this person became known, which it
            # may predate (others' answers and events leave it alone)
            if (
                freshness is not None
                and stored.coalition is not None
                and freshness.context_version == version
            ):
                current = context_stamp(freshness, stored.coalition.id, now)
                self._contexts.put(key, current, stored, group=group, since=mark)
        if stored.chat_bound and command.chat_kind is ChatKind.GROUP:
            await self.access.seen(command.user_id, command.chat_id)
        return stored

    def _forget_person(self, identity: str) -> None:
        if identity == EVERYONE:
            self._contexts.clear()
            self._personal.clear()
        else:
            self._contexts.forget(identity)
            self._contexts.forget(private_group(identity))
            self._personal.forget(identity)

    def _forget_private(self, identity: str) -> None:
        self._contexts.forget(private_group(identity))

    async def context_of(self, user_id: str, chat_id: str, chat_kind: ChatKind) -> ChatContext:
        """A chat's coalition and the person's role and languages, as a command would see them."""
        command = IncomingCommand(user_id=user_id, chat_id=chat_id, chat_kind=chat_kind, name="")
        return await self._stored_context(command, self.clock())

    async def _run(self, spec: CommandSpec, ctx: Context) -> Reply:
        """The handler's answer, with bad input and refusals answered as errors."""
        is_group = ctx.command.chat_kind is ChatKind.GROUP
        try:
            return await spec.handler(ctx)
        except BadInput as error:
            return ctx.error(str(error), self._example(ctx, spec), field=error.field)
        except PermissionDenied as error:
            return self._refused(ctx, error, self._example(ctx, spec))
        except DomainError as error:
            field = error.field if isinstance(error, Invalid) else ""
            return ctx.error(explain(ctx, error), self._example(ctx, spec), field=field)
        except NoCoalition:
            return self._no_coalition(ctx, is_group)

    def _example(self, ctx: Context, spec: CommandSpec) -> str:
        return ctx._("Example: %(example)s") % {"example": ctx._(spec.example)}

    def _unknown(self, ctx: Context) -> Reply:
        typed = shorten(fold(ctx.command.name.lstrip("/").split("@", 1)[0]), 40)
        starting = sorted((n for n in LOOKUP if len(typed) >= 3 and n.startswith(typed)), key=len)
        close = starting[:1] or difflib.get_close_matches(typed, list(LOOKUP), n=1, cutoff=0.7)
        lines = [ctx._("I do not know the command /%(name)s.") % {"name": typed}]
        if close:
            lines.append(ctx._("Did you mean /%(name)s?") % {"name": close[0]})
        lines.append(ctx._("Type /help for the list of commands."))
        example = LOOKUP[close[0]] if close else LOOKUP["events"]
        lines.append(self._example(ctx, example))
        return ctx.error(*lines)

    def _refused(self, ctx: Context, error: PermissionDenied, *more: str) -> Reply:
        """Not allowed; an admin posting anonymously is told how to be recognised."""
        if ctx.actor in ANONYMOUS_IDENTITIES:
            return ctx.error(
                explain(ctx, error),
                ctx._(
                    "You are posting anonymously as the group, so I cannot tell who you are. "
                    "Turn off “Remain anonymous” in your admin rights and send the command again."
                ),
            )
        return ctx.error(explain(ctx, error), *more)

    def _no_coalition(self, ctx: Context, is_group: bool) -> Reply:
        if is_group:
            return ctx.error(
                ctx._("This chat is not bound to a coalition yet."),
                ctx._("An admin binds it with /bind COALITION, e.g. /bind sasa."),
            )
        return greeting(ctx)
