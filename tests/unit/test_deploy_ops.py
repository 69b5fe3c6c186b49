"""Operations pieces in isolation: deploy settings, engine choice, the SSE parser and request body
of the remote engine, the metered engine, JSON logs, backups, the sandbox's shard routing."""

from __future__ import annotations

import json
import logging
import sqlite3
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from pydantic import BaseModel, Field, ValidationError

from bot.errors import ConfigurationError, GenerationTimeout
from bot.ops.backup import backup_database, backup_target
from bot.ops.logs import JsonFormatter
from bot.ops.metrics import MeteredEngine, MuseMetrics, outcome_of
from bot.sandbox.gateway_sessions import GatewaySession, event_guild
from bot.settings import Settings, SettingsError, load_settings
from models import ChatMessage, FakeEngine, GenerationOptions, LlamaCppEngine, build_engine
from models.remote import OpenAICompatEngine
from models.remote_wire import sse_data as _sse_data

# -- settings ---------------------------------------------------------------------------------


def test_deploy_settings_defaults_and_env_names(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.engine == "embedded" and settings.ops_port is None
    assert settings.shard_count is None and settings.shard_ids is None
    assert settings.log_format == "text" and settings.ops_host == "127.0.0.1"
    assert Settings(shard_count="auto").shard_count == "auto"
    monkeypatch.setenv("MUSE_ENGINE", "remote")
    monkeypatch.setenv("MUSE_REMOTE_URL", "http://gpu:8080/v1/")
    monkeypatch.setenv("MUSE_REMOTE_API_KEY", "sk-secret")
    monkeypatch.setenv("MUSE_SHARD_COUNT", "8")
    monkeypatch.setenv("MUSE_SHARD_IDS", "0-2,6")
    loaded = load_settings()
    assert loaded.remote_url == "http://gpu:8080/v1"
    assert loaded.shard_ids == (0, 1, 2, 6) and loaded.shard_count == 8
    assert "sk-secret" not in repr(loaded)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"shard_count": 2, "shard_ids": "2"}, "between 0 and 1"),
        ({"shard_ids": "0"}, "MUSE_SHARD_COUNT"),
        ({"shard_count": "auto", "shard_ids": "0"}, "MUSE_SHARD_COUNT"),
        ({"shard_count": 2, "shard_ids": "a-b"}, "0-3"),
        ({"remote_url": "gpu:8080"}, "http"),
        ({"log_format": "xml"}, "log_format"),
    ],
)
def test_bad_deploy_settings_are_refused_clearly(
    overrides: dict[str, object], message: str
) -> None:
    with pytest.raises(SettingsError, match=message):
        load_settings(**overrides)


def test_build_engine_follows_the_engine_setting() -> None:
    remote = build_engine(
        Settings(engine="remote", remote_url="http://h:1/v1", remote_concurrency=3)
    )
    assert isinstance(remote, OpenAICompatEngine)
    assert remote.queue.slots == 3 and remote.base_url == "http://h:1/v1"
    assert isinstance(build_engine(Settings()), LlamaCppEngine)


def test_flash_attention_defaults_to_auto_and_reaches_the_embedded_engine() -> None:
    embedded = build_engine(Settings())
    assert isinstance(embedded, LlamaCppEngine) and embedded.flash_attn == "auto"
    off = build_engine(Settings(flash_attn="off"))
    assert isinstance(off, LlamaCppEngine) and off.flash_attn == "off"
    with pytest.raises(ValidationError):
        Settings(flash_attn="fast")  # type: ignore[arg-type]


# -- the remote engine's wire format ------------------------------------------------------------


async def test_sse_parser_handles_comments_multiline_data_and_crlf() -> None:
    raw = (
        b': keep-alive\r\n\r\ndata: {"a": 1}\r\n\r\ndata: line one\ndata: line two\n\n'
        b"event: x\ndata: [DONE]\n\n"
    )

    async def lines() -> AsyncIterator[bytes]:
        for line in raw.splitlines(keepends=True):
            yield line

    events = [event async for event in _sse_data(lines())]
    assert events == ['{"a": 1}', "line one\nline two", "[DONE]"]


