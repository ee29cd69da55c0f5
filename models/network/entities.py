"""A link between two coalitions is two rows, one for each side, each the content of its own
coalition: a change of the link refreshes both sides' remembered answers. Only events marked
shared cross a link; nothing else does (contacts, activities, internal events stay home)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, content
from models.entities import stored_as_value


class LinkKind(StrEnum):
    HORIZONTAL = "horizontal"
    """With a peer: another city's or region's coalition."""
    VERTICAL = "vertical"
    """With a body above or below: a regional or national one."""


class LinkState(StrEnum):
    ASKED = "asked"
    """This coalition asked; the partner's admins have not answered yet."""
    INVITED = "invited"
    """The partner asked; this coalition's admins accept or decline."""
    ACTIVE = "active"


class CoalitionLink(Base, answers=content("coalition_id")):
    """One side of a link: what `coalition_id` sees of its link with `partner_id`."""

    __tablename__ = "coalition_links"
    __table_args__ = (UniqueConstraint("coalition_id", "partner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    coalition_id: Mapped[int] = mapped_column(ForeignKey("coalitions.id", ondelete="CASCADE"))
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("coalitions.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[LinkKind] = mapped_column(stored_as_value(LinkKind))
    state: Mapped[LinkState] = mapped_column(stored_as_value(LinkState))
    asked_by: Mapped[str] = mapped_column(String(100))
    asked_at: Mapped[datetime]
    since: Mapped[datetime | None]
    """When both sides agreed."""
    partner_changes: Mapped[int] = mapped_column(default=0)
    """Counts changes of the partner's shared events: writing it refreshes this side's
    remembered answers, which show them."""


class SharedEvent(Base, answers=content("coalition_id")):
    """An event its coalition shows to the coalitions linked with it (read-only there)."""

    __tablename__ = "shared_events"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    coalition_id: Mapped[int] = mapped_column(
        ForeignKey("coalitions.id", ondelete="CASCADE"), index=True
    )
