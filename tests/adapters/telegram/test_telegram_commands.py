"""Commands through real Telegram updates: both languages, groups and private chats, buttons."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest

from bot.adapters.telegram import TelegramAdapter
from bot.app import App
from handlers.commands import COMMANDS
from handlers.types import Button, Reply
from models.entities import Role
from tests.adapters.telegram.conftest import SL_MARK, Chat
from tests.adapters.telegram.fake_bot_api import BOT_USERNAME, FakeBotApi, user
from tests.adapters.telegram.helpers import bind_group, binding_active, grant
from tests.conftest import FakeClock

SASA = "Lokalna digitalna koalicija SAŠA regije"

# (command, arguments, what the answer must show); {placeholders} are filled in as we go.
EVERY_COMMAND = [
    ("help", "", "{addevent}"),
    ("start", "", "{addevent}"),
    ("events", "", "eAlijansa"),
    ("event", "{first_event}", "eAlijansa"),
    ("activities", "", "Industrija 4.0"),
    ("deadlines", "", "Rok za oddajo prijave"),
    ("contacts", "IPAK", "Kontaktna točka LDK"),
    ("areas", "", "pametno-mesto"),
    ("goals", "", "Formalna ustanovitev koalicije"),
    ("goal", "{goal}", "Zagotovljena stabilna finančna sredstva"),
    ("report", "", "Formalna ustanovitev koalicije"),
    ("language", "{lang}", ""),
    ("coalition", "sasa", SASA),
    ("addevent", "Delavnica {LANG} | jutri ob 10h | Velenje", "Delavnica {LANG}"),
    ("editevent", "{event} where=Celje", "Celje"),
    ("rsvp", "{event} yes +1", "(+1"),
    ("mine", "", "Delavnica {LANG}"),
    ("attendees", "{event}", "(+1)"),
    ("cancelevent", "{event}", "Delavnica {LANG}"),
    ("addactivity", "Načrt {LANG} | 15.3.2027", "Načrt {LANG}"),
    ("activity", "{activity} done", "#{activity}"),
    ("editactivity", "{activity} notes=Opomba {LANG}", "#{activity}"),
    ("addcontact", "Ana Novak {LANG} | SAŠA inkubator", "Ana Novak {LANG}"),
    ("deletecontact", "{contact}", "Ana Novak {LANG}"),
    ("addgoal", "Cilj {LANG}", "Cilj {LANG}"),
    ("addindicator", "{newgoal} | Kazalnik {LANG} | 2 | letno", "Kazalnik {LANG}"),
    ("editindicator", "{indicator} title=Merilo {LANG}", "Merilo {LANG}"),
    ("record", "{indicator} 1", "Merilo {LANG}"),
    ("link", "ljubljana horizontal", "Ljubljan"),
    ("network", "", "(ljubljana)"),
    ("unlink", "ljubljana", "ljubljana"),
    ("subscribe", "", SASA),
    ("calendar", "", "/sasa/calendar.ics?token="),
    ("unsubscribe", "", ""),
    ("export", "activities csv", SASA),
    ("import", "", "CSV"),
    ("mydata", "", ""),
    ("forgetme", "", ""),
    ("status", "", SASA),
    ("role", "{target} coordinator", "telegram:{target}"),
    ("bind", "sasa", SASA),
]


CREATED = {
    "addevent": "event",
    "addactivity": "activity",
    "addgoal": "newgoal",
    "addindicator": "indicator",
    "addcontact": "contact",
}
"""Commands that add something, and the placeholder its number fills."""


def spec_of(name: str) -> tuple[str, str]:
    [spec] = [spec for spec in COMMANDS if spec.name == name]
    return spec.name, spec.alias


def test_the_walk_below_covers_every_command() -> None:
    assert {name for name, _, _ in EVERY_COMMAND} == {spec.name for spec in COMMANDS}


@pytest.mark.parametrize("lang", ["en", "sl"])
async def test_every_command_answers_in_the_users_language(
    marked: App, chat: Chat, lang: str
) -> None:
    admin_id = 1001 if lang == "en" else 1002
    admin = user(admin_id, language=lang)
    await grant(marked, admin_id, Role.ADMIN)
    first = (await marked.services.events.upcoming("sasa", limit=1)).items[0]
    values = {
        "lang": lang,
        "LANG": lang.upper(),
        "first_event": str(first.id),
        "goal": str((await marked.services.goals.overview("sasa")).goals[0].id),
        "target": str(5000 + admin_id),
        "addevent": "/addevent" if lang == "en" else "/dodajdogodek",
    }
    for name, arguments, expected in EVERY_COMMAND:
        typed = spec_of(name)[0 if lang == "en" else 1]
        group = -100600 - admin_id if name == "bind" else None
        line = f"/{typed} {arguments.format(**values)}".strip()
        [answer] = await chat.ask(line, sender=admin, chat_id=group)
        assert expected.format(**values) in answer.text, (line, answer.text)
        # a group speaks the group's language: the one just bound has its coalition's, sl
        in_slovenian = lang == "sl" or name == "bind"
        assert (SL_MARK in answer.text) is in_slovenian, (line, answer.text)
        assert "I do not know the command" not in answer.text
        if name in CREATED:
            found = re.search(r"#(\d+)", answer.text)
            assert found, answer.text
            values[CREATED[name]] = found.group(1)


@pytest.mark.parametrize(
    ("language_code", "slovenian"),
    [("en", False), ("en-gb", False), ("sl", True), ("de", True), (None, True)],
)
async def test_language_from_telegram_when_sl_or_en_else_the_coalition_default(
    marked: App, chat: Chat, language_code: str | None, slovenian: bool
) -> None:
    [answer] = await chat.ask("/events", sender=user(2001, language=language_code))
    assert "eAlijansa" in answer.text
    assert (SL_MARK in answer.text) is slovenian


async def test_the_users_own_choice_beats_the_telegram_language(marked: App, chat: Chat) -> None:
    english = user(2002, language="en")
    assert SL_MARK not in (await chat.ask("/events", sender=english))[0].text
    await chat.ask("/jezik sl", sender=english)
    assert SL_MARK in (await chat.ask("/events", sender=english))[0].text


async def test_in_a_group_the_groups_language_wins_over_the_persons(
    marked: App, chat: Chat
) -> None:
    await bind_group(marked, -100510)
    coordinator, person = user(3010, language="sl"), user(3011, language="en")
    await grant(marked, 3010, Role.COORDINATOR)
    await chat.ask("/jezik sl", sender=person)
    [switched] = await chat.ask("/jezik en", sender=coordinator, chat_id=-100510)
    assert switched.text == "I'll answer in English in this chat from now on."
    [in_group] = await chat.ask("/pomoc", sender=person, chat_id=-100510)
    assert in_group.text.startswith("What I can do for you")
    assert SL_MARK not in in_group.text
    [in_private] = await chat.ask("/help", sender=person)
    assert in_private.text.startswith(SL_MARK + "What I can do for you")


async def test_a_bound_group_answers_with_data_quoting_the_asker(app: App, chat: Chat) -> None:
    await bind_group(app, -100500)
    [answer] = await chat.ask("/dogodki", sender=user(3001), chat_id=-100500)
    assert "eAlijansa" in answer.text
    asked = chat.api.messages_to(-100500)
    assert answer.reply_to is not None
    assert answer.reply_to < answer.message_id
    assert asked == [answer]


async def test_an_unbound_group_is_told_how_to_bind_and_gets_no_data(chat: Chat) -> None:
    """A group without a coalition speaks the deployment's language, whoever asks."""
    [answer] = await chat.ask("/events", sender=user(3002, language="en"), chat_id=-100501)
    assert "/povezi" in answer.text
    assert "eAlijansa" not in answer.text


