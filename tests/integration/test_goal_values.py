"""Indicator values from the database, at the edges of their periods, on SQLite and PostgreSQL:
check-ins summed or the latest taken, events held, activities done, in the coalition's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.app import App
from models.entities import ActivityStatus, Role
from models.goals.entities import Aggregate, PeriodKind, Source
from models.goals.status import IndicatorStatus
from models.services.goals import IndicatorView
from tests.conftest import FakeClock
from tests.support import as_role

ZONE = ZoneInfo("Europe/Ljubljana")


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZONE).astimezone(UTC)


async def indicators(app: App, year: int) -> dict[str, IndicatorView]:
    overview = await app.services.goals.overview("sasa", year)
    return {i.title: i for goal in overview.goals for i in goal.indicators}


async def test_check_ins_count_in_the_local_year_they_were_made_summed_or_latest(
    any_app: App, clock: FakeClock
) -> None:
    goals = any_app.services.goals
    who = await as_role(any_app, "coordinator", Role.COORDINATOR)
    goal = await goals.add_goal("sasa", who, title="Udeležba")
    await goals.add_indicator("sasa", who, goal.id, title="sum", target=10, aggregate=Aggregate.SUM)
    await goals.add_indicator("sasa", who, goal.id, title="latest", target=10)
    found = await indicators(any_app, 2026)
    total, latest = found["sum"], found["latest"]
    for moment, value in [
        (local(2026, 6, 1, 12, 0), 3.0),
        (local(2026, 12, 31, 23, 59), 4.0),  # the year's last minute, local time
        (local(2027, 1, 1, 0, 0), 5.0),  # already the next year
    ]:
        clock.now = moment
        await goals.record("sasa", who, total.id, value)
        await goals.record("sasa", who, latest.id, value)
    clock.now = local(2027, 1, 2, 9, 0)
    last_year, this_year = await indicators(any_app, 2026), await indicators(any_app, 2027)
    assert (last_year["sum"].value, last_year["latest"].value) == (7.0, 4.0)
    assert (this_year["sum"].value, this_year["latest"].value) == (5.0, 5.0)
    assert last_year["sum"].status is IndicatorStatus.NOT_ACHIEVED
    assert this_year["sum"].status is IndicatorStatus.ON_TRACK  # 5 of 10 two days in: ahead


async def test_events_count_until_the_end_of_a_day_when_the_clocks_go_forward(
    any_app: App, clock: FakeClock
) -> None:
    goals, events = any_app.services.goals, any_app.services.events
    who = await as_role(any_app, "coordinator", Role.COORDINATOR)
    goal = await goals.add_goal("sasa", who, title="Srečanja")
    indicator = await goals.add_indicator(
        "sasa",
        who,
        goal.id,
        title="do pomladi",
        target=2,
        period=PeriodKind.UNTIL,
        until_on=date(2026, 3, 29),  # 23 hours long in Ljubljana
        source=Source.EVENTS,
    )
    clock.now = local(2026, 3, 1, 9, 0)
    for title, starts in [
        ("zadnja ura", local(2026, 3, 29, 23, 30)),
        ("naslednji dan", local(2026, 3, 30, 0, 30)),
        ("preklican", local(2026, 3, 29, 10, 0)),
    ]:
        event = await events.create("sasa", who, title=title, starts_at=starts)
        await events.edit("sasa", who, event.id, indicator=indicator.id)
        if title == "preklican":
            await events.cancel("sasa", who, event.id)
    clock.now = local(2026, 3, 29, 23, 0)  # before the last one is held
    assert (await indicators(any_app, 2026))["do pomladi"].value == 0
    clock.now = local(2026, 4, 15, 9, 0)
    after = (await indicators(any_app, 2026))["do pomladi"]
    assert after.value == 1  # held before the end; the next day's and the cancelled one not
    assert after.status is IndicatorStatus.NOT_ACHIEVED


async def test_an_activity_counts_in_the_year_it_was_marked_done(
    any_app: App, clock: FakeClock
) -> None:
    goals, activities = any_app.services.goals, any_app.services.activities
    who = await as_role(any_app, "coordinator", Role.COORDINATOR)
    goal = await goals.add_goal("sasa", who, title="Načrt")
    indicator = await goals.add_indicator(
        "sasa", who, goal.id, title="opravljene", target=2, source=Source.ACTIVITIES
    )
    clock.now = local(2026, 12, 1, 9, 0)
    first = await activities.create("sasa", who, title="A", due_on=date(2026, 12, 20))
    second = await activities.create("sasa", who, title="B", due_on=date(2026, 12, 20))
    for activity in (first, second):
        await activities.edit("sasa", who, activity.id, indicator=indicator.id)
    clock.now = local(2026, 12, 31, 23, 59)
    await activities.set_status("sasa", who, first.id, ActivityStatus.DONE)
    clock.now = local(2027, 1, 1, 0, 0)
    await activities.set_status("sasa", who, second.id, ActivityStatus.DONE)
    clock.now = local(2027, 1, 1, 9, 0)
    assert (await indicators(any_app, 2026))["opravljene"].value == 1
    assert (await indicators(any_app, 2027))["opravljene"].value == 1
    await activities.set_status("sasa", who, second.id, ActivityStatus.ACTIVE)
    assert (await indicators(any_app, 2027))["opravljene"].value == 0
