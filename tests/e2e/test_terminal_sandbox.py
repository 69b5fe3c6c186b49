"""The sandbox terminal against a small discord.py client: slow replies followed to the end,
forms filled field by field, names for channels/members/roles, files saved, timestamps drawn."""

from __future__ import annotations

import asyncio
import contextlib
import io
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import discord
import pytest
from discord import app_commands

from bot.endpoints import apply_discord_endpoints, current_discord_endpoints
from bot.runner import interaction_handlers_running
from bot.sandbox import Sandbox
from bot.terminal import SandboxTerminal

pytestmark = pytest.mark.e2e


class NoteForm(discord.ui.Modal, title="A note"):
    subject: discord.ui.TextInput[NoteForm] = discord.ui.TextInput(label="Subject", max_length=40)
    body: discord.ui.TextInput[NoteForm] = discord.ui.TextInput(
        label="Body", style=discord.TextStyle.paragraph
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            f"got {self.subject.value} / {self.body.value}",
            file=discord.File(io.BytesIO(b"hello"), filename="note.txt"),
        )


class TerminalBot(discord.Client):
    def __init__(self) -> None:
        super().__init__(intents=discord.Intents.none())
        self.tree = app_commands.CommandTree(self)

    async def setup_hook(self) -> None:
        tree = self.tree

        @tree.command()
        async def slow(interaction: discord.Interaction) -> None:
            """Progress, a long quiet spell, then the answer."""
            await interaction.response.defer(thinking=True)
            await interaction.edit_original_response(content="⏳ step 1 of 2")
            await asyncio.sleep(3.0)  # longer than the terminal's quiet spell
            await interaction.followup.send("finished at <t:1796599135:D>")

        @tree.command()
        async def form(interaction: discord.Interaction) -> None:
            """Open a form."""
            await interaction.response.send_modal(NoteForm())

        @tree.command()
        @app_commands.choices(
            mood=[
                app_commands.Choice(name="Calm", value="calm"),
                app_commands.Choice(name="Wild", value="wild"),
            ]
        )
        async def pick(
            interaction: discord.Interaction,
            channel: discord.TextChannel,
            member: discord.Member,
            role: discord.Role,
            mood: str,
            count: int = 1,
        ) -> None:
            """Echo resolved objects."""
            await interaction.response.send_message(
                f"channel={channel.name} member={member.name} role={role.name} "
                f"mood={mood} count={count} ping=<@{member.id}>"
            )

        await tree.sync()


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    previous = current_discord_endpoints()
    async with Sandbox() as sb:
        apply_discord_endpoints(sb.api_base, sb.gateway_url)
        client = TerminalBot()
        task = asyncio.create_task(client.start(sb.token))
        try:
            await sb.wait_until_ready()
            await sb.wait_for_commands("slow", "form", "pick")
            yield sb
        finally:
            await client.close()
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
    apply_discord_endpoints(*previous)


def scripted(lines: list[str]) -> Iterator[str]:
    yield from lines


async def run_terminal(sandbox: Sandbox, lines: list[str], files: Path) -> str:
    feed = scripted(lines)
    out: list[str] = []

    def read_line(prompt: str) -> str:
        out.append(prompt)
        try:
            return next(feed)
        except StopIteration:
            raise EOFError from None

    terminal = SandboxTerminal(
        sandbox,
        read_line=read_line,
        write=out.append,
        busy=interaction_handlers_running,
        files_dir=files,
    )
    await asyncio.wait_for(terminal.run(asyncio.Event()), 60)
    return "".join(out)


async def test_slow_reply_is_followed_to_its_last_follow_up(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    text = await run_terminal(sandbox, ["/slow"], tmp_path)
    assert "⏳ step 1 of 2" in text
    assert "finished at" in text and "<t:" not in text  # the timestamp is drawn, not raw
    assert text.index("finished at") < text.rindex("[admin] > ")


async def test_names_resolve_and_choices_match_names(sandbox: Sandbox, tmp_path: Path) -> None:
    text = await run_terminal(
        sandbox,
        [
            "/pick channel:general member:@alice role:Admin mood:Calm count:3",
            "/pick channel:#studio member:bob role:@Admin mood:wild",
            "/pick channel:kitchen member:alice role:Admin mood:calm",
            "/pick channel:general member:zed role:Admin mood:calm",
            "/pick channel:general member:alice role:Admin mood:angry",
            "/pick channel:general member:alice role:Admin mood:calm count:two",
        ],
        tmp_path,
    )
    assert "channel=general member=alice role=Admin mood=calm count=3 ping=@alice" in text
    assert "channel=studio member=bob role=Admin mood=wild count=1" in text
    assert "the channels are: #general, #studio" in text
    assert "@alice" in text.split("there is no member 'zed'", 1)[1]
    assert "pick one of: calm, wild" in text
    assert "needs a whole number" in text
    assert "Traceback" not in text


async def test_form_is_filled_field_by_field_and_files_are_saved(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    text = await run_terminal(
        sandbox, ["/form", "Tides", "first line", "second line", "."], tmp_path
    )
    assert "Muse opened a form: A note" in text
    assert "Subject" in text and "Body" in text
    assert "got Tides / first line\nsecond line" in text
    saved = tmp_path / "note.txt"
    assert saved.read_bytes() == b"hello" and str(saved) in text


async def test_help_commands_and_completion(sandbox: Sandbox, tmp_path: Path) -> None:
    text = await run_terminal(sandbox, ["commands", "help /pick", "help /nothing"], tmp_path)
    assert "/pick" in text and "/slow" in text
    assert "mood:  (text, required)" in text and "one of: calm, wild" in text
    assert "count:  (whole number, optional)" in text
    assert "/nothing is not a command" in text
    terminal = SandboxTerminal(sandbox, write=lambda _: None)
    assert "/pick " in terminal.completions("/pi", "/pi")
    assert "mood:" in terminal.completions("/pick channel:general mo", "mo")
    assert terminal.completions("/pick mood:", "mood:") == ["mood:calm", "mood:wild"]
    assert terminal.completions("/pick channel:g", "channel:g") == ["channel:general"]
    assert "alice" in terminal.completions("as al", "al")
