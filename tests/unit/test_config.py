"""A wrong configuration stops start-up with one line naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_config, parse_config
from tests.support import bot_cli

ROOT = Path(__file__).resolve().parents[2]


def test_defaults_need_no_file() -> None:
    config = load_config(None, environ={})
    assert config.database_url == "sqlite:///coalition-bot.db"
    assert config.default_locale == "sl"
    assert config.reminders.event_offsets == (1440, 60)
    assert config.reminders.deadline_offsets == (10080, 1440, 0)


def test_example_config_is_valid_and_complete() -> None:
    config = load_config(str(ROOT / "config.example.toml"), environ={})
    assert config.coalitions, "the example shows at least one coalition"
    assert config.coalitions[0].admins


def test_secrets_come_from_the_environment() -> None:
    config = parse_config(
        {"telegram": {"token": "from-file"}},
        {
            "TELEGRAM_BOT_TOKEN": "123:ENV",
            "SLACK_BOT_TOKEN": "xoxb-env",
            "SLACK_SIGNING_SECRET": "sig",
            "SLACK_APP_TOKEN": "xapp-env",
            "DATABASE_URL": "postgresql://db/bot",
        },
    )
    assert config.telegram.token == "123:ENV"
    assert config.slack.bot_token == "xoxb-env"
    assert config.slack.signing_secret == "sig"
    assert config.slack.app_token == "xapp-env"
    assert config.database_url == "postgresql://db/bot"


def test_config_path_from_environment(tmp_path: Path) -> None:
    file = tmp_path / "bot.toml"
    file.write_text('[bot]\ndefault_locale = "en"\n', encoding="utf-8")
    assert load_config(None, {"COALITION_BOT_CONFIG": str(file)}).default_locale == "en"


@pytest.mark.parametrize(
    ("raw", "named"),
    [
        ({"telegram": {"tokn": "x"}}, "telegram.tokn"),
        ({"databse": {}}, "databse"),
        ({"bot": {"timezone": "Europe/Ljublana"}}, "bot.timezone"),
        ({"reminders": {"event_offsets": ["1 day"]}}, "reminders.event_offsets"),
        ({"reminders": {"event_offsets": "1d"}}, "reminders.event_offsets"),
        ({"reminders": {"digest": "monday 8"}}, "reminders.digest"),
        ({"reminders": {"grace": "soon"}}, "reminders.grace"),
        ({"coalitions": [{"slug": "sasa", "admins": ["@ana"]}]}, "coalitions[0].admins"),
        ({"coalitions": [{"slug": "sasa", "chats": ["-100"]}]}, "coalitions[0].chats"),
        ({"coalitions": [{"slug": "sasa", "timezone": "Mars/Base"}]}, "coalitions[0].timezone"),
        ({"coalitions": [{"slug": "Bad Slug"}]}, "coalitions[0].slug"),
        ({"coalitions": [{"slug": "a", "colour": "red"}]}, "coalitions[0].colour"),
        ({"telegram": {"mode": "push"}}, "telegram.mode"),
        ({"slack": {"port": 70000}}, "slack.port"),
        ({"bot": {"default_locale": "de"}}, "bot.default_locale"),
        ({"bot": {"default_coalition": "nope"}}, "bot.default_coalition"),
        ({"goals": {"review": "quarterly"}}, "goals.review"),
        ({"goals": {"review": "jan,foo mon 09:00"}}, "goals.review"),
        ({"goals": {"review": "quarterly mon 25:00"}}, "goals.review"),
        ({"goals": {"review": True}}, "goals.review"),
        ({"goals": {"verdict": "9h"}}, "goals.verdict"),
        ({"goals": {"nudge": "90 days"}}, "goals.nudge"),
        ({"goals": {"nudge": 0}}, "goals.nudge"),
        ({"goals": {"nudge": True}}, "goals.nudge"),
        ({"goals": {"nuge": 90}}, "goals.nuge"),
    ],
)
def test_wrong_values_name_the_key(raw: dict[str, object], named: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(raw, {})
    assert str(caught.value).startswith(named)
    assert "\n" not in str(caught.value)


def test_the_cli_stops_with_one_clear_line(tmp_path: Path) -> None:
    file = tmp_path / "bad.toml"
    file.write_text('[bot]\ntimezone = "Europe/Ljublana"\n', encoding="utf-8")
    result = bot_cli("--config", str(file), "chat", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "coalition-bot: configuration error: bot.timezone: unknown time zone "
        "'Europe/Ljublana' (e.g. \"Europe/Ljubljana\")"
    ]


def test_a_chat_under_two_coalitions_stops_start_up_naming_both_places() -> None:
    raw = {
        "coalitions": [
            {"slug": "sasa", "chats": ["telegram:-1001"]},
            {"slug": "ljubljana", "chats": ["slack:T1:C1", "telegram:-1001"]},
        ]
    }
    with pytest.raises(ConfigError) as caught:
        parse_config(raw, {})
    message = str(caught.value)
    assert message.startswith("coalitions[1].chats (ljubljana)")
    assert "'telegram:-1001'" in message
    assert "coalitions[0].chats (sasa)" in message


def test_a_slug_twice_stops_start_up_naming_both_places() -> None:
    raw = {"coalitions": [{"slug": "sasa"}, {"slug": "lj"}, {"slug": "sasa"}]}
    with pytest.raises(ConfigError) as caught:
        parse_config(raw, {})
    assert str(caught.value) == "coalitions[2].slug: 'sasa' is already the slug of coalitions[0]"


def test_telegrams_anonymous_admin_id_cannot_be_an_admin() -> None:
    raw = {"coalitions": [{"slug": "sasa", "admins": ["telegram:1087968824"]}]}
    with pytest.raises(ConfigError) as caught:
        parse_config(raw, {})
    assert str(caught.value).startswith("coalitions[0].admins: 'telegram:1087968824'")
    assert "anonymous" in str(caught.value)


def test_the_goals_posts_default_to_quarterly_reviews_a_verdict_and_a_90_day_nudge() -> None:
    goals = load_config(None, environ={}).goals
    assert (goals.review, goals.verdict, goals.nudge) == ("quarterly mon 09:00", "09:00", 90)
    assert goals.review_months == (1, 4, 7, 10)


@pytest.mark.parametrize(
    ("review", "months"),
    [
        ("monthly tue 10:30", tuple(range(1, 13))),
        ("Jan,Jul  mon 08:00", (1, 7)),
        ("sep thu 17:00", (9,)),
    ],
)
def test_a_review_schedule_names_its_months(review: str, months: tuple[int, ...]) -> None:
    assert parse_config({"goals": {"review": review}}, {}).goals.review_months == months


def test_each_goals_post_turns_off_with_false() -> None:
    goals = parse_config({"goals": {"review": False, "verdict": False, "nudge": False}}, {}).goals
    assert (goals.review, goals.verdict, goals.nudge) == (None, None, None)
    assert goals.review_months == ()
    assert parse_config({"goals": {"verdict": True}}, {}).goals.verdict == "09:00"
