"""The remote engine's guards against a careless setting or a broken/hostile model server: the API
key never goes over plain http to another host by accident, replies of the wrong shape are
refused clearly instead of crashing start-up, error bodies are read only in part, and /healthz
asks the server rather than trusting start-up."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

import models.remote as remote
from bot.errors import ConfigurationError
from bot.ops.health import _remote_state
from models.remote import OpenAICompatEngine
from models.remote_wire import ERROR_BODY_LIMIT, is_loopback
from models.remote_wire import delta_text as _delta_text
from models.remote_wire import read_detail as _detail


@dataclass
class FakeModelServer:
    """Answers ``GET /v1/models`` with whatever ``models_reply`` holds."""

    models_reply: Any = field(default_factory=lambda: {"data": [{"id": "tiny"}]})
    status: int = 200
    url: str = ""
    _runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/v1/models", self.models)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}/v1"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def models(self, request: web.Request) -> web.Response:
        return web.json_response(self.models_reply, status=self.status)


@pytest.fixture
async def server() -> AsyncIterator[FakeModelServer]:
    running = FakeModelServer()
    await running.start()
    yield running
    await running.stop()


def engine(url: str) -> OpenAICompatEngine:
    return OpenAICompatEngine(url, retries=0, backoff_base=0.001, connect_timeout=1.0)


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", True),
        ("127.5.6.7", True),
        ("localhost", True),
        ("[::1]", True),
        ("10.0.0.5", False),
        ("models.example.org", False),
        ("localhost.example.org", False),
    ],
)
def test_loopback_hosts(host: str, expected: bool) -> None:
    assert is_loopback(host) is expected


def test_api_key_is_refused_over_plain_http_to_another_host() -> None:
    with pytest.raises(ConfigurationError, match="MUSE_REMOTE_ALLOW_PLAIN_HTTP_KEY"):
        OpenAICompatEngine("http://10.0.0.5:8080/v1", api_key="secret")
    # Allowed: https anywhere, plain http to this machine, no key at all, or the operator's say-so.
    OpenAICompatEngine("https://models.example.org/v1", api_key="secret")
    OpenAICompatEngine("http://127.0.0.1:8080/v1", api_key="secret")
    OpenAICompatEngine("http://localhost:8080/v1", api_key="secret")
    OpenAICompatEngine("http://10.0.0.5:8080/v1")
    OpenAICompatEngine("http://10.0.0.5:8080/v1", api_key="secret", allow_plain_http_key=True)


def test_the_setting_reaches_the_engine() -> None:
    from bot.settings import Settings
    from models import build_engine

    base = {"token": "x", "engine": "remote", "remote_url": "http://10.0.0.5:8080/v1"}
    with pytest.raises(ConfigurationError):
        build_engine(Settings(**base, remote_api_key="secret"))  # type: ignore[arg-type]
    built = build_engine(
        Settings(**base, remote_api_key="secret", remote_allow_plain_http_key=True)  # type: ignore[arg-type]
    )
    assert isinstance(built, OpenAICompatEngine)


@pytest.mark.parametrize("reply", [[{"id": "tiny"}], {"data": {"id": "tiny"}}, "tiny", None])
async def test_a_models_reply_of_the_wrong_shape_is_a_clear_error(
    server: FakeModelServer, reply: Any
) -> None:
    server.models_reply = reply
    muse = engine(server.url)
    with pytest.raises(ConfigurationError, match="model list"):
        await muse.start()
    assert not muse.stats().loaded


async def test_model_entries_of_the_wrong_type_are_skipped(server: FakeModelServer) -> None:
    server.models_reply = {"data": ["x", {"id": 7}, {"id": ""}, {"id": "tiny"}, {"name": "n"}]}
    muse = engine(server.url)
    await muse.start()
    try:
        assert muse.info.name == "tiny"
    finally:
        await muse.close()


def test_stream_events_of_the_wrong_shape_carry_no_text() -> None:
    for event in (
        '{"choices": "abc"}',
        '{"choices": ["abc"]}',
        '{"choices": [{"delta": "abc"}]}',
        '{"choices": [{"delta": {"content": 5}}]}',
        "[1, 2]",
    ):
        assert _delta_text(event) == ""
    assert _delta_text('{"choices": [{"delta": {"content": "hi"}}]}') == "hi"


class _Content:
    def __init__(self) -> None:
        self.asked: list[int] = []

    async def read(self, n: int = -1) -> bytes:
        self.asked.append(n)
        body = b"x" * 5_000_000
        return body if n < 0 else body[:n]


class _Response:
    def __init__(self) -> None:
        self.content = _Content()

    async def text(self) -> str:
        raise AssertionError("the whole body must not be read")


async def test_an_error_body_is_read_only_in_part() -> None:
    response = _Response()
    detail = await _detail(response)  # type: ignore[arg-type]
    assert response.content.asked == [ERROR_BODY_LIMIT]
    assert len(detail) == ERROR_BODY_LIMIT


async def test_health_follows_the_remote_server(
    server: FakeModelServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(remote, "PROBE_CACHE_SECONDS", 0.0)
    muse = engine(server.url)
    await muse.start()
    try:
        assert await _remote_state(muse) == {"reachable": True, "detail": "ok"}
        server.status = 503
        state = await _remote_state(muse)
        assert state is not None and state["reachable"] is False and "503" in state["detail"]
        await server.stop()
        state = await _remote_state(muse)
        assert state is not None and state["reachable"] is False
        assert muse.stats().loaded  # start-up's answer alone would have said "fine"
    finally:
        await muse.close()


async def test_an_engine_without_a_server_has_no_remote_state() -> None:
    from models.fake import FakeEngine

    assert await _remote_state(FakeEngine()) is None
