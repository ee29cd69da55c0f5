"""A synthetic but realistic data set, bulk-loaded into a database migrated by Alembic, cached.

The full size is 10 coalitions, 100,000 events (four years around `ANCHOR`, every area, every
kind, some cancelled), 10,000 activities, 5,000 contacts at 1,000 organisations, 2,000 chat
bindings and 2,000 members. Smaller sizes scale every table with the event count, so a run over
1k, 10k and 100k events shows how each command grows with the whole database.

Everything comes from one seeded `random.Random`: the same size gives the same rows, so figures
from two runs (or two machines) are about the same data. Rows are written with SQLAlchemy Core
`insert()` and lists of dicts, in chunks, in one transaction, with explicit primary keys.

Built SQLite files are cached under the cache directory (default `bench/results/`) as
`dataset-<events>-r<schema head>-v<DATASET_VERSION>.sqlite`; PostgreSQL data sets are cached as
databases `bench_ds_<events>_<schema head>_v<DATASET_VERSION>`. A new migration or a new
`DATASET_VERSION` gives a new key: the stale file or database is removed (unless kept with
`--keep-stale`, to compare two checkouts) and the set rebuilt.
"""

from __future__ import annotations

import functools
import os
import random
import re
import time
import unicodedata
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, create_engine, insert, make_url, text
from sqlalchemy.engine import URL

from models.base import Base
from models.database import Database
from models.entities import ActivityStatus, EventKind, EventStatus, Role, Sector

DATASET_VERSION = 1
SEED = 20261123
ANCHOR = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
"""The data set's "now": half the events are before it, half after. Benchmarks run at it."""
ZONE = ZoneInfo("Europe/Ljubljana")
FULL_EVENTS = 100_000
EVENT_SPAN_DAYS = 730  # events from two years before ANCHOR to two years after
CHUNK = 5_000
CONSOLE_ADMIN = "console:admin"  # `coalition-bot chat` acts as this identity

COALITIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "sasa",
        "Lokalna digitalna koalicija SAŠA regije",
        ("Velenje", "Šoštanj", "Žalec", "Mozirje", "Nazarje", "Šmartno ob Paki", "Polzela"),
    ),
    (
        "ljubljana",
        "Digitalni ekosistem Ljubljane",
        ("Ljubljana", "Šiška", "Bežigrad", "Vič", "Moste", "Črnuče", "Šentvid"),
    ),
    (
        "koroska",
        "Koroška digitalna koalicija",
        ("Slovenj Gradec", "Ravne na Koroškem", "Dravograd", "Prevalje", "Mežica", "Črna"),
    ),
    (
        "gorenjska",
        "Digitalna koalicija Gorenjske",
        ("Kranj", "Škofja Loka", "Jesenice", "Radovljica", "Bled", "Tržič", "Žiri"),
    ),
    (
        "pomurje",
        "Pomurska digitalna koalicija",
        ("Murska Sobota", "Ljutomer", "Gornja Radgona", "Lendava", "Beltinci", "Črenšovci"),
    ),
    (
        "primorska",
        "Digitalno stičišče Primorske",
        ("Koper", "Izola", "Piran", "Nova Gorica", "Ajdovščina", "Sežana", "Postojna"),
    ),
    (
        "dolenjska",
        "Dolenjska koalicija za digitalni razvoj",
        ("Novo mesto", "Trebnje", "Črnomelj", "Metlika", "Šentjernej", "Žužemberk"),
    ),
    (
        "posavje",
        "Posavska digitalna koalicija",
        ("Krško", "Brežice", "Sevnica", "Kostanjevica na Krki", "Radeče"),
    ),
    (
        "zasavje",
        "Zasavsko digitalno partnerstvo",
        ("Trbovlje", "Zagorje ob Savi", "Hrastnik", "Litija", "Šmartno pri Litiji"),
    ),
    (
        "podravje",
        "Digitalna koalicija Podravja",
        ("Maribor", "Ptuj", "Ormož", "Slovenska Bistrica", "Lenart", "Ruše"),
    ),
)
AREAS = (
    ("pametno-mesto", "Pametno mesto"),
    ("pametno-podezelje", "Pametno podeželje"),
    ("seniorji", "Seniorji za razvoj regije"),
    ("zgodnje-ucenje", "Zgodnje učenje"),
    ("vescine", "Digitalne veščine in kompetence"),
    ("kibernetska-varnost", "Kibernetska varnost"),
    ("e-uprava", "Digitalna javna uprava"),
    ("zelena-preobrazba", "Zelena in digitalna preobrazba"),
    ("podjetnistvo", "Digitalno podjetništvo"),
    ("vkljucenost", "Digitalna vključenost"),
)
AREAS_PER_COALITION = 6
EVENT_PREFIXES = {
    EventKind.MEETING: (
        "Usklajevalni sestanek",
        "Sestanek delovne skupine",
        "Seja koordinacijskega odbora",
        "Srečanje deležnikov",
        "Posvet",
    ),
    EventKind.WORKSHOP: (
        "Delavnica",
        "Praktična delavnica",
        "Izobraževanje",
        "Hekaton",
        "Spletni seminar",
    ),
    EventKind.CONFERENCE: ("Konferenca", "Regijski forum", "Dan odprtih vrat", "Festival"),
    EventKind.DEADLINE: (
        "Rok za oddajo prijav",
        "Rok za vmesno poročilo",
        "Oddaja vloge na razpis",
        "Rok za pripombe",
    ),
}
KIND_WEIGHTS = {
    EventKind.MEETING: 40,
    EventKind.WORKSHOP: 25,
    EventKind.CONFERENCE: 10,
    EventKind.DEADLINE: 25,
}
TOPICS = (
    "digitalne kompetence za starejše",
    "kibernetska varnost v malih podjetjih",
    "umetna inteligenca v šolah",
    "pametno podeželje in turizem",
    "e-storitve občine",
    "zgodnje učenje programiranja",
    "digitalizacija kmetij",
    "odprti podatki",
    "zelena digitalna preobrazba",
    "varna raba interneta",
    "digitalna pismenost",
    "širokopasovni dostop na podeželju",
    "robotika za osnovnošolce",
    "3D tisk in izdelovalnice",
    "pametna mobilnost",
    "energetska učinkovitost stavb",
    "ženske v tehnologiji",
    "računalniško mišljenje",
    "digitalni učbeniki",
    "čezmejno sodelovanje",
    "Indeks digitalne zrelosti regije",
    "prestrukturiranje premogovne regije",
)
VENUES = (
    "Mestna knjižnica",
    "Kulturni dom",
    "Sejna soba občine",
    "Podjetniški center",
    "Šolski center",
    "Dom krajanov",
    "Mladinski center",
)
ONLINE = ("spletno (Zoom)", "MS Teams", "https://meet.jit.si/koalicija")
DESCRIPTIONS = (
    "Predstavitev rezultatov in dogovor o naslednjih korakih.",
    "Udeležba je brezplačna, prijave zbiramo do zapolnitve mest.",
    "Srečanje je namenjeno vsem deležnikom koalicije: podjetjem, šolam, NVO in občinam.",
    "Gradiva bodo objavljena na spletni strani koalicije po dogodku.",
    "Prinesite prenosni računalnik; delo poteka v skupinah.",
)
ACTIVITY_PREFIXES = (
    "Priprava",
    "Izvedba",
    "Analiza",
    "Poročilo o",
    "Vzpostavitev",
    "Promocija",
    "Evalvacija",
)
ORGANISATION_PATTERNS: dict[Sector, tuple[str, ...]] = {
    Sector.BUSINESS: (
        "Gospodarska zbornica {place}",
        "Območna obrtno-podjetniška zbornica {place}",
        "Digitalne rešitve {place} d.o.o.",
        "Programska oprema {place} d.o.o.",
        "Elektronika {place} d.o.o.",
        "Podjetniški inkubator {place}",
    ),
    Sector.EDUCATION: (
        "Osnovna šola {place}",
        "Gimnazija {place}",
        "Šolski center {place}",
        "Ljudska univerza {place}",
        "Vrtec {place}",
    ),
    Sector.CIVIL_SOCIETY: (
        "Društvo za razvoj {place}",
        "Društvo upokojencev {place}",
        "Mladinski center {place}",
        "Zavod za kulturo in šport {place}",
    ),
    Sector.RESEARCH: (
        "Inštitut za digitalno preobrazbo {place}",
        "Razvojni center {place}",
        "Visoka šola za tehnologije {place}",
    ),
    Sector.PUBLIC: (
        "Občina {place}",
        "Razvojna agencija {place}",
        "Knjižnica {place}",
        "Center za socialno delo {place}",
    ),
}
FIRST_NAMES = (
    "Ana",
    "Matej",
    "Špela",
    "Žiga",
    "Urška",
    "Tadej",
    "Nina",
    "Luka",
    "Maja",
    "Jože",
    "Mojca",
    "Primož",
    "Katja",
    "Gašper",
    "Tjaša",
    "Rok",
    "Nataša",
    "Blaž",
    "Petra",
    "Andrej",
    "Sara",
    "Miha",
    "Barbara",
    "Jure",
    "Živa",
    "Črt",
)
LAST_NAMES = (
    "Novak",
    "Horvat",
    "Kovačič",
    "Krajnc",
    "Zupančič",
    "Potočnik",
    "Kos",
    "Vidmar",
    "Golob",
    "Turk",
    "Božič",
    "Kralj",
    "Zupan",
    "Bizjak",
    "Hribar",
    "Kavčič",
    "Rozman",
    "Mlakar",
    "Petek",
    "Kolar",
    "Žnidaršič",
    "Košir",
    "Jerman",
    "Žagar",
    "Šmid",
    "Čeh",
)
CONTACT_ROLES = (
    "direktor",
    "direktorica",
    "koordinatorka projektov",
    "koordinator projektov",
    "vodja izobraževanja",
    "svetovalec za digitalizacijo",
    "svetovalka za razvoj",
    "ravnateljica",
    "ravnatelj",
    "predsednik društva",
    "raziskovalka",
    "župan",
)


