"""The lyric studio's request parsing and its draft → check → targeted repair loop."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pytest

from bot.errors import UserInputError
from bot.services.lyrics import LyricsDrafter, plan_repairs, song_spec
from bot.services.lyrics.request import DEFAULT_STRUCTURE, MAX_TOTAL_LINES
from bot.services.prosody import analyze_stanza
from models import ChatMessage, FakeEngine, GenerationOptions

# -- validation -------------------------------------------------------------------------------


def test_defaults_draft_the_usual_song_with_choruses_once() -> None:
    song = song_spec(topic="  rain on the harbour ")
    assert song.topic == "rain on the harbour"
    assert [p.key for p in song.parts] == ["verse 1", "chorus", "verse 2", "bridge"]
    assert song.order == ("verse 1", "chorus", "verse 2", "chorus", "bridge", "chorus")
    assert len(DEFAULT_STRUCTURE) == len(song.order)
    assert {p.scheme for p in song.parts} == {"ABAB", "AABB", "ABCB"}
    assert all(p.lines == 4 and p.syllables == (6, 10) for p in song.parts)


def test_per_section_schemes_and_syllables() -> None:
    song = song_spec(
        topic="x",
        structure="verse > pre chorus > chorus",
        rhyme_scheme="verse:ABAB chorus=AABB",
        syllables="verse: 8, chorus: 5-7",
        lines=8,
    )
    parts = {p.key: p for p in song.parts}
    assert parts["verse"].scheme == "ABAB" and parts["verse"].syllables == (8, 8)
    assert parts["chorus"].syllables == (5, 7) and parts["chorus"].lines == 8
    assert parts["pre-chorus"].scheme == "AABB"


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"structure": "verse, solo"}, "section called 'solo'"),
        ({"structure": "verse chorus", "rhyme_scheme": "bridge:ABAB"}, "has no bridge"),
        ({"rhyme_scheme": "ABA", "lines": 4}, "doesn't fit sections of 4 lines"),
        ({"rhyme_scheme": "verse:ABAB chorus:AAB", "lines": 4}, "AAB"),
        ({"rhyme_scheme": "AB1B"}, "letters only"),
        ({"rhyme_scheme": "A"}, "at least two letters"),
        ({"syllables": "0"}, "between 1 and 30; 0"),
        ({"syllables": "40"}, "between 1 and 30; 40"),
        ({"syllables": "8-6"}, "smaller number comes first"),
        ({"syllables": "lots"}, "a number like 8"),
        ({"lines": 1}, "between 2 and 12"),
        ({"structure": ", ".join(["verse"] * 13)}, "at most 12 sections"),
        ({"structure": ", ".join(["verse"] * 9)}, f"at most {MAX_TOTAL_LINES}"),
        ({"rhyme_scheme": "verse:ABAB verse:AABB"}, "given twice"),
        ({"topic": "   "}, "topic can't be empty"),
    ],
)
def test_bad_requests_get_clear_messages(options: dict[str, Any], expected: str) -> None:
    arguments: dict[str, Any] = {"topic": "rain"} | options
    with pytest.raises(UserInputError) as caught:
        song_spec(**arguments)
    assert expected in caught.value.user_message


# -- the repair loop --------------------------------------------------------------------------

GOOD_A1 = "The city lights are burning bright"
GOOD_A2 = "I walk alone into the night"
LONG_B1 = "The river carries every memory so far away from here and more"
BAD_B2 = "I wait for you beside the sea"


def _props(options: GenerationOptions) -> dict[str, Any]:
    schema = options.json_schema
    assert schema is not None
    props: dict[str, Any] = schema["properties"]
    return props


def _enum_for(options: GenerationOptions, field: str) -> list[str]:
    schema = options.json_schema
    assert schema is not None
    ref = _props(options)[field]["$ref"].rsplit("/", 1)[-1]
    sub = schema["$defs"][ref]["properties"]
    return list(sub["end"]["enum"]) if "end" in sub else []


class ScriptedModel:
    """First drafts a section with one long line and one that doesn't rhyme; then answers
    repairs with ``fixes`` (a callable per field) and records what each request asked."""

    def __init__(self, draft: Sequence[str], fix: dict[str, Any] | None = None) -> None:
        self.draft = list(draft)
        self.fix = fix or {}
        self.repair_fields: list[list[str]] = []

    def __call__(self, messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        props = _props(options)
        if "lines" in props:
            return json.dumps({"lines": self.draft})
        self.repair_fields.append(sorted(props))
        answer: dict[str, Any] = {}
        for field in props:
            maker = self.fix.get(field)
            answer[field] = maker(options, field) if maker else self.unhelpful(options, field)
        return json.dumps(answer)

    @staticmethod
    def unhelpful(options: GenerationOptions, field: str) -> Any:
        """A valid answer that is still far too long."""
        text = "Still a line that keeps on failing every single count"
        if "$ref" not in _props(options)[field]:
            return text
        answer: dict[str, str] = {"before_end": text}
        if choices := _enum_for(options, field):
            answer["end"] = choices[0]
        return answer


async def _drafter(model: ScriptedModel, rounds: int = 2) -> tuple[LyricsDrafter, FakeEngine]:
    engine = FakeEngine(responder=model)
    await engine.start()
    return LyricsDrafter(engine, repair_rounds=rounds), engine


async def test_only_failing_lines_are_resent_and_the_fixes_are_kept() -> None:
    song = song_spec(topic="leaving town", structure="verse", rhyme_scheme="AABB", syllables="6-9")
    part = song.parts[0]

    def shorter(options: GenerationOptions, field: str) -> dict[str, str]:
        return {"before_end": "The river carries all my"}  # keeps its last word, "more"

    def rhymed(options: GenerationOptions, field: str) -> dict[str, str]:
        choices = _enum_for(options, field)
        assert "door" in choices and "more" not in choices
        return {"end": "door", "before_end": "I wait for you beside the"}

    model = ScriptedModel(
        [GOOD_A1, GOOD_A2, LONG_B1, BAD_B2], {"line_3": shorter, "line_4": rhymed}
    )
    drafter, engine = await _drafter(model)
    lines = await drafter.draft_part(song, part, user_id=7)

    assert len(engine.prompts) == 2, "one draft and one repair, then everything passed"
    assert model.repair_fields == [["line_3", "line_4"]]
    repair = engine.prompts[1].messages[-1].content
    assert LONG_B1 in repair and BAD_B2 in repair
    assert GOOD_A1 not in repair and GOOD_A2 not in repair, "passing lines must not be resent"
    assert '"more"' in repair, "the line that broke the rhyme is told its partner word"
    assert "syllables but needs 6 to 9" in repair
    assert lines == (
        GOOD_A1,
        GOOD_A2,
        "The river carries all my more",
        "I wait for you beside the door",
    )
    assert all(a.ok_rhyme and a.ok_syllables for a in analyze_stanza(lines, "AABB", (6, 9)))


@pytest.mark.parametrize("rounds", [0, 1, 3])
async def test_the_loop_stops_after_the_configured_rounds(rounds: int) -> None:
    song = song_spec(topic="x", structure="verse", rhyme_scheme="AABB", syllables="6-9")
    model = ScriptedModel([GOOD_A1, GOOD_A2, LONG_B1, BAD_B2])  # repairs never help
    drafter, engine = await _drafter(model, rounds=rounds)
    lines = await drafter.draft_part(song, song.parts[0], user_id=1)
    assert len(engine.prompts) == 1 + rounds
    assert len(lines) == 4
    assert not all(a.ok_syllables for a in analyze_stanza(lines, "AABB", (6, 9)))


async def test_later_rounds_send_only_what_still_fails() -> None:
    song = song_spec(topic="x", structure="verse", rhyme_scheme="AABB", syllables="6-9")
    calls = {"n": 0}

    def line_3(options: GenerationOptions, field: str) -> dict[str, str]:
        calls["n"] += 1
        # First try still too long; second try fits.
        text = (
            "The river carries every memory so far away from"
            if calls["n"] == 1
            else "The river carries all my"
        )
        return {"before_end": text}

    def line_4(options: GenerationOptions, field: str) -> dict[str, str]:
        return {"end": "door", "before_end": "I wait for you beside the"}

    model = ScriptedModel([GOOD_A1, GOOD_A2, LONG_B1, BAD_B2], {"line_3": line_3, "line_4": line_4})
    drafter, _ = await _drafter(model, rounds=3)
    await drafter.draft_part(song, song.parts[0], user_id=1)
    assert model.repair_fields[0] == ["line_3", "line_4"]
    assert model.repair_fields[1] == ["line_3"], "the fixed rhyme is not sent again"


def test_plan_keeps_the_anchor_and_moves_its_partner() -> None:
    song = song_spec(topic="x", structure="verse", rhyme_scheme="ABAB", syllables="4-12")
    part = song.parts[0]
    lines = ["I walk alone into the night", "The band is playing", "The sky is dark", "A song"]
    fixes = plan_repairs(lines, part)
    # night/dark don't rhyme: only line 3 moves; playing/song don't: only line 4 moves
    # (and line 4 is also too short).
    assert [f.index for f in fixes] == [2, 3]
    assert fixes[0].partner == "night" and "light" in fixes[0].end_choices
    assert fixes[1].partner == "playing"
    assert any("syllables" in p for p in fixes[1].problems)
    assert plan_repairs(lines, part, only={0}) == []


async def test_rewrite_line_sends_that_line_and_the_hint_only() -> None:
    song = song_spec(topic="x", structure="verse", rhyme_scheme="AABB", syllables="6-10")
    lines = (GOOD_A1, GOOD_A2, "The river runs along the shore", "I wait for you beside the door")

    def new_line(options: GenerationOptions, field: str) -> dict[str, str]:
        choices = _enum_for(options, field)
        assert choices[0] == "night", "its own last word still rhymes, so it may stay"
        return {"end": "light", "before_end": "We dance beneath the morning"}

    model = ScriptedModel([], {"line_2": new_line})
    drafter, engine = await _drafter(model)
    result = await drafter.rewrite_line(
        song, song.parts[0], lines, 1, hint="more hopeful", user_id=3
    )
    assert result[1] == "We dance beneath the morning light"
    assert result[0] == GOOD_A1 and result[2:] == lines[2:]
    assert model.repair_fields == [["line_2"]]
    prompt = engine.prompts[0].messages[-1].content
    assert "<<<more hopeful>>>" in prompt
    assert GOOD_A1 not in prompt and lines[3] not in prompt


def test_offered_rhymes_leave_out_crude_words_and_anchor_on_real_words() -> None:
    song = song_spec(topic="x", structure="verse", rhyme_scheme="AA", syllables="3-12")
    part = song.parts[0]
    # Neither rhymes; "theaunus" is no dictionary word, so "more" anchors the pair.
    fixes = plan_repairs(["I am not your theaunus", "I want you more"], part)
    assert [f.index for f in fixes] == [0]
    assert fixes[0].partner == "more"
    assert fixes[0].end_choices and "whore" not in fixes[0].end_choices
    fixes = plan_repairs(["I want you more", "The sea is wide"], part)
    assert fixes[0].index == 1 and "whore" not in fixes[0].end_choices
    from bot.services.lyrics.repairs import _clean_word

    assert _clean_word("whore") is None and _clean_word("Shore") == "shore"
