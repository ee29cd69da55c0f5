"""`coalition-bot import`, `export`, `backup` and `restore`: data in and out for operators."""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import sys
from pathlib import Path

from sqlalchemy import make_url

from bot.app import build_app, prepare_schema
from bot.config import Config
from bot.i18n import load_translators
from handlers.i18n import Translator
from handlers.imports import explain
from handlers.imports.export import FORMATS
from handlers.imports.flow import export_file, import_file
from models.database import normalise_url
from models.errors import NotFound
from models.imports.columns import Kind, kind_named
from models.imports.limits import MAX_BYTES, FileRefused

SQLITE_MAGIC = b"SQLite format 3\x00"


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    kinds = [kind.value for kind in Kind]
    load = commands.add_parser(
        "import", help="import events, activities, contacts or goals (CSV/XLSX)"
    )
    load.add_argument("--coalition", required=True, help="coalition slug, e.g. sasa")
    load.add_argument("--kind", choices=kinds, help="what the rows are (default: by the columns)")
    load.add_argument("--yes", action="store_true", help="import; without it, only a preview")
    load.add_argument("--lang", choices=["sl", "en"], default="en")
    load.add_argument("file")
    out = commands.add_parser("export", help="export events, activities, contacts or goals")
    out.add_argument("--coalition", required=True, help="coalition slug, e.g. sasa")
    out.add_argument("--kind", choices=kinds, required=True)
    out.add_argument("--format", choices=FORMATS, help="default: by the file's ending")
    out.add_argument("--lang", choices=["sl", "en"], default="en")
    out.add_argument("file")
    backup = commands.add_parser("backup", help="copy the SQLite database, also while it runs")
    backup.add_argument("file")
    restore = commands.add_parser("restore", help="restore a backup into an empty SQLite database")
    restore.add_argument("file")


def fail(message: str) -> int:
    print(f"coalition-bot: {message}", file=sys.stderr)
    return 2


def import_command(config: Config, args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        return fail(f"no file {args.file}")
    if path.stat().st_size > MAX_BYTES:
        return fail(f"{args.file}: " + explain.refused(_t(args), FileRefused("too_large")))
    return asyncio.run(_import(config, args, path.name, path.read_bytes()))


async def _import(config: Config, args: argparse.Namespace, name: str, content: bytes) -> int:
    app = build_app(config)
    try:
        prepare_schema(app.database)
        t = app.translators[args.lang]
        try:
            coalition = await app.services.exports.coalition(args.coalition)
        except NotFound:
            return fail(f"--coalition: no coalition {args.coalition!r}")
        try:
            kind, outcome = await import_file(
                app.services.imports,
                args.coalition,
                None,
                name,
                content,
                kind=kind_named(args.kind) if args.kind else None,
                now=app.clock(),
                zone=coalition.zone,
                t=t,
                translators=app.translators.values(),
                write=args.yes,
            )
        except FileRefused as error:
            return fail(f"{args.file}: {explain.refused(t, error)}")
        print(explain.title(t, kind, outcome))
        for line in explain.counts(t, outcome):
            print(f"  {line}")
        for line in explain.rejected_lines(t, outcome.rejected, len(outcome.rejected)):
            print(f"  {line}")
        note = explain.preview_note(t, outcome)
        if note:
            print(note)
        if not outcome.written and (outcome.new or outcome.changed):
            print(t.gettext("To import, run the same command with --yes."))
        return 0
    finally:
        await app.close()


def _t(args: argparse.Namespace) -> Translator:
    return load_translators()[args.lang]


def export_command(config: Config, args: argparse.Namespace) -> int:
    fmt = args.format or ("xlsx" if args.file.lower().endswith(".xlsx") else "csv")
    content = asyncio.run(_export(config, args, fmt))
    if content is None:
        return fail(f"--coalition: no coalition {args.coalition!r}")
    Path(args.file).write_bytes(content)
    print(f"{args.file}: {len(content)} bytes")
    return 0


async def _export(config: Config, args: argparse.Namespace, fmt: str) -> bytes | None:
    app = build_app(config)
    try:
        prepare_schema(app.database)
        t = app.translators[args.lang]
        try:
            coalition = await app.services.exports.coalition(args.coalition)
        except NotFound:
            return None
        kind = kind_named(args.kind)
        assert kind is not None  # argparse allows only the kinds
        _name, content = await export_file(
            app.services.exports,
            args.coalition,
            None,
            kind,
            fmt,
            zone=coalition.zone,
            t=t,
            translators=app.translators.values(),
        )
        return content
    finally:
        await app.close()


def sqlite_path(config: Config) -> Path | None:
    url = make_url(config.database_url)
    if not url.get_backend_name().startswith("sqlite"):
        return None
    return Path(url.database or "")


def backup_command(config: Config, target: str) -> int:
    """SQLite: the online backup API, a consistent copy while the bot writes. PostgreSQL:
    the pg_dump command for the configured database, its password hidden."""
    source = sqlite_path(config)
    if source is None:
        _, sync_url = normalise_url(config.database_url)
        shown = sync_url.set(drivername="postgresql").render_as_string(hide_password=True)
        print("coalition-bot: on PostgreSQL, back up with pg_dump:", file=sys.stderr)
        print(f"pg_dump --format=custom --file={target} '{shown}'")
        print("(give the password in PGPASSWORD or ~/.pgpass)", file=sys.stderr)
        return 1
    if not source.is_file():
        return fail(f"no database at {source}")
    partial = Path(f"{target}.partial")
    with sqlite3.connect(source) as live, sqlite3.connect(partial) as copy:
        live.backup(copy)
    live.close()
    copy.close()
    os.replace(partial, target)
    print(f"{source} -> {target}")
    return 0


def restore_command(config: Config, backup: str) -> int:
    """A backup copied into the configured SQLite database, which must be empty."""
    target = sqlite_path(config)
    if target is None:
        return fail("restore works on SQLite; on PostgreSQL use pg_restore")
    source = Path(backup)
    if not source.is_file():
        return fail(f"no file {backup}")
    with source.open("rb") as handle:
        if handle.read(16) != SQLITE_MAGIC:
            return fail(f"{backup} is not a SQLite backup")
    if target.exists() and target.stat().st_size and not _empty(target):
        return fail(f"{target} is not empty; restore only into an empty database")
    with sqlite3.connect(source) as saved:
        if not saved.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
        ).fetchone():
            return fail(f"{backup} is not a coalition-bot database")
        with sqlite3.connect(target) as live:
            saved.backup(live)
        live.close()
    saved.close()
    print(f"{backup} -> {target}")
    return 0


def _empty(path: Path) -> bool:
    """No tables, or the schema alone without a coalition."""
    with sqlite3.connect(path) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        if "coalitions" not in tables:
            return not any(not name.startswith("sqlite_") for name in tables)
        found = connection.execute("SELECT 1 FROM coalitions LIMIT 1").fetchone()
    connection.close()
    return found is None
