"""/contacts, /addcontact."""

from __future__ import annotations

from handlers.arguments import fold, padded, split_pipes
from handlers.context import Context
from handlers.errors import BadInput, shorten
from handlers.listing import PAGE_SIZE, SECTORS, arguments_and_page, contact_item, paged
from handlers.types import Reply
from models.entities import Sector

SECTOR_WORDS = {
    "business": Sector.BUSINESS,
    "gospodarstvo": Sector.BUSINESS,
    "podjetja": Sector.BUSINESS,
    "chamber": Sector.BUSINESS,
    "education": Sector.EDUCATION,
    "izobrazevanje": Sector.EDUCATION,
    "sola": Sector.EDUCATION,
    "schools": Sector.EDUCATION,
    "ngo": Sector.CIVIL_SOCIETY,
    "nvo": Sector.CIVIL_SOCIETY,
    "civil": Sector.CIVIL_SOCIETY,
    "research": Sector.RESEARCH,
    "raziskovanje": Sector.RESEARCH,
    "public": Sector.PUBLIC,
    "javni": Sector.PUBLIC,
    "obcina": Sector.PUBLIC,
    "municipality": Sector.PUBLIC,
}


def sectors_named(ctx: Context, query: str) -> tuple[Sector, ...]:
    """Sectors the query names, in English, Slovenian or the reader's words."""
    folded = fold(query)
    found = {sector for word, sector in SECTOR_WORDS.items() if folded == word}
    found |= {sector for sector, label in SECTORS.items() if folded == fold(ctx._(label))}
    return tuple(sorted(found))


async def list_contacts(ctx: Context) -> Reply:
    """The directory, searched by person, role, organisation or sector."""
    query, page = arguments_and_page(ctx)
    result = await ctx.services.contacts.search(
        ctx.coalition.slug,
        query[:100],
        sectors=sectors_named(ctx, query),
        offset=(page - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
    title = ctx.t.ngettext("%(count)d contact", "%(count)d contacts", result.total) % {
        "count": result.total
    }
    return paged(
        ctx,
        result,
        f"{ctx.coalition.name}: {title}",
        [contact_item(ctx, contact) for contact in result.items],
        f"/contacts {query}".strip(),
        ctx._("No contacts match “%(query)s”.") % {"query": shorten(query)}
        if query
        else ctx._("The directory is empty."),
    )


async def add_contact(ctx: Context) -> Reply:
    """Adds a contact from `NAME | ORGANISATION [| ROLE] [| EMAIL] [| PHONE]`."""
    parts = split_pipes(ctx.command.args)
    if len(parts) < 2 or len(parts) > 5:
        raise BadInput(ctx._("Write at least the name and the organisation, separated by |."))
    name, organisation, role, email, phone = padded(parts, 5)
    contact, new_organisation = await ctx.services.contacts.create(
        ctx.coalition.slug,
        ctx.actor,
        name=name,
        organisation=organisation,
        role=role or None,
        email=email or None,
        phone=phone or None,
    )
    lines: tuple[str, ...] = ()
    if new_organisation:
        lines = (
            ctx._("%(organisation)s was not in the directory yet and has been added.")
            % {"organisation": contact.organisation},
        )
    return ctx.reply(
        ctx._("Contact #%(id)d added.") % {"id": contact.id},
        lines=lines,
        items=(contact_item(ctx, contact),),
    )
