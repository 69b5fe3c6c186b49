"""/lyrics melody end to end: the real bot against the sandbox, a fake model and renderer."""

from __future__ import annotations

import io
import itertools
import json
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import mido  # type: ignore[import-untyped]
import pytest

from bot.sandbox import InteractionHandle, Sandbox, StoredMessage
from bot.services.prosody import line_syllables
from models import ChatMessage, FakeEngine, GenerationOptions
from tests.unit.test_melody_files import read_musicxml

from .conftest import MuseHarness, assert_no_unwanted_pings, start_muse

pytestmark = pytest.mark.e2e

LYRIC = (
    "[Verse] The harbour sleeps beneath the rain / I call your name and call again // "
    "[Chorus] Remember me tonight / Under the silver light // "
    "[Verse] The city lights are burning bright / I walk alone into the night // "
    "[Chorus] Remember me tonight / Under the silver light"
)
SYLLABLES = sum(
    line_syllables(line.split("]")[-1])
    for section in LYRIC.split("//")
    for line in section.split("/")
)
POOL = [
    "The harbour sleeps beneath the rain",
    "I call your name and call again",
    "The city lights are burning bright",
    "I walk alone into the night",
    "The river runs",
    "Remember me tonight under the silver light",
]
_DRAFTED = itertools.count()
SHAPE = {"contour": "arch", "feel": "dotted", "climax_percent": 60, "chorus_lift": True}


