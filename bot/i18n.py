"""Loads the gettext catalogs from locales/ straight from the .po files."""

from __future__ import annotations

import gettext
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from handlers.i18n import Translator

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
SUPPORTED = ("sl", "en")
DOMAIN = "messages"


def load_catalog(locale: str, locales_dir: Path = LOCALES_DIR) -> gettext.NullTranslations:
    """The compiled catalog of one locale (compiled in memory, so it never goes stale)."""
    po_path = locales_dir / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po_path.exists():
        return gettext.NullTranslations()
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=locale)
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def load_translators(locales_dir: Path = LOCALES_DIR) -> dict[str, Translator]:
    return {locale: Translator(locale, load_catalog(locale, locales_dir)) for locale in SUPPORTED}
