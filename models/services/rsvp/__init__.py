"""Answers to events: going, maybe or not, guests, capacity and the waiting list."""

from models.services.rsvp.service import RsvpService
from models.services.rsvp.views import Answer, Attendee, Attendees, Counts, MyAnswer, Outcome

__all__ = ["Answer", "Attendee", "Attendees", "Counts", "MyAnswer", "Outcome", "RsvpService"]
