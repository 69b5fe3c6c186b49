"""Fixed forms end to end: /write form:haiku and /poetry check, the real bot against the sandbox
over sockets, on a scripted fake model."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from bot.sandbox import InteractionHandle, Sandbox, StoredMessage
from bot.services.poetry import POEM_LIMIT
from models import ChatMessage, FakeEngine, GenerationOptions

from .conftest import MuseHarness, assert_no_unwanted_pings, start_muse

pytestmark = pytest.mark.e2e

DRAFT = {
    "line_1": "An old silent pond",
    "line_2": "A frog jumps in",
    "line_3": "Splash, silence again",
}


class HaikuModel:
    """Drafts a haiku whose middle line is two syllables short, then offers versions of the
    lines sent back; records which lines each repair asked for."""

    def __init__(self) -> None:
        self.repairs: list[list[str]] = []

    def __call__(self, messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        props: dict[str, Any] = (options.json_schema or {}).get("properties", {})
        if "line_1" in props and props["line_1"].get("type") == "string":
            return json.dumps(DRAFT)
        self.repairs.append(sorted(props))
        versions = ["A frog leaps in", "A frog jumps into the pond", "A frog jumps"]
        return json.dumps({f: (versions * 2)[: p["minItems"]] for f, p in props.items()})


@pytest.fixture
def model() -> HaikuModel:
    return HaikuModel()


@pytest.fixture
async def poet(sandbox: Sandbox, tmp_path: Path, model: HaikuModel) -> AsyncIterator[MuseHarness]:
    harness = await start_muse(sandbox, tmp_path, engine_factory=lambda: FakeEngine(model))
    yield harness
    await harness.stop()
    assert not sandbox.unknown_routes, f"the bot called unknown routes: {sandbox.unknown_routes}"


async def shown(sandbox: Sandbox, ix: InteractionHandle) -> StoredMessage:
    def ready() -> StoredMessage | None:
        original = ix.original
        if original is None or original.loading or not original.embeds:
            return None
        return original if original.custom_ids() else None

    message: StoredMessage = await sandbox.wait_until(ready, 15)
    return message


def rows(message: StoredMessage) -> list[str]:
    text = "\n".join(e.get("description", "") for e in message.embeds)
    return [row for row in text.split("\n") if row.startswith("`")]


def prompts(harness: MuseHarness) -> list[str]:
    assert isinstance(harness.engine, FakeEngine)
    return [prompt.text for prompt in harness.engine.prompts]


async def test_write_haiku_shows_three_checked_lines_after_repairing_only_the_short_one(
    poet: MuseHarness, model: HaikuModel
) -> None:
    sandbox = poet.sandbox
    write = next(c for c in sandbox.commands() if c["name"] == "write")
    offered = {c["value"] for o in write["options"] if o["name"] == "form" for c in o["choices"]}
    assert {"poem", "story", "lyrics", "scene", "haiku", "tanka", "cinquain"} <= offered
    assert {"limerick", "sonnet", "villanelle", "free_verse"} <= offered
    ix = await sandbox.slash(
        "write", {"form": "haiku", "topic": "an old pond"}, user=sandbox.members[0]
    )
    message = await shown(sandbox, ix)
    assert message.embeds[0]["title"] == "Haiku · an old pond"
    lines = rows(message)
    assert lines == [
        "` 1` ✓ An old silent pond — *5/5 syll.*",
        "` 2` ✓ A frog jumps into the pond — *7/7 syll.*",
        "` 3` ✓ Splash, silence again — *5/5 syll.*",
    ]
    assert "Every line fits the haiku" in message.embeds[-1]["description"]
    assert model.repairs == [["line_2"]]
    repair_prompt = prompts(poet)[-1]
    assert "it has 4 syllables but needs 7" in repair_prompt
    assert "An old silent pond" not in repair_prompt  # lines that passed are not sent back
    assert message.custom_ids() == ["muse:write:form:1"]  # a haiku is redone, not continued
    assert assert_no_unwanted_pings(sandbox.calls) >= 1

    again = await sandbox.click(message, "muse:write:form:1", user=sandbox.members[0])
    redone = await shown(sandbox, again)
    assert len(rows(redone)) == 3 and redone.custom_ids() == ["muse:write:form:2"]


async def test_old_forms_still_stream_with_both_buttons(poet: MuseHarness) -> None:
    sandbox = poet.sandbox
    ix = await sandbox.slash("write", {"form": "poem", "topic": "rain"}, user=sandbox.members[0])
    message = await ix.final_message()

    def buttons() -> list[str] | None:
        ids = ix.messages[-1].custom_ids() if ix.messages else []
        return ids or None

    ids = await sandbox.wait_until(buttons, 15)
    assert message.content.startswith("**Poem · rain**")
    assert ids == ["muse:write:regen:1", "muse:write:cont:1"]


async def test_poetry_check_says_which_line_of_a_broken_haiku_misses(poet: MuseHarness) -> None:
    sandbox = poet.sandbox
    ix = await sandbox.slash(
        "poetry check",
        {"form": "haiku", "text": "An old silent pond / A frog jumps in / Splash! Silence again."},
        user=sandbox.members[1],
    )
    message = await ix.final_message()
    lines = rows(message)
    assert len(lines) == 3
    assert lines[0].startswith("` 1` ✓") and lines[2].startswith("` 3` ✓")
    assert lines[1] == "` 2` ✗ A frog jumps in — *4/7 syll.*"
    assert "↳ 4 syllables, needs 7" in message.embeds[0]["description"]
    assert "1 of 3 lines miss" in message.embeds[0]["description"]
    assert prompts(poet) == []  # no model for a check


async def test_poetry_check_a_limerick_on_separate_lines(poet: MuseHarness) -> None:
    sandbox = poet.sandbox
    limerick = (
        "There was an Old Man with a beard,\nWho said, It is just as I feared!\n"
        "Two Owls and a Hen,\nFour Larks and a Wren,\nHave all built their nests in my hat!"
    )
    ix = await sandbox.slash(
        "poetry check", {"form": "limerick", "text": limerick}, user=sandbox.members[1]
    )
    message = await ix.final_message()
    marks = [row.split()[2] for row in rows(message)]
    assert marks == ["✓", "✓", "✓", "✓", "✗"]
    assert '"hat" does not rhyme' in message.embeds[0]["description"]


@pytest.mark.parametrize(
    ("options", "check_lengths", "expected"),
    [
        ({"form": "haiku", "text": " / "}, True, "Paste the poem"),
        ({"form": "haiku", "text": "x" * (POEM_LIMIT + 1)}, False, f"limit is {POEM_LIMIT:,}"),
        ({"form": "sonnet", "text": "\n".join(["la"] * 80)}, True, "at most 14"),
    ],
)
async def test_bad_check_input_gets_a_clear_private_reply(
    poet: MuseHarness, options: dict[str, Any], check_lengths: bool, expected: str
) -> None:
    sandbox = poet.sandbox
    ix = await sandbox.slash(
        "poetry check", options, user=sandbox.members[1], check_lengths=check_lengths
    )
    reply = await ix.final_message()
    assert reply.ephemeral and expected in reply.content


async def test_bad_write_input_for_a_fixed_form_is_private_and_costs_nothing(
    poet: MuseHarness,
) -> None:
    sandbox = poet.sandbox
    ix = await sandbox.slash("write", {"form": "haiku", "topic": "   "}, user=sandbox.members[0])
    reply = await ix.final_message()
    assert reply.ephemeral and "topic" in reply.content
    assert prompts(poet) == []