def responder(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
    props = (options.json_schema or {}).get("properties", {})
    if "contour" in props:
        return json.dumps(SHAPE)
    if "lines" in props:  # each section drafted gets its own words
        count = props["lines"]["minItems"]
        start = next(_DRAFTED) * count
        return json.dumps({"lines": [POOL[(start + i) % len(POOL)] for i in range(count)]})
    return json.dumps({})


class Renderer:
    """Stands in for the real engraver and synthesiser: small files that say what they got."""

    def __init__(self) -> None:
        self.scores: list[str] = []

    def score_png(self, musicxml: str) -> bytes:
        self.scores.append(musicxml)
        return b"\x89PNG\r\n\x1a\n" + bytes(16)

    def audio(self, midi: bytes) -> tuple[bytes, str]:
        return b"RIFF" + len(midi).to_bytes(4, "little") + b"WAVE", "preview.wav"


@pytest.fixture
async def studio(sandbox: Sandbox, tmp_path: Path) -> AsyncIterator[MuseHarness]:
    harness = await start_muse(
        sandbox, tmp_path, engine_factory=lambda: FakeEngine(responder=responder)
    )
    yield harness
    await harness.stop()
    assert not sandbox.unknown_routes, f"the bot called unknown routes: {sandbox.unknown_routes}"


async def composed(ix: InteractionHandle) -> StoredMessage:
    message = await ix.final_message(timeout=20)
    assert message.attachments, message.content
    return message


def score_of(message: StoredMessage) -> dict[str, Any]:
    data = next(a.data for a in message.attachments if a.filename.endswith(".musicxml"))
    return read_musicxml(data.decode("utf-8"))


def pitches(message: StoredMessage) -> list[int]:
    return [int(n["pitch"]) for n in score_of(message)["notes"]]  # type: ignore[attr-defined]


async def stored_melodies(muse: MuseHarness) -> int:
    row = await muse.bot.repos.db.fetchone("SELECT COUNT(*) FROM melodies")
    assert row is not None
    return int(row[0])


async def test_pasted_lines_get_musicxml_and_midi_and_the_buttons(studio: MuseHarness) -> None:
    sandbox = studio.sandbox
    ix = await sandbox.slash(
        "lyrics melody",
        {"lines": LYRIC, "key": "G", "mode": "major", "tempo": 100, "voice": "alto"},
        user=sandbox.members[0],
    )
    message = await composed(ix)
    assert not message.ephemeral
    names = message.attachment_names
    # The studio renderer the container wires: an engraved score and a WAV preview as well.
    assert names[0] == "score.png" and names[1].endswith(".wav")
    assert names[2:] == ["the-harbour-sleeps-beneath-the-rain.musicxml",
                         "the-harbour-sleeps-beneath-the-rain.mid"]  # fmt: skip
    png, wav = (message.attachments[0].data, message.attachments[1].data)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and wav[:4] == b"RIFF" and wav[8:12] == b"WAVE"
    score = score_of(message)
    notes = score["notes"]
    assert len(notes) == SYLLABLES
    assert score["fifths"] == 1 and score["tempo"] == "100" and score["part"] == "Alto"
    assert all(55 <= n["pitch"] <= 72 for n in notes)
    midi_data = next(a.data for a in message.attachments if a.filename.endswith(".mid"))
    midi = mido.MidiFile(file=io.BytesIO(midi_data))
    lyrics = [m.text.rstrip("-") for m in midi.tracks[1] if m.type == "lyrics"]
    assert lyrics == [n["text"] for n in notes]
    embed = message.embeds[0]
    assert embed["title"].startswith("🎼 The harbour sleeps")
    assert "the model's idea" in embed["description"]  # the fake model's shape was used
    assert [f["name"] for f in embed["fields"]] == ["Verse", "Chorus", "Verse"]  # chorus once
    assert set(message.custom_ids()) == {
        f"muse:melody:{what}:1" for what in ("again", "down", "up", "slower", "faster")
    }
    assert await stored_melodies(studio) == 1
    assert assert_no_unwanted_pings(sandbox.calls) >= 1


async def test_buttons_change_the_melody_and_only_for_its_owner(studio: MuseHarness) -> None:
    sandbox = studio.sandbox
    alice, bob = sandbox.members[0], sandbox.members[1]
    renderer = Renderer()
    studio.bot.services.melody.attach_renderer(renderer)
    ix = await sandbox.slash("lyrics melody", {"lines": LYRIC, "key": "D"}, user=alice)
    message = await composed(ix)
    assert message.attachment_names[:2] == ["score.png", "preview.wav"]
    assert message.embeds[0]["image"]["url"].endswith("score.png")
    assert renderer.scores and "<score-partwise" in renderer.scores[0]
    first = pitches(message)

    refused = await sandbox.click(message, "muse:melody:again:1", user=bob)
    reply = await refused.final_message()
    assert reply.ephemeral and "Only the member" in reply.content
    assert pitches(sandbox.message(message.id)) == first

    await studio.restart()  # the buttons carry the melody's id and keep working
    studio.bot.services.melody.attach_renderer(renderer)
    again = await sandbox.click(message, "muse:melody:again:1", user=alice)
    await again.acknowledged()
    changed = await sandbox.wait_until(
        lambda: (m := sandbox.message(message.id)) and pitches(m) != first and m, 20
    )
    second = pitches(changed)
    assert len(second) == len(first) and second != first

    up = await sandbox.click(changed, "muse:melody:up:1", user=alice)
    await up.acknowledged()
    raised = await sandbox.wait_until(
        lambda: (m := sandbox.message(message.id)) and pitches(m) != second and m, 20
    )
    assert pitches(raised) == [p + 1 for p in second]
    assert score_of(raised)["fifths"] == -3  # D major up a semitone: E flat major

    faster = await sandbox.click(raised, "muse:melody:faster:1", user=alice)
    await faster.acknowledged()
    quicker = await sandbox.wait_until(
        lambda: (m := sandbox.message(message.id)) and score_of(m)["tempo"] == "100" and m, 20
    )
    assert pitches(quicker) == pitches(raised)
    assert await stored_melodies(studio) == 1


async def test_a_button_past_a_limit_answers_privately_and_changes_nothing(
    studio: MuseHarness,
) -> None:
    sandbox = studio.sandbox
    alice = sandbox.members[0]
    options = {"lines": LYRIC, "voice": "custom", "low": 84, "high": 96, "tempo": 240}
    message = await composed(await sandbox.slash("lyrics melody", options, user=alice))
    before = pitches(message)
    for button, said in (("up", "any higher"), ("faster", "40-240")):
        press = await sandbox.click(message, f"muse:melody:{button}:1", user=alice)
        reply = await press.final_message()
        assert reply.ephemeral and said in reply.content
    current = sandbox.message(message.id)
    assert pitches(current) == before and score_of(current)["tempo"] == "240"
    assert set(current.custom_ids()) == set(message.custom_ids())


@pytest.mark.parametrize(
    ("options", "said"),
    [
        ({"lines": "   "}, "lyric"),
        ({"lines": "!!! / ..."}, "some words to sing"),
        ({"lines": "/".join(["la"] * 500)}, "at most 48"),
        ({"lines": LYRIC, "voice": "custom", "low": 60, "high": 60}, "too narrow"),
        ({"lines": LYRIC, "key": "H"}, "isn't a key I know"),
        ({}, "Give either"),
        ({"draft": "nothing like it"}, "no saved draft"),
    ],
)
async def test_bad_input_gets_a_clear_private_reply_and_stores_nothing(
    studio: MuseHarness, options: dict[str, Any], said: str
) -> None:
    sandbox = studio.sandbox
    ix = await sandbox.slash("lyrics melody", options, user=sandbox.members[0])
    reply = await ix.final_message()
    assert reply.ephemeral and said in reply.content and not reply.attachments
    assert await stored_melodies(studio) == 0


async def test_a_saved_draft_keeps_its_melody_in_the_list_export_and_erasure(
    studio: MuseHarness,
) -> None:
    sandbox = studio.sandbox
    alice = sandbox.members[0]
    ix = await sandbox.slash(
        "lyrics draft",
        {
            "topic": "harbour rain",
            "structure": "verse, chorus, verse, chorus",
            "rhyme_scheme": "ABCD",  # no rhymes to repair: the fake model's lines pass
            "syllables": "4-12",
        },
        user=alice,
    )
    draft = await sandbox.wait_until(
        lambda: (m := ix.original) and not m.loading and m.custom_ids() and m, 20
    )
    await (await sandbox.click(draft, "muse:lyrics:save:1", user=alice)).final_message()

    choices = await sandbox.autocomplete("lyrics melody", {"draft": "harb"}, "draft", user=alice)
    assert [c["value"] for c in choices] == ["1"]
    keys = await sandbox.autocomplete("lyrics melody", {"key": "f"}, "key", user=alice)
    assert [c["value"] for c in keys] == ["F", "F#"]
    ix = await sandbox.slash(
        "lyrics melody", {"draft": "1", "key": "A", "mode": "minor"}, user=alice
    )
    message = await composed(ix)
    assert message.embeds[0]["title"] == "🎼 harbour rain"
    assert [f["name"] for f in message.embeds[0]["fields"]] == ["Verse 1", "Chorus", "Verse 2"]
    assert len(score_of(message)["notes"]) > 0
    # A second melody for the same draft replaces the first.
    await composed(await sandbox.slash("lyrics melody", {"draft": "harbour rain"}, user=alice))
    assert await stored_melodies(studio) == 1

    listing = await (await sandbox.slash("lyrics drafts", user=alice)).final_message()
    assert "🎼 melody" in listing.embeds[0]["description"]

    export = await (await sandbox.slash("mydata export", user=alice)).final_message()
    data = json.loads(export.attachments[0].data)["data"]["melodies"]["melodies"]
    assert [row["draft_id"] for row in data] == [1]

    await studio.bot.services.style.forget(sandbox.guild.id, alice.id)
    assert await stored_melodies(studio) == 0
