"""The declarative base, column types shared by every table, and what each table is to the
remembered answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar, Literal

from sqlalchemy import DateTime, Dialect, MetaData, Table
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored in UTC; SQLite's naive values come back as UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; attach a time zone")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@dataclass(frozen=True)
class Answers:
    """What a table is to the remembered answers (handlers/answer_cache.py, models/freshness.py).

    Declared on each model with the class keyword `answers=`, once, where the table is:

        class Event(Base, answers=content("coalition_id")): ...
        class UserSetting(Base, answers=personal("identity")): ...
        class Delivery(Base, answers=BOOKKEEPING): ...
    """

    kind: Literal["content", "personal", "bookkeeping"]
    coalition: str | None = None
    """Content: the attribute holding the coalition whose shared answers show the row."""
    person: str | None = None
    """The attribute holding the identity whose remembered chat context the row feeds."""
    context: bool = False
    """Content that chat contexts read too (the coalition, its bindings, its roles): a change
    also makes the coalition's remembered chat contexts anew."""


def content(coalition: str, *, person: str | None = None, context: bool = False) -> Answers:
    """Shared answers show this table: a change refreshes the remembered answers of the
    coalition named by the attribute `coalition` (and of nobody else); with `person`, also
    what is remembered about that person (their role, their coalitions); with `context`,
    the coalition's chat contexts (which chat belongs to it, who holds which role there)."""
    return Answers("content", coalition=coalition, person=person, context=context)


def personal(person: str) -> Answers:
    """A person's own choices (their language): no shared answer shows them, so a change
    refreshes only what is remembered about the person named by the attribute `person`."""
    return Answers("personal", person=person)


BOOKKEEPING = Answers("bookkeeping")
"""No remembered answer or chat context reads this table (reminders, deliveries, audit)."""

ANSWERS_INFO = "answers"


def declared(table: object) -> Answers | None:
    """A table's declaration, or None when its model declares nothing."""
    info = getattr(table, "info", None)
    value = info.get(ANSWERS_INFO) if isinstance(info, dict) else None
    return value if isinstance(value, Answers) else None


class Base(DeclarativeBase):
    """Every model says what it is to the remembered answers: `answers=` on the class line."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}

    def __init_subclass__(cls, *, answers: Answers | None = None, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        if answers is not None:
            table = cls.__dict__.get("__table__")
            if not isinstance(table, Table):
                raise TypeError(f"{cls.__name__}: answers= needs a mapped table of its own")
            table.info[ANSWERS_INFO] = answers
