"""Every command as a Slack slash command, in English and Slovenian, plus mentions and DMs."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from bot.app import App
from handlers.commands import COMMANDS
from handlers.i18n import Translator
from models.entities import Role
from tests.adapters.slack.conftest import ADMIN, COORDINATOR, MEMBER
from tests.adapters.slack.fake_web_api import TEAM
from tests.adapters.slack.harness import Slack

Expect = Callable[[Translator, dict[str, str]], str]


@dataclass(frozen=True)
class Step:
    name: str
    en: str  # arguments typed after the English name
    sl: str  # arguments typed after the Slovenian name
    expect: Expect  # what the reader sees, in their language
    shared: bool  # in the channel for everyone, or only for the asking person
    direct: bool = False  # typed in the direct message with the bot
    saves: str = ""  # remember the new record's number under this name
    file: bool = False  # answered with a file shared in the conversation (its comment is read)


def plural(singular: str, plural: str) -> Expect:
    """A list title whose count follows the language's plural rules (1 dogodek, 5 dogodkov)."""
    return lambda t, v: t.ngettext(singular, plural, int(v["count"])) % {"count": int(v["count"])}


def text(message: str, **keys: str) -> Expect:
    """`message` translated and filled with remembered values (`id="event"`)."""
    return lambda t, v: (
        t.gettext(message)
        % {name: int(v[key]) if v[key].isdigit() else v[key] for name, key in keys.items()}
    )


EN_TITLE = "Slack & co <workshop>"
SL_TITLE = "Slack & co <delavnica>"


def as_slack_sends(typed: str) -> str:
    """Slack sends typed &, < and > as entities (its own markup, like <@U1>, stays)."""
    return typed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


