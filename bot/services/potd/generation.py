"""Writing a prompt that has not been used before: the model first, the curated list after.

The model only proposes. Code guarantees the rest: the answer must validate against
:class:`PromptDraft` (bounded fields, a ``pattern`` on the title), and a candidate too similar
to any of the server's recent prompts (rapidfuzz, threshold in settings) is rejected. Recent
titles also go into the prompt as an avoid-list. After the allowed tries, a prompt from the
curated list shipped with Muse is used, itself checked against the same history.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from rapidfuzz import fuzz, process

from bot.services.prompts import phrases, prompt_messages
from models import GenerationOptions, LLMEngine, Priority

from .types import MEDIA, PromptContent, PromptDraft

__all__ = [
    "CURATED_FILES",
    "CuratedPrompt",
    "PromptGenerator",
    "RepeatFilter",
    "curated_language",
    "load_curated",
    "normalise_title",
]

log = logging.getLogger(__name__)

AVOID_LIST_SIZE = 25
MAX_TOKENS = 240
MIN_PROMPT_WORDS = 8
_ARTICLES = re.compile(r"^(the|a|an)\s+")
# Han characters are kept: a Chinese title folded to nothing would match every other one.
_NOT_WORD = re.compile(r"[^a-z0-9 \u3400-\u4dbf\u4e00-\u9fff]+")
_LINKS = re.compile(r"https?:|www\.|discord\.gg", re.IGNORECASE)

MEDIUM_AUDIENCE = phrases("potd.audience")  # medium -> who the prompt is for


LAST_RESORT = PromptContent(
    title="Free Choice",
    prompt="Make anything you like today, and tell us one thing that surprised you on the way.",
    source="fallback",
)


def normalise_title(title: str) -> str:
    folded = _NOT_WORD.sub(" ", title.casefold())
    return _ARTICLES.sub("", " ".join(folded.split()))


@dataclass(frozen=True, slots=True)
class CuratedPrompt:
    title: str
    prompt: str
    twists: tuple[str, ...]
    tags: tuple[str, ...]
    medium: str

    def content(self) -> PromptContent:
        return PromptContent(
            title=self.title,
            prompt=self.prompt,
            twists=self.twists,
            tags=self.tags,
            medium=self.medium,
            source="fallback",
        )


#: The curated lists shipped in ``bot/data``, by language (Discord's locale names).
CURATED_FILES = {"en": "potd_prompts.json", "zh-CN": "potd_prompts.zh-CN.json"}


def curated_language(language: str | None) -> str:
    """The curated list for a Discord locale: Chinese for "zh-CN" (and any "zh"), else English.
    Traditional Chinese ("zh-TW") gets the English list until a list of its own is written."""
    if language is None:
        return "en"
    if language.lower() in ("zh", "zh-cn", "zh-hans", "zh_cn"):
        return "zh-CN"
    return "en"


@lru_cache(maxsize=4)
def load_curated(language: str = "en") -> tuple[CuratedPrompt, ...]:
    """The curated prompts shipped in ``bot/data`` for ``language`` (a Discord locale such as
    "zh-CN"; anything without a list of its own gets the English one)."""
    name = CURATED_FILES[curated_language(language)]
    raw = resources.files("bot").joinpath(f"data/{name}").read_text(encoding="utf-8")
    data: Any = json.loads(raw)
    items = data["prompts"] if isinstance(data, dict) else data
    found = []
    for item in items:
        medium = str(item["medium"])
        if medium not in MEDIA:
            raise ValueError(f"curated prompt {item.get('title')!r} has unknown medium {medium}")
        found.append(
            CuratedPrompt(
                title=str(item["title"]),
                prompt=str(item["prompt"]),
                twists=tuple(str(t) for t in item.get("twists", ())),
                tags=tuple(str(t) for t in item.get("tags", ())),
                medium=medium,
            )
        )
    return tuple(found)


class RepeatFilter:
    """Says whether a candidate repeats one of the server's past prompts.

    Titles are compared with ``fuzz.ratio`` after folding case, punctuation and a leading article;
    prompt texts with ``fuzz.token_sort_ratio`` (word order does not hide a repeat).
    """

    def __init__(self, history: Sequence[tuple[str, str]], threshold: float) -> None:
        self.threshold = threshold
        self._titles = [normalise_title(t) for t, _ in history]
        self._prompts = [p.casefold() for _, p in history]
        self._raw_titles = [t for t, _ in history]

    def __len__(self) -> int:
        return len(self._titles)

    def repeats(self, title: str, prompt: str) -> str | None:
        """The past title this candidate repeats, or None when it is new."""
        if not self._titles:
            return None
        hit = process.extractOne(
            normalise_title(title), self._titles, scorer=fuzz.ratio, score_cutoff=self.threshold
        )
        if hit is None:
            hit = process.extractOne(
                prompt.casefold(),
                self._prompts,
                scorer=fuzz.token_sort_ratio,
                score_cutoff=self.threshold,
            )
        return self._raw_titles[hit[2]] if hit is not None else None

    def last_seen(self, title: str) -> int:
        """How far back (0 = newest) a title was last used; past the end when never."""
        hit = process.extractOne(
            normalise_title(title), self._titles, scorer=fuzz.ratio, score_cutoff=self.threshold
        )
        return hit[2] if hit is not None else len(self._titles)


@dataclass(frozen=True, slots=True)
class GenerationReport:
    content: PromptContent
    tries: int
    rejected_repeats: tuple[str, ...]
    errors: int


class PromptGenerator:
    def __init__(
        self,
        engine: LLMEngine,
        *,
        attempts: int = 3,
        temperature: float = 0.7,
        curated: Sequence[CuratedPrompt] | None = None,
    ) -> None:
        self._engine = engine
        self._attempts = attempts
        self._temperature = temperature
        self._curated = tuple(curated) if curated is not None else None

    async def curated(self, language: str = "en") -> tuple[CuratedPrompt, ...]:
        """The curated list for ``language`` (an injected list stands for every language)."""
        if self._curated is not None:
            return self._curated
        return await asyncio.to_thread(load_curated, curated_language(language))

    def messages_for(
        self, medium: str, themes: str | None, word: str | None, avoid: Sequence[str]
    ) -> list[Any]:
        audience = MEDIUM_AUDIENCE.get(medium, MEDIUM_AUDIENCE["mixed"])
        slots = {"themes": themes, "word": word, "avoid": "; ".join(avoid[:AVOID_LIST_SIZE])}
        return prompt_messages("potd", fields={"audience": audience}, slots=slots)

    async def generate(
        self,
        *,
        medium: str,
        themes: str | None,
        word: str | None,
        history: RepeatFilter,
        recent_titles: Sequence[str],
        guild_id: int,
        interactive: bool = False,
        language: str = "en",
    ) -> GenerationReport:
        """Up to ``attempts`` model tries, then the curated fallback in ``language``."""
        avoid = list(recent_titles)
        rejected: list[str] = []
        errors = 0
        options = GenerationOptions(
            max_tokens=MAX_TOKENS, temperature=self._temperature, repeat_penalty=1.3
        )
        priority = Priority.INTERACTIVE if interactive else Priority.BACKGROUND
        for attempt in range(1, self._attempts + 1):
            messages = self.messages_for(medium, themes, word, avoid)
            try:
                draft = await self._engine.structured(
                    messages, PromptDraft, options, priority=priority
                )
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the model failing is expected; fall through to the list
                errors += 1
                log.info("prompt of the day: model try %d failed: %s", attempt, type(exc).__name__)
                continue
            if not _looks_like_a_prompt(draft):
                errors += 1
                log.info("prompt of the day: model try %d is not a usable prompt", attempt)
                continue
            repeated = history.repeats(draft.title, draft.prompt)
            if repeated is not None:
                rejected.append(draft.title)
                avoid.insert(0, draft.title)
                # No titles in the log: past prompts include members' suggestions.
                log.info("prompt of the day: model try %d repeats a past prompt", attempt)
                continue
            content = PromptContent(
                title=draft.title.strip(),
                prompt=draft.prompt.strip(),
                twists=_unique(draft.twists),
                tags=_unique(t.lower() for t in draft.tags),
                medium=medium,
                source="model",
            )
            return GenerationReport(content, attempt, tuple(rejected), errors)
        fallback = await self.fallback(medium, history, guild_id=guild_id, language=language)
        return GenerationReport(fallback, self._attempts, tuple(rejected), errors)

    async def fallback(
        self, medium: str, history: RepeatFilter, *, guild_id: int, language: str = "en"
    ) -> PromptContent:
        """A curated prompt for the medium that the server has not had (recently), from the
        list in ``language`` (a Discord locale: "zh-CN" picks the Chinese list).

        Each server walks the list in its own shuffled order. When every fitting prompt has
        been used within the history window, the one used longest ago comes back.
        """
        curated = await self.curated(language)
        if medium == "mixed":
            pools = [list(curated)]
        else:
            pools = [
                [c for c in curated if c.medium == medium],
                [c for c in curated if c.medium == "mixed"],
            ]
        everything: list[CuratedPrompt] = []
        for pool in pools:
            random.Random(guild_id).shuffle(pool)
            for candidate in pool:
                if history.repeats(candidate.title, candidate.prompt) is None:
                    return candidate.content()
            everything.extend(pool)
        if not everything:
            everything = list(curated)
        if not everything:  # only with an empty list injected in tests or a broken install
            return LAST_RESORT
        return max(everything, key=lambda c: history.last_seen(c.title)).content()


def _looks_like_a_prompt(draft: PromptDraft) -> bool:
    """What the schema can't say: a real sentence of some length, no links, not the title."""
    words = draft.prompt.split()
    if len(words) < MIN_PROMPT_WORDS or len(set(w.casefold() for w in words)) < len(words) / 2:
        return False
    if _LINKS.search(draft.prompt) or _LINKS.search(" ".join(draft.twists)):
        return False
    return normalise_title(draft.prompt) != normalise_title(draft.title)


def _unique(values: Any) -> tuple[str, ...]:
    seen: list[str] = []
    for value in values:
        text = " ".join(str(value).split())
        if text and text.casefold() not in (s.casefold() for s in seen):
            seen.append(text)
    return tuple(seen)
