"""The language-model layer: the engine protocol, the embedded llama.cpp engine, a fake for tests,
model discovery, building the engine from settings, and prompt assembly (marked member slots)."""

from .discovery import bundled_model_path, check_gguf, resolve_model_path
from .engine import DeltaSink, LLMEngine, QueuedEngine, collect_text
from .factory import EngineSettings, build_engine
from .fake import FakeEngine, FakeEngineFailure
from .llamacpp import LlamaCppEngine
from .openmp import configure_openmp
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

# Before anything loads llama.cpp (nothing above does): libgomp reads its wait policy once, when
# it is loaded.
configure_openmp()

__all__ = [
    "AdmissionQueue",
    "ChatMessage",
    "DeltaSink",
    "EngineSettings",
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
