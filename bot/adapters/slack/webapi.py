"""The Slack Web API client as the bot uses it: the address, retries and error codes."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

DEFAULT_API_URL = "https://slack.com/api/"
TRANSIENT_ERRORS = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
SERVER_ERRORS = frozenset({500, 502, 503, 504})
"""HTTP statuses of Slack's (or its gateways') passing trouble; 502 and 504 come as HTML pages."""


class ServerErrorRetryHandler(AsyncServerErrorRetryHandler):
    """slack_sdk's handler retries 500 and 503 only; gateways answer 502 and 504 as well."""

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return response is not None and response.status_code in SERVER_ERRORS


def retry_handlers() -> list[AsyncRetryHandler]:
    """429 (honouring Retry-After), connection errors and 5xx, each retried a few times."""
    return [
        AsyncRateLimitErrorRetryHandler(max_retry_count=2),
        AsyncConnectionErrorRetryHandler(max_retry_count=2),
        ServerErrorRetryHandler(max_retry_count=2),
    ]


def api_base(url: str) -> str:
    base = url or DEFAULT_API_URL
    return base if base.endswith("/") else base + "/"


def error_code(error: SlackApiError) -> str:
    return str(error.response.get("error") or f"http_{error.response.status_code}")


def transient(error: SlackApiError) -> bool:
    """Whether trying again later can help: rate limits and Slack's own trouble, not refusals."""
    status = error.response.status_code
    return error_code(error) in TRANSIENT_ERRORS or status == 429 or status in SERVER_ERRORS
