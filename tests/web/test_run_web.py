"""`coalition-bot run` serves the web pages, also without any chat platform."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

from tests.support import bot_cli
from tests.web.running import running_bot


def get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return answer.status, answer.read().decode()


def test_run_without_a_chat_platform_serves_the_pages_health_and_metrics(tmp_path: Path) -> None:
    with running_bot(tmp_path) as base:
        status, body = get(f"{base}/healthz")
        assert status == 200
        assert json.loads(body) == {"status": "ok", "checks": {"database": "ok", "scheduler": "ok"}}
        status, page = get(f"{base}/sasa/")
        assert status == 200
        assert "Mednarodno srečanje Industrija 4.0" in page
        assert "coalition_bot_web_requests_total" in get(f"{base}/metrics")[1]
    log = (tmp_path / "run.log").read_text()
    assert "no chat platform configured" in log
    assert "Traceback" not in log


def test_run_with_nothing_to_run_stops_with_one_clear_line(tmp_path: Path) -> None:
    config = tmp_path / "bot.toml"
    config.write_text(
        f'[database]\nurl = "sqlite:///{tmp_path}/bot.db"\n[web]\nenabled = false\n',
        encoding="utf-8",
    )
    result = bot_cli("--config", str(config), "run", cwd=tmp_path)
    assert result.returncode == 2
    assert "nothing to run" in result.stderr
    assert "[web] enabled" in result.stderr
    assert "Traceback" not in result.stderr
