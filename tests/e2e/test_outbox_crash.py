"""Killed with SIGKILL: the real `python -m bot run` process against the sandbox.

Muse runs as a separate process (on a tiny OpenAI-compatible model server in this process, so
it starts fast), is killed with SIGKILL at chosen or random moments of a story turn, and a new
process on the same database must finish the work: no acknowledged write lost, no post twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import signal
import sqlite3
import sys
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from bot.sandbox import Sandbox, StoredMember, StoredMessage

pytestmark = pytest.mark.e2e

THREAD_POSTS = r"^POST /channels/\d+/messages$"
SEEDS = range(10)


async def _models(_request: web.Request) -> web.Response:
    return web.json_response({"object": "list", "data": [{"id": "tiny"}]})


async def _complete(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
    await response.prepare(request)
    chunk = {"choices": [{"index": 0, "delta": {"content": "The sea kept its secrets."}}]}
    await response.write(f"data: {json.dumps(chunk)}\n\n".encode())
    await response.write(b"data: [DONE]\n\n")
    await response.write_eof()
    return response


@pytest.fixture
async def model_url() -> AsyncIterator[str]:
    app = web.Application()
    app.router.add_get("/v1/models", _models)
    app.router.add_post("/v1/chat/completions", _complete)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}/v1"
    await runner.cleanup()


class MuseProcess:
    """Starts and kills `python -m bot run` processes on one database."""

    def __init__(self, sandbox: Sandbox, tmp_path: Path, model_url: str) -> None:
        self.sandbox = sandbox
        self.database = tmp_path / "muse.db"
        self.log = tmp_path / "muse.log"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("MUSE_")} | {
            "MUSE_DISCORD_TOKEN": sandbox.token,
            "MUSE_DISCORD_API_BASE": sandbox.api_base,
            "MUSE_DISCORD_GATEWAY": sandbox.gateway_url,
            "MUSE_DATABASE": str(self.database),
            "MUSE_ENGINE": "remote",
            "MUSE_REMOTE_URL": model_url,
            "MUSE_OUTBOX_RETRY_BASE_SECONDS": "0.2",
            "MUSE_OUTBOX_RETRY_MAX_SECONDS": "1",
            "MUSE_LOG_LEVEL": "INFO",
        }
        self.cwd = tmp_path
        self.process: asyncio.subprocess.Process | None = None

    async def start(self, commands: str | None = "story") -> None:
        """Start a process; wait for its GUILD_CREATE and (unless None) its ``commands``."""
        since = len(self.sandbox.gateway_records)
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "run",
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                env=self.env,
                cwd=self.cwd,
            )
        await self.sandbox.wait_for_event("GUILD_CREATE", since=since, timeout=90)
        if commands is not None:
            await self.sandbox.wait_for_commands(commands, timeout=60)

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs."""
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):
            self.process.send_signal(signal.SIGKILL)

    async def reap(self) -> None:
        if self.process is not None:
            await asyncio.wait_for(self.process.wait(), 30)
            self.process = None

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 30)
            except TimeoutError:
                self.kill()
                await self.process.wait()
        self.process = None

    def query(self, sql: str, params: tuple[object, ...] = ()) -> list[sqlite3.Row]:
        with contextlib.closing(sqlite3.connect(self.database, timeout=10)) as conn:
            conn.row_factory = sqlite3.Row
            return list(conn.execute(sql, params).fetchall())

    def execute(self, sql: str, params: tuple[object, ...] = ()) -> None:
        """Change the database while no process runs (seeding a state)."""
        with contextlib.closing(sqlite3.connect(self.database, timeout=10)) as conn:
            conn.execute(sql, params)
            conn.commit()

    async def settled(self, timeout: float = 60) -> None:
        """Wait until the running process has posted everything it recorded."""
        for _ in range(int(timeout / 0.1)):
            if not self.query("SELECT id FROM outbox WHERE status = 'pending'"):
                return
            await asyncio.sleep(0.1)
        raise TimeoutError("the outbox still holds pending posts")


@pytest.fixture
async def muse_process(
    sandbox: Sandbox, tmp_path: Path, model_url: str
) -> AsyncIterator[MuseProcess]:
    muse = MuseProcess(sandbox, tmp_path, model_url)
    await muse.start()
    yield muse
    await muse.stop()


async def answered(
    sandbox: Sandbox, command: str, options: dict[str, object], user: StoredMember
) -> str:
    ix = await sandbox.slash(f"story {command}", options, user=user)
    message: StoredMessage = await ix.final_message()
    return message.content


