"""Chinese prosody: counting Han characters, rhyme by pinyin final (韵母) and the thirteen rhyme
groups (十三辙), and the tone pattern (平仄) of 绝句.

Readings come from ``pypinyin`` (polyphonic characters resolved by phrase) and word frequencies
from ``jieba``'s dictionary; both ship their data inside the package, so nothing is downloaded.
The English prosody modules call in here for any text with Han characters.
"""

from .lexicon import entries
from .readings import Syllable, char_readings, end_phrase, readings
from .rhyme import (
    THIRTEEN_GROUPS,
    ZhRhyme,
    end_syllables,
    find_zh_rhymes,
    rhyme_group,
    zh_rhyme_class,
)
from .script import han_count, has_han, is_han, split_mixed, trailing_han
from .tones import (
    ENTERING_LEVEL,
    CharTone,
    LineTones,
    RhymeCell,
    ToneCheck,
    check_jueju,
    jueju_patterns,
)

__all__ = [
    "ENTERING_LEVEL",
    "THIRTEEN_GROUPS",
    "CharTone",
    "LineTones",
    "RhymeCell",
    "Syllable",
    "ToneCheck",
    "ZhRhyme",
    "char_readings",
    "check_jueju",
    "end_phrase",
    "end_syllables",
    "entries",
    "find_zh_rhymes",
    "han_count",
    "has_han",
    "is_han",
    "jueju_patterns",
    "readings",
    "rhyme_group",
    "split_mixed",
    "trailing_han",
    "warm_up",
    "zh_rhyme_class",
]


def warm_up() -> None:
    """Read the word list and index its rhymes now (a second or two of CPU)."""
    entries()
