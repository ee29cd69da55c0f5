"""Goals through the commands, on SQLite and PostgreSQL: the demo's Ljubljana goal is partially
achieved as the seed says; linking and finishing an activity, or cancelling a meeting, moves
its indicator; bad input is answered and stores nothing."""

from __future__ import annotations

import pytest

from bot.app import App
from handlers.goals import chart
from models.entities import ActivityStatus, Role
from models.services.goals import IndicatorView
from tests.support import as_role, ask

LJ = "ljubljana"


async def indicator(app: App, title: str, coalition: str = LJ) -> IndicatorView:
    overview = await app.services.goals.overview(coalition)
    return next(i for goal in overview.goals for i in goal.indicators if i.title.startswith(title))


async def test_the_demo_goal_of_ljubljana_is_partially_achieved(any_app: App) -> None:
    reply = await ask(any_app, "/cilji", coalition=LJ, locale="sl")
    text = reply.plain_text()
    assert "Digitalni ekosistem — delno dosežen" in text
    assert "Oddane prijave na sofinancirane projekte: 2 / 3 prijave — zaostaja" in text
    assert "Delujoč živi laboratorij: — / 1 — ni dosežen" in text
    assert "do 31. 12. 2025" in text
    goal_id = (await any_app.services.goals.overview(LJ)).goals[0].id
    detail = await ask(any_app, f"/cilj {goal_id}", coalition=LJ, locale="sl")
    assert "Cilj je delno dosežen." in detail.lines
    english = await ask(any_app, "/goals", coalition=LJ, locale="en")
    assert "Digitalni ekosistem — partially achieved" in english.plain_text()


async def test_the_third_application_done_achieves_its_indicator(any_app: App) -> None:
    who = await as_role(any_app, "lj-koordinator", Role.COORDINATOR, coalition=LJ)
    applications = await indicator(any_app, "Oddane prijave")
    planned = await any_app.services.activities.plan(LJ, status=ActivityStatus.PLANNED, limit=50)
    third = next(a for a in planned.items if a.title.startswith("Tretja prijava"))

    linked = await ask(
        any_app, f"/urediaktivnost {third.id} kazalnik={applications.id}", user=who, coalition=LJ
    )
    assert not linked.is_error, linked.plain_text()
    assert (await indicator(any_app, "Oddane prijave")).value == 2  # linked, not done yet
    done = await ask(any_app, f"/aktivnost {third.id} opravljena", user=who, coalition=LJ)
    assert not done.is_error, done.plain_text()

    text = (await ask(any_app, "/cilji", user=who, coalition=LJ, locale="sl")).plain_text()
    assert "Oddane prijave na sofinancirane projekte: 3 / 3 prijave — dosežen" in text


async def test_cancelling_the_council_meeting_turns_its_indicator_back(any_app: App) -> None:
    who = await as_role(any_app, "lj-koordinator", Role.COORDINATOR, coalition=LJ)
    council = await indicator(any_app, "Srečanje Strateškega sveta")
    goal = (await any_app.services.goals.overview(LJ)).goals[0]
    detail = await any_app.services.goals.goal(LJ, goal.id)
    meeting = dict(detail.contributions)[council.id][0]
    assert council.value == 1

    cancelled = await ask(any_app, f"/preklicidogodek {meeting.id}", user=who, coalition=LJ)
    assert not cancelled.is_error, cancelled.plain_text()

    text = (await ask(any_app, "/cilji", user=who, coalition=LJ, locale="sl")).plain_text()
    assert "Srečanje Strateškega sveta za digitalni razvoj MOL: 0 / 1 srečanje — zaostaja" in text


async def test_a_check_in_is_echoed_with_the_new_status(any_app: App) -> None:
    who = await as_role(any_app, "lj-koordinator", Role.COORDINATOR, coalition=LJ)
    form = await indicator(any_app, "Organizacijska oblika")
    reply = await ask(
        any_app, f"/vpisi {form.id} 1 | Strateški svet potrjen", user=who, coalition=LJ, locale="sl"
    )
    assert reply.title == f"Vpisano za kazalnik #{form.id}."
    assert "1 / 1 organizacijska oblika — dosežen" in reply.lines[0]


