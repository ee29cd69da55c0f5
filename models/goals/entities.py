"""The tables of goals, indicators and check-ins; all of them content of their coalition."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, content
from models.entities import Area, stored_as_value
from models.network.entities import LinkKind

TITLE_MAX = 200
DESCRIPTION_MAX = 2000
UNIT_MAX = 40
NOTE_MAX = 500
VALUE_MAX = 1_000_000_000
"""The largest target or check-in value accepted (a count or an amount, never more)."""


class Direction(StrEnum):
    AT_LEAST = "at_least"
    AT_MOST = "at_most"


class PeriodKind(StrEnum):
    YEARLY = "yearly"
    """Resets each calendar year in the coalition's zone."""
    UNTIL = "until"
    """Cumulative until the end of a date in the coalition's zone."""


class Source(StrEnum):
    MANUAL = "manual"
    EVENTS = "events"
    ACTIVITIES = "activities"
    LINKS = "links"
    """The coalition's accepted network links of the indicator's `link_kind`."""

    @property
    def takes_check_ins(self) -> bool:
        return self is Source.MANUAL


class Aggregate(StrEnum):
    """How check-ins make an indicator's value."""

    LATEST = "latest"
    SUM = "sum"


class Goal(Base, answers=content("coalition_id")):
    __tablename__ = "goals"

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(
        ForeignKey("coalitions.id", ondelete="CASCADE"), index=True
    )
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str | None] = mapped_column(Text)
    horizon: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime]

    area: Mapped[Area | None] = relationship()


class Indicator(Base, answers=content("coalition_id")):
    __tablename__ = "indicators"

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(
        ForeignKey("coalitions.id", ondelete="CASCADE"), index=True
    )
    goal_id: Mapped[int] = mapped_column(ForeignKey("goals.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    unit: Mapped[str | None] = mapped_column(String(UNIT_MAX))
    target: Mapped[float] = mapped_column(Float)
    direction: Mapped[Direction] = mapped_column(
        stored_as_value(Direction), default=Direction.AT_LEAST
    )
    period: Mapped[PeriodKind] = mapped_column(
        stored_as_value(PeriodKind), default=PeriodKind.YEARLY
    )
    until_on: Mapped[date | None] = mapped_column(Date)
    """The last day of an `until` period, in the coalition's zone."""
    until_end: Mapped[datetime | None]
    """The moment that day ends (midnight after it in the coalition's zone), for queries."""
    source: Mapped[Source] = mapped_column(stored_as_value(Source), default=Source.MANUAL)
    aggregate: Mapped[Aggregate] = mapped_column(
        stored_as_value(Aggregate), default=Aggregate.LATEST
    )
    link_kind: Mapped[LinkKind | None] = mapped_column(stored_as_value(LinkKind))
    """Which links an indicator of source `links` counts (None: links of either kind)."""
    created_at: Mapped[datetime]


class CheckIn(Base, answers=content("coalition_id")):
    """A value recorded by hand for a manual indicator, with who, when and why."""

    __tablename__ = "check_ins"
    __table_args__ = (Index("ix_check_ins_indicator_at", "indicator_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id", ondelete="CASCADE"))
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"))
    value: Mapped[float] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(String(NOTE_MAX))
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime]
