"""Indicators of source links count the coalition's accepted network links of one kind, on
SQLite and PostgreSQL: the demo's vertical link achieves Ljubljana's vertical indicator and
the goal stays partially achieved; linking with another city's coalition achieves the
horizontal one and unlinking turns it back; a check-in on it is refused, with why."""

from __future__ import annotations

from bot.app import App
from models.entities import Role
from models.goals.entities import Source
from models.network.entities import LinkKind
from models.services.goals import IndicatorView
from tests.support import as_role, ask

LJ = "ljubljana"
SASA_ADMIN = "telegram:9301"
LJ_ADMIN = "telegram:9302"
HORIZONTAL = "Horizontalna povezava z drugimi mesti"
VERTICAL = "Vertikalna povezava z regionalnimi in/ali državnimi ustanovami"


async def indicator(app: App, title: str, coalition: str = LJ) -> IndicatorView:
    overview = await app.services.goals.overview(coalition)
    return next(i for goal in overview.goals for i in goal.indicators if i.title == title)


async def goals_text(app: App, locale: str = "sl") -> str:
    return (await ask(app, "/cilji", coalition=LJ, locale=locale)).plain_text()


async def goal_text(app: App) -> str:
    goal_id = (await app.services.goals.overview(LJ)).goals[0].id
    return (await ask(app, f"/goal {goal_id}", coalition=LJ, locale="en")).plain_text()


def linked_under(detail: str, title: str) -> list[str]:
    """The partners /goal lists under an indicator (its lines after the "Counts:" line)."""
    lines = detail.splitlines()
    start = next(n for n, line in enumerate(lines) if title in line)
    partners = []
    for line in lines[start + 1 :]:
        if line.startswith("•"):
            break
        if line.strip().startswith("· "):
            partners.append(line.split(": ", 1)[1])
    return partners


async def test_the_demo_has_the_vertical_link_and_leaves_the_horizontal_open(
    any_app: App,
) -> None:
    vertical, horizontal = await indicator(any_app, VERTICAL), await indicator(any_app, HORIZONTAL)
    assert (vertical.source, vertical.link_kind, vertical.value) == (
        Source.LINKS,
        LinkKind.VERTICAL,
        1,
    )
    assert (horizontal.link_kind, horizontal.value) == (LinkKind.HORIZONTAL, 0)
    text = await goals_text(any_app)
    assert "Digitalni ekosistem — delno dosežen" in text
    assert f"{VERTICAL}: 1 / 1 povezava — dosežen" in text
    assert f"{HORIZONTAL}: 0 / 1 povezava" in text
    network = await ask(any_app, "/mreza", coalition=LJ, locale="sl")
    assert "Digitalna Slovenija" in network.plain_text()
    goal_id = (await any_app.services.goals.overview(LJ)).goals[0].id
    detail = await ask(any_app, f"/goal {goal_id}", coalition=LJ, locale="en")
    assert "Counts: horizontal network links" in detail.plain_text()
    assert "Counts: vertical network links" in detail.plain_text()
    assert linked_under(detail.plain_text(), VERTICAL) == ["Digitalna Slovenija"]
    assert linked_under(detail.plain_text(), HORIZONTAL) == []


async def test_linking_another_city_achieves_the_horizontal_indicator_and_unlinking_undoes(
    any_app: App,
) -> None:
    await as_role(any_app, SASA_ADMIN, Role.ADMIN)
    await as_role(any_app, LJ_ADMIN, Role.ADMIN, coalition=LJ)
    asked = await ask(any_app, "/povezava sasa horizontalna", user=LJ_ADMIN, coalition=LJ)
    assert not asked.is_error, asked.plain_text()
    assert (await indicator(any_app, HORIZONTAL)).value == 0, "asked, not accepted: no link yet"

    accepted = await ask(any_app, "/link ljubljana accept", user=SASA_ADMIN)
    assert not accepted.is_error, accepted.plain_text()
    assert (await indicator(any_app, HORIZONTAL)).value == 1
    text = await goals_text(any_app)
    assert f"{HORIZONTAL}: 1 / 1 povezava — dosežen" in text
    sasa = next(c.name for c in await any_app.services.directory.coalitions() if c.slug == "sasa")
    assert linked_under(await goal_text(any_app), HORIZONTAL) == [sasa]
    assert f"{VERTICAL}: 1 / 1 povezava — dosežen" in text, "a horizontal link is not vertical"
    assert "Digitalni ekosistem — delno dosežen" in text  # the living lab is still missing

    ended = await ask(any_app, "/unlink sasa", user=LJ_ADMIN, coalition=LJ)
    assert not ended.is_error, ended.plain_text()
    assert (await indicator(any_app, HORIZONTAL)).value == 0
    assert f"{HORIZONTAL}: 0 / 1 povezava" in await goals_text(any_app)
    assert linked_under(await goal_text(any_app), HORIZONTAL) == []


