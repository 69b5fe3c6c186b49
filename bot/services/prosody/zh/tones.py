"""The tone pattern (平仄) of a 五言 or 七言 绝句 against the four standard patterns of each.

Each character is level (平: Mandarin's first and second tones) or oblique (仄: third and fourth).
Two things Mandarin can't tell on its own are handled here, and said in every reply:

* **入声**: the checked tone of Tang times is gone from Mandarin; its characters were all oblique,
  but many now sound level (白 bái, 国 guó, 一 yī, 十 shí). ``ENTERING_LEVEL`` lists common
  such characters: they count as 仄 and are marked. The list is not complete, so a level tone
  on another old 入声 character may still be read wrong.
* **两读**: some characters are read level or oblique by sense (看 kān/kàn, 思 sī/sì, 重
  chóng/zhòng); they and neutral-tone characters fit either (shown 中, as tone charts do).

The customary leniency "一三五不论" lets the 1st and 3rd characters of a 五言 line (1st, 3rd
and 5th of a 七言 line) go either way; the others must follow the pattern.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from .readings import readings
from .rhyme import end_syllables, rhyme_group, zh_rhyme_class
from .script import is_han

__all__ = [
    "EITHER_TONE",
    "ENTERING_LEVEL",
    "CharTone",
    "LineTones",
    "RhymeCell",
    "ToneCheck",
    "check_jueju",
    "jueju_patterns",
]

LEVEL, OBLIQUE, EITHER = "平", "仄", "中"

#: Common characters of the old entering tone (入声) that are level in Mandarin: oblique in verse.
ENTERING_LEVEL = frozenset(
    "一七八十不石实食拾识白国发出竹节急德得独读学笛敌福佛及级集习席吉极即夕惜息昔击激积"
    "织汁执直职植则泽责择宅贼格革隔阁合盒核活滑夹杰结洁劫接捷截竭觉决绝哭屋突督族足"
    "俗烛逐轴熟叔毒伏服拂幅菊局橘缺削穴答达搭杂插察拔乏伐罚压鸭押刮杀瞎狭峡侠匣捉卓浊"
    "酌说脱托夺薄博泊驳勃泼拍摘拆剥伯昨凿额舌折哲别蝶跌叠贴歇协胁撮拙屈黑薛憋鳖逼滴踢"
    "劈喝割鸽籍疾袭迭碟谍"
)
#: Characters read level or oblique by sense (两读): either fits a pattern.
EITHER_TONE = frozenset("看思听望过忘醒论教令叹胜为相应中长兴重行骑探量禁担燕")

#: The four 五言 patterns, by (起, 首句); a 七言 line puts two opposite tones before each.
_FIVE: dict[tuple[str, str], tuple[str, str, str, str]] = {
    ("仄起", "首句不入韵"): ("仄仄平平仄", "平平仄仄平", "平平平仄仄", "仄仄仄平平"),
    ("平起", "首句不入韵"): ("平平平仄仄", "仄仄仄平平", "仄仄平平仄", "平平仄仄平"),
    ("仄起", "首句入韵"): ("仄仄仄平平", "平平仄仄平", "平平平仄仄", "仄仄仄平平"),
    ("平起", "首句入韵"): ("平平仄仄平", "仄仄仄平平", "仄仄平平仄", "平平仄仄平"),
}


def _seven(line: str) -> str:
    return ("仄仄" if line[0] == LEVEL else "平平") + line


def jueju_patterns(size: int) -> dict[str, tuple[str, ...]]:
    """The four standard patterns of a 绝句 of ``size`` (5 or 7) characters a line, named as
    tone charts name them ("平起首句入韵": the second character is level, line 1 rhymes)."""
    if size not in (5, 7):
        raise ValueError("a 绝句 has lines of 5 or 7 characters")
    out: dict[str, tuple[str, ...]] = {}
    for lines in _FIVE.values():
        full = tuple(_seven(line) if size == 7 else line for line in lines)
        start = "平起" if full[0][1] == LEVEL else "仄起"
        rhymes = "首句入韵" if full[0][-1] == LEVEL else "首句不入韵"
        out[start + rhymes] = full
    return out


@dataclass(frozen=True, slots=True)
class CharTone:
    char: str
    marked: str  # pinyin with tone mark
    tone: str  # 平, 仄 or 中 (either)
    entering: bool = False  # counted 仄 as an old 入声 character


@dataclass(frozen=True, slots=True)
class LineTones:
    number: int  # 1-based
    chars: tuple[CharTone, ...]
    pattern: str
    misses: tuple[int, ...]  # 0-based positions that break the pattern where it is strict
    free: tuple[int, ...]  # 0-based positions that differ where 一三五不论 allows it

    @property
    def marks(self) -> str:
        return "".join(c.tone for c in self.chars)

    @property
    def ok(self) -> bool:
        return not self.misses


@dataclass(frozen=True, slots=True)
class RhymeCell:
    line: int  # 1-based
    char: str
    marked: str
    final: str
    group: str  # 十三辙
    level: bool  # a rhyme of regulated verse is level (平)


@dataclass(frozen=True, slots=True)
class ToneCheck:
    size: int
    name: str  # the pattern that fits best, e.g. "仄起首句不入韵"
    lines: tuple[LineTones, ...]
    rhymes: tuple[RhymeCell, ...]  # lines 2 and 4, and line 1 when the pattern rhymes it
    rhymes_agree: bool
    entering: tuple[str, ...]  # old 入声 characters found, counted 仄

    @property
    def ok(self) -> bool:
        return all(line.ok for line in self.lines) and self.rhymes_agree


def _tones(text: str) -> tuple[CharTone, ...]:
    out = []
    for syllable in readings(text):
        if syllable.char in ENTERING_LEVEL and syllable.level:
            out.append(CharTone(syllable.char, syllable.marked, OBLIQUE, entering=True))
        elif syllable.char in EITHER_TONE or syllable.tone == 5:
            out.append(CharTone(syllable.char, syllable.marked, EITHER))
        else:
            tone = LEVEL if syllable.level else OBLIQUE
            out.append(CharTone(syllable.char, syllable.marked, tone))
    return tuple(out)


def _lenient(size: int) -> frozenset[int]:
    return frozenset(i for i in range(0, size - 1, 2))  # 一三(五)不论, never the last


def _compare(number: int, chars: tuple[CharTone, ...], pattern: str) -> LineTones:
    free_at = _lenient(len(pattern))
    misses: list[int] = []
    free: list[int] = []
    for i, (char, want) in enumerate(zip(chars, pattern, strict=True)):
        if char.tone in (want, EITHER):
            continue
        (free if i in free_at else misses).append(i)
    return LineTones(number, chars, pattern, tuple(misses), tuple(free))


def _rhyme_cell(number: int, text: str, other: str) -> RhymeCell | None:
    """Line ``number``'s rhyme character, read the way that rhymes with ``other`` when it has
    several readings (还 huán with 山 shān, not hái)."""
    options, _ = end_syllables(text)
    if not options:
        return None
    others, _ = end_syllables(other)
    groups = {rhyme_group(o.final) for o in others}
    last = next((o for o in options if rhyme_group(o.final) in groups), options[0])
    level = last.level or last.char in EITHER_TONE
    if last.char in ENTERING_LEVEL:
        level = False
    return RhymeCell(number, last.char, last.marked, last.final, rhyme_group(last.final), level)


def check_jueju(lines: Sequence[str]) -> ToneCheck | None:
    """The 平仄 of a 绝句 against the pattern it fits best; None unless ``lines`` are four lines
    of five (or four of seven) Han characters each (punctuation aside)."""
    texts = ["".join(ch for ch in line if is_han(ch)) for line in lines if line.strip()]
    if len(texts) != 4 or len({len(t) for t in texts}) != 1 or len(texts[0]) not in (5, 7):
        return None
    size = len(texts[0])
    tones = [_tones(text) for text in texts]
    if any(len(t) != size for t in tones):
        return None
    best: tuple[tuple[int, int], str, tuple[LineTones, ...]] | None = None
    for name, pattern in jueju_patterns(size).items():
        checked = tuple(_compare(n + 1, tones[n], pattern[n]) for n in range(4))
        score = (sum(len(c.misses) for c in checked), sum(len(c.free) for c in checked))
        if best is None or score < best[0]:
            best = (score, name, checked)
    assert best is not None
    _, name, checked = best
    numbers = [1, 2, 4] if name.endswith("首句入韵") else [2, 4]
    partner = {1: texts[1], 2: texts[3], 4: texts[1]}
    cells = tuple(c for n in numbers if (c := _rhyme_cell(n, texts[n - 1], partner[n])) is not None)
    agree = all(
        zh_rhyme_class(texts[a - 1], texts[b - 1]) in ("perfect", "slant", "multisyllabic")
        for a, b in itertools.pairwise(numbers)
    )
    entering = tuple(dict.fromkeys(c.char for t in tones for c in t if c.entering))
    return ToneCheck(size, name, checked, cells, agree, entering)
