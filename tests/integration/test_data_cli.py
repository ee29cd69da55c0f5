"""`coalition-bot import`, `export`, `backup` and `restore`, run as an operator would."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.support import bot_cli

ROOT = Path(__file__).resolve().parents[2]


def test_import_previews_then_imports_and_export_reads_back(tmp_path: Path) -> None:
    created = bot_cli("chat", cwd=tmp_path, stdin="/help\n")
    assert created.returncode == 0, created.stderr
    example = ROOT / "docs" / "examples" / "aktivnosti.csv"
    preview = bot_cli("import", "--coalition", "sasa", str(example), cwd=tmp_path)
    assert preview.returncode == 0, preview.stderr
    assert "Import of activities: preview" in preview.stdout
    assert "3 new rows" in preview.stdout
    assert "run the same command with --yes" in preview.stdout
    done = bot_cli("import", "--coalition", "sasa", "--yes", str(example), cwd=tmp_path)
    assert "Import of activities done" in done.stdout
    again = bot_cli("import", "--coalition", "sasa", "--yes", str(example), cwd=tmp_path)
    assert "0 new rows" in again.stdout
    assert "3 unchanged rows" in again.stdout
    exported = bot_cli(
        "export", "--coalition", "sasa", "--kind", "activities", "plan.xlsx", cwd=tmp_path
    )
    assert exported.returncode == 0, exported.stderr
    back = bot_cli("import", "--coalition", "sasa", "plan.xlsx", cwd=tmp_path)
    assert "0 new rows" in back.stdout
    assert "0 changed rows" in back.stdout
    (tmp_path / "bad.csv").write_bytes(b"\x00\x01binary")
    bad = bot_cli("import", "--coalition", "sasa", "bad.csv", cwd=tmp_path)
    assert bad.returncode == 2
    assert "not a spreadsheet I can read" in bad.stderr


def test_backup_and_restore_into_an_empty_database_only(tmp_path: Path) -> None:
    assert bot_cli("chat", cwd=tmp_path, stdin="/help\n").returncode == 0
    backup = bot_cli("backup", "nightly.db", cwd=tmp_path)
    assert backup.returncode == 0, backup.stderr
    with sqlite3.connect(tmp_path / "nightly.db") as copy:
        assert copy.execute("SELECT count(*) FROM events").fetchone()[0] > 0
    copy.close()
    refused = bot_cli("restore", "nightly.db", cwd=tmp_path)
    assert refused.returncode == 2
    assert "not empty" in refused.stderr
    (tmp_path / "coalition-bot.db").unlink()
    restored = bot_cli("restore", "nightly.db", cwd=tmp_path)
    assert restored.returncode == 0, restored.stderr
    chat = bot_cli("chat", "--lang", "en", cwd=tmp_path, stdin="/events\n")
    assert "upcoming events" in chat.stdout
    assert "eAlijansa" in chat.stdout


def test_backup_on_postgresql_prints_pg_dump_without_the_password(tmp_path: Path) -> None:
    (tmp_path / "bot.toml").write_text(
        '[database]\nurl = "postgresql+psycopg://bot:s3cret@db.example:5432/coalition"\n'
    )
    result = bot_cli("--config", "bot.toml", "backup", "out.dump", cwd=tmp_path)
    assert result.returncode == 1
    assert "pg_dump --format=custom --file=out.dump" in result.stdout
    assert "bot:***@db.example:5432/coalition" in result.stdout
    assert "s3cret" not in result.stdout + result.stderr


def test_the_goals_example_imports_whole_and_exports_back_unchanged(tmp_path: Path) -> None:
    assert bot_cli("chat", cwd=tmp_path, stdin="/help\n").returncode == 0
    example = ROOT / "docs" / "examples" / "cilji.csv"
    done = bot_cli("import", "--coalition", "sasa", "--yes", str(example), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Import of goals done" in done.stdout
    assert "0 rejected rows" in done.stdout
    exported = bot_cli(
        "export", "--coalition", "sasa", "--kind", "goals", "--lang", "sl", "c.xlsx", cwd=tmp_path
    )
    assert exported.returncode == 0, exported.stderr
    back = bot_cli("import", "--coalition", "sasa", "c.xlsx", cwd=tmp_path)
    assert "0 new rows" in back.stdout
    assert "0 changed rows" in back.stdout
