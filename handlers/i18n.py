"""One language's messages and date formats; the catalogs are loaded by bot.i18n."""

from __future__ import annotations

import gettext
from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time
from babel.numbers import parse_pattern

MOMENTS_KEPT = 4096
"""Formatted moments a Translator keeps (about 1 MB)."""

FORMATS = {"en": "en_GB"}
"""The CLDR locale whose date and time forms a catalog's readers expect: English is for a
European audience, so British forms (`Mon 30 Nov 2026, 10:00`, a 24-hour clock)."""
DAY_PATTERNS = {"en": "EEE d MMM y"}
"""Where CLDR's `yMMMEd` is not what readers write (en_GB has `Mon, 30 Nov 2026`)."""


NUMBER_PATTERN = "#,##0.##"


def N_(message: str) -> str:
    """Marks a message for extraction; it is translated later, where the reader is known."""
    return message


class Translator:
    """Messages, plurals and dates in one locale (`sl` or `en`)."""

    def __init__(self, locale: str, catalog: gettext.NullTranslations) -> None:
        self.locale = locale
        self._catalog = catalog
        self._babel_locale = Locale.parse(FORMATS.get(locale, locale))
        self._day_pattern = DAY_PATTERNS.get(locale)
        self._moments: dict[tuple[datetime, ZoneInfo, bool], str] = {}
        self._number_pattern = parse_pattern(NUMBER_PATTERN)  # parsed once, not per number

    def gettext(self, message: str) -> str:
        return self._catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self._catalog.ngettext(singular, plural, count)

    def day(self, value: date) -> str:
        """`sre., 10. mar. 2027` / `Wed 10 Mar 2027`."""
        if self._day_pattern:
            return format_date(value, self._day_pattern, locale=self._babel_locale)
        return format_skeleton("yMMMEd", value, locale=self._babel_locale)

    def number(self, value: float) -> str:
        """`1.234,5` in Slovenian, `1,234.5` in English: at most two decimals."""
        return str(self._number_pattern.apply(value, self._babel_locale))

    def short_day(self, value: date) -> str:
        """`31. 12. 2025` / `31 Dec 2025`: a date without its weekday."""
        return format_date(
            value, "d. M. y" if self.locale == "sl" else "d MMM y", locale=self._babel_locale
        )

    def day_month(self, value: date) -> str:
        return format_skeleton("MMMEd", value, locale=self._babel_locale)

    def clock(self, value: datetime) -> str:
        return format_time(value, "short", locale=self._babel_locale)

    def moment(self, value: datetime, zone: ZoneInfo, *, all_day: bool = False) -> str:
        """A moment in the coalition's zone: `sre., 10. mar. 2027, 14:00`, `Wed 10 Mar 2027, 14:00`.

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
