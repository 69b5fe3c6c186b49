"""Chinese rhyme by pinyin final (韵母); the thirteen rhyme groups (十三辙) give a looser match.

* **perfect**: the last syllables have the same final: 光 guāng / 霜 shuāng (both "uang"). The
  tone is *not* required to match: song lyrics rhyme across tones (平仄通押), as modern usage and
  the 中华新韵 allow. Suggestions show each word's tone, and the 绝句 check asks separately for
  level-tone (平) rhymes, as regulated verse does.
* **slant**: a different final of the same 十三辙 group: 光 guāng / 乡 xiāng (江阳辙).
* **multisyllabic** (双押): the last two syllables' finals both match: 月光 / 雪窗.
* **identical**: the same last character (a rhyme on the word itself is no rhyme).

A line's end word is resolved by phrase (:func:`readings.end_phrase`); a lone end character
with two everyday readings (``POLYPHONIC``) rhymes when either does (还 hái / huán), which is
how verse treats such characters.
"""

from __future__ import annotations

from typing import Literal

from .lexicon import entries
from .readings import Syllable, char_readings, end_phrase, readings
from .script import trailing_han

__all__ = [
    "POLYPHONIC",
    "THIRTEEN_GROUPS",
    "ZhRhyme",
    "end_syllables",
    "find_zh_rhymes",
    "rhyme_group",
    "zh_rhyme_class",
]

ZhRhymeClass = Literal["perfect", "slant", "multisyllabic", "none", "identical"]
ZhRhymeKind = Literal["perfect", "slant", "multisyllabic"]
#: (word, characters, kind): what ``find_zh_rhymes`` suggests.
ZhRhyme = tuple[str, int, ZhRhymeKind]

#: 十三辙: the thirteen rhyme groups of northern song and opera, each with its finals.
THIRTEEN_GROUPS: dict[str, tuple[str, ...]] = {
    "发花": ("a", "ia", "ua"),
    "梭波": ("o", "e", "uo"),
    "乜斜": ("ie", "ve", "ê"),
    "一七": ("i", "v", "-i", "er"),
    "姑苏": ("u",),
    "怀来": ("ai", "uai"),
    "灰堆": ("ei", "uei"),
    "遥条": ("ao", "iao"),
    "油求": ("ou", "iou"),
    "言前": ("an", "ian", "uan", "van"),
    "人辰": ("en", "in", "uen", "vn"),
    "江阳": ("ang", "iang", "uang"),
    "中东": ("eng", "ing", "ong", "iong", "ueng"),
}
#: Common characters with two everyday readings: alone at a line's end, either may rhyme.
#: (Rarer second readings that pypinyin lists, such as 窗 cōng, are left out on purpose.)
POLYPHONIC = frozenset(
    "还行重长看思教中为相应兴量更间得地了着觉乐发数少好种调转传空朝假难便和散将当弹"
    "藏降解曲差分省折舍背冲处卷泊过听望忘论"
)
_GROUP_OF = {final: name for name, finals in THIRTEEN_GROUPS.items() for final in finals}


def rhyme_group(final: str) -> str:
    """The 十三辙 group of a final ("" for one outside them, such as the syllabic "n")."""
    return _GROUP_OF.get(final, "")


def end_syllables(text: str) -> tuple[tuple[Syllable, ...], Syllable | None]:
    """The readings the last character of ``text`` may take (in context first, then its two
    commonest alone unless a known phrase fixes it), and the syllable before it."""
    run = trailing_han(text)
    if not run:
        return (), None
    in_run = readings(run)
    if not in_run:
        return (), None
    phrase = end_phrase(run)
    options = [in_run[-1]]
    if len(phrase) == 1 and run[-1] in POLYPHONIC:
        options.extend(r for r in char_readings(run[-1]) if r.final != in_run[-1].final)
    before = in_run[-2] if len(in_run) > 1 else None
    return tuple(options), before


_RANK: dict[ZhRhymeClass, int] = {
    "identical": 4,
    "multisyllabic": 3,
    "perfect": 2,
    "slant": 1,
    "none": 0,
}


def _pair(a: Syllable, b: Syllable, before_a: str, before_b: str) -> ZhRhymeClass:
    if a.final == b.final:
        return "multisyllabic" if before_a and before_a == before_b else "perfect"
    group = rhyme_group(a.final)
    return "slant" if group and group == rhyme_group(b.final) else "none"


def zh_rhyme_class(a: str, b: str) -> ZhRhymeClass:
    """How two Chinese words or lines rhyme on their last characters (best over readings)."""
    run_a, run_b = trailing_han(a), trailing_han(b)
    if not run_a or not run_b:
        return "none"
    if run_a[-1] == run_b[-1]:
        return "identical"
    options_a, before_a = end_syllables(a)
    options_b, before_b = end_syllables(b)
    prev_a = before_a.final if before_a else ""
    prev_b = before_b.final if before_b else ""
    best: ZhRhymeClass = "none"
    for x in options_a:
        for y in options_b:
            found = _pair(x, y, prev_a, prev_b)
            if _RANK[found] > _RANK[best]:
                best = found
    return best


def find_zh_rhymes(query: str, kind: ZhRhymeKind = "perfect", limit: int = 30) -> list[ZhRhyme]:
    """Common words that rhyme with ``query`` by ``kind``, most frequent first, then grouped by
    length (ascending) like the English suggestions. Words on the same last character and the
    query itself are left out."""
    run = trailing_han(query)
    options, before = end_syllables(query)
    if not run or not options or limit <= 0:
        return []
    finals = {o.final for o in options}
    groups = {rhyme_group(f) for f in finals} - {""}
    found: list[ZhRhyme] = []
    for entry in entries():
        if entry.word == run or entry.word[-1] == run[-1]:
            continue
        if kind == "perfect":
            ok = entry.final in finals
        elif kind == "slant":
            ok = entry.final not in finals and rhyme_group(entry.final) in groups
        else:
            ok = (
                before is not None
                and entry.final in finals
                and entry.before == before.final
                and len(entry.word) > 1
            )
        if ok:
            found.append((entry.word, len(entry.word), kind))
            if len(found) >= limit:
                break
    order = {word: i for i, (word, _, _) in enumerate(found)}
    return sorted(found, key=lambda r: (r[1], order[r[0]]))
