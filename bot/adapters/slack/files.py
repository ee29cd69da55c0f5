"""A file shared with the bot in its direct messages, as a neutral InboundFile: the size Slack
reports (in the event, then files.info) is checked before anything is downloaded, and the
download (the file's private URL, with the bot token) stops past the limit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from handlers.types import InboundFile

FILE_SHARE = "file_share"
"""The subtype of a message that shares a file."""
CHUNK = 64 * 1024


def size_of(value: object) -> int | None:
    return int(value) if isinstance(value, int | str) and str(value).isdigit() else None


def shared_file(
    event: dict[str, Any],
    client: AsyncWebClient,
    session: Callable[[], aiohttp.ClientSession | None],
) -> InboundFile | None:
    """The first file a message shares, or None when it shares none."""
    files = event.get("files") if event.get("subtype") == FILE_SHARE else None
    if not isinstance(files, list) or not files or not isinstance(files[0], dict):
        return None
    shared: dict[str, Any] = files[0]
    file_id = str(shared.get("id", ""))
    reported = size_of(shared.get("size"))

    async def fetch(limit: int) -> bytes | None:
        if reported is not None and reported > limit:
            return None
        info = (await client.files_info(file=file_id)).get("file") or {}
        size = size_of(info.get("size"))
        if size is not None and size > limit:
            return None
        url = str(info.get("url_private_download") or info.get("url_private") or "")
        http = session()
        if not url or http is None:
            raise ConnectionError(f"Slack file {file_id} cannot be downloaded")
        headers = {"Authorization": f"Bearer {client.token}"}
        async with http.get(url, headers=headers) as response:
            response.raise_for_status()
            body = bytearray()
            async for chunk in response.content.iter_chunked(CHUNK):
                body += chunk
                if len(body) > limit:
                    return None
        return bytes(body)

    return InboundFile(
        name=str(shared.get("name") or shared.get("title") or "file"),
        size=reported,
        fetch=fetch,
        mime_type=str(shared.get("mimetype") or ""),
    )
