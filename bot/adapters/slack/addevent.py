"""The /addevent modal: opened for whom it can help, labelled in the reader's language, and
submitted as the typed command, with errors shown under the fields they concern."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt.async_app import AsyncAck
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.answering import Answering
from bot.adapters.slack.asking import Asking
from bot.adapters.slack.modal import EventForm, Origin, addevent_view, errors_response
from bot.adapters.slack.parse import Where
from bot.adapters.slack.webapi import error_code
from handlers.types import Reply
from models.services.views import AreaView, ChatContext

log = logging.getLogger(__name__)

MODAL_ACK_SECONDS = 2.5


class AddEventModal:
    """Opens the modal and runs what is submitted through the dispatcher."""

    def __init__(
        self,
        client: AsyncWebClient,
        asking: Asking,
        answering: Answering,
        *,
        areas: Callable[[str], Awaitable[list[AreaView]]],
        clock: Callable[[], datetime],
        workspace: Callable[..., str],
    ) -> None:
        self.client = client
        self.asking = asking
        self.answering = answering
        self.areas = areas
        self.clock = clock
        self.workspace = workspace
        self.ack_seconds = MODAL_ACK_SECONDS
        self._background: set[asyncio.Future[None]] = set()

    async def close(self) -> None:
        """Cancels the relabelling still under way."""
        background, self._background = self._background, set()
        for task in background:
            task.cancel()
        await asyncio.gather(*background, return_exceptions=True)

    async def open(self, trigger_id: str, where: Where, origin: Origin) -> bool:
        """Opens the /addevent modal for whom it can help; False otherwise (the typed command
        answers then, with its refusal).

        Slack's trigger_id lasts 3 seconds, so the view opens first in the language known
        from the database (or a remembered Slack profile); the Slack language, when still
        unknown, is asked afterwards and the view updated if it differs.
        """
        person = where.user_team or where.team
        known = self.asking.profiles.get(f"{person}:{where.user}")
        form = await self.asking.form(where, known.locale if known else None)
        stored = form.stored
        if stored is None or stored.coalition is None or not form.may_add_events:
            return False
        try:
            areas = await self.areas(stored.coalition.slug)
        except Exception as error:
            log.warning("Slack: no areas for the modal: %r", error)
            areas = []
        locale = form.translator.locale
        try:
            opened = await self.client.views_open(
                trigger_id=trigger_id,
                view=addevent_view(self.asking.translator(locale), areas, origin),
            )
        except SlackApiError as error:
            log.warning("Slack: views.open failed: %s", error_code(error))
            return False
        if known is None:
            view = opened.get("view") or {}
            self._later(
                self._relabel(str(view.get("id", "")), where, stored, areas, origin, locale)
            )
        return True

    async def _relabel(
        self,
        view_id: str,
        where: Where,
        stored: ChatContext,
        areas: list[AreaView],
        origin: Origin,
        shown: str,
    ) -> None:
        """Asks Slack for the person's language after the modal opened; relabels it if needed."""
        who = await self.asking.who(where)
        locale = self.asking.locale(stored, where, who.locale)
        if locale == shown or not view_id:
            return
        try:
            await self.client.views_update(
                view_id=view_id, view=addevent_view(self.asking.translator(locale), areas, origin)
            )
        except SlackApiError as error:
            log.info("Slack: views.update of the modal failed: %s", error_code(error))

    def _later(self, work: Awaitable[None]) -> None:
        """Runs `work` in the background, keeping a reference until it ends."""
        task = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def on_submit(self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        """Runs the form as `/addevent TITLE | WHEN | WHERE | AREA`; errors go under the fields.

        The verdict must reach Slack within 3 seconds: when the work takes longer, the modal
        closes and the answer (or the refusal) comes as a message instead.
        """
        user = body.get("user") or {}
        origin = Origin.from_metadata(str(view.get("private_metadata", "")))
        team = str(user.get("team_id") or (body.get("team") or {}).get("id") or "")
        workspace = self.workspace((body.get("team") or {}).get("id"), team)
        if origin is None:
            origin = Origin(
                workspace, str(user.get("id", "")), str(user.get("id", "")), "directmessage"
            )
        where = Where(
            origin.team or workspace,
            str(user.get("id", "")),
            origin.channel,
            origin.channel_name,
            user_team=team,
        )
        form = EventForm.from_state((view.get("state") or {}).get("values") or {})
        work = asyncio.ensure_future(self._submit(form, origin, where))
        try:
            errors, reply = await asyncio.wait_for(asyncio.shield(work), self.ack_seconds)
        except TimeoutError:
            await ack()
            errors, reply = await work
            if reply is not None:
                await self.answering.respond(origin.response_url, reply, where)
            return
        if errors:
            await ack(**errors_response(errors))
            return
        await ack()
        if reply is not None:
            await self.answering.respond(origin.response_url, reply, where)

    async def _submit(
        self, form: EventForm, origin: Origin, where: Where
    ) -> tuple[dict[str, str], Reply | None]:
        """The errors to show under the fields, and the dispatcher's reply (if it was asked)."""
        context = await self.asking.reader(where)
        stored = context.stored
        problems = form.pipe_problems(context.translator)
        if problems:
            return problems, None
        reply = await self.asking.ask(form.command_line(origin.command), where)
        if not reply.is_error:
            publishing = EventForm.publishing_line(reply.title) if form.public else None
            if publishing:  # the box "public" ticked: the same as typing /editevent N public=yes
                reply = await self.asking.ask(publishing, where)
            return {}, reply
        coalition = stored.coalition if stored is not None else None
        zone = ZoneInfo(coalition.timezone) if coalition is not None else None
        areas: list[AreaView] = []
        if coalition is not None:
            try:
                areas = await self.areas(coalition.slug)
            except Exception as error:
                log.warning("Slack: no areas to check the modal against: %r", error)
        field = form.field_of_error(self.clock(), zone, areas)
        if field is None:  # not about a field: the modal closes, the refusal comes as a message
            return {}, reply
        return {field: reply.lines[0] if reply.lines else "?"}, reply
