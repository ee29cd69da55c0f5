"""Use cases: each method is one transaction, checks permissions and writes the audit."""

from models.services.activities import ActivityService
from models.services.contacts import ContactService
from models.services.directory import DirectoryService
from models.services.events import EventService

__all__ = ["ActivityService", "ContactService", "DirectoryService", "EventService"]
