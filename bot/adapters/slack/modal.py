"""The /addevent modal: its view, reading a submission, and where an error belongs."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from handlers.i18n import Translator
from handlers.when import WhenError, parse_when
from models.errors import Invalid
from models.services.events import LOCATION_MAX, TITLE_MAX
from models.services.views import AreaView
from models.validation import clean_text

CALLBACK_ID = "cb_addevent"
ACTION = "value"
TITLE, DATE, TIME, PLACE, AREA = "title", "date", "time", "place", "area"
PUBLIC = "public"
QUIET = "quiet"
MAX_OPTIONS = 100
MAX_OPTION_TEXT = 75
MAX_ERROR = 500


@dataclass(frozen=True)
class Origin:
    """Where /addevent was typed, carried through the modal in `private_metadata`."""

    team: str
    user: str
    channel: str
    channel_name: str = ""
    command: str = "addevent"
    response_url: str = ""

    def to_metadata(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_metadata(cls, text: str) -> Origin | None:
        try:
            data = json.loads(text or "{}")
            return cls(**{key: str(data[key]) for key in data if key in cls.__dataclass_fields__})
        except (ValueError, TypeError):
            return None


def _text(value: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": value, "emoji": True}


def _input(
    block_id: str, label: str, element: dict[str, Any], *, optional: bool = False
) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "label": _text(label),
        "optional": optional,
        "element": {**element, "action_id": ACTION},
    }


def addevent_view(t: Translator, areas: list[AreaView], origin: Origin) -> dict[str, Any]:
    """A modal asking for the title, date, time, place and area of a new event."""
    blocks = [
        _input(TITLE, t.gettext("Title"), {"type": "plain_text_input", "max_length": TITLE_MAX}),
        _input(DATE, t.gettext("Date"), {"type": "datepicker"}),
        _input(
            TIME,
            t.gettext("Time (leave empty for the whole day)"),
            {"type": "timepicker"},
            optional=True,
        ),
        _input(
            PLACE,
            t.gettext("Where"),
            {"type": "plain_text_input", "max_length": LOCATION_MAX},
            optional=True,
        ),
    ]
    if areas:
        options = [
            {"text": _text(area.name[:MAX_OPTION_TEXT]), "value": area.slug}
            for area in areas[:MAX_OPTIONS]
        ]
        blocks.append(
            _input(
                AREA,
                t.gettext("Area"),
                {"type": "static_select", "options": options},
                optional=True,
            )
        )
    public = {
        "text": _text(t.gettext("Public: on the coalition's web page and public calendar.")),
        "value": "yes",
    }
    blocks.append(
        _input(
            PUBLIC,
            t.gettext("Visibility"),
            {"type": "checkboxes", "options": [public]},
            optional=True,
        )
    )
    quiet = {
        "text": _text(t.gettext("Quiet: add it without announcing it in the coalition's chats.")),
        "value": "yes",
    }
    blocks.append(
        _input(
            QUIET,
            t.gettext("Announcement"),
            {"type": "checkboxes", "options": [quiet]},
            optional=True,
        )
    )
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": _text(t.gettext("New event")[:24]),
        "submit": _text(t.gettext("Add")[:24]),
        "close": _text(t.gettext("Cancel")[:24]),
        "private_metadata": origin.to_metadata(),
        "blocks": blocks,
    }


@dataclass(frozen=True)
class EventForm:
    """What the person filled in."""

    title: str = ""
    date: str = ""
    time: str = ""
    place: str = ""
    area: str = ""
    public: bool = False
    quiet: bool = False
    """Added without an announcement in the coalition's chats (`| quiet` typed)."""

    @classmethod
    def from_state(cls, values: dict[str, Any]) -> EventForm:
        def value(block: str) -> str:
            element = values.get(block, {}).get(ACTION) or {}
            option = element.get("selected_option") or {}
            found = (
                element.get("value")
                or element.get("selected_date")
                or element.get("selected_time")
                or option.get("value")
                or ""
            )
            return " ".join(str(found).split())

        def ticked(block: str) -> bool:
            chosen = (values.get(block, {}).get(ACTION) or {}).get("selected_options") or []
            return any(option.get("value") == "yes" for option in chosen)

        return cls(
            value(TITLE),
            value(DATE),
            value(TIME),
            value(PLACE),
            value(AREA),
            ticked(PUBLIC),
            ticked(QUIET),
        )

    @property
    def when(self) -> str:
        return f"{self.date} {self.time}".strip()

    def pipe_problems(self, t: Translator) -> dict[str, str]:
        """Fields holding `|`, which separates the parts of the command line."""
        message = t.gettext("The character | cannot be used here.")
        return {
            block: message
            for block, value in ((TITLE, self.title), (PLACE, self.place))
            if "|" in value
        }

    def command_line(self, command: str) -> str:
        """`/addevent TITLE | WHEN | WHERE | AREA [| quiet]`, the same line a person could
        type."""
        line = f"/{command} {self.title} | {self.when} | {self.place} | {self.area}"
        return f"{line} | quiet" if self.quiet else line

    @staticmethod
    def publishing_line(added: str) -> str | None:
        """`/editevent N public=yes` for the event an /addevent answer names (`#N`)."""
        number = re.search(r"#(\d+)", added)
        return f"/editevent {number.group(1)} public=yes" if number else None

    def field_of_error(
        self, now: datetime, zone: ZoneInfo | None, areas: list[AreaView]
    ) -> str | None:
        """The field a refusal of this form is about, checked in the order /addevent reads
        them (date and time, title, place, area); None when no field is wrong (a refusal of
        the person or the chat, which is not for under a field)."""
        if zone is not None:
            try:
                parse_when(self.when, now, zone)
            except WhenError as error:
                if self.time and error.reason in ("nonexistent_time", "ambiguous"):
                    return TIME
                return DATE
        checks = (
            (TITLE, self.title, "title", TITLE_MAX, True),
            (PLACE, self.place, "location", LOCATION_MAX, False),
        )
        for block, value, name, limit, required in checks:
            try:
                clean_text(value, name, limit, required=required)
            except Invalid:
                return block
        if self.area and self.area not in {area.slug for area in areas}:
            return AREA
        return None


def errors_response(errors: dict[str, str]) -> dict[str, Any]:
    """The view_submission answer that shows `errors` under their fields."""
    return {
        "response_action": "errors",
        "errors": {block: message[:MAX_ERROR] for block, message in errors.items()},
    }
