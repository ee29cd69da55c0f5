"""Import and export on real databases: previews write nothing, imports are idempotent,
export -> import round-trips, and the demo moves into an empty coalition whole."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.app import App
from handlers.imports import explain
from handlers.imports.flow import export_file, import_file
from models.entities import Activity, Contact, Event
from models.errors import PermissionDenied
from models.imports.columns import Kind
from models.imports.records import Outcome
from models.reminders import Reminder
from models.services.directory import CoalitionSpec
from tests.support import ask

ZONE_SLUG = "sasa"


async def run_import(
    app: App,
    content: bytes,
    *,
    name: str = "f.csv",
    slug: str = ZONE_SLUG,
    kind: Kind | None = None,
    write: bool = True,
    actor: str | None = None,
) -> tuple[Kind, Outcome]:
    coalition = await app.services.exports.coalition(slug)
    return await import_file(
        app.services.imports,
        slug,
        actor,
        name,
        content,
        kind=kind,
        now=app.clock(),
        zone=coalition.zone,
        t=app.translators["en"],
        translators=app.translators.values(),
        write=write,
    )


async def run_export(
    app: App, kind: Kind, fmt: str, slug: str = ZONE_SLUG, locale: str = "sl"
) -> bytes:
    coalition = await app.services.exports.coalition(slug)
    _, content = await export_file(
        app.services.exports,
        slug,
        None,
        kind,
        fmt,
        zone=coalition.zone,
        t=app.translators[locale],
        translators=app.translators.values(),
    )
    return content


async def count(app: App, model: type[Event] | type[Activity] | type[Contact]) -> int:
    async with app.database.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


EVENTS_CSV = (
    "naslov;kdaj;kje;področje;vrsta\n"
    "Delavnica AI;15. 3. 2027 ob 10h;Velenje;pametno-mesto;delavnica\n"
    "Sestanek sveta;2027-04-02 09:30;Ljubljana;;\n"
    ";16. 3. 2027;brez naslova;;\n"
    "Nejasno;03/04/2027 10:00;;;\n"
    "Delavnica AI;15. 3. 2027 10:00;Celje;;\n"
).encode()


async def test_preview_writes_nothing_then_import_is_idempotent(any_app: App) -> None:
    before = await count(any_app, Event)
    kind, preview = await run_import(any_app, EVENTS_CSV, write=False)
    assert kind is Kind.EVENTS
    assert (preview.new, preview.changed, preview.unchanged, preview.written) == (2, 0, 0, False)
    lines = explain.rejected_lines(any_app.translators["en"], preview.rejected, 10)
    assert lines == [
        "Row 4: The title is missing.",
        "Row 5: “03/04/2027 10:00” can be read in more than one way; write the day first, "
        "with dots, and the time in full, for example 15. 3. 2027 10:00.",
        "Row 6: the same as row 2.",
    ]
    sl = explain.rejected_lines(any_app.translators["sl"], preview.rejected, 10)
    assert sl[0].startswith("Vrstica 4:"), sl
    assert await count(any_app, Event) == before
    _, done = await run_import(any_app, EVENTS_CSV)
    assert (done.new, done.changed, done.written) == (2, 0, True)
    assert await count(any_app, Event) == before + 2
    _, again = await run_import(any_app, EVENTS_CSV)
    assert (again.new, again.changed, again.unchanged) == (0, 0, 2)
    assert await count(any_app, Event) == before + 2
    changed = EVENTS_CSV.replace(b"Ljubljana", b"Maribor")
    _, moved = await run_import(any_app, changed)
    assert (moved.new, moved.changed, moved.unchanged) == (0, 1, 1)
    answer = await ask(any_app, "/events month", locale="en")
    assert "Delavnica AI" in answer.plain_text() or (await count(any_app, Event)) == before + 2


async def test_export_then_import_changes_nothing_for_every_kind(any_app: App) -> None:
    for kind in Kind:
        for fmt in ("csv", "xlsx"):
            content = await run_export(any_app, kind, fmt)
            _, outcome = await run_import(any_app, content, name=f"x.{fmt}", kind=kind)
            assert (outcome.new, outcome.changed, outcome.rejected) == (0, 0, ()), (kind, fmt)
            assert outcome.unchanged > 0


async def test_the_demo_exported_to_xlsx_fills_an_empty_coalition_alike(any_app: App) -> None:
    await any_app.services.directory.apply_config(
        [CoalitionSpec("prazna", "Lokalna digitalna koalicija SAŠA regije")]
    )
    for kind in (Kind.ACTIVITIES, Kind.EVENTS, Kind.CONTACTS):
        content = await run_export(any_app, kind, "xlsx")
        _, outcome = await run_import(any_app, content, name="demo.xlsx", slug="prazna")
        assert outcome.rejected == (), kind
        assert outcome.new > 0, kind
    for command in ("/aktivnosti", "/dogodki"):
        original = await ask(any_app, command, coalition="sasa")
        copied = await ask(any_app, command, coalition="prazna")
        assert same(copied.plain_text()) == same(original.plain_text()), command


def same(text: str) -> str:
    """An answer without its ids (they differ between coalitions) and without the links to
    goals' indicators (goals are not imported)."""
    return "".join(c for c in text if not c.isdigit()).replace(" · Kazalnik: #", "")


