"""Demo coalitions built from the seed documents: SAŠA regional coalition and Ljubljana,
with a national body's coalition Ljubljana is linked with vertically.

Every date is relative to the day the demo is loaded, so the demo always shows upcoming
events and deadlines. Facts come only from the seeds; where a contact is needed but the
seeds name no person, the contact is a clearly marked role without personal details.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.demo_goals import fill_goals
from models.demo_network import fill_links
from models.entities import (
    Activity,
    ActivityStatus,
    Area,
    Coalition,
    Contact,
    Event,
    EventKind,
    EventVisibility,
    Organisation,
    Sector,
)

ZONE = "Europe/Ljubljana"
YEAR_END_MARGIN_DAYS = 14


@dataclass(frozen=True)
class OrganisationSeed:
    name: str
    sector: Sector
    website: str | None = None


@dataclass(frozen=True)
class ContactSeed:
    name: str
    organisation: str
    role: str
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class EventSeed:
    title: str
    kind: EventKind
    in_days: int
    area: str | None
    at: time = time(10, 0)
    hours: int | None = 2
    location: str | None = None
    organiser: str | None = None
    description: str | None = None
    public: bool = False
    """On the coalition's public web page and feed (else members only)."""


@dataclass(frozen=True)
class ActivitySeed:
    title: str
    area: str | None
    status: ActivityStatus
    in_days: int | None = None
    at_year_end: bool = False
    organisation: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class CoalitionSeed:
    slug: str
    name: str
    areas: tuple[tuple[str, str], ...]
    organisations: tuple[OrganisationSeed, ...]
    contacts: tuple[ContactSeed, ...]
    events: tuple[EventSeed, ...]
    activities: tuple[ActivitySeed, ...]


SCV = "Šolski center Velenje"
RA_SASA = "Razvojna agencija SAŠA"
IPAK = "IPAK inštitut"
MOL = "Mestna občina Ljubljana"
SVET = "Strateški svet za digitalni razvoj MOL"
TPLJ = "Tehnološki park Ljubljana"
CONFERENCE, MEETING = EventKind.CONFERENCE, EventKind.MEETING
WORKSHOP, DEADLINE = EventKind.WORKSHOP, EventKind.DEADLINE
PLANNED, ACTIVE = ActivityStatus.PLANNED, ActivityStatus.ACTIVE

SASA = CoalitionSeed(
    slug="sasa",
    name="Lokalna digitalna koalicija SAŠA regije",
    areas=(
        ("pametno-mesto", "Pametno mesto"),
        ("pametno-podezelje", "Pametno podeželje"),
        ("seniorji", "Seniorji za razvoj regije"),
        ("zgodnje-ucenje", "Zgodnje učenje"),
        ("premogovna-regija", "Premogovna regija in digitalizacija"),
        ("indeks", "Indeks SAŠA regije"),
    ),
    organisations=(
        OrganisationSeed("Savinjsko-šaleška gospodarska zbornica", Sector.BUSINESS),
        OrganisationSeed("Skupnost občin SAŠA subregije", Sector.PUBLIC),
        OrganisationSeed(SCV, Sector.EDUCATION),
        OrganisationSeed("Ljudska univerza Velenje", Sector.EDUCATION),
        OrganisationSeed(RA_SASA, Sector.PUBLIC),
        OrganisationSeed("Stičišče NVO Savinjske regije", Sector.CIVIL_SOCIETY),
        OrganisationSeed("SAŠA inkubator", Sector.BUSINESS),
        OrganisationSeed("Klub podjetnikov SAŠA regije", Sector.BUSINESS),
        OrganisationSeed(IPAK, Sector.RESEARCH, "https://www.ldk.si"),
    ),
    contacts=(
        ContactSeed(
            "Kontaktna točka LDK", IPAK, "kontaktna točka koalicije", "ldk@ldk.si", "070 476 019"
        ),
        ContactSeed(
            "Koordinator področja Pametno mesto", RA_SASA, "koordinator področja Pametno mesto"
        ),
    ),
    events=(
        EventSeed(
            "Predstavitev grozda informacijskih tehnologij eAlijansa na Šolskem centru Velenje",
            MEETING,
            1,
            "premogovna-regija",
            location=SCV,
            organiser=SCV,
        ),
        EventSeed(
            "Usklajevalni sestanek deležnikov",
            MEETING,
            3,
            None,
            at=time(13, 0),
            location="Velenje",
            description="Usklajevanje aktivnosti deležnikov lokalne digitalne koalicije.",
        ),
        EventSeed(
            "Delavnica Digitalne kompetence",
            WORKSHOP,
            6,
            "seniorji",
            at=time(9, 0),
            hours=3,
            location="Velenje",
        ),
        EventSeed(
            "Rok za oddajo prijave za sofinanciranje",
            DEADLINE,
            12,
            "premogovna-regija",
            at=time(12, 0),
            hours=None,
            description="Stabilna finančna sredstva so pogoj za formalno ustanovitev koalicije.",
        ),
        EventSeed(
            "Mednarodno srečanje Uporaba IKT pri čiščenju odpadnih vod in pripravi pitne vode",
            CONFERENCE,
            24,
            "pametno-mesto",
            hours=6,
            location="Velenje",
            public=True,
        ),
        EventSeed(
            "Mednarodno srečanje Industrija 4.0",
            CONFERENCE,
            52,
            "premogovna-regija",
            hours=6,
            location="Velenje",
            public=True,
        ),
        EventSeed(
            "Mednarodno srečanje Monitoring onesnaženosti zraka",
            CONFERENCE,
            87,
            "pametno-mesto",
            hours=6,
            location="Velenje",
            public=True,
        ),
        EventSeed(
            "Mednarodno srečanje Fizična aktivnost in razvoj kognitivnih sposobnosti",
            CONFERENCE,
            122,
            "zgodnje-ucenje",
            hours=6,
            location="Velenje",
            public=True,
        ),
    ),
    activities=(
        ActivitySeed(
            "Predstavitev grozda eAlijansa", "premogovna-regija", ACTIVE, 1, organisation=SCV
        ),
        ActivitySeed("Delavnica Digitalne kompetence", "seniorji", PLANNED, 6),
        ActivitySeed("Industrija 4.0", "premogovna-regija", ACTIVE, 45),
        ActivitySeed("Umetna inteligenca in industrija 5.0", "premogovna-regija", PLANNED, 90),
        ActivitySeed("Družba ničelnih mejnih stroškov", "premogovna-regija", PLANNED, 140),
        ActivitySeed(
            "Razvoj Indeksa SAŠA regije",
            "indeks",
            ACTIVE,
            180,
            organisation=IPAK,
            notes="V okviru razvoja indeksa je IPAK inštitut vzpostavil spletno mesto www.ldk.si.",
        ),
        ActivitySeed(
            "Formalna ustanovitev koalicije ob zagotovljenih sredstvih",
            None,
            PLANNED,
            notes="Šele ko bodo zagotovljena stabilna finančna sredstva za delovanje koalicije.",
        ),
    ),
)

