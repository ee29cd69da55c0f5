"""The HTTP client under python-telegram-bot's Bot: aiohttp instead of its default httpx.

Every Bot API call is one HTTP request, and for a fan-out of reminders the client is most
of the bot's work: httpx (through httpcore's connection pool, which inspects every pooled
connection on each request) costs several times what aiohttp costs per request, and the
Slack adapter already runs on aiohttp. Timeouts, errors and proxies behave as with
`HTTPXRequest`: a timeout raises `TimedOut`, any other transport failure `NetworkError`,
and a proxy set in the environment (`HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY`) is used.
"""

from __future__ import annotations

import json
import urllib.request
from urllib.parse import urlsplit

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

JSON = {"Content-Type": "application/json"}


def environment_proxy(url: str) -> str | None:
    """The proxy the environment names for this URL, if any."""
    parts = urlsplit(url)
    if parts.hostname and urllib.request.proxy_bypass(parts.hostname):
        return None
    proxies = urllib.request.getproxies_environment()
    return proxies.get(parts.scheme) or proxies.get("all")


def chosen(value: object, default: float | None) -> float | None:
    """A timeout given to one call (a number, or None for none), else the default."""
    return value if value is None or isinstance(value, int | float) else default


class AiohttpRequest(BaseRequest):
    """A `telegram.request.BaseRequest` over one `aiohttp.ClientSession`.

    The arguments mean what they mean for `HTTPXRequest`, with its defaults. aiohttp has no
    timeout for writing a request; a `write_timeout` given to a call is not used.
    """

    def __init__(
        self,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[str, str | None] = {}
        self._timeouts: dict[tuple[float | None, ...], aiohttp.ClientTimeout] = {}

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            # no cookies and no per-request look-ups of netrc and proxy settings: the proxy is
            # read from the environment once per host, below
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                cookie_jar=aiohttp.DummyCookieJar(),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        read = chosen(read_timeout, self._read_timeout)
        connect = chosen(connect_timeout, self._connect_timeout)
        pool = chosen(pool_timeout, self._pool_timeout)
        timeout = self._timeouts.get((read, connect, pool))
        if timeout is None:
            timeout = self._timeouts[read, connect, pool] = aiohttp.ClientTimeout(
                connect=None if connect is None or pool is None else connect + pool,
                sock_connect=connect,
                sock_read=read,
            )
        data: aiohttp.FormData | bytes | None = None
        headers = None
        if request_data is not None:
            if request_data.contains_files:
                form = aiohttp.FormData()
                for name, value in request_data.json_parameters.items():
                    form.add_field(name, value)
                for name, (filename, content, mimetype) in request_data.multipart_data.items():
                    form.add_field(name, content, filename=filename, content_type=mimetype)
                data = form
            else:
                # JSON, which the Bot API takes as well: encoding a long text as a form quotes
                # it byte by byte, several times the cost of json.dumps
                data = json.dumps(request_data.parameters, ensure_ascii=False).encode()
                headers = JSON
        scheme, _, host, *_ = url.split("/", 3)
        origin = f"{scheme}//{host}"
        if origin not in self._proxies:
            self._proxies[origin] = environment_proxy(url)
        try:
            async with session.request(
                method,
                url,
                data=data,
                headers=headers,
                timeout=timeout,
                proxy=self._proxies[origin],
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error