@dataclass(frozen=True)
class Shape:
    """How many rows of each kind a data set has; everything scales with the event count."""

    events: int
    coalitions: int = 10
    activities: int = 10_000
    organisations: int = 1_000
    contacts: int = 5_000
    chat_bindings: int = 2_000
    members: int = 2_000
    user_settings: int = 500

    @classmethod
    def for_events(cls, events: int) -> Shape:
        if events < 10:
            raise ValueError("a data set needs at least 10 events")

        def scaled(full: int, minimum: int) -> int:
            return max(minimum, round(full * events / FULL_EVENTS))

        return cls(
            events=events,
            activities=scaled(10_000, 20),
            organisations=scaled(1_000, 20),
            contacts=scaled(5_000, 30),
            chat_bindings=scaled(2_000, 20),
            members=scaled(2_000, 20),
            user_settings=scaled(500, 5),
        )

    def as_dict(self) -> dict[str, int]:
        return {
            "coalitions": self.coalitions,
            "events": self.events,
            "activities": self.activities,
            "organisations": self.organisations,
            "contacts": self.contacts,
            "chat_bindings": self.chat_bindings,
            "members": self.members,
            "user_settings": self.user_settings,
        }


@dataclass(frozen=True)
class Probe:
    """What commands can ask about: a chat and a user that resolve to one coalition."""

    coalition: str
    user_id: str
    chat_id: str
    group: bool
    areas: tuple[str, ...]


Row = dict[str, Any]


@dataclass
class Rows:
    """The generated rows, table by table, and the identities benchmarks can ask as."""

    tables: dict[str, list[Row]] = field(default_factory=dict)
    probes: list[Probe] = field(default_factory=list)


def ascii_fold(value: str) -> str:
    """`Špela Žagar` -> `Spela Zagar`: for e-mail addresses and web sites."""
    return (
        "".join(c for c in unicodedata.normalize("NFKD", value) if not unicodedata.combining(c))
        .encode("ascii", "ignore")
        .decode()
    )


