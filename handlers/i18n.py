"""One language's messages and date formats; the catalogs are loaded by bot.i18n."""

from __future__ import annotations

import gettext
from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_skeleton, format_time


def N_(message: str) -> str:
    """Marks a message for extraction; it is translated later, where the reader is known."""
    return message


class Translator:
    """Messages, plurals and dates in one locale (`sl` or `en`)."""

    def __init__(self, locale: str, catalog: gettext.NullTranslations) -> None:
        self.locale = locale
        self._catalog = catalog
        self._babel_locale = Locale.parse(locale)

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
        """A moment in the coalition's zone, e.g. `sre., 10. mar. 2027, 14:00`."""
        local = value.astimezone(zone)
        if all_day:
            return self.day(local.date())
        return f"{self.day(local.date())}, {self.clock(local)}"
