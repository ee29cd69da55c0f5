"""A question's answer as the command line it completes, and the Slack form's memory of where
it was asked."""

from __future__ import annotations

from bot.adapters.slack.question import Asked, answers_of
from handlers.types import Question, QuestionField

RECORD = Question("/record 4", (QuestionField("value", "Value"), QuestionField("note", "Note")))


def test_the_answers_complete_the_command_separated_by_pipes() -> None:
    assert RECORD.command_line(("2,5", "agreement  signed")) == "/record 4 2,5 | agreement signed"


def test_empty_answers_at_the_end_are_left_out() -> None:
    assert RECORD.command_line(("3", "")) == "/record 4 3"
    assert RECORD.command_line(("", "")) == "/record 4"


def test_where_a_form_was_asked_survives_its_metadata() -> None:
    asked = Asked("T1", "U2", "D2", "/record 4", ["value", "note"], private=True, home=True)
    assert Asked.from_metadata(asked.to_metadata()) == asked
    assert asked.where.chat_id == "slack:T1:D2"
    assert Asked.from_metadata("not json") is None
    assert Asked.from_metadata('{"team": "T1"}') is None


def test_a_forms_answers_are_read_by_field_in_order() -> None:
    view = {"state": {"values": {"note": {"value": {"value": " a  b "}}, "value": {}}}}
    assert answers_of(view, ["value", "note"]) == ["", "a b"]
