"""Answers to events, taking the event's row of counts first in every transaction.

Every change of answers to an event begins by locking that event's `event_attendance` row
(made on the first answer): on PostgreSQL with `SELECT … FOR UPDATE`, so answers from any
number of sessions and processes take turns; on SQLite the first statement is a write, which
takes the database's write lock. Each answer then reads the counts as the previous one left
them, so the places taken never pass the capacity. Answers to one event that arrive while
one is being stored wait and are stored next, together, in one transaction (a hundred people
pressing Going at once take the lock a few times, not a hundred). A change of counts
refreshes the remembered answers of the event's coalition, and only those; a person's own
answer (`rsvps`) is personal and refreshes only what is remembered of that person's
answers.
"""

from __future__ import annotations

import functools
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Integer, Select, bindparam, func, literal, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.expression import Executable

from models.entities import Coalition, Event, EventStatus, Role
from models.errors import Invalid, NotFound
from models.freshness import content_written, personal_answer_written
from models.rsvp.entities import GUESTS_MAX, Attendance, Rsvp, RsvpState
from models.services.base import Service, coalition_id_of, storable_slug
from models.services.batches import Batches
from models.services.event_views import RELATIONS, event_view
from models.services.network.service import shared_with
from models.services.rsvp.notices import tell_promoted
from models.services.rsvp.posted import Announced, announced
from models.services.rsvp.views import (
    Answer,
    Attendee,
    Attendees,
    Counts,
    MyAnswer,
    Outcome,
    Promoted,
    counts_of,
)

CAPACITY_MAX = 100_000
NAME_MAX = 200
COUNTERS = ("going", "places", "maybe", "declined", "waiting", "queued")
STATE_ORDER = {RsvpState.GOING: 0, RsvpState.WAITING: 1, RsvpState.MAYBE: 2, RsvpState.DECLINED: 3}


def _tally(attendance: Attendance, state: RsvpState | None, guests: int, sign: int) -> None:
    """Adds (sign 1) or takes away (sign -1) one person's answer from the counts."""
    if state is RsvpState.GOING:
        attendance.going += sign
        attendance.places += sign * (1 + guests)
    elif state is RsvpState.WAITING:
        attendance.waiting += sign
    elif state is RsvpState.MAYBE:
        attendance.maybe += sign
    elif state is RsvpState.DECLINED:
        attendance.declined += sign


def _fits(attendance: Attendance, guests: int) -> bool:
    return attendance.capacity is None or attendance.places + 1 + guests <= attendance.capacity


def is_over(event: Event, now: datetime) -> bool:
    """Whether the event has ended (a whole day's event at the end of its day, in UTC+14
    at the latest: answers stay open until it is over everywhere)."""
    if event.all_day:
        return event.starts_at + timedelta(days=2) < now
    return (event.ends_at or event.starts_at) < now


@functools.cache
def _lock_statements(dialect: str) -> tuple[Executable, Select[*tuple[Any, ...]]]:
    """For the parameters `slug` and `event`: the statement making an event's counts row
    (when the event is the coalition's own or shared with it), and the one reading it locked,
    with the event and whether it is the coalition's own. Built once per database kind:
    making them anew costs about as much as running them."""
    coalition_id = select(Coalition.id).where(Coalition.slug == bindparam("slug")).scalar_subquery()
    event_id = bindparam("event", type_=Integer)
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    counters = list(COUNTERS)
    make = (
        insert(Attendance)
        .from_select(
            ["event_id", "coalition_id", *counters],
            select(Event.id, Event.coalition_id, *[literal(0)] * len(counters)).where(
                Event.id == event_id,
                or_(Event.coalition_id == coalition_id, Event.id.in_(shared_with(coalition_id))),
            ),
        )
        .on_conflict_do_nothing(index_elements=["event_id"])
    )
    locked = (
        select(Attendance, Event, (Event.coalition_id == coalition_id).label("own"))
        .join(Event, Event.id == Attendance.event_id)
        .where(
            Attendance.event_id == event_id,
            # the event's own coalition, or one it is shared with: answers from a linked
            # coalition count on the origin's event
            or_(
                Attendance.coalition_id == coalition_id,
                Attendance.event_id.in_(shared_with(coalition_id)),
            ),
        )
        .options(*RELATIONS)  # many-to-one, joined: the event's view comes with the lock
        .with_for_update(of=Attendance)
        .execution_options(populate_existing=True)
    )
    return make, locked


