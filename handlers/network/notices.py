"""The request to link, as an admin of the asked coalition reads it in their private chat."""

from __future__ import annotations

from handlers.listing import Audience
from handlers.network.commands import KIND_NAMES
from handlers.types import Button, Reply
from models.services.reminders import ReminderJob


def link_request_reply(job: ReminderJob, reader: Audience) -> Reply | None:
    request, t = job.link, reader.t
    if request is None:
        return None
    values = {
        "name": request.from_name,
        "coalition": job.coalition.name,
        "kind": t.gettext(KIND_NAMES[request.kind]),
    }
    return Reply(
        title=t.gettext("%(name)s asks to link") % values,
        lines=(
            t.gettext("%(name)s asks for a %(kind)s link with %(coalition)s.") % values,
            t.gettext("Linked coalitions see each other's shared events; nothing else crosses."),
        ),
        buttons=(
            Button(t.gettext("Accept"), f"/link {request.from_slug} accept"),
            Button(t.gettext("Decline"), f"/link {request.from_slug} decline"),
        ),
        locale=t.locale,
    )
