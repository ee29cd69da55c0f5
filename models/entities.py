"""The coalition's data: who takes part, what happens when, who may change it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Connection,
    Date,
    Enum,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
    false,
)
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from models.base import BOOKKEEPING, Base, content, personal
from models.search import searchable


class Role(StrEnum):
    MEMBER = "member"
    COORDINATOR = "coordinator"
    ADMIN = "admin"

    def at_least(self, other: Role) -> bool:
        order = list(Role)
        return order.index(self) >= order.index(other)


class Sector(StrEnum):
    BUSINESS = "business"
    EDUCATION = "education"
    CIVIL_SOCIETY = "civil_society"
    RESEARCH = "research"
    PUBLIC = "public"


class EventKind(StrEnum):
    MEETING = "meeting"
    WORKSHOP = "workshop"
    CONFERENCE = "conference"
    DEADLINE = "deadline"


class EventStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class EventVisibility(StrEnum):
    INTERNAL = "internal"
    """Members only: chats, the private calendar feed."""
    PUBLIC = "public"
    """Also on the coalition's public web page and public calendar feed."""


class ActivityStatus(StrEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    DONE = "done"
    CANCELLED = "cancelled"


def stored_as_value(enum_type: type[StrEnum]) -> Enum:
    """A portable VARCHAR column holding an enum's values, read back as members."""
    return Enum(
        enum_type,
        native_enum=False,
        create_constraint=False,
        length=20,
        values_callable=lambda members: [member.value for member in members],
    )


class Coalition(Base, answers=content("id", context=True)):
    __tablename__ = "coalitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Ljubljana")
    default_locale: Mapped[str] = mapped_column(String(8), default="sl")
    event_offsets: Mapped[list[int] | None] = mapped_column(JSON, default=None)
    deadline_offsets: Mapped[list[int] | None] = mapped_column(JSON, default=None)
    from_config: Mapped[bool] = mapped_column(default=False, server_default=false())
    """Listed in the operator's configuration at some start (not only made by the demo)."""
    retired: Mapped[bool] = mapped_column(default=False, server_default=false())
    """Once configured, no longer listed: it keeps its data but neither answers nor sends."""

    areas: Mapped[list[Area]] = relationship(back_populates="coalition", order_by="Area.id")


