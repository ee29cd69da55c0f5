"""The operator's configuration: a TOML file, environment variables, and strict checks."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from models.services.directory import ANONYMOUS_IDENTITIES, CoalitionSpec

DEFAULT_DATABASE_URL = "sqlite:///coalition-bot.db"
OFFSET = re.compile(r"^(\d{1,4})\s*([mhdw])$")
UNIT_MINUTES = {"m": 1, "h": 60, "d": 1440, "w": 10080}
DURATION = re.compile(r"^(\d{1,6})\s*([smh])$")
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600}
ADMIN_ID = re.compile(
    r"^(telegram:\d{1,20}|slack:[A-Z0-9]{1,20}:[A-Z0-9]{1,20}|console:[\w.-]{1,40})$"
)
CHAT_ID = re.compile(r"^(telegram:-?\d{1,20}|slack:[A-Z0-9]{1,20}:[A-Z0-9]{1,20})$")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
DIGEST = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun) ([01]\d|2[0-3]):([0-5]\d)$")
CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
REVIEW = re.compile(
    r"^(quarterly|monthly|(?:MONTH)(?:,(?:MONTH))*) (mon|tue|wed|thu|fri|sat|sun) "
    r"([01]\d|2[0-3]):([0-5]\d)$".replace("MONTH", "|".join(MONTHS))
)
REVIEW_MONTHS = {"quarterly": (1, 4, 7, 10), "monthly": tuple(range(1, 13))}

SCHEMA: dict[str, set[str]] = {
    "database": {"url"},
    "bot": {"default_locale", "timezone", "default_coalition", "log_level"},
    "telegram": {"token", "base_url", "mode", "webhook_url", "listen", "port", "webhook_secret"},
    "slack": {
        "bot_token",
        "app_token",
        "signing_secret",
        "mode",
        "listen",
        "port",
        "path",
        "public_url",
        "api_url",
    },
    "reminders": {
        "event_offsets",
        "deadline_offsets",
        "deadline_time",
        "digest",
        "grace",
        "lease",
        "sweep",
    },
    "throttle": {"burst", "per_minute"},
    "web": {"enabled", "listen", "port", "public_url", "embed_origins"},
    "feeds": {"interval"},
    "goals": {"review", "verdict", "nudge"},
}
FEED_KEYS = {"url", "organisation", "area", "visibility"}
ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:\d{1,5})?$")
COALITION_KEYS = {
    "slug",
    "name",
    "timezone",
    "default_locale",
    "admins",
    "chats",
    "event_offsets",
    "deadline_offsets",
    "areas",
    "feeds",
}


class ConfigError(Exception):
    """One line naming the key that is wrong."""


@dataclass(frozen=True)
class TelegramConfig:
    token: str = ""
    base_url: str = ""
    mode: str = "polling"
    webhook_url: str = ""
    listen: str = "0.0.0.0"
    port: int = 8443
    webhook_secret: str = ""


@dataclass(frozen=True)
class SlackConfig:
    bot_token: str = ""
    app_token: str = ""
    signing_secret: str = ""
    mode: str = "socket"
    listen: str = "0.0.0.0"
    port: int = 3000
    public_url: str = ""
    path: str = "/slack/events"
    api_url: str = ""


@dataclass(frozen=True)
class RemindersConfig:
    event_offsets: tuple[int, ...] = (1440, 60)
    deadline_offsets: tuple[int, ...] = (10080, 1440, 0)
    deadline_time: str = "09:00"
    digest: str | None = "mon 08:00"
    grace: int = 720
    lease: int = 120
    """Seconds a claimed reminder stays with the process that claimed it, unless renewed."""
    sweep: int = 30
    """Seconds between sweeps for due reminders and claims whose process died."""


@dataclass(frozen=True)
class GoalsConfig:
    """The goals' automatic posts (`[goals]`), each None when turned off."""

    review: str | None = "quarterly mon 09:00"
    """The progress review to the bound chats: the first WEEKDAY of these months at HH:MM."""
    verdict: str | None = "09:00"
    """The year's verdict to the bound chats, on January's first working day at HH:MM."""
    nudge: int | None = 90
    """Days a manual indicator may go without a check-in before coordinators are nudged."""

    @property
    def review_months(self) -> tuple[int, ...]:
        if self.review is None:
            return ()
        months = self.review.split()[0]
        return REVIEW_MONTHS.get(months) or tuple(
            MONTHS.index(month) + 1 for month in months.split(",")
        )


