"""An import or an export from start to end, the same for a chat and the command line."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from handlers.i18n import Translator
from handlers.imports.explain import KINDS
from handlers.imports.export import (
    activity_rows,
    contact_rows,
    event_rows,
    file_bytes,
    goal_rows,
    header,
)
from handlers.imports.reading import Read, read_records
from handlers.imports.words import Words
from models.imports.columns import Kind, guess_kind, required_missing
from models.imports.limits import FileRefused
from models.imports.records import Outcome
from models.imports.tabular import read_table
from models.services.imports import ExportService, ImportService


def read_file(
    filename: str,
    content: bytes,
    kind: Kind | None,
    now: datetime,
    zone: ZoneInfo,
    t: Translator,
    translators: Iterable[Translator],
) -> Read:
    """The file's rows as records of `kind` (else the kind its columns name), or
    FileRefused; CPU work, run in a thread by the async callers."""
    table = read_table(filename, content)
    kind = kind or guess_kind(table.header)
    missing = required_missing(kind, table.header)
    if missing:
        raise FileRefused("missing_columns", detail=missing[0].header(t.locale))
    return read_records(table, kind, now, zone, Words(t, translators))


async def import_file(
    imports: ImportService,
    slug: str,
    actor: str | None,
    filename: str,
    content: bytes,
    *,
    kind: Kind | None,
    now: datetime,
    zone: ZoneInfo,
    t: Translator,
    translators: Iterable[Translator],
    write: bool,
) -> tuple[Kind, Outcome]:
    """A preview (`write=False`) or the import of a file; FileRefused for a file that
    cannot be read. The rows the reading rejects are counted with the service's."""
    read = await asyncio.to_thread(
        read_file, filename, content, kind, now, zone, t, list(translators)
    )
    outcome = await imports.run(slug, actor, read.kind, read.records, write=write)
    return read.kind, replace(outcome, rejected=read.rejected + outcome.rejected)


async def export_file(
    exports: ExportService,
    slug: str,
    actor: str | None,
    kind: Kind,
    fmt: str,
    *,
    zone: ZoneInfo,
    t: Translator,
    translators: Iterable[Translator],
) -> tuple[str, bytes]:
    """The file name and content of an export of `kind` as `fmt` (csv or xlsx)."""
    words = Words(t, translators)
    if kind is Kind.EVENTS:
        rows = event_rows(await exports.events(slug, actor), zone, words)
    elif kind is Kind.ACTIVITIES:
        rows = activity_rows(await exports.activities(slug, actor), words)
    elif kind is Kind.CONTACTS:
        rows = contact_rows(await exports.contacts(slug, actor), words)
    else:
        rows = goal_rows(await exports.goals(slug, actor), t.locale)
    name = f"{slug}-{t.gettext(KINDS[kind])}"
    content = await asyncio.to_thread(file_bytes, fmt, header(kind, t.locale), rows, name)
    return f"{name}.{fmt}", content
