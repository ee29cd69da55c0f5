"""Text as searches compare it: lower case without diacritics, so `sostanj` finds `Šoštanj`."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower case without diacritics: `Področja` -> `podrocja`, `ŠOŠTANJ` -> `sostanj`."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def searchable(*parts: str | None) -> str:
    """The folded text a directory search looks in, from the parts that are filled in."""
    return fold(" ".join(part for part in parts if part))
