"""Who comes to an event: each person's answer (personal) and the event's counts (content)."""

from models.rsvp.entities import Attendance, EventChange, Rsvp, RsvpState

__all__ = ["Attendance", "EventChange", "Rsvp", "RsvpState"]
