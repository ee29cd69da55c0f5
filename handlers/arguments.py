"""Splitting what people type after a command into the parts a handler needs."""

from __future__ import annotations

import re
from collections.abc import Collection

from models.search import fold

__all__ = ["fold", "is_number", "padded", "parse_fields", "parse_id", "split_pipes", "take_page"]

PAGE = re.compile(r"(?:^|\s)(?:page|stran)=(\S*)", re.IGNORECASE)
FIELD = re.compile(r"(?:^|\s)([^\W\d][\w]*)=", re.UNICODE)


def split_pipes(args: str) -> list[str]:
    """`a | b | | d` -> ['a', 'b', '', 'd'] (trailing empty parts dropped)."""
    parts = [part.strip() for part in args.split("|")]
    while parts and not parts[-1]:
        parts.pop()
    return parts


def padded(parts: list[str], width: int) -> list[str]:
    """The parts filled up with empty strings to exactly `width` entries."""
    return [*parts, *[""] * (width - len(parts))][:width]


def take_page(args: str) -> tuple[str, int | None]:
    """Removes `page=N` from the arguments; the page is None when N is not a positive number."""
    match = PAGE.search(args)
    if match is None:
        return args.strip(), 1
    rest = (args[: match.start()] + " " + args[match.end() :]).strip()
    value = match.group(1)
    page = int(value) if is_number(value, 5) and 0 < int(value) < 100_000 else None
    return rest, page


def parse_fields(args: str, known: Collection[str] = ()) -> tuple[str, dict[str, str]]:
    """`12 title=New name when=jutri ob 10h` -> ('12', {'title': 'New name', 'when': ...}).

    Field names are folded (`področje` -> `podrocje`). After the first field, only a `name=`
    whose folded name is in `known` starts another: `opis=Vstop: koda=ABC` is one description.
    The first is taken whatever its name, so a mistyped one can be pointed out.
    """
    found = list(FIELD.finditer(args))
    matches = [m for i, m in enumerate(found) if i == 0 or fold(m.group(1)) in known]
    if not matches:
        return args.strip(), {}
    head = args[: matches[0].start()].strip()
    fields: dict[str, str] = {}
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(args)
        fields[fold(match.group(1))] = args[match.end() : end].strip()
    return head, fields


def parse_id(text: str) -> int | None:
    """A positive record number, accepting `12` and `#12`."""
    value = text.strip().removeprefix("#")
    if is_number(value, 10) and 0 < int(value) < 2**31:
        return int(value)
    return None


def is_number(text: str, max_digits: int) -> bool:
    """ASCII digits only (`²` and `١` pass str.isdigit but not int()), and not too many of them."""
    return text.isascii() and text.isdigit() and len(text) <= max_digits
