"""The repeat penalty applied to the logits in numpy is llama.cpp's penalties sampler, bit for bit,
on the real bundled model: the same logits after it, and the same tokens over a generation, greedy
and sampled, as a sampler chain that holds llama.cpp's own penalties sampler. Greedy decoding's
argmax over the logits picks what llama.cpp's greedy sampler picks, ties and banned ends too."""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from models import GenerationOptions
from models.batched import BatchEntry, LlamaRuntime, SequenceSampler
from models.batched.sampling import MIN_P, PENALTY_LAST_N, TOP_K
from models.discovery import bundled_model_path

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def runtime() -> Iterator[LlamaRuntime]:
    path = bundled_model_path()
    assert path is not None
    rt = LlamaRuntime(path, context_per_seq=512, n_seq=1, threads=2)
    yield rt
    rt.close()


def prompt(rt: LlamaRuntime) -> list[int]:
    return rt.render_chat([{"role": "user", "content": "Write a poem about the the the sea sea."}])


def decode_prompt(rt: LlamaRuntime, tokens: list[int]) -> int:
    rt.clear()
    entries = [BatchEntry(t, i, 0, i == len(tokens) - 1) for i, t in enumerate(tokens)]
    assert rt.decode(entries, None) == 0
    return len(tokens) - 1


class ReferenceSampler:
    """The chain as it was: llama.cpp's logit bias and penalties samplers inside it."""

    def __init__(self, rt: LlamaRuntime, options: GenerationOptions) -> None:
        lc = rt._lc
        self.lc, self.rt = lc, rt
        params = lc.llama_sampler_chain_default_params()
        self.chain = lc.llama_sampler_chain_init(params)
        biases = (lc.llama_logit_bias * len(rt.eog_tokens))(
            *(lc.llama_logit_bias(t, -float("inf")) for t in rt.eog_tokens)
        )
        add = lambda s: lc.llama_sampler_chain_add(self.chain, s)  # noqa: E731
        if options.ignore_eos:
            add(lc.llama_sampler_init_logit_bias(rt.n_vocab, len(biases), biases))
        add(
            lc.llama_sampler_init_penalties(
                rt.n_vocab, PENALTY_LAST_N, options.repeat_penalty, 0, 0
            )
        )
        if not options.temperature:
            add(lc.llama_sampler_init_greedy())
        else:
            add(lc.llama_sampler_init_top_k(TOP_K))
            add(lc.llama_sampler_init_top_p(options.top_p, 1))
            add(lc.llama_sampler_init_min_p(MIN_P, 1))
            add(lc.llama_sampler_init_temp(options.temperature))
            add(lc.llama_sampler_init_dist(options.seed))

    def accept_prompt(self, tokens: list[int]) -> None:
        for token in tokens[-PENALTY_LAST_N:]:
            self.lc.llama_sampler_accept(self.chain, token)

    def sample(self, index: int) -> int:
        return int(self.lc.llama_sampler_sample(self.chain, self.rt.ctx, index))

    def close(self) -> None:
        self.lc.llama_sampler_free(self.chain)


def generate(rt: LlamaRuntime, sampler: Any, n: int) -> list[int]:
    tokens = prompt(rt)
    sampler.accept_prompt(tokens)
    index, pos, out = decode_prompt(rt, tokens), len(tokens), []
    for _ in range(n):
        token = sampler.sample(index)
        out.append(token)
        assert rt.decode([BatchEntry(token, pos, 0, True)], None) == 0
        index, pos = 0, pos + 1
    sampler.close()
    return out


def test_penalized_logits_are_llama_cpps_bit_for_bit(runtime: LlamaRuntime) -> None:
    rt, lc = runtime, runtime._lc
    tokens = prompt(rt)
    index = decode_prompt(rt, tokens)
    logits = np.ctypeslib.as_array(lc.llama_get_logits_ith(rt.ctx, index), shape=(rt.n_vocab,))
    original = logits.copy()
    # The prompt's tail, tokens with negative logits, repeats (counted once, as in C).
    lowest = [int(t) for t in np.argsort(original)[:5]]
    window = (tokens + lowest + [tokens[-1]] * 3)[-PENALTY_LAST_N:]
    assert (original[np.array(window)] > 0).any() and (original[np.array(window)] <= 0).any()
    # llama.cpp's sampler on a candidate array of the untouched logits.
    penalties = lc.llama_sampler_init_penalties(rt.n_vocab, PENALTY_LAST_N, 1.3, 0.0, 0.0)
    for token in window:
        lc.llama_sampler_accept(penalties, token)
    candidates = rt.logits_into_candidates(index)
    lc.llama_sampler_apply(penalties, ctypes.byref(candidates))
    lc.llama_sampler_free(penalties)
    expected = rt._cand_view["logit"].copy()
    rt.penalize(index, window, 1.3)
    assert np.array_equal(logits.view(np.uint32), expected.view(np.uint32))
    assert not np.array_equal(logits, original)


@pytest.mark.parametrize("temperature", [0.0, 0.7])
def test_generation_matches_the_chain_with_llama_cpps_penalties(
    runtime: LlamaRuntime, temperature: float
) -> None:
    options = GenerationOptions(
        temperature=temperature, seed=3, ignore_eos=True, repeat_penalty=1.3, max_tokens=40
    )
    ours = generate(runtime, SequenceSampler(runtime, options), 40)
    theirs = generate(runtime, ReferenceSampler(runtime, options), 40)
    assert ours == theirs
    assert len(set(ours)) > 10  # a real text, not one token repeated
    # The penalty matters on this prompt: without it the text differs.
    plain = generate(runtime, SequenceSampler(runtime, options.with_(repeat_penalty=1.0)), 40)
    assert plain != ours


@pytest.mark.parametrize("ignore_eos", [True, False])
def test_greedy_argmax_picks_what_the_greedy_sampler_picks(
    runtime: LlamaRuntime, ignore_eos: bool
) -> None:
    options = GenerationOptions(
        temperature=0.0, ignore_eos=ignore_eos, repeat_penalty=1.0, max_tokens=40
    )
    ours = generate(runtime, SequenceSampler(runtime, options), 40)
    theirs = generate(runtime, ReferenceSampler(runtime, options), 40)
    assert ours == theirs
    assert len(set(ours)) > 10


def test_greedy_argmax_breaks_ties_and_bans_ends_like_llama_cpp(runtime: LlamaRuntime) -> None:
    rt = runtime
    index = decode_prompt(rt, prompt(rt))
    logits = rt.logits(index)
    top = float(logits.max()) + 5.0
    end = rt.eog_tokens[0]
    # Two tokens tie for the highest logit, and an end token lies above them both.
    logits[[500, 300]] = top
    logits[end] = top + 1.0
    untouched = logits.copy()
    picks = {}
    for ignore_eos in (True, False):
        options = GenerationOptions(temperature=0.0, ignore_eos=ignore_eos, repeat_penalty=1.0)
        reference = ReferenceSampler(rt, options)
        theirs = reference.sample(index)
        reference.close()
        logits[:] = untouched  # the reference chain works on a copy; ours bans ends in place
        ours = SequenceSampler(rt, options)
        picks[ignore_eos] = ours.sample(index)
        ours.close()
        logits[:] = untouched
        assert picks[ignore_eos] == theirs
    assert picks[True] == 300  # the first of the tied highest, the end token banned
    assert picks[False] == end