def turn_pings(messages: list[StoredMessage]) -> list[int]:
    found = []
    for message in messages:
        if ", it's your turn in" in message.content:
            found += [int(u) for u in (message.allowed_mentions or {}).get("users", [])]
    return found


async def start_story(muse: MuseProcess) -> tuple[int, list[StoredMember]]:
    alice, bob, carol = muse.sandbox.members
    assert "has begun" in await answered(
        muse.sandbox, "start", {"title": "Wreck", "genre": "sea"}, alice
    )
    for member in (bob, carol):
        await answered(muse.sandbox, "join", {"story": "Wreck"}, member)
    await muse.settled()
    (row,) = muse.query("SELECT thread_id FROM stories WHERE title = 'Wreck'")
    return int(row["thread_id"]), [alice, bob, carol]


def current_writer(muse: MuseProcess) -> int:
    (row,) = muse.query("SELECT current_user_id FROM stories WHERE title = 'Wreck'")
    return int(row["current_user_id"])


async def test_sigkill_right_after_a_write_is_acknowledged_loses_nothing(
    muse_process: MuseProcess,
) -> None:
    muse = muse_process
    thread_id, (alice, bob, _carol) = await start_story(muse)
    # Hold the thread's posts back so the kill lands before the segment is out.
    muse.sandbox.inject_fault(THREAD_POSTS, status=503)
    reply = await answered(
        muse.sandbox, "write", {"story": "Wreck", "text": "Ropes snapped."}, alice
    )
    assert "is in" in reply
    muse.kill()
    await muse.reap()
    assert not any("Ropes snapped." in m.content for m in muse.sandbox.messages_in(thread_id))
    muse.sandbox.clear_faults()

    await muse.start()
    await muse.settled()
    messages = muse.sandbox.messages_in(thread_id)
    assert sum("Ropes snapped." in m.content for m in messages) == 1
    assert turn_pings(messages).count(bob.id) == 1
    assert turn_pings(messages)[-1] == bob.id


async def test_sigkill_at_random_points_of_story_turns_keeps_the_invariants(
    muse_process: MuseProcess,
) -> None:
    """Over many seeds: kill at a random moment after sending a write (before or after its
    answer), restart, and check no acknowledged write is lost, no post appears twice, and
    the turn's deadline is set again."""
    muse = muse_process
    thread_id, members = await start_story(muse)
    by_id = {m.id: m for m in members}
    acknowledged: list[str] = []
    for seed in SEEDS:
        rng = random.Random(seed)
        writer = by_id[current_writer(muse)]
        text = f"Seed {seed} washed ashore."
        if rng.random() < 0.5:  # sometimes the answer of the post itself is lost as well
            muse.sandbox.inject_fault(THREAD_POSTS, drop=True, after_effect=True, count=1)
        ix = await muse.sandbox.slash("story write", {"story": "Wreck", "text": text}, user=writer)
        await asyncio.sleep(rng.uniform(0.0, 0.6))
        muse.kill()
        await muse.reap()
        muse.sandbox.clear_faults()
        with contextlib.suppress(Exception):
            final = await asyncio.wait_for(ix.final_message(), 0.1)
            if "is in" in final.content:
                acknowledged.append(text)
        await muse.start()
        await muse.settled()
        stored = {r["text"] for r in muse.query("SELECT text FROM story_segments")}
        assert set(acknowledged) <= stored, f"seed {seed}: an acknowledged write was lost"
        (story,) = muse.query(
            "SELECT status, current_user_id, turn_deadline FROM stories WHERE title = 'Wreck'"
        )
        assert story["status"] == "open" and story["turn_deadline"] is not None
        rearmed = muse.log.read_text(errors="replace").count(
            "re-armed the deadlines of 1 running story turn(s)"
        )
        assert rearmed == seed + 1, f"seed {seed}: the new process did not re-arm the deadline"
        messages = muse.sandbox.messages_in(thread_id)
        counts = Counter(m.content for m in messages)
        assert all(n == 1 for n in counts.values()), f"seed {seed}: posted twice: {counts}"
        for segment in stored:
            assert sum(segment in m.content for m in messages) == 1, f"seed {seed}: {segment}"
    print(f"{len(acknowledged)} of {len(SEEDS)} writes were acknowledged before the kill")
    assert acknowledged, "no write was ever acknowledged before the kill"
