"""Building the engine from settings, without the model layer knowing the application's settings.

``EngineSettings`` names the fields the engine is built from; Muse's ``Settings`` satisfies it by
having them, so this module needs nothing from ``bot``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

from .batched import FlashAttnMode
from .cpu import RepackMode
from .discovery import resolve_model_path
from .engine import QueuedEngine
from .llamacpp import LlamaCppEngine

if TYPE_CHECKING:
    from .remote_wire import JsonFormat

__all__ = ["EngineSettings", "SecretText", "build_engine"]


class SecretText(Protocol):
    """A secret that shows its value only when asked (pydantic's ``SecretStr`` is one)."""

    def get_secret_value(self) -> str: ...


class EngineSettings(Protocol):
    """The settings an engine is built from (read-only: building never changes them)."""

    @property
    def engine(self) -> Literal["embedded", "remote"]: ...
    @property
    def model_path(self) -> Path | None: ...
    @property
    def context_size(self) -> int: ...
    @property
    def threads(self) -> int: ...
    @property
    def queue_depth(self) -> int: ...
    @property
    def generation_timeout(self) -> float: ...
    @property
    def max_tokens(self) -> int: ...
    @property
    def temperature(self) -> float: ...
    @property
    def slots(self) -> int: ...
    @property
    def cpu_repack(self) -> RepackMode: ...
    @property
    def flash_attn(self) -> FlashAttnMode: ...
    @property
    def remote_url(self) -> str: ...
    @property
    def remote_model(self) -> str: ...
    @property
    def remote_api_key(self) -> SecretText | None: ...
    @property
    def remote_allow_plain_http_key(self) -> bool: ...
    @property
    def remote_concurrency(self) -> int: ...
    @property
    def remote_connect_timeout(self) -> float: ...
    @property
    def remote_read_timeout(self) -> float: ...
    @property
    def remote_retries(self) -> int: ...
    @property
    def remote_json_format(self) -> JsonFormat: ...


def build_engine(settings: EngineSettings) -> QueuedEngine:
    """The engine the settings ask for: embedded llama.cpp, or a remote OpenAI-compatible server."""
    if settings.engine == "remote":
        from .remote import OpenAICompatEngine

        key = settings.remote_api_key
        return OpenAICompatEngine(
            settings.remote_url,
            model=settings.remote_model,
            api_key=key.get_secret_value() if key is not None else None,
            concurrency=settings.remote_concurrency,
            context_size=settings.context_size,
            queue_depth=settings.queue_depth,
            generation_timeout=settings.generation_timeout,
            default_max_tokens=settings.max_tokens,
            default_temperature=settings.temperature,
            connect_timeout=settings.remote_connect_timeout,
            read_timeout=settings.remote_read_timeout,
            retries=settings.remote_retries,
            json_format=settings.remote_json_format,
            allow_plain_http_key=settings.remote_allow_plain_http_key,
        )
    return LlamaCppEngine(
        resolve_model_path(settings.model_path),
        context_size=settings.context_size,
        threads=settings.threads,
        queue_depth=settings.queue_depth,
        generation_timeout=settings.generation_timeout,
        default_max_tokens=settings.max_tokens,
        default_temperature=settings.temperature,
        slots=settings.slots,
        cpu_repack=settings.cpu_repack,
        flash_attn=settings.flash_attn,
    )
