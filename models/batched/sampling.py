"""Per-sequence sampling: a llama.cpp sampler chain plus a grammar, checked as llama-server does.

A grammar sampler inside the chain costs ~7.6 ms a token on a 49k vocabulary and would stall every
sequence in the batch. llama.cpp's server (``common_sampler_sample``) samples freely instead, checks
only the sampled token against the grammar on a one-candidate array, and re-samples with the
grammar applied only when that token is rejected. The output is the grammar-first output whenever
the free pick is allowed, which for greedy decoding is always the same token.

Greedy decoding without a grammar skips the chain: ``llama_sampler_sample`` copies all 49k logits
into a candidate array before its greedy sampler scans them, while an argmax over the logits in
place (end-of-generation tokens set to -inf first when they are banned, as the logit-bias sampler
would) picks the same token, the first of the highest, at a tenth of the cost.
"""

from __future__ import annotations

import ctypes
import functools
import json
import logging
import math
from collections import deque
from typing import Any

import numpy as np

from ..types import GenerationOptions
from .runtime import LlamaRuntime

__all__ = ["SequenceSampler", "schema_grammar"]

log = logging.getLogger(__name__)

TOP_K = 40
MIN_P = 0.05
PENALTY_LAST_N = 64


@functools.lru_cache(maxsize=64)
def _gbnf_for(schema_json: str) -> str:
    from llama_cpp.llama_grammar import JSON_GBNF, json_schema_to_gbnf

    try:
        return json_schema_to_gbnf(schema_json)
    except Exception as exc:  # an exotic schema: fall back to any JSON, validated afterwards
        log.warning("JSON schema not convertible to a grammar (%s); using plain JSON", exc)
        return JSON_GBNF


def schema_grammar(schema: dict[str, Any]) -> str:
    """The GBNF grammar for a JSON schema (cached: Muse sends the same few schemas)."""
    return _gbnf_for(json.dumps(schema))  # key order matters: it is the output order


class SequenceSampler:
    """One sequence's sampler chain and optional grammar. Worker thread only."""

    def __init__(
        self,
        runtime: LlamaRuntime,
        options: GenerationOptions,
        grammar: str | None = None,
    ) -> None:
        lc = runtime._lc
        self._lc = lc
        self._runtime = runtime
        params = lc.llama_sampler_chain_default_params()
        params.no_perf = True
        chain = lc.llama_sampler_chain_init(params)
        self.chain = chain
        self.grammar: Any = None
        try:
            if options.ignore_eos and runtime.eog_tokens:
                biases = (lc.llama_logit_bias * len(runtime.eog_tokens))(
                    *(lc.llama_logit_bias(t, -math.inf) for t in runtime.eog_tokens)
                )
                lc.llama_sampler_chain_add(
                    chain, lc.llama_sampler_init_logit_bias(runtime.n_vocab, len(biases), biases)
                )
            # The repeat penalty is applied to the logits before the chain (see _penalize):
            # llama.cpp's penalties sampler looks every one of the vocabulary's tokens up in a
            # hash map, a fifth of a millisecond a token on a 49k vocabulary.
            temperature = options.temperature or 0.0
            if temperature <= 0.0:
                lc.llama_sampler_chain_add(chain, lc.llama_sampler_init_greedy())
            else:
                seed = lc.LLAMA_DEFAULT_SEED if options.seed is None else options.seed & 0xFFFFFFFF
                lc.llama_sampler_chain_add(chain, lc.llama_sampler_init_top_k(TOP_K))
                lc.llama_sampler_chain_add(chain, lc.llama_sampler_init_top_p(options.top_p, 1))
                lc.llama_sampler_chain_add(chain, lc.llama_sampler_init_min_p(MIN_P, 1))
                lc.llama_sampler_chain_add(chain, lc.llama_sampler_init_temp(temperature))
                lc.llama_sampler_chain_add(chain, lc.llama_sampler_init_dist(seed))
            if grammar is not None:
                self.grammar = lc.llama_sampler_init_grammar(
                    runtime.vocab, grammar.encode(), b"root"
                )
                if not self.grammar:
                    raise ValueError("llama.cpp rejected the grammar for the JSON schema")
        except BaseException:
            self.close()
            raise
        self._single = lc.llama_token_data(0, 1.0, 0.0)
        self._single_array = lc.llama_token_data_array(
            data=ctypes.pointer(self._single), size=1, selected=-1, sorted=False
        )
        self.resamples = 0
        #: Greedy without a grammar: an argmax in place of the chain (see the module's note).
        self._argmax = temperature <= 0.0 and grammar is None
        self._banned = (
            np.array(runtime.eog_tokens, dtype=np.int64)
            if options.ignore_eos and runtime.eog_tokens
            else None
        )
        self._penalty = options.repeat_penalty if options.repeat_penalty != 1.0 else None
        #: The last PENALTY_LAST_N tokens accepted (prompt tail, then generated): the window
        #: llama.cpp's penalties sampler would keep.
        self._window: deque[int] = deque(maxlen=PENALTY_LAST_N)

    def accept_prompt(self, tokens: list[int]) -> None:
        """Let the repeat penalty see the prompt's tail, as llama-server does."""
        for token in tokens[-PENALTY_LAST_N:]:
            self._lc.llama_sampler_accept(self.chain, token)
            self._window.append(token)

    def sample(self, index: int) -> int:
        """Sample (and accept) the next token from batch output ``index``."""
        lc = self._lc
        if self._penalty is not None and self._window:
            self._runtime.penalize(index, self._window, self._penalty)
        if self._argmax:
            logits = self._runtime.logits(index)
            if self._banned is not None:
                logits[self._banned] = -np.inf
            token = int(logits.argmax())  # the first of the highest, like the greedy sampler
            self._window.append(token)
            return token
        if self.grammar is None:
            token = int(lc.llama_sampler_sample(self.chain, self._runtime.ctx, index))
            self._window.append(token)
            return token
        candidates = self._runtime.logits_into_candidates(index)
        lc.llama_sampler_apply(self.chain, ctypes.byref(candidates))
        token = int(self._runtime.candidates[candidates.selected].id)
        if not self._allowed(token):
            self.resamples += 1
            candidates = self._runtime.logits_into_candidates(index)
            lc.llama_sampler_apply(self.grammar, ctypes.byref(candidates))
            lc.llama_sampler_apply(self.chain, ctypes.byref(candidates))
            token = int(self._runtime.candidates[candidates.selected].id)
        if not self._runtime.is_eog(token):
            lc.llama_sampler_accept(self.grammar, token)
        lc.llama_sampler_accept(self.chain, token)
        self._window.append(token)
        return token

    def _allowed(self, token: int) -> bool:
        single = self._single
        single.id = token
        single.logit = 1.0
        single.p = 0.0
        self._single_array.selected = -1
        self._single_array.size = 1
        self._lc.llama_sampler_apply(self.grammar, ctypes.byref(self._single_array))
        return not math.isinf(single.logit)

    def close(self) -> None:
        if self.chain:
            self._lc.llama_sampler_free(self.chain)
            self.chain = None
        if self.grammar:
            self._lc.llama_sampler_free(self.grammar)
            self.grammar = None
