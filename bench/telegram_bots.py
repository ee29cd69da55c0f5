"""The two Telegram bots the throughput benchmark compares, each run as its own process.

    python -m bench.telegram_bots ours CONFIG [--unthrottled]
    python -m bench.telegram_bots bare BASE_URL

`ours` is `coalition-bot run` (schema check, configured coalitions, the Telegram adapter and
the reminder scheduler) with one difference when `--unthrottled`: the adapter's rate
limiter keeps its retries but not its 30 messages a second and 20 a minute per group.
`bare` is python-telegram-bot's default Application with one CommandHandler for /events
that replies a fixed text, and no rate limiter. Both poll getUpdates and run until SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Sequence

from bench.fake_telegram import TOKEN
from bot.runner import telegram_adapter

BARE_TEXT = "Events: none this week."


async def ours(config_path: str, throttle: bool) -> int:
    from bot.app import build_app, prepare_schema, start_app
    from bot.config import load_config
    from bot.runner import serve

    config = load_config(config_path)
    logging.basicConfig(level=config.log_level, stream=sys.stderr)
    app = build_app(config)
    try:
        prepare_schema(app.database)
        await start_app(app)
        return await serve(app, [telegram_adapter(app, throttle=throttle)])
    finally:
        await app.close()


async def bare(base_url: str) -> int:
    from telegram import Update
    from telegram.ext import Application, CommandHandler, ContextTypes

    async def events(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.message is not None:
            await update.message.reply_text(BARE_TEXT)

    application = Application.builder().token(TOKEN).base_url(base_url).build()
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
    bare_args = bots.add_parser("bare")
    bare_args.add_argument("base_url")
    args = root.parse_args(argv)
    if args.bot == "ours":
        return asyncio.run(ours(args.config, throttle=not args.unthrottled))
    return asyncio.run(bare(args.base_url))


if __name__ == "__main__":
    raise SystemExit(main())
