"""The demo coalitions' goals, from the seeds: the Ljubljana goal "Digitalni ekosistem" with
exactly its indicators (partially achieved, as the seed says), and SAŠA's two goals.

What counted toward them this year (the Strategic Council's meeting, two project applications,
check-ins) is dated between 1 January and the day the demo is loaded, so the goal reads the
same whenever it is loaded; the living lab "do leta 2025" stays not achieved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.entities import Activity, ActivityStatus, Area, Coalition, Event, EventKind
from models.goals.entities import Aggregate, CheckIn, Goal, Indicator, PeriodKind, Source
from models.goals.status import end_of_day
from models.network.entities import LinkKind

DEMO_ACTOR = "demo"
COUNCIL_MEETING = "Srečanje Strateškega sveta za digitalni razvoj MOL"
APPLICATIONS = (
    ("Prva prijava na sofinancirani projekt (EU)", True),
    ("Druga prijava na sofinancirani projekt (EU)", True),
    ("Tretja prijava na sofinancirani projekt", False),
)


@dataclass(frozen=True)
class IndicatorSeed:
    title: str
    target: float
    unit: str | None
    source: Source
    check_in: float | None = None
    until: date | None = None
    note: str | None = None
    link_kind: LinkKind | None = None


@dataclass(frozen=True)
class GoalSeed:
    coalition: str
    title: str
    area: str | None
    description: str
    indicators: tuple[IndicatorSeed, ...]


LJUBLJANA_GOAL = GoalSeed(
    "ljubljana",
    "Digitalni ekosistem",
    "digitalno-mesto",
    "V MOL bomo razvijali digitalni ekosistem, ki bo temeljil na tesnem povezovanju velike "
    "družine MOL: mestne uprave, javnih zavodov in javnih podjetij z izobraževalnimi in "
    "raziskovalnimi ustanovami, zasebnimi podjetji, nevladnimi organizacijami ter meščankami "
    "in meščani.",
    (
        IndicatorSeed(
            "Organizacijska oblika znotraj velike družine MOL",
            1,
            "organizacijska oblika",
            Source.MANUAL,
            check_in=1,
            note="Strateški svet za digitalni razvoj MOL",
        ),
        IndicatorSeed(
            "Horizontalna povezava z drugimi mesti",
            1,
            "povezava",
            Source.LINKS,
            link_kind=LinkKind.HORIZONTAL,
        ),
        IndicatorSeed(
            "Vertikalna povezava z regionalnimi in/ali državnimi ustanovami",
            1,
            "povezava",
            Source.LINKS,
            link_kind=LinkKind.VERTICAL,
        ),
        IndicatorSeed(
            "Srečanje Strateškega sveta za digitalni razvoj MOL", 1, "srečanje", Source.EVENTS
        ),
        IndicatorSeed("Oddane prijave na sofinancirane projekte", 3, "prijave", Source.ACTIVITIES),
        IndicatorSeed("Delujoč živi laboratorij", 1, None, Source.MANUAL, until=date(2025, 12, 31)),
    ),
)
SASA_FOUNDING = GoalSeed(
    "sasa",
    "Formalna ustanovitev koalicije",
    None,
    "Koalicija bo formalno ustanovljena šele, ko bodo zagotovljena stabilna finančna "
    "sredstva za njeno delovanje.",
    (
        IndicatorSeed(
            "Zagotovljena stabilna finančna sredstva",
            1,
            None,
            Source.MANUAL,
            check_in=0,
            note="Sredstva še niso zagotovljena.",
        ),
    ),
)
SASA_PLAN = GoalSeed(
    "sasa",
    "Izvedba letnega načrta aktivnosti",
    "indeks",
    "Aktivnosti koalicije v letu služijo zastavljenim ciljem in Indeksu SAŠA regije.",
    (IndicatorSeed("Izvedene aktivnosti letnega načrta", 0, "aktivnosti", Source.ACTIVITIES),),
)
GOALS = (LJUBLJANA_GOAL, SASA_FOUNDING, SASA_PLAN)


def earlier_this_year(today: date, share: float, zone: ZoneInfo) -> datetime:
    """A moment `share` of the way from 1 January to today (10:00, or 00:01 on 1 January)."""
    start = date(today.year, 1, 1)
    day = start + timedelta(days=int((today - start).days * share))
    at = time(0, 1) if day == today else time(10, 0)
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


async def fill_goals(
    session: AsyncSession, coalition: Coalition, today: date, zone: ZoneInfo
) -> bool:
    """Adds the coalition's demo goals that are missing (known by title), with what counts
    toward them; True when anything was added."""
    added = False
    for seed in (goal for goal in GOALS if goal.coalition == coalition.slug):
        exists = await session.scalar(
            select(Goal.id).where(Goal.coalition_id == coalition.id, Goal.title == seed.title)
        )
        if exists is None:
            await _add_goal(session, coalition, seed, today, zone)
            added = True
    return added


async def _add_goal(
    session: AsyncSession, coalition: Coalition, seed: GoalSeed, today: date, zone: ZoneInfo
) -> None:
    made = earlier_this_year(today, 0.0, zone)
    area = await session.scalar(
        select(Area).where(Area.coalition_id == coalition.id, Area.slug == seed.area)
    )
    goal = Goal(
        coalition_id=coalition.id,
        area_id=area.id if area else None,
        title=seed.title,
        description=seed.description,
        created_at=made,
    )
    session.add(goal)
    await session.flush()
    for item in seed.indicators:
        indicator = Indicator(
            coalition_id=coalition.id,
            goal_id=goal.id,
            title=item.title,
            target=item.target,
            unit=item.unit,
            source=item.source,
            aggregate=Aggregate.LATEST,
            link_kind=item.link_kind,
            period=PeriodKind.UNTIL if item.until else PeriodKind.YEARLY,
            until_on=item.until,
            until_end=end_of_day(item.until, zone) if item.until else None,
            created_at=made,
        )
        session.add(indicator)
        await session.flush()
        if item.check_in is not None:
            session.add(
                CheckIn(
                    coalition_id=coalition.id,
                    indicator_id=indicator.id,
                    value=item.check_in,
                    note=item.note,
                    actor=DEMO_ACTOR,
                    at=earlier_this_year(today, 0.25, zone),
                )
            )
        if item.source is Source.EVENTS:
            await _council_meeting(session, coalition, indicator, today, zone)
        if item.source is Source.ACTIVITIES and coalition.slug == "ljubljana":
            await _applications(session, coalition, indicator, today, zone)
        if item.source is Source.ACTIVITIES and coalition.slug == "sasa":
            planned = (
                await session.scalars(
                    select(Activity).where(
                        Activity.coalition_id == coalition.id, Activity.due_on.is_not(None)
                    )
                )
            ).all()
            for activity in planned:
                activity.indicator_id = indicator.id
            indicator.target = len(planned)


async def _council_meeting(
    session: AsyncSession, coalition: Coalition, indicator: Indicator, today: date, zone: ZoneInfo
) -> None:
    """This year's meeting of the Strategic Council, held; next year's one linked too."""
    held = earlier_this_year(today, 0.5, zone)
    session.add(
        Event(
            coalition_id=coalition.id,
            title=COUNCIL_MEETING,
            starts_at=held,
            ends_at=held + timedelta(hours=2),
            location="Ljubljana",
            kind=EventKind.MEETING,
            created_by=DEMO_ACTOR,
            indicator_id=indicator.id,
            description="1 srečanje Strateškega sveta za digitalni razvoj MOL na leto.",
        )
    )
    upcoming = await session.scalars(
        select(Event).where(
            Event.coalition_id == coalition.id, Event.title.startswith("Letno srečanje")
        )
    )
    for event in upcoming:
        event.indicator_id = indicator.id


async def _applications(
    session: AsyncSession, coalition: Coalition, indicator: Indicator, today: date, zone: ZoneInfo
) -> None:
    """Two applications submitted this year and linked; the third still planned, unlinked."""
    for number, (title, done) in enumerate(APPLICATIONS, start=1):
        session.add(
            Activity(
                coalition_id=coalition.id,
                title=title,
                status=ActivityStatus.DONE if done else ActivityStatus.PLANNED,
                done_at=earlier_this_year(today, number / 3, zone) if done else None,
                indicator_id=indicator.id if done else None,
                notes="Vključevanje v prijave za sofinancirane projekte (EU ali drug mehanizem).",
            )
        )
