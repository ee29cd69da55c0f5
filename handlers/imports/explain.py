"""What an import found or refused, in the reader's language."""

from __future__ import annotations

from handlers.i18n import N_, Translator
from models.imports.columns import Kind
from models.imports.limits import MAX_BYTES, FileRefused
from models.imports.records import Outcome, Rejected

REJECTED_SHOWN = 20
"""Rejected rows a chat answer lists; the rest are counted."""

FIELDS = {
    "title": N_("title"),
    "name": N_("name"),
    "when": N_("date"),
    "end": N_("end"),
    "where": N_("place"),
    "location": N_("place"),
    "area": N_("area"),
    "kind": N_("type"),
    "organiser": N_("organiser"),
    "status": N_("status"),
    "description": N_("description"),
    "due": N_("due date"),
    "organisation": N_("organisation"),
    "notes": N_("notes"),
    "role": N_("role"),
    "email": N_("e-mail"),
    "phone": N_("phone"),
    "sector": N_("sector"),
    "website": N_("website"),
    "goal": N_("goal"),
    "indicator": N_("indicator"),
    "target": N_("target"),
    "unit": N_("unit"),
    "period": N_("period"),
    "source": N_("source"),
}

KINDS = {
    Kind.EVENTS: N_("events"),
    Kind.ACTIVITIES: N_("activities"),
    Kind.CONTACTS: N_("contacts"),
    Kind.GOALS: N_("goals"),
}


def mebibytes(size: int) -> str:
    return f"{size // (1024 * 1024)} MiB"


def refused(t: Translator, error: FileRefused) -> str:
    """Why a file cannot be imported, with the limit it broke."""
    limit = t.number(error.limit)
    if error.problem == "too_large":
        return t.gettext("The file is too large: at most %(limit)s.") % {
            "limit": mebibytes(MAX_BYTES)
        }
    if error.problem == "too_many_rows":
        return t.gettext("The file has too many rows: at most %(limit)s.") % {"limit": limit}
    if error.problem == "too_many_columns":
        return t.gettext("The file has too many columns: at most %(limit)s.") % {"limit": limit}
    if error.problem == "cell_too_long":
        return t.gettext("A cell of the file is too long: at most %(limit)s characters.") % {
            "limit": limit
        }
    if error.problem == "empty":
        return t.gettext("The file is empty.")
    if error.problem == "unknown_kind":
        return t.gettext(
            "I cannot tell what the rows are. Name the columns (for example title, when, "
            "where) or say what they are: events, activities or contacts."
        )
    if error.problem == "missing_columns":
        return t.gettext("The file has no column “%(column)s”.") % {"column": error.detail}
    return t.gettext("This is not a spreadsheet I can read. Send a CSV or XLSX file.")


def field(t: Translator, name: str) -> str:
    return t.gettext(FIELDS[name]) if name in FIELDS else name


def reason(t: Translator, rejected: Rejected) -> str:
    """Why one row is left out."""
    named = {"field": field(t, rejected.field), "value": rejected.value[:60]}
    problem = rejected.problem
    if problem == "duplicate":
        return t.gettext("the same as row %(row)d.") % {"row": rejected.other_row}
    if problem == "unknown_word":
        return t.gettext("“%(value)s” is not a %(field)s I know.") % named
    if problem in ("when.ambiguous", "when.ambiguous_date", "when.ambiguous_hour"):
        return (
            t.gettext(
                "“%(value)s” can be read in more than one way; write the day first, with dots, "
                "and the time in full, for example 15. 3. 2027 10:00."
            )
            % named
        )
    if problem == "when.end_before_start":
        return t.gettext("the end is not after the start.")
    if problem == "when.invalid_date":
        return t.gettext("“%(text)s” is not a valid date.") % {"text": named["value"]}
    if problem.startswith("when."):
        return t.gettext("I do not understand the date “%(text)s”.") % {"text": named["value"]}
    if problem == "empty":
        return t.gettext("The %(field)s is missing.") % named
    if problem == "too_long":
        return t.gettext("The %(field)s is too long (at most %(limit)d characters).") % {
            **named,
            "limit": rejected.limit,
        }
    if problem == "control_characters":
        return t.gettext("The %(field)s contains control characters.") % named
    if problem == "format" and rejected.field == "email":
        return t.gettext("The e-mail address is not in a valid format.")
    return t.gettext("The %(field)s does not look right.") % named


def rejected_lines(t: Translator, rejected: tuple[Rejected, ...], shown: int) -> list[str]:
    ordered = sorted(rejected, key=lambda r: r.row)
    lines = [
        t.gettext("Row %(row)d: %(reason)s") % {"row": r.row, "reason": reason(t, r)}
        for r in ordered[:shown]
    ]
    if len(ordered) > shown:
        more = len(ordered) - shown
        lines.append(
            t.ngettext(
                "… and %(count)d more rejected row", "… and %(count)d more rejected rows", more
            )
            % {"count": more}
        )
    return lines


def counts(t: Translator, outcome: Outcome) -> list[str]:
    return [
        t.ngettext("%(count)d new row", "%(count)d new rows", outcome.new) % {"count": outcome.new},
        t.ngettext("%(count)d changed row", "%(count)d changed rows", outcome.changed)
        % {"count": outcome.changed},
        t.ngettext("%(count)d unchanged row", "%(count)d unchanged rows", outcome.unchanged)
        % {"count": outcome.unchanged},
        t.ngettext("%(count)d rejected row", "%(count)d rejected rows", len(outcome.rejected))
        % {"count": len(outcome.rejected)},
    ]


def title(t: Translator, kind: Kind, outcome: Outcome) -> str:
    what = {"kind": t.gettext(KINDS[kind])}
    if outcome.written:
        return t.gettext("Import of %(kind)s done") % what
    return t.gettext("Import of %(kind)s: preview") % what


def preview_note(t: Translator, outcome: Outcome) -> str:
    if outcome.written:
        return ""
    if not (outcome.new or outcome.changed):
        return t.gettext("Nothing to import: the coalition already has every row.")
    note = t.gettext("Nothing is written until you confirm.")
    if outcome.rejected:
        note += " " + t.gettext("Rejected rows are left out.")
    return note
