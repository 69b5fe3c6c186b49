"""A fixed-form poem the way the lyric studio drafts a song: the model drafts, code checks
(:func:`~bot.services.prosody.check_poem`), and only the failing lines go back to the model.

Each line sent back carries the exact count it has and the count it needs, and where its rhyme
failed, the word it must rhyme with and dictionary rhymes to end on; a line whose rhyme holds keeps
its last word. The model writes several versions of each line at once and code keeps the one that
leaves the fewest failing lines (the line as it was is always among them, so a repair never makes a
poem worse). A refrain is written once: code repeats it. After the last round what still misses is
reported as missing, never hidden.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from bot.i18n import _
from bot.services.lyrics.repairs import end_candidates
from bot.services.prompts import phrase, prompt_messages
from bot.services.prosody import (
    FormSpec,
    PoemCheck,
    SyllableTarget,
    check_poem,
    count_syllables,
    end_word,
    find_rhymes,
    tokenize,
    unknown_words,
)
from models import ChatMessage, GenerationOptions, LLMEngine
from models.errors import GenerationTimeout, StructuredOutputError

from .schemas import CANDIDATES, RepairAsk, draft_model, field_name, repair_model

log = logging.getLogger(__name__)

__all__ = ["MAX_ASKS", "Composition", "PoemDrafter", "Progress", "expand", "plan_asks"]

Progress = Callable[[str], Awaitable[None]]
#: Forms of at most this many lines get ``extra_short_rounds`` more repair rounds: they're
#: cheap, and a haiku that misses by one syllable is the whole poem missing.
SHORT_FORM_LINES = 5
#: Lines sent back in one repair: several versions of each must fit the model's context with
#: the prompt; a longer form's other failing lines wait for the next round.
MAX_ASKS = 5
#: Versions of each line a short form's repair asks for: its lines are short, so more fit.
SHORT_CANDIDATES = 5


@dataclass(frozen=True, slots=True)
class Composition:
    """A checked poem: its check after the draft and after the last repair round."""

    first: PoemCheck
    final: PoemCheck
    rounds: int  # repair rounds that ran

    @property
    def lines(self) -> tuple[str, ...]:
        return tuple(line.text for line in self.final.lines)


def expand(form: FormSpec, own: Mapping[int, str]) -> list[str]:
    """Every line of the poem from the lines a writer writes: refrain copies repeat their source."""
    return [own[form.source_of(i)] for i in range(form.lines or len(own))]


def _words_for(target: SyllableTarget) -> int:
    return max(1, round((target[0] + target[1]) / 2 / 1.3))


def _want(target: SyllableTarget) -> str:
    low, high = target
    if low == high:
        return phrase("poetry.syllables_one", count=low)
    return phrase("poetry.syllables_range", low=low, high=high)


def _clean(word: str) -> str | None:
    plain = word.lower()
    return plain if plain.isalpha() and plain.isascii() else None


def plan_asks(check: PoemCheck) -> list[RepairAsk]:
    """The lines a writer wrote that miss (a refrain's source when any copy of it misses), each
    with what it broke and the shape its new versions must take. CPU-bound: run in a thread."""
    form = check.form
    ends = [end_word(line.text) for line in check.lines]
    used = {e for e in ends if e}
    asks: list[RepairAsk] = []
    for i in form.own_lines:
        if i >= len(check.lines):
            break
        copies = [c for c in check.lines if form.source_of(c.number - 1) == i]
        if all(c.ok for c in copies):
            continue
        line = check.lines[i]
        problems: list[str] = []
        if not line.ok_syllables and line.target is not None and form.script == "han":
            problems.append(
                phrase("poetry.wrong_characters", count=line.syllables, want=_want(line.target))
            )
        elif not line.ok_syllables and line.target is not None:
            problems.append(
                phrase(
                    "poetry.wrong_syllables",
                    count=line.syllables,
                    want=_want(line.target),
                    words=_words_for(line.target),
                )
            )
        partner: str | None = None
        choices: tuple[str, ...] = ()
        end_syllables = 0
        rhyme_with = next((c.rhyme_with for c in copies if c.rhyme_with is not None), None)
        if rhyme_with is not None:
            partner = ends[rhyme_with]
            problems.append(phrase("poetry.no_rhyme_with", word=ends[i], partner=partner))
            choices = end_candidates(partner, used) if partner else ()
            if form.script == "han" and partner:
                problems.append(_han_rhyme_hint(partner, used))
                choices = ()
        elif form.script == "han":
            pass  # a Chinese line is rewritten whole: no English end-word choices
        elif line.letter is not None and (kept := _clean(ends[i])):
            choices = (kept,)
            end_syllables = count_syllables(kept)
        if line.meter_ok is False:
            problems.append(phrase("poetry.off_beat"))
        if problems:
            ask = RepairAsk(i, line.text, tuple(problems), line.target, partner, choices)
            asks.append(replace(ask, end_syllables=end_syllables, han=form.script == "han"))
    return asks


def _han_rhyme_hint(partner: str, used: set[str]) -> str:
    """Common characters that rhyme with ``partner`` by pinyin final, for the model to end on."""
    found = [r.word for r in find_rhymes(partner, "perfect", 20) if r.syllables == 1]
    shown = "、".join(w for w in found if w not in used)[:30] or "…"
    return phrase("poetry.rhyme_hint_han", partner=partner, choices=shown)


def _tidy(line: str) -> str:
    text = " ".join(line.split())
    return text[:1].upper() + text[1:]


def _compose(before_end: str, end: str) -> str:
    start = before_end.strip().rstrip(" ,.!?-")
    words = tokenize(start)
    if words and words[-1].lower() == end.lower():
        start = start[: start.lower().rfind(words[-1].lower())].rstrip(" ,.!?-")
    return _tidy(f"{start} {end}".strip())


#: Words a line can lose without losing its sense, when the model's version runs long.
_SPARE = frozenset(
    ["the", "a", "an", "and", "so", "very", "just", "now", "all", "still", "oh", "then", "too"]
)


def _trims(text: str, target: SyllableTarget | None) -> list[str]:
    """``text`` with one or two spare words dropped ("the", "so", "very"...), where that
    brings a line that runs long onto its count; the last word always stays."""
    if target is None:
        return []
    words = text.rstrip(".!?").split()
    excess = count_syllables(text) - target[1]
    if excess <= 0 or len(words) < 3:
        return []
    spare = [i for i, w in enumerate(words[:-1]) if w.lower().strip(",") in _SPARE]
    options = [[i] for i in spare] + [[i, j] for i in spare for j in spare if i < j]
    out = []
    for drop in options:
        kept = [w for i, w in enumerate(words) if i not in drop]
        line = _tidy(" ".join(kept))
        if target[0] <= count_syllables(line) <= target[1]:
            out.append(line)
    return out[:3]


def _versions(ask: RepairAsk, value: Sequence[Any]) -> list[str]:
    """The model's versions of a line, then trimmed variants of them."""
    out = []
    for item in value:
        if isinstance(item, str):
            out.append(_tidy(item))
        else:
            end = ask.end_choices[0] if len(ask.end_choices) == 1 else item.end
            out.append(_compose(item.before_end, end))
    trimmed = [t for line in out for t in _trims(line, ask.target)]
    return list(dict.fromkeys([*out, *trimmed]))


def _pick(form: FormSpec, own: dict[int, str], index: int, versions: Sequence[str]) -> PoemCheck:
    """Keep, for line ``index``, the version (the current one included) that leaves the fewest
    failing lines, then the nearest syllable count, then the fewest words the dictionary lacks
    (the small model drifts into made-up words); ``own`` is updated in place."""
    best: tuple[tuple[int, int, int, int], str, PoemCheck] | None = None
    for order, text in enumerate([own[index], *versions]):
        trial = {**own, index: text}
        check = check_poem(expand(form, trial), form)
        line = check.lines[index]
        miss = 0
        if line.target is not None and not line.ok_syllables:
            miss = min(abs(line.syllables - line.target[0]), abs(line.syllables - line.target[1]))
        # A new version wins a tie with the old line: it is at least as good, and fresher.
        key = (len(check.failing), miss, unknown_words(text), 0 if order else 1)
        if best is None or key < best[0]:
            best = (key, text, check)
    assert best is not None
    own[index] = best[1]
    return best[2]


class PoemDrafter:
    """Drafts fixed-form poems and repairs failing lines with a language model."""

    def __init__(
        self,
        engine: LLMEngine,
        *,
        repair_rounds: int = 3,
        extra_short_rounds: int = 2,
        temperature: float = 0.7,
        candidates: int = CANDIDATES,
        short_candidates: int = SHORT_CANDIDATES,
    ) -> None:
        self._engine = engine
        self.repair_rounds = repair_rounds
        self.extra_short_rounds = extra_short_rounds
        self._temperature = temperature
        self._candidates = candidates
        self._short_candidates = short_candidates

    def rounds_for(self, form: FormSpec) -> int:
        short = (form.lines or 0) <= SHORT_FORM_LINES
        return self.repair_rounds + (self.extra_short_rounds if short else 0)

    def candidates_for(self, form: FormSpec) -> int:
        short = (form.lines or 0) <= SHORT_FORM_LINES
        return self._short_candidates if short else self._candidates

    def _messages(
        self,
        name: str,
        fields: Mapping[str, object],
        topic: str,
        tone: str | None,
        brief: str | None,
    ) -> list[ChatMessage]:
        slots = {"topic": topic, "tone": tone}
        return prompt_messages(name, fields=fields, slots=slots, system_slots={"style_echo": brief})

    async def compose(
        self,
        form: FormSpec,
        topic: str,
        *,
        tone: str | None = None,
        user_id: int,
        brief: str | None = None,
        progress: Progress | None = None,
        seed: int | None = None,
    ) -> Composition:
        """Draft ``form`` on ``topic``, check it, and repair failing lines for a few rounds."""
        fields = {
            "form": form.prompt,
            "fields": ", ".join(field_name(i) for i in form.own_lines),
            "line_rules": "".join(
                _line_rule(form, field_name(i), t)
                for i in form.own_lines
                if (t := form.target(i)) is not None
            ),
            "rhyme_rules": _rhyme_rules(form),
        }
        per_line = 48 if form.script == "han" else 24  # a Han character is several tokens
        options = GenerationOptions(
            max_tokens=40 + per_line * len(form.own_lines), temperature=self._temperature, seed=seed
        )
        reply = await self._engine.structured(
            self._messages("poem_draft", fields, topic, tone, brief),
            draft_model(form),
            options,
            user_id=user_id,
        )
        own = {i: _tidy(getattr(reply, field_name(i))) for i in form.own_lines}
        check = await asyncio.to_thread(check_poem, expand(form, own), form)
        first = check
        rounds = 0
        for _round in range(self.rounds_for(form)):
            asks = (await asyncio.to_thread(plan_asks, check))[:MAX_ASKS]
            if not asks:
                break
            rounds += 1
            if progress is not None:
                shown = ", ".join(str(a.index + 1) for a in asks)
                await progress(
                    _("Checked: reworking line {lines} (round {round})", lines=shown, round=rounds)
                )
            try:
                check = await self._repair(form, own, asks, topic, tone, brief, user_id)
            except (StructuredOutputError, GenerationTimeout) as exc:
                # A malformed or timed-out repair loses nothing: the lines so far stand, and the
                # reply says honestly which of them still miss.
                log.warning("a repair of a %s failed (%s); keeping its lines", form.key, exc)
                break
        return Composition(first, check, rounds)

    async def _repair(
        self,
        form: FormSpec,
        own: dict[int, str],
        asks: Sequence[RepairAsk],
        topic: str,
        tone: str | None,
        brief: str | None,
        user_id: int,
    ) -> PoemCheck:
        count = self.candidates_for(form)
        fields = {
            "form": form.prompt,
            "count": count,
            "fixes": "\n".join(_described(ask) for ask in asks),
        }
        options = GenerationOptions(
            max_tokens=40 + (60 if form.script == "han" else 30) * count * len(asks),
            temperature=min(self._temperature, 0.6),
        )
        reply = await self._engine.structured(
            self._messages("poem_repair", fields, topic, tone, brief),
            repair_model(asks, count),
            options,
            user_id=user_id,
        )
        check: PoemCheck | None = None
        for ask in asks:
            versions = _versions(ask, getattr(reply, ask.field))
            check = await asyncio.to_thread(_pick, form, own, ask.index, versions)
        assert check is not None
        return check


def _line_rule(form: FormSpec, field: str, target: SyllableTarget) -> str:
    if form.script == "han":
        return phrase("poetry.line_rule_han", line=field, count=_want(target))
    return phrase("poetry.line_rule", line=field, count=_want(target), words=_words_for(target))


def _rhyme_rules(form: FormSpec) -> str:
    rules = []
    for letter in dict.fromkeys(form.scheme):
        members = [field_name(i) for i in form.own_lines if form.letter(i) == letter]
        if len(members) > 1:
            rules.append(phrase("poetry.rhyme_rule", lines=", ".join(members)))
    return "".join(rules)


def _described(ask: RepairAsk) -> str:
    if len(ask.end_choices) == 1:
        shape = phrase("poetry.keep_end", word=ask.end_choices[0])
    elif ask.end_choices:
        shape = phrase("poetry.pick_end", partner=ask.partner, choices=", ".join(ask.end_choices))
    else:
        shape = phrase("poetry.whole_line")
    problems = "; ".join(ask.problems)
    return phrase("poetry.fix", field=ask.field, text=ask.text, problems=problems, shape=shape)
