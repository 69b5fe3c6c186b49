"""The invite URL's permission integer follows from the code: scan every cog and discord_io for
calls Muse makes as itself in channels, and check deploy/README.md shows the same numbers."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import discord

from bot.ops.permissions import (
    REQUIRED_PERMISSIONS,
    invite_url,
    permission_integer,
    required_permissions,
    scan_usage,
)

REPO = Path(__file__).resolve().parents[2]
SOURCES = sorted((REPO / "cogs").rglob("*.py")) + sorted((REPO / "bot/discord_io").rglob("*.py"))


def test_declared_permissions_are_exactly_what_the_code_uses() -> None:
    usages = scan_usage(SOURCES, root=REPO)
    used = {u.permission for u in usages}
    missing = used - REQUIRED_PERMISSIONS.keys()
    unused = REQUIRED_PERMISSIONS.keys() - used
    where = {p: [f"{u.path}:{u.line} {u.call}" for u in usages if u.permission == p] for p in used}
    assert not missing, "add to REQUIRED_PERMISSIONS (bot/ops/permissions.py): " + str(
        {p: where[p][:3] for p in missing}
    )
    assert not unused, f"nothing uses {sorted(unused)} any more: drop them (minimal invite)"


def test_every_declared_permission_is_a_real_discord_permission() -> None:
    for name in REQUIRED_PERMISSIONS:
        assert name in discord.Permissions.VALID_FLAGS, name
    assert permission_integer() == required_permissions().value
    assert not required_permissions().administrator


def test_readme_shows_the_computed_integer_and_invite_url() -> None:
    readme = (REPO / "deploy/README.md").read_text(encoding="utf-8")
    assert invite_url() in readme
    integers = {int(n) for n in re.findall(r"permissions=(\d+)", readme)}
    assert integers == {permission_integer()}, f"README shows {integers}"
    assert f"**{permission_integer()}**" in readme
    assert "scope=bot+applications.commands" in readme
    for name in REQUIRED_PERMISSIONS:
        label = name.replace("_", " ").title().replace("In ", "in ")
        assert f"| {label} |" in readme, f"README's permission table lacks {label}"


def test_the_scanner_tells_channel_calls_from_interaction_replies(tmp_path: Path) -> None:
    source = tmp_path / "cog.py"
    source.write_text(
        textwrap.dedent(
            """
            async def f(interaction, channel, message, thread, service):
                await interaction.response.send_message("hi", embed=e)
                await interaction.followup.send(file=f)
                await service.history(1)
                await channel.send("x", embed=e, files=[f])
                await message.create_thread(name="t")
                await message.add_reaction("x")
                await thread.edit(archived=True)
            """
        )
    )
    found = {(u.permission, u.line) for u in scan_usage([source])}
    assert {p for p, _ in found} == {
        "view_channel",
        "send_messages",
        "embed_links",
        "attach_files",
        "create_public_threads",
        "send_messages_in_threads",
        "read_message_history",
        "add_reactions",
        "manage_threads",
    }
    assert all(line >= 6 for _, line in found), "interaction replies and services need nothing"
