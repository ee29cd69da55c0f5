"""Coalitions are strictly apart: no one changes or sees another coalition's data.

Both demo coalitions live in one database: `sasa` and `ljubljana`. A coordinator of SAŠA
is a plain member in Ljubljana, and record numbers of one coalition mean nothing in the other.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.app import App
from models.entities import (
    Activity,
    ActivityStatus,
    AuditEntry,
    ChatBinding,
    Contact,
    Event,
    Organisation,
    Role,
)
from models.errors import NotFound, PermissionDenied
from tests.support import as_role, ask

TABLES = (Event, Activity, Contact, Organisation, ChatBinding, AuditEntry)
# words that belong to one coalition only
SASA_WORDS = ("SAŠA", "Velenje", "eAlijansa", "Pametno mesto", "IPAK", "pametno-mesto")
LJUBLJANA_WORDS = ("Ljubljan", "MOL", "Živi laboratorij", "digitalno-mesto", "Povezovanje")


async def counts(app: App) -> dict[str, int]:
    async with app.database.sessions() as session:
        return {
            table.__tablename__: await session.scalar(select(func.count()).select_from(table)) or 0
            for table in TABLES
        }


async def ljubljana_ids(app: App) -> tuple[int, int]:
    """The number of a Ljubljana event and of a Ljubljana activity."""
    events = await app.services.events.upcoming("ljubljana")
    plan = await app.services.activities.plan("ljubljana")
    return events.items[0].id, plan.items[0].id


async def ljubljana_event_title(app: App, event_id: int) -> str:
    return (await app.services.events.get("ljubljana", event_id)).title


@pytest.fixture
async def sasa_coordinator(any_app: App) -> str:
    return await as_role(any_app, "ana", Role.COORDINATOR, "sasa")


async def test_a_sasa_coordinator_may_not_change_ljubljana(
    any_app: App, sasa_coordinator: str
) -> None:
    event_id, activity_id = await ljubljana_ids(any_app)
    before = await counts(any_app)
    for line in (
        "/addevent Sestanek | jutri ob 10h",
        f"/editevent {event_id} title=Prevzeto",
        f"/cancelevent {event_id}",
        "/addactivity Naloga | 1.3.2027",
        f"/activity {activity_id} done",
        "/addcontact Ana | Mestna občina Ljubljana",
    ):
        reply = await ask(any_app, line, user=sasa_coordinator, coalition="ljubljana", locale="en")
        assert reply.is_error, line
        assert reply.lines == ("Only coordinators and admins may change the coalition's data.",)
    assert await counts(any_app) == before
    title = await ljubljana_event_title(any_app, event_id)
    assert title == "Rok za oddajo prijave na sofinancirani projekt EU"


async def test_the_services_refuse_too_whatever_a_handler_asks(
    any_app: App, sasa_coordinator: str
) -> None:
    event_id, activity_id = await ljubljana_ids(any_app)
    before = await counts(any_app)
    with pytest.raises(PermissionDenied):
        await any_app.services.events.edit("ljubljana", sasa_coordinator, event_id, title="X")
    with pytest.raises(PermissionDenied):
        await any_app.services.events.cancel("ljubljana", sasa_coordinator, event_id)
    with pytest.raises(NotFound):  # asked as SAŠA: the number is not SAŠA's
        await any_app.services.events.edit("sasa", sasa_coordinator, event_id, title="X")
    with pytest.raises(NotFound):
        await any_app.services.events.cancel("sasa", sasa_coordinator, event_id)
    with pytest.raises(NotFound):
        await any_app.services.events.get("sasa", event_id)
    with pytest.raises(NotFound):
        await any_app.services.activities.set_status(
            "sasa", sasa_coordinator, activity_id, ActivityStatus.DONE
        )
    assert await counts(any_app) == before


async def test_a_ljubljana_event_asked_in_sasa_is_not_found_and_not_shown(
    any_app: App, sasa_coordinator: str
) -> None:
    event_id, activity_id = await ljubljana_ids(any_app)
    title = await ljubljana_event_title(any_app, event_id)
    before = await counts(any_app)
    cases = [
        (f"/event {event_id}", "en", f"There is no event #{event_id} in this coalition."),
        (f"/dogodek {event_id}", "sl", f"V tej koaliciji ni dogodka #{event_id}."),
        (
            f"/editevent {event_id} title=Prevzeto",
            "en",
            f"There is no event #{event_id} in this coalition.",
        ),
        (f"/uredidogodek {event_id} kje=Velenje", "sl", f"V tej koaliciji ni dogodka #{event_id}."),
        (f"/cancelevent {event_id}", "en", f"There is no event #{event_id} in this coalition."),
        (
            f"/activity {activity_id} done",
            "en",
            f"There is no activity #{activity_id} in this coalition.",
        ),
        (
            f"/aktivnost {activity_id} aktivna",
            "sl",
            f"V tej koaliciji ni aktivnosti #{activity_id}.",
        ),
    ]
    for line, locale, expected in cases:
        reply = await ask(any_app, line, user=sasa_coordinator, coalition="sasa", locale=locale)
        assert reply.is_error, line
        assert reply.lines[0] == expected, line
        assert title not in reply.plain_text()
        assert "Ljubljan" not in reply.plain_text()
    assert await counts(any_app) == before
    assert await ljubljana_event_title(any_app, event_id) == title


async def test_areas_and_organisations_of_the_other_coalition_are_unknown(
    any_app: App, sasa_coordinator: str
) -> None:
    before = await counts(any_app)
    area = await ask(
        any_app,
        "/addevent Sestanek | jutri ob 10h | Ljubljana | digitalno-mesto",
        user=sasa_coordinator,
        locale="en",
    )
    assert area.is_error
    assert area.lines[0] == "There is no area “digitalno-mesto”. /areas lists them."
    organisation = await ask(
        any_app,
        "/addactivity Naloga | 1.3.2027 | | Tehnološki park Ljubljana",
        user=sasa_coordinator,
        locale="en",
    )
    assert organisation.is_error
    assert organisation.lines[0] == "There is no organisation “Tehnološki park Ljubljana”."
    listing = await ask(any_app, "/events digitalno-mesto", locale="en")
    assert listing.is_error
    assert listing.items == ()
    assert await counts(any_app) == before


async def test_a_contact_at_a_name_known_elsewhere_makes_an_organisation_here(
    any_app: App, sasa_coordinator: str
) -> None:
    reply = await ask(
        any_app,
        "/addcontact Zala Zupan | Mestna občina Ljubljana",
        user=sasa_coordinator,
        locale="en",
    )
    assert not reply.is_error, reply.plain_text()
    assert reply.lines == (
        "“Mestna občina Ljubljana” was not in the directory yet and has been added.",
    )
    in_ljubljana = await ask(any_app, "/contacts Zupan", coalition="ljubljana", locale="en")
    assert in_ljubljana.items == ()
    in_sasa = await ask(any_app, "/contacts Zupan", coalition="sasa", locale="en")
    assert [item.title for item in in_sasa.items] == ["Zala Zupan"]


async def test_lists_never_mix_coalitions(any_app: App) -> None:
    for line in ("/events", "/activities", "/deadlines", "/contacts", "/areas"):
        for coalition, own, foreign in (
            ("sasa", SASA_WORDS, LJUBLJANA_WORDS),
            ("ljubljana", LJUBLJANA_WORDS, SASA_WORDS),
        ):
            reply = await ask(any_app, line, coalition=coalition, locale="en")
            assert not reply.is_error, reply.plain_text()
            assert reply.items, reply.plain_text()
            text = "\n".join(f"{item.title} {' '.join(item.details)}" for item in reply.items)
            assert any(word in text for word in own), (coalition, line, text)
            assert not [word for word in foreign if word in text], (coalition, line, text)


async def test_a_group_bound_to_ljubljana_gives_a_sasa_coordinator_no_rights(
    any_app: App, sasa_coordinator: str
) -> None:
    lj_admin = await as_role(any_app, "mojca", Role.ADMIN, "ljubljana")
    chat = "telegram:-2002"
    bound = await ask(
        any_app, "/bind ljubljana", user=lj_admin, chat=chat, group=True, coalition=None
    )
    assert not bound.is_error, bound.plain_text()
    # in a group the group's language wins: this one chooses English
    await ask(any_app, "/language en", user=lj_admin, chat=chat, group=True, coalition=None)
    before = await counts(any_app)
    reply = await ask(
        any_app,
        "/addevent Sestanek | jutri ob 10h",
        user=sasa_coordinator,
        chat=chat,
        group=True,
        coalition=None,
        locale="en",
    )
    assert reply.is_error
    assert reply.lines == ("Only coordinators and admins may change the coalition's data.",)
    listing = await ask(
        any_app,
        "/events",
        user=sasa_coordinator,
        chat=chat,
        group=True,
        coalition=None,
        locale="en",
    )
    assert listing.title == "Digitalni ekosistem Ljubljane: 2 upcoming events"
    assert await counts(any_app) == before


async def test_an_admin_of_one_coalition_cannot_bind_or_take_groups_of_the_other(
    any_app: App,
) -> None:
    sasa_admin = await as_role(any_app, "skrbnik", Role.ADMIN, "sasa")
    lj_admin = await as_role(any_app, "mojca", Role.ADMIN, "ljubljana")
    chat = "telegram:-3003"
    refused = await ask(
        any_app,
        "/bind ljubljana",
        user=sasa_admin,
        chat=chat,
        group=True,
        coalition=None,
        locale="en",
    )
    assert refused.is_error
    assert refused.lines[0] == "To lahko stori le skrbnik koalicije.", "unbound: the default sl"
    await ask(any_app, "/bind ljubljana", user=lj_admin, chat=chat, group=True, coalition=None)
    await ask(any_app, "/language en", user=lj_admin, chat=chat, group=True, coalition=None)
    before = await counts(any_app)
    taken = await ask(
        any_app, "/bind sasa", user=sasa_admin, chat=chat, group=True, coalition=None, locale="en"
    )
    assert taken.is_error
    assert taken.lines[0] == "Only a coalition admin may do this."
    still = await ask(any_app, "/events", chat=chat, group=True, coalition=None, locale="en")
    assert still.title.startswith("Digitalni ekosistem Ljubljane:")
    assert await counts(any_app) == before


async def test_an_admin_of_sasa_cannot_give_roles_in_ljubljana(any_app: App) -> None:
    sasa_admin = await as_role(any_app, "skrbnik", Role.ADMIN, "sasa")
    reply = await ask(
        any_app, "/role bojan coordinator", user=sasa_admin, coalition="ljubljana", locale="en"
    )
    assert reply.is_error
    assert reply.lines == ("Only a coalition admin may do this.",)
    attempt = await ask(
        any_app, "/addevent X | jutri ob 10h", user="console:bojan", coalition="ljubljana"
    )
    assert attempt.is_error
