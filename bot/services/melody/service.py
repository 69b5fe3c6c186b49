"""The song studio's melody: compose one for a saved draft or pasted lines, store it, and
compose it again with another seed, in another key or at another tempo.

Composing and writing the files run off the event loop. The score image and the audio preview
come from a :class:`SongRenderer` the application plugs in; without one (or when it fails) the
reply still carries the MusicXML and the MIDI file.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Protocol

from bot.clock import Clock
from bot.db.repositories.melodies import MelodyRepository
from bot.errors import NotAllowed, NotFound, UserInputError
from bot.i18n import _
from bot.services.bounds import record_id
from bot.services.chords import MOODS
from bot.services.lyrics import Draft, LyricsService
from models import LLMEngine

from .analysis import MelodyStats, melody_stats
from .codec import params_json, proposal_json, record_of, sections_json
from .compose import compose
from .midi import melody_to_midi
from .musicxml import melody_to_musicxml
from .proposal import propose
from .request import MAX_TEMPO, MIDI_HIGHEST, MIDI_LOWEST, MIN_TEMPO, check_sections
from .types import Melody, MelodyParams, MelodyRecord, Proposal, SectionText

__all__ = ["ComposedMelody", "MelodyFiles", "MelodyService", "SongRenderer"]

log = logging.getLogger(__name__)

TEMPO_STEP = 10
DRAFT_REF_LIMIT = 100


class SongRenderer(Protocol):
    """Turns the written files into what a member can look at and listen to."""

    def score_png(self, musicxml: str) -> bytes: ...

    def audio(self, midi: bytes) -> tuple[bytes, str]: ...


@dataclass(frozen=True, slots=True)
class MelodyFiles:
    musicxml: str
    midi: bytes
    score_png: bytes | None = None
    audio: bytes | None = None
    audio_name: str | None = None


@dataclass(frozen=True, slots=True)
class ComposedMelody:
    record: MelodyRecord
    melody: Melody
    files: MelodyFiles
    stats: MelodyStats


@dataclass(frozen=True, slots=True)
class LyricSource:
    """What the melody sets: a saved draft's song, or pasted lines."""

    title: str
    sections: tuple[SectionText, ...]
    draft_id: int | None = None
    mood: str | None = None


def draft_source(draft: Draft) -> LyricSource:
    sections = tuple(
        SectionText(draft.song.part(key).label, draft.lines[key]) for key in draft.song.order
    )
    return LyricSource(draft.title, check_sections(sections), draft.id, draft.song.mood)


