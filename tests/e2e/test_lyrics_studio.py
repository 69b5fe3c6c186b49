"""/lyrics end to end: the real bot against the sandbox, on a deterministic fake model."""

from __future__ import annotations

import array
import asyncio
import io
import json
import wave
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import mido  # type: ignore[import-untyped]
import pytest
from PIL import Image

from bot.sandbox import InteractionHandle, Sandbox, StoredMessage
from bot.services.chords import build_progression, midi_chords
from models import ChatMessage, FakeEngine, GenerationOptions

from .conftest import MuseHarness, assert_no_unwanted_pings, start_muse

pytestmark = pytest.mark.e2e

POOL = [
    "The city lights are burning bright",
    "I walk alone into the night",
    "The harbour sleeps beneath the rain",
    "I call your name and call again",
]


def _repair(schema: dict[str, Any], field: str) -> Any:
    text = "We dance beneath the morning"
    ref = schema["properties"][field].get("$ref")
    if ref is None:
        return text + " light"
    sub = schema["$defs"][ref.rsplit("/", 1)[-1]]["properties"]
    answer = {"before_end": text}
    if "end" in sub:
        answer["end"] = sub["end"]["enum"][0]
    return answer


def responder(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
    schema = options.json_schema or {}
    props = schema.get("properties", {})
    if "lines" in props:
        count = props["lines"]["minItems"]
        return json.dumps({"lines": [POOL[i % 4] for i in range(count)]})
    return json.dumps({k: _repair(schema, k) for k in props})


@pytest.fixture
async def studio(sandbox: Sandbox, tmp_path: Path) -> AsyncIterator[MuseHarness]:
    harness = await start_muse(
        sandbox, tmp_path, engine_factory=lambda: FakeEngine(responder=responder)
    )
    yield harness
    await harness.stop()
    assert not sandbox.unknown_routes, f"the bot called unknown routes: {sandbox.unknown_routes}"


async def stored_drafts(muse: MuseHarness) -> int:
    row = await muse.bot.repos.db.fetchone("SELECT COUNT(*) FROM lyrics_drafts")
    assert row is not None
    return int(row[0])


async def drafted(sandbox: Sandbox, ix: InteractionHandle) -> StoredMessage:
    """The draft message once it shows the lyrics and its controls."""

    def ready() -> StoredMessage | None:
        original = ix.original
        if original is None or original.loading or not original.embeds:
            return None
        return original if original.custom_ids() else None

    message: StoredMessage = await sandbox.wait_until(ready, 15)
    return message


async def saved_draft(sandbox: Sandbox, options: dict[str, Any], member: Any) -> StoredMessage:
    """``member`` runs /lyrics draft with ``options`` and saves the result (their draft 1); the
    draft message, whose buttons stay usable."""
    message = await drafted(sandbox, await sandbox.slash("lyrics draft", options, user=member))
    await (await sandbox.click(message, "muse:lyrics:save:1", user=member)).final_message()
    return message


def rows_of(message: StoredMessage) -> list[str]:
    return [
        row
        for embed in message.embeds[1:]
        for row in (embed.get("description") or "").split("\n")
        if row.startswith("`")
    ]


async def test_draft_shows_lyrics_with_a_per_line_analysis(studio: MuseHarness) -> None:
    sandbox = studio.sandbox
    ix = await sandbox.slash(
        "lyrics draft",
        {
            "topic": "harbour rain",
            "structure": "verse, chorus, verse, chorus",
            "rhyme_scheme": "AABB",
        },
        user=sandbox.members[0],
    )
    message = await drafted(sandbox, ix)
    assert ix.latency is not None and ix.latency < 3.0
    assert not message.ephemeral
    titles = [e.get("title", "") for e in message.embeds]
    assert titles[0] == "🎵 harbour rain"
    assert [t.split(" · ")[0] for t in titles[1:]] == ["Verse 1", "Chorus", "Verse 2"]
    assert "sung 2×" in titles[2]
    rows = rows_of(message)
    assert len(rows) == 12
    assert rows[0].startswith("` 1` ✓ The city lights are burning bright — *8 · A*")
    assert "12 of 12 lines pass" in message.embeds[0]["description"]
    assert {"muse:lyrics:regen:1", "muse:lyrics:line:1", "muse:lyrics:save:1"} <= set(
        message.custom_ids()
    )
    total = sum(
        len(e.get("title", ""))
        + len(e.get("description", ""))
        + len(e.get("footer", {}).get("text", ""))
        for e in message.embeds
    )
    assert total <= 6000
    assert assert_no_unwanted_pings(sandbox.calls) >= 1


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"structure": "verse, solo"}, "song section called 'solo'"),
        (
            {"structure": "verse, chorus", "rhyme_scheme": "verse:ABA chorus:AABB", "lines": 4},
            "doesn't fit",
        ),
        ({"structure": "verse", "rhyme_scheme": "bridge:ABAB"}, "has no bridge"),
        ({"syllables": "0"}, "between 1 and 30; 0 is not"),
        ({"syllables": "40"}, "between 1 and 30; 40 is not"),
    ],
)
async def test_bad_draft_input_gets_a_clear_private_reply_and_stores_nothing(
    studio: MuseHarness, options: dict[str, Any], expected: str
) -> None:
    sandbox = studio.sandbox
    ix = await sandbox.slash("lyrics draft", {"topic": "rain"} | options, user=sandbox.members[0])
    reply = await ix.final_message()
    assert reply.ephemeral
    assert expected in reply.content
    assert await stored_drafts(studio) == 0
    assert isinstance(studio.engine, FakeEngine) and studio.engine.prompts == []