async def test_commands_addressed_to_this_bot_are_answered_and_others_ignored(
    app: App, chat: Chat
) -> None:
    await bind_group(app, -100502, default_locale="en")
    asker = user(3003, language="en")
    [answer] = await chat.ask(f"/events@{BOT_USERNAME}", sender=asker, chat_id=-100502)
    assert "eAlijansa" in answer.text
    [answer] = await chat.ask("/DOGODKI@Coalition_Test_Bot teden", sender=asker, chat_id=-100502)
    assert "eAlijansa" in answer.text
    [answer] = await chat.ask(f"/nonsense@{BOT_USERNAME}", sender=asker, chat_id=-100502)
    assert "I do not know the command /nonsense" in answer.text
    before = len(chat.api.messages_to(-100502))
    chat.api.say("/events@other_bot", user=asker, chat_id=-100502)
    chat.api.say("/weather", user=asker, chat_id=-100502)
    await chat.settle()
    assert chat.silent_since(-100502, before)


async def test_an_unknown_command_in_a_private_chat_gets_a_suggestion(chat: Chat) -> None:
    [answer] = await chat.ask("/evnets", sender=user(3004, language="en"))
    assert "Did you mean /events?" in answer.text


async def test_a_command_typed_with_diacritics_still_works(chat: Chat) -> None:
    [answer] = await chat.ask("/pomoč", sender=user(3005, language="sl"))
    assert "/dogodki" in answer.text


