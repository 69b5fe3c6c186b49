"""Typed settings for Muse.

Sources, highest priority first: keyword arguments, environment variables (prefix ``MUSE_``),
a ``.env`` file, a TOML file (``MUSE_CONFIG`` or ``muse.toml`` in the working directory), defaults.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

__all__ = ["LogLevel", "Settings", "SettingsError", "format_validation_error", "load_settings"]

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]

DEFAULT_TOML = "muse.toml"


class Settings(BaseSettings):
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

    # Discord I/O
    stream_edit_interval: float = Field(
        default=1.0, ge=0.2, le=30.0, description="Seconds between edits of a streamed reply."
    )

    # Operations
    log_level: LogLevel = Field(default="INFO", description="Logging level.")

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_log_level(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("discord_api_base")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("discord_gateway")
    @classmethod
    def _ws_url(cls, value: str) -> str:
        if not value.startswith(("ws://", "wss://")):
            raise ValueError("must start with ws:// or wss://")
        return value

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


class SettingsError(Exception):
    """Settings could not be loaded; ``str()`` lists every bad field with its reason."""


def format_validation_error(error: ValidationError) -> str:
    lines = [f"Muse's settings are not valid ({error.error_count()} problem(s)):"]
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"]) or "(settings)"
        env_name = f"MUSE_{field.upper()}" if item["loc"] else ""
        value = item.get("input")
        secret = any(word in field for word in ("token", "key", "secret"))
        shown = (
            ""
            if secret or isinstance(value, dict) or value is None
            else f" (got {str(value)[:80]!r})"
        )
        hint = f" [{env_name}]" if env_name else ""
        lines.append(f"  - {field}{hint}: {item['msg']}{shown}")
    return "\n".join(lines)


def load_settings(**overrides: Any) -> Settings:
    """Load settings from every source, raising :class:`SettingsError` with a readable message."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise SettingsError(format_validation_error(exc)) from None
    except (OSError, ValueError) as exc:  # unreadable or malformed TOML / .env
        raise SettingsError(f"Muse's settings could not be read: {exc}") from None
