"""The operations endpoint end to end: /healthz follows the gateway, the database and the engine;
/metrics parses with prometheus-client's own parser; incident ids reach structured logs."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.ops.cog import OpsCog
from bot.ops.logs import JsonFormatter
from bot.sandbox import Sandbox
from models import FakeEngine

from .conftest import MuseHarness, start_muse

pytestmark = pytest.mark.e2e


def ops_url(muse: MuseHarness) -> str:
    # discord.py loads extensions as fresh module objects, so compare by name, not isinstance.
    cog = muse.bot.get_cog("OpsCog")
    assert cog is not None and type(cog).__name__ == OpsCog.__name__
    port = getattr(cog, "port", None)
    assert port
    return f"http://127.0.0.1:{port}"


async def get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.text()


async def health(muse: MuseHarness) -> tuple[int, dict[str, Any]]:
    status, body = await get(f"{ops_url(muse)}/healthz")
    return status, json.loads(body)


async def eventually_health(muse: MuseHarness, want: int, timeout: float = 10.0) -> dict[str, Any]:
    """Poll /healthz until it answers ``want`` (as a monitoring system would)."""
    body: dict[str, Any] = {}
    for _ in range(int(timeout / 0.05)):
        status, body = await health(muse)
        if status == want:
            return body
        await asyncio.sleep(0.05)
    raise AssertionError(f"/healthz never answered {want}; last: {body}")


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a Prometheus exposition, keyed by name and sorted labels."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


@pytest.fixture
async def muse_ops(sandbox: Sandbox, tmp_path: Path) -> AsyncIterator[MuseHarness]:
    harness = await start_muse(
        sandbox,
        tmp_path,
        engine_factory=lambda: FakeEngine(replies=["The tide turns. " * 6], delay=0.002),
        ops_port=0,
    )
    yield harness
    await harness.stop()
    assert not sandbox.unknown_routes


async def test_healthz_is_ok_when_connected_and_binds_to_localhost(muse_ops: MuseHarness) -> None:
    body = await eventually_health(muse_ops, 200)
    assert body["status"] == "ok"
    assert body["checks"]["gateway"] == {"connected": True, "shards": {"0": True}}
    assert body["checks"]["database"] == {"writable": True}
    assert body["checks"]["engine"] == {"loaded": True}
    assert ops_url(muse_ops).startswith("http://127.0.0.1:")
    status, _ = await get(f"{ops_url(muse_ops)}/nothing-here")
    assert status == 404


async def test_healthz_turns_unhealthy_when_the_gateway_drops_and_recovers_after_resume(
    muse_ops: MuseHarness,
) -> None:
    sandbox = muse_ops.sandbox
    await eventually_health(muse_ops, 200)
    identifies, resumes = sandbox.gateway.identify_count, sandbox.gateway.resume_count
    sandbox.hold_gateway()  # the bot's reconnection waits, so the outage is observable
    await sandbox.drop_gateway()
    body = await eventually_health(muse_ops, 503)
    assert body["checks"]["gateway"]["connected"] is False
    assert any("gateway" in p for p in body["problems"])
    assert body["checks"]["database"]["writable"] is True  # only the gateway is down
    sandbox.release_gateway()
    await eventually_health(muse_ops, 200)
    assert sandbox.gateway.resume_count == resumes + 1, "the bot must RESUME, not re-IDENTIFY"
    assert sandbox.gateway.identify_count == identifies


async def test_healthz_reports_a_locked_database_and_an_unloaded_engine(
    muse_ops: MuseHarness,
) -> None:
    await eventually_health(muse_ops, 200)
    locker = sqlite3.connect(muse_ops.database, timeout=1)
    try:
        locker.execute("BEGIN EXCLUSIVE")  # another process holding the write lock
        body = await eventually_health(muse_ops, 503, timeout=15)
        assert body["checks"]["database"] == {"writable": False}
    finally:
        locker.rollback()
        locker.close()
    await eventually_health(muse_ops, 200, timeout=15)
    await muse_ops.engine.close()
    body = await eventually_health(muse_ops, 503)
    assert body["checks"]["engine"] == {"loaded": False}


async def test_metrics_parse_and_count_generations_interactions_and_api_errors(
    muse_ops: MuseHarness,
) -> None:
    sandbox = muse_ops.sandbox
    ix = await sandbox.slash("write", {"form": "poem", "topic": "tides"}, user=sandbox.members[0])
    await sandbox.wait_until(lambda: any(m.custom_ids() for m in ix.messages), timeout=15)
    refused = await sandbox.slash("write", {"form": "poem", "topic": " "}, user=sandbox.members[1])
    await refused.response()
    sandbox.rate_limit_edits(every_n=1, retry_after=0.01)  # Discord answers 429 to an edit
    ix2 = await sandbox.slash("write", {"form": "poem", "topic": "rain"}, user=sandbox.members[2])
    await sandbox.wait_until(lambda: any(c.rate_limited for c in sandbox.calls), timeout=15)
    sandbox.clear_rate_limits()
    await sandbox.wait_until(lambda: any(m.custom_ids() for m in ix2.messages), timeout=15)

    status, text = await get(f"{ops_url(muse_ops)}/metrics")
    assert status == 200
    found = samples(text)  # prometheus-client's parser accepts the whole exposition

    def value(name: str, **labels: str) -> float:
        return found.get((name, tuple(sorted(labels.items()))), 0.0)

    assert value("muse_interactions_total", command="write", outcome="ok") == 2
    assert value("muse_interactions_total", command="write", outcome="refused") == 1
    assert value("muse_generations_total", kind="stream", outcome="ok") == 2
    assert value("muse_generation_seconds_count", kind="stream") == 2
    assert value("muse_generation_seconds_sum", kind="stream") > 0
    assert value("muse_first_token_seconds_count") == 2
    assert value("muse_discord_api_errors_total", status="429") >= 1
    assert value("muse_tokens_generated_total") > 0
    assert value("muse_requests_served_total") == 2
    assert ("muse_queue_waiting", ()) in found and ("muse_queue_capacity", ()) in found
    assert value("muse_engine_loaded") == 1
    assert value("muse_tokens_per_second") > 0


async def test_an_unexpected_error_logs_its_incident_id_as_a_structured_field(
    muse_ops: MuseHarness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(**kwargs: Any) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(muse_ops.bot.services.writing, "write", broken)
    sandbox = muse_ops.sandbox
    with caplog.at_level(logging.ERROR, logger="muse.errors"):
        ix = await sandbox.slash("write", {"form": "poem", "topic": "x"}, user=sandbox.members[0])
        reply = await ix.final_message()
    shown = re.search(r"incident \*\*([0-9a-f]{8})\*\*", reply.content)
    assert shown, reply.content
    records = [r for r in caplog.records if getattr(r, "incident", None) == shown.group(1)]
    assert len(records) == 1
    entry = json.loads(JsonFormatter().format(records[0]))
    assert entry["incident"] == shown.group(1)
    assert entry["command"] == "write" and entry["level"] == "ERROR"
    assert "disk on fire" in entry["exception"]
    _, text = await get(f"{ops_url(muse_ops)}/metrics")
    assert ("muse_interactions_total", (("command", "write"), ("outcome", "error"))) in samples(
        text
    )


async def test_a_busy_ops_port_stops_start_up_with_a_clear_error(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    import socket

    from discord.ext import commands

    from bot.errors import ConfigurationError

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(commands.ExtensionFailed) as caught:
            await start_muse(sandbox, tmp_path, ops_port=port)
    assert isinstance(caught.value.original, ConfigurationError)
    assert "MUSE_OPS_PORT" in caught.value.original.user_message


async def test_healthz_asks_the_remote_model_server(
    sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With MUSE_ENGINE=remote, /healthz reports whether the model server answers now, not only
    that it answered at start-up."""
    from aiohttp import web

    from models import remote
    from models.remote import OpenAICompatEngine

    async def models(request: web.Request) -> web.Response:
        return web.json_response({"data": [{"id": "tiny"}]})

    app = web.Application()
    app.router.add_get("/v1/models", models)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/v1"
    monkeypatch.setattr(remote, "PROBE_CACHE_SECONDS", 0.0)
    muse = await start_muse(
        sandbox,
        tmp_path,
        engine_factory=lambda: OpenAICompatEngine(url, retries=0, connect_timeout=1.0),
        ops_port=0,
    )
    try:
        body = await eventually_health(muse, 200)
        assert body["checks"]["engine"] == {
            "loaded": True,
            "remote": {"reachable": True, "detail": "ok"},
        }
        await runner.cleanup()  # the model server goes away; the engine is still "loaded"
        body = await eventually_health(muse, 503)
        assert body["checks"]["engine"]["loaded"] is True
        assert body["checks"]["engine"]["remote"]["reachable"] is False
        assert any("model server" in p for p in body["problems"])
    finally:
        await muse.stop()
        await runner.cleanup()