async def test_a_coordinator_imports_a_member_may_not(any_app: App) -> None:
    contacts = b"ime,organizacija,e-posta\nAna Novak,Nova org,ana@example.org\n"
    await any_app.services.directory.ensure_role(
        "sasa", "console:koord", __import__("models.entities", fromlist=["Role"]).Role.COORDINATOR
    )
    _, outcome = await run_import(any_app, contacts, actor="console:koord")
    assert outcome.new == 1
    with pytest.raises(PermissionDenied):
        await run_import(any_app, contacts, actor="console:nobody")


async def test_ten_thousand_rows_import_in_one_go(app: App) -> None:
    rows = "".join(
        f"Dogodek {i};{1 + i % 28}. {1 + i % 12}. 2025 {8 + i % 10}:00;Velenje\n"
        for i in range(10_000)
    )
    content = ("naslov;kdaj;kje\n" + rows).encode()
    _, outcome = await run_import(app, content)
    assert outcome.new + len(outcome.rejected) == 10_000
    assert outcome.new > 9000


GOALS_CSV = (
    "cilj;področje;opis cilja;kazalnik;ciljna vrednost;enota;obdobje;vir\n"
    "Digitalni ekosistem;pametno-mesto;Povezana koalicija;Oddane prijave;3;prijave;letno;"
    "aktivnosti\n"
    "Digitalni ekosistem;pametno-mesto;Povezana koalicija;Živi laboratorij;1;;do 31. 12. 2027;\n"
    "Digitalni ekosistem;;;Stroški;največ 2,5;;letno;ročno vsota\n"
    "Nov cilj brez kazalnikov;;;;;;;\n"
    "Slab cilj;;;Slab kazalnik;tri;;letno;\n"
    "Slab cilj;;;Slabo obdobje;1;;včasih;\n"
    "Slab cilj;;;Slab vir;1;;letno;golobi\n"
    "Digitalni ekosistem;;;Oddane prijave;4;;letno;\n"
).encode()


async def test_goals_with_indicators_import_once_and_reject_what_they_cannot_read(
    any_app: App,
) -> None:
    kind, preview = await run_import(any_app, GOALS_CSV, write=False)
    assert kind is Kind.GOALS
    assert (preview.new, preview.changed, preview.unchanged) == (4, 0, 0)
    reasons = explain.rejected_lines(any_app.translators["en"], preview.rejected, 10)
    assert reasons == [
        "Row 6: The target does not look right.",
        "Row 7: The period does not look right.",
        "Row 8: “golobi” is not a source I know.",
        "Row 9: the same as row 2.",
    ], reasons
    _, done = await run_import(any_app, GOALS_CSV)
    assert done.new == 4
    _, again = await run_import(any_app, GOALS_CSV)
    assert (again.new, again.changed, again.unchanged) == (0, 0, 4)
    answer = (await ask(any_app, "/goals", locale="en")).plain_text()
    assert "Digitalni ekosistem" in answer
    assert "Oddane prijave" in answer
    assert "Nov cilj brez kazalnikov" in answer
    content = await run_export(any_app, Kind.GOALS, "csv")
    assert "največ 2.5" in content.decode("utf-8-sig")
    assert "ročno vsota" in content.decode("utf-8-sig")
    assert "do 31. 12. 2027" in content.decode("utf-8-sig")


async def test_imported_events_and_activities_get_their_reminders_once(any_app: App) -> None:
    async def reminders() -> int:
        async with any_app.database.sessions() as session:
            return int(await session.scalar(select(func.count()).select_from(Reminder)) or 0)

    before = await reminders()
    future = b"naslov;kdaj\nPrvi;15. 3. 2027 10:00\nDrugi;16. 3. 2027 10:00\n"
    await run_import(any_app, future)
    planned = await reminders() - before
    offsets = len(any_app.services.imports.policy.event_offsets)
    assert planned == 2 * offsets
    await run_import(any_app, future)
    assert await reminders() - before == planned, "importing again plans nothing more"
    plan = "naslov;rok\nPoročilo;31. 5. 2027\n".encode()
    await run_import(any_app, plan, kind=Kind.ACTIVITIES)
    deadline = len(any_app.services.imports.policy.deadline_offsets)
    assert await reminders() - before == planned + deadline
