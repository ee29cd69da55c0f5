"""Contacts stored before the folded search column are found without diacritics after it."""

from __future__ import annotations

from sqlalchemy import text

from models.database import Database
from models.services.contacts import ContactService


async def test_upgrading_fills_the_search_of_existing_contacts(database_url: str) -> None:
    database = Database.connect(database_url)
    database.upgrade("0004")
    engine = database.sync_engine()
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO coalitions (slug, name, timezone, default_locale)"
                " VALUES ('t', 'T', 'Europe/Ljubljana', 'sl')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO organisations (coalition_id, name)"
                " SELECT id, 'Občina Šoštanj' FROM coalitions"
            )
        )
        connection.execute(
            text(
                "INSERT INTO contacts (coalition_id, organisation_id, name, role)"
                " SELECT coalition_id, id, 'Mojca Žagar', 'vodja' FROM organisations"
            )
        )
    engine.dispose()
    database.upgrade()
    contacts = ContactService(database.sessions)
    try:
        by_place = await contacts.search("t", "sostanj")
        by_name = await contacts.search("t", "ZAGAR")
    finally:
        await database.dispose()
    assert [(c.name, c.organisation) for c in by_place.items] == [("Mojca Žagar", "Občina Šoštanj")]
    assert [c.name for c in by_name.items] == ["Mojca Žagar"]
