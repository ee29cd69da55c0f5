"""`python -m bench --quick` runs end to end. A smoke test: nothing here depends on speed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEADER = ["benchmark", "backend", "events", "what", "median", "p99", "target", "ok"]


def test_quick_benchmark_prints_the_table_and_writes_json(tmp_path: Path) -> None:
    output = tmp_path / "latest.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--quick",
            "--backend",
            "sqlite",
            "--json",
            str(output),
            "--cache-dir",
            str(tmp_path / "cache"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert any(line.split() == HEADER for line in done.stdout.splitlines()), done.stdout
    assert output.is_file()
    figures = json.loads(output.read_text(encoding="utf-8"))
    measured = {m["benchmark"] for m in figures["measurements"]}
    assert {
        "latency",
        "startup",
        "memory",
        "slack-throughput",
        "fanout",
        "telegram-throughput",
        "mixed",
    } <= measured
    assert not figures["failures"]
