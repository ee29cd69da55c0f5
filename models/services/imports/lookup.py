"""Areas and organisations of one coalition by name, made on demand while importing."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.entities import Area, Organisation, Sector
from models.search import fold
from models.validation import clean_text

SLUG_MAX = 40


def slug_of(name: str) -> str:
    """`Pametno mesto` -> `pametno-mesto`."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")[:SLUG_MAX].strip("-")
    return slug or "podrocje"


class Lookup:
    """The coalition's areas and organisations, read once; what is missing is added (when
    writing) or only counted as to be added (in a preview)."""

    def __init__(self, session: AsyncSession, coalition_id: int, *, write: bool) -> None:
        self.session = session
        self.coalition_id = coalition_id
        self.write = write
        self.areas: dict[str, Area] = {}
        self.organisations: dict[str, Organisation] = {}
        self._slugs: set[str] = set()

    async def load(self) -> None:
        areas = await self.session.scalars(
            select(Area).where(Area.coalition_id == self.coalition_id)
        )
        for area in areas:
            self._slugs.add(area.slug)
            self.areas.setdefault(fold(area.slug), area)
            self.areas.setdefault(fold(area.name), area)
        organisations = await self.session.scalars(
            select(Organisation).where(Organisation.coalition_id == self.coalition_id)
        )
        for organisation in organisations:
            self.organisations.setdefault(fold(organisation.name), organisation)

    def area(self, name: str | None) -> Area | None:
        if not name:
            return None
        found = self.areas.get(fold(name.strip()))
        if found is None:
            text = clean_text(name, "area", 200)
            slug = base = slug_of(text)
            number = 2
            while slug in self._slugs:
                slug = f"{base[: SLUG_MAX - 4]}-{number}"
                number += 1
            self._slugs.add(slug)
            found = Area(coalition_id=self.coalition_id, slug=slug, name=text)
            if self.write:
                self.session.add(found)
            self.areas[fold(text)] = found
        return found

    def organisation(
        self, name: str | None, sector: Sector | None = None, website: str | None = None
    ) -> Organisation | None:
        if not name:
            return None
        found = self.organisations.get(fold(name.strip()))
        if found is None:
            text = clean_text(name, "organisation", 200)
            found = Organisation(coalition_id=self.coalition_id, name=text)
            if self.write:
                self.session.add(found)
            self.organisations[fold(text)] = found
        if self.write:
            if sector is not None and found.sector != sector:
                found.sector = sector
            if website and found.website != website:
                found.website = website
        return found
