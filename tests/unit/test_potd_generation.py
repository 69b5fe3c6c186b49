"""Writing a prompt that doesn't repeat: the model's bounded schema, the repeat filter, the
curated list and the fallback."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence

import pytest
from pydantic import ValidationError
from rapidfuzz import fuzz

from bot.services.potd.generation import (
    CuratedPrompt,
    PromptGenerator,
    RepeatFilter,
    load_curated,
    normalise_title,
)
from bot.services.potd.types import MEDIA, PromptDraft
from models import ChatMessage, FakeEngine, GenerationOptions
from models.schema import bound_schema

THRESHOLD = 82.0


def test_the_curated_list_is_large_varied_and_valid() -> None:
    curated = load_curated()
    assert len(curated) >= 365
    per_medium = Counter(p.medium for p in curated)
    assert set(per_medium) == set(MEDIA) and min(per_medium.values()) >= 85
    for prompt in curated:
        PromptDraft.model_validate(
            {
                "title": prompt.title,
                "prompt": prompt.prompt,
                "twists": list(prompt.twists),
                "tags": list(prompt.tags),
            }
        )
    titles = [normalise_title(p.title) for p in curated]
    assert len(set(titles)) == len(titles)
    # Not one pair counts as a repeat of the other under the default threshold.
    for index, item in enumerate(curated):
        history = RepeatFilter([(p.title, p.prompt) for p in curated[index + 1 :]], THRESHOLD)
        assert history.repeats(item.title, item.prompt) is None, item.title
    # Written prompts, not a template: openings vary.
    openings = Counter(" ".join(p.prompt.split()[:3]) for p in curated)
    assert openings.most_common(1)[0][1] < 20


def test_the_schema_bounds_every_string_and_list() -> None:
    schema = PromptDraft.model_json_schema()
    assert bound_schema(schema) == schema  # nothing left unbounded for the grammar
    assert schema["properties"]["title"]["pattern"].startswith("^[A-Za-z]")
    with pytest.raises(ValidationError):
        PromptDraft.model_validate({"title": "{oops}", "prompt": "x" * 30})
    with pytest.raises(ValidationError):
        PromptDraft.model_validate({"title": "Fine", "prompt": "Too short"})
    with pytest.raises(ValidationError):
        PromptDraft.model_validate(
            {"title": "Fine", "prompt": "A perfectly fine prompt text.", "twists": ["a b c"] * 4}
        )


def test_repeat_filter_catches_near_duplicates_not_new_ideas() -> None:
    history = RepeatFilter(
        [
            ("The Lighthouse at Dusk", "Paint a lighthouse at dusk with the lamp just lit."),
            ("Kitchen Percussion", "Make a beat using only sounds from your kitchen."),
        ],
        THRESHOLD,
    )
    assert history.repeats("Lighthouse at dusk!", "Something else entirely here.")
    assert history.repeats(
        "A Completely New Title", "Using only sounds from your kitchen, make a beat."
    )
    assert (
        history.repeats("Lighthouse Keeper's Dog", "Draw the dog who guards a lighthouse.") is None
    )
    assert RepeatFilter([], THRESHOLD).repeats("Anything", "Anything at all.") is None
    assert fuzz.ratio("a", "a") == 100


def _draft(title: str, prompt: str) -> str:
    return json.dumps({"title": title, "prompt": prompt, "twists": [], "tags": []})


async def test_generator_retries_repeats_then_falls_back_without_repeating() -> None:
    curated = [
        CuratedPrompt(
            "Old Favourite", "An old prompt that this server already had.", (), (), "music"
        ),
        CuratedPrompt(
            "Fresh Fallback", "A curated prompt this server never had before.", (), (), "music"
        ),
        CuratedPrompt(
            "Wrong Medium", "A visual prompt that a music server should not get.", (), (), "visual"
        ),
    ]
    engine = FakeEngine(
        replies=[_draft("Old Favourite", "An old prompt that the server already had before today.")]
        * 3
    )
    await engine.start()
    try:
        generator = PromptGenerator(engine, attempts=3, curated=curated)
        history = RepeatFilter(
            [("Old Favourite", "An old prompt that this server already had.")], THRESHOLD
        )
        report = await generator.generate(
            medium="music",
            themes="the sea",
            word="tide",
            history=history,
            recent_titles=["Old Favourite"],
            guild_id=1,
        )
        assert report.content.source == "fallback"
        assert report.content.title == "Fresh Fallback"
        assert report.rejected_repeats == ("Old Favourite",) * 3
        assert len(engine.prompts) == 3
        text = engine.prompts[0].text
        assert "<<<the sea>>>" in text and "<<<tide>>>" in text and "Old Favourite" in text
    finally:
        await engine.close()


async def test_generator_uses_a_valid_new_model_prompt() -> None:
    def responder(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        assert options.json_schema is not None
        return json.dumps(
            {
                "title": "Glass Harbour",
                "prompt": "Paint a harbour where every boat is made of glass.",
                "twists": ["Only blues", "Only blues"],
                "tags": ["Sea", "glass"],
            }
        )

    engine = FakeEngine(responder)
    await engine.start()
    try:
        report = await PromptGenerator(engine, curated=[]).generate(
            medium="visual",
            themes=None,
            word=None,
            history=RepeatFilter([], THRESHOLD),
            recent_titles=[],
            guild_id=1,
        )
        assert report.content.source == "model" and report.tries == 1
        assert report.content.twists == ("Only blues",)  # duplicates dropped
        assert report.content.tags == ("sea", "glass")
    finally:
        await engine.close()


async def test_when_every_curated_prompt_was_used_the_oldest_comes_back() -> None:
    curated = [
        CuratedPrompt(
            f"Prompt Number {name}", f"A curated prompt about {name} things.", (), (), "writing"
        )
        for name in ("amber", "basalt", "cedar")
    ]
    history = RepeatFilter(  # newest first: cedar, amber, basalt
        [(c.title, c.prompt) for c in (curated[2], curated[0], curated[1])], 95.0
    )
    engine = FakeEngine()
    generator = PromptGenerator(engine, curated=curated)
    chosen = await generator.fallback("writing", history, guild_id=5)
    assert chosen.title == "Prompt Number basalt"


async def test_a_schema_valid_answer_that_is_no_prompt_is_not_used() -> None:
    replies = [
        _draft("Festival Planning", "Festival Planning and Art Workshop, July 2018."),  # 7 words
        _draft("Echo Echo", "Echo echo echo echo echo echo echo echo echo echo."),
        _draft("Links", "Visit https://example.com to find out what to make today, friends."),
    ]
    engine = FakeEngine(replies=replies)
    await engine.start()
    try:
        report = await PromptGenerator(engine, attempts=3, curated=[]).generate(
            medium="writing",
            themes=None,
            word=None,
            history=RepeatFilter([], THRESHOLD),
            recent_titles=[],
            guild_id=1,
        )
        assert report.content.source == "fallback" and report.errors == 3
    finally:
        await engine.close()