async def test_a_coordinator_adds_an_event_privately_and_a_member_may_not(
    app: App, chat: Chat, clock: FakeClock
) -> None:
    await grant(app, 4001, Role.COORDINATOR)
    await grant(app, 4002, Role.MEMBER)
    coordinator, member = user(4001, language="en"), user(4002, language="en")
    [added] = await chat.ask("/addevent Sestanek odbora | jutri ob 10h", sender=coordinator)
    assert "added" in added.text
    assert "10:00" in added.text
    [refused] = await chat.ask("/addevent Tajni sestanek | jutri ob 10h", sender=member)
    assert "Only coordinators and admins" in refused.text
    [listing] = await chat.ask("/events week", sender=member)
    assert "Sestanek odbora" in listing.text
    assert "Tajni sestanek" not in listing.text


async def test_user_text_shows_literally(app: App, chat: Chat, clock: FakeClock) -> None:
    title = '<b>Industrija 4.0 & "AI"</b>'
    await grant(app, 4003, Role.COORDINATOR)
    await app.services.events.create(
        "sasa", "telegram:4003", title=title, starts_at=clock.now + timedelta(hours=2)
    )
    [answer] = await chat.ask("/events", sender=user(4003, language="en"))
    assert title in answer.text
    assert "&lt;b&gt;Industrija 4.0 &amp;" in answer.html


async def test_paging_by_button_edits_the_message_in_place(
    app: App, chat: Chat, clock: FakeClock
) -> None:
    await grant(app, 4004, Role.COORDINATOR)
    for day in range(12):
        await app.services.events.create(
            "sasa",
            "telegram:4004",
            title=f"Tedenski sestanek {day}",
            starts_at=clock.now + timedelta(days=day, hours=1),
        )
    reader = user(4005, language="en")
    [listing] = await chat.ask("/events", sender=reader)
    assert "Page 1 of 2" in listing.text
    assert listing.buttons == [("Next page ›", "/events page=2")]

    query = chat.api.press(listing, "/events page=2", user=reader)
    await chat.api.wait_for(lambda: listing.edits == 1 and len(chat.api.callback_answers) == 1)
    assert "Page 2 of 2" in listing.text
    assert listing.buttons == [("‹ Previous", "/events page=1")]
    assert chat.api.callback_answers[0]["callback_query_id"] == query
    assert chat.api.messages_to(4005) == [listing]

    chat.api.press(listing, "/events page=1", user=reader)
    await chat.api.wait_for(lambda: listing.edits == 2 and len(chat.api.callback_answers) == 2)
    assert "Page 1 of 2" in listing.text


async def test_a_button_that_cannot_run_answers_the_query_and_leaves_the_message(
    chat: Chat,
) -> None:
    reader = user(4006, language="en")
    [listing] = await chat.ask("/events", sender=reader)
    chat.api.press(listing, "/events page=7", user=reader)
    chat.api.press(listing, "~expired0000", user=reader)
    await chat.api.wait_for(lambda: len(chat.api.callback_answers) == 2)
    first, second = chat.api.callback_answers
    assert "page" in first["text"]
    assert "expired" in second["text"]
    assert listing.edits == 0


async def test_a_long_button_command_goes_through_a_short_key(
    chat: Chat, telegram: TelegramAdapter
) -> None:
    long_line = "/events" + " " * 70 + "week"
    reply = Reply(title="Ta teden?", buttons=(Button("Dogodki ta teden", long_line),))
    await telegram.send("telegram:4007", reply)
    [offer] = await chat.api.replies(4007)
    [(label, data)] = offer.buttons
    assert label == "Dogodki ta teden"
    assert data != long_line
    assert len(data.encode()) <= 64
    chat.api.press(offer, data, user=user(4007, language="en"))
    await chat.api.wait_for(lambda: offer.edits == 1)
    assert "eAlijansa" in offer.text


