"""Reply -> Block Kit: escaping, Slack's limits, page buttons; checked by the fake's rules."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters.slack.cache import SeenIds, TtlCache
from bot.adapters.slack.parse import plain_text, slack_locale, without_mention
from bot.adapters.slack.render import fallback_text, render_blocks
from handlers.types import Button, ListItem, Reply
from tests.adapters.slack.fake_web_api import block_problems, block_texts


def test_user_text_is_escaped_for_mrkdwn_everywhere_but_plain_text() -> None:
    reply = Reply(
        title="R&D <team>",
        lines=("Fish & chips <b>bold</b> > all",),
        items=(ListItem("A <@U1> & B", ("<!channel> at 10 > 9",)),),
        footer="x < y",
    )
    blocks = render_blocks(reply)
    assert blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "R&D <team>", "emoji": True},
    }
    shown = "\n".join(block_texts(blocks[1:]))
    assert "Fish &amp; chips &lt;b&gt;bold&lt;/b&gt; &gt; all" in shown
    assert "*A &lt;@U1&gt; &amp; B*" in shown, "a typed mention must not ping anyone"
    assert "&lt;!channel&gt; at 10 &gt; 9" in shown
    assert "x &lt; y" in shown
    assert "<" not in shown.replace("&lt;", "")
    assert fallback_text(reply).startswith("*R&amp;D &lt;team&gt;*\nFish &amp; chips")
    assert not block_problems(blocks, 50)


def test_a_long_list_stays_within_50_blocks_and_3000_characters() -> None:
    items = tuple(ListItem(f"Event {n} " + "x" * 400, ("detail " * 50,)) for n in range(120))
    reply = Reply(title="Many", items=items, footer="Page 1 of 1", buttons=(Button("Next", "/e"),))
    blocks = render_blocks(reply)
    assert len(blocks) <= 50
    assert not block_problems(blocks, 50), block_problems(blocks, 50)
    shown = "\n".join(block_texts(blocks))
    assert "Event 0 " in shown
    assert "Event 30 " in shown
    assert blocks[-1]["type"] == "actions", "the buttons survive the packing"
    assert blocks[-2]["type"] == "context", "and so does the footer"


def test_one_huge_line_is_split_into_sections_without_breaking_an_entity() -> None:
    reply = Reply(lines=("&" * 5000,))
    blocks = render_blocks(reply)
    assert not block_problems(blocks, 50)
    texts = block_texts(blocks)
    assert all(text.replace("&amp;", "") == "" for text in texts), "no half &amp; entity"
    assert sum(text.count("&amp;") for text in texts) == 5000


def test_page_buttons_carry_their_command_line_and_page_action_ids() -> None:
    reply = Reply(
        title="Events",
        buttons=(Button("‹ Previous", "/events page=1"), Button("Next page ›", "/events page=3")),
    )
    actions = render_blocks(reply)[-1]
    assert [e["action_id"] for e in actions["elements"]] == ["cb_page_1", "cb_page_3"]
    assert [e["value"] for e in actions["elements"]] == ["/events page=1", "/events page=3"]


def test_a_button_whose_command_is_too_long_for_slack_is_left_out() -> None:
    reply = Reply(
        title="T",
        buttons=(Button("Huge", "/events " + "a" * 2000), Button("Fine", "/events page=2")),
    )
    blocks = render_blocks(reply)
    assert not block_problems(blocks, 50)
    assert [e["value"] for e in blocks[-1]["elements"]] == ["/events page=2"]


def test_errors_are_marked_and_an_empty_reply_still_renders() -> None:
    error = render_blocks(Reply(lines=("No.",), is_error=True))
    assert error[0]["text"]["text"] == ":warning: No."
    assert not block_problems(render_blocks(Reply()), 50)


def test_a_very_long_title_is_a_bold_section_not_a_cut_header() -> None:
    blocks = render_blocks(Reply(title="T" * 200))
    assert blocks[0]["type"] == "section"
    assert blocks[0]["text"]["text"] == "*" + "T" * 200 + "*"


text = st.text(min_size=0, max_size=400)


@settings(max_examples=150, deadline=None)
@given(
    title=text,
    lines=st.lists(st.text(max_size=4000), max_size=5),
    items=st.lists(st.tuples(text, st.lists(st.text(max_size=800), max_size=4)), max_size=80),
    footer=text,
    buttons=st.lists(st.tuples(text, st.text(max_size=2100)), max_size=30),
    is_error=st.booleans(),
)
def test_any_reply_renders_to_blocks_slack_accepts(
    title: str,
    lines: list[str],
    items: list[tuple[str, list[str]]],
    footer: str,
    buttons: list[tuple[str, str]],
    is_error: bool,
) -> None:
    reply = Reply(
        title=title,
        lines=tuple(lines),
        items=tuple(ListItem(t, tuple(d)) for t, d in items),
        footer=footer,
        buttons=tuple(Button(label, command) for label, command in buttons),
        is_error=is_error,
    )
    blocks = render_blocks(reply)
    assert not block_problems(blocks, 50), block_problems(blocks, 50)
    home = render_blocks(reply, max_blocks=49)
    assert len(home) <= 49
    assert 0 < len(fallback_text(reply)) <= 3000


def test_slack_markup_back_to_typed_text() -> None:
    assert (
        plain_text("ana@x.si <mailto:ana@x.si|ana@x.si> &amp; &lt;b&gt;")
        == "ana@x.si ana@x.si & <b>"
    )
    assert (
        plain_text("<https://x.si|x.si> <https://y.si> <#C1|general>")
        == "https://x.si https://y.si #general"
    )
    assert plain_text("<@U3|cene> coordinator", keep_users=True) == "<@U3> coordinator"
    assert plain_text("z <@U3|cene> | <@U4> | <@U5>", {"U4": "Bojan"}) == "z cene | Bojan | U5"
    assert plain_text("<mailto:ana@x.si|Ana> | x") == "ana@x.si | x"
    assert plain_text("<!subteam^S1|@ekipa> <!here>") == "@ekipa @here"
    assert without_mention("<@UBOT> events week", "UBOT") == "events week"
    assert without_mention("hey <@UBOT>: dogodki", "UBOT") == "dogodki"
    assert without_mention("<@UOTHER> events", None) == "events"


def test_slack_locales_map_to_the_bot_languages() -> None:
    assert [slack_locale(v) for v in ("sl-SI", "en-GB", "en_US", "de-DE", None, 5)] == [
        "sl",
        "en",
        "en",
        None,
        None,
        None,
    ]


def test_the_caches_are_bounded_and_forget_after_their_ttl() -> None:
    now = [0.0]
    cache: TtlCache[str, str] = TtlCache(size=2, ttl=10, clock=lambda: now[0])
    cache.put("a", "1")
    cache.put("b", "2")
    cache.put("c", "3")
    assert (cache.get("a"), cache.get("b"), len(cache)) == (None, "2", 2)
    now[0] = 10.5
    assert cache.get("b") is None
    seen = SeenIds(size=2)
    assert [seen.first_time(k) for k in ("e1", "e1", "e2", "e3", "e1")] == [
        True,
        False,
        True,
        True,
        True,
    ]
    assert len(seen) == 2


def test_the_fake_slack_refuses_what_real_slack_refuses() -> None:
    """The fake's rules must bite, or the tests above would prove nothing."""
    section = {"type": "section", "text": {"type": "mrkdwn", "text": "x"}}
    button = {"type": "button", "action_id": "a", "text": {"type": "plain_text", "text": "b"}}
    assert not block_problems([section], 50)
    assert block_problems([section] * 51, 50)
    assert block_problems([{**section, "text": {"type": "mrkdwn", "text": "x" * 3001}}], 50)
    fields = [{"type": "mrkdwn", "text": "f"}] * 11
    assert block_problems([{"type": "section", "fields": fields}], 50)
    assert block_problems([{"type": "actions", "elements": [{**button, "value": "v" * 2001}]}], 50)
    assert block_problems([{"type": "actions", "elements": [button, button]}], 50)
    assert block_problems([{"type": "no_such_block"}], 50)
    assert block_problems([{"type": "header", "text": {"type": "mrkdwn", "text": "*h*"}}], 50)
