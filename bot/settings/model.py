"""Typed settings: one field per ``MUSE_*`` setting, in sections (``deploy/.env.example`` too).

Sources, highest priority first: keyword arguments, environment variables (prefix ``MUSE_``),
a ``.env`` file, a TOML file (``MUSE_CONFIG`` or ``muse.toml`` in the working directory), defaults.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, ValidationInfo, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from .engine import EngineTuningSettings  # MUSE_SLOTS, MUSE_CPU_REPACK, MUSE_FLASH_ATTN
from .web import WebSettings  # MUSE_WEB_*, MUSE_PUBLIC_URL

__all__ = ["DEFAULT_TOML", "LogLevel", "Settings"]

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]

DEFAULT_TOML = "muse.toml"


class Settings(EngineTuningSettings, WebSettings):
    """Everything an operator can configure. Each field maps to ``MUSE_<FIELD NAME>``."""

    model_config = SettingsConfigDict(
        env_prefix="MUSE_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        validate_default=True,
    )

    # Discord
    discord_token: SecretStr | None = Field(
        default=None, description="Bot token. Without it, `muse run` starts the local sandbox."
    )
    discord_api_base: str = Field(
        default="https://discord.com/api/v10", description="Base URL of the Discord REST API."
    )
    discord_gateway: str = Field(
        default="wss://gateway.discord.gg/", description="URL of the Discord gateway."
    )
    dev_guild_id: int | None = Field(
        default=None,
        gt=0,
        description="Sync slash commands to this guild only (fast, for testing).",
    )

    # Storage
    database: Path = Field(default=Path("muse.db"), description="SQLite database file.")

    # Model
    model_path: Path | None = Field(
        default=None, description="A .gguf model file. Default: the bundled SmolLM2-135M-Instruct."
    )
    context_size: int = Field(default=4096, ge=256, le=131072, description="Context window.")
    threads: int = Field(
        default_factory=lambda: max(1, min(8, os.cpu_count() or 1)),
        ge=1,
        le=256,
        description="CPU threads llama.cpp decodes with.",
    )
    max_tokens: int = Field(default=512, ge=1, le=8192, description="Default tokens per reply.")
    queue_depth: int = Field(
        default=32, ge=1, le=10000, description="Most requests waiting for the model at once."
    )
    generation_timeout: float = Field(
        default=180.0, gt=0, le=3600, description="Seconds one generation may take in all."
    )
    temperature: float = Field(default=0.7, ge=0.0, le=2.0, description="Default temperature.")

    # Fair share of the model (per member and per server)
    member_generations: int = Field(
        default=2,
        ge=1,
        le=100,
        description="Generations one member may have in flight at once (across servers).",
    )
    guild_generations: int = Field(
        default=0,
        ge=0,
        le=10000,
        description="Generations one server may have in flight at once; 0 means half of "
        "MUSE_QUEUE_DEPTH (at least 1).",
    )
    generation_burst: int = Field(
        default=4,
        ge=1,
        le=1000,
        description="Generations one member may start within MUSE_GENERATION_COOLDOWN seconds.",
    )
    generation_cooldown: float = Field(
        default=60.0,
        ge=0.0,
        le=86400.0,
        description="Window in seconds for MUSE_GENERATION_BURST; 0 turns the cooldown off.",
    )

    # Lifecycle and housekeeping
    retention_days: int = Field(
        default=30,
        ge=1,
        le=3650,
        description="Days after Muse leaves a server until that server's data is deleted "
        "(kept if Muse rejoins before then).",
    )
    generations_keep_days: int = Field(
        default=30,
        ge=1,
        le=3650,
        description="Days a /write result is kept for its Regenerate and Continue buttons.",
    )

    # Discord I/O
    stream_edit_interval: float = Field(
        default=1.0, ge=0.2, le=30.0, description="Seconds between edits of a streamed reply."
    )

    # Style memory (/style, /inspire, /analyze, /discover, /mydata)
    style_max_traits: int = Field(
        default=40, ge=5, le=500, description="Most learned traits kept per member."
    )
    style_trait_half_life_days: float = Field(
        default=60.0,
        ge=1.0,
        le=3650.0,
        description=(
            "Days after which a learned trait's confidence has halved without new evidence."
        ),
    )
    style_min_confidence: float = Field(
        default=0.1, ge=0.0, le=0.9, description="Learned traits below this confidence are dropped."
    )
    style_brief_chars: int = Field(
        default=320, ge=80, le=2000, description="Longest style brief added to a prompt."
    )
    style_max_samples: int = Field(
        default=5, ge=1, le=50, description="Most writing samples a member can store."
    )
    style_attachment_max_bytes: int = Field(
        default=200_000, ge=1_000, le=8_000_000, description="Largest file /analyze accepts."
    )
    style_analyze_chars: int = Field(
        default=6000, ge=500, le=100_000, description="Characters of a work /analyze reads."
    )
    style_learn_chars: int = Field(
        default=1500, ge=100, le=20_000, description="Characters of a contribution learned from."
    )

    # Deploy and scale: remote model server, sharding, health/metrics endpoint, log format
    engine: Literal["embedded", "remote"] = Field(
        default="embedded",
        description="embedded: llama.cpp in-process; remote: an OpenAI-compatible server.",
    )
    remote_url: str = Field(
        default="http://127.0.0.1:8080/v1",
        description="Base URL of the OpenAI-compatible API (ends in /v1) when MUSE_ENGINE=remote.",
    )
    remote_model: str = Field(
        default="", max_length=200, description="Model name to ask for; empty: the server's first."
    )
    remote_api_key: SecretStr | None = Field(
        default=None, description="Bearer token for the model server, if it wants one."
    )
    remote_allow_plain_http_key: bool = Field(
        default=False,
        description="Send the API key over plain http to a non-loopback host (private networks).",
    )
    remote_concurrency: int = Field(
        default=1, ge=1, le=256, description="Requests sent to the server at once (its slots)."
    )
    remote_connect_timeout: float = Field(
        default=5.0, gt=0, le=120, description="Seconds to connect to the model server."
    )
    remote_read_timeout: float = Field(
        default=60.0, gt=0, le=3600, description="Seconds to wait for the server's next bytes."
    )
    remote_retries: int = Field(
        default=3, ge=0, le=10, description="Retries on connection errors and 5xx (never 4xx)."
    )
    remote_json_format: Literal["json_object", "json_schema"] = Field(
        default="json_object",
        description="How to ask for schema-bound JSON: json_object (llama.cpp) or json_schema.",
    )
    shard_count: Annotated[int, Field(ge=1, le=4096)] | Literal["auto"] | None = Field(
        default=None, description="Run as an auto-sharded bot with this many shards ('auto')."
    )
    shard_ids: Annotated[tuple[int, ...] | None, NoDecode] = Field(
        default=None, description="Shards this process runs, e.g. 0,1 or 0-3; empty: all."
    )
    ops_host: str = Field(
        default="127.0.0.1", description="Address of the /healthz and /metrics endpoint."
    )
    ops_port: int | None = Field(
        default=None, ge=0, le=65535, description="Port of /healthz and /metrics; unset: off."
    )
    log_format: Literal["text", "json"] = Field(
        default="text", description="text for people, json for log collectors."
    )

    @field_validator("remote_url")
    @classmethod
    def _remote_http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("shard_ids", mode="before")
    @classmethod
    def _parse_shard_ids(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        ids: list[int] = []
        for part in filter(None, (p.strip() for p in value.split(","))):
            low, dash, high = part.partition("-")
            if not (low.isdigit() and (not dash or high.isdigit())):
                raise ValueError("use shard numbers like 0,1 or ranges like 0-3")
            ids.extend(range(int(low), int(high if dash else low) + 1))
        return tuple(ids) or None

    @model_validator(mode="after")
    def _shards_fit(self) -> Settings:
        if self.shard_ids is None:
            return self
        if not isinstance(self.shard_count, int):
            raise ValueError("MUSE_SHARD_IDS needs a numeric MUSE_SHARD_COUNT")
        if any(not 0 <= i < self.shard_count for i in self.shard_ids):
            raise ValueError(f"every shard id must be between 0 and {self.shard_count - 1}")
        self.shard_ids = tuple(sorted(set(self.shard_ids)))
        return self

    # Prompt of the day (/potd)
    potd_grace_hours: float = Field(
        default=6.0,
        ge=0.0,
        le=23.0,
        description="Hours after a server's posting time in which a missed post is still made "
        "late (after downtime); later than that, the day is skipped.",
    )
    potd_similarity_threshold: float = Field(
        default=82.0,
        ge=50.0,
        le=100.0,
        description="rapidfuzz similarity (0-100) at or above which a new prompt counts as a "
        "repeat of one of the server's last prompts.",
    )
    potd_history_size: int = Field(
        default=365, ge=10, le=5000, description="How many past prompts new ones must not repeat."
    )
    potd_generation_attempts: int = Field(
        default=3, ge=1, le=6, description="Model tries before the curated list is used."
    )
    potd_temperature: float = Field(
        default=0.7, ge=0.0, le=2.0, description="Temperature for writing the prompt of the day."
    )
    potd_sweep_minutes: int = Field(
        default=5,
        ge=1,
        le=60,
        description="Minutes between safety checks that catch a missed or interrupted post.",
    )

    # Story chains
    story_turn_hours: float = Field(
        default=24.0, gt=0.0, le=336.0, description="Default turn length in hours for /story start."
    )
    story_word_limit: int = Field(
        default=300, ge=10, le=1000, description="Default word limit per turn for /story start."
    )
    story_max_skips: int = Field(
        default=3,
        ge=1,
        le=20,
        description="Missed turns in a row after which a member leaves a story's rotation.",
    )
    story_max_running: int = Field(
        default=10, ge=1, le=100, description="Most stories running at once in one server."
    )

    # Writing sprints
    sprint_grace_minutes: float = Field(
        default=2.0, ge=0.0, le=30.0, description="Minutes after a sprint for final word counts."
    )

    # Outbox (durable delivery of what Muse posts)
    outbox_retry_base_seconds: float = Field(
        default=1.0,
        gt=0.0,
        le=60.0,
        description="First retry delay after Discord fails a post; doubles per failure, jittered.",
    )
    outbox_retry_max_seconds: float = Field(
        default=300.0,
        gt=0.0,
        le=3600.0,
        description="Longest wait between two tries of the same post.",
    )

    # Lyric studio (/lyrics)
    lyrics_repair_rounds: int = Field(
        default=2,
        ge=0,
        le=6,
        description="Rounds in which lines that fail their syllable or rhyme check go back to "
        "the model for a targeted rewrite.",
    )
    poetry_repair_rounds: int = Field(
        default=3,
        ge=0,
        le=6,
        description="Rounds in which lines of a fixed-form poem (/write form:haiku, sonnet...) "
        "that miss their form go back to the model; forms of five lines or fewer get two more.",
    )
    lyrics_temperature: float = Field(
        default=0.7, ge=0.0, le=2.0, description="Temperature for drafting lyrics."
    )
    lyrics_max_saved: int = Field(
        default=50, ge=1, le=1000, description="Most saved lyric drafts per member per server."
    )
    lyrics_unsaved_days: int = Field(
        default=7,
        ge=1,
        le=365,
        description="Days an unsaved lyric draft (and its buttons) is kept.",
    )
    soundfont: Path | None = Field(
        default=None,
        description="A SoundFont (.sf2) that FluidSynth plays song previews with, when the "
        "fluidsynth program is installed. Unset: Debian's FluidR3_GM.sf2 if installed; "
        "otherwise Muse's built-in synthesiser plays them.",
    )

    # Operations
    log_level: LogLevel = Field(default="INFO", description="Logging level.")

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_log_level(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("discord_api_base", "discord_gateway")
    @classmethod
    def _url(cls, value: str, info: ValidationInfo) -> str:
        websocket = info.field_name == "discord_gateway"
        schemes = ("ws://", "wss://") if websocket else ("http://", "https://")
        if not value.startswith(schemes):
            raise ValueError(f"must start with {schemes[0]} or {schemes[1]}")
        return value if websocket else value.rstrip("/")

    @field_validator("model_path")
    @classmethod
    def _expand(cls, value: Path | None) -> Path | None:
        return value.expanduser() if value is not None else None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_file = os.environ.get("MUSE_CONFIG", DEFAULT_TOML)
        return (
            init_settings,
            env_settings,
            dotenv_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=toml_file),
            file_secret_settings,
        )
