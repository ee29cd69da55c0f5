"""A clean stop of long polling: python-telegram-bot's last getUpdates, said in one line.

When polling stops, python-telegram-bot calls getUpdates once more, to confirm to Telegram the
updates already handled. If that call fails (a slow network, Telegram slow to answer), it logs
an ERROR with a traceback, and stops anyway. Here that becomes one WARNING line naming what
it means: the last updates may come again after a restart.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

log = logging.getLogger(__name__)

UPDATER_LOG = "telegram.ext.Updater"
CONFIRMATION_FAILED = "Error while calling `get_updates` one more time"


class ConfirmationFailure(logging.Filter):
    """Turns python-telegram-bot's failed confirmation of the last updates into a warning."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.getMessage().startswith(CONFIRMATION_FAILED):
            return True
        error = record.exc_info[1] if record.exc_info else None
        log.warning(
            "Telegram did not confirm the last updates at the stop (%s); "
            "they may come again after the restart",
            error or "no answer",
        )
        return False


@contextlib.contextmanager
def confirmation_failure_as_warning() -> Iterator[None]:
    """While stopping the updater, its failed last getUpdates is a warning, not an ERROR."""
    logger = logging.getLogger(UPDATER_LOG)
    quiet = ConfirmationFailure()
    logger.addFilter(quiet)
    try:
        yield
    finally:
        logger.removeFilter(quiet)
