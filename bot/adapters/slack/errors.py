"""What the Slack Web API's refusals of a message (chat.postMessage) mean for the chat.

From Slack's documented errors of chat.postMessage and its common errors: only a chat that
is gone for the bot is marked inactive; token, scope and app errors are the operator's to fix;
a refused message is not sent again; passing trouble is tried again later. An error not
listed here is tried again later, and never taken for a gone chat.
"""

from __future__ import annotations

from models.send_failure import SendFailure

GONE = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "user_not_found",
        "user_disabled",
        "cannot_dm_bot",
    }
)
NOT_ALLOWED = frozenset(
    {
        "restricted_action",
        "restricted_action_read_only_channel",
        "restricted_action_thread_only_channel",
        "restricted_action_non_threadable_channel",
        "restricted_action_thread_locked",
        "ekm_access_denied",
        "access_denied",
        "no_permission",
        "team_access_not_granted",
        "messages_tab_disabled",
    }
)
SETUP = frozenset(
    {
        "not_authed",
        "invalid_auth",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "missing_scope",
        "not_allowed_token_type",
        "two_factor_setup_required",
        "enterprise_is_restricted",
        "accesslimited",
        "deprecated_endpoint",
        "method_deprecated",
    }
)
CONTENT = frozenset(
    {
        "invalid_blocks",
        "invalid_blocks_format",
        "msg_too_long",
        "no_text",
        "too_many_attachments",
        "too_many_contact_cards",
        "invalid_arguments",
        "invalid_arg_name",
        "invalid_array_arg",
        "invalid_charset",
        "invalid_form_data",
        "invalid_post_type",
        "missing_post_type",
        "invalid_metadata_format",
        "invalid_metadata_schema",
        "metadata_too_large",
        "metadata_must_be_sent_from_app",
        "as_user_not_supported",
        "duplicate_channel_not_found",
        "duplicate_message_not_found",
        "slack_connect_file_link_sharing_blocked",
        "slack_connect_canvas_sharing_blocked",
    }
)
DIRECT = ("D", "U", "W")
"""How the ids of direct messages (and of people, posted to directly) begin."""


def send_failure(code: str, channel: str) -> SendFailure:
    """What Slack's error `code` for a message posted to `channel` means.

    `account_inactive` names a deleted user or workspace: for a direct message that is the
    person (their chat is gone), elsewhere the bot's own token.
    """
    if code == "account_inactive" and channel.startswith(DIRECT):
        return SendFailure.GONE
    for failure, codes in (
        (SendFailure.GONE, GONE),
        (SendFailure.NOT_ALLOWED, NOT_ALLOWED),
        (SendFailure.SETUP, SETUP),
        (SendFailure.CONTENT, CONTENT),
    ):
        if code in codes:
            return failure
    return SendFailure.UNAVAILABLE