@dataclass(frozen=True)
class ThrottleConfig:
    """Commands one person may send in one chat: `burst` at once, then `per_minute`."""

    burst: int = 8
    """0 turns the limit off."""
    per_minute: int = 20


@dataclass(frozen=True)
class WebConfig:
    """The public events page, calendar feeds, /healthz and /metrics."""

    enabled: bool = True
    listen: str = "127.0.0.1"
    port: int = 8080
    public_url: str = ""
    """The address people reach the server at (behind a proxy: the proxy's), used in links
    and feeds; empty: http://LISTEN:PORT."""
    embed_origins: tuple[str, ...] = ()
    """Sites that may show /<slug>/embed in a frame (CSP frame-ancestors)."""

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.listen}:{self.port}").rstrip("/")


@dataclass(frozen=True)
class FeedConfig:
    """A partner's public iCalendar feed imported into a coalition (`[[coalitions.feeds]]`)."""

    coalition: str
    url: str
    organisation: str | None = None
    area: str | None = None
    public: bool = False


@dataclass(frozen=True)
class Config:
    database_url: str = DEFAULT_DATABASE_URL
    default_locale: str = "sl"
    timezone: str = "Europe/Ljubljana"
    default_coalition: str | None = None
    """The console's coalition (`coalition-bot chat`); private chats on Telegram and Slack
    show only the coalitions the person belongs to."""
    log_level: str = "INFO"
    telegram: TelegramConfig = field(default_factory=TelegramConfig)
    slack: SlackConfig = field(default_factory=SlackConfig)
    reminders: RemindersConfig = field(default_factory=RemindersConfig)
    goals: GoalsConfig = field(default_factory=GoalsConfig)
    throttle: ThrottleConfig = field(default_factory=ThrottleConfig)
    coalitions: tuple[CoalitionSpec, ...] = ()
    web: WebConfig = field(default_factory=WebConfig)
    feeds: tuple[FeedConfig, ...] = ()
    feed_interval: int = 900
    """Seconds between two reads of each partner's feed (`[feeds] interval`)."""


def parse_offset(value: object, key: str) -> int:
    """`"1d"` -> 1440 minutes; `"0d"` is allowed (on the day)."""
    match = OFFSET.match(str(value).strip().lower()) if isinstance(value, str) else None
    if match is None:
        raise ConfigError(f'{key}: {value!r} is not an offset like "1d", "2h" or "30m"')
    return int(match.group(1)) * UNIT_MINUTES[match.group(2)]


def parse_duration(value: object, key: str, *, minimum: int = 1) -> int:
    """`"2m"` -> 120 seconds, `"5s"` -> 5; at least `minimum` seconds."""
    match = DURATION.match(str(value).strip().lower()) if isinstance(value, str) else None
    if match is None:
        raise ConfigError(f'{key}: {value!r} is not a duration like "30s", "2m" or "1h"')
    seconds = int(match.group(1)) * UNIT_SECONDS[match.group(2)]
    if seconds < minimum:
        raise ConfigError(f"{key}: {value!r} is too short; at least {minimum} s")
    return seconds


def _offsets(value: object, key: str) -> tuple[int, ...]:
    if not isinstance(value, list) or not value:
        raise ConfigError(f'{key}: expected a list like ["1d", "1h"]')
    return tuple(sorted({parse_offset(item, key) for item in value}, reverse=True))


def _text(value: object, key: str) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{key}: expected a string")
    return value


def _port(value: object, key: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < 65536:
        raise ConfigError(f"{key}: expected a port number 1-65535")
    return value


def _count(value: object, key: str, *, minimum: int = 0) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not minimum <= value <= 100_000:
        raise ConfigError(f"{key}: expected a whole number from {minimum} to 100000")
    return value


def _zone(value: object, key: str) -> str:
    name = _text(value, key)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f'{key}: unknown time zone {name!r} (e.g. "Europe/Ljubljana")') from None
    return name


def _locale(value: object, key: str) -> str:
    if value not in ("sl", "en"):
        raise ConfigError(f'{key}: expected "sl" or "en"')
    return str(value)


