"""The `coalition-bot` command: run, chat, db upgrade, demo, import, export, backup, restore."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from bot import datacli
from bot.adapters.console import ConsoleChat, ConsoleIdentity
from bot.app import build_app, prepare_schema, start_app
from bot.config import Config, ConfigError, load_config
from bot.redaction import Redactor, install
from bot.runner import serve
from models.database import Database, SchemaOutOfDate
from models.demo import load_demo
from models.entities import Role

log = logging.getLogger("coalition_bot")


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="coalition-bot",
        description="Telegram and Slack bot for coalitions of organisations (sl/en).",
    )
    root.add_argument("--config", help="TOML file (default: $COALITION_BOT_CONFIG)")
    commands = root.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "run", help="start the configured Telegram and Slack adapters and the web pages"
    )
    chat = commands.add_parser("chat", help="talk to the bot in this terminal")
    chat.add_argument("--as", dest="user", default="admin", help="user name (console:NAME)")
    chat.add_argument("--role", choices=[r.value for r in Role], default="admin")
    chat.add_argument("--lang", choices=["sl", "en"], default=None)
    chat.add_argument("--coalition", default=None, help="coalition slug, e.g. sasa")
    chat.add_argument("--group", action="store_true", help="act as a group chat")
    db = commands.add_parser("db", help="database schema")
    db.add_argument("action", choices=["upgrade", "current", "revision"])
    db.add_argument("-m", "--message", default="schema change", help="revision message")
    commands.add_parser("demo", help="load the demo coalitions (idempotent)")
    commands.add_parser("slack-manifest", help="print the Slack app manifest for this config")
    datacli.add_parsers(commands)
    for sub in commands.choices.values():
        sub.add_argument("--config", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    return root


def fail(message: str) -> int:
    print(f"coalition-bot: {message}", file=sys.stderr)
    return 2


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        config = load_config(args.config)
    except ConfigError as error:
        return fail(f"configuration error: {error}")
    logging.basicConfig(
        level=config.log_level,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    install(Redactor.for_config(config))
    if args.command == "chat":
        logging.getLogger().setLevel(logging.WARNING)
    try:
        if args.command == "db":
            return database_command(config, args.action, args.message)
        if args.command == "demo":
            return asyncio.run(load_demo_command(config))
        if args.command == "chat":
            return asyncio.run(chat_command(config, args))
        if args.command == "import":
            return datacli.import_command(config, args)
        if args.command == "export":
            return datacli.export_command(config, args)
        if args.command == "backup":
            return datacli.backup_command(config, args.file)
        if args.command == "restore":
            return datacli.restore_command(config, args.file)
        if args.command == "slack-manifest":
            from bot.adapters.slack import print_manifest

            return print_manifest(config)
        return asyncio.run(run_command(config))
    except SchemaOutOfDate as error:
        hint = f" --config {args.config}" if args.config else ""
        return fail(f"{error}. Run: coalition-bot{hint} db upgrade")
    except KeyboardInterrupt:
        return 130


def database_command(config: Config, action: str, message: str) -> int:
    database = Database.connect(config.database_url)
    if action == "upgrade":
        database.upgrade()
    if action == "revision":
        print(database.new_revision(message))
        return 0
    print(f"schema at {database.current_revision()} (code needs {database.head_revision()})")
    return 0


async def load_demo_command(config: Config) -> int:
    app = build_app(config)
    try:
        prepare_schema(app.database)
        await start_app(app)
        loaded = await load_demo(app.database.sessions, app.today())
        print("demo data loaded" if loaded else "demo data is already there")
        return 0
    finally:
        await app.close()


async def chat_command(config: Config, args: argparse.Namespace) -> int:
    app = build_app(config)
    try:
        created = prepare_schema(app.database)
        coalitions = await app.services.directory.coalitions()
        await start_app(app, with_demo=created or not coalitions)
        slug = args.coalition or config.default_coalition
        known = [c.slug for c in await app.services.directory.coalitions()]
        if slug and slug not in known:
            return fail(f"--coalition: no coalition {slug!r} (known: {', '.join(known)})")
        slug = slug or (known[0] if known else None)
        if slug:
            await app.services.directory.ensure_role(slug, f"console:{args.user}", Role(args.role))
        identity = ConsoleIdentity(args.user, Role(args.role), args.lang, slug, args.group)
        await ConsoleChat(app.dispatcher, identity).run()
        return 0
    finally:
        await app.close()


async def run_command(config: Config) -> int:
    app = build_app(config)
    try:
        prepare_schema(app.database)
        await start_app(app)
        return await serve(app)
    finally:
        await app.close()
