"""Story moderation checks the member's permissions where the story lives (its thread's parent
channel), not in the channel the command was typed in: Manage Messages in #art gives no power
over a story in #writing. The sandbox computes channel overwrites as Discord does."""

from __future__ import annotations

import asyncio
from typing import Any

import discord
import pytest

from bot.sandbox import StoredChannel, StoredMember, StoredMessage
from tests.e2e.conftest import MuseHarness

pytestmark = pytest.mark.e2e

MANAGE_MESSAGES = discord.Permissions(manage_messages=True).value


async def bot_sees(muse: MuseHarness, channel: StoredChannel, member: StoredMember) -> None:
    """Wait until the bot's cache holds the member's newest overwrite in ``channel`` (polled:
    the CHANNEL_UPDATE reaching the bot is not a sandbox change)."""
    newest = next(o for o in channel.permission_overwrites if int(o["id"]) == member.id)
    wanted = bool(int(newest["allow"]) & MANAGE_MESSAGES)
    for _ in range(500):
        cached = muse.bot.get_channel(channel.id)
        if (
            isinstance(cached, discord.TextChannel)
            and cached.overwrites_for(discord.Object(member.id)).manage_messages is wanted
        ):
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the bot never saw the channel's new overwrite")


async def run(
    muse: MuseHarness,
    command: str,
    options: dict[str, Any],
    user: StoredMember,
    channel: StoredChannel,
) -> StoredMessage:
    ix = await muse.sandbox.slash(f"story {command}", options, user=user, channel=channel)
    message = await ix.final_message()
    await muse.bot.services.story.wait_idle()
    return message


async def test_a_moderator_elsewhere_cannot_moderate_a_story(muse: MuseHarness) -> None:
    sandbox = muse.sandbox
    alice, bob = sandbox.members[0], sandbox.members[1]
    writing = sandbox.channel
    art = await sandbox.add_channel("art")
    # Bob moderates #art, and only #art.
    await sandbox.set_permission_overwrite(art, bob, allow=MANAGE_MESSAGES)
    assert sandbox.guild.permissions_in(art, bob.id) & MANAGE_MESSAGES
    assert not sandbox.guild.permissions_in(writing, bob.id) & MANAGE_MESSAGES

    reply = await run(muse, "start", {"title": "Ink", "genre": "noir"}, alice, writing)
    assert "has begun" in reply.content, reply.content
    story = (await muse.bot.repos.stories.find_by_title(sandbox.guild.id, "Ink"))[0]
    assert story.channel_id == writing.id
    options = {"story": str(story.id)}

    # Typed in #art, where Discord tells the bot that Bob has Manage Messages: refused.
    for command in ("end", "pause", "skip"):
        reply = await run(muse, command, options, bob, art)
        assert "Manage Messages" in reply.content, (command, reply.content)
    reply = await run(muse, "kick", {**options, "member": alice}, bob, art)
    assert "Manage Messages" in reply.content, reply.content
    # In the story's own thread too (its permissions are #writing's).
    reply = await run(muse, "end", options, bob, sandbox.state.channels[story.thread_id])
    assert "Manage Messages" in reply.content, reply.content
    fresh = await muse.bot.repos.stories.get(story.id)
    assert fresh is not None and fresh.status == "open"  # nothing changed

    # Once Bob moderates #writing, the same command from #art works.
    await sandbox.set_permission_overwrite(writing, bob, allow=MANAGE_MESSAGES)
    await bot_sees(muse, writing, bob)
    reply = await run(muse, "pause", options, bob, art)
    assert "is paused" in reply.content, reply.content
    # And a member-level deny in #writing takes it away again, wherever he types.
    await sandbox.set_permission_overwrite(writing, bob, deny=MANAGE_MESSAGES)
    await bot_sees(muse, writing, bob)
    reply = await run(muse, "resume", options, bob, art)
    assert "Manage Messages" in reply.content, reply.content
