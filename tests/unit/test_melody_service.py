"""MelodyService on a real (temporary) database with a fake model: storing and composing again
identically, the buttons' changes, ownership, a draft's one melody, member data, and the model's
proposal (used when valid, clamped, replaced by the seeded one when slow or invalid)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import FakeClock
from bot.db import Repositories
from bot.errors import NotAllowed, NotFound, UserInputError
from bot.services.lyrics import LyricsService
from bot.services.melody import (
    LyricSource,
    MelodyService,
    SectionText,
    code_proposal,
    compose,
    melody_params,
)
from models import ChatMessage, FakeEngine, GenerationOptions

GUILD, ALICE, BOB = 10, 1, 2
SECTIONS = (
    SectionText("Verse", ("The harbour sleeps beneath the rain", "I call your name again")),
    SectionText("Chorus", ("Remember me tonight", "Under the silver light")),
    SectionText("Verse", ("The city lights are burning bright", "I walk alone tonight")),
    SectionText("Chorus", ("Remember me tonight", "Under the silver light")),
)
SOURCE = LyricSource("Harbour", SECTIONS)


def shape_responder(answer: object) -> object:
    def respond(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        props = (options.json_schema or {}).get("properties", {})
        if "contour" in props:
            return json.dumps(answer)
        count = props.get("lines", {}).get("minItems", 1)
        return json.dumps({"lines": ["The city lights are burning bright"] * count})

    return respond


async def make(
    repos: Repositories, answer: object = None, *, delay: float = 0.0
) -> tuple[MelodyService, FakeEngine, FakeClock, LyricsService]:
    shape = answer or {"contour": "wave", "feel": "dotted", "climax_percent": 55, "chorus_lift": 1}
    engine = FakeEngine(responder=shape_responder(shape), delay=delay)  # type: ignore[arg-type]
    await engine.start()
    clock = FakeClock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    lyrics = LyricsService(engine, repos.lyrics, clock, repair_rounds=0)
    return MelodyService(engine, repos.melodies, clock, lyrics), engine, clock, lyrics


PARAMS = melody_params(key="G", mode="major", tempo=96, voice="tenor")


async def test_a_stored_melody_composes_again_identically(repos: Repositories) -> None:
    service, _, _, _ = await make(repos)
    made = await service.compose(SOURCE, PARAMS, guild_id=GUILD, user_id=ALICE, seed=42)
    assert made.record.proposal.source == "model" and made.record.proposal.contour == "wave"
    assert made.record.seed == 42 and made.record.sections == SECTIONS
    stored = await service.owned(made.record.id, ALICE)
    again = compose(stored.sections, stored.params, stored.seed, stored.proposal, title="Harbour")
    assert again == made.melody
    assert made.files.score_png is None and made.files.audio is None  # no renderer attached
    assert made.files.musicxml.startswith("<?xml") and made.files.midi.startswith(b"MThd")


async def test_buttons_change_what_they_say_and_only_for_the_owner(repos: Repositories) -> None:
    service, _, _, _ = await make(repos)
    made = await service.compose(SOURCE, PARAMS, guild_id=GUILD, user_id=ALICE, seed=7)
    melody_id = made.record.id
    with pytest.raises(NotAllowed):
        await service.another(melody_id, BOB)
    with pytest.raises(NotFound):
        await service.transpose(999, ALICE, 1)

    other = await service.another(melody_id, ALICE)
    assert other.record.seed != 7
    assert [n.pitch for n in other.melody.notes] != [n.pitch for n in made.melody.notes]
    assert [n.text for n in other.melody.notes] == [n.text for n in made.melody.notes]

    up = await service.transpose(melody_id, ALICE, 1)
    assert up.record.params.key == "Ab" and up.record.params.voice == "tenor"
    assert (up.record.params.low, up.record.params.high) == (49, 68)
    assert [n.pitch for n in up.melody.notes] == [n.pitch + 1 for n in other.melody.notes]
    down = await service.transpose(melody_id, ALICE, -1)
    assert [n.pitch for n in down.melody.notes] == [n.pitch for n in other.melody.notes]

    faster = await service.change_tempo(melody_id, ALICE, faster=True)
    assert faster.record.params.tempo == 106 and faster.melody.notes == down.melody.notes
    stored = await service.owned(melody_id, ALICE)
    assert stored.params.tempo == 106 and stored.seed == other.record.seed


async def test_limits_of_the_buttons_are_clear(repos: Repositories) -> None:
    service, _, _, _ = await make(repos)
    top = melody_params(key="C", mode="major", tempo=240, voice="custom", low=84, high=96)
    made = await service.compose(SOURCE, top, guild_id=GUILD, user_id=ALICE, seed=1)
    with pytest.raises(UserInputError, match="any higher"):
        await service.transpose(made.record.id, ALICE, 1)
    with pytest.raises(UserInputError, match="40-240"):
        await service.change_tempo(made.record.id, ALICE, faster=True)
    assert (await service.owned(made.record.id, ALICE)).params == top  # nothing changed


@pytest.mark.parametrize(
    "answer",
    [
        {"contour": "zigzag", "feel": "even", "climax_percent": 5, "chorus_lift": True},
        {"unrelated": 1},
    ],
)
async def test_an_unusable_answer_falls_back_to_the_seeded_shape(
    repos: Repositories, answer: object
) -> None:
    service, _, _, _ = await make(repos, answer)
    made = await service.compose(SOURCE, PARAMS, guild_id=GUILD, user_id=ALICE, seed=9)
    assert made.record.proposal == code_proposal(9)


async def test_a_slow_model_is_not_waited_for(repos: Repositories) -> None:
    service, _, _, _ = await make(repos, delay=0.5)
    service.proposal_timeout = 0.05
    made = await service.compose(SOURCE, PARAMS, guild_id=GUILD, user_id=ALICE, seed=3)
    assert made.record.proposal == code_proposal(3)


async def test_the_models_answer_is_clamped_and_its_prompt_keeps_the_lyric_in_a_slot(
    repos: Repositories,
) -> None:
    answer = {"contour": "rising", "feel": "spacious", "climax_percent": 100, "chorus_lift": False}
    service, engine, _, _ = await make(repos, answer)
    made = await service.compose(SOURCE, PARAMS, guild_id=GUILD, user_id=ALICE, seed=3)
    assert made.record.proposal.climax == 0.85 and made.record.proposal.source == "model"
    prompt = engine.prompts[-1].messages[-1].content
    assert "<<<The harbour sleeps beneath the rain" in prompt and "G major at 96 BPM" in prompt


async def test_a_draft_keeps_one_melody_listed_exported_and_erased_with_it(
    repos: Repositories,
) -> None:
    service, _, clock, lyrics = await make(repos)
    song = lyrics.plan(topic="harbour rain", structure="verse, chorus", rhyme_scheme="ABCD")
    draft = await lyrics.draft(song, guild_id=GUILD, channel_id=5, user_id=ALICE)
    with pytest.raises(NotFound):  # only saved drafts can be set
        await service.draft_source(str(draft.id), GUILD, ALICE)
    await lyrics.save(draft.id, ALICE)
    with pytest.raises(NotFound):
        await service.draft_source(str(draft.id), GUILD, BOB)
    source = await service.draft_source("harbour", GUILD, ALICE)
    assert source.draft_id == draft.id and [s.label for s in source.sections] == [
        "Verse",
        "Chorus",
    ]
    first = await service.compose(source, PARAMS, guild_id=GUILD, user_id=ALICE)
    second = await service.compose(
        await service.draft_source(f"#{draft.id}", GUILD, ALICE),
        PARAMS,
        guild_id=GUILD,
        user_id=ALICE,
    )
    assert second.record.id == first.record.id  # the draft's melody was replaced
    assert await service.drafts_with_melody(ALICE, [draft.id, 99]) == {draft.id}
    assert await service.draft_choices(GUILD, ALICE, "harb") == [
        (f"#{draft.id} harbour rain 🎼", str(draft.id))
    ]
    loose = await service.compose(SOURCE, PARAMS, guild_id=GUILD, user_id=ALICE)

    exported = await repos.melodies.export_member(GUILD, ALICE)
    assert [row["draft_id"] for row in exported["melodies"]] == [draft.id, None]
    assert (await repos.melodies.export_member(GUILD, BOB)) == {"melodies": []}

    clock.advance(timedelta(days=8))
    assert await service.prune_loose() == 1  # the pasted lines' melody; the draft's stays
    with pytest.raises(NotFound):
        await service.owned(loose.record.id, ALICE)
    await lyrics.delete(draft.id, ALICE)  # the draft's melody goes with it
    with pytest.raises(NotFound):
        await service.owned(first.record.id, ALICE)

    again = await service.compose(SOURCE, PARAMS, guild_id=GUILD, user_id=ALICE)
    assert await repos.melodies.erase_member(GUILD, ALICE) == 1
    with pytest.raises(NotFound):
        await service.owned(again.record.id, ALICE)


async def test_the_reply_fits_discord_and_drops_an_audio_preview_too_large_to_upload(
    repos: Repositories,
) -> None:
    from dataclasses import replace

    from cogs.lyrics.melody import UPLOAD_LIMIT, melody_embed, melody_files

    service, _, _, _ = await make(repos)
    long_label = SectionText("L" * 300, ("The harbour sleeps beneath the rain",))
    source = LyricSource("T" * 300, (long_label, *SECTIONS))
    made = await service.compose(source, PARAMS, guild_id=GUILD, user_id=ALICE, seed=5)
    png = b"\x89PNG" + bytes(100)
    fitting = replace(
        made, files=replace(made.files, score_png=png, audio=b"RIFF", audio_name="a.wav")
    )
    names = [f.filename for f in melody_files(fitting)]
    assert names == [
        "score.png",
        "a.wav",
        "tttt.musicxml".replace("tttt", "t" * 40),
        f"{'t' * 40}.mid",
    ]
    embed = melody_embed(fitting)
    assert embed.image.url == "attachment://score.png" and len(embed) <= 6000
    assert len(embed.title or "") <= 256 and all(len(f.name or "") <= 256 for f in embed.fields)

    huge = replace(fitting, files=replace(fitting.files, audio=bytes(UPLOAD_LIMIT)))
    assert [f.filename for f in melody_files(huge)] == ["score.png", *names[2:]]
    assert "too large to upload" in (melody_embed(huge).description or "")
