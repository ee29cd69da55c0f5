"""The two Telegram bots the throughput benchmark compares, each run as its own process.

    python -m bench.telegram_bots ours CONFIG [--unthrottled] [--profile DIR --profile-name NAME]
    python -m bench.telegram_bots bare BASE_URL [--every-command]

`ours` is `coalition-bot run` (schema check, configured coalitions, the Telegram adapter and
the reminder scheduler) with one difference when `--unthrottled`: the adapter's rate
limiter keeps its retries but not its 30 messages a second and 20 a minute per group.
`bare` is python-telegram-bot's default Application with one CommandHandler for /events
that replies a fixed text, and no rate limiter; with `--every-command` it answers every
command (one MessageHandler for all of them) with a fixed HTML text, quoting the message as
ours does. Both poll getUpdates and run until SIGTERM. `--profile` samples ours with
pyinstrument from SIGUSR1 to its end (bench.profiling).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from bench.fake_telegram import TOKEN
from bench.profiling import Profiling
from bot.runner import telegram_adapter

BARE_TEXT = "Events: none this week."
BARE_HTML = (
    "<b>Upcoming events</b>\n"
    "• <b>Tue 1 Dec, 10:00</b> Delavnica: digitalne kompetence za starejše — Velenje\n"
    "• <b>Thu 3 Dec, 17:00</b> Posvet: odprti podatki — spletno (Zoom)\n"
    "• <b>Mon 7 Dec</b> Rok za oddajo prijav – pametno podeželje in turizem\n"
    "<i>/event ID shows one in full</i>"
)
"""What the bare bot answers with `--every-command`: a short listing's worth of HTML."""


async def ours(config_path: str, throttle: bool, profiling: Profiling | None = None) -> int:
    from bot.app import build_app, prepare_schema, start_app
    from bot.config import load_config
    from bot.runner import serve

    config = load_config(config_path)
    logging.basicConfig(level=config.log_level, stream=sys.stderr)
    app = build_app(config)
    if profiling is not None:
        profiling.install()
    try:
        prepare_schema(app.database)
        await start_app(app)
        return await serve(app, [telegram_adapter(app, throttle=throttle)])
    finally:
        if profiling is not None:
            profiling.finish()
        await app.close()


async def bare(base_url: str, every_command: bool = False) -> int:
    from telegram import Update
    from telegram.constants import ParseMode
    from telegram.ext import Application, CommandHandler, ContextTypes, MessageHandler, filters

    async def events(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.message is not None:
            await update.message.reply_text(BARE_TEXT)

    async def any_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.message is not None:
            await update.message.reply_text(BARE_HTML, parse_mode=ParseMode.HTML, do_quote=True)

    application = Application.builder().token(TOKEN).base_url(base_url).build()
    if every_command:
        application.add_handler(MessageHandler(filters.COMMAND, any_command))
    else:
        application.add_handler(CommandHandler("events", events))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling()
        await stop.wait()
        await application.updater.stop()
        await application.stop()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    root = argparse.ArgumentParser(prog="python -m bench.telegram_bots")
    bots = root.add_subparsers(dest="bot", required=True)
    ours_args = bots.add_parser("ours")
    ours_args.add_argument("config")
    ours_args.add_argument("--unthrottled", action="store_true")
    ours_args.add_argument("--profile", type=Path, default=None)
    ours_args.add_argument("--profile-name", default="profile-ours-telegram")
    bare_args = bots.add_parser("bare")
    bare_args.add_argument("base_url")
    bare_args.add_argument("--every-command", action="store_true")
    args = root.parse_args(argv)
    if args.bot == "ours":
        profiling = Profiling(args.profile, args.profile_name) if args.profile else None
        return asyncio.run(ours(args.config, throttle=not args.unthrottled, profiling=profiling))
    return asyncio.run(bare(args.base_url, every_command=args.every_command))


if __name__ == "__main__":
    raise SystemExit(main())
