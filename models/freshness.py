"""How fresh remembered answers are: per coalition, a count of commits that changed its content.

Each model declares what it is to the remembered answers (models/base.py, `answers=`):
- content of a coalition: a commit that adds, changes or removes such a row adds one to that
  coalition's row of `content_revision`, and to no other coalition's;
- personal: a person's own choice (their language) is no coalition's content; a commit that
  changes one records the person in `person_changes`, so that only what is remembered about
  that person is forgotten; content rows that name a person (a role) do both;
- bookkeeping: reminders, deliveries, subscriptions and the audit count for nothing.

The process that commits knows at once; other processes on the same database notice when
they next read the counters, at most once per `poll_seconds`. Row 0 of `content_revision` is
no coalition: it counts the commits that changed something personal. Row -N counts the
commits that changed what coalition N's chat contexts read (content declared `context=True`:
the coalition, its chat bindings, its roles), so that a new event leaves them alone.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from itertools import chain
from typing import Any

from sqlalchemy import BigInteger, String, bindparam, event, inspect, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column
from sqlalchemy.sql.expression import Executable

from models.base import BOOKKEEPING, Answers, Base, declared
from models.entities import Coalition

log = logging.getLogger(__name__)

PEOPLE = 0
"""The row of `content_revision` that counts personal changes (no coalition has id 0)."""
EVERYONE = "*"
"""Passed to person listeners when a change named no one in particular."""
COALITIONS = "answers.coalitions"
ALL_COALITIONS = "answers.all_coalitions"
CONTEXTS = "answers.contexts"
ALL_CONTEXTS = "answers.all_contexts"
PEOPLE_CHANGED = "answers.people"
PEOPLE_ANSWERED = "answers.people_answered"
PEOPLE_SEEN = "answers.people_seen"
COMMITTED = "answers.committed"
BUMPS_KEPT = 16
"""Upserts of up to this many revision rows are made once; a commit naming more (a change
of every coalition) makes its own."""


class ContentRevision(Base, answers=BOOKKEEPING):
    """Per coalition: how many commits have changed its content so far."""

    __tablename__ = "content_revision"

    coalition_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    revision: Mapped[int] = mapped_column(BigInteger, default=0)


class PersonChange(Base, answers=BOOKKEEPING):
    """The personal revision (row 0 of content_revision) at which a person last changed."""

    __tablename__ = "person_changes"

    identity: Mapped[str] = mapped_column(String(100), primary_key=True)
    revision: Mapped[int] = mapped_column(BigInteger, index=True)


def _scope(instance: object) -> tuple[Answers | None, str]:
    mapper = inspect(type(instance), raiseerr=False)
    if mapper is None:
        return BOOKKEEPING, ""
    table = mapper.local_table
    return declared(table), str(getattr(table, "name", table))


def _insert_for(session: Session) -> Callable[[type[Base]], Any]:
    """INSERT … ON CONFLICT for the session's database (SQLite and PostgreSQL both have it)."""
    return postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def _values(instance: object, attribute: str, *, dirty: bool) -> Iterable[object]:
    """The attribute's value, and on a changed row also the value it had before."""
    yield getattr(instance, attribute, None)
    if dirty:
        yield from inspect(instance).attrs[attribute].history.deleted or ()


def content_written(session: Session | AsyncSession, coalition_id: int) -> None:
    """A content row of the coalition written on the session's connection, past the ORM's
    unit of work: it counts at the commit as a flushed row would."""
    session.info.setdefault(COALITIONS, set()).add(coalition_id)


def person_changed(session: Session | AsyncSession, identity: str) -> None:
    """A personal row of `identity` written on the session's connection, past the ORM's unit
    of work: at the commit it refreshes everything remembered about that person, as a
    flushed row would."""
    session.info.setdefault(PEOPLE_CHANGED, set()).add(identity)


def personal_answer_written(session: Session | AsyncSession, identity: str) -> None:
    """A person's own answer (to an event) written on the session's connection, past the
    ORM's unit of work: at the commit it refreshes what is remembered of that person's
    answers; their chat contexts (coalition, role, languages) stay, as nothing in them
    changed."""
    session.info.setdefault(PEOPLE_ANSWERED, set()).add(identity)


def person_seen(session: Session | AsyncSession, identity: str) -> None:
    """Where a person was found (a chat sighting) written on the session's connection: at
    the commit it refreshes what decides their private chats here; their answers and their
    contexts in group chats stay. Other processes refresh all they remember of the person."""
    session.info.setdefault(PEOPLE_SEEN, set()).add(identity)


