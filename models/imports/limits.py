"""What a file may hold at most, and how a refused file says why."""

from __future__ import annotations

from typing import Literal

MAX_BYTES = 5 * 1024 * 1024
"""A file's size at most (5 MiB)."""
MAX_ROWS = 10_000
"""Data rows a file may hold at most (the header not counted)."""
MAX_COLUMNS = 100
"""Columns a row may have at most."""
MAX_CELL = 10_000
"""Characters a cell may hold at most."""
MAX_UNPACKED = 40 * 1024 * 1024
"""What the parts of an XLSX file may unpack to, together, at most (a zip bomb is refused)."""

Problem = Literal[
    "too_large",
    "too_many_rows",
    "too_many_columns",
    "cell_too_long",
    "not_a_table",
    "empty",
    "unknown_kind",
    "missing_columns",
]


class FileRefused(Exception):
    """The file cannot be read as a table; `problem` names why and `limit` the limit broken."""

    def __init__(self, problem: Problem, limit: int = 0, detail: str = "") -> None:
        super().__init__(f"{problem} {limit} {detail}".strip())
        self.problem: Problem = problem
        self.limit = limit
        self.detail = detail
