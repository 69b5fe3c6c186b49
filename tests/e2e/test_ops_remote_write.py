"""The /write scenarios on the REMOTE engine: the real bot, the sandbox, and llama-cpp-python's
OpenAI-compatible server (a real subprocess with the bundled model) behind OpenAICompatEngine."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.sandbox import InteractionHandle, Sandbox, StoredMessage
from models.remote import OpenAICompatEngine

from ..integration.test_remote_engine import LlamaServer, start_llama_server, stop_llama_server
from .conftest import assert_no_unwanted_pings, start_muse

pytestmark = [pytest.mark.e2e, pytest.mark.model]

CURSOR = "▌"


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    server = start_llama_server(tmp_path_factory.mktemp("llama") / "server.log")
    yield server
    stop_llama_server(server)


def remote_factory(url: str) -> object:
    # /write sets max_tokens from the length asked for; concurrency 1 makes a second member wait.
    return lambda: OpenAICompatEngine(url, context_size=2048, concurrency=1, retries=1)


async def finished(sandbox: Sandbox, ix: InteractionHandle, timeout: float = 120) -> StoredMessage:
    def done() -> StoredMessage | None:
        messages = ix.messages
        if not messages or any(m.loading or CURSOR in m.content for m in messages):
            return None
        last = messages[-1]
        return last if last.custom_ids() or "*(" in last.content else None

    result: StoredMessage = await sandbox.wait_until(done, timeout)
    return result


async def test_write_streams_completes_and_offers_buttons_on_the_remote_engine(
    sandbox: Sandbox, tmp_path: Path, llama_server: LlamaServer
) -> None:
    muse = await start_muse(sandbox, tmp_path, engine_factory=remote_factory(llama_server.url))
    try:
        owner = sandbox.members[0]
        ix = await sandbox.slash(
            "write", {"form": "poem", "topic": "harbour lights", "length": "short"}, user=owner
        )
        message = await finished(sandbox, ix)
        assert ix.latency is not None and ix.latency < 3.0
        assert message.content.startswith("**Poem · harbour lights**")
        body = message.content.split("\n\n", 1)[1]
        assert len(body.strip()) > 10 and "cut off" not in body
        assert {"muse:write:regen:1", "muse:write:cont:1"} <= set(message.custom_ids())
        assert muse.bot.engine.info.backend.startswith("remote")
        assert muse.bot.engine.stats().requests_served == 1
        row = await muse.bot.db.fetchone("SELECT status, text FROM generations WHERE id = 1")
        assert row is not None and row["status"] == "done" and row["text"].strip()

        cont = await sandbox.click(message, "muse:write:cont:1", owner)
        continued = await finished(sandbox, cont)
        assert "(continued)" in continued.content
        assert assert_no_unwanted_pings(sandbox.calls) >= 2
        assert not sandbox.unknown_routes
    finally:
        await muse.stop()


async def test_queue_positions_show_in_front_of_the_remote_server(
    sandbox: Sandbox, tmp_path: Path, llama_server: LlamaServer
) -> None:
    muse = await start_muse(sandbox, tmp_path, engine_factory=remote_factory(llama_server.url))
    try:
        first, second = await asyncio.gather(
            sandbox.slash(
                "write",
                {"form": "poem", "topic": "one", "length": "short"},
                user=sandbox.members[0],
            ),
            sandbox.slash(
                "write",
                {"form": "poem", "topic": "two", "length": "short"},
                user=sandbox.members[1],
            ),
        )

        def someone_waits() -> bool:
            return any(
                ix.original is not None and "in the queue" in ix.original.content
                for ix in (first, second)
            )

        await sandbox.wait_until(someone_waits, 30)
        done = [await finished(sandbox, ix) for ix in (first, second)]
        assert all("queue" not in m.content and m.custom_ids() for m in done)
    finally:
        await muse.stop()


async def test_shutdown_cuts_off_a_remote_generation_and_leaves_the_database_consistent(
    sandbox: Sandbox, tmp_path: Path, llama_server: LlamaServer
) -> None:
    muse = await start_muse(sandbox, tmp_path, engine_factory=remote_factory(llama_server.url))
    ix = await sandbox.slash(
        "write",
        {"form": "story", "topic": "a very long voyage", "length": "long"},
        user=sandbox.members[0],
    )
    await sandbox.wait_until(
        lambda: ix.original is not None and len(ix.original.content) > 60, timeout=90
    )
    await muse.stop()
    assert ix.original is not None
    assert "cut off" in ix.original.content and CURSOR not in ix.original.content
    with sqlite3.connect(muse.database) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        status = db.execute("SELECT status FROM generations ORDER BY id DESC").fetchone()[0]
    assert status == "failed"
