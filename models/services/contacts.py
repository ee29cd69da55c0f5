"""The contact directory: people, their organisations and sectors."""

from __future__ import annotations

import unicodedata

from sqlalchemy import ColumnElement, func, or_, select, update

from models.entities import AuditEntry, Contact, Organisation, Role, Sector
from models.errors import NotFound
from models.search import fold
from models.services.base import Service, coalition_id_of, page_and_total
from models.services.views import ContactView, Page
from models.validation import clean_email, clean_phone, clean_text, optional_text


def like_pattern(words: str) -> str:
    """`%šoštanj%` folded to `%sostanj%`; empty when nothing is left to look for.

    Control characters match nothing (and PostgreSQL refuses NUL in a parameter); the LIKE
    wildcards and the escape character are dropped, so a typed `%` is no wildcard.
    """
    kept = "".join(c for c in words if unicodedata.category(c) != "Cc")
    folded = fold(kept).replace("\\", "").replace("%", "").replace("_", "").strip()
    return f"%{folded}%" if folded else ""


def contact_view(organisation: Organisation, contact: Contact | None) -> ContactView:
    return ContactView(
        id=contact.id if contact else None,
        name=contact.name if contact else None,
        role=contact.role if contact else None,
        email=contact.email if contact else None,
        phone=contact.phone if contact else None,
        organisation=organisation.name,
        sector=organisation.sector,
        website=organisation.website,
    )


class ContactService(Service):
    async def search(
        self,
        coalition_slug: str,
        query: str = "",
        *,
        also: tuple[str, ...] = (),
        sectors: tuple[Sector, ...] = (),
        offset: int = 0,
        limit: int = 10,
    ) -> Page[ContactView]:
        """People and organisations whose name, role or organisation contains the query or
        one of the words in `also` (case and diacritics ignored: `sostanj` finds `Šoštanj`),
        or whose organisation is in one of the sectors; organisations without people too."""
        async with self._sessions() as session:
            conditions = [Organisation.coalition_id == coalition_id_of(coalition_slug)]
            matches: list[ColumnElement[bool]] = []
            for words in (query, *also):
                pattern = like_pattern(words)
                if pattern:
                    matches += [Contact.search.like(pattern), Organisation.search.like(pattern)]
            if sectors:
                matches.append(Organisation.sector.in_(sectors))
            if matches:
                conditions.append(or_(*matches))
            base = (
                select(Organisation, Contact)
                .outerjoin(Contact, Contact.organisation_id == Organisation.id)
                .where(*conditions)
            )
            rows, total = await page_and_total(
                session,
                base.order_by(Organisation.name, Contact.name, Contact.id)
                .offset(offset)
                .limit(limit),
                select(func.count()).select_from(base.subquery()),
                offset,
            )
            if not rows:
                await self._require_coalition(session, coalition_slug)
            views = tuple(contact_view(row[0], row[1]) for row in rows)
            return Page(views, total, offset, limit)

    async def create(
        self,
        coalition_slug: str,
        actor: str,
        *,
        name: str,
        organisation: str,
        role: str | None = None,
        email: str | None = None,
        phone: str | None = None,
    ) -> tuple[ContactView, bool]:
        """Adds a contact; an organisation not yet known is added too (second value True)."""
        async with self._sessions.begin() as session:
            coalition = await self._coalition_for(session, coalition_slug, actor, Role.COORDINATOR)
            contact = Contact(
                coalition_id=coalition.id,
                name=clean_text(name, "name", 200),
                role=optional_text(role, "role", 200),
                email=clean_email(email),
                phone=clean_phone(phone),
            )
            organisation_name = clean_text(organisation, "organisation", 200)
            try:
                contact.organisation = await self._organisation(
                    session, coalition.id, organisation_name
                )
                created_organisation = False
            except NotFound:
                contact.organisation = Organisation(
                    coalition_id=coalition.id, name=organisation_name
                )
                created_organisation = True
            session.add(contact)
            await session.flush()
            self._audit(
                session,
                coalition.id,
                actor,
                "contact.create",
                f"contact:{contact.id}",
                {"name": contact.name, "organisation": contact.organisation.name},
            )
            return contact_view(contact.organisation, contact), created_organisation

    async def delete(self, coalition_slug: str, actor: str, contact_id: int) -> str:
        """Deletes one of the coalition's contacts; its name. The audit keeps that it was
        deleted, and no longer what the contact held."""
        async with self._sessions.begin() as session:
            coalition = await self._coalition_for(session, coalition_slug, actor, Role.COORDINATOR)
            contact = await session.scalar(
                select(Contact).where(
                    Contact.id == contact_id, Contact.coalition_id == coalition.id
                )
            )
            if contact is None:
                raise NotFound("contact", contact_id)
            name = contact.name
            await session.delete(contact)
            target = f"contact:{contact_id}"
            await session.execute(
                update(AuditEntry)
                .where(AuditEntry.coalition_id == coalition.id, AuditEntry.target == target)
                .values(detail=None)
            )
            self._audit(session, coalition.id, actor, "contact.delete", target)
            return name
