"""The page's language: `?lang=sl|en`, else the browser's Accept-Language, else the
coalition's default."""

from __future__ import annotations

SUPPORTED = ("sl", "en")


def from_accept_language(header: str) -> str | None:
    """The supported language the browser prefers most (`sl-SI,sl;q=0.9,en;q=0.8` -> sl)."""
    best: tuple[float, str] | None = None
    for position, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        language = tag.strip().lower().split("-")[0]
        if language not in SUPPORTED:
            continue
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if quality <= 0:
            continue
        key = (quality - position / 1000, language)
        if best is None or key[0] > best[0]:
            best = key
    return best[1] if best else None


def choose(query: str | None, accept_language: str, default: str) -> str:
    if query in SUPPORTED:
        return query
    return from_accept_language(accept_language) or (default if default in SUPPORTED else "sl")
