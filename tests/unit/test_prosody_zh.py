"""Chinese prosody: counting Han characters, finals, 十三辙, rhyme suggestions and 平仄."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from bot.services.poetry import draft_model
from bot.services.prosody import (
    analyze_stanza,
    count_syllables,
    detect_scheme,
    end_word,
    find_rhymes,
    form_spec,
    line_syllables,
    rhyme_class,
    rhymes_with,
)
from bot.services.prosody.zh import (
    THIRTEEN_GROUPS,
    check_jueju,
    end_syllables,
    find_zh_rhymes,
    jueju_patterns,
    readings,
    rhyme_group,
    zh_rhyme_class,
)

#: Everyday characters of every tone (地 is the one polyphonic: dì, or the particle de).
COMMON = "山水风花月云天地人心光霜雪雨夜春秋江河海草木林鸟鱼石门窗家书茶酒梦歌"
PUNCTUATION = "，。！？；：、“”《》（）…— "


@settings(deadline=None)  # the first call loads the dictionaries
@given(st.text(alphabet=COMMON + PUNCTUATION, max_size=60))
def test_a_chinese_line_counts_its_han_characters_and_never_punctuation(line: str) -> None:
    assert line_syllables(line) == sum(ch in COMMON for ch in line)


@settings(deadline=None)
@given(
    st.lists(st.sampled_from(["love", "baby", "river", "I", "yeah"]), max_size=4),
    st.text(alphabet=COMMON, min_size=1, max_size=10),
)
def test_a_mixed_line_counts_each_word_by_its_own_rules(english: list[str], han: str) -> None:
    line = f"{han} {' '.join(english)}，{han}"
    assert line_syllables(line) == 2 * len(han) + sum(count_syllables(w) for w in english)


def test_counts_the_famous_lines_and_a_word_glued_to_latin_letters() -> None:
    assert line_syllables("床前明月光") == 5
    assert line_syllables("床前明月光，疑是地上霜。") == 10
    assert line_syllables("我love你") == 3  # 我 + love + 你


@pytest.mark.parametrize(
    ("text", "final", "tone"),
    [
        ("光", "uang", 1),
        ("霜", "uang", 1),
        ("女", "v", 3),
        ("知", "-i", 1),  # the apical vowel of zhi does not rhyme with ji's i
        ("鸡", "i", 1),
        ("波", "uo", 1),  # bo rhymes with duo
        ("元", "van", 2),
        ("吗", "a", 5),
    ],
)
def test_finals_and_tones(text: str, final: str, tone: int) -> None:
    (syllable,) = readings(text)
    assert (syllable.final, syllable.tone) == (final, tone)


def test_polyphonic_characters_are_resolved_by_phrase() -> None:
    assert readings("银行")[-1].final == "ang"  # háng
    assert readings("行走")[0].final == "ing"  # xíng
    assert end_word("我明天去银行") == "银行"
    assert end_word("疑是地上霜。") == "霜"


def test_the_thirteen_groups_partition_the_finals() -> None:
    finals = [f for group in THIRTEEN_GROUPS.values() for f in group]
    assert len(THIRTEEN_GROUPS) == 13 and len(finals) == len(set(finals))
    assert rhyme_group("uang") == rhyme_group("iang") == "江阳"
    assert rhyme_group("an") == rhyme_group("van") == "言前"


def test_rhyme_classes() -> None:
    assert rhyme_class("床前明月光", "疑是地上霜") == "perfect"
    assert rhymes_with("光", "霜", allow_slant=False)
    assert zh_rhyme_class("光", "乡") == "slant"  # uang / iang: both 江阳
    assert zh_rhyme_class("光", "山") == "none"
    assert zh_rhyme_class("月光", "雪窗") == "multisyllabic"
    assert zh_rhyme_class("明月光", "日光") == "identical"
    assert rhyme_class("光", "light") == "none"  # Chinese never rhymes with English
    # A lone polyphonic end character rhymes by either of its common readings: 还 huán / 山.
    assert zh_rhyme_class("千里江陵一日还", "轻舟已过万重山") == "slant"


def test_rhyme_class_is_symmetric_and_follows_the_finals() -> None:
    # Every pair of the common characters, so the check is the same on every run. A lone
    # polyphonic character rhymes by any of the readings end_syllables offers (地 dì / de).
    def finals(ch: str) -> set[str]:
        return {s.final for s in end_syllables(ch)[0]}

    for a, b in itertools.product(COMMON, repeat=2):
        found = zh_rhyme_class(a, b)
        assert found == zh_rhyme_class(b, a), (a, b)
        fa, fb = finals(a), finals(b)
        assert readings(a)[0].final in fa
        if a == b:
            assert found == "identical", (a, b)
        elif fa & fb:
            assert found == "perfect", (a, b)
        elif {rhyme_group(f) for f in fa} & {rhyme_group(f) for f in fb} - {""}:
            assert found == "slant", (a, b)
        else:
            assert found == "none", (a, b)
    # The pair a random draw once found: 地 may be read "de", which shares 歌's final.
    assert zh_rhyme_class("地", "歌") == "perfect"
    assert zh_rhyme_class("天地", "山歌") == "none"  # 天地 fixes dì


@pytest.mark.parametrize("query", ["光", "月光", "山", "歌"])
def test_rhyme_suggestions_share_the_final_and_come_grouped_by_length(query: str) -> None:
    found = find_zh_rhymes(query, "perfect", 30)
    assert len(found) >= 10
    final = readings(query)[-1].final
    for word, size, kind in found:
        assert readings(word)[-1].final == final and kind == "perfect"
        assert size == len(word) and word[-1] != query[-1]
    assert [size for _, size, _ in found] == sorted(size for _, size, _ in found)
    slant = find_zh_rhymes(query, "slant", 30)
    assert all(readings(w)[-1].final != final for w, _, _ in slant)
    assert all(rhyme_group(readings(w)[-1].final) == rhyme_group(final) for w, _, _ in slant)


def test_find_rhymes_answers_chinese_queries_with_common_words() -> None:
    found = [r.word for r in find_rhymes("光", "perfect", 40)]
    assert {"床", "窗", "双"} & set(found)
    assert set(found) == set(dict.fromkeys(found))


@pytest.mark.parametrize("size", [5, 7])
def test_the_standard_patterns_alternate_and_stick(size: int) -> None:
    patterns = jueju_patterns(size)
    assert len(patterns) == 4
    assert {name[:2] for name in patterns} == {"平起", "仄起"}
    for name, lines in patterns.items():
        assert all(len(line) == size for line in lines)
        assert lines[1][-1] == lines[3][-1] == "平" and lines[2][-1] == "仄"
        assert (lines[0][-1] == "平") == name.endswith("首句入韵")
        assert name.startswith("平起") == (lines[0][1] == "平")
        # 对: the second character is opposite within each couplet; 粘: the same across them.
        assert lines[0][1] != lines[1][1] and lines[2][1] != lines[3][1]
        assert lines[1][1] == lines[2][1]
    if size == 7:
        for five, seven in zip(jueju_patterns(5).values(), patterns.values(), strict=True):
            for short, long in zip(five, seven, strict=True):
                assert long[2:] == short and long[0] != short[0] and long[0] == long[1]


LEVEL_ENDS = "家花霞"  # three 平 characters of one final group (发花)


def _poem_for(lines: tuple[str, ...]) -> list[str]:
    """A poem whose characters follow ``lines`` exactly: 山 for 平, 月 for 仄, rhyming ends."""
    ends = iter(LEVEL_ENDS)
    out = []
    for line in lines:
        body = "".join("山" if tone == "平" else "月" for tone in line[:-1])
        out.append(body + (next(ends) if line[-1] == "平" else "月"))
    return out


@pytest.mark.parametrize(("size", "name"), [(s, n) for s in (5, 7) for n in jueju_patterns(s)])
def test_a_poem_on_a_pattern_fits_that_pattern(size: int, name: str) -> None:
    check = check_jueju(_poem_for(jueju_patterns(size)[name]))
    assert check is not None and check.name == name and check.ok


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_one_three_five_are_free_and_the_rest_are_not(data: st.DataObject) -> None:
    size = data.draw(st.sampled_from([5, 7]))
    name = data.draw(st.sampled_from(sorted(jueju_patterns(size))))
    lines = list(jueju_patterns(size)[name])
    row = data.draw(st.integers(0, 3))
    at = data.draw(st.integers(0, size - 2))
    flipped = "仄" if lines[row][at] == "平" else "平"
    lines[row] = lines[row][:at] + flipped + lines[row][at + 1 :]
    check = check_jueju(_poem_for(tuple(lines)))
    assert check is not None
    misses = [i for line in check.lines for i in line.misses]
    if at % 2 == 0:  # the 1st, 3rd, 5th character: 一三五不论
        assert check.ok or check.name != name
    else:
        assert misses or check.name != name


def test_early_departure_from_baidi_fits_its_pattern_and_rhymes() -> None:
    poem = ["朝辞白帝彩云间", "千里江陵一日还", "两岸猿声啼不住", "轻舟已过万重山"]
    check = check_jueju(poem)
    assert check is not None and check.ok and check.name == "平起首句入韵"
    assert [c.char for c in check.rhymes] == ["间", "还", "山"]
    assert {c.group for c in check.rhymes} == {"言前"}
    assert "白" in check.entering  # bái is level today, but was an entering (oblique) tone


def test_quiet_night_thought_shows_its_tones_and_its_rhyme() -> None:
    check = check_jueju(["床前明月光，", "疑是地上霜。", "举头望明月，", "低头思故乡。"])
    assert check is not None
    assert check.lines[0].marks == "平平平仄平"
    assert [(c.char, c.final) for c in check.rhymes][-2:] == [("霜", "uang"), ("乡", "iang")]
    assert check.rhymes_agree
    assert not check.ok  # a 古绝: it breaks the regulated pattern, and the check says so


@pytest.mark.parametrize(
    "lines",
    [
        ["床前明月光", "疑是地上霜", "举头望明月"],  # three lines
        ["床前明月光", "疑是地上霜", "举头望明月", "低头思故乡啊"],  # uneven
        ["一二三四", "一二三四", "一二三四", "一二三四"],  # four characters a line
        ["the old pond", "a frog", "jumps in", "splash"],
    ],
)
def test_only_a_quatrain_of_five_or_seven_gets_a_tone_check(lines: list[str]) -> None:
    assert check_jueju(lines) is None


def test_common_characters_have_one_reading_each() -> None:
    for a, b in itertools.combinations(COMMON[:10], 2):
        assert len(readings(a + b)) == 2


def test_the_lyric_draft_checker_counts_and_rhymes_chinese_lines() -> None:
    lines = ["床前明月光", "疑是地上霜", "举头望明月", "低头思故里"]
    checked = analyze_stanza(lines, "AABB", (5, 5))
    assert [a.syllables for a in checked] == [5, 5, 5, 5]
    assert [a.end_word for a in checked] == ["光", "霜", "月", "里"]
    assert [a.ok_rhyme for a in checked] == [True, True, False, False]
    assert all(a.ok_syllables for a in checked)
    assert detect_scheme(["床前明月光", "疑是地上霜", "举头望明月", "低头思故乡"]) == "AABA"


def test_a_jueju_draft_must_be_han_characters_of_the_right_count() -> None:
    model = draft_model(form_spec("wuyan_jueju"))
    good = {
        "line_1": "床前明月光",
        "line_2": "疑是地上霜。",
        "line_3": "举头望明月",
        "line_4": "低头思故乡",
    }
    assert model.model_validate(good)
    for bad in ("床前明月", "床前明月光光", "moon light", "床前明月k"):
        with pytest.raises(ValidationError):
            model.model_validate({**good, "line_1": bad})
