"""A real `coalition-bot run` on demo data with the web server only (no chat platform)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SLACK_"))}
    env.pop("DATABASE_URL", None)
    env["PYTHONPATH"] = str(ROOT)
    return env


@contextmanager
def running_bot(folder: Path, extra: str = "", database_url: str = "") -> Iterator[str]:
    """Starts `run` (after `db upgrade` and `demo`) and yields its base URL; stops it with
    SIGTERM. The database is SQLite in `folder` unless `database_url` names another."""
    port = free_port()
    config = folder / "bot.toml"
    url = database_url or f"sqlite:///{folder}/bot.db"
    config.write_text(
        f'[database]\nurl = "{url}"\n'
        f'[web]\nport = {port}\npublic_url = "http://127.0.0.1:{port}"\n{extra}',
        encoding="utf-8",
    )
    command = [sys.executable, "-m", "bot", "--config", str(config)]
    for step in (["db", "upgrade"], ["demo"]):
        subprocess.run(
            [*command, *step],
            cwd=ROOT,
            env=environment(),
            check=True,
            timeout=120,
            capture_output=True,
        )
    log = (folder / "run.log").open("w")
    process = subprocess.Popen(
        [*command, "run"], cwd=ROOT, env=environment(), stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError((folder / "run.log").read_text())
            time.sleep(0.2)
        yield base
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()
