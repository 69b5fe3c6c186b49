"""Drafting under constraints: the model proposes lines, code checks them, and the model repairs
exactly the lines that fail.

A section is drafted as structured output (exactly N lines, each bounded). Code then checks every
line's syllables and the rhyme scheme with :func:`~bot.services.prosody.analyze_stanza`. Lines
that fail go back to the model, alone (never the lines that passed), each with the rule it broke
and, for a broken rhyme, the word it has to rhyme with. Where a line must rhyme, the schema makes
the model pick its last word from rhymes code found in the dictionary, so a repaired rhyme is a
rhyme by construction; the syllable count is checked again in the next round. After
``rounds`` repair rounds what still fails is shown as failing, never hidden.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints, create_model

from bot.services.prompts import phrase, prompt_messages
from bot.services.prosody.syllables import tokenize
from models import ChatMessage, GenerationOptions, LLMEngine

from .repairs import LineFix, expected_groups, plan_repairs, requested_fix
from .request import PartSpec, SongSpec

__all__ = [
    "LINE_CHARS",
    "LINE_PATTERN",
    "LyricsDrafter",
    "repair_model",
    "section_model",
]

#: A line: words of letters (capitalised or not) with apostrophes, single spaces, commas after
#: words and one closing mark. No digits, braces, URLs, markdown, runs of dots or ALL CAPS,
#: which the small model otherwise writes inside strings. Lengths live in the pattern because
#: llama.cpp's grammar ignores maxLength beside a pattern: 2 to 12 words, 12 letters a word.
_WORD_RE = "[a-z']{0,11},?"
LINE_PATTERN = rf"^[A-Z]{_WORD_RE}( [A-Za-z]{_WORD_RE}){{1,11}}[.!?]?$"
START_PATTERN = rf"^[A-Za-z]{_WORD_RE}( [A-Za-z]{_WORD_RE}){{1,9}}$"
LINE_CHARS = 170
START_CHARS = 140

LineText = Annotated[
    str, StringConstraints(min_length=2, max_length=LINE_CHARS, pattern=LINE_PATTERN)
]
LineStart = Annotated[
    str, StringConstraints(min_length=1, max_length=START_CHARS, pattern=START_PATTERN)
]


@lru_cache(maxsize=32)
def section_model(count: int) -> type[BaseModel]:
    """``{"lines": [...]}`` with exactly ``count`` bounded lines."""
    model: type[BaseModel] = create_model(
        f"SectionOf{count}Lines",
        lines=(list[LineText], Field(min_length=count, max_length=count)),
    )
    return model


def repair_model(fixes: Sequence[LineFix]) -> type[BaseModel]:
    """One field per line to rewrite (and no other): ``line_3`` is a whole line, or
    ``{"end": <one of the allowed words>, "before_end": "the rest of the line"}``, or (when
    the line keeps its last word) just ``{"before_end": ...}``."""
    fields: dict[str, Any] = {}
    for fix in fixes:
        if len(fix.end_choices) == 1:
            # The last word stays; the model writes only what comes before it.
            item = create_model(f"Line{fix.index + 1}", before_end=(LineStart, ...))
            fields[fix.field] = (item, ...)
        elif fix.end_choices:
            choice: Any = Literal.__getitem__(tuple(fix.end_choices))
            item = create_model(
                f"Line{fix.index + 1}",
                end=(choice, ...),
                before_end=(LineStart, ...),
            )
            fields[fix.field] = (item, ...)
        else:
            fields[fix.field] = (LineText, ...)
    model: type[BaseModel] = create_model("LineRewrites", **fields)
    return model


def _rhyme_rules(part: PartSpec) -> str:
    groups = expected_groups(part.scheme, part.lines)
    rules = []
    for group in dict.fromkeys(groups):
        members = [str(i + 1) for i, g in enumerate(groups) if g == group]
        if len(members) > 1:
            rules.append(phrase("lyrics.rhyme_rule", lines=" and ".join(members)))
    return "; ".join(rules) if rules else phrase("lyrics.no_rhyme")


def _syllables_rule(part: PartSpec) -> str:
    if part.syllables is None:
        return ""
    low, high = part.syllables
    # Small models can't count syllables but can count words (about 1.3 syllables a word).
    words = max(2, round((low + high) / 2 / 1.3))
    if low == high:
        count = phrase("lyrics.syllables_one", count=low)
    else:
        count = phrase("lyrics.syllables_range", low=low, high=high)
    return phrase("lyrics.syllables_rule", count=count, words=words)


def _described(fix: LineFix) -> str:
    """One line to repair, as the repair prompt lists it."""
    if fix.end_choices and len(fix.end_choices) == 1:
        shape = phrase("lyrics.keep_end", word=fix.end_choices[0])
    elif fix.end_choices:
        shape = phrase("lyrics.pick_end", partner=fix.partner, choices=", ".join(fix.end_choices))
    else:
        shape = phrase("lyrics.whole_line")
    problems = "; ".join(fix.problems)
    return phrase("lyrics.fix", field=fix.field, text=fix.text, problems=problems, shape=shape)


def _compose(before_end: str, end: str) -> str:
    """A repaired line from the model's parts; the last word is the one code allowed."""
    start = before_end.strip().rstrip(" ,.!?-")
    words = tokenize(start)
    if words and words[-1].lower() == end.lower():
        start = start[: start.lower().rfind(words[-1].lower())].rstrip(" ,.!?-")
    line = f"{start} {end}".strip()
    return line[:1].upper() + line[1:]


