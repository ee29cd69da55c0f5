"""Everything stored about one identity, gathered for the person (/mydata), and erased at
their request (/forgetme): their roles (a config admin keeps those the configuration gives),
settings, subscriptions, answers to events, calendar links and held imports are deleted;
their identity in the audit and wherever else it is named becomes a pseudonym; contacts drop
it from their chat identities. One transaction: all of it or nothing."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, cast, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.entities import (
    AuditEntry,
    CalendarToken,
    ChatSighting,
    Coalition,
    CoalitionChoice,
    Contact,
    Event,
    Member,
    Organisation,
    UserSetting,
)
from models.freshness import PersonChange
from models.goals.entities import CheckIn
from models.held.entities import HeldImport
from models.reminders import Subscription
from models.rsvp.entities import Attendance, Rsvp
from models.services.base import Service
from models.services.personal.sweep import sweep
from models.services.rsvp.notices import tell_promoted
from models.services.rsvp.service import RsvpService, _tally

PSEUDONYM_PREFIX = "forgotten:"


@dataclass(frozen=True)
class Forgotten:
    pseudonym: str
    kept_admin_of: tuple[str, ...]
    """The coalitions whose configuration makes the person an admin: those roles stay."""


def moment(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


class PersonalDataService(Service):
    async def collect(self, identity: str) -> dict[str, Any]:
        """Everything stored about the identity, as plain JSON-ready values."""
        async with self._sessions() as session:
            names = dict((await session.execute(select(Coalition.id, Coalition.name))).all())
            coalition = names.get
            setting = await session.get(UserSetting, identity)
            choice = await session.get(CoalitionChoice, identity)
            found: dict[str, Any] = {
                "identity": identity,
                "language": setting.locale if setting else None,
                "chosen_coalition": coalition(choice.coalition_id) if choice else None,
                "roles": [
                    {"coalition": coalition(m.coalition_id), "role": m.role.value}
                    | {"from_configuration": m.from_config}
                    for m in await session.scalars(
                        select(Member).where(Member.identity == identity).order_by(Member.id)
                    )
                ],
                "subscriptions": [
                    {
                        "coalition": coalition(s.coalition_id),
                        "chat": s.chat_id,
                        "area_id": s.area_id,
                        "active": s.active,
                        "language": s.locale,
                        "since": moment(s.created_at),
                    }
                    for s in await session.scalars(
                        select(Subscription).where(Subscription.identity == identity)
                    )
                ],
                "answers_to_events": await self._answers(session, identity),
                "seen_in_chats": [
                    {"chat": s.chat_id, "member": s.member, "checked": moment(s.checked_at)}
                    for s in await session.scalars(
                        select(ChatSighting).where(ChatSighting.identity == identity)
                    )
                ],
                "calendar_links": [
                    {"coalition": coalition(c.coalition_id), "created": moment(c.created_at)}
                    for c in await session.scalars(
                        select(CalendarToken).where(CalendarToken.identity == identity)
                    )
                ],
                "audit_entries_made": [
                    {
                        "coalition": coalition(a.coalition_id) if a.coalition_id else None,
                        "action": a.action,
                        "target": a.target,
                        "detail": a.detail,
                        "at": moment(a.at),
                    }
                    for a in await session.scalars(
                        select(AuditEntry)
                        .where(AuditEntry.actor == identity)
                        .order_by(AuditEntry.at, AuditEntry.id)
                    )
                ],
                "events_created": [
                    {"coalition": coalition(e.coalition_id), "id": e.id, "title": e.title}
                    for e in await session.scalars(
                        select(Event).where(Event.created_by == identity).order_by(Event.id)
                    )
                ],
                "check_ins_recorded": [
                    {"coalition": coalition(c.coalition_id), "indicator_id": c.indicator_id}
                    | {"value": c.value, "note": c.note, "at": moment(c.at)}
                    for c in await session.scalars(
                        select(CheckIn).where(CheckIn.actor == identity).order_by(CheckIn.id)
                    )
                ],
                "contact_records": await self._contacts(session, identity, names),
                "imports_waiting": [
                    {"coalition": coalition(h.coalition_id), "file": h.filename}
                    | {"state": h.state.value, "expires": moment(h.expires_at)}
                    for h in await session.scalars(
                        select(HeldImport).where(HeldImport.identity == identity)
                    )
                ],
            }
            return found

    async def _answers(self, session: AsyncSession, identity: str) -> list[dict[str, Any]]:
        rows = await session.execute(
            select(Rsvp, Event.title, Event.starts_at)
            .join(Event, Event.id == Rsvp.event_id)
            .where(Rsvp.identity == identity)
            .order_by(Event.starts_at)
        )
        return [
            {
                "event_id": r.event_id,
                "event": title,
                "starts": moment(starts),
                "answer": r.state.value,
                "guests": r.guests,
                "name": r.name,
                "private_chat": r.private_chat,
                "language": r.locale,
                "answered": moment(r.answered_at),
            }
            for r, title, starts in rows
        ]

    async def _linked_contacts(self, session: AsyncSession, identity: str) -> list[Contact]:
        """Contacts naming the identity among their chat identities, and those sharing an
        e-mail address with them."""
        candidates = await session.scalars(
            select(Contact).where(
                cast(Contact.chat_identities, String).contains(identity, autoescape=True)
            )
        )
        linked = [c for c in candidates if identity in (c.chat_identities or [])]
        emails = {c.email.casefold() for c in linked if c.email}
        if emails:
            same = await session.scalars(
                select(Contact).where(
                    Contact.email.is_not(None), Contact.id.not_in([c.id for c in linked])
                )
            )
            linked += [c for c in same if c.email and c.email.casefold() in emails]
        return linked

    async def _contacts(
        self, session: AsyncSession, identity: str, names: dict[int, str]
    ) -> list[dict[str, Any]]:
        found = []
        for contact in await self._linked_contacts(session, identity):
            organisation = await session.get(Organisation, contact.organisation_id)
            found.append(
                {
                    "coalition": names.get(contact.coalition_id),
                    "id": contact.id,
                    "name": contact.name,
                    "organisation": organisation.name if organisation else None,
                    "role": contact.role,
                    "email": contact.email,
                    "phone": contact.phone,
                    "chat_identities": contact.chat_identities,
                }
            )
        return found

    async def forget(self, identity: str, private_chats: tuple[str, ...] = ()) -> Forgotten:
        """Erases the identity (module docstring); `private_chats` are the person's own chats
        with the bot, whose names become pseudonyms too."""
        pseudonym = PSEUDONYM_PREFIX + secrets.token_hex(6)
        now = self._clock()
        async with self._sessions.begin() as session:
            kept = await self._roles(session, identity)
            chats = set(private_chats)
            chats.update(
                await session.scalars(
                    select(Subscription.chat_id).where(Subscription.identity == identity)
                )
            )
            chats.update(
                chat
                for chat in await session.scalars(
                    select(Rsvp.private_chat).where(Rsvp.identity == identity)
                )
                if chat
            )
            for model in (UserSetting, CoalitionChoice, ChatSighting, CalendarToken):
                await session.execute(delete(model).where(model.identity == identity))
            await session.execute(delete(Subscription).where(Subscription.identity == identity))
            await session.execute(delete(HeldImport).where(HeldImport.identity == identity))
            due = await self._withdraw_answers(session, identity, now)
            for contact in await self._linked_contacts(session, identity):
                if identity in (contact.chat_identities or []):
                    left = [i for i in contact.chat_identities or [] if i != identity]
                    contact.chat_identities = left or None
            await session.flush()
            names = {identity: pseudonym}
            names.update(
                {chat: f"{pseudonym}:chat{n}" for n, chat in enumerate(sorted(chats - {identity}))}
            )
            await sweep(session, names)
            await session.execute(delete(PersonChange).where(PersonChange.identity == identity))
            self._audit(session, None, pseudonym, "person.forget", pseudonym)
        self._planned(due)
        return Forgotten(pseudonym, kept)

    async def _roles(self, session: AsyncSession, identity: str) -> tuple[str, ...]:
        """Deletes the person's roles but those the configuration gives; the coalitions of those."""
        kept = (
            await session.execute(
                select(Coalition.name)
                .join(Member, Member.coalition_id == Coalition.id)
                .where(Member.identity == identity, Member.from_config.is_(True))
                .order_by(Coalition.name)
            )
        ).scalars()
        names = tuple(kept)
        await session.execute(
            delete(Member).where(Member.identity == identity, Member.from_config.is_(False))
        )
        return names

    async def _withdraw_answers(
        self, session: AsyncSession, identity: str, now: datetime
    ) -> list[datetime]:
        """The person's answers taken out of each event's counts (the counts locked first),
        and the places they held given to the first in line."""
        due: list[datetime] = []
        rsvp = RsvpService(self._sessions, self._clock, policy=self.policy)
        answers = list(await session.scalars(select(Rsvp).where(Rsvp.identity == identity)))
        for answer in sorted(answers, key=lambda a: a.event_id):
            attendance = await session.scalar(
                select(Attendance)
                .where(Attendance.event_id == answer.event_id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
            await session.execute(delete(Rsvp).where(Rsvp.id == answer.id))
            if attendance is None:
                continue
            _tally(attendance, answer.state, answer.guests, -1)
            await session.flush()
            promoted = await rsvp._promote(session, attendance)
            due += await tell_promoted(session, attendance.coalition_id, promoted, now)
        return due
