"""The demo's network, from the Ljubljana seed: one vertical link, with a national body's
coalition, accepted earlier this year; the horizontal one (with another city) is left open,
so the goal "Digitalni ekosistem" stays partially achieved until a coordinator links it."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.demo_goals import DEMO_ACTOR, GOALS, earlier_this_year
from models.entities import Coalition
from models.goals.entities import Indicator, Source
from models.network.entities import CoalitionLink, LinkKind, LinkState

DEMO_LINKS = (("ljubljana", "digitalna-slovenija", LinkKind.VERTICAL),)
"""(coalition, partner, kind): links both sides of which the demo makes, accepted."""


async def fill_links(
    session: AsyncSession, coalitions: dict[str, Coalition], today: date, zone: ZoneInfo
) -> bool:
    """Adds the demo's links that are missing, and gives the demo's links indicators made
    before indicators knew their kind the kind the seed names; True when anything changed."""
    changed = False
    since = earlier_this_year(today, 0.25, zone)
    for slug, partner_slug, kind in DEMO_LINKS:
        mine, partner = coalitions[slug], coalitions[partner_slug]
        exists = await session.scalar(
            select(CoalitionLink.id).where(
                CoalitionLink.coalition_id == mine.id, CoalitionLink.partner_id == partner.id
            )
        )
        if exists is not None:
            continue
        for side, other in ((mine, partner), (partner, mine)):
            session.add(
                CoalitionLink(
                    coalition_id=side.id,
                    partner_id=other.id,
                    kind=kind,
                    state=LinkState.ACTIVE,
                    asked_by=DEMO_ACTOR,
                    asked_at=since,
                    since=since,
                )
            )
        changed = True
    for goal in GOALS:
        coalition = coalitions.get(goal.coalition)
        for seed in goal.indicators:
            if coalition is None or seed.link_kind is None:
                continue
            result = await session.execute(
                update(Indicator)
                .where(
                    Indicator.coalition_id == coalition.id,
                    Indicator.title == seed.title,
                    Indicator.source == Source.LINKS,
                    Indicator.link_kind.is_(None),
                )
                .values(link_kind=seed.link_kind)
            )
            changed = changed or bool(getattr(result, "rowcount", 0))
    await session.flush()
    return changed
