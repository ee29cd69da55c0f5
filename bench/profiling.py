"""Sampling a bot process with pyinstrument, from a signal to its end, for the benchmarks.

A process started with `--profile DIR` installs `Profiling`: SIGUSR1 (sent by the benchmark
when the warm-up is over) starts pyinstrument on the main thread (every `INTERVAL` seconds,
whole stacks, the event loop's idle wait included as `select`), and the end of the process
writes three files to DIR: `NAME.txt` (the call tree), `NAME-flat.txt` (functions by their own
time) and `NAME.html` (the interactive flame view). Work done in other threads (aiosqlite runs
each SQLite statement in its own thread) shows on the main thread as waiting, not as itself.
"""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyinstrument import Profiler

INTERVAL = 0.001
IDLE = ("epoll.poll", "selectors.py", "base_events.py:_run_once")
"""Flat-profile lines that are the event loop waiting, not work."""


class Profiling:
    """Starts on SIGUSR1; `finish()` writes the files (nothing when it never started)."""

    def __init__(self, directory: Path, name: str) -> None:
        self.directory = directory
        self.name = name
        self._profiler: Profiler | None = None

    def install(self) -> None:
        asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, self.start)

    def start(self) -> None:
        from pyinstrument import Profiler

        if self._profiler is None:
            self._profiler = Profiler(interval=INTERVAL, async_mode="disabled")
            self._profiler.start()

    def finish(self) -> None:
        profiler, self._profiler = self._profiler, None
        if profiler is None:
            return
        profiler.stop()
        self.directory.mkdir(parents=True, exist_ok=True)
        base = self.directory / self.name
        Path(f"{base}.txt").write_text(profiler.output_text(unicode=True), encoding="utf-8")
        Path(f"{base}-flat.txt").write_text(
            profiler.output_text(unicode=True, flat=True, flat_time="self"), encoding="utf-8"
        )
        Path(f"{base}.html").write_text(profiler.output_html(), encoding="utf-8")


def top_entries(directory: Path, name: str, count: int = 15) -> list[str]:
    """The first `count` lines of a written flat profile that are work, not the loop's wait."""
    path = directory / f"{name}-flat.txt"
    if not path.is_file():
        return []
    lines = [line.rstrip() for line in path.read_text(encoding="utf-8").splitlines()]
    entries = [
        line
        for line in lines
        if line.strip() and line.lstrip()[:1].isdigit() and not any(i in line for i in IDLE)
    ]
    return entries[:count]
