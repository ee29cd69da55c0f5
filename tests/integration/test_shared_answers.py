"""Every command whose answer is remembered and shared answers each person as if fresh.

Two people with different roles and languages ask every `shared_answer` command in the same
bound group and each in a private chat; the answers remembered for them (after the other
person asked the same) must equal the answers the dispatcher gives with remembering off.
"""

from __future__ import annotations

from dataclasses import astuple

from bot.app import App
from handlers.commands import COMMANDS
from handlers.types import Reply
from models.entities import Role
from tests.support import as_role, ask

GROUP = "console:team"


def line_for(name: str, example: str, event_id: int) -> str:
    _command, _, args = example.partition(" ")
    return f"/{name} {event_id if name == 'event' else args}".strip()


async def test_each_shared_answer_remembered_equals_a_fresh_one_for_two_people(
    any_app: App,
) -> None:
    admin = await as_role(any_app, "skrbnik", Role.ADMIN)
    coordinator = await as_role(any_app, "ana", Role.COORDINATOR)
    member = await as_role(any_app, "bojan", Role.MEMBER)
    bound = await ask(any_app, "/bind sasa", user=admin, chat=GROUP, group=True, coalition=None)
    assert not bound.is_error, bound.plain_text()
    assert not (await ask(any_app, "/language en", user=coordinator)).is_error
    events = await any_app.services.events.upcoming("sasa")
    assert events.items
    askers = [
        {"user": coordinator, "chat": GROUP, "group": True, "coalition": None},
        {"user": member, "chat": GROUP, "group": True, "coalition": None},
        {"user": coordinator},
        {"user": member},
    ]
    shared = [spec for spec in COMMANDS if spec.shared_answer]
    assert {"events", "event", "contacts", "help"} <= {spec.name for spec in shared}
    for spec in shared:
        line = line_for(spec.name, spec.example, events.items[0].id)
        remembered: list[Reply] = []
        for _round in range(2):  # the second round is answered from memory
            remembered = [await ask(any_app, line, **who) for who in askers]  # type: ignore[arg-type]
        any_app.dispatcher.freshness = None
        try:
            fresh = [await ask(any_app, line, **who) for who in askers]  # type: ignore[arg-type]
        finally:
            any_app.dispatcher.freshness = any_app.database.changes
        for who, kept, new in zip(askers, remembered, fresh, strict=True):
            assert astuple(kept) == astuple(new), (line, who, kept.plain_text(), new.plain_text())
        # the two people do get different answers where it matters
        if spec.name == "help":
            assert remembered[0].plain_text() != remembered[1].plain_text()
        assert {reply.locale for reply in remembered} == {"en", "sl"}, line