class MelodyService:
    def __init__(
        self,
        engine: LLMEngine | None,
        melodies: MelodyRepository,
        clock: Clock,
        drafts: LyricsService,
        *,
        renderer: SongRenderer | None = None,
        proposal_timeout: float = 20.0,
        loose_days: int = 7,
    ) -> None:
        self._engine = engine
        self._melodies = melodies
        self._clock = clock
        self._drafts = drafts
        self._renderer = renderer
        self.proposal_timeout = proposal_timeout
        self.loose_days = loose_days

    def attach_renderer(self, renderer: SongRenderer | None) -> None:
        self._renderer = renderer

    # -- what to set ------------------------------------------------------------------------

    async def draft_source(self, reference: str, guild_id: int, user_id: int) -> LyricSource:
        """One of the member's saved drafts, by id ("12", "#12") or title."""
        text = (reference or "").strip()[:DRAFT_REF_LIMIT]
        draft_id = record_id(text.lstrip("#"))
        if draft_id is None:
            wanted = text.lower()
            saved = await self._drafts.list_saved(guild_id, user_id)
            found = [d for d in saved if d.title.lower() == wanted] or [
                d for d in saved if d.title.lower().startswith(wanted)
            ]
            if not wanted or not found:
                raise NotFound(
                    _(
                        "You have no saved draft called {title}; `/lyrics drafts` lists yours.",
                        title=repr(text),
                    )
                )
            draft_id = found[0].id
        return draft_source(await self._drafts.open(draft_id, user_id))

    async def draft_choices(self, guild_id: int, user_id: int, typed: str) -> list[tuple[str, str]]:
        """(name, value) of the member's saved drafts matching what they typed."""
        text = typed.strip().lower().lstrip("#")
        saved = await self._drafts.list_saved(guild_id, user_id)
        marked = await self._melodies.drafts_with_melody(user_id, [d.id for d in saved])
        return [
            (f"#{d.id} {d.title}{' 🎼' if d.id in marked else ''}"[:100], str(d.id))
            for d in saved
            if not text or text in d.title.lower() or str(d.id).startswith(text)
        ][:25]

    async def drafts_with_melody(self, user_id: int, draft_ids: Sequence[int]) -> set[int]:
        return await self._melodies.drafts_with_melody(user_id, list(draft_ids))

    # -- composing --------------------------------------------------------------------------

    async def compose(
        self,
        source: LyricSource,
        params: MelodyParams,
        *,
        guild_id: int,
        user_id: int,
        seed: int | None = None,
    ) -> ComposedMelody:
        """A new melody (a draft's replaces the one it had), stored, with its files."""
        seed = _new_seed() if seed is None else seed
        if source.mood and params.mood is None and params.progression is None:
            params = replace(params, mood=_mood(source.mood))
        proposal = await propose(
            self._engine,
            source.sections,
            params,
            seed,
            user_id=user_id,
            wait=self.proposal_timeout,
        )
        built = await asyncio.to_thread(
            self._build, source.sections, params, seed, proposal, source.title
        )
        row = await self._melodies.put(
            guild_id=guild_id,
            user_id=user_id,
            draft_id=source.draft_id,
            title=source.title,
            sections=sections_json(source.sections),
            params=params_json(params),
            seed=seed,
            proposal=proposal_json(proposal),
            now=self._clock.now(),
        )
        return ComposedMelody(record_of(row), *built)

    async def owned(self, melody_id: int, user_id: int) -> MelodyRecord:
        row = await self._melodies.get(melody_id)
        if row is None:
            raise NotFound(_("That melody is gone (its draft was deleted, or it expired)."))
        if row.user_id != user_id:
            raise NotAllowed(_("Only the member who asked for this melody can change it."))
        return record_of(row)

    async def another(self, melody_id: int, user_id: int) -> ComposedMelody:
        """The same lyric and settings with a new seed (a melody that differs from this one)."""
        record = await self.owned(melody_id, user_id)
        current = await asyncio.to_thread(
            compose, record.sections, record.params, record.seed, record.proposal
        )
        seed = _new_seed()
        for _try in range(8):
            candidate = await asyncio.to_thread(
                compose, record.sections, record.params, seed, record.proposal
            )
            if [n.pitch for n in candidate.notes] != [n.pitch for n in current.notes]:
                break
            seed = _new_seed()
        return await self._change(record, record.params, seed)

    async def transpose(self, melody_id: int, user_id: int, semitones: int) -> ComposedMelody:
        """Every note and chord moved by ``semitones``: the range moves with the melody (the
        same singer, a semitone up or down), so the tune itself is unchanged."""
        record = await self.owned(melody_id, user_id)
        params = record.params
        low, high = params.low + semitones, params.high + semitones
        if low < MIDI_LOWEST or high > MIDI_HIGHEST:
            raise UserInputError(
                _("It can't go any higher.") if semitones > 0 else _("It can't go any lower.")
            )
        key = _transposed_key(params.key, params.mode, semitones)
        return await self._change(record, replace(params, key=key, low=low, high=high), record.seed)

    async def change_tempo(self, melody_id: int, user_id: int, faster: bool) -> ComposedMelody:
        record = await self.owned(melody_id, user_id)
        tempo = record.params.tempo + (TEMPO_STEP if faster else -TEMPO_STEP)
        if not MIN_TEMPO <= tempo <= MAX_TEMPO:
            raise UserInputError(
                _("The tempo stays within {low}-{high} BPM.", low=MIN_TEMPO, high=MAX_TEMPO)
            )
        return await self._change(record, replace(record.params, tempo=tempo), record.seed)

    async def prune_loose(self) -> int:
        """Forget melodies of pasted lines untouched for ``loose_days``."""
        cutoff = self._clock.now() - timedelta(days=self.loose_days)
        return await self._melodies.delete_loose_before(cutoff)

    async def _change(
        self, record: MelodyRecord, params: MelodyParams, seed: int
    ) -> ComposedMelody:
        built = await asyncio.to_thread(
            self._build, record.sections, params, seed, record.proposal, record.title
        )
        await self._melodies.update(
            record.id,
            params=params_json(params),
            seed=seed,
            proposal=proposal_json(record.proposal),
            now=self._clock.now(),
        )
        return ComposedMelody(await self.owned(record.id, record.user_id), *built)

    def _build(
        self,
        sections: Sequence[SectionText],
        params: MelodyParams,
        seed: int,
        proposal: Proposal,
        title: str,
    ) -> tuple[Melody, MelodyFiles, MelodyStats]:
        """Compose and write the files (on a worker thread)."""
        melody = compose(sections, params, seed, proposal, title=title)
        musicxml = melody_to_musicxml(melody)
        midi = melody_to_midi(melody)
        files = MelodyFiles(musicxml, midi)
        if self._renderer is not None:
            files = self._render(files)
        return melody, files, melody_stats(melody)

    def _render(self, files: MelodyFiles) -> MelodyFiles:
        assert self._renderer is not None
        png = audio = name = None
        try:
            png = self._renderer.score_png(files.musicxml)
        except Exception:
            log.exception("could not render the score image")
        try:
            audio, name = self._renderer.audio(files.midi)
        except Exception:
            log.exception("could not render the audio preview")
        return replace(files, score_png=png, audio=audio, audio_name=name)


def _new_seed() -> int:
    return random.SystemRandom().randrange(1, 2**31)


def _mood(text: str) -> str | None:
    word = text.strip().lower()
    return word if word in MOODS else None


_MAJOR_KEYS = ("C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
_MINOR_KEYS = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "G#", "A", "Bb", "B")
_PC = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}


def _transposed_key(key: str, mode: str, semitones: int) -> str:
    pc = (_PC[key[0]] + key.count("#") - key.count("b") + semitones) % 12
    return (_MAJOR_KEYS if mode == "major" else _MINOR_KEYS)[pc]
