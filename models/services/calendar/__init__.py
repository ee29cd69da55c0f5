"""Beyond the chat: the public page's events, calendar feeds and partners' imported feeds."""

from models.services.calendar.feeds import CalendarService, FeedView
from models.services.calendar.imports import FeedImportService, ImportedEvent, ImportResult
from models.services.calendar.public import FeedEvent, Listing, PublicCoalition, PublicService

__all__ = [
    "CalendarService",
    "FeedEvent",
    "FeedImportService",
    "FeedView",
    "ImportResult",
    "ImportedEvent",
    "Listing",
    "PublicCoalition",
    "PublicService",
]
