"""What Telegram chats do beyond typing a command: channels, forwards, forum topics, captions.

Each goes through the fake Bot API and the real Application, as Telegram delivers it.
"""

from __future__ import annotations

import time
from datetime import timedelta

from bot.app import App
from models.entities import Role
from tests.adapters.telegram.conftest import Chat
from tests.adapters.telegram.fake_bot_api import BOT_USERNAME, FakeBotApi, user
from tests.adapters.telegram.helpers import bind_group, binding_active, grant
from tests.conftest import FakeClock

SASA = "Lokalna digitalna koalicija SAŠA regije"
CHANNEL = -100_777_001


def admin_person(user_id: int) -> dict[str, object]:
    return {**user(user_id, language="en", name="Ana"), "last_name": "Novak"}


async def post_in_channel(chat: Chat, text: str, signature: str | None) -> None:
    chat.api.push(
        {"channel_post": chat.api.channel_post(text, chat_id=CHANNEL, signature=signature)}
    )
    await chat.settle()


# ------------------------------------------------------------------------------- channels


async def test_a_channel_admin_binds_the_channel_with_a_signed_post(
    app: App, chat: Chat, fake_api: FakeBotApi
) -> None:
    ana = admin_person(7001)
    await grant(app, 7001, Role.ADMIN)
    fake_api.set_member(CHANNEL, ana, "administrator")
    await post_in_channel(chat, "/bind sasa", signature="Ana Novak")
    [answer] = fake_api.messages_to(CHANNEL)
    assert SASA in answer.text
    assert await binding_active(app, CHANNEL) is True
    polled = fake_api.calls_of("getUpdates")[-1].params
    assert "channel_post" in polled["allowed_updates"]
    # once bound, the channel's posts ask like any member: read commands are answered there
    await post_in_channel(chat, "/dogodki", signature=None)
    [_, events] = fake_api.messages_to(CHANNEL)
    assert "eAlijansa" in events.text


async def test_an_unsigned_channel_post_is_told_how_to_bind_and_binds_nothing(
    app: App, chat: Chat, fake_api: FakeBotApi
) -> None:
    await grant(app, 7002, Role.ADMIN)
    fake_api.set_member(CHANNEL, admin_person(7002), "administrator")
    await post_in_channel(chat, "/bind sasa", signature=None)
    [answer] = fake_api.messages_to(CHANNEL)
    assert "Podpisovanje sporočil" in answer.text
    assert await binding_active(app, CHANNEL) is None


async def test_a_channel_post_signed_by_someone_without_the_coalition_role_binds_nothing(
    app: App, chat: Chat, fake_api: FakeBotApi
) -> None:
    fake_api.set_member(CHANNEL, admin_person(7003), "administrator")  # a channel admin, no role
    await post_in_channel(chat, "/bind sasa", signature="Ana Novak")
    [answer] = fake_api.messages_to(CHANNEL)
    assert SASA not in answer.text
    assert await binding_active(app, CHANNEL) is None


async def test_a_signature_that_is_no_admin_of_the_channel_binds_nothing(
    app: App, chat: Chat, fake_api: FakeBotApi
) -> None:
    await grant(app, 7004, Role.ADMIN)
    fake_api.set_member(CHANNEL, admin_person(7004), "member")  # the name fits, but no admin
    await post_in_channel(chat, "/bind sasa", signature="Ana Novak")
    [answer] = fake_api.messages_to(CHANNEL)
    assert "Podpisovanje sporočil" in answer.text
    assert await binding_active(app, CHANNEL) is None


# ------------------------------------------------------------------------------- forwards


async def test_a_forwarded_command_is_not_run_and_the_reason_is_given_once(
    app: App, chat: Chat, fake_api: FakeBotApi, clock: FakeClock
) -> None:
    await bind_group(app, -100_777_002)
    await grant(app, 7010, Role.COORDINATOR)
    coordinator = user(7010, language="en")
    origin = {"type": "user", "date": int(time.time()) - 86400, "sender_user": coordinator}
    for title in ("Posredovano A", "Posredovano B"):
        forwarded = fake_api.message(
            f"/dodajdogodek {title} | jutri ob 15h", chat_id=-100_777_002, user=coordinator
        )
        fake_api.push({"message": {**forwarded, "forward_origin": origin}})
    await chat.settle()
    [answer] = fake_api.messages_to(-100_777_002)
    assert "forwarded" in answer.text
    listed = await app.services.events.upcoming("sasa", limit=100)
    assert not [e for e in listed.items if e.title.startswith("Posredovano")]
    clock.now += timedelta(minutes=1)
    [typed] = await chat.ask(
        "/addevent Vtipkano | jutri ob 15h", sender=coordinator, chat_id=-100_777_002
    )
    assert "Vtipkano" in typed.text


# ---------------------------------------------------------------------------- forum topics


async def test_every_part_of_a_long_answer_and_every_follow_up_stay_in_the_topic(
    app: App, chat: Chat, fake_api: FakeBotApi, clock: FakeClock
) -> None:
    forum, topic = -100_777_003, 42
    await bind_group(app, forum)
    await grant(app, 7021, Role.COORDINATOR)
    long_text = "R&D&I " * 333  # 2,000 characters; escaped for HTML, more than one message
    event = await app.services.events.create(
        "sasa",
        "telegram:7021",
        title="Dolg opis",
        starts_at=clock.now + timedelta(days=3),
        description=long_text,
    )
    asker = user(7020, language="en")
    fake_api.push(
        {"message": fake_api.message(f"/event {event.id}", chat_id=forum, user=asker, topic=topic)}
    )
    await chat.settle()
    parts = fake_api.messages_to(forum)
    assert len(parts) >= 2
    assert [m.thread for m in parts] == [topic] * len(parts)

    fake_api.push({"message": fake_api.message("/events", chat_id=forum, user=asker, topic=topic)})
    await chat.settle()
    [listing] = fake_api.messages_to(forum)[len(parts) :]
    assert listing.thread == topic
    fake_api.push(
        {
            "message": fake_api.message(
                f"/nonsense@{BOT_USERNAME}", chat_id=forum, user=asker, topic=topic
            )
        }
    )
    await chat.settle()
    assert [m.thread for m in fake_api.messages_to(forum)] == [topic] * (len(parts) + 2)


# -------------------------------------------------------------------------------- captions


async def test_a_command_in_a_photo_caption_is_answered_like_a_typed_one(
    app: App, chat: Chat, fake_api: FakeBotApi
) -> None:
    await bind_group(app, -100_777_004)
    asker = user(7030, language="en")
    for place in (-100_777_004, 7030):
        photo = fake_api.message("/events", chat_id=place, user=asker)
        photo["caption"], photo["caption_entities"] = photo.pop("text"), photo.pop("entities")
        photo["photo"] = [{"file_id": "p1", "file_unique_id": "u1", "width": 90, "height": 90}]
        fake_api.push({"message": photo})
        await chat.settle()
        [answer] = fake_api.messages_to(place)
        assert "eAlijansa" in answer.text
    document = fake_api.message("/weather", chat_id=-100_777_004, user=asker)
    document["caption"], document["caption_entities"] = (
        document.pop("text"),
        document.pop("entities"),
    )
    document["document"] = {"file_id": "d1", "file_unique_id": "u2"}
    fake_api.push({"message": document})
    await chat.settle()
    assert len(fake_api.messages_to(-100_777_004)) == 1  # not ours: left alone in a group