class RsvpService(Service):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._batches = Batches(self._answer_all)
        self.on_counts: list[Callable[[int], None]] = []
        """Told the id of an event whose counts changed, after the commit (to edit its
        announcements)."""

    def _counts_changed(self, event_id: int) -> None:
        for listener in self.on_counts:
            listener(event_id)

    async def announced(self, event_id: int) -> Announced | None:
        """The event's announcement messages and the counts they should show."""
        async with self._sessions() as session:
            return await announced(session, event_id)

    async def answer(
        self,
        coalition_slug: str,
        event_id: int,
        identity: str,
        answer: Answer,
        *,
        guests: int = 0,
        name: str = "",
        private_chat: str | None = None,
        locale: str | None = None,
    ) -> Outcome:
        """Stores a person's answer. "yes" is going while places are free and nobody waits,
        else waiting at the end of the line; the same answer again changes nothing; a place
        given up goes to the first in line whose party fits. Answers to one event that come
        while one is being stored are stored together next, in the order they came."""
        if not 0 <= guests <= GUESTS_MAX:
            raise Invalid("guests", "too_large", GUESTS_MAX)
        if answer is not Answer.YES:
            guests = 0
        asked = _Asked(identity, answer, guests, name.strip()[:NAME_MAX], private_chat, locale)
        return await self._batches.submit((event_id, coalition_slug), asked)

    async def _answer_all(self, key: tuple[int, str], batch: list[_Asked]) -> list[Outcome]:
        """The answers to one event from one coalition's people, in one transaction under the
        event's lock, each as if stored alone in turn (the counts as the one before left
        them); a place given up goes to the line after the last of them."""
        event_id, coalition_slug = key
        now = self._clock()
        async with self._sessions.begin() as session:
            attendance, event, own = await self._lock(session, coalition_slug, event_id)
            if event.status is EventStatus.CANCELLED:
                raise Invalid("event", "cancelled")
            if is_over(event, now):
                raise Invalid("event", "over")
            connection = await session.connection()
            stored: dict[str, dict[str, Any]] = {
                row.identity: row._asdict()
                for row in await connection.execute(
                    _ANSWERS_OF, {"e": event_id, "i": sorted({a.identity for a in batch})}
                )
            }
            written: dict[str, dict[str, Any]] = {}
            decided: list[tuple[RsvpState, int, int | None, bool]] = []
            for asked in batch:
                row = stored.get(asked.identity)
                old_state = RsvpState(row["state"]) if row is not None else None
                old_guests = row["guests"] if row is not None else 0
                old_position = row["position"] if row is not None else None
                state = self._next_state(
                    attendance, asked.answer, old_state, old_guests, asked.guests
                )
                if row is not None and state is old_state and asked.guests == old_guests:
                    decided.append((state, asked.guests, old_position, False))
                    continue
                _tally(attendance, old_state, old_guests, -1)
                _tally(attendance, state, asked.guests, 1)
                position = old_position if state is RsvpState.WAITING else None
                if state is RsvpState.WAITING and old_state is not RsvpState.WAITING:
                    attendance.queued += 1
                    position = attendance.queued
                new_row = {
                    "event_id": event_id,
                    "identity": asked.identity,
                    "state": state,
                    "guests": asked.guests,
                    "position": position,
                    "answered_at": now,
                    "name": asked.name or (row["name"] if row is not None else ""),
                    "private_chat": asked.private_chat
                    or (row["private_chat"] if row is not None else None),
                    "locale": asked.locale or (row["locale"] if row is not None else None),
                }
                stored[asked.identity] = written[asked.identity] = new_row
                decided.append((state, asked.guests, position, True))
            promoted: tuple[Promoted, ...] = ()
            due: list[datetime] = []
            if written:
                # one prebuilt upsert on the connection, no unit of work: a person's answer is
                # personal, so it refreshes only what is remembered about them
                await connection.execute(
                    _upsert(session.get_bind().dialect.name), list(written.values())
                )
                for identity in written:
                    personal_answer_written(session, identity)
            lines = await self._lines(
                session, event_id, [(state, position) for state, _g, position, _c in decided]
            )
            if written:
                promoted = await self._promote(session, attendance)
                due = await tell_promoted(session, attendance.coalition_id, promoted, now)
                await _write_counts(session, attendance)
            counts = counts_of(attendance)
            view = event_view(event) if own else None
            outcomes = [
                Outcome(
                    event.id,
                    event.title,
                    state,
                    guests,
                    line,
                    changed=changed,
                    counts=counts,
                    promoted=promoted if changed else (),
                    event=view,
                )
                for (state, guests, _position, changed), line in zip(decided, lines, strict=True)
            ]
        self._planned(due)
        if written:
            self._counts_changed(event_id)
        return outcomes

    @staticmethod
    def _next_state(
        attendance: Attendance,
        answer: Answer,
        old_state: RsvpState | None,
        old_guests: int,
        guests: int,
    ) -> RsvpState:
        if answer is Answer.MAYBE:
            return RsvpState.MAYBE
        if answer is Answer.NO:
            return RsvpState.DECLINED
        if old_state is RsvpState.WAITING:
            return RsvpState.WAITING  # keeps the place in line; moved up when it fits
        if old_state is RsvpState.GOING:
            # the own party counted out, then in with its new size
            free = attendance.capacity is None or (
                attendance.places - (1 + old_guests) + 1 + guests <= attendance.capacity
            )
            return RsvpState.GOING if free else RsvpState.WAITING
        if attendance.waiting == 0 and _fits(attendance, guests):
            return RsvpState.GOING
        return RsvpState.WAITING

    async def set_capacity(
        self, coalition_slug: str, actor: str, event_id: int, capacity: int | None
    ) -> tuple[Counts, tuple[Promoted, ...]]:
        """Sets the places (guests included; None: no limit). More places move people up
        from the line; fewer keep everyone already going, and newcomers wait."""
        if capacity is not None and not 1 <= capacity <= CAPACITY_MAX:
            raise Invalid("capacity", "too_large" if capacity > 0 else "negative")
        async with self._sessions.begin() as session:
            coalition = await self._coalition_for(session, coalition_slug, actor, Role.COORDINATOR)
            attendance, event, _own = await self._lock(session, coalition_slug, event_id)
            if event.coalition_id != coalition.id:  # a linked coalition's: read-only here
                raise NotFound("event", event_id)
            if event.status is EventStatus.CANCELLED:
                raise Invalid("event", "cancelled")
            if attendance.capacity == capacity:
                return counts_of(attendance), ()
            attendance.capacity = capacity
            self._audit(
                session,
                coalition.id,
                actor,
                "event.capacity",
                f"event:{event_id}",
                {"capacity": capacity},
            )
            await session.flush()
            promoted = await self._promote(session, attendance)
            due = await tell_promoted(session, coalition.id, promoted, self._clock())
            counts = counts_of(attendance)
        self._planned(due)
        self._counts_changed(event_id)
        return counts, promoted

    async def counts(self, coalition_slug: str, event_id: int) -> Counts:
        """The event's counts (none yet: zero, no limit)."""
        async with self._sessions() as session:
            own = coalition_id_of(coalition_slug)
            attendance = await session.scalar(
                select(Attendance).where(
                    Attendance.event_id == event_id,
                    or_(Attendance.coalition_id == own, Attendance.event_id.in_(shared_with(own))),
                )
            )
            return counts_of(attendance)

    async def my_answer(self, coalition_slug: str, event_id: int, identity: str) -> MyAnswer | None:
        """The person's own answer to one of the coalition's events, if any."""
        async with self._sessions() as session:
            found = (
                await session.execute(
                    select(Rsvp, Event)
                    .join(Event, Event.id == Rsvp.event_id)
                    .where(Rsvp.event_id == event_id, Rsvp.identity == identity)
                )
            ).first()
            if found is None:
                return None
            row, event = found
            return self._mine(
                row, event, await self._line(session, row.event_id, row.state, row.position)
            )

    async def mine(self, identity: str, *, limit: int = 30) -> list[MyAnswer]:
        """The person's answers to events not yet over, soonest first."""
        now = self._clock()
        async with self._sessions() as session:
            rows = await session.execute(
                select(Rsvp, Event)
                .join(Event, Event.id == Rsvp.event_id)
                .where(
                    Rsvp.identity == identity,
                    Event.status == EventStatus.SCHEDULED,
                    Event.starts_at >= now - timedelta(days=2),
                )
                .order_by(Event.starts_at, Event.id)
                .limit(limit * 2)
            )
            found: list[MyAnswer] = []
            for row, event in rows:
                if not is_over(event, now) and len(found) < limit:
                    found.append(
                        self._mine(
                            row,
                            event,
                            await self._line(session, row.event_id, row.state, row.position),
                        )
                    )
            return found

    async def attendees(self, coalition_slug: str, actor: str, event_id: int) -> Attendees:
        """Everyone's answer, for the coalition's coordinators: going, then the line in order,
        then maybe, then declined."""
        async with self._sessions() as session:
            await self._coalition_for(session, coalition_slug, actor, Role.COORDINATOR)
            event = await session.scalar(
                select(Event).where(
                    Event.id == event_id, Event.coalition_id == coalition_id_of(coalition_slug)
                )
            )
            if event is None:
                raise NotFound("event", event_id)
            attendance = await session.get(Attendance, event_id)
            rows = await session.scalars(select(Rsvp).where(Rsvp.event_id == event_id))
            ordered = sorted(
                rows,
                key=lambda r: (STATE_ORDER[r.state], r.position or 0, r.answered_at, r.id),
            )
            return Attendees(
                event.id,
                event.title,
                counts_of(attendance),
                tuple(Attendee(r.identity, r.name, r.state, r.guests) for r in ordered),
            )

    @staticmethod
    def _mine(row: Rsvp, event: Event, line: int | None) -> MyAnswer:
        return MyAnswer(
            event.id, event.title, event.starts_at, event.all_day, row.state, row.guests, line
        )

    async def _lock(
        self, session: AsyncSession, coalition_slug: str, event_id: int
    ) -> tuple[Attendance, Event, bool]:
        """The event's counts, locked until the transaction ends (made on first use), the
        event, and whether it is the coalition's own (not a linked coalition's). On SQLite
        the first statement writes, so the transaction holds the write lock from the start
        and never has to upgrade a read; on PostgreSQL the row is made only when missing."""
        dialect = session.get_bind().dialect.name
        make, locked = _lock_statements(dialect)
        parameters = {"slug": storable_slug(coalition_slug), "event": event_id}
        # on the connection: a bulk insert through the session would count as a change of
        # every coalition's content; the counts' own changes are counted when they are written
        connection = await session.connection()
        if dialect != "postgresql":  # SQLite: a write first, which takes the write lock
            await connection.execute(make, parameters)
        found = (await session.execute(locked, parameters)).first()
        if found is None and dialect == "postgresql":  # the event's first answer
            await connection.execute(make, parameters)
            found = (await session.execute(locked, parameters)).first()
        if found is None:
            await self._require_coalition(session, coalition_slug)
            raise NotFound("event", event_id)
        attendance, event, own = found
        return attendance, event, bool(own)

    async def _promote(self, session: AsyncSession, attendance: Attendance) -> tuple[Promoted, ...]:
        """Moves people up from the line, first come first, while the next one's party fits."""
        if attendance.waiting == 0 or not _fits(attendance, 0):
            return ()
        promoted: list[Promoted] = []
        waiting = await session.scalars(
            select(Rsvp)
            .where(Rsvp.event_id == attendance.event_id, Rsvp.state == RsvpState.WAITING)
            .order_by(Rsvp.position, Rsvp.id)
        )
        for row in waiting:
            if not _fits(attendance, row.guests):
                break
            _tally(attendance, RsvpState.WAITING, row.guests, -1)
            _tally(attendance, RsvpState.GOING, row.guests, 1)
            promoted.append(
                Promoted(
                    row.id, row.identity, row.private_chat, attendance.event_id, row.position or 0
                )
            )
            row.state, row.position = RsvpState.GOING, None
        await session.flush()
        return tuple(promoted)

    async def _lines(
        self,
        session: AsyncSession,
        event_id: int,
        answers: list[tuple[RsvpState, int | None]],
    ) -> list[int | None]:
        """Each waiting answer's place in line (1: next), else None: one statement for all."""
        waiting = [p for state, p in answers if state is RsvpState.WAITING and p is not None]
        if not waiting:
            return [None] * len(answers)
        ahead = sorted(
            position
            for position in await session.scalars(
                select(Rsvp.position).where(
                    Rsvp.event_id == event_id,
                    Rsvp.state == RsvpState.WAITING,
                    Rsvp.position < max(waiting),
                )
            )
            if position is not None
        )
        return [
            bisect_left(ahead, position) + 1
            if state is RsvpState.WAITING and position is not None
            else None
            for state, position in answers
        ]

    async def _line(
        self, session: AsyncSession, event_id: int, state: RsvpState, position: int | None
    ) -> int | None:
        """A waiting person's place in line (1: next), else None."""
        if state is not RsvpState.WAITING or position is None:
            return None
        ahead = await session.scalar(
            select(func.count())
            .select_from(Rsvp)
            .where(
                Rsvp.event_id == event_id,
                Rsvp.state == RsvpState.WAITING,
                Rsvp.position < position,
            )
        )
        return int(ahead or 0) + 1


