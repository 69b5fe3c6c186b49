"""Continuous batching for the embedded llama.cpp engine.

:class:`LlamaRuntime` wraps llama-cpp-python's low-level bindings; :class:`BatchScheduler` decodes
several sequences per ``llama_decode`` with prefix reuse, grammar check-then-resample sampling and
priorities; :class:`PreemptiveAdmissionQueue` lets members in while background work is parked;
:class:`TextAssembler` turns tokens into safe streamed text (UTF-8, stop strings).
"""

from .admission import PreemptiveAdmissionQueue
from .runtime import BatchEntry, DecodeStatus, FlashAttnMode, LlamaRuntime
from .sampling import SequenceSampler, schema_grammar
from .scheduler import FLUSH_INTERVAL, BatchScheduler, SchedulerStats
from .sequences import BatchRequest, PromptTooLong
from .text import TextAssembler

__all__ = [
    "FLUSH_INTERVAL",
    "BatchEntry",
    "BatchRequest",
    "BatchScheduler",
    "DecodeStatus",
    "FlashAttnMode",
    "LlamaRuntime",
    "PreemptiveAdmissionQueue",
    "PromptTooLong",
    "SchedulerStats",
    "SequenceSampler",
    "TextAssembler",
    "schema_grammar",
]
