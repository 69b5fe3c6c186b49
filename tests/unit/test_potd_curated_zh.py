"""The Chinese curated prompts of the day: enough of them, all different, all Chinese, and
picked by language."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from bot.services.potd.generation import (
    PromptGenerator,
    RepeatFilter,
    curated_language,
    load_curated,
    normalise_title,
)
from bot.services.potd.types import MEDIA
from models import FakeEngine

THRESHOLD = 82.0
LATIN = re.compile(r"[A-Za-z]")
HAN = re.compile(r"[\u4e00-\u9fff]")


def test_at_least_two_hundred_chinese_prompts_in_every_medium() -> None:
    curated = load_curated("zh-CN")
    assert len(curated) >= 200
    per_medium = Counter(p.medium for p in curated)
    assert set(per_medium) == set(MEDIA) and min(per_medium.values()) >= 45


def test_every_chinese_prompt_is_unique_and_has_no_english() -> None:
    curated = load_curated("zh-CN")
    titles = [normalise_title(p.title) for p in curated]
    assert all(titles) and len(set(titles)) == len(titles)
    assert len({p.prompt for p in curated}) == len(curated)
    english = {p.title for p in load_curated("en")}
    for prompt in curated:
        text = "".join([prompt.title, prompt.prompt, *prompt.twists, *prompt.tags])
        assert not LATIN.search(text), prompt.title
        assert HAN.search(prompt.title) and len(HAN.findall(prompt.prompt)) >= 10
        assert prompt.title not in english
        assert len(prompt.title) <= 20 and len(prompt.prompt) <= 120 and prompt.twists
    # Not one pair counts as a repeat of the other under the default threshold.
    for index, item in enumerate(curated):
        history = RepeatFilter([(p.title, p.prompt) for p in curated[index + 1 :]], THRESHOLD)
        assert history.repeats(item.title, item.prompt) is None, item.title
    # Written one by one, not from a template: openings vary.
    openings = Counter(p.prompt[:3] for p in curated)
    assert openings.most_common(1)[0][1] < 30


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("zh-CN", "zh-CN"), ("zh", "zh-CN"), ("en-US", "en"), ("fr", "en"), (None, "en")],
)
def test_the_list_is_picked_by_discord_locale(locale: str | None, expected: str) -> None:
    assert curated_language(locale) == expected


async def test_the_fallback_in_chinese_walks_the_chinese_list_without_repeats() -> None:
    generator = PromptGenerator(FakeEngine())
    chinese = {p.title for p in load_curated("zh-CN")}
    used: list[tuple[str, str]] = []
    for _ in range(30):
        history = RepeatFilter(used, THRESHOLD)
        found = await generator.fallback("writing", history, guild_id=7, language="zh-CN")
        assert found.title in chinese and found.source == "fallback"
        assert found.medium in ("writing", "mixed")
        used.insert(0, (found.title, found.prompt))
    assert len({title for title, _ in used}) == 30
    english = await generator.fallback("music", RepeatFilter([], THRESHOLD), guild_id=7)
    assert english.title in {p.title for p in load_curated()}
