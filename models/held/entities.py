"""A file sent to the bot for an import, held between its preview and the coordinator's
Confirm (or Cancel), for at most HOLD_MINUTES.

Kept in the database, not in a process: the Confirm may reach any process of a deployment.
Bookkeeping: no remembered answer reads it. The file's bytes are dropped as soon as the
import is done, cancelled or found expired; rows a day old are deleted.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import BOOKKEEPING, Base
from models.entities import stored_as_value

HOLD_MINUTES = 15
"""How long a preview can be confirmed."""


class HeldState(StrEnum):
    PENDING = "pending"
    DONE = "done"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class HeldImport(Base, answers=BOOKKEEPING):
    __tablename__ = "held_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(
        ForeignKey("coalitions.id", ondelete="CASCADE"), index=True
    )
    identity: Mapped[str] = mapped_column(String(100), index=True)
    """Who sent the file: only they may confirm or cancel it."""
    kind: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    read_at: Mapped[datetime]
    """The moment its dates were read at (`jutri` means the same day at Confirm)."""
    expires_at: Mapped[datetime] = mapped_column(index=True)
    state: Mapped[HeldState] = mapped_column(stored_as_value(HeldState))