async def test_a_check_in_on_a_links_indicator_is_refused_with_why(any_app: App) -> None:
    who = await as_role(any_app, "lj-koordinator", Role.COORDINATOR, coalition=LJ)
    horizontal = await indicator(any_app, HORIZONTAL)
    before = await any_app.services.goals.overview(LJ)
    for line, expected in (
        (f"/vpisi {horizontal.id} 1", "spremeni se, ko je povezava sprejeta (/povezava)"),
        (f"/record {horizontal.id} 1 | agreement", "it changes when a link is accepted (/link)"),
    ):
        reply = await ask(
            any_app, line, user=who, coalition=LJ, locale="sl" if "vpisi" in line else "en"
        )
        assert reply.is_error, line
        assert expected in reply.plain_text(), (line, reply.plain_text())
    asked = await ask(any_app, f"/record {horizontal.id}", user=who, coalition=LJ, locale="en")
    assert asked.is_error
    assert "/record is for indicators filled in by hand" in asked.plain_text()
    assert await any_app.services.goals.overview(LJ) == before


async def test_links_indicators_are_added_and_changed_in_both_languages(any_app: App) -> None:
    who = await as_role(any_app, "lj-koordinator", Role.COORDINATOR, coalition=LJ)
    goal_id = (await any_app.services.goals.overview(LJ)).goals[0].id
    added = await ask(
        any_app,
        f"/dodajkazalnik {goal_id} | Povezave z mesti | 2 povezavi | letno | povezave horizontalne",
        user=who,
        coalition=LJ,
    )
    assert not added.is_error, added.plain_text()
    number = int(added.title.split("#")[1].split(" ")[0])
    made = await indicator(any_app, "Povezave z mesti")
    assert (made.source, made.link_kind, made.value) == (Source.LINKS, LinkKind.HORIZONTAL, 0)

    changed = await ask(
        any_app,
        f"/editindicator {number} source=links vertical",
        user=who,
        coalition=LJ,
        locale="en",
    )
    assert not changed.is_error, changed.plain_text()
    made = await indicator(any_app, "Povezave z mesti")
    assert (made.link_kind, made.value) == (LinkKind.VERTICAL, 1), "the demo's vertical link"

    manual = await ask(
        any_app, f"/uredikazalnik {number} vir=ročno", user=who, coalition=LJ, locale="sl"
    )
    assert not manual.is_error, manual.plain_text()
    made = await indicator(any_app, "Povezave z mesti")
    assert (made.source, made.link_kind) == (Source.MANUAL, None)


async def test_a_links_source_without_its_kind_is_answered_with_an_example(
    any_app: App,
) -> None:
    who = await as_role(any_app, "lj-koordinator", Role.COORDINATOR, coalition=LJ)
    goal_id = (await any_app.services.goals.overview(LJ)).goals[0].id
    before = await any_app.services.goals.overview(LJ)
    cases = (
        (f"/dodajkazalnik {goal_id} | X | 1 | letno | povezave", "sl", "povezave horizontalne"),
        (f"/addindicator {goal_id} | X | 1 | yearly | links diagonal", "en", "links vertical"),
        (f"/addindicator {goal_id} | X | 1 | yearly | links sum", "en", "links horizontal"),
        (
            f"/uredikazalnik {before.goals[0].indicators[0].id} vir=povezave",
            "sl",
            "Katere povezave?",
        ),
    )
    for line, locale, expected in cases:
        reply = await ask(any_app, line, user=who, coalition=LJ, locale=locale)
        assert reply.is_error, line
        assert expected in reply.plain_text(), (line, reply.plain_text())
        assert ("Primer:" if locale == "sl" else "Example:") in reply.plain_text(), line
    assert await any_app.services.goals.overview(LJ) == before