def slugify(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", ascii_fold(value).lower()).strip("-")


@functools.cache
def _local(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, clock_time(hour, minute), tzinfo=ZONE).astimezone(UTC)


def generate(shape: Shape, seed: int = SEED, *, bulk: bool = True) -> Rows:
    """Every row of a data set of this shape, deterministically from the seed.

    Each table draws from its own seeded stream, so `bulk=False` (no contacts, events or
    activities: what a cached data set needs for its probes) gives the same other rows.
    """

    def stream(table: str) -> random.Random:
        return random.Random(f"{seed}:{table}")

    rng = stream("areas")
    rows = Rows()
    coalitions = COALITIONS[: shape.coalitions]
    coalition_rows: list[Row] = []
    area_ids: dict[int, list[int]] = {}
    area_slugs: dict[int, list[str]] = {}
    area_rows: list[Row] = []
    for index, (slug, name, _places) in enumerate(coalitions, start=1):
        coalition_rows.append(
            {
                "id": index,
                "slug": slug,
                "name": name,
                "timezone": "Europe/Ljubljana",
                "default_locale": "en" if index % 5 == 0 else "sl",
                "event_offsets": None,
                "deadline_offsets": None,
            }
        )
        for area_slug, area_name in rng.sample(AREAS, AREAS_PER_COALITION):
            area_id = len(area_rows) + 1
            area_rows.append(
                {"id": area_id, "coalition_id": index, "slug": area_slug, "name": area_name}
            )
            area_ids.setdefault(index, []).append(area_id)
            area_slugs.setdefault(index, []).append(area_slug)
    rows.tables["coalitions"] = coalition_rows
    rows.tables["areas"] = area_rows

    def coalition_of(i: int) -> int:
        return i % len(coalitions) + 1

    def places(coalition_id: int) -> tuple[str, ...]:
        return coalitions[coalition_id - 1][2]

    rng = stream("organisations")
    organisation_rows: list[Row] = []
    organisations_of: dict[int, list[int]] = {}
    names_seen: set[tuple[int, str]] = set()
    sectors = list(ORGANISATION_PATTERNS)
    for i in range(shape.organisations):
        coalition_id = coalition_of(i)
        sector = rng.choice(sectors)
        name = rng.choice(ORGANISATION_PATTERNS[sector]).format(
            place=rng.choice(places(coalition_id))
        )
        unit = 1
        unique = name
        while (coalition_id, unique) in names_seen:
            unit += 1
            unique = f"{name}, enota {unit}"
        names_seen.add((coalition_id, unique))
        organisation_id = i + 1
        organisation_rows.append(
            {
                "id": organisation_id,
                "coalition_id": coalition_id,
                "name": unique,
                "sector": sector,
                "website": f"https://www.{slugify(unique)}.si" if rng.random() < 0.5 else None,
            }
        )
        organisations_of.setdefault(coalition_id, []).append(organisation_id)
    rows.tables["organisations"] = organisation_rows

    rng = stream("contacts")
    contact_rows: list[Row] = []
    for i in range(shape.contacts if bulk else 0):
        coalition_id = coalition_of(i)
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        organisation_id = rng.choice(organisations_of[coalition_id])
        domain = slugify(organisation_rows[organisation_id - 1]["name"])[:30]
        contact_rows.append(
            {
                "id": i + 1,
                "coalition_id": coalition_id,
                "organisation_id": organisation_id,
                "name": f"{first} {last}",
                "role": rng.choice(CONTACT_ROLES) if rng.random() < 0.85 else None,
                "email": f"{ascii_fold(first).lower()}.{ascii_fold(last).lower()}@{domain}.si"
                if rng.random() < 0.8
                else None,
                "phone": f"0{rng.choice((31, 40, 41, 51, 70))} {rng.randint(100, 999)} "
                f"{rng.randint(100, 999)}"
                if rng.random() < 0.6
                else None,
                "chat_identities": [f"telegram:{700_000 + i}"] if rng.random() < 0.1 else None,
            }
        )
    rows.tables["contacts"] = contact_rows

    rng = stream("events")
    kinds = list(KIND_WEIGHTS)
    weights = list(KIND_WEIGHTS.values())
    first_day = (ANCHOR - timedelta(days=EVENT_SPAN_DAYS)).date()
    event_rows: list[Row] = []
    for i in range(shape.events if bulk else 0):
        coalition_id = coalition_of(i)
        kind = rng.choices(kinds, weights)[0]
        day = first_day + timedelta(days=rng.randrange(2 * EVENT_SPAN_DAYS))
        topic = rng.choice(TOPICS)
        prefix = rng.choice(EVENT_PREFIXES[kind])
        place = rng.choice(places(coalition_id))
        organiser = rng.choice(organisations_of[coalition_id]) if rng.random() < 0.5 else None
        if kind is EventKind.DEADLINE:
            title = f"{prefix} – {topic}"
            starts_at, ends_at, all_day, location = _local(day, 0, 0), None, True, None
        else:
            title = f"{prefix}: {topic}" + (f" ({place})" if rng.random() < 0.3 else "")
            starts_at = _local(day, rng.randint(8, 18), rng.choice((0, 15, 30, 45)))
            ends_at = starts_at + timedelta(minutes=rng.choice((60, 90, 120, 180, 240)))
            all_day = False
            roll = rng.random()
            if roll < 0.5:
                location = f"{rng.choice(VENUES)}, {place}"
            elif roll < 0.7:
                location = rng.choice(ONLINE)
            elif roll < 0.8 and organiser is not None:
                location = organisation_rows[organiser - 1]["name"]
            else:
                location = None
        event_rows.append(
            {
                "id": i + 1,
                "coalition_id": coalition_id,
                "area_id": rng.choice(area_ids[coalition_id]) if rng.random() < 0.85 else None,
                "organiser_id": organiser,
                "title": title,
                "description": rng.choice(DESCRIPTIONS) if rng.random() < 0.3 else None,
                "starts_at": starts_at,
                "ends_at": ends_at,
                "all_day": all_day,
                "location": location,
                "kind": kind,
                "status": EventStatus.CANCELLED if rng.random() < 0.05 else EventStatus.SCHEDULED,
                "created_by": f"telegram:{100_000 + rng.randrange(shape.members)}",
            }
        )
    rows.tables["events"] = event_rows

    rng = stream("activities")
    statuses = list(ActivityStatus)
    activity_rows: list[Row] = []
    for i in range(shape.activities if bulk else 0):
        coalition_id = coalition_of(i)
        due = ANCHOR.date() + timedelta(days=rng.randint(-365, 730))
        activity_rows.append(
            {
                "id": i + 1,
                "coalition_id": coalition_id,
                "area_id": rng.choice(area_ids[coalition_id]) if rng.random() < 0.8 else None,
                "organisation_id": rng.choice(organisations_of[coalition_id])
                if rng.random() < 0.6
                else None,
                "title": f"{rng.choice(ACTIVITY_PREFIXES)}: {rng.choice(TOPICS)}",
                "due_on": due if rng.random() < 0.9 else None,
                "status": rng.choices(statuses, (40, 30, 20, 10))[0],
                "notes": rng.choice(DESCRIPTIONS) if rng.random() < 0.3 else None,
            }
        )
    rows.tables["activities"] = activity_rows

    rng = stream("members")
    roles = list(Role)
    member_rows: list[Row] = [
        {"id": 1, "coalition_id": 1, "identity": CONSOLE_ADMIN, "role": Role.ADMIN},
    ]
    for i in range(shape.members):
        coalition_id = coalition_of(i)
        identity = (
            f"telegram:{100_000 + i}" if i % 3 else f"slack:TBENCH{coalition_id:02d}:U{i:07d}"
        )
        member_rows.append(
            {
                "id": i + 2,
                "coalition_id": coalition_id,
                "identity": identity,
                "role": rng.choices(roles, (80, 15, 5))[0],
            }
        )
    rows.tables["members"] = member_rows
    rows.tables["user_settings"] = [
        {"identity": member["identity"], "locale": rng.choice(("sl", "en"))}
        for member in rng.sample(member_rows[1:], min(shape.user_settings, shape.members))
    ]

    rng = stream("chat_bindings")
    binding_rows: list[Row] = []
    bound_at = ANCHOR - timedelta(days=400)
    for i in range(shape.chat_bindings):
        coalition_id = coalition_of(i)
        chat_id = (
            f"telegram:-100{1_000_000 + i}" if i % 2 else f"slack:TBENCH{coalition_id:02d}:C{i:07d}"
        )
        binding_rows.append(
            {
                "id": i + 1,
                "chat_id": chat_id,
                "coalition_id": coalition_id,
                "locale": rng.choices((None, "sl", "en"), (70, 15, 15))[0],
                "area_id": rng.choice(area_ids[coalition_id]) if rng.random() < 0.1 else None,
                "active": rng.random() < 0.95,
                "bound_by": "config",
                "bound_at": bound_at + timedelta(minutes=i),
            }
        )
    rows.tables["chat_bindings"] = binding_rows

    slugs: dict[int, str] = {row["id"]: row["slug"] for row in coalition_rows}
    for member in member_rows[1:]:
        coalition_id = member["coalition_id"]
        rows.probes.append(
            Probe(
                slugs[coalition_id],
                member["identity"],
                member["identity"],
                False,
                tuple(area_slugs[coalition_id]),
            )
        )
    for index, binding in enumerate(binding_rows):
        coalition_id = binding["coalition_id"]
        asker = member_rows[1 + (index % shape.members)]
        rows.probes.append(
            Probe(
                slugs[coalition_id],
                asker["identity"],
                binding["chat_id"],
                True,
                tuple(area_slugs[coalition_id]),
            )
        )
    return rows


# In insertion order, parents first.
TABLE_NAMES = (
    "coalitions",
    "areas",
    "organisations",
    "contacts",
    "events",
    "activities",
    "members",
    "user_settings",
    "chat_bindings",
)


def chunks(
    items: Sequence[dict[str, Any]], size: int = CHUNK
) -> Iterator[Sequence[dict[str, Any]]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def load(connection: Connection, rows: Rows) -> None:
    """Bulk-inserts every table in chunks, on a connection inside one transaction."""
    for name in TABLE_NAMES:
        table = Base.metadata.tables[name]
        for chunk in chunks(rows.tables[name]):
            connection.execute(insert(table), list(chunk))
    if connection.dialect.name == "postgresql":
        # explicit ids leave the sequences at 1: move them past the rows just written
        for name in TABLE_NAMES:
            table = Base.metadata.tables[name]
            if "id" in table.c and table.c.id.primary_key:
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"(SELECT max(id) FROM {name}))"
                    )
                )


