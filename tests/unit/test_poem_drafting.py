"""The fixed-form loop on a scripted fake model: draft, check, and send back only failing lines."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from bot.errors import UserInputError
from bot.services.poetry import PoemDrafter, check_text, draft_model, expand, plan_asks
from bot.services.prosody import check_poem, form_spec
from models import ChatMessage, FakeEngine, GenerationOptions
from models.errors import GenerationTimeout

Answer = Callable[[str, dict[str, Any]], Any]


class Script:
    """Answers the draft with ``draft`` and each repair field with ``fix(field, schema)``;
    records the fields every repair asked for."""

    def __init__(self, draft: dict[str, str], fix: Answer) -> None:
        self.draft = draft
        self.fix = fix
        self.asked: list[list[str]] = []

    def __call__(self, messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        schema = options.json_schema or {}
        props: dict[str, Any] = schema.get("properties", {})
        if all(p.get("type") == "string" for p in props.values()):
            return json.dumps(self.draft)
        self.asked.append(sorted(props))
        answer = {}
        for field, prop in props.items():
            versions, wanted = self.fix(field, schema), prop["minItems"]
            answer[field] = (versions * wanted)[:wanted]  # as many versions as asked for
        return json.dumps(answer)


async def _compose(script: Script, form: str, rounds: int = 2) -> Any:
    engine = FakeEngine(responder=script)
    await engine.start()
    drafter = PoemDrafter(engine, repair_rounds=rounds, extra_short_rounds=0)
    result = await drafter.compose(form_spec(form), "a pond", user_id=7)
    return result, engine


async def test_only_the_failing_line_goes_back_and_the_fitting_version_is_kept() -> None:
    draft = {"line_1": "An old silent pond", "line_2": "A frog jumps in", "line_3": "Splash again"}

    def fix(field: str, schema: dict[str, Any]) -> list[str]:
        if field == "line_2":
            return ["A frog jumps", "A frog jumps into the pond", "Frogs leap in"]
        return ["The water ripples now", "Splash, silence again", "Big splash"]

    script = Script(draft, fix)
    result, engine = await _compose(script, "haiku")
    assert not result.first.ok and result.first.failing == (1, 2)
    assert script.asked == [["line_2", "line_3"]]  # line 1 passed: never sent back
    assert result.final.ok and result.rounds == 1
    assert result.lines == (
        "An old silent pond",
        "A frog jumps into the pond",
        "Splash, silence again",
    )
    repair = engine.prompts[-1].text
    assert "it has 4 syllables but needs 7" in repair and "it has 3 syllables but needs 5" in repair
    assert "An old silent pond" not in repair


async def test_a_repair_never_makes_a_line_worse_and_misses_are_reported() -> None:
    draft = {
        "line_1": "An old silent pond",
        "line_2": "A frog jumps into the pond",
        "line_3": "Splash now again",
    }

    def fix(field: str, schema: dict[str, Any]) -> list[str]:
        return ["It is", "Oh splashing splashing splashing now", "It is"]

    script = Script(draft, fix)
    result, _ = await _compose(script, "haiku", rounds=3)
    assert len(script.asked) == 3 and all(asked == ["line_3"] for asked in script.asked)
    assert result.final.failing == (2,)  # still missing, and said so
    assert result.final.lines[2].text == "Splash now again"  # every version was further off
    assert "4 syllables, needs 5" in result.final.lines[2].problems[0]


async def test_a_broken_rhyme_ends_on_a_dictionary_rhyme_and_a_kept_rhyme_keeps_its_word() -> None:
    draft = {
        "line_1": "There once was a cat in the night",
        "line_2": "Who sat on the wall of the town",  # must rhyme with "night"
        "line_3": "She dreamed of a rat",
        "line_4": "Who was terribly very fat",  # 7 syllables, needs 5-6
        "line_5": "And slept till the morning was bright",
    }
    seen: dict[str, dict[str, Any]] = {}

    def fix(field: str, schema: dict[str, Any]) -> list[dict[str, str]]:
        ref = schema["properties"][field]["items"]["$ref"].rsplit("/", 1)[-1]
        sub = schema["$defs"][ref]["properties"]
        seen[field] = sub
        if "end" in sub:
            return [{"end": sub["end"]["enum"][0], "before_end": "Who sat on the wall in the"}] * 3
        return [{"before_end": "Who was ever so"}] * 3

    script = Script(draft, fix)
    result, _ = await _compose(script, "limerick")
    assert script.asked[0] == ["line_2", "line_4"]
    assert "end" in seen["line_2"] and "end" not in seen["line_4"]
    lines = result.final.lines
    assert lines[1].ok_rhyme and lines[1].text.startswith("Who sat on the wall in the ")
    assert lines[3].text == "Who was ever so fat" and lines[3].ok
    assert result.final.ok


async def test_a_villanelle_is_drafted_as_thirteen_lines_and_its_refrains_repeated() -> None:
    villanelle = form_spec("villanelle")
    fields = sorted(draft_model(villanelle).model_fields)
    assert len(fields) == 13 and "line_6" not in fields and "line_19" not in fields
    own = {i: f"Line {i + 1} goes away" for i in villanelle.own_lines}
    lines = expand(villanelle, own)
    assert lines[5] == lines[11] == lines[17] == lines[0]
    assert lines[8] == lines[14] == lines[18] == lines[2]


def test_a_refrain_whose_rhyme_fails_is_repaired_at_its_source() -> None:
    villanelle = form_spec("villanelle")
    a_ends = iter(["gray", "day", "away", "stay", "play", "say", "way", "bay"])
    b_ends = iter(["still", "hill", "will", "fill", "till", "ill"])
    own = {
        i: f"The night is {next(a_ends) if villanelle.letter(i) == 'A' else next(b_ends)}"
        for i in villanelle.own_lines
    }
    assert check_poem(expand(villanelle, own), villanelle).ok
    own[2] = "I cannot find the door"  # A2 breaks the A rhyme at lines 3, 9, 15, 19
    check = check_poem(expand(villanelle, own), villanelle)
    asks = plan_asks(check)
    assert [ask.index for ask in asks] == [2]  # the source, never a copy


@pytest.mark.parametrize(
    ("form", "text", "expected"),
    [
        ("ballad", "a / b", "I don't know the form 'ballad'"),
        ("haiku", "   ", "Paste the poem"),
        ("haiku", "x" * 2001, "the limit is 2,000"),
    ],
)
async def test_check_text_refuses_bad_input_clearly(form: str, text: str, expected: str) -> None:
    with pytest.raises(UserInputError) as caught:
        await check_text(form, text)
    assert expected in caught.value.user_message


async def test_a_version_that_runs_long_by_spare_words_is_trimmed_onto_its_count() -> None:
    draft = {
        "line_1": "An old silent pond",
        "line_2": "A frog jumps in",
        "line_3": "Splash, silence again",
    }

    def fix(field: str, schema: dict[str, Any]) -> list[str]:
        return ["So a frog jumps into the pond"]  # 8 syllables for 7

    result, _ = await _compose(Script(draft, fix), "haiku", rounds=1)
    assert result.final.lines[1].text == "A frog jumps into the pond"
    assert result.final.lines[1].ok


@pytest.mark.parametrize("failure", ["malformed", "timeout"])
async def test_a_failed_repair_keeps_the_lines_and_reports_the_misses(failure: str) -> None:
    draft = {"line_1": "An old silent pond", "line_2": "A frog jumps in", "line_3": "Big splash"}
    script = Script(draft, lambda field, schema: ["unused"])

    def broken_repairs(messages: Any, options: Any) -> str:
        reply = script(messages, options)
        if script.asked == []:
            return reply
        if failure == "timeout":
            raise GenerationTimeout()
        return "not json at all"

    engine = FakeEngine(responder=broken_repairs)
    await engine.start()
    drafter = PoemDrafter(engine, repair_rounds=3, extra_short_rounds=0)
    result = await drafter.compose(form_spec("haiku"), "a pond", user_id=7)
    assert result.lines == ("An old silent pond", "A frog jumps in", "Big splash")
    assert result.final.failing == (1, 2)  # said honestly, not an error
    assert result.rounds == 1  # the first failed repair ends the repairs
    assert 1 <= len(script.asked) <= 2  # that round (and, when malformed, its one retry)
