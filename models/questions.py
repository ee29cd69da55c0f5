"""A question the bot put to a person in a chat (the value of an indicator to record), whose
answer is that person's next message there."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import BOOKKEEPING, Base

COMMAND_MAX = 200
IDENTITY_MAX = 100


class OpenQuestion(Base, answers=BOOKKEEPING):
    """The command line a person's next message in a chat completes (`/record 4`), asked at
    `asked_at`. One per person and chat: a new question replaces the old one.

    Bookkeeping: no remembered answer or chat context reads it."""

    __tablename__ = "open_questions"

    identity: Mapped[str] = mapped_column(String(IDENTITY_MAX), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(IDENTITY_MAX), primary_key=True)
    command: Mapped[str] = mapped_column(String(COMMAND_MAX))
    asked_at: Mapped[datetime] = mapped_column(index=True)
