"""Every prompt at its largest, counted with the bundled model's own tokenizer, fits the
model's context with room for the longest answer the code asks for.

Story's prompts have their own, stricter test (``test_story_model_context``: 2,048 tokens).
The others are held to the default context setting: at 2,048 tokens, /analyze at its full
length and a repair of every line of a twelve-line section would not fit (the counts print).
"""

from __future__ import annotations

import pytest

from bot.services.prompts import PERSONA, template_names
from bot.settings import Settings
from models import ChatMessage, bundled_model_path
from tests.unit.prompt_cases import largest_prompts

pytestmark = pytest.mark.model

DEFAULT_CONTEXT = Settings.model_fields["context_size"].default
STORY = {"story_recap", "story_segment", "story_summary"}  # see test_story_model_context


def test_every_largest_prompt_fits_the_default_context_with_room_for_its_answer() -> None:
    from llama_cpp import Llama

    path = bundled_model_path()
    assert path is not None
    vocab = Llama(str(path), vocab_only=True, verbose=False)
    cases = largest_prompts()
    assert {c.name for c in cases} | STORY | {PERSONA} == set(template_names())
    for case in cases:
        messages: list[ChatMessage] = case.messages
        text = "".join(f"<|im_start|>{m.role}\n{m.content}<|im_end|>\n" for m in messages)
        tokens = len(vocab.tokenize(text.encode("utf-8"), add_bos=True, special=True))
        print(f"{case.name}: {tokens} prompt tokens + {case.answer_tokens} for the answer")
        assert tokens + case.answer_tokens <= DEFAULT_CONTEXT, (case.name, tokens)
