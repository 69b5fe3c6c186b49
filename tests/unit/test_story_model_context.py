"""The largest story prompts, counted with the bundled model's own tokenizer, fit its context."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.services.story import prompts as story_prompts
from bot.services.story.canon import canon_budget, canon_slot
from bot.services.story.types import CanonEntry, SegmentRecord, StoryRecord
from models import ChatMessage, bundled_model_path

pytestmark = pytest.mark.model

T0 = datetime(2031, 1, 1, tzinfo=UTC)
CONTEXT = 2048  # what the bundled model runs with in the tests; the default setting is 4096


def _story(summary: str) -> StoryRecord:
    return StoryRecord(
        1, 1, 1, 1, "The Lighthouse Keeper's Long Winter Night", "gothic mystery", 1,
        86400, 1000, None, None, True, False, "open", 40, 200, 5, 1.0, T0, T0, None, 0, 0,
        summary, 150, T0, None,
    )  # fmt: skip


def _segment(seq: int, text: str) -> SegmentRecord:
    return SegmentRecord(seq, 1, seq, 40, "member", 5, "writer", None, text, 500, True, T0)


def test_the_largest_story_prompts_fit_the_context_with_room_for_the_answer() -> None:
    from llama_cpp import Llama

    path = bundled_model_path()
    assert path is not None
    vocab = Llama(str(path), vocab_only=True, verbose=False)
    # Everything at its bound: the longest summary, more recent text than a prompt takes, and
    # prose that tokenizes badly (names, punctuation, numbers).
    prose = "Keeper Ó'Rourke-Vasquez climbed 1,204 steps; gulls (73!) screamed — “why?” "
    story = _story(story_prompts.tidy(prose * 40, story_prompts.SUMMARY_CHARS))
    recent = [_segment(n, prose * 60) for n in range(1, 9)]
    # A canon as full as the budget allows at this context, in the same hard prose.
    entries = [
        CanonEntry(n, 1, "character", f"Ó'Rourke{n}", prose * 4, ("gulls",), 5, "w", T0, T0)
        for n in range(1, 4)
    ]
    canon = canon_slot(
        [*entries, CanonEntry(9, 1, "rule", "Keeper", "No! (73) “why?”", (), 5, "w", T0, T0)],
        recent,
        canon_budget(CONTEXT),
    )
    assert canon is not None and len(canon) > canon_budget(CONTEXT) * 3 // 4
    prompts: list[list[ChatMessage]] = [
        story_prompts.recap_messages(story, recent),
        story_prompts.recap_messages(story, recent, canon=canon),
        story_prompts.summary_messages(story, recent),
        story_prompts.segment_messages(story, recent, words=150, style_brief="terse " * 80),
        story_prompts.segment_messages(
            story, recent, words=150, style_brief="terse " * 80, canon=canon
        ),
    ]
    for messages in prompts:
        text = "".join(f"<|im_start|>{m.role}\n{m.content}<|im_end|>\n" for m in messages)
        tokens = len(vocab.tokenize(text.encode("utf-8"), add_bos=True, special=True))
        assert sum(len(m.content) for m in messages) <= story_prompts.PROMPT_CHARS_LIMIT
        print(f"{messages[1].content[:40]!r}: {tokens} prompt tokens")
        assert tokens + story_prompts.PASSAGE_MAX_TOKENS <= CONTEXT, tokens
