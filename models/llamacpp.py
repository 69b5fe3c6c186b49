"""The embedded engine: a quantized GGUF model run in-process by llama.cpp."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.errors import ConfigurationError, ModelUnavailable

from .discovery import check_gguf
from .engine import DeltaSink, QueuedEngine
from .types import ChatMessage, GenerationOptions, ModelInfo
from .worker import ModelWorker

__all__ = ["LlamaCppEngine"]

log = logging.getLogger(__name__)


class LlamaCppEngine(QueuedEngine):
    """llama-cpp-python behind Muse's admission queue, on one dedicated worker thread.

    The worker decodes eagerly and hands each token to the event loop without waiting, so a slow
    Discord consumer never stalls decoding; cancellation is checked after every token.
    """

    def __init__(
        self,
        model_path: Path,
        *,
        context_size: int = 4096,
        threads: int = 2,
        queue_depth: int = 32,
        generation_timeout: float = 180.0,
        default_max_tokens: int = 512,
        default_temperature: float = 0.7,
    ) -> None:
        super().__init__(
            queue_depth=queue_depth,
            slots=1,
            generation_timeout=generation_timeout,
            default_max_tokens=default_max_tokens,
            default_temperature=default_temperature,
        )
        self._path = model_path
        self._context_size = context_size
        self._threads = threads
        self._llama: Any = None
        self._name = model_path.stem
        self.worker = ModelWorker()

    @property
    def info(self) -> ModelInfo:
        return ModelInfo(name=self._name, context_size=self._context_size, path=self._path)

    async def _load(self) -> None:
        check_gguf(self._path)
        self.worker.start()
        try:
            await self.worker.call(self._load_sync)
        except ConfigurationError:
            raise
        except Exception as exc:
            raise ConfigurationError(
                f"llama.cpp could not load the model {self._path}: {exc}. "
                "Set MUSE_MODEL_PATH to a valid .gguf model file."
            ) from exc

    def _load_sync(self) -> None:
        from llama_cpp import Llama  # imported on the worker: the library's first use is here

        self._llama = Llama(
            model_path=str(self._path),
            n_ctx=self._context_size,
            n_threads=self._threads,
            n_threads_batch=self._threads,
            verbose=False,
        )
        metadata = getattr(self._llama, "metadata", {}) or {}
        self._name = str(metadata.get("general.name") or self._path.stem)
        log.info("model loaded: %s (context %d)", self._name, self._context_size)

    async def _unload(self) -> None:
        def free() -> None:
            if self._llama is not None:
                self._llama.close()
                self._llama = None

        await self.worker.call(free)
        await self.worker.stop()

    async def _produce(
        self, messages: Sequence[ChatMessage], options: GenerationOptions, sink: DeltaSink
    ) -> None:
        await self.worker.call(lambda: self._generate_sync(messages, options, sink))

    def _generate_sync(
        self, messages: Sequence[ChatMessage], options: GenerationOptions, sink: DeltaSink
    ) -> None:
        if self._llama is None:
            raise ModelUnavailable()
        if sink.cancelled:
            return
        kwargs: dict[str, Any] = {
            "messages": [m.as_dict() for m in messages],
            "stream": True,
            "max_tokens": options.max_tokens,
            "temperature": options.temperature or 0.0,
            "top_p": options.top_p,
            "repeat_penalty": options.repeat_penalty,
            "stop": list(options.stop) or None,
        }
        if options.seed is not None:
            kwargs["seed"] = options.seed
        if options.ignore_eos:
            kwargs["logit_bias"] = {int(self._llama.token_eos()): float("-inf")}
        if options.json_schema is not None:
            kwargs["response_format"] = {"type": "json_object", "schema": options.json_schema}
        chunks = self._llama.create_chat_completion(**kwargs)
        try:
            for chunk in chunks:
                if sink.cancelled:
                    break
                delta = chunk["choices"][0].get("delta", {}).get("content")
                if delta:
                    sink.put(delta)
        finally:
            chunks.close()
