"""The one language rule: in a group the group's language wins; in private, the person's."""

from __future__ import annotations

import pytest

from handlers.language import chat_locale, reader_locale
from models.entities import Role
from models.services.views import ChatContext, CoalitionView

SUPPORTED = ("sl", "en")


def stored(*, user: str | None, chat: str | None, coalition: str | None) -> ChatContext:
    view = CoalitionView(1, "sasa", "SAŠA", "Europe/Ljubljana", coalition) if coalition else None
    return ChatContext(view, Role.MEMBER, user, chat, chat is not None)


@pytest.mark.parametrize(
    ("user", "chat", "platform", "coalition", "expected"),
    [
        ("sl", "en", "sl", "sl", "en"),  # the group's choice beats the person's and the platform's
        ("en", None, "en", "sl", "sl"),  # no group choice: the coalition's, not the person's
        (None, None, "en", None, "sl"),  # no coalition either: the deployment's default
        (None, "de", "en", "en", "en"),  # an unsupported group choice is skipped
    ],
)
def test_in_a_group_the_groups_language_wins(
    user: str | None, chat: str | None, platform: str, coalition: str | None, expected: str
) -> None:
    context = stored(user=user, chat=chat, coalition=coalition)
    assert (
        reader_locale(context, is_group=True, platform=platform, supported=SUPPORTED, default="sl")
        == expected
    )


@pytest.mark.parametrize(
    ("user", "platform", "coalition", "expected"),
    [
        ("sl", "en", "en", "sl"),  # the person's own choice first
        (None, "en", "sl", "en"),  # then their platform's language
        (None, "de", "en", "en"),  # an unsupported platform language: the coalition's
        (None, None, None, "sl"),  # nothing known: the deployment's default
    ],
)
def test_in_private_the_persons_language_wins(
    user: str | None, platform: str | None, coalition: str | None, expected: str
) -> None:
    context = stored(user=user, chat="en", coalition=coalition)  # a chat choice plays no part
    assert (
        reader_locale(context, is_group=False, platform=platform, supported=SUPPORTED, default="sl")
        == expected
    )


def test_without_a_stored_context_the_platform_or_the_default() -> None:
    assert (
        reader_locale(None, is_group=False, platform="en", supported=SUPPORTED, default="sl")
        == "en"
    )
    assert (
        reader_locale(None, is_group=True, platform="en", supported=SUPPORTED, default="sl") == "sl"
    )


def test_a_chat_message_uses_the_chats_language_else_the_coalitions() -> None:
    assert chat_locale("en", "sl", supported=SUPPORTED, default="sl") == "en"
    assert chat_locale(None, "en", supported=SUPPORTED, default="sl") == "en"
    assert chat_locale("de", "en", supported=SUPPORTED, default="sl") == "en"
    assert chat_locale(None, None, supported=SUPPORTED, default="en") == "en"
