"""Every prompt Muse sends, built by the code that sends it, with each member input at the
longest its command allows: what the template tests render and the context test measures."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from bot.clock import FakeClock
from bot.services import writing
from bot.services.lyrics import LyricsDrafter, song_spec
from bot.services.lyrics.drafting import LINE_CHARS, LINE_PATTERN, repair_model
from bot.services.lyrics.repairs import END_CHOICES, LineFix
from bot.services.lyrics.request import (
    GENRE_LIMIT,
    MAX_LINES_PER_SECTION,
    MOOD_LIMIT,
)
from bot.services.lyrics.request import TOPIC_LIMIT as LYRIC_TOPIC_LIMIT
from bot.services.melody import MAX_TEMPO, SectionText, melody_params
from bot.services.melody.proposal import PROPOSAL_TOKENS, proposal_messages
from bot.services.poetry import PoemDrafter, RepairAsk
from bot.services.poetry.drafting import MAX_ASKS
from bot.services.potd.generation import AVOID_LIST_SIZE, MAX_TOKENS, PromptGenerator
from bot.services.style.analyze import analysis_messages
from bot.services.style.inspire import inspire_messages
from bot.services.style.learning import learning_messages
from bot.services.style.service import StyleConfig
from models import ChatMessage, GenerationOptions

__all__ = ["PROSE", "Case", "largest_prompts", "long_text"]

# Prose that tokenizes badly (names, punctuation, numbers): the worst case per character.
PROSE = "Keeper Ó'Rourke-Vasquez climbed 1,204 steps; gulls (73!) screamed — “why?” "


def long_text(chars: int) -> str:
    """Exactly ``chars`` characters of :data:`PROSE`."""
    return (PROSE * (chars // len(PROSE) + 1))[:chars]


@dataclass(frozen=True, slots=True)
class Case:
    """One prompt at its bounds and the longest answer the code asks the model for."""

    name: str
    messages: list[ChatMessage]
    answer_tokens: int


class _Stop(Exception):
    pass


class _Capture:
    """An engine that keeps the first structured request and stops the caller there."""

    def __init__(self) -> None:
        self.seen: list[tuple[list[ChatMessage], GenerationOptions]] = []

    async def structured(
        self, messages: Sequence[ChatMessage], model: Any, options: GenerationOptions, **_: Any
    ) -> Any:
        self.seen.append((list(messages), options))
        raise _Stop


class _Brief:
    def __init__(self, brief: str) -> None:
        self.brief = brief

    async def brief_for(self, guild_id: int | None, user_id: int) -> str | None:
        return self.brief


async def _captured(engine: _Capture, call: Any) -> tuple[list[ChatMessage], int]:
    with contextlib.suppress(_Stop):
        await call
    messages, options = engine.seen[-1]
    assert options.max_tokens is not None
    return messages, options.max_tokens


async def _largest() -> list[Case]:
    from bot.services.lyrics.editing import HINT_LIMIT
    from bot.services.potd.service import CALENDAR_WORD_LIMIT, THEMES_LIMIT, TITLE_LIMIT

    config = StyleConfig()
    brief = long_text(config.brief_chars)
    cases: list[Case] = []

    # /write: the longest form name, the longest length, topic, tone and brief at their bounds.
    service = writing.WritingService(
        None,  # type: ignore[arg-type]
        None,  # type: ignore[arg-type]
        clock=FakeClock(),
        style=_Brief(brief),
    )
    form = max(writing.FORMS, key=lambda f: len(writing.FORMS[f]))
    length = max(writing.LENGTHS, key=lambda n: writing.LENGTHS[n][0])
    record = SimpleNamespace(
        form=form,
        length=length,
        topic=long_text(writing.TOPIC_LIMIT),
        tone=long_text(writing.TONE_LIMIT),
        guild_id=1,
        user_id=1,
    )
    answer = writing.LENGTHS[length][0]
    cases.append(Case("write", await service._messages(record), answer))  # type: ignore[arg-type]
    piece = "\n".join([long_text(70)] * 40)
    continued = await service._continue_messages(record, piece)  # type: ignore[arg-type]
    cases.append(Case("write_continue", continued, answer))

    # /lyrics: the longest section, then a repair of every line of it with a member's wish.
    engine = _Capture()
    drafter = LyricsDrafter(engine)  # type: ignore[arg-type]
    song = song_spec(
        topic=long_text(LYRIC_TOPIC_LIMIT),
        genre=long_text(GENRE_LIMIT),
        mood=long_text(MOOD_LIMIT),
        structure="verse, chorus",
        lines=MAX_LINES_PER_SECTION,
        syllables="10-12",
    )
    part = song.parts[0]
    section = drafter.draft_part(song, part, user_id=1, brief=brief)
    cases.append(Case("lyrics_section", *await _captured(engine, section)))
    # The longest line the schema lets the model write: twelve words of twelve letters.
    line = " ".join(["Wanderingsss,", *["wanderingsss,"] * 10, "wanderingsss."])
    assert re.fullmatch(LINE_PATTERN, line) and len(line) <= LINE_CHARS
    choices = tuple(f"longerword{i}" for i in range(END_CHOICES))
    problems = ("it has 30 syllables but needs 10 to 12", 'its last word "x" does not rhyme')
    fixes = [LineFix(i, line, problems, "wandering", choices) for i in range(MAX_LINES_PER_SECTION)]
    repair_model(fixes)  # the schema for these fixes exists
    lines = [line] * MAX_LINES_PER_SECTION
    rewrite = drafter._rewrite(
        song, part, lines, fixes, user_id=1, brief=brief, wish=long_text(HINT_LIMIT)
    )
    cases.append(Case("lyrics_repair", *await _captured(engine, rewrite)))

    # /lyrics melody: the lyric slot cut at its limit, the longest key name, the top tempo.
    params = melody_params(key="C#", mode="major", tempo=MAX_TEMPO, voice="soprano")
    sections = [SectionText("Verse", (long_text(170),) * 20)]
    cases.append(Case("melody_shape", proposal_messages(sections, params), PROPOSAL_TOKENS))

    # /write with a fixed form: the form whose draft prompt is longest, then a repair of as
    # many lines as one round sends, each at the longest line the schema allows, with rhymes.
    poems = PoemDrafter(engine)  # type: ignore[arg-type]
    topic, tone = long_text(writing.TOPIC_LIMIT), long_text(writing.TONE_LIMIT)
    drafts = []
    for spec in writing.FIXED_FORMS.values():
        call = poems.compose(spec, topic, tone=tone, user_id=1, brief=brief)
        drafts.append(await _captured(engine, call))
    cases.append(
        Case("poem_draft", *max(drafts, key=lambda d: sum(len(m.content) for m in d[0]) + 4 * d[1]))
    )
    sonnet = writing.FIXED_FORMS["sonnet"]
    asks = [RepairAsk(i, line, problems, (10, 10), "wandering", choices) for i in range(MAX_ASKS)]
    own = {i: line for i in sonnet.own_lines}
    repair = poems._repair(sonnet, own, asks, topic, tone, brief, 1)
    cases.append(Case("poem_repair", *await _captured(engine, repair)))

    # Prompt of the day: themes, the calendar word and a full avoid-list of the longest titles.
    generator = PromptGenerator(None)  # type: ignore[arg-type]
    avoid = [long_text(TITLE_LIMIT)] * AVOID_LIST_SIZE
    medium = max(("visual", "writing", "music", "mixed"), key=len)
    potd = generator.messages_for(
        medium, long_text(THEMES_LIMIT), long_text(CALENDAR_WORD_LIMIT), avoid
    )
    cases.append(Case("potd", potd, MAX_TOKENS))

    # /analyze reads at most analyze_chars of a work; /inspire adds a brief; learning reads
    # at most learn_chars of a contribution.
    cases.append(Case("analyze", analysis_messages(long_text(config.analyze_chars)), 420))
    cases.append(Case("inspire", inspire_messages("visual", brief, visual=True), 360))
    learned = learning_messages("potd_submission", long_text(config.learn_chars))
    cases.append(Case("style_learn", learned, 280))
    return cases


def largest_prompts() -> list[Case]:
    """Every prompt but story's (its own test builds those), at its largest."""
    return asyncio.run(_largest())
