"""One bounded, conditional GET of a partner's feed: a hostile server costs at most
MAX_BYTES of memory and TIMEOUT seconds."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import aiohttp

MAX_BYTES = 5 * 1024 * 1024
TIMEOUT = 10.0
MAX_REDIRECTS = 5


class FeedError(Exception):
    """The feed could not be read; the message says why, for /status."""


@dataclass(frozen=True)
class Fetched:
    body: bytes | None
    """None: unchanged since the ETag or date given (304)."""
    etag: str | None
    last_modified: str | None


async def fetch(
    session: aiohttp.ClientSession,
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int = MAX_BYTES,
    seconds: float = TIMEOUT,
) -> Fetched:
    headers = {"Accept": "text/calendar, */*;q=0.5", "User-Agent": "coalition-bot"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        async with asyncio.timeout(seconds):
            async with session.get(
                url, headers=headers, max_redirects=MAX_REDIRECTS, allow_redirects=True
            ) as response:
                if response.status == 304:
                    return Fetched(None, etag, last_modified)
                if response.status != 200:
                    raise FeedError(f"HTTP {response.status}")
                if (response.content_length or 0) > max_bytes:
                    raise FeedError(f"larger than {max_bytes // (1024 * 1024)} MiB")
                body = bytearray()
                async for chunk in response.content.iter_chunked(65536):
                    body += chunk
                    if len(body) > max_bytes:
                        raise FeedError(f"larger than {max_bytes // (1024 * 1024)} MiB")
                return Fetched(
                    bytes(body), response.headers.get("ETag"), response.headers.get("Last-Modified")
                )
    except TimeoutError:
        raise FeedError(f"no complete answer within {seconds:g} s") from None
    except aiohttp.TooManyRedirects:
        raise FeedError("too many redirects") from None
    except aiohttp.ClientError as error:
        raise FeedError(f"{type(error).__name__}: {error}"[:300]) from None
