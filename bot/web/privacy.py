"""What a public page or feed may show of text that coordinators typed."""

from __future__ import annotations

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PHONE = re.compile(r"(?<![\w/.])(?:\+\d|\(0|0)[\d ()/-]{6,}\d(?![\w/])")
"""+386 41 123 456, 041 123 456, (03) 896 14 00, 03/896-14-00; not dates or times."""
HIDDEN = "[…]"


def scrub(text: str | None) -> str | None:
    """The text without e-mail addresses and phone numbers (personal data stays in chat)."""
    if not text:
        return text
    return PHONE.sub(HIDDEN, EMAIL.sub(HIDDEN, text))
