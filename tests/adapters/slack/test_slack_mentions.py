"""People, channels, addresses and links inside a command, and user text that looks like
formatting, through signed slash commands and mentions."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pytest

from bot.app import App
from tests.adapters.slack.conftest import ADMIN, COORDINATOR
from tests.adapters.slack.harness import Slack

MARKUP = re.compile(r"<[@#!]|<mailto:|<https?:|\|")
FORMATTED = re.compile(r"(?:^|(?<=[\s(]))([*_~`])(?=[^\s*_~`])[^\n]*?(?<=\S)\1(?=$|[\s.,;:!?)])")
"""Text Slack's mrkdwn would show bold, italic, struck or as code."""


@pytest.fixture
async def bound_http(slack_http: Slack) -> Slack:
    """Channel C1 bound to SAŠA, over signed HTTP requests."""
    said = await slack_http.ask("/bind", "sasa")
    assert "SAŠA" in said.readable, said.readable
    slack_http.api.add_user("U2MEMBER", "sl-SI", "ana.novak")
    return slack_http


async def test_a_person_mentioned_in_addevent_is_their_name_not_markup(
    bound_http: Slack, app: App
) -> None:
    said = await bound_http.ask(
        "/addevent", "Sestanek z <@U2MEMBER|ana.novak> | jutri ob 10h | Velenje", user=COORDINATOR
    )
    assert ":warning:" not in said.shown, said.readable
    assert "Sestanek z ana.novak" in said.readable
    listing = await app.services.events.upcoming("sasa", limit=50)
    added = next(e for e in listing.items if e.title.startswith("Sestanek z"))
    assert added.title == "Sestanek z ana.novak"
    assert added.location == "Velenje"
    assert added.starts_at.astimezone(ZoneInfo("Europe/Ljubljana")).hour == 10


async def test_a_person_mentioned_in_addcontact_is_the_contacts_name(
    bound_http: Slack, app: App
) -> None:
    said = await bound_http.ask(
        "/addcontact", "<@U2MEMBER|ana.novak> | SAŠA inkubator", user=COORDINATOR
    )
    assert ":warning:" not in said.shown, said.readable
    found = await app.services.contacts.search("sasa", "ana.novak")
    assert [(c.name, c.organisation) for c in found.items] == [("ana.novak", "SAŠA inkubator")]
    everything = await app.services.contacts.search("sasa", limit=500)
    for contact in everything.items:
        assert not MARKUP.search(f"{contact.name or ''} {contact.organisation}"), contact


async def test_mentions_without_a_label_are_named_from_users_info(
    bound_http: Slack, app: App
) -> None:
    """A mention event carries `<@U2MEMBER>` alone; channels, addresses and links read too."""
    said = await bound_http.mention(
        "addevent Dogovor z <@U2MEMBER> v <#C7|projekti> <mailto:ana@x.si|Ana> "
        "<https://sasa.si|sasa.si> | jutri ob 10h",
        user=ADMIN,
    )
    assert ":warning:" not in said.shown, said.readable
    listing = await app.services.events.upcoming("sasa", limit=50)
    added = next(e for e in listing.items if e.title.startswith("Dogovor"))
    assert added.title == "Dogovor z ana.novak v #projekti ana@x.si https://sasa.si"


async def test_role_still_reads_the_mentioned_persons_id(bound_http: Slack, app: App) -> None:
    said = await bound_http.ask("/role", "<@U2MEMBER|ana.novak> coordinator", user=ADMIN)
    assert ":warning:" not in said.shown, said.readable
    assert "slack:T1:U2MEMBER" in said.readable


async def test_user_text_that_looks_like_formatting_is_shown_as_typed(
    bound_http: Slack, app: App
) -> None:
    title = "*Nujno* _tiho_ ~staro~ `koda` ana_novak"
    said = await bound_http.ask("/addevent", f"{title} | jutri ob 10h", user=COORDINATOR)
    assert ":warning:" not in said.shown, said.readable
    listing = await bound_http.ask("/events", user=COORDINATOR)
    line = next(text for text in listing.shown.splitlines() if "Nujno" in text)
    assert not FORMATTED.search(line.strip("*")), line
    assert "ana_novak" in line, "an inner underscore is left alone (addresses still link)"
    assert title in listing.readable