def _tidy(line: str) -> str:
    text = " ".join(line.split())
    return text[:1].upper() + text[1:]


class LyricsDrafter:
    """Drafts sections and repairs failing lines with a language model."""

    def __init__(
        self,
        engine: LLMEngine,
        *,
        repair_rounds: int = 2,
        temperature: float = 0.7,
    ) -> None:
        self._engine = engine
        self.repair_rounds = repair_rounds
        self._temperature = temperature

    def _messages(
        self,
        name: str,
        fields: dict[str, object],
        song: SongSpec,
        brief: str | None,
        extra: dict[str, str | None] | None = None,
    ) -> list[ChatMessage]:
        slots = {"topic": song.topic, "genre": song.genre, "mood": song.mood, **(extra or {})}
        return prompt_messages(name, fields=fields, slots=slots, system_slots={"style_echo": brief})

    async def draft_part(
        self,
        song: SongSpec,
        part: PartSpec,
        *,
        user_id: int,
        brief: str | None = None,
        seed: int | None = None,
    ) -> tuple[str, ...]:
        """A new text for ``part``: drafted, checked, and repaired up to ``repair_rounds``."""
        fields: dict[str, object] = {
            "part": part.label.lower(),
            "lines": part.lines,
            "syllables_rule": _syllables_rule(part),
            "scheme": part.scheme,
            "rhyme_rules": _rhyme_rules(part),
        }
        options = GenerationOptions(
            max_tokens=40 + part.lines * 32, temperature=self._temperature, seed=seed
        )
        reply = await self._engine.structured(
            self._messages("lyrics_section", fields, song, brief),
            section_model(part.lines),
            options,
            user_id=user_id,
        )
        lines = tuple(_tidy(line) for line in reply.lines)  # type: ignore[attr-defined]
        return await self.repair(song, part, lines, user_id=user_id, brief=brief)

    async def repair(
        self,
        song: SongSpec,
        part: PartSpec,
        lines: Sequence[str],
        *,
        user_id: int,
        brief: str | None = None,
        only: set[int] | None = None,
        rounds: int | None = None,
    ) -> tuple[str, ...]:
        """Send back only the failing lines, at most ``rounds`` times; return the best text."""
        current = list(lines)
        for _ in range(self.repair_rounds if rounds is None else rounds):
            fixes = await asyncio.to_thread(plan_repairs, current, part, only=only)
            if not fixes:
                break
            current = await self._rewrite(song, part, current, fixes, user_id=user_id, brief=brief)
        return tuple(current)

    async def rewrite_line(
        self,
        song: SongSpec,
        part: PartSpec,
        lines: Sequence[str],
        index: int,
        *,
        hint: str | None,
        user_id: int,
        brief: str | None = None,
    ) -> tuple[str, ...]:
        """A new version of one line the member asked for, then repairs of that line only."""
        fix = await asyncio.to_thread(requested_fix, lines, part, index)
        current = await self._rewrite(
            song, part, list(lines), [fix], user_id=user_id, brief=brief, wish=hint
        )
        return await self.repair(song, part, current, user_id=user_id, brief=brief, only={index})

    async def _rewrite(
        self,
        song: SongSpec,
        part: PartSpec,
        lines: list[str],
        fixes: Sequence[LineFix],
        *,
        user_id: int,
        brief: str | None,
        wish: str | None = None,
    ) -> list[str]:
        fields: dict[str, object] = {
            "part": part.label.lower(),
            "syllables_rule": _syllables_rule(part),
            "fixes": "\n".join(_described(fix) for fix in fixes),
        }
        # Repairs want precision more than invention: a cooler temperature drifts less.
        options = GenerationOptions(
            max_tokens=40 + 40 * len(fixes), temperature=min(self._temperature, 0.4)
        )

        reply = await self._engine.structured(
            self._messages("lyrics_repair", fields, song, brief, {"wish": wish}),
            repair_model(fixes),
            options,
            user_id=user_id,
        )
        for fix in fixes:
            value = getattr(reply, fix.field)
            if isinstance(value, str):
                lines[fix.index] = _tidy(value)
            else:
                end = fix.end_choices[0] if len(fix.end_choices) == 1 else value.end
                lines[fix.index] = _compose(value.before_end, end)
        return lines
