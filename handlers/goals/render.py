"""How goals and indicators read: statuses, numbers with units, periods, a progress bar."""

from __future__ import annotations

from handlers.arguments import fold
from handlers.i18n import N_
from handlers.listing import Reader
from models.goals.entities import Direction, PeriodKind, Source
from models.goals.status import GoalStatus, IndicatorStatus
from models.network.entities import LinkKind
from models.services.goals import GoalView, IndicatorView

BAR_CELLS = 10
INDICATOR_STATUSES = {
    IndicatorStatus.ACHIEVED: N_("achieved"),
    IndicatorStatus.ON_TRACK: N_("on track"),
    IndicatorStatus.BEHIND: N_("behind"),
    IndicatorStatus.NOT_ACHIEVED: N_("not achieved"),
    IndicatorStatus.NO_DATA: N_("no data"),
}
GOAL_STATUSES = {
    GoalStatus.ACHIEVED: N_("achieved"),
    GoalStatus.PARTIALLY_ACHIEVED: N_("partially achieved"),
    GoalStatus.NOT_ACHIEVED: N_("not achieved"),
    GoalStatus.IN_PROGRESS: N_("in progress"),
}
SOURCES = {
    Source.MANUAL: N_("recorded by hand"),
    Source.EVENTS: N_("events held"),
    Source.ACTIVITIES: N_("activities done"),
    Source.LINKS: N_("network links"),
}
LINK_SOURCES = {
    LinkKind.HORIZONTAL: N_("horizontal network links"),
    LinkKind.VERTICAL: N_("vertical network links"),
}


def source_text(ctx: Reader, indicator: IndicatorView) -> str:
    """What the indicator counts, in the reader's language (links with their kind)."""
    if indicator.source is Source.LINKS and indicator.link_kind is not None:
        return ctx._(LINK_SOURCES[indicator.link_kind])
    return ctx._(SOURCES[indicator.source])


STATUS_MARKS = {
    IndicatorStatus.ACHIEVED: "✅",
    IndicatorStatus.ON_TRACK: "🟢",
    IndicatorStatus.BEHIND: "🟠",
    IndicatorStatus.NOT_ACHIEVED: "❌",
    IndicatorStatus.NO_DATA: "⚪",
}


def known_unit(ctx: Reader, unit: str, count: float) -> str | None:
    """A unit the catalog knows, in the form for `count` (1 prijava, 2 prijavi, 5 prijav)."""
    whole = int(count) if float(count).is_integer() else 5
    forms = {
        "application": ctx.t.ngettext("application (unit)", "applications (unit)", whole),
        "meeting": ctx.t.ngettext("meeting (unit)", "meetings (unit)", whole),
        "event": ctx.t.ngettext("event (unit)", "events (unit)", whole),
        "activity": ctx.t.ngettext("activity (unit)", "activities (unit)", whole),
        "link": ctx.t.ngettext("link (unit)", "links (unit)", whole),
        "participant": ctx.t.ngettext("participant (unit)", "participants (unit)", whole),
    }
    return forms.get(UNIT_WORDS.get(fold(unit), ""))


UNIT_WORDS = {
    **dict.fromkeys(
        ("application", "applications", "prijava", "prijave", "prijavi", "prijav"), "application"
    ),
    **dict.fromkeys(
        ("meeting", "meetings", "srecanje", "srecanja", "srecanji", "srecanj"), "meeting"
    ),
    **dict.fromkeys(("event", "events", "dogodek", "dogodka", "dogodki", "dogodkov"), "event"),
    **dict.fromkeys(("activity", "activities", "aktivnost", "aktivnosti"), "activity"),
    **dict.fromkeys(("link", "links", "povezava", "povezavi", "povezave", "povezav"), "link"),
    **dict.fromkeys(
        ("participant", "participants", "udelezenec", "udelezenca", "udelezenci", "udelezencev"),
        "participant",
    ),
}


def unit_for(ctx: Reader, unit: str | None, count: float) -> str:
    if not unit:
        return ""
    return known_unit(ctx, unit, count) or unit


def progress_bar(indicator: IndicatorView) -> str:
    """`▓▓▓▓▓▓░░░░ 67 %`: the value's share of the target (at most: of the allowance)."""
    value = indicator.value or 0.0
    share = 1.0 if indicator.target <= 0 else max(0.0, value / indicator.target)
    filled = round(min(1.0, share) * BAR_CELLS)
    return "▓" * filled + "░" * (BAR_CELLS - filled) + f" {round(share * 100)} %"


def period_text(ctx: Reader, indicator: IndicatorView) -> str:
    if indicator.period is PeriodKind.UNTIL and indicator.until_on is not None:
        return ctx._("until %(day)s") % {"day": ctx.t.short_day(indicator.until_on)}
    return ctx._("yearly")


def amount(ctx: Reader, indicator: IndicatorView) -> str:
    """`2 / 3 prijave`, `—/1` with no check-in yet; at most: `≤ 3`."""
    value = "—" if indicator.value is None else ctx.t.number(indicator.value)
    target = ctx.t.number(indicator.target)
    if indicator.direction is Direction.AT_MOST:
        target = "≤ " + target
    unit = unit_for(ctx, indicator.unit, indicator.target)
    return f"{value} / {target}" + (f" {unit}" if unit else "")


def indicator_lines(ctx: Reader, indicator: IndicatorView) -> tuple[str, str]:
    """The indicator's title with its amount and status, and its bar with its period."""
    status = ctx._(INDICATOR_STATUSES[indicator.status])
    mark = STATUS_MARKS[indicator.status]
    head = f"{mark} #{indicator.id} {indicator.title}: {amount(ctx, indicator)} — {status}"
    return head, f"{progress_bar(indicator)} · {period_text(ctx, indicator)}"


def goal_title(ctx: Reader, goal: GoalView) -> str:
    return f"#{goal.id} {goal.title} — {ctx._(GOAL_STATUSES[goal.status])}"
