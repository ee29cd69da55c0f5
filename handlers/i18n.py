"""One language's messages and date formats; the catalogs are loaded by bot.i18n."""

from __future__ import annotations

import gettext
from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_skeleton, format_time

MOMENTS_KEPT = 4096
"""Formatted moments a Translator keeps (about 1 MB)."""


def N_(message: str) -> str:
    """Marks a message for extraction; it is translated later, where the reader is known."""
    return message


class Translator:
    """Messages, plurals and dates in one locale (`sl` or `en`)."""

    def __init__(self, locale: str, catalog: gettext.NullTranslations) -> None:
        self.locale = locale
        self._catalog = catalog
        self._babel_locale = Locale.parse(locale)
        self._moments: dict[tuple[datetime, ZoneInfo, bool], str] = {}

    def gettext(self, message: str) -> str:
        return self._catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self._catalog.ngettext(singular, plural, count)

    def day(self, value: date) -> str:
        """`sre., 10. mar. 2027` / `Wed, Mar 10, 2027`."""
        return format_skeleton("yMMMEd", value, locale=self._babel_locale)

    def day_month(self, value: date) -> str:
        return format_skeleton("MMMEd", value, locale=self._babel_locale)

    def clock(self, value: datetime) -> str:
        return format_time(value, "short", locale=self._babel_locale)

    def moment(self, value: datetime, zone: ZoneInfo, *, all_day: bool = False) -> str:
        """A moment in the coalition's zone, e.g. `sre., 10. mar. 2027, 14:00`.

        Lists show the same few moments again and again, and Babel takes longer to format
        one than the rest of a list item: up to MOMENTS_KEPT are kept, and forgotten together.
        """
        key = (value, zone, all_day)
        shown = self._moments.get(key)
        if shown is None:
            local = value.astimezone(zone)
            shown = self.day(local.date())
            if not all_day:
                shown = f"{shown}, {self.clock(local)}"
            if len(self._moments) >= MOMENTS_KEPT:
                self._moments.clear()
            self._moments[key] = shown
        return shown
