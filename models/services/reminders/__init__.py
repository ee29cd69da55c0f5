"""Due reminders, one module per job: claims and leases (`claims`), planning what is due
(`planning`), assembling what to send and to whom (`assembly`), personal subscriptions
(`subscriptions`) and the admins' status (`status`). `ReminderService` is all of them."""

from __future__ import annotations

from models.services.reminders.assembly import Destination, ReminderAssembly, ReminderJob
from models.services.reminders.claims import MAX_ATTEMPTS, DeliveryKey, Outcome, ReminderClaims
from models.services.reminders.planning import ReminderPlanning
from models.services.reminders.status import ReminderStatus, ReminderStatusQueries
from models.services.reminders.subscriptions import ReminderSubscriptions


class ReminderService(
    ReminderClaims,
    ReminderPlanning,
    ReminderAssembly,
    ReminderSubscriptions,
    ReminderStatusQueries,
):
    """The reminders' service as the scheduler and the handlers use it."""


__all__ = [
    "MAX_ATTEMPTS",
    "DeliveryKey",
    "Destination",
    "Outcome",
    "ReminderJob",
    "ReminderService",
    "ReminderStatus",
]
