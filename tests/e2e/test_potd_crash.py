"""The prompt of the day killed with SIGKILL: the real `python -m bot run` process.

Each seed is a new server whose post is due (its time passed a minute ago, within the grace
window). The process is restarted so that its start-up catch-up makes the post, and killed at a
random moment of it (sometimes with the post's answer lost on the way back). A new process on
the same database must leave exactly one post per server-day, recorded as posted, with every
server's daily job scheduled again.
"""

from __future__ import annotations

import asyncio
import random
import re
from datetime import UTC, datetime, timedelta

import pytest

from bot.sandbox import StoredChannel
from tests.e2e.test_outbox_crash import MuseProcess, model_url, muse_process
from tests.e2e.test_potd_schedule import posts_in

pytestmark = pytest.mark.e2e

__all__ = ["model_url", "muse_process"]  # the fixtures this module uses

SEEDS = range(6)
POSTS = r"^POST /channels/\d+/messages$"
SCHEDULED = re.compile(r"prompt of the day: (\d+) server\(s\) scheduled")


async def due_time() -> tuple[str, str]:
    """A post time one minute ago (UTC) and today's date, not across midnight."""
    now = datetime.now(UTC)
    if now.hour == 0 and now.minute < 2:
        await asyncio.sleep(120 - now.minute * 60 - now.second)
        now = datetime.now(UTC)
    return (now - timedelta(minutes=1)).strftime("%H:%M"), now.date().isoformat()


async def posted(muse: MuseProcess, guild_id: int, local_date: str, timeout: float = 60) -> None:
    for _ in range(int(timeout / 0.1)):
        rows = muse.query(
            "SELECT status FROM potd_posts WHERE guild_id = ? AND local_date = ?",
            (guild_id, local_date),
        )
        if rows and rows[0]["status"] == "posted":
            return
        await asyncio.sleep(0.1)
    raise TimeoutError(f"no post recorded as posted for {guild_id} on {local_date}")


async def test_sigkill_at_random_points_of_the_daily_post_leaves_one_post_per_day(
    muse_process: MuseProcess,
) -> None:
    muse, sandbox = muse_process, muse_process.sandbox
    servers: list[tuple[int, StoredChannel, str]] = []
    killed_after_post = 0
    for seed in SEEDS:
        rng = random.Random(seed)
        since = len(sandbox.gateway_records)
        guild = await sandbox.add_guild(f"Studio {seed}", channel_names=("daily",))
        channel = next(c for c in guild.channels.values() if c.name == "daily")
        await sandbox.wait_for_event("GUILD_CREATE", since=since, timeout=30)
        at, today = await due_time()
        ix = await sandbox.slash(
            "potd setup",
            {"channel": channel, "time": at, "timezone": "UTC", "medium": "writing"},
            user=sandbox.state.owner,
            guild=guild,
            channel=channel,
        )
        await ix.final_message()
        assert muse.query("SELECT guild_id FROM potd_config WHERE guild_id = ?", (guild.id,))
        servers.append((guild.id, channel, today))
        await muse.stop()  # a clean stop: the next start-up's catch-up makes the post
        # As if set up yesterday: a server set up after today's time first posts tomorrow.
        yesterday = (datetime.now(UTC) - timedelta(days=1)).isoformat()
        muse.execute(
            "UPDATE potd_config SET active_since = ? WHERE guild_id = ?", (yesterday, guild.id)
        )

        if rng.random() < 0.4:  # the post reaches Discord but its answer is lost
            sandbox.inject_fault(POSTS, drop=True, after_effect=True, count=1)
        await muse.start(commands=None)
        if rng.random() < 0.5:  # somewhere before the post is sent (or while it is)
            await asyncio.sleep(rng.uniform(0.0, 1.5))
        else:  # once Discord has the post: while its thread and record are written
            path = f"/channels/{channel.id}/messages"
            await sandbox.wait_until(
                lambda path=path: any(c.method == "POST" and c.path == path for c in sandbox.calls),
                timeout=60,
            )
            await asyncio.sleep(rng.uniform(0.0, 0.2))
        muse.kill()
        await muse.reap()
        sandbox.clear_faults()
        if posts_in(sandbox, channel):
            killed_after_post += 1

        await muse.start()
        for guild_id, server_channel, day in servers:
            await posted(muse, guild_id, day)
            dates = [
                str(m.embeds[0]["footer"]["text"]).split("· ")[1][:10]
                for m in posts_in(sandbox, server_channel)
            ]
            assert dates == [day], f"seed {seed}: server {guild_id} has posts {dates}"
        scheduled = SCHEDULED.findall(muse.log.read_text(errors="replace"))
        assert scheduled and int(scheduled[-1]) == len(servers), (
            f"seed {seed}: the new process scheduled {scheduled[-1:]} server(s), not {len(servers)}"
        )
    print(f"{killed_after_post} of {len(SEEDS)} kills landed after the post reached Discord")
    assert killed_after_post, "no kill ever landed after the post reached Discord"
