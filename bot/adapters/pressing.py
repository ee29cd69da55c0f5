"""What a button carries on a platform: its command line, marked when pressing it must leave
the message it is on as it is (an announcement, whose counts are kept current apart)."""

from __future__ import annotations

from handlers.types import Button

KEEPS_MESSAGE = "="


def button_data(button: Button) -> str:
    """The button's command line, with the mark when it keeps its message."""
    return KEEPS_MESSAGE + button.command if button.keeps_message else button.command


def pressed(data: str) -> tuple[str, bool]:
    """A pressed button's command line, and whether the message it is on stays as it is."""
    if data.startswith(KEEPS_MESSAGE):
        return data[len(KEEPS_MESSAGE) :], True
    return data, False