async def test_menus_are_published_in_slovenian_and_english(
    app: App, fake_api: FakeBotApi, telegram: TelegramAdapter
) -> None:
    shown = [spec for spec in COMMANDS if spec.name != "start"]
    english, slovenian = fake_api.menus[None], fake_api.menus["sl"]
    assert [c["command"] for c in english] == [spec.name for spec in shown]
    assert [c["command"] for c in slovenian] == [spec.alias for spec in shown]
    en, sl = app.translators["en"], app.translators["sl"]
    assert [c["description"] for c in english] == [en.gettext(s.summary) for s in shown]
    assert [c["description"] for c in slovenian] == [sl.gettext(s.summary) for s in shown]
    assert fake_api.webhook is None
    assert fake_api.calls_of("deleteWebhook")


async def test_added_to_a_group_the_bot_greets_once_and_explains_binding(
    marked: App, chat: Chat
) -> None:
    admin = user(5001, language="en")
    chat.api.bot_added(-100700, by=admin)
    chat.api.bot_joined_message(-100700, by=admin)
    await chat.settle()
    [greeting] = chat.api.messages_to(-100700)
    assert SL_MARK in greeting.text
    assert "/bind COALITION" in greeting.text


async def test_in_a_bound_group_the_greeting_uses_the_coalitions_language(
    marked: App, chat: Chat
) -> None:
    await bind_group(marked, -100701, default_locale="en")
    chat.api.bot_added(-100701, by=user(5002))
    [greeting] = await chat.api.replies(-100701)
    assert SL_MARK not in greeting.text
    assert SASA in greeting.text
    assert "/bind" not in greeting.text


async def test_the_greeting_speaks_the_language_the_group_chose(marked: App, chat: Chat) -> None:
    await bind_group(marked, -100702)
    await grant(marked, 5003, Role.COORDINATOR)
    await chat.ask("/jezik en", sender=user(5003, language="sl"), chat_id=-100702)
    before = len(chat.api.messages_to(-100702))
    chat.api.bot_added(-100702, by=user(5004, language="sl"))
    greeting = (await chat.api.replies(-100702, before + 1))[before]
    assert greeting.text.startswith("Hello! I keep the coalition's events")
    assert SL_MARK not in greeting.text


async def test_removed_from_a_group_the_binding_goes_inactive(app: App, chat: Chat) -> None:
    await bind_group(app, -100702)
    chat.api.bot_removed(-100702, by=user(5003))
    await chat.settle()
    assert await binding_active(app, -100702) is False
    chat.api.bot_added(-100702, by=user(5003))
    await chat.api.replies(-100702)
    assert await binding_active(app, -100702) is True


async def test_updates_of_unexpected_shapes_are_ignored_without_error(
    app: App, chat: Chat, caplog: pytest.LogCaptureFixture
) -> None:
    await bind_group(app, -100800)
    caplog.set_level(logging.WARNING)
    asker = user(6001, language="en")
    command = chat.api.message("/events", chat_id=-100800, user=asker)
    chat.api.push({"edited_message": {**command, "edit_date": 1_800_000_000}})
    sticker = chat.api.message("", chat_id=-100800, user=asker)
    del sticker["text"]
    sticker["sticker"] = {
        "file_id": "s1",
        "file_unique_id": "u1",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
    chat.api.push({"message": sticker})
    chat.api.push(
        {"message": chat.api.message("kdaj je naslednji sestanek?", chat_id=-100800, user=asker)}
    )
    chat.api.push(
        {
            "message_reaction_count": {
                "chat": chat.api.chat(-100800),
                "message_id": 1,
                "date": 1,
                "reactions": [],
            }
        }
    )
    chat.api.push({"something_new": {"from": asker}})
    [listing] = await chat.ask("/events", sender=asker)
    await chat.settle()
    assert chat.api.messages_to(-100800) == []
    assert "eAlijansa" in listing.text
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


async def test_an_error_in_one_update_is_logged_apologised_for_and_the_bot_goes_on(
    app: App, chat: Chat, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_handle = app.dispatcher.handle
    calls = 0

    async def failing_once(command: object) -> Reply:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("boom")
        return await real_handle(command)  # type: ignore[arg-type]

    monkeypatch.setattr(app.dispatcher, "handle", failing_once)
    asker = user(6002, language="en")
    update_id = chat.api.say("/events", user=asker)
    [apology] = await chat.api.replies(6002)
    assert "Sorry, something went wrong" in apology.text
    assert any(f"update {update_id}" in r.getMessage() and r.exc_info for r in caplog.records), [
        r.getMessage() for r in caplog.records
    ]
    [listing] = await chat.ask("/events", sender=asker)
    assert "eAlijansa" in listing.text
