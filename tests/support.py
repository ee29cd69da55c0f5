"""Helpers for tests that talk to the core the way an adapter does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.app import App
from handlers.types import ChatKind, IncomingCommand, Reply
from models.entities import Role


async def as_role(app: App, user: str, role: Role, coalition: str = "sasa") -> str:
    """Gives `console:<user>` a role in a coalition and returns the identity."""
    identity = user if ":" in user else f"console:{user}"
    await app.services.directory.ensure_role(coalition, identity, role)
    return identity


async def ask(
    app: App,
    line: str,
    *,
    user: str = "console:admin",
    chat: str | None = None,
    group: bool = False,
    locale: str | None = None,
    coalition: str | None = "sasa",
) -> Reply:
    """Sends one command line through the dispatcher, as the console adapter would."""
    name, _, args = line.strip().lstrip("/").partition(" ")
    return await app.dispatcher.handle(
        IncomingCommand(
            user_id=user,
            chat_id=chat or (f"{user}:group" if group else user),
            chat_kind=ChatKind.GROUP if group else ChatKind.PRIVATE,
            name=name,
            args=args.strip(),
            coalition=coalition,
            locale=locale,
        )
    )


def bot_cli(*args: str, cwd: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """Runs `python -m bot ARGS` in `cwd` with `stdin` as its input; its exit code and output."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