class Area(Base, answers=content("coalition_id")):
    __tablename__ = "areas"
    __table_args__ = (UniqueConstraint("coalition_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))

    coalition: Mapped[Coalition] = relationship(back_populates="areas")


class Organisation(Base, answers=content("coalition_id")):
    __tablename__ = "organisations"
    __table_args__ = (UniqueConstraint("coalition_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    sector: Mapped[Sector | None] = mapped_column(stored_as_value(Sector))
    website: Mapped[str | None] = mapped_column(String(300))
    search: Mapped[str] = mapped_column(Text, server_default="", default="")
    """The name folded for searching (kept in sync on every insert and update)."""


class Contact(Base, answers=content("coalition_id")):
    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(
        ForeignKey("coalitions.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    chat_identities: Mapped[list[str] | None] = mapped_column(JSON, default=None)
    search: Mapped[str] = mapped_column(Text, server_default="", default="")
    """The name and role folded for searching (kept in sync on every insert and update)."""

    organisation: Mapped[Organisation] = relationship()


@event.listens_for(Organisation, "before_insert")
@event.listens_for(Organisation, "before_update")
def _fold_organisation(_mapper: Mapper[Any], _connection: Connection, target: Organisation) -> None:
    target.search = searchable(target.name)


@event.listens_for(Contact, "before_insert")
@event.listens_for(Contact, "before_update")
def _fold_contact(_mapper: Mapper[Any], _connection: Connection, target: Contact) -> None:
    target.search = searchable(target.name, target.role)


class Event(Base, answers=content("coalition_id")):
    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_coalition_start", "coalition_id", "status", "starts_at"),
        # /deadlines: deadline events of a coalition from a day on, without reading the others
        Index("ix_events_coalition_kind_start", "coalition_id", "kind", "status", "starts_at"),
        # goals: the events counted toward an indicator in a period
        Index("ix_events_indicator_start", "indicator_id", "status", "starts_at"),
        # the public page and feed: a coalition's public events from a time on
        Index("ix_events_coalition_visibility_start", "coalition_id", "visibility", "starts_at"),
        # a partner's feed: its events by UID, to update and to drop what left the feed
        Index("ix_events_source_uid", "coalition_id", "source", "source_uid", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id", ondelete="CASCADE"))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="SET NULL"))
    organiser_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL")
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime | None]
    all_day: Mapped[bool] = mapped_column(default=False)
    location: Mapped[str | None] = mapped_column(String(300))
    kind: Mapped[EventKind] = mapped_column(stored_as_value(EventKind), default=EventKind.MEETING)
    status: Mapped[EventStatus] = mapped_column(
        stored_as_value(EventStatus), default=EventStatus.SCHEDULED
    )
    created_by: Mapped[str | None] = mapped_column(String(100))
    indicator_id: Mapped[int | None] = mapped_column(
        ForeignKey("indicators.id", ondelete="SET NULL")
    )
    """The goal's indicator this event counts toward, once held (models/goals)."""
    visibility: Mapped[EventVisibility] = mapped_column(
        stored_as_value(EventVisibility),
        default=EventVisibility.INTERNAL,
        server_default=EventVisibility.INTERNAL.value,
    )
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    """Raised on every change (iCalendar SEQUENCE): calendars replace their copy."""
    updated_at: Mapped[datetime | None] = mapped_column(default=lambda: datetime.now(UTC))
    """The last change (iCalendar LAST-MODIFIED and DTSTAMP); the services set it from their
    clock, rows older than the column got the time of the upgrade."""
    source: Mapped[str | None] = mapped_column(String(500))
    """The partner's feed URL an imported event comes from (read-only in chat); None: ours."""
    source_uid: Mapped[str | None] = mapped_column(String(300))
    """The UID (and the recurrence's start) of the imported event in its feed."""

    area: Mapped[Area | None] = relationship()
    organiser: Mapped[Organisation | None] = relationship()


class Activity(Base, answers=content("coalition_id")):
    __tablename__ = "activities"
    __table_args__ = (
        Index("ix_activities_coalition_due", "coalition_id", "status", "due_on"),
        # goals: the activities done toward an indicator in a period
        Index("ix_activities_indicator_done", "indicator_id", "status", "done_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id", ondelete="CASCADE"))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="SET NULL"))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL")
    )
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[ActivityStatus] = mapped_column(
        stored_as_value(ActivityStatus), default=ActivityStatus.PLANNED
    )
    notes: Mapped[str | None] = mapped_column(Text)
    done_at: Mapped[datetime | None]
    """When the activity last became done (None while it is not)."""
    indicator_id: Mapped[int | None] = mapped_column(
        ForeignKey("indicators.id", ondelete="SET NULL")
    )
    """The goal's indicator this activity counts toward, once done (models/goals)."""

    area: Mapped[Area | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()


class Member(Base, answers=content("coalition_id", person="identity", context=True)):
    """A chat identity's role in one coalition."""

    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("coalition_id", "identity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id", ondelete="CASCADE"))
    identity: Mapped[str] = mapped_column(String(100), index=True)
    role: Mapped[Role] = mapped_column(stored_as_value(Role), default=Role.MEMBER)
    from_config: Mapped[bool] = mapped_column(default=False, server_default=false())
    """Granted by the configuration's admin list (and taken back when no longer listed),
    not with /role."""


class UserSetting(Base, answers=personal("identity")):
    """A person's own choices, across coalitions: no shared answer shows them (an answer is
    kept per language), so a change refreshes only what is remembered about this person."""

    __tablename__ = "user_settings"

    identity: Mapped[str] = mapped_column(String(100), primary_key=True)
    locale: Mapped[str | None] = mapped_column(String(8))


class CoalitionChoice(Base, answers=personal("identity")):
    """The coalition a person last chose for their private chat (`/coalition SLUG`).

    Personal: never part of a shared answer; a change forgets only this person's contexts.
    """

    __tablename__ = "coalition_choices"

    identity: Mapped[str] = mapped_column(String(100), primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id", ondelete="CASCADE"))
    chosen_at: Mapped[datetime]


class ChatSighting(Base, answers=personal("identity")):
    """Whether a person was last found in a bound chat (a message there, or the platform's
    member list), and when: the ground for seeing that coalition in a private chat.

    Personal: never part of a shared answer; a change forgets only this person's contexts.
    """

    __tablename__ = "chat_sightings"

    identity: Mapped[str] = mapped_column(String(100), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    member: Mapped[bool]
    checked_at: Mapped[datetime]


class ChatBinding(Base, answers=content("coalition_id", context=True)):
    """A group or channel bound to one coalition.

    Content of its coalition: its binding and language decide every remembered chat context
    of the group, which is kept for the coalition's revision. Only that coalition's admins and
    coordinators change it, and a change refreshes that coalition alone (a rebinding both)."""

    __tablename__ = "chat_bindings"

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(100), unique=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id", ondelete="CASCADE"))
    locale: Mapped[str | None] = mapped_column(String(8))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="SET NULL"))
    active: Mapped[bool] = mapped_column(default=True)
    bound_by: Mapped[str | None] = mapped_column(String(100))
    bound_at: Mapped[datetime | None]


class AuditEntry(Base, answers=BOOKKEEPING):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int | None] = mapped_column(
        ForeignKey("coalitions.id", ondelete="SET NULL"), index=True
    )
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(60))
    detail: Mapped[dict[str, object] | None] = mapped_column(JSON, default=None)
    at: Mapped[datetime]


class SlackSeenRequest(Base, answers=BOOKKEEPING):
    """A Slack request already handled (an event id, a slash command's signature), kept until
    it expires so that a retry or a replay, served by any process, is not handled again.

    Bookkeeping, not content: no answer shows it, so it never refreshes remembered answers.
    """

    __tablename__ = "slack_seen_requests"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class CalendarToken(Base, answers=personal("identity")):
    """A member's secret for their private calendar feed of one coalition.

    Personal: no shared answer shows it; `/calendar new` replaces it (the old link stops)."""

    __tablename__ = "calendar_tokens"
    __table_args__ = (UniqueConstraint("coalition_id", "identity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id", ondelete="CASCADE"))
    identity: Mapped[str] = mapped_column(String(100))
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]


class FeedState(Base, answers=BOOKKEEPING):
    """How a partner's calendar feed was last read: for conditional requests and /status."""

    __tablename__ = "feed_states"
    __table_args__ = (UniqueConstraint("coalition_id", "url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(500))
    etag: Mapped[str | None] = mapped_column(String(300))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    checked_at: Mapped[datetime | None]
    imported_at: Mapped[datetime | None]
    events: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
