"""Partners' iCalendar feeds read into a coalition's calendar, on a timer."""

from bot.feeds.fetch import FeedError, Fetched, fetch
from bot.feeds.parse import parse_feed
from bot.feeds.poller import FeedPoller

__all__ = ["FeedError", "FeedPoller", "Fetched", "fetch", "parse_feed"]