async def test_chords_attach_a_score_a_preview_and_a_midi_file(studio: MuseHarness) -> None:
    sandbox = studio.sandbox
    ix = await sandbox.slash(
        "lyrics chords",
        {"key": "Bb", "mode": "minor", "mood": "sad", "sections": "verse, chorus, verse"},
        user=sandbox.members[1],
    )
    message = await ix.final_message()
    assert not message.ephemeral
    assert message.attachment_names == ["score.png", "preview.wav", "progression.mid"]
    score, preview, midi_file = message.attachments
    assert sum(a.size for a in message.attachments) < 8 * 1024 * 1024
    assert message.embeds[0]["image"]["url"] == "attachment://score.png"
    image = Image.open(io.BytesIO(score.data))
    assert image.format == "PNG" and 300 <= image.size[0] <= 1000 and image.size[1] >= 100
    assert sum(image.convert("L").histogram()[:128]) > 0.005 * image.size[0] * image.size[1]
    data = midi_file.data
    with wave.open(io.BytesIO(preview.data)) as wav:
        seconds = wav.getnframes() / wav.getframerate()
        frames = wav.readframes(wav.getnframes())
    beat = 60 / 90  # the default tempo
    assert abs(seconds - mido.MidiFile(file=io.BytesIO(data)).length) < beat
    assert max(abs(v) for v in array.array("h", frames)) > 3000  # audible
    midi = mido.MidiFile(file=io.BytesIO(data))
    assert midi.type == 1
    expected = build_progression("Bb", "minor", "sad", ["verse", "chorus", "verse"])
    assert midi_chords(data) == expected.pitch_sets
    embed = message.embeds[0]
    assert embed["title"] == "Bb minor · sad"
    shown = " ".join(f["value"] for f in embed["fields"])
    for chord in expected.chords:
        assert f"`{chord.name}`" in shown and f"`{chord.roman}`" in shown

    bad = await sandbox.slash(
        "lyrics chords", {"key": "H", "mode": "major", "mood": "happy"}, user=sandbox.members[1]
    )
    reply = await bad.final_message()
    assert reply.ephemeral and "isn't a key I know" in reply.content and not reply.attachments


