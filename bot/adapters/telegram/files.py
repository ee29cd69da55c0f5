"""A document sent to the bot, as a neutral InboundFile: its size as Telegram reports it, and
its bytes fetched only when a handler asks (getFile, then the file's download URL)."""

from __future__ import annotations

from telegram import Bot, Document, Message

from handlers.types import InboundFile


def inbound_file(bot: Bot, message: Message) -> InboundFile | None:
    """The message's document, or None when it carries none."""
    document: Document | None = message.document
    if document is None:
        return None

    async def fetch(limit: int) -> bytes | None:
        if document.file_size is not None and document.file_size > limit:
            return None
        found = await bot.get_file(document.file_id)
        if found.file_size is not None and found.file_size > limit:
            return None
        content = bytes(await found.download_as_bytearray())
        return content if len(content) <= limit else None

    return InboundFile(
        name=document.file_name or "file",
        size=document.file_size,
        fetch=fetch,
        mime_type=document.mime_type or "",
    )