_ANSWERS_OF = select(
    Rsvp.identity,
    Rsvp.state,
    Rsvp.guests,
    Rsvp.position,
    Rsvp.name,
    Rsvp.private_chat,
    Rsvp.locale,
).where(Rsvp.event_id == bindparam("e"), Rsvp.identity.in_(bindparam("i", expanding=True)))
"""People's answers to an event, as they are now."""


@dataclass(frozen=True)
class _Asked:
    """One person's answer waiting to be stored."""

    identity: str
    answer: Answer
    guests: int
    name: str
    private_chat: str | None
    locale: str | None


_WRITE_COUNTS = (
    update(Attendance)
    .where(Attendance.event_id == bindparam("event"))
    .values({name: bindparam(f"new_{name}") for name in COUNTERS})
)
"""An event's counts as they are now (built once: cheaper than the ORM's flush of them)."""


async def _write_counts(session: AsyncSession, attendance: Attendance) -> None:
    """Writes the counts changed since they were locked, on the session's connection: they
    refresh the coalition's remembered answers at the commit, as a flushed row would, and
    the row is left unchanged in the ORM's eyes (nothing more to flush)."""
    if not session.is_modified(attendance):
        return
    connection = await session.connection()
    values = {name: getattr(attendance, name) for name in COUNTERS}
    await connection.execute(
        _WRITE_COUNTS,
        {"event": attendance.event_id, **{f"new_{name}": value for name, value in values.items()}},
    )
    for name, value in values.items():
        set_committed_value(attendance, name, value)
    content_written(session, attendance.coalition_id)


@functools.cache
def _upsert(dialect: str) -> Executable:
    """A person's answer written whether or not they answered before (built once, so
    compiled once, per database)."""
    statement = (postgresql_insert if dialect == "postgresql" else sqlite_insert)(Rsvp)
    changed = ("state", "guests", "position", "answered_at", "name", "private_chat", "locale")
    return statement.on_conflict_do_update(
        index_elements=[Rsvp.event_id, Rsvp.identity],
        set_={column: statement.excluded[column] for column in changed},
    )
