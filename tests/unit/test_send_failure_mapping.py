"""Telegram's and Slack's documented refusals of a message, each mapped to what it means."""

from __future__ import annotations

import pytest
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    TelegramError,
    TimedOut,
)

from bot.adapters.slack.errors import send_failure
from bot.adapters.telegram.delivery import classify
from models.send_failure import SendFailure

GONE, NOT_ALLOWED, SETUP = SendFailure.GONE, SendFailure.NOT_ALLOWED, SendFailure.SETUP
CONTENT, UNAVAILABLE = SendFailure.CONTENT, SendFailure.UNAVAILABLE


@pytest.mark.parametrize(
    ("error", "meaning"),
    [
        (Forbidden("Forbidden: bot was blocked by the user"), GONE),
        (Forbidden("Forbidden: bot was kicked from the group chat"), GONE),
        (Forbidden("Forbidden: bot was kicked from the supergroup chat"), GONE),
        (Forbidden("Forbidden: bot is not a member of the channel chat"), GONE),
        (Forbidden("Forbidden: user is deactivated"), GONE),
        (Forbidden("Forbidden: the group chat was deleted"), GONE),
        (Forbidden("Forbidden: bot can't initiate conversation with a user"), GONE),
        (Forbidden("Forbidden: bot can't send messages to bots"), GONE),
        (BadRequest("Bad Request: chat not found"), GONE),
        (BadRequest("Bad Request: group chat was deactivated"), GONE),
        (BadRequest("Bad Request: PEER_ID_INVALID"), GONE),
        (
            BadRequest("Bad Request: not enough rights to send text messages to the chat"),
            NOT_ALLOWED,
        ),
        (Forbidden("Forbidden: not enough rights to send text messages to the chat"), NOT_ALLOWED),
        (BadRequest("Bad Request: have no rights to send a message"), NOT_ALLOWED),
        (BadRequest("Bad Request: CHAT_WRITE_FORBIDDEN"), NOT_ALLOWED),
        (BadRequest("Bad Request: need administrator rights in the channel chat"), NOT_ALLOWED),
        (BadRequest("Bad Request: TOPIC_CLOSED"), NOT_ALLOWED),
        (Forbidden("Forbidden: something new"), NOT_ALLOWED),
        (InvalidToken("Unauthorized"), SETUP),
        (EndPointNotFound("Not Found"), SETUP),
        (BadRequest("Bad Request: can't parse entities: unsupported start tag"), CONTENT),
        (BadRequest("Bad Request: message is too long"), CONTENT),
        (BadRequest("Bad Request: message text is empty"), CONTENT),
        (BadRequest("Bad Request: BUTTON_DATA_INVALID"), CONTENT),
        (TimedOut(), UNAVAILABLE),
        (NetworkError("Bad Gateway"), UNAVAILABLE),
        (Conflict("Conflict: terminated by other getUpdates request"), UNAVAILABLE),
        (TelegramError("Internal Server Error"), UNAVAILABLE),
    ],
)
def test_telegram_refusals(error: TelegramError, meaning: SendFailure) -> None:
    assert classify(error) is meaning


@pytest.mark.parametrize(
    ("code", "channel", "meaning"),
    [
        ("channel_not_found", "C1", GONE),
        ("not_in_channel", "C1", GONE),
        ("is_archived", "C1", GONE),
        ("user_not_found", "U1", GONE),
        ("account_inactive", "D1", GONE),
        ("account_inactive", "C1", SETUP),
        ("restricted_action", "C1", NOT_ALLOWED),
        ("restricted_action_read_only_channel", "C1", NOT_ALLOWED),
        ("ekm_access_denied", "C1", NOT_ALLOWED),
        ("invalid_auth", "C1", SETUP),
        ("not_authed", "C1", SETUP),
        ("token_revoked", "C1", SETUP),
        ("token_expired", "C1", SETUP),
        ("missing_scope", "C1", SETUP),
        ("invalid_blocks", "C1", CONTENT),
        ("msg_too_long", "C1", CONTENT),
        ("no_text", "C1", CONTENT),
        ("too_many_attachments", "C1", CONTENT),
        ("ratelimited", "C1", UNAVAILABLE),
        ("internal_error", "C1", UNAVAILABLE),
        ("fatal_error", "C1", UNAVAILABLE),
        ("something_new", "C1", UNAVAILABLE),
    ],
)
def test_slack_refusals(code: str, channel: str, meaning: SendFailure) -> None:
    assert send_failure(code, channel) is meaning


def test_only_a_gone_chat_is_switched_off_and_only_passing_trouble_is_retried() -> None:
    assert [f for f in SendFailure if f.deactivates] == [GONE]
    assert {f for f in SendFailure if f.retryable} == {NOT_ALLOWED, UNAVAILABLE}
