"""The columns of each kind of row, with their Slovenian and English headers.

The export writes the first header of the reader's language; the import reads any listed
header in either language, case and diacritics ignored (`Področje`, `podrocje`, `AREA`)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from models.imports.limits import FileRefused
from models.search import fold


class Kind(StrEnum):
    EVENTS = "events"
    ACTIVITIES = "activities"
    CONTACTS = "contacts"
    GOALS = "goals"


@dataclass(frozen=True)
class Column:
    field: str
    sl: tuple[str, ...]
    en: tuple[str, ...]
    required: bool = False

    def header(self, locale: str) -> str:
        return (self.sl if locale == "sl" else self.en)[0]


COLUMNS: dict[Kind, tuple[Column, ...]] = {
    Kind.EVENTS: (
        Column("title", ("naslov", "dogodek"), ("title", "event"), required=True),
        Column("when", ("kdaj", "začetek", "datum"), ("when", "start", "date"), required=True),
        Column("end", ("konec",), ("end", "until")),
        Column("where", ("kje", "kraj", "lokacija"), ("where", "place", "location")),
        Column("area", ("področje",), ("area",)),
        Column("kind", ("vrsta", "tip"), ("kind", "type")),
        Column("organiser", ("organizator",), ("organiser", "organizer")),
        Column("status", ("stanje",), ("status",)),
        Column("description", ("opis",), ("description",)),
    ),
    Kind.ACTIVITIES: (
        Column("title", ("naslov", "aktivnost"), ("title", "activity"), required=True),
        Column("due", ("rok", "do"), ("due", "due date", "deadline")),
        Column("area", ("področje",), ("area",)),
        Column("organisation", ("organizacija",), ("organisation", "organization")),
        Column("status", ("stanje",), ("status",)),
        Column("notes", ("opombe",), ("notes",)),
    ),
    Kind.CONTACTS: (
        Column("name", ("ime", "ime in priimek", "oseba"), ("name", "person"), required=True),
        Column("organisation", ("organizacija",), ("organisation", "organization"), True),
        Column("role", ("vloga", "funkcija"), ("role", "position")),
        Column("email", ("e-pošta", "e-naslov", "email"), ("email", "e-mail")),
        Column("phone", ("telefon", "tel"), ("phone", "telephone")),
        Column("sector", ("sektor",), ("sector",)),
        Column("website", ("splet", "spletna stran"), ("website", "web")),
    ),
    Kind.GOALS: (
        Column("goal", ("cilj",), ("goal",), required=True),
        Column("area", ("področje",), ("area",)),
        Column("description", ("opis cilja", "opis"), ("goal description", "description")),
        Column("indicator", ("kazalnik",), ("indicator",)),
        Column("target", ("ciljna vrednost", "cilj kazalnika"), ("target",)),
        Column("unit", ("enota",), ("unit",)),
        Column("period", ("obdobje",), ("period",)),
        Column("source", ("vir",), ("source",)),
    ),
}

KIND_WORDS = {
    "events": Kind.EVENTS,
    "dogodki": Kind.EVENTS,
    "activities": Kind.ACTIVITIES,
    "aktivnosti": Kind.ACTIVITIES,
    "contacts": Kind.CONTACTS,
    "kontakti": Kind.CONTACTS,
    "goals": Kind.GOALS,
    "cilji": Kind.GOALS,
}
"""A kind by its English or Slovenian name, folded."""


def folded_header(text: str) -> str:
    return " ".join(fold(text).replace("-", " ").replace("_", " ").split())


def kind_named(word: str) -> Kind | None:
    return KIND_WORDS.get(fold(word.strip()))


def mapping(kind: Kind, header: tuple[str, ...]) -> dict[str, int]:
    """Each known field of the kind and the position of its column in the header."""
    positions: dict[str, int] = {}
    for column in COLUMNS[kind]:
        names = {folded_header(name) for name in (*column.sl, *column.en)}
        for index, title in enumerate(header):
            if folded_header(title) in names and column.field not in positions:
                positions[column.field] = index
    return positions


def guess_kind(header: tuple[str, ...]) -> Kind:
    """The kind whose required columns the header has (events before activities before
    contacts before goals when several fit), else FileRefused("unknown_kind")."""
    for kind in (Kind.EVENTS, Kind.ACTIVITIES, Kind.CONTACTS, Kind.GOALS):
        found = mapping(kind, header)
        required = [c.field for c in COLUMNS[kind] if c.required]
        if all(field in found for field in required) and (
            kind is not Kind.ACTIVITIES or "due" in found or "status" in found
        ):
            return kind
    raise FileRefused("unknown_kind")


def required_missing(kind: Kind, header: tuple[str, ...]) -> tuple[Column, ...]:
    found = mapping(kind, header)
    return tuple(c for c in COLUMNS[kind] if c.required and c.field not in found)
