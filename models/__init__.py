"""The language-model layer: the engine protocol, the embedded llama.cpp engine, a fake for tests,
model discovery and prompt assembly (marked member slots)."""

from typing import TYPE_CHECKING

from .discovery import bundled_model_path, check_gguf, resolve_model_path
from .engine import DeltaSink, LLMEngine, QueuedEngine, collect_text
from .fake import FakeEngine, FakeEngineFailure
from .llamacpp import LlamaCppEngine
from .queue import AdmissionQueue, Ticket
from .types import (
    ChatMessage,
    EngineStats,
    GenerationOptions,
    ModelInfo,
    Priority,
    QueueUpdate,
    StreamEvent,
    TextDelta,
)

__all__ = [
    "AdmissionQueue",
    "ChatMessage",
    "DeltaSink",
    "EngineStats",
    "FakeEngine",
    "FakeEngineFailure",
    "GenerationOptions",
    "LLMEngine",
    "LlamaCppEngine",
    "ModelInfo",
    "Priority",
    "QueueUpdate",
    "QueuedEngine",
    "StreamEvent",
    "TextDelta",
    "Ticket",
    "build_engine",
    "bundled_model_path",
    "check_gguf",
    "collect_text",
    "resolve_model_path",
]


if TYPE_CHECKING:
    from bot.settings import Settings


def build_engine(settings: "Settings") -> QueuedEngine:
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
    )
