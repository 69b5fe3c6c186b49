"""The structured answers the model gives for a poem: a draft of every line a writer writes, and
several versions of each line sent back for repair.

A Chinese form's line is exactly its count of Han characters (and one closing mark). Otherwise
the grammar bounds each line by words, from its syllable target: a line of 5 syllables has 2 to
5 words (a word has at least one syllable, seldom more than three), so the draft already sits near
the count. Lines are letters, apostrophes, commas and one closing mark, as in the lyric studio.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints, create_model

from bot.services.prosody import FormSpec, SyllableTarget

__all__ = [
    "CANDIDATES",
    "RepairAsk",
    "draft_model",
    "field_name",
    "repair_model",
    "word_bounds",
]

#: Versions of each failing line the model writes in one repair; code keeps the best.
CANDIDATES = 3
_WORD = "[a-z']{0,11},?"
_MAX_WORDS = 12


def field_name(index: int) -> str:
    """The JSON field of 0-based line ``index``: ``line_1`` for the first line."""
    return f"line_{index + 1}"


def word_bounds(target: SyllableTarget | None) -> tuple[int, int]:
    """Fewest and most words a line of ``target`` syllables may have."""
    if target is None:
        return 2, _MAX_WORDS
    low, high = target
    return max(1, math.ceil(low / 3)), max(1, min(high, _MAX_WORDS))


def _pattern(words: tuple[int, int], *, capital: bool, closing: bool) -> str:
    low, high = words
    first = "[A-Z]" if capital else "[A-Za-z]"
    more = f"( [A-Za-z]{_WORD}){{{low - 1},{high - 1}}}" if high > 1 else ""
    end = "[.!?]?" if closing else ""
    return f"^{first}{_WORD}{more}{end}$"


def _line(words: tuple[int, int]) -> Any:
    pattern = _pattern(words, capital=True, closing=True)
    return Annotated[str, StringConstraints(min_length=1, max_length=170, pattern=pattern)]


#: The Han characters a Chinese line may use: the basic CJK block, which the model's grammar
#: handles as one range, and one closing full-width mark.
_HAN = "\u4e00-\u9fff"


def _han_line(target: SyllableTarget | None) -> Any:
    low, high = target if target is not None else (1, 30)
    pattern = f"^[{_HAN}]{{{low},{high}}}[，。！？]?$"
    return Annotated[str, StringConstraints(min_length=low, max_length=high + 1, pattern=pattern)]


def _form_line(form: FormSpec, index: int) -> Any:
    target = form.target(index)
    return _han_line(target) if form.script == "han" else _line(word_bounds(target))


def _start(words: tuple[int, int]) -> Any:
    pattern = _pattern(words, capital=False, closing=False)
    return Annotated[str, StringConstraints(min_length=1, max_length=150, pattern=pattern)]


def draft_model(form: FormSpec) -> type[BaseModel]:
    """``{"line_1": ..., "line_2": ...}``: one field per line the writer writes (a refrain's
    copies are left out: code repeats them), each bounded by its syllable target."""
    fields: dict[str, Any] = {field_name(i): (_form_line(form, i), ...) for i in form.own_lines}
    model: type[BaseModel] = create_model(f"{form.key.title()}Lines", **fields)
    return model


@dataclass(frozen=True, slots=True)
class RepairAsk:
    """One line sent back: its 0-based index, what it must fix, and the shape of its answer:
    any whole line (no ``end_choices``), a line ending on its own last word (one choice), or a
    line ending on one of several rhymes code found."""

    index: int
    text: str
    problems: tuple[str, ...]
    target: SyllableTarget | None
    partner: str | None = None
    end_choices: tuple[str, ...] = ()
    end_syllables: int = 0  # of the kept last word, when there is one
    han: bool = False  # a Chinese line: always rewritten whole, in Han characters

    @property
    def field(self) -> str:
        return field_name(self.index)

    def start_words(self) -> tuple[int, int]:
        """Words before the last one, when code supplies the last."""
        if self.target is None:
            return 1, _MAX_WORDS - 1
        low, high = self.target
        spare = (max(1, low - self.end_syllables), max(1, high - self.end_syllables))
        return word_bounds(spare)


def repair_model(asks: Sequence[RepairAsk], candidates: int = CANDIDATES) -> type[BaseModel]:
    """One field per line sent back (and no other), each a list of ``candidates`` versions."""
    fields: dict[str, Any] = {}
    for ask in asks:
        item: Any
        if ask.han:
            item = _han_line(ask.target)
        elif len(ask.end_choices) == 1:
            item = create_model(f"Line{ask.index + 1}", before_end=(_start(ask.start_words()), ...))
        elif ask.end_choices:
            choice: Any = Literal.__getitem__(tuple(ask.end_choices))
            item = create_model(
                f"Line{ask.index + 1}",
                end=(choice, ...),
                before_end=(_start(ask.start_words()), ...),
            )
        else:
            item = _line(word_bounds(ask.target))
        fields[ask.field] = (list[item], Field(min_length=candidates, max_length=candidates))
    model: type[BaseModel] = create_model("LineVersions", **fields)
    return model
