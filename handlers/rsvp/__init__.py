"""Answers to events: /rsvp, /mine, /attendees, the RSVP buttons and the counts."""