STEPS = (
    Step(
        "bind",
        "sasa",
        "sasa",
        text("This chat is now bound to the coalition — %(name)s. Try /events.", name="coalition"),
        True,
    ),
    Step(
        "language",
        "en",
        "sl",
        lambda t, v: t.gettext(
            "I'll answer in English in this chat from now on."
            if t.locale == "en"
            else "I'll answer in Slovenian in this chat from now on."
        ),
        True,
    ),
    Step("start", "", "", text("What I can do for you"), False),
    Step("help", "", "", text("What I can do for you"), False),
    Step("events", "", "", plural("%(count)d upcoming event", "%(count)d upcoming events"), True),
    Step("event", "1", "1", lambda t, v: t.gettext("When") + ":", True),
    Step("activities", "", "", plural("%(count)d activity", "%(count)d activities"), True),
    Step(
        "deadlines",
        "",
        "",
        plural("%(count)d upcoming deadline", "%(count)d upcoming deadlines"),
        True,
    ),
    Step(
        "contacts", "zbornica", "zbornica", plural("%(count)d contact", "%(count)d contacts"), True
    ),
    Step("areas", "", "", plural("%(count)d project area", "%(count)d project areas"), True),
    Step("goals", "", "", lambda t, v: t.gettext("in progress"), True),
    Step("goal", "1", "1", lambda t, v: t.gettext("The goal is in progress."), True),
    Step("report", "", "", lambda t, v: t.gettext("in progress"), True, file=True),
    Step(
        "addgoal",
        "Slack goal",
        "Cilj",
        lambda t, v: t.gettext("Goal #%(id)d added.") % {"id": int(v["new"])},
        True,
        saves="goal",
    ),
    Step(
        "addindicator",
        "{goal} | Partners | 2 | yearly",
        "{goal} | Partnerji | 2 | letno",
        lambda t, v: t.gettext("Indicator #%(id)d added.") % {"id": int(v["new"])},
        True,
        saves="indicator",
    ),
    Step(
        "editindicator",
        "{indicator} title=Slack partners",
        "{indicator} naslov=Partnerji v Slacku",
        text("Indicator #%(id)d changed.", id="indicator"),
        True,
    ),
    Step(
        "record",
        "{indicator} 1",
        "{indicator} 1",
        text("Recorded for indicator #%(id)d.", id="indicator"),
        True,
    ),
    Step(
        "link",
        "ljubljana horizontal",
        "ljubljana horizontalna",
        lambda t, v: t.gettext("Asked %(name)s to link; their admins accept or decline.").split(
            "%(name)s"
        )[0],
        True,
    ),
    Step("network", "", "", text("The coalition's network"), True),
    Step(
        "unlink",
        "ljubljana",
        "ljubljana",
        lambda t, v: t.gettext("The link with %(slug)s has ended.") % {"slug": "ljubljana"},
        True,
    ),
    Step(
        "addevent",
        f"{as_slack_sends(EN_TITLE)} | 15.3.2027 10:00 | Velenje | pametno-mesto",
        f"{as_slack_sends(SL_TITLE)} | 15. 3. 2027 ob 10h | Velenje | pametno-mesto",
        lambda t, v: t.gettext("Event #%(id)d added.") % {"id": int(v["new"])},
        True,
        saves="event",
    ),
    Step(
        "editevent",
        "{event} where=Celje",
        "{event} kje=Celje",
        text("Event #%(id)d changed.", id="event"),
        True,
    ),
    Step(
        "rsvp",
        "{event} yes +1",
        "{event} da +1",
        lambda t, v: t.gettext("Going: %(count)d") % {"count": 1},
        True,
    ),
    Step("mine", "", "", text("Your answers"), False),
    Step(
        "attendees",
        "{event}",
        "{event}",
        lambda t, v: t.gettext("Going: %(count)d") % {"count": 1},
        False,
    ),
    Step(
        "cancelevent",
        "{event}",
        "{event}",
        text("Event #%(id)d cancelled: %(title)s", id="event", title="title"),
        True,
    ),
    Step(
        "addactivity",
        "Slack plan | 15.3.2027",
        "Načrt | 15. 3. 2027",
        lambda t, v: t.gettext("Activity #%(id)d added.") % {"id": int(v["new"])},
        True,
        saves="activity",
    ),
    Step(
        "activity",
        "{activity} done",
        "{activity} zaključena",
        lambda t, v: (
            t.gettext("Activity #%(id)d is now %(status)s.")
            % {"id": int(v["activity"]), "status": t.gettext("done")}
        ),
        True,
    ),
    Step(
        "editactivity",
        "{activity} notes=Slack",
        "{activity} opombe=Slack",
        text("Activity #%(id)d changed.", id="activity"),
        True,
    ),
    Step(
        "addcontact",
        "Ana Novak | SAŠA inkubator | mentor | <mailto:ana@example.org|ana@example.org>",
        "Ana Novak | SAŠA inkubator | mentorica | <mailto:ana@example.org|ana@example.org>",
        lambda t, v: t.gettext("Contact #%(id)d added.") % {"id": int(v["new"])},
        True,
    ),
    Step(
        "deletecontact",
        "{new}",
        "{new}",
        lambda t, v: (
            t.gettext("Contact #%(id)d deleted: %(name)s.")
            % {"id": int(v["new"]), "name": "Ana Novak"}
        ),
        True,
    ),
    Step(
        "role",
        "<@U3|cene> coordinator",
        "<@U3|cene> koordinator",
        lambda t, v: (
            t.gettext("%(who)s now has the role “%(role)s” — %(coalition)s")
            % {
                "who": f"slack:{TEAM}:U3",
                "role": t.gettext("coordinator"),
                "coalition": v["coalition"],
            }
        ),
        True,
    ),
    Step(
        "coalition",
        "sasa",
        "sasa",
        text("From now on I answer you about %(name)s. Try /events.", name="coalition"),
        False,
        direct=True,
    ),
    Step(
        "subscribe",
        "",
        "",
        text("You will get the coalition's reminders here — %(coalition)s", coalition="coalition"),
        False,
        direct=True,
    ),
    Step(
        "calendar",
        "",
        "",
        text("Your calendar link — %(coalition)s", coalition="coalition"),
        False,
        direct=True,
    ),
    Step(
        "unsubscribe", "", "", text("You will get no more personal reminders."), False, direct=True
    ),
    Step(
        "export",
        "activities csv",
        "aktivnosti csv",
        lambda t, v: t.gettext("The same columns are read back by an import."),
        False,
        direct=True,
        file=True,
    ),
    Step(
        "mydata",
        "",
        "",
        text(
            "Everything I store about you: roles, language, subscriptions, answers to events, "
            "changes you made, contact records that name you."
        ),
        False,
        direct=True,
        file=True,
    ),
    Step("forgetme", "", "", text("Erase everything I store about you?"), False, direct=True),
    Step(
        "import",
        "",
        "",
        text(
            "Send me the spreadsheet (CSV or XLSX) here as a file; in its caption, say what the "
            "rows are: events, activities, contacts or goals."
        ),
        False,
        direct=True,
    ),
    Step(
        "status",
        "",
        "",
        text("Reminders, last 7 days — %(coalition)s", coalition="coalition"),
        False,
    ),
)


SLASH = {spec.name: spec.slack_slash for spec in COMMANDS}


