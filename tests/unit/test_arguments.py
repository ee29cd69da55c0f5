"""What people type after a command, split into the parts a handler needs (handlers/arguments)."""

from __future__ import annotations

import pytest

from handlers.arguments import fold, padded, parse_fields, parse_id, split_pipes, take_page
from handlers.events import EDIT_FIELDS


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Področja", "podrocja"),
        ("POMOČ", "pomoc"),
        ("Šolski ŽIVI Ćevapčiči", "solski zivi cevapcici"),
        ("events", "events"),
        ("Straße", "strasse"),  # casefold, not lower
        ("ﬁ", "fi"),  # compatibility forms are decomposed
        ("e\u0301", "e"),  # combining accents go
        ("", ""),
        ("dogodki@coalition_bot", "dogodki@coalition_bot"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("args", "parts"),
    [
        ("", []),
        ("   ", []),
        ("Sestanek", ["Sestanek"]),
        ("a | b | | d", ["a", "b", "", "d"]),
        ("a|b", ["a", "b"]),
        ("  a  |  b  ", ["a", "b"]),
        ("a | b | |", ["a", "b"]),  # trailing empty parts dropped
        ("| jutri ob 10h", ["", "jutri ob 10h"]),  # a leading empty part stays: a missing title
        ("|||", []),
        ('<b>Industrija 4.0 & "AI"</b> | jutri', ['<b>Industrija 4.0 & "AI"</b>', "jutri"]),
        ("a\x00 | b", ["a\x00", "b"]),  # control characters are left to the validation
    ],
)
def test_split_pipes(args: str, parts: list[str]) -> None:
    assert split_pipes(args) == parts


@pytest.mark.parametrize(
    ("parts", "width", "result"),
    [
        ([], 2, ["", ""]),
        (["a"], 4, ["a", "", "", ""]),
        (["a", "b"], 2, ["a", "b"]),
        (["a", "b", "c"], 2, ["a", "b"]),
        (["a"], 0, []),
    ],
)
def test_padded(parts: list[str], width: int, result: list[str]) -> None:
    assert padded(parts, width) == result
    assert parts == parts[:]  # the input is not changed


@pytest.mark.parametrize(
    ("args", "rest", "page"),
    [
        ("", "", 1),
        ("week", "week", 1),
        ("page=2", "", 2),
        ("PAGE=3", "", 3),
        ("stran=4", "", 4),
        ("Stran=5", "", 5),
        ("pametno-mesto page=2", "pametno-mesto", 2),
        ("page=2 pametno-mesto", "pametno-mesto", 2),
        ("pametno-mesto page=2 week", "pametno-mesto  week", 2),
        ("page=99999", "", 99999),
        ("page=0007", "", 7),
        # not a positive number: None, for the handler to refuse
        ("page=", "", None),
        ("page=0", "", None),
        ("page=-1", "", None),
        ("page=abc", "", None),
        ("page=1.5", "", None),
        ("page=100000", "", None),
        ("page=²", "", None),  # a digit to str.isdigit, not to int()
        ("page=١٢", "", None),  # Arabic-Indic digits
        ("page=" + "1" * 5000, "", None),  # longer than int() reads
        # only a whole word `page=` counts
        ("homepage=2", "homepage=2", 1),
        ("mypage=2 page=3", "mypage=2", 3),
    ],
)
def test_take_page(args: str, rest: str, page: int | None) -> None:
    assert take_page(args) == (rest, page)


def test_take_page_takes_only_the_first_page() -> None:
    assert take_page("page=2 page=3") == ("page=3", 2)


@pytest.mark.parametrize(
    ("args", "head", "fields"),
    [
        ("", "", {}),
        ("12", "12", {}),
        ("12 title=Nov naslov", "12", {"title": "Nov naslov"}),
        (
            "12 title=Nov naslov when=jutri ob 10h",
            "12",
            {"title": "Nov naslov", "when": "jutri ob 10h"},
        ),
        ("12 naslov=Novo kje=Šoštanj", "12", {"naslov": "Novo", "kje": "Šoštanj"}),
        ("12 Področje=indeks", "12", {"podrocje": "indeks"}),  # names are folded
        ("12 TITLE=X", "12", {"title": "X"}),
        ("12 where=", "12", {"where": ""}),  # an empty value clears a field
        ("12 where=  when=jutri", "12", {"where": "", "when": "jutri"}),
        ("title=X", "", {"title": "X"}),
        ("x title=y", "x", {"title": "y"}),
        # `=` inside a value is kept when no word starts right before it
        ("12 title=E=mc²", "12", {"title": "E=mc²"}),
        ("12 where=https://x.si/?a=b", "12", {"where": "https://x.si/?a=b"}),
        ("12 title=a = b", "12", {"title": "a = b"}),
        # only a known name (either language, any case or diacritics) starts another field
        ("12 title=x y=z", "12", {"title": "x y=z"}),
        ("11 description=Vstop: koda=ABC", "11", {"description": "Vstop: koda=ABC"}),
        (
            "11 opis=Vstop: koda=ABC kje=Velenje",
            "11",
            {"opis": "Vstop: koda=ABC", "kje": "Velenje"},
        ),
        ("11 opis=a PODROČJE=indeks", "11", {"opis": "a", "podrocje": "indeks"}),
        # the first one is a field whatever its name, so a typo can be pointed out
        ("12 colour=red", "12", {"colour": "red"}),
        # names start with a letter: digits and underscores do not make a field
        ("12 title=Top 10=best", "12", {"title": "Top 10=best"}),
        ("12 when=1.1.2027 title=a", "12", {"when": "1.1.2027", "title": "a"}),
        ("12 title=a title=b", "12", {"title": "b"}),  # the last one wins
    ],
)
def test_parse_fields(args: str, head: str, fields: dict[str, str]) -> None:
    assert parse_fields(args, EDIT_FIELDS) == (head, fields)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("12", 12),
        ("#12", 12),
        ("  7  ", 7),
        ("0012", 12),
        ("2147483647", 2**31 - 1),
        ("", None),
        ("#", None),
        ("0", None),
        ("-3", None),
        ("+3", None),
        ("12a", None),
        ("1 2", None),
        ("abc", None),
        ("1.5", None),
        ("##12", None),
        ("2147483648", None),  # beyond a database integer
        ("²", None),
        ("١٢", None),
        ("１２", None),  # full-width digits
        ("1" * 5000, None),
    ],
)
def test_parse_id(text: str, number: int | None) -> None:
    assert parse_id(text) == number