LJUBLJANA = CoalitionSeed(
    slug="ljubljana",
    name="Digitalni ekosistem Ljubljane",
    areas=(
        ("digitalno-mesto", "Digitalno mesto in skupnost"),
        ("zivi-laboratorij", "Živi laboratorij"),
        ("prijave", "Prijave na projekte"),
        ("povezovanje", "Povezovanje mest"),
    ),
    organisations=(
        OrganisationSeed(MOL, Sector.PUBLIC),
        OrganisationSeed(SVET, Sector.PUBLIC),
        OrganisationSeed(TPLJ, Sector.BUSINESS),
    ),
    contacts=(ContactSeed(SVET, MOL, "sprejema strateške in programske usmeritve"),),
    events=(
        EventSeed(
            "Rok za oddajo prijave na sofinancirani projekt EU",
            DEADLINE,
            20,
            "prijave",
            at=time(12, 0),
            hours=None,
            organiser=MOL,
            description="Vključevanje v prijave za sofinancirane projekte (EU ali drug mehanizem).",
        ),
        EventSeed(
            "Letno srečanje Strateškega sveta za digitalni razvoj MOL",
            MEETING,
            60,
            "digitalno-mesto",
            location="Ljubljana",
            organiser=SVET,
            description="1 srečanje Strateškega sveta za digitalni razvoj MOL na leto.",
            public=True,
        ),
    ),
    activities=(
        ActivitySeed(
            "Vzpostavitev živega laboratorija",
            "zivi-laboratorij",
            ACTIVE,
            300,
            organisation=TPLJ,
            notes="Za predpilotno testiranje tehnologij v sodelovanju z izobraževalnimi "
            "ustanovami in Tehnološkim parkom Ljubljana.",
        ),
        ActivitySeed(
            "Najmanj 3 oddane prijave na sofinancirane projekte letno",
            "prijave",
            ACTIVE,
            at_year_end=True,
            organisation=MOL,
            notes="Prijave za sofinancirane projekte (EU ali drug mehanizem).",
        ),
        ActivitySeed(
            "Horizontalna povezava z drugimi mesti", "povezovanje", PLANNED, 120, organisation=MOL
        ),
        ActivitySeed(
            "Vertikalna povezava z državnimi ustanovami",
            "povezovanje",
            PLANNED,
            150,
            organisation=MOL,
            notes="Povezava lokalne skupnosti z regionalnimi in/ali državnimi ustanovami.",
        ),
    ),
)

DIGITALNA_SLOVENIJA = CoalitionSeed(
    slug="digitalna-slovenija",
    name="Digitalna Slovenija",
    areas=(("digitalna-preobrazba", "Digitalna preobrazba"),),
    organisations=(OrganisationSeed("Ministrstvo za digitalno preobrazbo", Sector.PUBLIC),),
    contacts=(),
    events=(),
    activities=(),
)
"""A national body's coalition: Ljubljana's vertical link (models/demo_network.py)."""

