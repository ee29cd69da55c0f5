"""Importing typed rows (models/imports/records.py) into a coalition: a preview that writes
nothing, or the import itself, in one transaction.

A natural key tells a row that is already there: an event by its title and start, an
activity by its title and the year it is due, a contact by e-mail, else by name and
organisation. A row equal to what is stored is unchanged, so importing the same file twice
changes nothing the second time. Rejected rows are left out; the rest is written together
or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.entities import (
    Activity,
    ActivityStatus,
    Coalition,
    Contact,
    Event,
    Role,
)
from models.errors import Invalid
from models.imports.columns import Kind
from models.imports.records import (
    ActivityRecord,
    ContactRecord,
    EventRecord,
    Outcome,
    Record,
    Rejected,
)
from models.search import fold
from models.services.base import Service
from models.services.imports.goals import import_goals
from models.services.imports.lookup import Lookup
from models.services.imports.tally import Tally, id_of, rejection
from models.services.reminder_planning import plan_activity, plan_event, plan_new
from models.validation import clean_email, clean_phone, clean_text, optional_text

TITLE_MAX = 200


class ImportService(Service):
    async def run(
        self,
        coalition_slug: str,
        actor: str | None,
        kind: Kind,
        records: Sequence[Record],
        *,
        write: bool,
    ) -> Outcome:
        """What importing `records` does (`write=False`: a preview, nothing is written), or
        does it. `actor` None is the operator at the command line; anyone else must be a
        coordinator of the coalition."""
        tally = Tally()
        async with self._sessions() as session:
            try:
                await self._compare(session, coalition_slug, actor, kind, records, tally, write)
                if write:
                    await session.commit()
            finally:
                if session.in_transaction():
                    await session.rollback()
        self._planned(tally.due)
        return Outcome(
            tally.new, tally.changed, tally.unchanged, tuple(tally.rejected), written=write
        )

    async def _compare(
        self,
        session: AsyncSession,
        coalition_slug: str,
        actor: str | None,
        kind: Kind,
        records: Sequence[Record],
        tally: Tally,
        write: bool,
    ) -> None:
        if actor is None:
            coalition = await self._coalition(session, coalition_slug)
        else:
            coalition = await self._coalition_for(session, coalition_slug, actor, Role.COORDINATOR)
        lookup = Lookup(session, coalition.id, write=write)
        await lookup.load()
        if kind is Kind.EVENTS:
            await self._events(session, coalition, lookup, records, tally, write)
        elif kind is Kind.ACTIVITIES:
            await self._activities(session, coalition, lookup, records, tally, write)
        elif kind is Kind.CONTACTS:
            await self._contacts(session, coalition, lookup, records, tally, write)
        else:
            await import_goals(session, coalition, lookup, records, tally, write, self._clock())
        if write and (tally.new or tally.changed):
            self._audit(
                session,
                coalition.id,
                actor or "operator",
                f"import.{kind.value}",
                f"coalition:{coalition.id}",
                {"new": tally.new, "changed": tally.changed},
            )

    async def _events(
        self,
        session: AsyncSession,
        coalition: Coalition,
        lookup: Lookup,
        records: Sequence[Record],
        tally: Tally,
        write: bool,
    ) -> None:
        stored: dict[tuple[str, datetime], Event] = {}
        for row in await session.scalars(
            select(Event).where(Event.coalition_id == coalition.id).order_by(Event.id)
        ):
            stored.setdefault((fold(row.title), row.starts_at), row)
        seen: dict[tuple[str, datetime], int] = {}
        now = self._clock()
        fresh: list[Event] = []
        for record in records:
            if not isinstance(record, EventRecord):
                continue
            try:
                title = clean_text(record.title, "title", TITLE_MAX)
                location = optional_text(record.location, "location", 300)
                description = optional_text(record.description, "description", 2000)
                area = lookup.area(record.area)
                organiser = lookup.organisation(record.organiser)
            except Invalid as error:
                tally.rejected.append(rejection(record.row, error))
                continue
            key = (fold(title), record.starts_at)
            if key in seen:
                tally.rejected.append(
                    Rejected(record.row, "title", "duplicate", title, 0, seen[key])
                )
                continue
            seen[key] = record.row
            wanted = {
                "ends_at": record.ends_at,
                "all_day": record.all_day,
                "location": location,
                "description": description,
                "kind": record.kind,
                "status": record.status,
            }
            event = stored.get(key)
            if event is None:
                tally.new += 1
                if write:
                    event = Event(
                        coalition_id=coalition.id,
                        title=title,
                        starts_at=record.starts_at,
                        created_by="import",
                        **wanted,
                    )
                    event.area, event.organiser = area, organiser
                    session.add(event)
                    fresh.append(event)
                continue
            same = all(getattr(event, name) == value for name, value in wanted.items())
            same = same and event.area_id == id_of(area) and event.organiser_id == id_of(organiser)
            if same:
                tally.unchanged += 1
                continue
            tally.changed += 1
            if write:
                for name, value in wanted.items():
                    setattr(event, name, value)
                event.area, event.organiser = area, organiser
                await session.flush()
                tally.due += await plan_event(session, event, coalition, self.policy, now)
        if fresh:  # the new ones written together, and their reminders planned together
            await session.flush()
            tally.due += await plan_new(session, coalition, self.policy, now, events=fresh)

    async def _activities(
        self,
        session: AsyncSession,
        coalition: Coalition,
        lookup: Lookup,
        records: Sequence[Record],
        tally: Tally,
        write: bool,
    ) -> None:
        stored: dict[tuple[str, int | None], Activity] = {}
        for row in await session.scalars(
            select(Activity).where(Activity.coalition_id == coalition.id).order_by(Activity.id)
        ):
            year = row.due_on.year if row.due_on else None
            stored.setdefault((fold(row.title), year), row)
        seen: dict[tuple[str, int | None], int] = {}
        now = self._clock()
        fresh: list[Activity] = []
        for record in records:
            if not isinstance(record, ActivityRecord):
                continue
            try:
                title = clean_text(record.title, "title", TITLE_MAX)
                notes = optional_text(record.notes, "notes", 2000)
                area = lookup.area(record.area)
                organisation = lookup.organisation(record.organisation)
            except Invalid as error:
                tally.rejected.append(rejection(record.row, error))
                continue
            key = (fold(title), record.due_on.year if record.due_on else None)
            if key in seen:
                tally.rejected.append(
                    Rejected(record.row, "title", "duplicate", title, 0, seen[key])
                )
                continue
            seen[key] = record.row
            activity = stored.get(key)
            if activity is None:
                tally.new += 1
                if write:
                    activity = Activity(
                        coalition_id=coalition.id,
                        title=title,
                        due_on=record.due_on,
                        status=record.status,
                        notes=notes,
                        done_at=now if record.status is ActivityStatus.DONE else None,
                    )
                    activity.area, activity.organisation = area, organisation
                    session.add(activity)
                    fresh.append(activity)
                continue
            same = (
                activity.due_on == record.due_on
                and activity.status == record.status
                and activity.notes == notes
                and activity.area_id == id_of(area)
                and activity.organisation_id == id_of(organisation)
            )
            if same:
                tally.unchanged += 1
                continue
            tally.changed += 1
            if write:
                if record.status is ActivityStatus.DONE and activity.status != record.status:
                    activity.done_at = now
                elif record.status is not ActivityStatus.DONE:
                    activity.done_at = None
                activity.due_on, activity.status, activity.notes = (
                    record.due_on,
                    record.status,
                    notes,
                )
                activity.area, activity.organisation = area, organisation
                await session.flush()
                tally.due += await plan_activity(session, activity, coalition, self.policy, now)
        if fresh:
            await session.flush()
            tally.due += await plan_new(session, coalition, self.policy, now, activities=fresh)

    async def _contacts(
        self,
        session: AsyncSession,
        coalition: Coalition,
        lookup: Lookup,
        records: Sequence[Record],
        tally: Tally,
        write: bool,
    ) -> None:
        by_email: dict[str, Contact] = {}
        by_name: dict[tuple[str, int], Contact] = {}
        for row in await session.scalars(
            select(Contact).where(Contact.coalition_id == coalition.id).order_by(Contact.id)
        ):
            if row.email:
                by_email.setdefault(row.email.casefold(), row)
            by_name.setdefault((fold(row.name), row.organisation_id), row)
        seen: dict[object, int] = {}
        for record in records:
            if not isinstance(record, ContactRecord):
                continue
            try:
                name = clean_text(record.name, "name", 200)
                role = optional_text(record.role, "role", 200)
                email = clean_email(record.email)
                phone = clean_phone(record.phone)
                website = optional_text(record.website, "website", 300)
                organisation = lookup.organisation(record.organisation, record.sector, website)
            except Invalid as error:
                tally.rejected.append(rejection(record.row, error))
                continue
            if organisation is None:
                tally.rejected.append(Rejected(record.row, "organisation", "empty"))
                continue
            key: object = email.casefold() if email else (fold(name), fold(organisation.name))
            if key in seen:
                tally.rejected.append(Rejected(record.row, "name", "duplicate", name, 0, seen[key]))
                continue
            seen[key] = record.row
            contact = by_email.get(email.casefold()) if email else None
            if contact is None and organisation.id is not None:
                contact = by_name.get((fold(name), organisation.id))
            if contact is None:
                tally.new += 1
                if write:
                    contact = Contact(
                        coalition_id=coalition.id, name=name, role=role, email=email, phone=phone
                    )
                    contact.organisation = organisation
                    session.add(contact)
                continue
            same = (
                contact.name == name
                and contact.role == role
                and contact.email == email
                and contact.phone == phone
                and contact.organisation_id == id_of(organisation)
            )
            if same:
                tally.unchanged += 1
                continue
            tally.changed += 1
            if write:
                contact.name, contact.role, contact.email, contact.phone = name, role, email, phone
                contact.organisation = organisation
        if write:
            await session.flush()
