"""The catalogs match the code: every message extracted, translated to Slovenian, well-formed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import load_translators

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("bot", "handlers", "models")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def message_key(message_id: str | tuple[str, ...]) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


def extracted() -> set[str]:
    found: set[str] = set()
    for source in SOURCES:
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / source, keywords=KEYWORDS, comment_tags=()
        ):
            found.add(message_key(message))
    return found


def catalog(locale: str) -> Catalog:
    with (ROOT / "locales" / locale / "LC_MESSAGES" / "messages.po").open("rb") as po_file:
        return read_po(po_file, locale=locale)


def catalog_ids(locale: str) -> set[str]:
    return {message_key(m.id) for m in catalog(locale) if m.id}


@pytest.mark.parametrize("locale", ["sl", "en"])
def test_catalog_has_exactly_the_messages_in_the_code(locale: str) -> None:
    in_code, in_catalog = extracted(), catalog_ids(locale)
    missing = sorted(in_code - in_catalog)
    stale = sorted(in_catalog - in_code)
    assert not missing, f"not in locales/{locale} (run pybabel extract + update): {missing}"
    assert not stale, f"in locales/{locale} but no longer in the code: {stale}"


@pytest.mark.parametrize("locale", ["sl", "en"])
def test_every_message_has_a_translation_in_both_languages(locale: str) -> None:
    untranslated = [
        message_key(m.id)
        for m in catalog(locale)
        if m.id and (m.fuzzy or not (m.string if isinstance(m.string, str) else all(m.string)))
    ]
    assert not untranslated, f"untranslated or fuzzy in locales/{locale}: {untranslated}"


# Slovenian words people often type without č, š, ž; the help must spell them properly
# (commands still accept the plain forms: `/vloga 42 clan`, `kdaj=…`, `podrocje=…`).
WITHOUT_CARONS = {
    "clan": "član",
    "clanica": "članica",
    "nacrtovana": "načrtovana",
    "nacrtovano": "načrtovano",
    "zakljucena": "zaključena",
    "zakljuceno": "zaključeno",
    "podrocje": "področje",
    "podrocja": "področja",
    "naroci": "naroči",
    "narocite": "naročite",
    "obcina": "občina",
    "obcine": "občine",
    "sola": "šola",
    "solski": "šolski",
    "izobrazevanje": "izobraževanje",
    "druzba": "družba",
    "e-posta": "e-pošta",
    "stevilka": "številka",
    "stevilko": "številko",
    "cakajoci": "čakajoči",
    "izpusceni": "izpuščeni",
    "zacne": "začne",
    "prejsnja": "prejšnja",
}
COMMAND = re.compile(r"/\w+")


def test_slovenian_texts_spell_c_s_z_with_their_carons() -> None:
    misspelt = []
    for message in catalog("sl"):
        if not message.id:
            continue
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        for text in strings:
            # command names are typed without carons on purpose (/pomoc, /podrocja)
            words = re.findall(r"[\w-]+", COMMAND.sub("", text).lower())
            misspelt += [
                f"{word} → {WITHOUT_CARONS[word]} in {text!r}"
                for word in words
                if word in WITHOUT_CARONS
            ]
    assert not misspelt, misspelt


def test_the_check_above_finds_a_missing_caron() -> None:
    words = re.findall(r"[\w-]+", "dodeli vlogo: UPORABNIK clan|koordinator".lower())
    assert [word for word in words if word in WITHOUT_CARONS] == ["clan"]


@pytest.mark.parametrize("locale", ["sl", "en"])
def test_translations_keep_the_placeholders(locale: str) -> None:
    problems = [
        f"{message_key(m.id)!r}: {errors}"
        for m in catalog(locale)
        if m.id and (errors := m.check(catalog(locale)))
    ]
    assert not problems, problems


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, "1 prihajajoči dogodek"),
        (2, "2 prihajajoča dogodka"),
        (3, "3 prihajajoči dogodki"),
        (4, "4 prihajajoči dogodki"),
        (5, "5 prihajajočih dogodkov"),
        (101, "101 prihajajoči dogodek"),
        (102, "102 prihajajoča dogodka"),
        (111, "111 prihajajočih dogodkov"),
    ],
)
def test_slovenian_plural_forms(count: int, expected: str) -> None:
    slovenian = load_translators()["sl"]
    text = slovenian.ngettext("%(count)d upcoming event", "%(count)d upcoming events", count)
    assert text % {"count": count} == expected


def test_english_falls_back_to_the_source_text() -> None:
    english = load_translators()["en"]
    assert english.ngettext("%(count)d contact", "%(count)d contacts", 1) == "%(count)d contact"
    assert english.gettext("No upcoming events.") == "No upcoming events."