async def test_rewrite_one_line_through_the_modal(studio: MuseHarness) -> None:
    sandbox = studio.sandbox
    alice = sandbox.members[0]
    ix = await sandbox.slash(
        "lyrics draft",
        {"topic": "harbour rain", "structure": "verse", "rhyme_scheme": "AABB"},
        user=alice,
    )
    message = await drafted(sandbox, ix)
    before = rows_of(message)

    press = await sandbox.click(message, "muse:lyrics:line:1", user=alice)
    modal = await press.wait_modal()
    assert modal["title"] == "Rewrite a line"
    wrong = await sandbox.submit_modal(press, {"line": "9"})
    reply = await wrong.final_message()
    assert reply.ephemeral and "there is no line 9" in reply.content

    assert isinstance(studio.engine, FakeEngine)
    sent_before = len(studio.engine.prompts)
    press = await sandbox.click(message, "muse:lyrics:line:1", user=alice)
    await press.wait_modal()
    done = await sandbox.submit_modal(press, {"line": "2", "hint": "more hopeful"})
    await done.acknowledged()

    def rewritten() -> list[str] | None:
        current = sandbox.message(message.id)
        rows = rows_of(current)
        return rows if current.custom_ids() and rows and rows != before else None

    after = await sandbox.wait_until(rewritten, 10)
    assert after[0] == before[0] and after[2:] == before[2:]
    assert "We dance beneath the morning" in after[1]
    prompt = studio.engine.prompts[sent_before].messages[-1].content
    assert "<<<more hopeful>>>" in prompt and POOL[0] not in prompt
    assert "Rewrote line 2" in sandbox.message(message.id).embeds[0]["description"]


async def test_regenerate_a_section_and_others_cannot(studio: MuseHarness) -> None:
    sandbox = studio.sandbox
    alice, bob = sandbox.members[0], sandbox.members[1]
    ix = await sandbox.slash(
        "lyrics draft", {"topic": "tides", "structure": "verse, chorus"}, user=alice
    )
    message = await drafted(sandbox, ix)
    assert isinstance(studio.engine, FakeEngine)
    sent = len(studio.engine.prompts)

    refused = await sandbox.click(message, "muse:lyrics:regen:1", user=bob, values=["chorus"])
    reply = await refused.final_message()
    assert reply.ephemeral and "Only the member who drafted" in reply.content
    assert len(studio.engine.prompts) == sent

    again = await sandbox.click(message, "muse:lyrics:regen:1", user=alice, values=["chorus"])
    await again.acknowledged()

    def redrafted() -> bool:
        current = sandbox.message(message.id)
        return bool(current.custom_ids()) and "Redrafted the chorus" in (
            current.embeds[0].get("description") or ""
        )

    await sandbox.wait_until(redrafted, 10)
    assert "chorus" in studio.engine.prompts[sent].messages[-1].content


async def test_save_survives_a_restart_and_drafts_are_private(studio: MuseHarness) -> None:
    sandbox = studio.sandbox
    alice, bob = sandbox.members[0], sandbox.members[1]
    ix = await sandbox.slash(
        "lyrics draft",
        {"topic": "lighthouse", "structure": "verse", "rhyme_scheme": "AABB"},
        user=alice,
    )
    message = await drafted(sandbox, ix)
    await studio.restart()

    refused = await sandbox.click(message, "muse:lyrics:save:1", user=bob)
    assert (await refused.final_message()).ephemeral
    assert (await studio.bot.repos.lyrics.list_saved(sandbox.guild.id, alice.id)) == []

    saved = await sandbox.click(message, "muse:lyrics:save:1", user=alice)
    confirmation = await saved.final_message()
    assert confirmation.ephemeral and "/lyrics drafts" in confirmation.content
    current = sandbox.message(message.id)
    save_button = next(
        c
        for row in current.components
        for c in row["components"]
        if c.get("custom_id") == "muse:lyrics:save:1"
    )
    assert save_button["label"] == "Saved" and save_button["disabled"]
    assert "muse:lyrics:share:1" in current.custom_ids()

    listing = await (await sandbox.slash("lyrics drafts", user=bob)).final_message()
    assert listing.ephemeral and "no saved drafts" in listing.embeds[0]["description"]

    ix = await sandbox.slash("lyrics drafts", user=alice)
    listing = await ix.final_message()
    assert listing.ephemeral and "lighthouse" in listing.embeds[0]["description"]
    select_id = f"muse:lyrics:open:{alice.id}"
    assert listing.custom_ids() == [select_id]

    # Bob presses Alice's list (a forwarded custom id): he can't open her draft.
    stolen = await sandbox.click(listing, select_id, user=bob, values=["1"])
    assert "can't find that draft" in (await stolen.final_message()).content

    opened = await (
        await sandbox.click(listing, select_id, user=alice, values=["1"])
    ).final_message()
    assert opened.ephemeral and opened.embeds[0]["title"] == "🎵 lighthouse"
    assert "muse:lyrics:del:1" in opened.custom_ids()

    share = await sandbox.click(opened, "muse:lyrics:share:1", user=alice)
    await share.acknowledged()
    assert [d.id for d in await studio.bot.services.lyrics.public_drafts(sandbox.guild.id)] == [1]

    ask = await (await sandbox.click(opened, "muse:lyrics:del:1", user=alice)).final_message()
    assert ask.ephemeral and ask.custom_ids() == ["muse:lyrics:delyes:1"]
    gone = await (await sandbox.click(ask, "muse:lyrics:delyes:1", user=alice)).final_message()
    assert "Deleted" in gone.content
    assert await stored_drafts(studio) == 0


