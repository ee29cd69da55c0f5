"""Checks on the text people type before it is stored."""

from __future__ import annotations

import re
import unicodedata

from models.errors import Invalid

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[0-9][0-9 ()/.-]{4,30}$")
WEBSITE = re.compile(r"^(https?://)?[\w.-]+\.[a-z]{2,}(/\S*)?$", re.IGNORECASE)
INVISIBLE = (
    *range(0x202A, 0x202F),  # bidi embeddings and overrides: turn the text after them around
    *range(0x2066, 0x206A),  # bidi isolates
    *range(0x200B, 0x200E),  # zero-width space, non-joiner, joiner
    0x2060,  # word joiner
    0xFEFF,  # zero-width no-break space (byte order mark)
)
STRIPPED: dict[int, str | None] = {
    **dict.fromkeys(INVISIBLE, None),
    0x2028: " ",  # line and paragraph separators would start a new line in a one-line text
    0x2029: " ",
}
"""Characters that make a one-line text show other than it reads (fake lines, reversed
words, hidden differences): taken out, the separators made spaces."""


def clean_text(value: str | None, field: str, max_length: int, *, required: bool = True) -> str:
    """The value trimmed and without invisible formatting characters (STRIPPED), or Invalid
    when empty, too long or holding control characters."""
    text = unicodedata.normalize("NFC", (value or "").translate(STRIPPED).strip())
    if not text:
        if required:
            raise Invalid(field, "empty")
        return ""
    if any(unicodedata.category(char) == "Cc" for char in text):
        raise Invalid(field, "control_characters")
    if len(text) > max_length:
        raise Invalid(field, "too_long", max_length)
    return text


def optional_text(value: str | None, field: str, max_length: int) -> str | None:
    return clean_text(value, field, max_length, required=False) or None


def clean_email(value: str | None) -> str | None:
    email = optional_text(value, "email", 254)
    if email is not None and not EMAIL.match(email):
        raise Invalid("email", "format")
    return email


def clean_phone(value: str | None) -> str | None:
    phone = optional_text(value, "phone", 40)
    if phone is not None and not PHONE.match(phone):
        raise Invalid("phone", "format")
    return phone
