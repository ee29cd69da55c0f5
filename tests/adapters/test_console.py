"""The console chat: every feature from a terminal or a pipe, as plain text."""

from __future__ import annotations

import asyncio
import io
import subprocess
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.adapters.console import ConsoleChat, ConsoleIdentity
from bot.app import App
from handlers.commands import COMMANDS
from models.entities import Activity, AuditEntry, ChatBinding, Contact, Event, Member, Role
from tests.support import bot_cli


def chat(*args: str, stdin: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return bot_cli("chat", *args, cwd=cwd, stdin=stdin)


def test_piped_events_prints_the_answer_and_exits_zero(tmp_path: Path) -> None:
    result = chat(stdin="/events\n", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "prihajajoč" in result.stdout
    assert "eAlijansa" in result.stdout
    assert "<" not in result.stdout, "plain text, no markup"


def test_flags_choose_language_role_and_coalition(tmp_path: Path) -> None:
    english = chat("--lang", "en", stdin="/events\n", cwd=tmp_path)
    assert "upcoming events" in english.stdout
    member = chat(
        "--as", "bojan", "--role", "member", stdin="/addevent X | jutri ob 10h\n", cwd=tmp_path
    )
    assert "koordinatorji" in member.stdout
    ljubljana = chat("--coalition", "ljubljana", stdin="/areas\n", cwd=tmp_path)
    assert "Živi laboratorij" in ljubljana.stdout
    unknown = chat("--coalition", "nowhere", stdin="/areas\n", cwd=tmp_path)
    assert unknown.returncode == 2
    assert "nowhere" in unknown.stderr


def test_a_session_of_several_lines_keeps_state(tmp_path: Path) -> None:
    lines = "/addevent Sestanek koordinatorjev | jutri ob 10h | Velenje\n/language en\n/events\n"
    result = chat(stdin=lines, cwd=tmp_path)
    assert "Dogodek #" in result.stdout
    assert "I will now answer you in English." in result.stdout
    assert "Sestanek koordinatorjev" in result.stdout.split("English.")[1]


async def test_console_reads_until_end_of_input(app: App) -> None:
    output = io.StringIO()
    console = ConsoleChat(app.dispatcher, ConsoleIdentity(coalition="sasa"))
    await console.run(io.StringIO("/areas\n\n/quit\n/events\n"), output)
    assert "Pametno mesto" in output.getvalue()
    assert "prihajajoč" not in output.getvalue(), "nothing after /quit is read"


async def row_counts(app: App) -> tuple[int, ...]:
    async with app.database.sessions() as session:
        return tuple(
            [
                await session.scalar(select(func.count()).select_from(table)) or 0
                for table in (Event, Activity, Contact, Member, ChatBinding, AuditEntry)
            ]
        )


# A member may change their own settings; everything else must stay as it was.
PERSONAL = {"language", "subscribe", "unsubscribe"}
NAMES = [spec.name for spec in COMMANDS if spec.name not in PERSONAL] + [
    spec.alias for spec in COMMANDS if spec.name not in PERSONAL
]
ARGUMENT_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300
) | st.sampled_from(
    ["<b>x</b> | jutri ob 10h", "*a* _b_ | 31.2.", "1 title=", "page=0", "| | | |", "x" * 5000]
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(name=st.sampled_from(NAMES) | st.text(max_size=20), args=ARGUMENT_TEXT)
async def test_random_lines_always_get_an_answer_and_a_member_changes_nothing(
    app: App, name: str, args: str, tmp_path: Path
) -> None:
    await app.services.directory.ensure_role("sasa", "console:guest", Role.MEMBER)
    identity = ConsoleIdentity("guest", Role.MEMBER, None, "sasa")
    console = ConsoleChat(app.dispatcher, identity, files=tmp_path)  # a /report's chart
    before = await row_counts(app)
    answer = await console.ask(f"/{name} {args}")
    if f"/{name} {args}".strip():
        assert answer, f"no answer to {name!r} {args!r}"
    assert await row_counts(app) == before


async def test_the_report_chart_is_written_to_a_file_whose_path_is_printed(
    app: App, tmp_path: Path
) -> None:
    console = ConsoleChat(app.dispatcher, ConsoleIdentity(coalition="ljubljana"), files=tmp_path)
    answer = await console.ask("/porocilo")
    assert answer is not None
    assert "Digitalni ekosistem — delno dosežen" in answer
    path = Path(answer.rsplit("[", 1)[1].rstrip("]"))
    assert path.parent == tmp_path
    assert (await asyncio.to_thread(path.read_bytes)).startswith(b"\x89PNG\r\n\x1a\n")