@dataclass(frozen=True)
class Dataset:
    """A built (or reused) data set: where it is and what is in it."""

    backend: str
    shape: Shape
    url: str
    probes: tuple[Probe, ...]
    built: bool
    build_seconds: float


def schema_head() -> str:
    """The Alembic head revision of this checkout (part of every cache key)."""
    return Database.connect("sqlite://").head_revision()


def cache_key(size: int, head: str) -> str:
    return f"{size}-r{re.sub(r'[^a-z0-9]', '', head.lower())}-v{DATASET_VERSION}"


def sqlite_dataset(
    cache_dir: Path, size: int, *, rebuild: bool = False, keep_stale: bool = False
) -> Dataset:
    """The SQLite file for this size, built (migrate, bulk-load) unless already cached."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    shape = Shape.for_events(size)
    key = cache_key(size, schema_head())
    path = cache_dir / f"dataset-{key}.sqlite"
    for stale in cache_dir.glob(f"dataset-{size}-*.sqlite"):
        if stale != path and not keep_stale:
            _remove_sqlite(stale)
    if path.exists() and not rebuild:
        probes = tuple(generate(shape, bulk=False).probes)
        return Dataset("sqlite", shape, f"sqlite:///{path}", probes, False, 0.0)
    started = time.perf_counter()
    rows = generate(shape)
    partial = cache_dir / f"building-{key}-{os.getpid()}.sqlite"
    _remove_sqlite(partial)
    database = Database.connect(f"sqlite:///{partial}")
    database.upgrade()
    engine = database.sync_engine()
    try:
        with engine.begin() as connection:
            load(connection, rows)
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()
    _remove_sqlite(path)
    os.replace(partial, path)
    _remove_sqlite(partial)
    elapsed = time.perf_counter() - started
    return Dataset("sqlite", shape, f"sqlite:///{path}", tuple(rows.probes), True, elapsed)


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def server_url(url: str) -> URL:
    return make_url(url).set(drivername="postgresql+psycopg")


def postgres_unavailable(url: str) -> str | None:
    """None when PostgreSQL at this URL answers, else why not (one line)."""
    if not url:
        return "no PostgreSQL URL (set COALITION_BOT_TEST_DATABASE_URL or --postgres-url)"
    try:
        engine = create_engine(server_url(url), connect_args={"connect_timeout": 3})
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        finally:
            engine.dispose()
    except Exception as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        return f"PostgreSQL at {make_url(url).render_as_string()} is not reachable: {first_line}"
    return None


def _database_names(admin: Connection) -> set[str]:
    return set(admin.execute(text("SELECT datname FROM pg_database")).scalars())


def postgres_dataset(
    url: str, size: int, *, rebuild: bool = False, keep_stale: bool = False
) -> Dataset:
    """A PostgreSQL database `bench_ds_<key>` holding this size, built unless already there."""
    shape = Shape.for_events(size)
    server = server_url(url)
    key = cache_key(size, schema_head()).replace("-", "_")
    name = f"bench_ds_{key}"
    partial = f"bench_building_{key}_{os.getpid()}"
    started = time.perf_counter()
    target = server.set(database=name).render_as_string(hide_password=False)
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            existing = _database_names(connection)
            for stale in existing:
                if stale.startswith(f"bench_ds_{size}_") and stale != name and not keep_stale:
                    _drop(connection, stale)
            if name in existing and not rebuild:
                probes = tuple(generate(shape, bulk=False).probes)
                return Dataset("postgres", shape, target, probes, False, 0.0)
            _drop(connection, partial)
            connection.execute(text(f'CREATE DATABASE "{partial}"'))
        rows = generate(shape)
        building = server.set(database=partial).render_as_string(hide_password=False)
        database = Database.connect(building)
        database.upgrade()
        engine = database.sync_engine()
        try:
            with engine.begin() as connection:
                load(connection, rows)
        finally:
            engine.dispose()
        # what autovacuum would soon do after a bulk load: statistics and a visibility map
        vacuum = create_engine(server.set(database=partial), isolation_level="AUTOCOMMIT")
        try:
            with vacuum.connect() as connection:
                connection.execute(text("VACUUM ANALYZE"))
        finally:
            vacuum.dispose()
        with admin.connect() as connection:
            _drop(connection, name)
            connection.execute(text(f'ALTER DATABASE "{partial}" RENAME TO "{name}"'))
    finally:
        admin.dispose()
    elapsed = time.perf_counter() - started
    return Dataset("postgres", shape, target, tuple(rows.probes), True, elapsed)


def _drop(admin: Connection, name: str) -> None:
    if not re.fullmatch(r"bench_[a-z0-9_]+", name):
        raise ValueError(f"refusing to drop {name!r}: not a benchmark database")
    admin.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def counts(url: str) -> dict[str, int]:
    """Rows per table in a built data set (for the report and sanity checks)."""
    engine = Database.connect(url).sync_engine()
    try:
        with engine.connect() as connection:
            return {
                name: int(connection.execute(text(f"SELECT count(*) FROM {name}")).scalar_one())
                for name in TABLE_NAMES
            }
    finally:
        engine.dispose()


def sample(items: Sequence[Probe], count: int, seed: int = SEED) -> list[Probe]:
    """`count` probes, spread over the data set, the same ones each run."""
    rng = random.Random(seed)
    return [rng.choice(items) for _ in range(count)]


__all__ = [
    "ANCHOR",
    "Dataset",
    "Probe",
    "Shape",
    "counts",
    "generate",
    "postgres_dataset",
    "postgres_unavailable",
    "sample",
    "sqlite_dataset",
]


def scratch_postgres(server: str, purpose: str) -> tuple[str, Callable[[], None]]:
    """A new empty database `bench_<purpose>_<random>` on the server, and how to drop it."""
    base = make_url(server).set(drivername="postgresql+psycopg")
    name = f"bench_{purpose}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return base.set(database=name).render_as_string(hide_password=False), drop
