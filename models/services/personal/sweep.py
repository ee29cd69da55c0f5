"""Every mention of a name (an identity, a private chat) in every text and JSON column of
every table, replaced by a pseudonym: what is left after the rows that are the person's own
were deleted (the audit's actor, target and detail, who created an event, bound a chat or
asked for a link, where a reminder went and the error it met)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import JSON, LargeBinary, String, Table, cast, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from models.base import Base

KEPT_TABLES = frozenset({"members"})
"""Handled row by row: a config admin keeps their roles (the configuration names them)."""


def mention(name: str) -> re.Pattern[str]:
    """`name` as a whole: `telegram:42` in `member:telegram:42`, never in `telegram:421`."""
    return re.compile(rf"(?<![\w]){re.escape(name)}(?![\w])")


def replaced(value: Any, names: Mapping[str, str]) -> Any:
    """The value with every mention replaced, through JSON's lists and objects."""
    if isinstance(value, str):
        for name, pseudonym in names.items():
            value = mention(name).sub(pseudonym, value)
        return value
    if isinstance(value, list):
        return [replaced(item, names) for item in value]
    if isinstance(value, dict):
        return {replaced(k, names): replaced(v, names) for k, v in value.items()}
    return value


def searchable(table: Table) -> list[Any]:
    return [
        column
        for column in table.columns
        if isinstance(column.type, String | JSON) and not isinstance(column.type, LargeBinary)
    ]


async def sweep(session: AsyncSession, names: Mapping[str, str]) -> int:
    """Replaces the names in every table but KEPT_TABLES; the rows changed."""
    changed = 0
    for table in Base.metadata.sorted_tables:
        columns = searchable(table)
        if table.name in KEPT_TABLES or not columns:
            continue
        keys = list(table.primary_key.columns)
        tests: list[ColumnElement[bool]] = [
            (cast(column, String) if isinstance(column.type, JSON) else column).contains(
                name, autoescape=True
            )
            for column in columns
            for name in names
        ]
        rows = (await session.execute(select(*keys, *columns).where(or_(*tests)))).all()
        for row in rows:
            key_values, values = row[: len(keys)], row[len(keys) :]
            new = {
                column.name: replaced(value, names)
                for column, value in zip(columns, values, strict=True)
            }
            new = {
                name: value
                for (name, value), old in zip(new.items(), values, strict=True)
                if value != old
            }
            if not new:
                continue
            where = [key == value for key, value in zip(keys, key_values, strict=True)]
            await session.execute(update(table).where(*where).values(**new))
            changed += 1
    return changed
