"""The embedded engine: a quantized GGUF model run in-process by llama.cpp, continuously batched.

Several members' generations decode together: one llama.cpp context holds ``slots`` sequences with
a separate KV buffer each, and the :class:`~models.batched.BatchScheduler` decodes the next token
of every running sequence (plus prompt chunks of newly admitted ones) in one ``llama_decode`` per
step. See ``models/batched/`` for prefix reuse, grammar sampling and priorities.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from .batched import (
    FLUSH_INTERVAL,
    BatchRequest,
    BatchScheduler,
    FlashAttnMode,
    LlamaRuntime,
    PreemptiveAdmissionQueue,
    schema_grammar,
)
from .cpu import RepackChoice, RepackMode, decide_repack
from .discovery import check_gguf
from .engine import DeltaSink, QueuedEngine, deliver_deltas
from .errors import ConfigurationError, ModelUnavailable
from .types import ChatMessage, GenerationOptions, ModelInfo
from .worker import ModelWorker

__all__ = ["LlamaCppEngine"]

log = logging.getLogger(__name__)


class LlamaCppEngine(QueuedEngine):
    """llama.cpp behind Muse's admission queue, on one dedicated worker thread.

    Every llama call (load, decode, sample, free) runs on :attr:`worker`. Tokens are handed to the
    event loop without waiting, so a slow Discord consumer never stalls decoding; cancellation and
    admission happen between decode steps.
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
        slots: int = 4,
        batch_size: int = 512,
        flash_attn: FlashAttnMode = "auto",
        cpu_repack: RepackMode = "auto",
        decide: Callable[[RepackMode, Path], RepackChoice] = decide_repack,
    ) -> None:
        if slots < 1:
            raise ValueError("slots must be at least 1")
        super().__init__(
            queue_depth=queue_depth,
            slots=slots,
            generation_timeout=generation_timeout,
            default_max_tokens=default_max_tokens,
            default_temperature=default_temperature,
        )
        self.queue = PreemptiveAdmissionQueue(
            queue_depth, slots, seconds_per_request=lambda: self._seconds_per_request
        )
        self._path = model_path
        self._context_size = context_size
        self._threads = threads
        self._slots = slots
        self._batch_size = batch_size
        self._flash_attn: FlashAttnMode = flash_attn
        self._cpu_repack: RepackMode = cpu_repack
        self._decide = decide
        self.repack: RepackChoice | None = None
        self._runtime: LlamaRuntime | None = None
        self.scheduler: BatchScheduler | None = None
        self._runs: set[asyncio.Future[None]] = set()
        self._name = model_path.stem
        self.worker = ModelWorker()

    @property
    def info(self) -> ModelInfo:
        choice = self.repack
        cpu = (
            f"{choice.cpu.describe()}; {choice.describe()}; flash attention {self._flash_attn}"
            if choice is not None
            else ""
        )
        return ModelInfo(name=self._name, context_size=self._context_size, path=self._path, cpu=cpu)

    @property
    def slots(self) -> int:
        return self._slots

    @property
    def flash_attn(self) -> FlashAttnMode:
        return self._flash_attn

    async def _load(self) -> None:
        check_gguf(self._path)
        self.worker.start()
        try:
            runtime = await self.worker.call(self._load_sync)
        except ConfigurationError:
            raise
        except Exception as exc:
            raise ConfigurationError(
                f"llama.cpp could not load the model {self._path}: {exc}. "
                "Set MUSE_MODEL_PATH to a valid .gguf model file."
            ) from exc
        self._runtime = runtime
        self.scheduler = BatchScheduler(
            runtime, deliver=deliver_deltas, flush_interval=FLUSH_INTERVAL
        )
        self._name = runtime.name
        log.info(
            "model loaded: %s (context %d per sequence, %d sequences, %d threads, %s)",
            self._name,
            runtime.context_per_seq,
            self._slots,
            self._threads,
            self.info.cpu,
        )

    def _load_sync(self) -> LlamaRuntime:
        # Decided on the worker thread: it asks llama.cpp what it was built with.
        choice = self._decide(self._cpu_repack, self._path)
        self.repack = choice
        log.info("CPU: %s; %s", choice.cpu.describe(), choice.describe())
        return LlamaRuntime(
            self._path,
            context_per_seq=self._context_size,
            n_seq=self._slots,
            threads=self._threads,
            n_batch=self._batch_size,
            flash_attn=self._flash_attn,
            repack=choice.enabled,
        )

    async def _unload(self) -> None:
        if self.scheduler is not None:
            self.scheduler.close()
        if self._runs:
            await asyncio.gather(*self._runs, return_exceptions=True)
        runtime, self._runtime, self.scheduler = self._runtime, None, None
        if runtime is not None:
            await self.worker.call(runtime.close)
        await self.worker.stop()

    async def _produce(
        self, messages: Sequence[ChatMessage], options: GenerationOptions, sink: DeltaSink
    ) -> None:
        scheduler = self.scheduler
        if scheduler is None:
            raise ModelUnavailable()
        if sink.cancelled:
            return
        grammar = None
        if options.json_schema is not None:
            grammar = await asyncio.to_thread(schema_grammar, options.json_schema)
        loop = asyncio.get_running_loop()
        finished: asyncio.Future[None] = loop.create_future()

        def done(error: BaseException | None) -> None:
            with contextlib.suppress(RuntimeError):  # the loop already closed: nobody waits
                loop.call_soon_threadsafe(_settle, finished, error)

        request = BatchRequest(
            messages=[m.as_dict() for m in messages],
            options=options,
            sink=sink,
            done=done,
            priority=sink.priority,
            grammar=grammar,
        )
        if scheduler.submit(request):
            run = asyncio.ensure_future(self.worker.call(scheduler.run))
            self._runs.add(run)
            run.add_done_callback(self._run_ended)
        try:
            await finished
        except asyncio.CancelledError:
            sink.cancel()  # the scheduler drops the sequence at its next step
            raise

    def _run_ended(self, run: asyncio.Future[None]) -> None:
        self._runs.discard(run)
        if not run.cancelled() and run.exception() is not None:
            log.error("the batch scheduler stopped on an error", exc_info=run.exception())


def _settle(future: asyncio.Future[None], error: BaseException | None) -> None:
    if future.done():
        return
    if error is None:
        future.set_result(None)
    else:
        future.set_exception(error)
