"""/contacts, /addcontact."""

from __future__ import annotations

from handlers.arguments import fold, padded, parse_id, split_pipes
from handlers.context import Context
from handlers.errors import BadInput, shorten, too_many_parts
from handlers.listing import PAGE_SIZE, SECTORS, arguments_and_page, contact_item, paged
from handlers.types import Reply
from models.entities import Sector

SECTOR_WORDS = {
    "business": Sector.BUSINESS,
    "gospodarstvo": Sector.BUSINESS,
    "podjetja": Sector.BUSINESS,
    "education": Sector.EDUCATION,
    "izobrazevanje": Sector.EDUCATION,
    "ngo": Sector.CIVIL_SOCIETY,
    "ngos": Sector.CIVIL_SOCIETY,
    "nvo": Sector.CIVIL_SOCIETY,
    "civil": Sector.CIVIL_SOCIETY,
    "research": Sector.RESEARCH,
    "raziskovanje": Sector.RESEARCH,
    "public": Sector.PUBLIC,
    "javni": Sector.PUBLIC,
}
"""Sector names beyond the catalog's labels (`gospodarstvo`, `business`, ...), folded."""

KINDS: tuple[tuple[frozenset[str], tuple[str, ...]], ...] = (
    (frozenset({"chamber", "chambers", "zbornica", "zbornice"}), ("zbornic", "chamber")),
    (frozenset({"school", "schools", "sola", "sole"}), ("sola", "sole", "solsk", "school")),
    (
        frozenset({"municipality", "municipalities", "obcina", "obcine"}),
        ("obcin", "municipal"),
    ),
    (frozenset({"university", "univerza"}), ("univerz", "universit")),
    (frozenset({"faculty", "fakulteta"}), ("fakultet", "faculty")),
    (frozenset({"incubator", "inkubator"}), ("inkubator", "incubator")),
    (frozenset({"agency", "agencija"}), ("agencij", "agency")),
    (frozenset({"institute", "institut", "zavod"}), ("institut", "zavod", "institute")),
    (frozenset({"association", "drustvo", "zdruzenje"}), ("drustv", "zdruzenj", "association")),
    (frozenset({"club", "klub"}), ("klub", "club")),
    (frozenset({"centre", "center"}), ("center", "centre")),
)
"""Kinds of organisation in both languages: a word on the left (folded) finds names that
contain any of the stems on the right, so `/contacts chamber` finds the `zbornica`."""


def sectors_named(ctx: Context, query: str) -> tuple[Sector, ...]:
    """Sectors the query names, in English or Slovenian, whatever the reader's language."""
    folded = fold(query)
    found = {sector for word, sector in SECTOR_WORDS.items() if folded == word}
    found |= {
        sector
        for sector, label in SECTORS.items()
        for t in ctx.translators.values()
        if folded == fold(t.gettext(label))
    }
    return tuple(sorted(found))


def kinds_named(query: str) -> tuple[str, ...]:
    """The stems to look for when the query names a kind of organisation, in either language."""
    folded = fold(query)
    return next((stems for words, stems in KINDS if folded in words), ())


async def list_contacts(ctx: Context) -> Reply:
    """The directory, searched by person, role, organisation or sector."""
    query, page = arguments_and_page(ctx)
    result = await ctx.services.contacts.search(
        ctx.coalition.slug,
        query[:100],
        also=kinds_named(query),
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
        title,
        [contact_item(ctx, contact) for contact in result.items],
        f"/contacts {query}".strip(),
        ctx._("No contacts match “%(query)s”.") % {"query": shorten(query)}
        if query
        else ctx._("The directory is empty."),
    )


async def add_contact(ctx: Context) -> Reply:
    """Adds a contact from `NAME | ORGANISATION [| ROLE] [| EMAIL] [| PHONE]`."""
    parts = split_pipes(ctx.command.args)
    if len(parts) > 5:
        raise BadInput(too_many_parts(ctx, 5))
    if len(parts) < 2:
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
            ctx._("“%(organisation)s” was not in the directory yet and has been added.")
            % {"organisation": contact.organisation},
        )
    return ctx.reply(
        ctx._("Contact #%(id)d added.") % {"id": contact.id},
        lines=lines,
        items=(contact_item(ctx, contact),),
    )


async def delete_contact(ctx: Context) -> Reply:
    """`/deletecontact ID`: removes a contact of this coalition (personal data, on request)."""
    contact_id = parse_id(ctx.command.args)
    if contact_id is None:
        raise BadInput(ctx._("Write the contact's number, as /contacts shows it."))
    name = await ctx.services.contacts.delete(ctx.coalition.slug, ctx.actor, contact_id)
    return ctx.reply(ctx._("Contact #%(id)d deleted: %(name)s.") % {"id": contact_id, "name": name})
