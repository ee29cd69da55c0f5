"""A terminal chat: every command, no platform, plain text. Reads stdin line by line."""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from handlers.dispatcher import Dispatcher
from handlers.types import ChatKind, IncomingCommand, Reply
from models.entities import Role

QUIT = {"/quit", "/exit", "/izhod"}


@dataclass(frozen=True)
class ConsoleIdentity:
    user: str = "admin"
    role: Role = Role.ADMIN
    locale: str | None = None
    coalition: str | None = None
    group: bool = False


def parse_line(line: str, identity: ConsoleIdentity) -> IncomingCommand | None:
    """A typed line as a command (a leading `/` is optional); None for a blank line."""
    text = line.strip()
    if not text:
        return None
    name, _, args = text.lstrip("/").partition(" ")
    return IncomingCommand(
        user_id=f"console:{identity.user}",
        chat_id="console:group" if identity.group else f"console:{identity.user}",
        chat_kind=ChatKind.GROUP if identity.group else ChatKind.PRIVATE,
        name=name,
        args=args.strip(),
        coalition=identity.coalition,
        locale=identity.locale,
        display_name=identity.user,
    )


def render(reply: Reply, files: Path | None = None) -> str:
    """The reply as text; a file it carries is written into `files` (the current directory)
    and its path printed under the text."""
    text = reply.plain_text()
    if reply.attachment is None:
        return text
    path = (files or Path.cwd()) / Path(reply.attachment.filename).name
    path.write_bytes(reply.attachment.content)
    return f"{text}\n[{path}]"


class ConsoleChat:
    """Talks to the dispatcher from a terminal or a pipe."""

    name = "console"

    def __init__(
        self, dispatcher: Dispatcher, identity: ConsoleIdentity, files: Path | None = None
    ) -> None:
        self.dispatcher = dispatcher
        self.identity = identity
        self.files = files
        """Where files sent with replies (charts) are written; None: the current directory."""

    async def ask(self, line: str) -> str | None:
        command = parse_line(line, self.identity)
        if command is None:
            return None
        reply = await self.dispatcher.handle(command)
        return await asyncio.to_thread(render, reply, self.files)

    async def run(self, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> None:
        interactive = stdin.isatty()
        if interactive:
            stdout.write(
                "coalition-bot: /help for commands, /quit to leave "
                f"(as {self.identity.user}, {self.identity.role.value})\n"
            )
        loop = asyncio.get_running_loop()
        while True:
            if interactive:
                stdout.write("> ")
                stdout.flush()
            line = await loop.run_in_executor(None, stdin.readline)
            if not line or line.strip().lower() in QUIT:
                break
            answer = await self.ask(line)
            if answer is None:
                continue
            try:
                stdout.write(answer + "\n\n")
                stdout.flush()
            except BrokenPipeError:
                break