def test_the_steps_cover_every_command() -> None:
    assert sorted(step.name for step in STEPS) == sorted(spec.name for spec in COMMANDS)


@pytest.mark.parametrize(
    ("locale", "user", "slack_locale", "channel", "dm"),
    [("en", ADMIN, "en-US", "C1", "D1"), ("sl", "U4", "sl-SI", "C2", "D4")],
)
async def test_every_command_by_its_name_in_each_language(
    slack: Slack, app: App, locale: str, user: str, slack_locale: str, channel: str, dm: str
) -> None:
    """An admin whose Slack speaks `locale` types each command by its name in that language."""
    slack.api.add_user(user, slack_locale)
    await app.services.directory.ensure_role("sasa", f"slack:{TEAM}:{user}", Role.ADMIN)
    coalition = next(c for c in await app.services.directory.coalitions() if c.slug == "sasa")
    t, english = app.translators[locale], app.translators["en"]
    names = {spec.name: spec.alias if locale == "sl" else spec.name for spec in COMMANDS}
    values = {"coalition": coalition.name, "title": EN_TITLE if locale == "en" else SL_TITLE}
    for step in STEPS:
        # a channel just bound speaks its coalition's language (sl) until /language changes it
        t = app.translators["sl" if step.name == "bind" else locale]
        args = (step.sl if locale == "sl" else step.en).format(**values)
        if step.file:
            place = dm if step.direct else channel
            if SLASH[step.name]:
                shared = await slack.share(f"/{names[step.name]}", args, user=user, channel=place)
            else:  # not a slash command: written to the bot directly
                shared = await slack.share_direct(
                    f"{names[step.name]} {args}", user=user, channel=place
                )
            expected = step.expect(t, values)
            assert expected in shared.comment, (step.name, expected, shared.comment)
            assert shared.channel == place
            continue
        if SLASH[step.name]:
            said = await slack.ask(
                f"/{names[step.name]}", args, user=user, channel=dm if step.direct else channel
            )
        elif step.direct:  # not a slash command on Slack (it takes 50): written to the bot
            said = await slack.direct(f"{names[step.name]} {args}", user=user, channel=dm)
        else:  # not a slash command on Slack: the bot is mentioned instead
            said = await slack.mention(f"{names[step.name]} {args}", user=user, channel=channel)
        shown = said.readable
        assert ":warning:" not in said.shown, (step.name, shown)
        first = shown.splitlines()[0]
        values["count"] = (re.findall(r"\d+", first) or ["0"])[0]
        values["new"] = (re.findall(r"#(\d+)", shown) or ["0"])[0]
        if step.saves:
            values[step.saves] = values["new"]
        expected = step.expect(t, values)
        assert expected in shown, (step.name, expected, shown)
        if locale == "sl":
            assert expected != step.expect(english, values), f"{step.name}: not translated"
        if step.direct and not SLASH[step.name]:  # answered in the direct message itself
            assert said.channel == dm, (step.name, said.channel)
        else:
            assert said.private is not step.shared, (step.name, said.body.get("response_type"))
        assert not slack.api.rejected


async def test_a_mention_in_a_bound_channel_answers_there_for_everyone(bound: Slack) -> None:
    said = await bound.mention("events week", user=COORDINATOR)
    assert said.kind == "message"
    assert said.channel == "C1"
    assert "prihajajoč" in said.readable, "U2's Slack speaks Slovenian"
    assert "eAlijansa" in said.readable


async def test_a_mention_in_a_thread_answers_in_the_thread(bound: Slack) -> None:
    before = len(bound.api.said)
    await bound.event(
        {
            "type": "app_mention",
            "user": ADMIN,
            "text": "<@UBOT> deadlines",
            "channel": "C1",
            "ts": "1800000000.000200",
            "thread_ts": "1800000000.000100",
        }
    )
    said = await bound.said_after(before)
    assert said.body["thread_ts"] == "1800000000.000100"
    assert "prihajajočih rokov" in said.readable, "the channel speaks its coalition's language"


async def test_a_refusal_after_a_mention_is_shown_only_to_the_asker(bound: Slack, app: App) -> None:
    before = await app.services.events.upcoming("sasa")
    said = await bound.mention("addevent Sestanek | jutri ob 10h", user=MEMBER)
    assert said.kind == "ephemeral"
    assert said.user == MEMBER
    assert said.channel == "C1"
    t = app.translators["sl"]  # U3's Slack speaks German: the coalition's Slovenian
    assert (
        t.gettext("Only coordinators and admins may change the coalition's data.") in said.readable
    )
    assert (await app.services.events.upcoming("sasa")).total == before.total