def _choice(value: object, key: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise ConfigError(f"{key}: expected one of {', '.join(choices)}")
    return str(value)


def _check_keys(table: object, allowed: set[str], prefix: str) -> dict[str, Any]:
    if not isinstance(table, dict):
        raise ConfigError(f"{prefix}: expected a table")
    for key in table:
        if key not in allowed:
            raise ConfigError(f"{prefix}.{key}: unknown key" if prefix else f"{key}: unknown key")
    return table


def _coalition(raw: object, index: int) -> CoalitionSpec:
    prefix = f"coalitions[{index}]"
    table = _check_keys(raw, COALITION_KEYS, prefix)
    slug = _text(table.get("slug"), f"{prefix}.slug")
    if not SLUG.match(slug):
        raise ConfigError(f"{prefix}.slug: use lower-case letters, digits and dashes")
    admins = table.get("admins", [])
    chats = table.get("chats", [])
    for kind, values, pattern, example in (
        ("admins", admins, ADMIN_ID, "telegram:123456 or slack:T012AB:U034CD"),
        ("chats", chats, CHAT_ID, "telegram:-1001234 or slack:T012AB:C056EF"),
    ):
        if not isinstance(values, list):
            raise ConfigError(f"{prefix}.{kind}: expected a list")
        for value in values:
            if not isinstance(value, str) or not pattern.match(value):
                raise ConfigError(f"{prefix}.{kind}: {value!r} is not like {example}")
            if kind == "admins" and value in ANONYMOUS_IDENTITIES:
                raise ConfigError(
                    f"{prefix}.admins: {value!r} is Telegram's stand-in for anonymous group "
                    "admins, not a person; list the admin's own user id"
                )
    areas = _check_keys(table.get("areas", {}), set(table.get("areas", {})), f"{prefix}.areas")
    return CoalitionSpec(
        slug=slug,
        name=_text(table.get("name", slug), f"{prefix}.name"),
        timezone=_zone(table.get("timezone", "Europe/Ljubljana"), f"{prefix}.timezone"),
        default_locale=_locale(table.get("default_locale", "sl"), f"{prefix}.default_locale"),
        admins=tuple(admins),
        chats=tuple(chats),
        event_offsets=_offsets(table["event_offsets"], f"{prefix}.event_offsets")
        if "event_offsets" in table
        else None,
        deadline_offsets=_offsets(table["deadline_offsets"], f"{prefix}.deadline_offsets")
        if "deadline_offsets" in table
        else None,
        areas={str(k): _text(v, f"{prefix}.areas.{k}") for k, v in areas.items()},
    )


def _bool(value: object, key: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{key}: expected true or false")
    return value


def _url(value: object, key: str) -> str:
    url = _text(value, key).strip()
    if url and not re.match(r"^https?://[^\s/]+", url):
        raise ConfigError(f"{key}: expected an http:// or https:// address")
    return url


def _feeds(raw: list[object]) -> tuple[FeedConfig, ...]:
    feeds: list[FeedConfig] = []
    for index, item in enumerate(raw):
        coalition = item if isinstance(item, dict) else {}
        slug = str(coalition.get("slug", ""))
        entries = coalition.get("feeds", [])
        if not isinstance(entries, list):
            raise ConfigError(f"coalitions[{index}].feeds: expected [[coalitions.feeds]] tables")
        for number, entry in enumerate(entries):
            prefix = f"coalitions[{index}].feeds[{number}]"
            table = _check_keys(entry, FEED_KEYS, prefix)
            url = _url(table.get("url", ""), f"{prefix}.url")
            if not url:
                raise ConfigError(f"{prefix}.url: the feed's address is missing")
            visibility = _choice(
                table.get("visibility", "internal"), f"{prefix}.visibility", ("internal", "public")
            )
            feeds.append(
                FeedConfig(
                    coalition=slug,
                    url=url,
                    organisation=_text(table.get("organisation", ""), f"{prefix}.organisation")
                    or None,
                    area=_text(table.get("area", ""), f"{prefix}.area") or None,
                    public=visibility == "public",
                )
            )
    return tuple(feeds)


def _web(table: dict[str, Any]) -> WebConfig:
    origins = table.get("embed_origins", [])
    if not isinstance(origins, list) or not all(
        isinstance(o, str) and ORIGIN.match(o) for o in origins
    ):
        raise ConfigError('web.embed_origins: expected a list like ["https://www.example.org"]')
    return WebConfig(
        enabled=_bool(table.get("enabled", True), "web.enabled"),
        listen=_text(table.get("listen", "127.0.0.1"), "web.listen"),
        port=_port(table.get("port", 8080), "web.port"),
        public_url=_url(table.get("public_url", ""), "web.public_url"),
        embed_origins=tuple(origins),
    )


def _goals(table: dict[str, Any]) -> GoalsConfig:
    review = table.get("review", GoalsConfig.review)
    if review is not False and (
        not isinstance(review, str) or not REVIEW.match(" ".join(review.lower().split()))
    ):
        raise ConfigError(
            'goals.review: expected like "quarterly mon 09:00", "monthly mon 09:00" or '
            '"jan,jul mon 09:00", or false to turn it off'
        )
    verdict = table.get("verdict", GoalsConfig.verdict)
    if verdict is True:
        verdict = GoalsConfig.verdict
    if verdict is not False and (not isinstance(verdict, str) or not CLOCK.match(verdict)):
        raise ConfigError('goals.verdict: expected a time like "09:00", or false to turn it off')
    nudge = table.get("nudge", GoalsConfig.nudge)
    if nudge is not False and (
        not isinstance(nudge, int) or isinstance(nudge, bool) or not 1 <= nudge <= 3650
    ):
        raise ConfigError(
            "goals.nudge: expected the days without a check-in, from 1 to 3650 (e.g. 90), "
            "or false to turn it off"
        )
    return GoalsConfig(
        review=" ".join(review.lower().split()) if isinstance(review, str) else None,
        verdict=verdict if isinstance(verdict, str) else None,
        nudge=nudge if not isinstance(nudge, bool) else None,
    )


def _check_unique(coalitions: tuple[CoalitionSpec, ...]) -> None:
    """A slug names one coalition, and a chat belongs to one: else both places are named."""
    slugs: dict[str, int] = {}
    chats: dict[str, str] = {}
    for index, spec in enumerate(coalitions):
        if spec.slug in slugs:
            raise ConfigError(
                f"coalitions[{index}].slug: {spec.slug!r} is already the slug of "
                f"coalitions[{slugs[spec.slug]}]"
            )
        slugs[spec.slug] = index
        for chat in spec.chats:
            place = f"coalitions[{index}].chats ({spec.slug})"
            if chat in chats:
                raise ConfigError(
                    f"{place}: {chat!r} is listed under {chats[chat]} too; "
                    "a chat belongs to one coalition"
                )
            chats[chat] = place


def parse_config(raw: dict[str, Any], environ: dict[str, str] | None = None) -> Config:
    """A Config from parsed TOML and the environment; ConfigError names the first bad key."""
    env = dict(os.environ if environ is None else environ)
    _check_keys(raw, set(SCHEMA) | {"coalitions"}, "")
    tables = {name: _check_keys(raw.get(name, {}), keys, name) for name, keys in SCHEMA.items()}
    bot, tg, sl, rem = tables["bot"], tables["telegram"], tables["slack"], tables["reminders"]
    throttle = tables["throttle"]
    coalitions_raw = raw.get("coalitions", [])
    if not isinstance(coalitions_raw, list):
        raise ConfigError("coalitions: expected [[coalitions]] tables")
    coalitions = tuple(_coalition(item, i) for i, item in enumerate(coalitions_raw))
    _check_unique(coalitions)
    slugs = [c.slug for c in coalitions]
    default_coalition = bot.get("default_coalition")
    if default_coalition is not None and default_coalition not in slugs:
        raise ConfigError(
            f"bot.default_coalition: {default_coalition!r} is not a configured coalition"
        )
    digest = rem.get("digest", "mon 08:00")
    if digest is not False and (not isinstance(digest, str) or not DIGEST.match(digest.lower())):
        raise ConfigError('reminders.digest: expected like "mon 08:00", or false to turn it off')
    deadline_time = _text(rem.get("deadline_time", "09:00"), "reminders.deadline_time")
    if not CLOCK.match(deadline_time):
        raise ConfigError('reminders.deadline_time: expected a time like "09:00"')
    if tg.get("mode") == "webhook" and not (tg.get("webhook_url") and tg.get("webhook_secret")):
        raise ConfigError(
            "telegram.webhook_secret: webhook mode needs both webhook_url and webhook_secret"
        )
    if (
        sl.get("mode") == "http"
        and not (sl.get("signing_secret") or env.get("SLACK_SIGNING_SECRET"))
        and (sl.get("bot_token") or env.get("SLACK_BOT_TOKEN"))
    ):
        raise ConfigError("slack.signing_secret: HTTP mode needs the app's signing secret")
    return Config(
        database_url=env.get("DATABASE_URL")
        or _text(tables["database"].get("url", DEFAULT_DATABASE_URL), "database.url"),
        default_locale=_locale(bot.get("default_locale", "sl"), "bot.default_locale"),
        timezone=_zone(bot.get("timezone", "Europe/Ljubljana"), "bot.timezone"),
        default_coalition=default_coalition,
        log_level=_choice(
            bot.get("log_level", "INFO"), "bot.log_level", ("DEBUG", "INFO", "WARNING", "ERROR")
        ),
        telegram=TelegramConfig(
            token=env.get("TELEGRAM_BOT_TOKEN") or _text(tg.get("token", ""), "telegram.token"),
            base_url=_text(tg.get("base_url", ""), "telegram.base_url"),
            mode=_choice(tg.get("mode", "polling"), "telegram.mode", ("polling", "webhook")),
            webhook_url=_text(tg.get("webhook_url", ""), "telegram.webhook_url"),
            listen=_text(tg.get("listen", "0.0.0.0"), "telegram.listen"),
            port=_port(tg.get("port", 8443), "telegram.port"),
            webhook_secret=_text(tg.get("webhook_secret", ""), "telegram.webhook_secret"),
        ),
        slack=SlackConfig(
            bot_token=env.get("SLACK_BOT_TOKEN")
            or _text(sl.get("bot_token", ""), "slack.bot_token"),
            app_token=env.get("SLACK_APP_TOKEN")
            or _text(sl.get("app_token", ""), "slack.app_token"),
            signing_secret=env.get("SLACK_SIGNING_SECRET")
            or _text(sl.get("signing_secret", ""), "slack.signing_secret"),
            mode=_choice(sl.get("mode", "socket"), "slack.mode", ("socket", "http")),
            listen=_text(sl.get("listen", "0.0.0.0"), "slack.listen"),
            port=_port(sl.get("port", 3000), "slack.port"),
            public_url=_text(sl.get("public_url", ""), "slack.public_url"),
            path=_text(sl.get("path", "/slack/events"), "slack.path"),
            api_url=_text(sl.get("api_url", ""), "slack.api_url"),
        ),
        reminders=RemindersConfig(
            event_offsets=_offsets(
                rem.get("event_offsets", ["1d", "1h"]), "reminders.event_offsets"
            ),
            deadline_offsets=_offsets(
                rem.get("deadline_offsets", ["7d", "1d", "0d"]), "reminders.deadline_offsets"
            ),
            deadline_time=deadline_time,
            digest=digest.lower() if isinstance(digest, str) else None,
            grace=parse_offset(rem.get("grace", "12h"), "reminders.grace"),
            lease=parse_duration(rem.get("lease", "2m"), "reminders.lease", minimum=3),
            sweep=parse_duration(rem.get("sweep", "30s"), "reminders.sweep"),
        ),
        goals=_goals(tables["goals"]),
        throttle=ThrottleConfig(
            burst=_count(throttle.get("burst", ThrottleConfig.burst), "throttle.burst"),
            per_minute=_count(
                throttle.get("per_minute", ThrottleConfig.per_minute),
                "throttle.per_minute",
                minimum=1,
            ),
        ),
        coalitions=coalitions,
        web=_web(tables["web"]),
        feeds=_feeds(coalitions_raw),
        feed_interval=parse_duration(
            tables["feeds"].get("interval", "15m"), "feeds.interval", minimum=10
        ),
    )


def load_config(path: str | None, environ: dict[str, str] | None = None) -> Config:
    """The configuration from PATH, else $COALITION_BOT_CONFIG, else defaults plus environment."""
    env = dict(os.environ if environ is None else environ)
    chosen = path or env.get("COALITION_BOT_CONFIG")
    if not chosen:
        return parse_config({}, env)
    file = Path(chosen)
    try:
        raw = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{chosen}: no such configuration file") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{chosen}: not valid TOML ({error})") from None
    return parse_config(raw, env)
