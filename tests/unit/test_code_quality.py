"""Lint, format, types and the architecture's rules, as part of the test suite."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLATFORM_LIBRARIES = ("telegram", "slack_bolt", "slack_sdk")


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_ruff_finds_nothing() -> None:
    result = run("ruff", "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_code_is_formatted() -> None:
    result = run("ruff", "format", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean_and_strict_for_bot_handlers_and_models() -> None:
    overrides = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "mypy"
    ]["overrides"]
    strict = {module for o in overrides if o.get("strict") for module in o["module"]}
    assert {"bot.*", "handlers.*", "models.*"} <= strict
    result = run("mypy", "bot", "handlers", "models")
    assert result.returncode == 0, result.stdout + result.stderr


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", ["handlers", "models"])
def test_core_never_imports_a_platform(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_modules(path) & set(PLATFORM_LIBRARIES))
        for path in (ROOT / package).rglob("*.py")
    }
    assert not {k: v for k, v in offenders.items() if v}


def test_only_the_adapters_import_platforms() -> None:
    for path in (ROOT / "bot").rglob("*.py"):
        relative = path.relative_to(ROOT).as_posix()
        used = imported_modules(path) & set(PLATFORM_LIBRARIES)
        if used:
            assert relative.startswith(("bot/adapters/telegram", "bot/adapters/slack")), relative


def test_no_gettext_install_or_module_level_engines() -> None:
    for package in ("bot", "handlers", "models"):
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in tree.body:
                if isinstance(node, ast.Assign | ast.AnnAssign):
                    value = ast.unparse(node.value) if node.value else ""
                    assert "create_engine" not in value, path
                    assert "sessionmaker(" not in value, path
            assert "gettext.install(" not in path.read_text(encoding="utf-8"), path
