"""Coalitions linked through the dispatcher: a request told privately to the other side's
admins, accepted with its button's command; a shared event shows in the linked coalition's
/events with its origin, read-only there, and answers from there count on the origin's event;
an unlinked or never linked coalition sees nothing of it."""

from __future__ import annotations

from bot.app import App
from models.entities import Role
from models.services.directory import CoalitionSpec
from tests.reminder_support import RecordingSender, scheduler_for
from tests.support import as_role, ask

SASA_ADMIN = "telegram:9001"
LJUBLJANA_ADMIN = "telegram:9002"


async def shared_event(app: App) -> int:
    coordinator = await as_role(app, "koordinatorka", Role.COORDINATOR)
    added = await ask(
        app, "/dodajdogodek Regijski forum | 20.12.2026 10:00 | tiho", user=coordinator
    )
    assert not added.is_error, added.plain_text()
    event_id = int(added.title.split("#", 1)[1].split()[0])
    shared = await ask(app, f"/uredidogodek {event_id} deli=da", user=coordinator)
    assert "Deljen s povezanimi koalicijami" in shared.plain_text(), shared.plain_text()
    return event_id


async def test_a_link_asked_accepted_shares_events_read_only_and_ends(app: App) -> None:
    await as_role(app, SASA_ADMIN, Role.ADMIN)
    await as_role(app, LJUBLJANA_ADMIN, Role.ADMIN, coalition="ljubljana")
    event_id = await shared_event(app)
    ljubljana_events = await ask(app, "/events", coalition="ljubljana", locale="en")
    assert "Regijski forum" not in ljubljana_events.plain_text(), "no link yet: nothing crosses"

    asked = await ask(app, "/povezava ljubljana horizontalna", user=SASA_ADMIN)
    assert asked.plain_text().startswith("Koalicijo »Digitalni ekosistem Ljubljane« smo zaprosili")
    sender = RecordingSender()
    await scheduler_for(app, sender).sweep()
    [request] = [r for chat, r in sender.sent if chat == LJUBLJANA_ADMIN]
    assert request.title.endswith("prosi za povezavo")
    assert [b.command for b in request.buttons] == ["/link sasa accept", "/link sasa decline"]
    pending = await ask(app, "/mreza", user=LJUBLJANA_ADMIN, coalition="ljubljana")
    assert "prosijo vas: sprejmite ali zavrnite" in pending.plain_text()

    accepted = await ask(app, "/link sasa accept", user=LJUBLJANA_ADMIN, coalition="ljubljana")
    assert "zdaj povezani (horizontalna)" in accepted.plain_text(), accepted.plain_text()
    network = await ask(app, "/network", user=SASA_ADMIN, locale="en")
    assert "horizontal, since" in network.plain_text(), network.plain_text()

    listed = await ask(app, "/events", coalition="ljubljana", locale="en")
    assert "Regijski forum" in listed.plain_text()
    assert "shared by Lokalna digitalna koalicija SAŠA regije" in listed.plain_text()
    shown = await ask(app, f"/event {event_id}", coalition="ljubljana", locale="en")
    assert not shown.is_error, shown.plain_text()
    coordinator = await as_role(app, "lj-koord", Role.COORDINATOR, coalition="ljubljana")
    refused = await ask(
        app,
        f"/editevent {event_id} title=Ours",
        user=coordinator,
        coalition="ljubljana",
        locale="en",
    )
    assert refused.is_error
    assert "belongs to Lokalna digitalna koalicija SAŠA regije" in refused.plain_text()
    for line in (f"/editevent {event_id} capacity=5", f"/cancelevent {event_id}"):
        refused = await ask(app, line, user=coordinator, coalition="ljubljana", locale="en")
        assert refused.is_error, line
        assert "only its own coordinators change it" in refused.plain_text(), line

    going = await ask(app, f"/rsvp {event_id} yes", user="console:lj-clan", coalition="ljubljana")
    assert not going.is_error, going.plain_text()
    at_home = await ask(app, f"/event {event_id}", locale="en")
    assert "Going: 1 ·" in at_home.plain_text(), "an answer from a linked coalition counts"

    # a coalition never linked sees none of it
    await app.services.directory.apply_config(
        [CoalitionSpec(slug="tretja", name="Tretja koalicija")], complete=False
    )
    other = await ask(app, "/events", coalition="tretja", locale="en")
    assert "Regijski forum" not in other.plain_text()
    hidden = await ask(app, f"/event {event_id}", coalition="tretja", locale="en")
    assert hidden.is_error

    ended = await ask(app, "/prekinipovezavo sasa", user=LJUBLJANA_ADMIN, coalition="ljubljana")
    assert "je prekinjena" in ended.plain_text()
    after = await ask(app, "/events", coalition="ljubljana", locale="en")
    assert "Regijski forum" not in after.plain_text(), "the link ended: nothing crosses"


async def test_bad_link_commands_are_explained(app: App) -> None:
    await as_role(app, SASA_ADMIN, Role.ADMIN)
    for line, expected in [
        ("/link", "Write the coalition's short name and the kind of link."),
        ("/link ljubljana diagonal", "horizontal or vertical, not “diagonal”"),
        ("/link sasa horizontal", "cannot link with itself"),
        ("/link nikjer vertical", "There is no coalition “nikjer”"),
        ("/unlink ljubljana", "There is no link or request with “ljubljana”"),
        ("/link ljubljana accept", "There is no link or request with “ljubljana”"),
    ]:
        reply = await ask(app, line, user=SASA_ADMIN, locale="en")
        assert reply.is_error, line
        assert expected in reply.plain_text(), (line, reply.plain_text())
    member = await ask(app, "/link ljubljana vertical", user="console:clan", locale="en")
    assert member.is_error
    assert "Only a coalition admin may do this." in member.plain_text()
