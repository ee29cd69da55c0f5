"""Who posted in a channel: Telegram does not say, but the bot can often tell.

Only a channel's admins can post in it. A post carries no sender, only the channel itself
(`sender_chat`) and, when the channel's "Sign messages" setting is on, the admin's name
(`author_signature`). The signer is the post's sender when Telegram names a person, else the
one admin of the channel (getChatAdministrators) whose name or title the post is signed
with; either way getChatMember must confirm that they are an admin now.
"""

from __future__ import annotations

import logging

from telegram import Bot, Message, User
from telegram.constants import ChatMemberStatus
from telegram.error import TelegramError

log = logging.getLogger(__name__)

ADMIN_STATUSES = frozenset({ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER})


async def channel_signer(bot: Bot, message: Message) -> User | None:
    """The channel admin who posted `message`, when the bot can tell; None otherwise."""
    chat, sender = message.chat, message.from_user
    candidate = sender if sender is not None and not sender.is_bot else None
    try:
        if candidate is None and message.author_signature:
            admins = await bot.get_chat_administrators(chat.id)
            named = [
                member.user
                for member in admins
                if not member.user.is_bot
                and message.author_signature
                in (member.user.full_name, getattr(member, "custom_title", None))
            ]
            candidate = named[0] if len(named) == 1 else None
        if candidate is None:
            return None
        member = await bot.get_chat_member(chat.id, candidate.id)
    except TelegramError as error:
        log.info("cannot tell who posted in channel %s: %s", chat.id, error)
        return None
    return member.user if member.status in ADMIN_STATUSES else None
