"""A thin, typed layer over llama-cpp-python's low-level ctypes bindings.

One :class:`LlamaRuntime` owns the model, one context with ``n_seq`` sequence slots (a separate KV
buffer per slot: with a unified buffer greedy outputs drift from single-request runs), one reusable
``llama_batch``, the chat template and the tokenizer. Every method must be called on the engine's
worker thread: llama.cpp here runs OpenMP, and a second calling thread halves decoding speed.
"""

from __future__ import annotations

import ctypes
import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

__all__ = ["BatchEntry", "DecodeStatus", "FlashAttnMode", "LlamaRuntime"]

#: ``auto`` lets llama.cpp use flash attention where the device's kernels support the model's
#: attention (every CPU build does), as ``llama-server`` does by default; ``on``/``off`` decide.
FlashAttnMode = Literal["auto", "on", "off"]

log = logging.getLogger(__name__)

_backend_lock = threading.Lock()
_backend_ready = False


class DecodeStatus:
    """``llama_decode`` results the scheduler handles (anything else below 0 is fatal)."""

    OK = 0
    NO_KV_SLOT = 1
    ABORTED = 2


@dataclass(frozen=True, slots=True)
class BatchEntry:
    token: int
    pos: int
    seq: int
    logits: bool


def _init_backend() -> None:
    global _backend_ready
    with _backend_lock:
        if _backend_ready:
            return
        import llama_cpp
        from llama_cpp import _logger

        _logger.set_verbose(False)  # llama.cpp's own logging goes to stderr otherwise
        llama_cpp.llama_backend_init()
        _backend_ready = True