class ContentChanges:
    """The coalitions' revisions as this process knows them; they only grow."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        session_class: type[Session],
        *,
        poll_seconds: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.version = 0
        """Grows whenever this process learns of any change, here or elsewhere."""
        self.context_version = 0
        """Grows whenever this process learns that what chat contexts read changed (a
        coalition's bindings, roles or settings), or that everyone's personal rows did."""
        self._known: dict[int, int] = {}
        self._people_seen: int | None = None
        self._listeners: list[Callable[[str], None]] = []
        self._answer_listeners: list[Callable[[str], None]] = []
        self._seen_listeners: list[Callable[[str], None]] = []
        self._sessions = sessions
        self.poll_seconds = poll_seconds
        self._monotonic = monotonic
        self._polled_at = float("-inf")
        self._warned: set[str] = set()
        self._upserts: dict[str, tuple[Executable, Executable]] = {}
        self._bumps: dict[tuple[str, int], Executable] = {}
        event.listen(session_class, "after_flush", self._after_flush)
        event.listen(session_class, "do_orm_execute", self._on_execute)
        event.listen(session_class, "before_commit", self._before_commit)
        event.listen(session_class, "after_commit", self._after_commit)
        event.listen(session_class, "after_rollback", self._after_rollback)

    def revision(self, coalition_id: int | None) -> int:
        """The coalition's content revision as known here (0 for no coalition)."""
        return self._known.get(coalition_id, 0) if coalition_id is not None else 0

    def context_revision(self, coalition_id: int | None) -> int:
        """The revision of what the coalition's chat contexts read (0 for no coalition)."""
        return self._known.get(-coalition_id, 0) if coalition_id is not None else 0

    def on_person_changed(self, listener: Callable[[str], None]) -> None:
        """Calls `listener(identity)` whenever a person's own settings or roles changed
        (`EVERYONE` when a change named no one in particular)."""
        self._listeners.append(listener)

    def on_answers_changed(self, listener: Callable[[str], None]) -> None:
        """Calls `listener(identity)` when this process stored a person's own answer (their
        settings and roles unchanged)."""
        self._answer_listeners.append(listener)

    def on_person_seen(self, listener: Callable[[str], None]) -> None:
        """Calls `listener(identity)` when this process stored where a person was found."""
        self._seen_listeners.append(listener)

    async def refresh_if_due(self) -> None:
        """Reads the stored counters unless they were read within `poll_seconds`."""
        now = self._monotonic()
        if now - self._polled_at < self.poll_seconds:
            return
        self._polled_at = now
        async with self._sessions() as session:
            rows = await session.execute(
                select(ContentRevision.coalition_id, ContentRevision.revision)
            )
            stored = {coalition_id: revision for coalition_id, revision in rows}
            people = stored.pop(PEOPLE, 0)
            changed: list[str] = []
            if self._people_seen is not None and people > self._people_seen:
                changed = list(
                    await session.scalars(
                        select(PersonChange.identity).where(
                            PersonChange.revision > self._people_seen
                        )
                    )
                )
        self._learn(stored, people, changed)

    def _learn(
        self,
        revisions: dict[int, int],
        people: int | None,
        changed: list[str],
        answered: Iterable[str] = (),
        seen: Iterable[str] = (),
    ) -> None:
        for coalition_id, revision in revisions.items():
            if revision > self._known.get(coalition_id, 0):
                self._known[coalition_id] = revision
                self.version += 1
                if coalition_id < 0:
                    self.context_version += 1
        if people is not None and (self._people_seen is None or people > self._people_seen):
            self._people_seen = people
        if changed:
            self.version += 1
            if EVERYONE in changed:
                self.context_version += 1
            for identity in changed:
                for listener in self._listeners:
                    listener(identity)
        for identity in answered:
            for listener in self._answer_listeners:
                listener(identity)
        for identity in seen:
            for listener in self._seen_listeners:
                listener(identity)

    def _note(self, session: Session, answers: Answers | None, name: str) -> Answers:
        if answers is None:
            if name not in self._warned:
                self._warned.add(name)
                log.warning("table %s declares nothing (answers=); counted as everyone's", name)
            session.info[ALL_COALITIONS] = True
            session.info[ALL_CONTEXTS] = True
            session.info.setdefault(PEOPLE_CHANGED, set()).add(EVERYONE)
            return BOOKKEEPING
        return answers

    def _after_flush(self, session: Session, _context: Any) -> None:
        for instance in chain(session.new, session.deleted):
            self._count(session, instance, dirty=False)
        for instance in session.dirty:
            if session.is_modified(instance):
                self._count(session, instance, dirty=True)

    def _count(self, session: Session, instance: object, *, dirty: bool) -> None:
        answers = self._note(session, *_scope(instance))
        if answers.kind == "content" and answers.coalition:
            coalitions = session.info.setdefault(COALITIONS, set())
            contexts = session.info.setdefault(CONTEXTS, set()) if answers.context else None
            for value in _values(instance, answers.coalition, dirty=dirty):
                if isinstance(value, int):
                    coalitions.add(value)
                    if contexts is not None:
                        contexts.add(value)
        if answers.person:
            people = session.info.setdefault(PEOPLE_CHANGED, set())
            for value in _values(instance, answers.person, dirty=dirty):
                if isinstance(value, str):
                    people.add(value)

    def _on_execute(self, state: ORMExecuteState) -> None:
        """A bulk INSERT, UPDATE or DELETE names no rows: it counts for every coalition its
        table belongs to, and for everyone when its table is personal."""
        if not (state.is_insert or state.is_update or state.is_delete):
            return
        table = getattr(state.statement, "table", None)
        answers = self._note(state.session, declared(table), str(getattr(table, "name", table)))
        if answers.kind == "content":
            state.session.info[ALL_COALITIONS] = True
            if answers.context:
                state.session.info[ALL_CONTEXTS] = True
        if answers.person:
            state.session.info.setdefault(PEOPLE_CHANGED, set()).add(EVERYONE)

    def _before_commit(self, session: Session) -> None:
        session.flush()
        coalitions: set[int] = session.info.pop(COALITIONS, set())
        contexts: set[int] = session.info.pop(CONTEXTS, set())
        every_coalition = session.info.pop(ALL_COALITIONS, False)
        every_context = session.info.pop(ALL_CONTEXTS, False)
        if every_coalition or every_context:
            known = set(session.scalars(select(Coalition.id)))
            coalitions.update(known if every_coalition else ())
            contexts.update(known if every_context else ())
        people: set[str] = session.info.pop(PEOPLE_CHANGED, set())
        answered: set[str] = session.info.pop(PEOPLE_ANSWERED, set()) - people
        seen: set[str] = session.info.pop(PEOPLE_SEEN, set()) - people
        personal = people | answered | seen
        if not coalitions and not contexts and not personal:
            return
        # last in the transaction, in one order, so writers wait briefly and never deadlock;
        # every row in one statement (the personal row among them), one round trip
        keys = sorted(
            coalitions | {-coalition for coalition in contexts} | ({PEOPLE} if personal else set())
        )
        committed = self._bump_all(session, keys)
        if personal:
            self._record(session, sorted(personal), committed[PEOPLE])
        session.info[COMMITTED] = (committed, sorted(people), sorted(answered), sorted(seen))

    def _bump_all(self, session: Session, keys: list[int]) -> dict[int, int]:
        """Adds one to each row's revision (making a new row at 1): the revisions now."""
        if len(keys) == 1:
            return {keys[0]: self._bump(session, keys[0])}
        statement = self._bump_many(session, len(keys))
        rows = session.connection().execute(statement, {f"k{n}": key for n, key in enumerate(keys)})
        return {int(key): int(revision) for key, revision in rows}

    def _bump_many(self, session: Session, count: int) -> Executable:
        """The upsert of `count` rows named `k0`, `k1` …: made once for the few counts a
        commit usually has (a coalition and the people), as making it costs more than it."""
        dialect = session.get_bind().dialect.name
        made = self._bumps.get((dialect, count))
        if made is None:
            insert = _insert_for(session)
            made = (
                insert(ContentRevision)
                .values([{"coalition_id": bindparam(f"k{n}"), "revision": 1} for n in range(count)])
                .on_conflict_do_update(
                    index_elements=[ContentRevision.coalition_id],
                    set_={"revision": ContentRevision.revision + 1},
                )
                .returning(ContentRevision.coalition_id, ContentRevision.revision)
            )
            if count <= BUMPS_KEPT:
                self._bumps[dialect, count] = made
        return made

    def _bump(self, session: Session, key: int) -> int:
        """Adds one to the row's revision (making the row at 1 if it is new)."""
        bump, _record = self._statements(session)
        return int(session.connection().scalar(bump, {"key": key}) or 0)

    def _record(self, session: Session, identities: list[str], revision: int) -> None:
        """Each person's last change is this revision (one statement for them all)."""
        _bump, record = self._statements(session)
        session.connection().execute(
            record, [{"identity": identity, "revision": revision} for identity in identities]
        )

    def _statements(self, session: Session) -> tuple[Executable, Executable]:
        """The two upserts for the session's database, made once: run on its connection, they
        cost a person's change (a language) less than going through the ORM each time."""
        dialect = session.get_bind().dialect.name
        made = self._upserts.get(dialect)
        if made is None:
            insert = _insert_for(session)
            bump = (
                insert(ContentRevision)
                .values(coalition_id=bindparam("key"), revision=1)
                .on_conflict_do_update(
                    index_elements=[ContentRevision.coalition_id],
                    set_={"revision": ContentRevision.revision + 1},
                )
                .returning(ContentRevision.revision)
            )
            record = (
                insert(PersonChange)
                .values(identity=bindparam("identity"), revision=bindparam("revision"))
                .on_conflict_do_update(
                    index_elements=[PersonChange.identity],
                    set_={"revision": bindparam("revision")},
                )
            )
            made = self._upserts[dialect] = (bump, record)
        return made

    def _after_commit(self, session: Session) -> None:
        committed = session.info.pop(COMMITTED, None)
        if committed is None:
            return
        revisions, people, answered, seen = committed
        mine = revisions.pop(PEOPLE, None)
        if mine is not None and self._people_seen is not None and mine == self._people_seen + 1:
            self._people_seen = mine  # nobody else changed a person in between
        self._learn(revisions, None, people, answered, seen)

    def _after_rollback(self, session: Session) -> None:
        for key in (
            COALITIONS,
            ALL_COALITIONS,
            CONTEXTS,
            ALL_CONTEXTS,
            PEOPLE_CHANGED,
            PEOPLE_ANSWERED,
            PEOPLE_SEEN,
            COMMITTED,
        ):
            session.info.pop(key, None)
