"""Gentle wording checks on lyrics: repeated words and worn-out clichés."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from bot.i18n import _
from bot.services.lyrics_data.cliches import CLICHE_PAIRS, CLICHE_PHRASES
from bot.services.prosody.stanza import end_word
from bot.services.prosody.syllables import tokenize

__all__ = ["STOPWORDS", "ClicheWarning", "cliche_warnings", "repeated_words"]

_STOPWORDS_TEXT = """
    a an the and or but nor so yet of to in on at by for from with as into onto than then
    is am are was were be been being has had have do does did i me my mine you your yours he
    him his she her hers it its we us our they them their this that these those there here
    what who when where why how all just not no oh yeah ooh ah la na hey can will would could
    should im youre its dont cant wont aint thats lets ill id ive were theyre up out down"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())

#: How far apart two lines may be (in lines) for their end words to count as a pair.
PAIR_DISTANCE = 3


@dataclass(frozen=True, slots=True)
class ClicheWarning:
    """One cliché found; ``line`` is the 0-based index of the (last) line it is in."""

    line: int
    kind: Literal["pair", "phrase"]
    text: str
    message: str


def _plain_word(token: str) -> str:
    return token.lower().replace("'", "")


def repeated_words(
    lines: Sequence[str], *, min_count: int = 2, include_stopwords: bool = False
) -> list[tuple[str, int]]:
    """Words used at least ``min_count`` times, most repeated first (ties alphabetical).

    Function words ("the", "and", "you") are skipped unless ``include_stopwords``.
    """
    counts = Counter(
        word
        for line in lines
        for word in (_plain_word(t) for t in tokenize(line))
        if word and (include_stopwords or word not in STOPWORDS)
    )
    found = [(word, n) for word, n in counts.items() if n >= min_count]
    return sorted(found, key=lambda item: (-item[1], item[0]))


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    words = [_plain_word(w) for w in tokenize(phrase)]
    return re.compile(r"\b" + r"\s+".join(re.escape(w) for w in words) + r"\b")


_PHRASE_PATTERNS = tuple((phrase, _phrase_pattern(phrase)) for phrase in CLICHE_PHRASES)


def cliche_warnings(lines: Sequence[str]) -> list[ClicheWarning]:
    """Clichéd end-word pairs (within a few lines of each other) and stock phrases."""
    warnings: list[ClicheWarning] = []
    ends = [end_word(line) for line in lines]
    for j, later in enumerate(ends):
        for i in range(max(0, j - PAIR_DISTANCE), j):
            earlier = ends[i]
            if earlier and later and frozenset((earlier, later)) in CLICHE_PAIRS:
                warnings.append(
                    ClicheWarning(
                        line=j,
                        kind="pair",
                        text=f"{earlier} / {later}",
                        message=_(
                            '"{earlier}" / "{later}" is one of the most used rhymes; '
                            "a fresher end word will surprise the listener.",
                            earlier=earlier,
                            later=later,
                        ),
                    )
                )
    for index, line in enumerate(lines):
        flat = " ".join(_plain_word(t) for t in tokenize(line))
        for phrase, pattern in _PHRASE_PATTERNS:
            if pattern.search(flat):
                warnings.append(
                    ClicheWarning(
                        line=index,
                        kind="phrase",
                        text=phrase,
                        message=_(
                            '"{phrase}" is a stock phrase; try an image only you would use.',
                            phrase=phrase,
                        ),
                    )
                )
    return warnings