def test_request_body_carries_the_schema_in_the_configured_format() -> None:
    schema = {"type": "object", "properties": {"t": {"type": "string", "maxLength": 5}}}
    options = GenerationOptions(max_tokens=9, temperature=0.0, stop=("\n",), seed=4)
    llama = OpenAICompatEngine("http://h/v1", model="m")
    body = llama.payload([ChatMessage("user", "hi")], options.with_(json_schema=schema))
    assert body["response_format"] == {"type": "json_object", "schema": schema}
    assert body["stream"] is True and body["model"] == "m" and body["max_tokens"] == 9
    assert body["stop"] == ["\n"] and body["seed"] == 4
    openai = OpenAICompatEngine("http://h/v1", json_format="json_schema")
    body = openai.payload([ChatMessage("user", "hi")], options.with_(json_schema=schema))
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["schema"] == schema
    assert "model" not in body  # no name configured: the server's default
    with pytest.raises(ConfigurationError):
        OpenAICompatEngine("ftp://h/v1")


# -- metrics --------------------------------------------------------------------------------------


class Verdict(BaseModel):
    word: str = Field(max_length=10)


async def test_metered_engine_observes_outcomes_and_passes_everything_through() -> None:
    metrics = MuseMetrics()
    inner = FakeEngine(replies=["one two three", "four"], delay=0.001)
    engine = MeteredEngine(inner, metrics)
    await engine.start()
    try:
        assert await engine.complete([ChatMessage("user", "x")]) == "one two three"
        verdict = await engine.structured([ChatMessage("user", "x")], Verdict)
        assert isinstance(verdict, Verdict)
        with pytest.raises(GenerationTimeout):
            await engine.complete(
                [ChatMessage("user", "x")], GenerationOptions(timeout=0.001, max_tokens=4)
            )
        assert engine.prompts is inner.prompts  # attributes pass through
    finally:
        await engine.close()
    found = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(metrics.render().decode())
        for s in family.samples
    }
    assert found[("muse_generations_total", (("kind", "stream"), ("outcome", "ok")))] >= 1
    assert found[("muse_generations_total", (("kind", "structured"), ("outcome", "ok")))] == 1
    assert found[("muse_generations_total", (("kind", "stream"), ("outcome", "timeout")))] == 1
    assert found[("muse_engine_loaded", ())] == 0  # closed
    assert outcome_of(None) == "ok" and outcome_of(RuntimeError()) == "error"


# -- logs -------------------------------------------------------------------------------------


def test_json_log_lines_carry_context_fields_and_the_traceback() -> None:
    try:
        raise ValueError("bad")
    except ValueError:
        record = logging.LogRecord(
            "muse.errors", logging.ERROR, __file__, 1, "incident %s", ("ab12",), sys.exc_info()
        )
    record.incident = "ab12"
    record.guild = 42
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "incident ab12" and entry["incident"] == "ab12"
    assert entry["guild"] == 42 and entry["level"] == "ERROR"
    assert "ValueError: bad" in entry["exception"]
    assert "user" not in entry  # absent context stays absent
    assert entry["time"].endswith("+00:00")


# -- backups ----------------------------------------------------------------------------------


def test_backup_copies_checks_and_never_overwrites(tmp_path: Path) -> None:
    live = tmp_path / "live.db"
    with sqlite3.connect(live) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE t (x)")
        db.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(500)])
        db.execute("PRAGMA user_version = 7")
    report = backup_database(live, tmp_path / "copy.db")
    assert report.schema_version == 7 and report.bytes > 0
    with sqlite3.connect(report.path) as copy:
        assert copy.execute("SELECT count(*) FROM t").fetchone()[0] == 500
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    with pytest.raises(ConfigurationError, match="already exists"):
        backup_database(live, tmp_path / "copy.db")
    with pytest.raises(ConfigurationError, match="live database"):
        backup_database(live, live, overwrite=True)
    with pytest.raises(ConfigurationError, match="no database"):
        backup_database(tmp_path / "missing.db", tmp_path / "x.db")
    folder = tmp_path / "backups"
    folder.mkdir()
    assert backup_target(folder).parent == folder
    assert backup_target(folder).name.startswith("muse-")
    assert not list(tmp_path.glob("*.partial"))


# -- sandbox shard routing ----------------------------------------------------------------------


def test_sandbox_sessions_receive_only_their_shards_guilds() -> None:
    guild = (123 << 22) | 5  # shard 123 % 4 == 3
    assert event_guild("GUILD_CREATE", {"id": str(guild)}) == guild
    assert event_guild("INTERACTION_CREATE", {"guild_id": str(guild)}) == guild
    assert event_guild("INTERACTION_CREATE", {"user": {}}) is None
    three = GatewaySession("s", 1, shard=(3, 4))
    zero = GatewaySession("t", 1, shard=(0, 4))
    unsharded = GatewaySession("u", 1)
    assert three.receives_guild(guild) and not zero.receives_guild(guild)
    assert zero.receives_guild(None) and not three.receives_guild(None)  # DMs: shard 0
    assert unsharded.receives_guild(guild) and unsharded.receives_guild(None)