class LlamaRuntime:
    """Model + context + batch + tokenizer + chat template, for the scheduler's use."""

    def __init__(
        self,
        path: Path,
        *,
        context_per_seq: int,
        n_seq: int,
        threads: int,
        n_batch: int = 512,
        flash_attn: FlashAttnMode = "auto",
        repack: bool = True,
    ) -> None:
        _init_backend()
        import llama_cpp as lc

        self._lc = lc
        model_params = lc.llama_model_default_params()
        model_params.n_gpu_layers = 0
        # Repacked weights (llama.cpp's "extra buffer types") crash on some CPUs: see models/cpu.py.
        model_params.use_extra_bufts = repack
        model = lc.llama_model_load_from_file(str(path).encode(), model_params)
        if not model:
            raise ValueError("llama.cpp could not read the file as a model")
        self.model = model
        ctx_params = lc.llama_context_default_params()
        ctx_params.n_ctx = context_per_seq * n_seq
        ctx_params.n_batch = n_batch
        ctx_params.n_ubatch = n_batch
        ctx_params.n_seq_max = n_seq
        ctx_params.n_threads = threads
        ctx_params.n_threads_batch = threads
        ctx_params.kv_unified = False
        # Flash attention decodes and processes prompts faster on a CPU (tests/benchmarks/
        # bench_flash_attn.py measures both ways side by side). With or without it, a lone token
        # and a long prompt chunk take different kernels, so a prompt-cache hit may move a logit
        # by rounding, as batching beside other sequences does (tests/integration/
        # test_batched_engine.py bounds both).
        ctx_params.flash_attn_type = {
            "auto": lc.LLAMA_FLASH_ATTN_TYPE_AUTO,
            "on": lc.LLAMA_FLASH_ATTN_TYPE_ENABLED,
            "off": lc.LLAMA_FLASH_ATTN_TYPE_DISABLED,
        }[flash_attn]
        ctx_params.no_perf = True
        ctx = lc.llama_init_from_model(model, ctx_params)
        if not ctx:
            lc.llama_model_free(model)
            raise ValueError("llama.cpp could not create a context for the model")
        self.ctx = ctx
        self.memory = lc.llama_get_memory(ctx)
        self.vocab = lc.llama_model_get_vocab(model)
        self.n_vocab = int(lc.llama_vocab_n_tokens(self.vocab))
        self.n_seq = n_seq
        self.n_batch = n_batch
        self.context_per_seq = int(lc.llama_n_ctx_seq(ctx))
        self.eos = int(lc.llama_vocab_eos(self.vocab))
        self.eog_tokens = tuple(
            t for t in range(self.n_vocab) if lc.llama_vocab_is_eog(self.vocab, t)
        )
        self._eog = frozenset(self.eog_tokens)
        self.name = self.metadata("general.name") or path.stem
        self._batch = lc.llama_batch_init(n_batch, 0, 1)
        self._batch_tokens = np.ctypeslib.as_array(self._batch.token, shape=(n_batch,))
        self._batch_pos = np.ctypeslib.as_array(self._batch.pos, shape=(n_batch,))
        self._batch_logits = np.ctypeslib.as_array(self._batch.logits, shape=(n_batch,))
        self._batch_nseq = np.ctypeslib.as_array(self._batch.n_seq_id, shape=(n_batch,))
        self._batch_nseq[:] = 1
        self._piece = ctypes.create_string_buffer(256)
        # Each token's bytes, filled on first use: a generated token then costs no ctypes call
        # and no allocation (a sampled vocabulary is a small part of the whole).
        self._pieces: list[bytes | None] = [None] * self.n_vocab
        self._abort_flag: Callable[[], bool] | None = None
        self._abort_cb = lc.ggml_abort_callback(self._abort_trampoline)
        self._abort_installed = False
        self._formatter = self._chat_formatter()
        # Scratch candidate array for samplers that must run on the CPU side of Python.
        self.candidates = (lc.llama_token_data * self.n_vocab)()
        self._cand_view: npt.NDArray[Any] = np.ctypeslib.as_array(self.candidates).view(
            np.dtype([("id", "<i4"), ("logit", "<f4"), ("p", "<f4")])
        )
        self._ids = np.arange(self.n_vocab, dtype=np.int32)

    # -- metadata and text --------------------------------------------------------------------

    def metadata(self, key: str) -> str | None:
        buf = ctypes.create_string_buffer(4096)
        size = self._lc.llama_model_meta_val_str(self.model, key.encode(), buf, len(buf))
        if size < 0:
            return None
        if size >= len(buf):
            buf = ctypes.create_string_buffer(size + 1)
            self._lc.llama_model_meta_val_str(self.model, key.encode(), buf, len(buf))
        return buf.value.decode("utf-8", errors="replace")

    def token_text(self, token: int) -> str:
        if token < 0:
            return ""
        raw = self._lc.llama_vocab_get_text(self.vocab, token)
        return raw.decode("utf-8", errors="replace") if raw else ""

    def _chat_formatter(self) -> Callable[[list[dict[str, str]]], tuple[str, bool]]:
        from llama_cpp import llama_chat_format

        template = self.metadata("tokenizer.chat_template")
        if template:
            bos = int(self._lc.llama_vocab_bos(self.vocab))
            jinja = llama_chat_format.Jinja2ChatFormatter(
                template=template,
                eos_token=self.token_text(self.eos),
                bos_token=self.token_text(bos),
                add_generation_prompt=True,
            )
            return lambda messages: (jinja(messages=messages).prompt, True)  # type: ignore[arg-type]
        log.warning("the model has no chat template; using ChatML")
        return lambda messages: (llama_chat_format.format_chatml(messages).prompt, False)

    def render_chat(self, messages: list[dict[str, str]]) -> list[int]:
        """The prompt tokens for a chat, formatted by the model's own chat template."""
        # Like llama-cpp-python: a Jinja template writes its own BOS, so none is added then.
        prompt, has_special = self._formatter(messages)
        return self.tokenize(prompt, add_special=not has_special)

    def tokenize(self, text: str, *, add_special: bool) -> list[int]:
        data = text.encode("utf-8")
        capacity = len(data) + 8
        tokens = (self._lc.llama_token * capacity)()
        count = self._lc.llama_tokenize(
            self.vocab, data, len(data), tokens, capacity, add_special, True
        )
        if count < 0:
            capacity = -count
            tokens = (self._lc.llama_token * capacity)()
            count = self._lc.llama_tokenize(
                self.vocab, data, len(data), tokens, capacity, add_special, True
            )
        return list(tokens[:count])

    def piece(self, token: int) -> bytes:
        """The bytes of one generated token (special tokens render as nothing)."""
        cached = self._pieces[token]
        if cached is not None:
            return cached
        size = self._lc.llama_token_to_piece(self.vocab, token, self._piece, 256, 0, False)
        if size < 0:
            buf = ctypes.create_string_buffer(-size)
            size = self._lc.llama_token_to_piece(self.vocab, token, buf, -size, 0, False)
            piece = ctypes.string_at(buf, size)
        else:
            piece = ctypes.string_at(self._piece, size)
        self._pieces[token] = piece
        return piece

    def is_eog(self, token: int) -> bool:
        return token in self._eog

    # -- KV memory ------------------------------------------------------------------------------

    def seq_rm(self, seq: int, p0: int, p1: int = -1) -> bool:
        return bool(self._lc.llama_memory_seq_rm(self.memory, seq, p0, p1))

    def seq_cp(self, src: int, dst: int) -> None:
        """Copy slot ``src``'s cells into ``dst`` (a whole-buffer copy, done at the next decode)."""
        self._lc.llama_memory_seq_cp(self.memory, src, dst, -1, -1)

    def clear(self) -> None:
        self._lc.llama_memory_clear(self.memory, True)

    # -- decoding -------------------------------------------------------------------------------

    def decode(self, entries: Sequence[BatchEntry], abort: Callable[[], bool] | None) -> int:
        """Decode one batch; ``abort`` (checked between graph nodes) may cut a long one short."""
        n = len(entries)
        batch = self._batch
        seq_ids = batch.seq_id
        tokens, pos, logits = self._batch_tokens, self._batch_pos, self._batch_logits
        for i, entry in enumerate(entries):
            tokens[i] = entry.token
            pos[i] = entry.pos
            seq_ids[i][0] = entry.seq
            logits[i] = entry.logits
        batch.n_tokens = n
        # A Python abort callback costs a GIL round trip per graph node, so it is installed only
        # for the long prompt steps that are worth cutting short.
        if abort is not None:
            self._abort_flag = abort
            if not self._abort_installed:
                self._lc.llama_set_abort_callback(self.ctx, self._abort_cb, None)
                self._abort_installed = True
        elif self._abort_installed:
            self._lc.llama_set_abort_callback(self.ctx, self._lc.ggml_abort_callback(), None)
            self._abort_installed = False
        try:
            return int(self._lc.llama_decode(self.ctx, batch))
        finally:
            self._abort_flag = None

    def _abort_trampoline(self, _data: Any) -> bool:
        flag = self._abort_flag
        try:
            return bool(flag()) if flag is not None else False
        except Exception:  # an abort check must never crash the decoder
            return False

    def logits(self, index: int) -> npt.NDArray[np.float32]:
        """Batch output ``index``'s logits: a view on llama.cpp's buffer, valid until the next
        decode; writing to it changes what the samplers see."""
        ptr = self._lc.llama_get_logits_ith(self.ctx, index)
        return np.ctypeslib.as_array(ptr, shape=(self.n_vocab,))

    def penalize(self, index: int, window: Iterable[int], penalty: float) -> None:
        """Apply llama.cpp's repeat penalty (no frequency or presence term) to batch output
        ``index``'s logits in place: every token seen in ``window`` has its logit multiplied by
        ``penalty`` when <= 0, divided by it otherwise, in float32 like the C sampler."""
        logits = self.logits(index)
        ids = np.fromiter(set(window), dtype=np.int64)
        values = logits[ids]
        factor = np.float32(penalty)
        logits[ids] = np.where(values <= 0, values * factor, values / factor)

    def logits_into_candidates(self, index: int) -> Any:
        """Fill the scratch candidate array from batch output ``index``; return the array struct."""
        view = self._cand_view
        view["id"] = self._ids
        view["logit"] = self.logits(index)
        view["p"] = 0.0
        return self._lc.llama_token_data_array(
            data=self.candidates, size=self.n_vocab, selected=-1, sorted=False
        )

    # -- teardown -------------------------------------------------------------------------------

    def close(self) -> None:
        lc = self._lc
        if self._batch is not None:
            lc.llama_batch_free(self._batch)
            self._batch = None
        if self.ctx:
            lc.llama_free(self.ctx)
            self.ctx = None
        if self.model:
            lc.llama_model_free(self.model)
            self.model = None
