"""Checks on the text people type before it is stored."""

from __future__ import annotations

import re
import unicodedata

from models.errors import Invalid

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[0-9][0-9 ()/.-]{4,30}$")
WEBSITE = re.compile(r"^(https?://)?[\w.-]+\.[a-z]{2,}(/\S*)?$", re.IGNORECASE)


def clean_text(value: str | None, field: str, max_length: int, *, required: bool = True) -> str:
    """The value trimmed, or Invalid when empty, too long or holding control characters."""
    text = unicodedata.normalize("NFC", (value or "").strip())
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
