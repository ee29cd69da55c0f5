"""Titles, names and places lose the characters that draw fake lines or turn text around."""

from __future__ import annotations

from bot.app import App
from models.entities import Role
from models.validation import STRIPPED
from tests.support import as_role, ask

FAKE_LINE = (
    "Sestanek\u2028\u2029✅ Potrjeno: \u202evse\u202c je \u200bv\u200d redu\u2066\u2069\u2060\ufeff"
)
SHOWN = "Sestanek  ✅ Potrjeno: vse je v redu"


def clean(text: str) -> bool:
    return not any(ord(char) in STRIPPED for char in text)


async def test_an_event_title_and_place_are_stored_on_one_clean_line(app: App) -> None:
    coordinator = await as_role(app, "ana", Role.COORDINATOR)
    added = await ask(
        app, f"/addevent {FAKE_LINE} | jutri 10:00 | Velenje\u2028Dvorana\u202e", user=coordinator
    )
    assert not added.is_error, added.plain_text()
    page = await app.services.events.upcoming("sasa", limit=200)
    stored = next(e for e in page.items if e.title.startswith("Sestanek"))
    assert stored.title == SHOWN
    assert stored.location == "Velenje Dvorana"
    listing = (await ask(app, "/events", locale="en")).plain_text()
    assert clean(listing)
    assert not any(line.lstrip("• ").startswith("✅") for line in listing.splitlines())
    assert any(SHOWN in line for line in listing.splitlines())


async def test_names_and_titles_elsewhere_are_cleaned_too(app: App) -> None:
    coordinator = await as_role(app, "ana", Role.COORDINATOR)
    contact = await ask(
        app, "/addcontact Ana\u200b Novak\u2028Direktorica | SAŠA inkubator\u202e", user=coordinator
    )
    assert not contact.is_error, contact.plain_text()
    activity = await ask(app, "/addactivity Načrt\u2029\u2067 2027 | 15.3.2027", user=coordinator)
    assert not activity.is_error, activity.plain_text()
    contacts = (await ask(app, "/contacts Novak")).plain_text()
    assert "Ana Novak Direktorica" in contacts
    assert clean(contacts)
    activities = (await ask(app, "/activities")).plain_text()
    assert "Načrt  2027" in activities
    assert clean(activities)


async def test_a_title_of_nothing_but_invisible_characters_is_refused(app: App) -> None:
    coordinator = await as_role(app, "ana", Role.COORDINATOR)
    refused = await ask(app, "/addevent \u200b\u202e\u2028 | jutri 10:00", user=coordinator)
    assert refused.is_error
    assert clean(refused.plain_text())
