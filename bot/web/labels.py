"""The web pages' words, translated like every other message (the catalogs in locales/)."""

from __future__ import annotations

from handlers.i18n import N_, Translator

LABELS = {
    "coalitions": N_("Coalitions with public events"),
    "no_coalitions": N_("No coalition has public events yet."),
    "upcoming": N_("Upcoming events"),
    "no_events": N_("No upcoming public events."),
    "area": N_("Area"),
    "all_areas": N_("All areas"),
    "period": N_("Period"),
    "any_time": N_("Any time"),
    "week": N_("Next 7 days"),
    "month": N_("Next 31 days"),
    "show": N_("Show"),
    "filters": N_("Filter the events"),
    "language": N_("Language"),
    "newer": N_("Previous page"),
    "older": N_("Next page"),
    "pages": N_("Pages"),
    "when": N_("When"),
    "until": N_("Until"),
    "where": N_("Where"),
    "organiser": N_("Organiser"),
    "imported_from": N_("Imported from"),
    "add_to_calendar": N_("Add to calendar"),
    "ics": N_("Download (.ics, for Outlook and Apple Calendar)"),
    "google": N_("Add to Google Calendar"),
    "feed": N_("Subscribe to the calendar (iCalendar)"),
    "feed_hint": N_(
        "Paste this address into your calendar app to see new events as they are added."
    ),
    "all_events": N_("All events"),
    "cancelled": N_("Cancelled"),
    "not_found": N_("Not found"),
    "not_found_text": N_("There is no such page, or nothing on it is public."),
    "home": N_("Home"),
    "events_of": N_("Public events of the coalition"),
    "skip": N_("Skip to the events"),
    "footer": N_("Events of coalitions of organisations, from their shared calendar."),
}


def labels(t: Translator) -> dict[str, str]:
    """Every label in the reader's language."""
    return {key: t.gettext(message) for key, message in LABELS.items()}
