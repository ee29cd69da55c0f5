"""Every table says what it is to the remembered answers, in its model."""

from __future__ import annotations

import models.database  # noqa: F401  (imports every model, as migrations see them)
from models.base import Base, declared

HOW = """declare it on the model's class line, with one of (models/base.py):
    class Thing(Base, answers=content("coalition_id")):  # shared answers show it
    class Thing(Base, answers=personal("identity")):      # a person's own choice
    class Thing(Base, answers=BOOKKEEPING):                # no remembered answer reads it"""


def test_every_mapped_table_declares_content_personal_or_bookkeeping() -> None:
    undeclared = sorted(name for name, table in Base.metadata.tables.items() if not declared(table))
    assert not undeclared, f"tables that declare nothing: {', '.join(undeclared)}; {HOW}"


def test_declared_columns_exist() -> None:
    for name, table in Base.metadata.tables.items():
        answers = declared(table)
        assert answers is not None
        for column in (answers.coalition, answers.person):
            assert column is None or column in table.c, f"{name}: no column {column!r}"
        if answers.kind == "content":
            assert answers.coalition, f"{name}: content names the coalition column; {HOW}"


def test_a_persons_language_is_not_content_and_events_are() -> None:
    tables = Base.metadata.tables
    kinds = {name: getattr(declared(tables[name]), "kind", None) for name in tables}
    assert kinds["user_settings"] == "personal"
    assert kinds["events"] == kinds["contacts"] == kinds["chat_bindings"] == "content"
    assert kinds["reminders"] == kinds["audit_entries"] == "bookkeeping"