DEMO: tuple[CoalitionSeed, ...] = (SASA, LJUBLJANA, DIGITALNA_SLOVENIJA)


def year_end(today: date) -> date:
    """December 31 of this year, or of the next one when this year's is too close."""
    end = date(today.year, 12, 31)
    return end if (end - today).days > YEAR_END_MARGIN_DAYS else date(today.year + 1, 12, 31)


def _due(seed: ActivitySeed, today: date) -> date | None:
    if seed.at_year_end:
        return year_end(today)
    return None if seed.in_days is None else today + timedelta(days=seed.in_days)


async def _coalition_to_fill(session: AsyncSession, seed: CoalitionSeed) -> Coalition:
    """The coalition row to fill with demo content: the one already there (made by the
    config, say), or a new one."""
    coalition = await session.scalar(select(Coalition).where(Coalition.slug == seed.slug))
    if coalition is None:
        coalition = Coalition(slug=seed.slug, name=seed.name, timezone=ZONE, default_locale="sl")
        session.add(coalition)
        await session.flush()
    return coalition


async def _fill(
    session: AsyncSession, coalition: Coalition, seed: CoalitionSeed, today: date
) -> bool:
    """Adds what of the seed is missing (areas, organisations, contacts, events, activities,
    each known by its name or title); True when anything was added."""
    zone = ZoneInfo(ZONE)

    existing_areas = await session.scalars(select(Area).where(Area.coalition_id == coalition.id))
    areas = {area.slug: area for area in existing_areas}
    added: list[Area | Organisation] = [
        areas.setdefault(slug, Area(coalition_id=coalition.id, slug=slug, name=name))
        for slug, name in seed.areas
        if slug not in areas
    ]
    existing = await session.scalars(
        select(Organisation).where(Organisation.coalition_id == coalition.id)
    )
    orgs = {o.name: o for o in existing}
    for o in seed.organisations:
        if o.name not in orgs:
            orgs[o.name] = Organisation(
                coalition_id=coalition.id, name=o.name, sector=o.sector, website=o.website
            )
            added.append(orgs[o.name])
    session.add_all(added)
    await session.flush()

    def area_id(slug: str | None) -> int | None:
        return areas[slug].id if slug is not None else None

    def org_id(name: str | None) -> int | None:
        return orgs[name].id if name is not None else None

    people = {
        (organisation_id, name)
        for organisation_id, name in (
            await session.execute(
                select(Contact.organisation_id, Contact.name).where(
                    Contact.coalition_id == coalition.id
                )
            )
        ).all()
    }
    events = set(
        (await session.scalars(select(Event.title).where(Event.coalition_id == coalition.id))).all()
    )
    activities = set(
        (
            await session.scalars(
                select(Activity.title).where(Activity.coalition_id == coalition.id)
            )
        ).all()
    )
    new: list[object] = []
    for c in seed.contacts:
        if (orgs[c.organisation].id, c.name) in people:
            continue
        new.append(
            Contact(
                coalition_id=coalition.id,
                organisation_id=orgs[c.organisation].id,
                name=c.name,
                role=c.role,
                email=c.email,
                phone=c.phone,
            )
        )
    for e in seed.events:
        if e.title in events:
            continue
        starts_at = datetime.combine(today + timedelta(days=e.in_days), e.at, tzinfo=zone)
        new.append(
            Event(
                coalition_id=coalition.id,
                area_id=area_id(e.area),
                organiser_id=org_id(e.organiser),
                title=e.title,
                description=e.description,
                starts_at=starts_at,
                ends_at=None if e.hours is None else starts_at + timedelta(hours=e.hours),
                location=e.location,
                kind=e.kind,
                created_by="demo",
                visibility=EventVisibility.PUBLIC if e.public else EventVisibility.INTERNAL,
            )
        )
    for a in seed.activities:
        if a.title in activities:
            continue
        new.append(
            Activity(
                coalition_id=coalition.id,
                area_id=area_id(a.area),
                organisation_id=org_id(a.organisation),
                title=a.title,
                due_on=_due(a, today),
                status=a.status,
                notes=a.notes,
            )
        )
    session.add_all(new)
    await session.flush()
    goals = await fill_goals(session, coalition, today, zone)
    return bool(added or new or goals)


async def load_demo(sessions: async_sessionmaker[AsyncSession], today: date) -> bool:
    """Loads what is missing of the demo coalitions; returns False (and changes nothing) when
    everything is already there.

    Whatever the config made first (the coalition, some of its areas) is kept and completed:
    the seed's areas, organisations, contacts, events and activities not yet there are added.
    """
    loaded = False
    async with sessions.begin() as session:
        coalitions: dict[str, Coalition] = {}
        for seed in DEMO:
            coalition = coalitions[seed.slug] = await _coalition_to_fill(session, seed)
            loaded = await _fill(session, coalition, seed, today) or loaded
        loaded = await fill_links(session, coalitions, today, ZoneInfo(ZONE)) or loaded
    return loaded