async def test_coordinators_set_goals_and_indicators_in_both_languages(any_app: App) -> None:
    who = await as_role(any_app, "koordinatorka", Role.COORDINATOR)
    added = await ask(any_app, "/dodajcilj Digitalne kompetence | seniorji", user=who)
    goal_id = int(added.title.split("#")[1].split(" ")[0])
    indicator_reply = await ask(
        any_app,
        f"/dodajkazalnik {goal_id} | Izvedene delavnice | najmanj 4 dogodki | letno | dogodki",
        user=who,
    )
    assert "0 / 4 dogodki" in indicator_reply.lines[0]
    indicator_id = int(indicator_reply.title.split("#")[1].split(" ")[0])
    edited = await ask(
        any_app,
        f"/editindicator {indicator_id} target=2 period=until 31.12.2027",
        user=who,
        locale="en",
    )
    assert edited.title == f"Indicator #{indicator_id} changed."
    assert "0 / 2 events" in edited.lines[0]
    assert "until 31 Dec 2027" in edited.lines[1]


async def test_bad_input_is_answered_with_an_example_and_stores_nothing(any_app: App) -> None:
    who = await as_role(any_app, "lj-koordinator", Role.COORDINATOR, coalition=LJ)
    sasa = await as_role(any_app, "sasa-koordinator", Role.COORDINATOR)
    manual = await indicator(any_app, "Organizacijska oblika")
    applications = await indicator(any_app, "Oddane prijave")
    goal_id = (await any_app.services.goals.overview(LJ)).goals[0].id
    event_id = (await any_app.services.events.upcoming(LJ)).items[0].id
    before = await any_app.services.goals.overview(LJ)
    cases = {
        f"/dodajkazalnik {goal_id} | X | tri | letno": "ni ciljna vrednost",
        f"/dodajkazalnik {goal_id} | X | -3 | letno": "ne sme biti negativno",
        f"/dodajkazalnik {goal_id} | X | 3 | vsak teden": "Obdobja »vsak teden« ne razumem",
        f"/dodajkazalnik {goal_id} | X | 3 | do 31. 2. 2027": "ne razumem",
        "/dodajkazalnik 999 | X | 3 | letno": "V tej koaliciji ni cilja #999.",
        "/cilj 999": "V tej koaliciji ni cilja #999.",
        f"/uredidogodek {event_id} kazalnik={manual.id}": "se vpisuje ročno z /vpisi",
        f"/vpisi {applications.id} 1": "/vpisi je za kazalnike, ki se vpisujejo ročno",
        f"/vpisi {manual.id} 10^12": "ni število",
        f"/vpisi {manual.id} 1000000000000": "je preveliko",
        "/uredikazalnik 999 naslov=X": "ni kazalnika #999",
    }
    for line, expected in cases.items():
        reply = await ask(any_app, line, user=who, coalition=LJ, locale="sl")
        assert reply.is_error, line
        assert expected in reply.plain_text(), (line, reply.plain_text())
        assert "Primer:" in reply.plain_text(), line
    other = await ask(any_app, f"/vpisi {manual.id} 1", user=sasa, coalition="sasa", locale="sl")
    assert other.is_error
    assert f"V tej koaliciji ni kazalnika #{manual.id}." in other.plain_text()
    assert await any_app.services.goals.overview(LJ) == before


async def test_without_matplotlib_the_report_is_its_summary_and_how_to_get_charts(
    any_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chart, "available", lambda: False)
    reply = await ask(any_app, "/porocilo", coalition=LJ, locale="sl")
    assert reply.attachment is None
    # the demo's vertical link achieves one of the two links indicators
    assert "Digitalni ekosistem — delno dosežen: doseženo: 3 od 6 kazalnikov" in reply.lines
    assert reply.footer == "Za graf namestite matplotlib: pip install 'coalition-bot[charts]'."
    with_chart = await ask(any_app, "/report", coalition=LJ, locale="en")
    assert with_chart.attachment is None  # still none: matplotlib "missing"
    monkeypatch.undo()
    drawn = await ask(any_app, "/report", coalition=LJ, locale="en")
    assert drawn.attachment is not None
    assert drawn.attachment.content.startswith(b"\x89PNG")
    assert "3 of 6 indicators achieved" in drawn.lines[0]
