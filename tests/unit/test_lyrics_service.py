"""LyricsService on a real (temporary) database with a fake model: drafts, ownership, saving,
member data, the tools, and the MIDI file of /lyrics chords."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import discord
import mido  # type: ignore[import-untyped]
import pytest

from bot.clock import FakeClock
from bot.db import Repositories
from bot.errors import NotAllowed, NotFound, UserInputError
from bot.services.chords import ChordInputError, diatonic_chords, midi_chords
from bot.services.hooks import ContributionKind
from bot.services.lyrics import LyricsService
from cogs.lyrics.render import (
    MESSAGE_LIMIT,
    analysis_pages,
    draft_embeds,
    embed_size,
    rhymes_embed,
    syllables_pages,
)
from models import ChatMessage, FakeEngine, GenerationOptions

GUILD = 10
ALICE = 1
BOB = 2


class Recorder:
    def __init__(self) -> None:
        self.records: list[tuple[int | None, int, str, str]] = []
        self.brief_requests: list[tuple[int | None, int]] = []

    async def record(
        self, guild_id: int | None, user_id: int, kind: ContributionKind, text: str
    ) -> None:
        self.records.append((guild_id, user_id, kind, text))

    async def brief_for(self, guild_id: int | None, user_id: int) -> str | None:
        self.brief_requests.append((guild_id, user_id))
        return "likes sea imagery"


def verse_responder(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
    schema = options.json_schema or {}
    props = schema.get("properties", {})
    if "lines" in props:
        count = props["lines"]["minItems"]
        pool = [
            "The city lights are burning bright",
            "I walk alone into the night",
            "The harbour sleeps beneath the rain",
            "I call your name and call again",
        ]
        return json.dumps({"lines": [pool[i % 4] for i in range(count)]})
    return json.dumps({k: valid_repair(schema, k) for k in props})


def valid_repair(schema: dict[str, Any], field: str) -> Any:
    """A schema-valid rewrite for ``field`` (whatever it fixes)."""
    text = "A line the fake model wrote today"
    ref = schema["properties"][field].get("$ref")
    if ref is None:
        return text
    sub = schema["$defs"][ref.rsplit("/", 1)[-1]]["properties"]
    answer = {"before_end": text}
    if "end" in sub:
        answer["end"] = sub["end"]["enum"][0]
    return answer


async def make_service(
    repos: Repositories, *, max_saved: int = 50, engine: FakeEngine | None = None
) -> tuple[LyricsService, FakeEngine, Recorder, FakeClock]:
    engine = engine or FakeEngine(responder=verse_responder)
    await engine.start()
    hooks = Recorder()
    clock = FakeClock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    service = LyricsService(
        engine,
        repos.lyrics,
        clock,
        style=hooks,
        contributions=hooks,
        repair_rounds=1,
        max_saved=max_saved,
    )
    return service, engine, hooks, clock


async def draft_for(service: LyricsService, user: int, structure: str = "verse") -> Any:
    song = service.plan(topic="harbour rain", structure=structure, rhyme_scheme="AABB")
    return await service.draft(song, guild_id=GUILD, channel_id=5, user_id=user)


async def test_repeated_choruses_are_drafted_once_and_the_brief_is_used(
    repos: Repositories,
) -> None:
    service, engine, hooks, _ = await make_service(repos)
    notes: list[str] = []

    async def progress(note: str) -> None:
        notes.append(note)

    song = service.plan(
        topic="harbour rain", structure="verse chorus verse chorus chorus", rhyme_scheme="AABB"
    )
    draft = await service.draft(
        song, guild_id=GUILD, channel_id=5, user_id=ALICE, progress=progress
    )
    section_prompts = [
        p for p in engine.prompts if "lines" in (p.options.json_schema or {}).get("properties", {})
    ]
    assert len(section_prompts) == 3  # verse 1, chorus, verse 2
    assert len(notes) == 3 and "chorus" in notes[1]
    assert all("likes sea imagery" in p.messages[0].content for p in engine.prompts)
    assert hooks.brief_requests == [(GUILD, ALICE)]
    text = draft.text()
    assert text.count("[Chorus]") == 3 and text.count("[Verse 1]") == 1
    assert draft.total_lines == 12 and not draft.saved
    assert draft.passing == 12  # the pool rhymes AABB and scans 8 syllables


async def test_buttons_belong_to_the_author_only(repos: Repositories) -> None:
    service, _, _, _ = await make_service(repos)
    draft = await draft_for(service, ALICE)
    with pytest.raises(NotAllowed):
        await service.regenerate_part(draft.id, BOB, "verse")
    with pytest.raises(NotAllowed):
        await service.save(draft.id, BOB)
    with pytest.raises(NotAllowed):
        await service.rewrite_line(draft.id, BOB, 1)
    with pytest.raises(NotFound):
        await service.owned(999, ALICE)
    with pytest.raises(UserInputError, match="no line 9"):
        await service.rewrite_line(draft.id, ALICE, 9)
    with pytest.raises(UserInputError, match="number of the line"):
        await service.rewrite_line(draft.id, ALICE, "two")
    with pytest.raises(UserInputError, match="isn't part of this draft"):
        await service.regenerate_part(draft.id, ALICE, "bridge")
    assert (await service.owned(draft.id, ALICE)).lines == draft.lines  # nothing changed


async def test_save_list_open_share_delete_only_your_own(repos: Repositories) -> None:
    service, _, hooks, _ = await make_service(repos)
    mine = await draft_for(service, ALICE)
    theirs = await draft_for(service, BOB)
    assert await service.list_saved(GUILD, ALICE) == []  # unsaved drafts aren't listed
    with pytest.raises(UserInputError, match="Save the draft first"):
        await service.set_public(mine.id, ALICE, True)

    saved, newly = await service.save(mine.id, ALICE)
    assert newly and saved.saved
    again, newly_again = await service.save(mine.id, ALICE)
    assert again.saved and not newly_again
    assert [(g, u, k) for g, u, k, _ in hooks.records] == [(GUILD, ALICE, "lyrics_draft")]
    assert hooks.records[0][3] == saved.text()
    await service.save(theirs.id, BOB)

    listed = await service.list_saved(GUILD, ALICE)
    assert [d.id for d in listed] == [mine.id] and listed[0].lines == 4
    assert (await service.open(mine.id, ALICE)).id == mine.id
    with pytest.raises(NotFound):
        await service.open(theirs.id, ALICE)
    with pytest.raises(NotFound):
        await service.delete(theirs.id, ALICE)

    assert (await service.set_public(mine.id, ALICE, True)).public
    assert [d.id for d in await service.public_drafts(GUILD)] == [mine.id]
    assert await service.delete(mine.id, ALICE) == "harbour rain"
    assert await service.list_saved(GUILD, ALICE) == []
    assert await service.public_drafts(GUILD) == []
    assert [d.id for d in await service.list_saved(GUILD, BOB)] == [theirs.id]


async def test_saved_drafts_are_capped_per_member(repos: Repositories) -> None:
    service, _, _, _ = await make_service(repos, max_saved=1)
    first = await draft_for(service, ALICE)
    second = await draft_for(service, ALICE)
    await service.save(first.id, ALICE)
    with pytest.raises(UserInputError, match="1 saved drafts"):
        await service.save(second.id, ALICE)
    assert not (await service.owned(second.id, ALICE)).saved


async def test_unsaved_drafts_are_pruned_saved_ones_kept(repos: Repositories) -> None:
    service, _, _, clock = await make_service(repos)
    kept = await draft_for(service, ALICE)
    await service.save(kept.id, ALICE)
    dropped = await draft_for(service, ALICE)
    clock.set(clock.now() + timedelta(days=6))
    assert await service.prune_unsaved() == 0
    clock.set(clock.now() + timedelta(days=2))
    assert await service.prune_unsaved() == 1
    with pytest.raises(NotFound, match="kept for 7 days"):
        await service.owned(dropped.id, ALICE)
    assert (await service.owned(kept.id, ALICE)).saved


async def test_member_data_export_and_erase(repos: Repositories) -> None:
    service, _, _, _ = await make_service(repos)
    draft = await draft_for(service, ALICE)
    await draft_for(service, BOB)
    exported = await repos.lyrics.export_member(GUILD, ALICE)
    assert [row["id"] for row in exported["lyrics_drafts"]] == [draft.id]
    assert "harbour rain" in exported["lyrics_drafts"][0]["spec"]
    assert await repos.lyrics.erase_member(GUILD, ALICE) == 1
    assert (await repos.lyrics.export_member(GUILD, ALICE)) == {"lyrics_drafts": []}
    assert len((await repos.lyrics.export_member(GUILD, BOB))["lyrics_drafts"]) == 1
    assert repos.lyrics.data_name == "lyrics"


async def test_regenerate_changes_only_that_part(repos: Repositories) -> None:
    service, engine, _, _ = await make_service(repos)
    draft = await draft_for(service, ALICE, structure="verse, chorus")
    before = len(engine.prompts)
    new = await service.regenerate_part(draft.id, ALICE, "chorus")
    assert len(engine.prompts) == before + 1
    assert "chorus" in engine.prompts[-1].messages[-1].content
    assert new.lines["verse"] == draft.lines["verse"]


# -- rendering within Discord's limits ----------------------------------------------------------


async def test_the_largest_draft_fits_one_message(repos: Repositories) -> None:
    def long_lines(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        props = (options.json_schema or {}).get("properties", {})
        if "lines" in props:
            line = " ".join(["Incredulous,"] + ["incredulous,"] * 11)
            return json.dumps({"lines": [line] * props["lines"]["minItems"]})
        return json.dumps({k: valid_repair(options.json_schema or {}, k) for k in props})

    engine = FakeEngine(responder=long_lines)
    service, _, _, _ = await make_service(repos, engine=engine)
    service.drafter.repair_rounds = 0
    song = service.plan(
        topic="t" * 200, structure="verse verse verse verse", lines=8, syllables="4"
    )
    draft = await service.draft(song, guild_id=GUILD, channel_id=5, user_id=ALICE)
    assert draft.total_lines == 32 and draft.passing == 0
    embeds = draft_embeds(draft, status="⏳ " + "x" * 100)
    assert len(embeds) <= 10
    assert sum(embed_size(e) for e in embeds) <= MESSAGE_LIMIT
    assert all(len(e.description or "") <= 4096 for e in embeds)
    assert all(len(e.title or "") <= 256 for e in embeds)


async def test_tools_render_within_limits(repos: Repositories) -> None:
    service, _, _, _ = await make_service(repos)
    rhymes = await service.rhymes("night", "perfect")
    embed = rhymes_embed("night", "perfect", rhymes)
    assert embed.fields and embed.fields[0].name == "1 syllable"
    assert "light" in (embed.fields[0].value or "")
    assert len(embed.fields) <= 25
    for kind in ("slant", "multisyllabic"):
        assert await service.rhymes("hesitation", kind)
    with pytest.raises(UserInputError):
        await service.rhymes("two words and more", "perfect")

    reports = await service.syllables("I walked along the river / in the rain")
    assert [(r.syllables, r.stress) for r in reports] == [(7, "0101010"), (3, "001")]
    pages = syllables_pages(reports)
    assert "x / x / x / x" in (pages[0][0].description or "")

    lyrics = "\n".join(["You set my heart on fire", "My burning love and my desire"] * 40)
    analysis = await service.analyze(lyrics)
    assert analysis.truncated == 20 and len(analysis.lines) == 60
    assert analysis.repeated[0][1] >= 30
    assert analysis.cliches
    pages = analysis_pages(analysis)
    for page in pages:
        assert len(page) <= 10 and sum(embed_size(e) for e in page) <= MESSAGE_LIMIT
    assert all(isinstance(e, discord.Embed) for page in pages for e in page)


# -- chords and MIDI ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "mode", "mood"),
    [
        ("C", "major", "happy"),
        ("A", "minor", "sad"),
        ("F#", "dorian", "chill"),
        ("Bb", "mixolydian", "epic"),
    ],
)
async def test_chords_midi_holds_the_pitch_sets_in_order(
    repos: Repositories, key: str, mode: str, mood: str
) -> None:
    service, engine, _, _ = await make_service(repos)
    sheet = await service.chords(
        key=key, mode=mode, mood=mood, sections="verse, chorus, verse", tempo=100
    )
    assert engine.prompts == []  # the model takes no part in chords
    midi = mido.MidiFile(file=io.BytesIO(sheet.midi))
    assert midi.type == 1 and len(midi.tracks) == 3
    assert midi_chords(sheet.midi) == sheet.progression.pitch_sets
    diatonic = {c.name for c in diatonic_chords(key, mode)}
    assert set(sheet.progression.names) <= diatonic
    sections = sheet.progression.sections
    assert [s.name for s in sections] == ["verse", "chorus", "verse"]
    verse = sheet.progression.chords[sections[0].start : sections[0].start + sections[0].length]
    again = sheet.progression.chords[sections[2].start : sections[2].start + sections[2].length]
    assert verse == again


async def test_chords_bad_input(repos: Repositories) -> None:
    service, _, _, _ = await make_service(repos)
    with pytest.raises(ChordInputError, match="isn't a key"):
        await service.chords(key="H", mode="major", mood="happy")
    with pytest.raises(ChordInputError, match="isn't a mode"):
        await service.chords(key="C", mode="bluesy", mood="happy")
    first = await service.chords(key="C", mode="major", mood="happy", variation=3)
    second = await service.chords(key="C", mode="major", mood="happy", variation=3)
    assert first.progression == second.progression
