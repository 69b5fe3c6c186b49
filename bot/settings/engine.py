"""The embedded engine's tuning (slots, weight repacking, flash attention): a mixin of
:class:`~bot.settings.model.Settings`, kept apart so each module stays small."""

from __future__ import annotations

import os
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings

__all__ = ["EngineTuningSettings"]


class EngineTuningSettings(BaseSettings):
    """``MUSE_SLOTS``, ``MUSE_CPU_REPACK`` and ``MUSE_FLASH_ATTN``."""

    # Embedded engine: batching and CPU kernels
    slots: int = Field(
        default_factory=lambda: max(2, min(8, 2 * (os.cpu_count() or 1))),
        ge=1,
        le=64,
        description=(
            "Generations the embedded model decodes together in one batch (4 on 2 cores). "
            "Each slot keeps its own context_size of KV cache in memory."
        ),
    )

    cpu_repack: Literal["auto", "on", "off"] = Field(
        default="auto",
        description=(
            "Whether llama.cpp may repack the model's weights for this CPU's fastest kernels. "
            "auto turns it off where it is known to crash (Intel CPUs with AMX) and otherwise "
            "probes one generation in a child process first; on and off decide outright."
        ),
    )

    flash_attn: Literal["auto", "on", "off"] = Field(
        default="auto",
        description=(
            "Flash attention in the embedded model: faster decoding and prompt processing on a "
            "CPU. auto uses it wherever llama.cpp's kernels support the model, as llama-server "
            "does; on and off decide outright (off: the plain attention kernels, should a model "
            "misbehave with the fused one)."
        ),
    )