async def test_rhyme_syllables_and_analyze(studio: MuseHarness) -> None:
    sandbox = studio.sandbox
    rhyme = await (
        await sandbox.slash("lyrics rhyme", {"word": "night", "type": "perfect"})
    ).final_message()
    fields = rhyme.embeds[0]["fields"]
    assert fields[0]["name"] == "1 syllable" and "light" in fields[0]["value"]
    assert [int(f["name"].split()[0]) for f in fields] == sorted(
        int(f["name"].split()[0]) for f in fields
    )

    counted = await (
        await sandbox.slash("lyrics syllables", {"text": "I walked along the river / in the rain"})
    ).final_message()
    description = counted.embeds[0]["description"]
    assert "` 7` I walked along the river" in description and "x / x / x / x" in description

    press = await sandbox.slash("lyrics analyze", {})
    await press.wait_modal()
    lyrics = "The night is young\nI sing my song\n\nYou set my heart on fire\nMy one desire"
    result = await (await sandbox.submit_modal(press, {"lyrics": lyrics})).final_message()
    assert result.ephemeral
    text = json.dumps(result.embeds)
    assert "Rhyme scheme: AA BB" in text
    assert "fire" in text and "desire" in text and "Clich" in text


async def test_shutdown_during_a_draft_tells_the_member_it_was_cut_off(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    engine = FakeEngine(responder=responder)
    engine.gate = asyncio.Event()  # the model never answers
    muse = await start_muse(sandbox, tmp_path, engine_factory=lambda: engine)
    ix = await sandbox.slash(
        "lyrics draft", {"topic": "tides", "structure": "verse"}, user=sandbox.members[0]
    )
    await ix.acknowledged()
    await sandbox.wait_until(lambda: engine.prompts, 10)
    await asyncio.wait_for(muse.stop(), 20)
    assert ix.original is not None and "cut off" in ix.original.content


async def test_bad_values_in_the_rewrite_form_are_refused_privately(studio: MuseHarness) -> None:
    """The form behind a button: digits Python reads but SQLite or int() cannot, controls,
    blanks. Each gets a private answer naming the valid range, never an incident."""
    sandbox = studio.sandbox
    alice = sandbox.members[0]
    ix = await sandbox.slash(
        "lyrics draft",
        {"topic": "harbour rain", "structure": "verse", "rhyme_scheme": "AABB"},
        user=alice,
    )
    message = await drafted(sandbox, ix)
    before = rows_of(message)
    for line in ("²", "٣", "0", "-1", " ", "\u202e1", "\u200b", "999"):
        press = await sandbox.click(message, "muse:lyrics:line:1", user=alice)
        await press.wait_modal()
        hint = "@everyone " + "*" * 190
        reply = await (
            await sandbox.submit_modal(press, {"line": line, "hint": hint})
        ).final_message()
        assert reply.ephemeral, line
        assert "line" in reply.content and "incident" not in reply.content, (line, reply.content)
    assert rows_of(sandbox.message(message.id)) == before
