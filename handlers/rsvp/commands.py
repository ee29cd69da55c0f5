"""/rsvp ID yes|maybe|no [+N], /mine, /attendees ID, and the personal part of /event."""

from __future__ import annotations

from dataclasses import replace

from handlers.arguments import fold, is_number, parse_id
from handlers.context import Context
from handlers.errors import BadInput, shorten
from handlers.listing import event_details
from handlers.rsvp.render import counts_line, my_answer_line, rsvp_buttons, state_words
from handlers.types import ChatKind, ListItem, Reply
from models.rsvp.entities import GUESTS_MAX, RsvpState
from models.services.rsvp import Answer

ANSWERS = {
    "yes": Answer.YES,
    "da": Answer.YES,
    "going": Answer.YES,
    "pridem": Answer.YES,
    "maybe": Answer.MAYBE,
    "morda": Answer.MAYBE,
    "mogoce": Answer.MAYBE,
    "no": Answer.NO,
    "ne": Answer.NO,
    "cant": Answer.NO,
    "can't": Answer.NO,
    "nemorem": Answer.NO,
}


def read_answer(ctx: Context, args: str) -> tuple[int, Answer, int]:
    """`12 yes +2` -> (12, YES, 2); `ne morem` is one answer."""
    words = args.split()
    event_id = parse_id(words[0]) if words else None
    if event_id is None:
        raise BadInput(ctx._("Give the event's number, as /events shows it."))
    rest = words[1:]
    guests = 0
    if rest and rest[-1].startswith("+"):
        number = rest.pop()[1:]
        if not is_number(number, 3) or int(number) > GUESTS_MAX:
            raise BadInput(
                ctx._("Guests are written as +N, at most +%(most)d.") % {"most": GUESTS_MAX}
            )
        guests = int(number)
    said = fold("".join(rest))
    answer = ANSWERS.get(said)
    if answer is None:
        raise BadInput(
            ctx._("Answer yes, maybe or no, not “%(word)s”.") % {"word": shorten(" ".join(rest))}
            if rest
            else ctx._("Answer yes, maybe or no.")
        )
    if guests and answer is not Answer.YES:
        raise BadInput(ctx._("Guests (+N) come only with yes."))
    return event_id, answer, guests


async def rsvp(ctx: Context) -> Reply:
    """Stores the asker's answer; the reply is the event's counts with the buttons (what a
    pressed button leaves in a shared message), the asker's own answer its notice."""
    event_id, answer, guests = read_answer(ctx, ctx.command.args)
    private = ctx.command.chat_kind is ChatKind.PRIVATE
    outcome = await ctx.services.rsvp.answer(
        ctx.coalition.slug,
        event_id,
        ctx.actor,
        answer,
        guests=guests,
        name=ctx.command.display_name,
        private_chat=ctx.command.chat_id if private else None,
        locale=ctx.locale if private else None,
    )
    event = outcome.event or await ctx.services.events.get(ctx.coalition.slug, outcome.event_id)
    mine = state_words(ctx, outcome.state, outcome.guests, outcome.position)
    if not outcome.changed:
        note = ctx._("Your answer stays: %(answer)s") % {"answer": mine}
    elif outcome.state is RsvpState.WAITING:
        note = ctx._("The event is full: you are on the waiting list, number %(line)d.") % {
            "line": outcome.position or 1
        }
    else:
        note = ctx._("Your answer: %(answer)s") % {"answer": mine}
    return ctx.reply(
        f"#{event.id} {event.title}",
        lines=(*event_details(ctx, event), counts_line(ctx, outcome.counts)),
        buttons=rsvp_buttons(ctx, outcome.event_id),
        notice=note,
    )


async def my_events(ctx: Context) -> Reply:
    """The asker's answers to events not yet over, soonest first."""
    answers = await ctx.services.rsvp.mine(ctx.actor)
    if not answers:
        return ctx.reply(
            ctx._("You have not answered any upcoming event."),
            footer=ctx._("Example: %(example)s") % {"example": ctx._("/rsvp 12 yes")},
            personal=True,
        )
    items = tuple(
        ListItem(
            f"#{mine.event_id} {mine.title}",
            (
                ctx.t.moment(mine.starts_at, ctx.zone, all_day=mine.all_day),
                state_words(ctx, mine.state, mine.guests, mine.position),
            ),
        )
        for mine in answers
    )
    return ctx.reply(ctx._("Your answers"), items=items, personal=True)


async def attendees(ctx: Context) -> Reply:
    """For coordinators: names by answer, guests, and the waiting list in order."""
    event_id = parse_id(ctx.command.args)
    if event_id is None:
        raise BadInput(ctx._("Give the event's number, as /events shows it."))
    found = await ctx.services.rsvp.attendees(ctx.coalition.slug, ctx.actor, event_id)
    headings = {
        RsvpState.GOING: ctx._("Going: %(count)d"),
        RsvpState.WAITING: ctx._("Waiting list: %(count)d"),
        RsvpState.MAYBE: ctx._("Maybe: %(count)d"),
        RsvpState.DECLINED: ctx._("Can't: %(count)d"),
    }
    items = []
    for state, heading in headings.items():
        names = [
            (person.name or person.identity) + (f" (+{person.guests})" if person.guests else "")
            for person in found.people
            if person.state is state
        ]
        if names:
            shown = [f"{n}. {name}" for n, name in enumerate(names, 1)]
            items.append(ListItem(heading % {"count": len(names)}, tuple(shown)))
    return ctx.reply(
        f"#{found.event_id} {found.title}",
        lines=(counts_line(ctx, found.counts),),
        items=tuple(items),
        footer="" if items else ctx._("Nobody has answered yet."),
        personal=True,
    )


async def with_my_answer(ctx: Context, shared: Reply) -> Reply:
    """The asker's own answer under a shared /event answer: made for each reader, never
    remembered (the shared part is the same for everyone who may see it)."""
    if shared.is_error or not shared.buttons:
        return shared
    event_id = parse_id(ctx.command.args)
    if event_id is None:
        return shared
    mine = await ctx.services.rsvp.my_answer(ctx.coalition.slug, event_id, ctx.actor)
    return replace(shared, notice=my_answer_line(ctx, mine))
