"""The configuration is the truth for the admins and coalitions it lists, across restarts."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.app import App
from bot.config import Config
from models.entities import Coalition, Role
from models.errors import Invalid
from models.reminders import Reminder
from models.services.directory import CoalitionSpec
from tests.conftest import FakeClock, make_app
from tests.support import ask

KEPT, DROPPED, GRANTED = "telegram:601", "telegram:602", "telegram:603"
ANONYMOUS = "telegram:1087968824"
A_GROUP, B_GROUP = "telegram:-100601", "telegram:-100602"
A = CoalitionSpec(slug="alfa", name="Alfa", admins=(KEPT, DROPPED), chats=(A_GROUP,))
B = CoalitionSpec(slug="beta", name="Beta", admins=(KEPT,), chats=(B_GROUP,))


def configured(*coalitions: CoalitionSpec) -> Config:
    return Config(coalitions=coalitions)


async def in_group(app: App, line: str, user: str, group: str) -> str:
    reply = await ask(app, line, user=user, chat=group, group=True, coalition=None, locale="en")
    return reply.plain_text()


async def restarted(url: str, clock: FakeClock, *coalitions: CoalitionSpec) -> App:
    return await make_app(url, clock, demo=False, config=configured(*coalitions))


async def test_removed_admins_are_demoted_and_a_removed_coalition_goes_quiet(
    database_url: str, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="models.services.directory")
    clock.now = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    first = await restarted(database_url, clock, A, B)
    granted = await in_group(first, f"/role {GRANTED} admin", DROPPED, A_GROUP)
    assert "»skrbnik«" in granted, granted
    added = await in_group(first, "/addevent Sestanek | jutri ob 10h", KEPT, B_GROUP)
    assert "#" in added, added
    await first.close()

    second = await restarted(database_url, clock, replace_admins(A, (KEPT,)))
    try:
        refused = await in_group(second, "/addevent Sestanek | jutri ob 10h", DROPPED, A_GROUP)
        assert "lahko spreminjajo le koordinatorji" in refused
        assert "#" in await in_group(second, "/addevent Delavnica | jutri ob 11h", GRANTED, A_GROUP)
        assert "#" in await in_group(second, "/addevent Posvet | jutri ob 12h", KEPT, A_GROUP)
        quiet = await in_group(second, "/events", KEPT, B_GROUP)
        assert "ni povezan s koalicijo" in quiet
        assert "Sestanek" not in quiet
        mine = (
            await ask(second, "/coalition", user=KEPT, coalition=None, locale="en")
        ).plain_text()
        assert "Alfa" in mine
        assert "Beta" not in mine
        clock.now += timedelta(days=2)  # every reminder of both is due
        claimed = await second.services.reminders.claim_due("w", timedelta(minutes=2), 100)
        async with second.database.sessions() as session:
            beta = await session.scalar(select(Coalition).where(Coalition.slug == "beta"))
            assert beta is not None
            assert beta.retired
            owners = set(
                await session.scalars(select(Reminder.coalition_id).where(Reminder.id.in_(claimed)))
            )
        assert beta.id not in owners
        assert owners
        assert any("beta is no longer in the configuration" in r.message for r in caplog.records)
        assert any(f"{DROPPED} is no longer an admin of alfa" in r.message for r in caplog.records)
        rebound = await in_group(second, "/bind alfa", GRANTED, B_GROUP)  # no admin of beta
        assert "zdaj povezan s koalicijo — Alfa" in rebound
    finally:
        await second.close()

    clock.now -= timedelta(days=2)
    third = await restarted(database_url, clock, replace_admins(A, (KEPT,)), B)
    try:
        assert "Sestanek" in await in_group(third, "/events", KEPT, B_GROUP)  # listed again
    finally:
        await third.close()


def replace_admins(spec: CoalitionSpec, admins: tuple[str, ...]) -> CoalitionSpec:
    return CoalitionSpec(slug=spec.slug, name=spec.name, admins=admins, chats=spec.chats)


async def test_the_anonymous_admin_id_never_gets_a_role(any_app: App) -> None:
    admin = "telegram:700"
    await any_app.services.directory.ensure_role("sasa", admin, Role.ADMIN)
    refused = await ask(any_app, "/role 1087968824 admin", user=admin, locale="en")
    assert refused.is_error
    assert "anonymous group admins" in refused.plain_text()
    with pytest.raises(Invalid):
        await any_app.services.directory.apply_config(
            [CoalitionSpec(slug="sasa", name="SAŠA", admins=(ANONYMOUS,))]
        )
    with pytest.raises(Invalid):
        await any_app.services.directory.ensure_role("sasa", ANONYMOUS, Role.ADMIN)
    answer = await ask(any_app, "/addevent Sestanek | jutri ob 10h", user=ANONYMOUS, locale="en")
    assert "Only coordinators" in answer.plain_text()