async def test_a_members_addevent_is_refused_and_stores_nothing(bound: Slack, app: App) -> None:
    before = await app.services.events.upcoming("sasa")
    said = await bound.ask("/addevent", "Sestanek | jutri ob 10h | Velenje", user=MEMBER)
    assert said.private
    assert ":warning:" in said.shown
    assert "Podatke koalicije lahko spreminjajo le koordinatorji in skrbniki." in said.readable
    assert (await app.services.events.upcoming("sasa")).total == before.total


async def test_a_direct_message_is_answered_in_the_direct_message(slack: Slack) -> None:
    said = await slack.direct("dogodki", user=COORDINATOR, channel="D2")
    assert said.kind == "message"
    assert said.channel == "D2"
    assert "prihajajočih dogodkov" in said.readable
    said = await slack.direct("<@UBOT> events", user=ADMIN, channel="D1")
    assert said.channel == "D1"
    assert "upcoming events" in said.readable


async def test_edits_bot_messages_and_other_subtypes_are_not_commands(slack: Slack) -> None:
    for event in (
        {"type": "message", "channel_type": "im", "subtype": "message_changed", "channel": "D1"},
        {"type": "message", "channel_type": "im", "bot_id": "B9", "user": "U9", "text": "help"},
        {"type": "message", "channel_type": "channel", "user": ADMIN, "text": "help"},
    ):
        answer = await slack.event({"channel": "D1", **event})
        assert answer.status == 200
    said = await slack.direct("help", user=ADMIN)
    assert len(slack.api.said) == 1, [s.readable for s in slack.api.said]
    assert "What I can do for you" in said.readable


async def test_the_language_choice_order_person_chat_slack_coalition(bound: Slack) -> None:
    """In a channel: its own language, else the coalition's. In a direct message: the
    person's choice, then the Slack locale, then the coalition's."""
    assert "upcoming events" in (await bound.ask("/events", user=ADMIN, channel="D1")).readable
    assert "prihajajočih" in (await bound.ask("/events", user=ADMIN)).readable  # en-US, in C1
    assert "prihajajočih" in (await bound.ask("/events", user=MEMBER, channel="D3")).readable
    await bound.ask("/jezik", "sl", user=ADMIN, channel="D1")  # Ana's own choice
    assert "prihajajočih" in (await bound.ask("/events", user=ADMIN, channel="D1")).readable
    await bound.ask("/language", "en", user=COORDINATOR)  # the channel's language
    for person in (ADMIN, COORDINATOR, MEMBER):
        assert "upcoming events" in (await bound.ask("/events", user=person)).readable
    help_here = await bound.ask("/pomoc", user=ADMIN)
    assert help_here.readable.startswith("What I can do for you"), help_here.readable
    help_alone = await bound.ask("/help", user=ADMIN, channel="D1")
    assert help_alone.readable.startswith("Kaj lahko storim za vas"), help_alone.readable


async def test_the_slack_locale_is_looked_up_once_per_person(bound: Slack) -> None:
    for _ in range(3):
        await bound.ask("/events", user=COORDINATOR)
    asked = [c["user"] for c in bound.api.calls("users.info")]
    assert asked.count(COORDINATOR) == 1
    assert all(
        c.get("include_locale") in ("true", True, "1") for c in bound.api.calls("users.info")
    )


async def test_an_unknown_word_in_a_direct_message_gets_a_hint(slack: Slack) -> None:
    said = await slack.direct("dogotki", user=COORDINATOR, channel="D2")
    assert ":warning:" in said.shown
    assert "/dogodki" in said.readable


async def test_a_quick_answer_rides_in_the_acknowledgement(bound: Slack) -> None:
    """One request instead of two: the answer is the ack, and response_url stays unused."""
    before = len(bound.api.said)
    answer, key = await bound.slash("/events")
    assert answer.status == 200
    assert answer.payload is not None
    assert answer.payload["response_type"] == "in_channel"
    assert answer.payload["blocks"]
    assert "SAŠA" in answer.payload["text"]
    assert [s.channel for s in bound.api.said[before:]] == [key]
    assert not [r for r in bound.api.requests if r[0] == "response_url"]
    refused, _key = await bound.slash("/addevent", "Sestanek | jutri ob 10h", user=MEMBER)
    assert refused.payload is not None
    assert refused.payload["response_type"] == "ephemeral"
    assert not bound.api.rejected
