"""An event as the services show it, with the relations its view reads joined in."""

from __future__ import annotations

from sqlalchemy.orm import joinedload

from models.entities import Event
from models.services.base import area_view
from models.services.views import EventView

RELATIONS = (joinedload(Event.area), joinedload(Event.organiser))
"""Many-to-one: joined into the same query, no extra round trip per relation."""


def event_view(event: Event) -> EventView:
    return EventView(
        id=event.id,
        title=event.title,
        description=event.description,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        all_day=event.all_day,
        location=event.location,
        kind=event.kind,
        status=event.status,
        area=area_view(event.area),
        organiser=event.organiser.name if event.organiser else None,
        indicator_id=event.indicator_id,
        visibility=event.visibility,
        source=event.source,
    )
