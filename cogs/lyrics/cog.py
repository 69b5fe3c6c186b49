"""/lyrics: the lyric studio's slash commands."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_io import NO_PINGS, defer_thinking, generation_limited
from bot.errors import UserInputError
from bot.i18n import _
from bot.services.chords import MODES, MOODS
from bot.services.lyrics import (
    CHORD_KEY_LIMIT,
    CHORD_SECTIONS_LIMIT,
    GENRE_LIMIT,
    MOOD_LIMIT,
    RHYME_SCHEME_LIMIT,
    RHYME_WORD_LIMIT,
    STRUCTURE_LIMIT,
    SYLLABLES_LIMIT,
    SYLLABLES_OPTION_LIMIT,
    TOPIC_LIMIT,
)
from bot.services.melody import (
    DRAFT_REF_LIMIT,
    LINES_LIMIT,
    MAX_TEMPO,
    MIDI_HIGHEST,
    MIDI_LOWEST,
    MIN_TEMPO,
    PROGRESSION_LIMIT,
    VOICES,
    LyricSource,
    melody_params,
    parse_lyric,
)

from .melody import show_melody
from .render import (
    chords_embed,
    chords_files,
    draft_embeds,
    drafts_list_embed,
    rhymes_embed,
    syllables_pages,
)
from .views import AnalyzeModal, draft_view, drafts_list_view

if TYPE_CHECKING:
    from bot.app import MuseBot
    from bot.services.lyrics import LyricsService
    from bot.services.melody import MelodyService

__all__ = ["LyricsCog"]

log = logging.getLogger(__name__)

_KEYS = ("C", "C#", "Db", "D", "Eb", "E", "F", "F#", "Gb", "G", "Ab", "A", "Bb", "B")


class LyricsCog(commands.Cog):
    lyrics = app_commands.Group(
        name="lyrics",
        description="Lyric studio: drafts that scan and rhyme, rhymes, syllables, chords.",
        guild_only=True,
    )

    def __init__(self, bot: MuseBot) -> None:
        self.bot = bot
        self._warm_up: asyncio.Task[None] | None = None

    @property
    def service(self) -> LyricsService:
        return self.bot.services.lyrics

    @property
    def melodies(self) -> MelodyService:
        return self.bot.services.melody

    async def cog_load(self) -> None:
        pruned = await self.service.prune_unsaved()
        if pruned:
            log.info("pruned %d unsaved lyric draft(s)", pruned)
        loose = await self.melodies.prune_loose()
        if loose:
            log.info("pruned %d melody(ies) of pasted lines", loose)
        # The first rhyme search would otherwise pay ~1 s to load the dictionary; do it in the
        # background so start-up doesn't wait for it.
        self._warm_up = asyncio.create_task(self._warm(), name="lyrics-warm-up")

    async def cog_unload(self) -> None:
        if self._warm_up is not None:
            self._warm_up.cancel()

    async def _warm(self) -> None:
        try:
            await self.service.warm_up()
        except Exception:
            log.exception("could not load the pronouncing dictionary ahead of time")

    @lyrics.command(name="draft")
    @generation_limited()
    @app_commands.describe(
        topic=f"What the song is about (up to {TOPIC_LIMIT} characters)",
        genre=f"Optional genre, e.g. folk, synth-pop, country (up to {GENRE_LIMIT} characters)",
        mood=f"Optional mood, e.g. wistful, defiant (up to {MOOD_LIMIT} characters)",
        structure="Sections in order (default: verse, chorus, verse, chorus, bridge, chorus)",
        rhyme_scheme="e.g. AABB for every section, or per section: verse:ABAB chorus:AABB",
        syllables="Syllables per line: a number or range like 8 or 6-8 (default 6-10)",
        lines="Lines per section (default: the length of its rhyme scheme)",
    )
    async def draft(
        self,
        interaction: discord.Interaction,
        topic: app_commands.Range[str, 1, TOPIC_LIMIT],
        genre: app_commands.Range[str, 1, GENRE_LIMIT] | None = None,
        mood: app_commands.Range[str, 1, MOOD_LIMIT] | None = None,
        structure: app_commands.Range[str, 1, STRUCTURE_LIMIT] | None = None,
        rhyme_scheme: app_commands.Range[str, 1, RHYME_SCHEME_LIMIT] | None = None,
        syllables: app_commands.Range[str, 1, SYLLABLES_OPTION_LIMIT] | None = None,
        lines: app_commands.Range[int, 2, 12] | None = None,
    ) -> None:
        """Draft song lyrics whose lines are checked for syllables and rhyme, then repaired."""
        # Everything is validated before acknowledging: bad input gets a private reply.
        song = self.service.plan(
            topic=topic,
            genre=genre,
            mood=mood,
            structure=structure,
            rhyme_scheme=rhyme_scheme,
            syllables=syllables,
            lines=lines,
        )
        await defer_thinking(interaction)

        async def progress(note: str) -> None:
            with contextlib.suppress(discord.HTTPException):
                await interaction.edit_original_response(content=f"⏳ {note}")

        async with self.bot.track_generation(interaction):
            draft = await self.service.draft(
                song,
                guild_id=interaction.guild_id or 0,
                channel_id=interaction.channel_id or 0,
                user_id=interaction.user.id,
                progress=progress,
            )
        interaction.extras["answered"] = True
        await interaction.edit_original_response(
            content="",
            embeds=draft_embeds(draft),
            view=draft_view(draft),
            allowed_mentions=NO_PINGS,
        )

    @lyrics.command(name="drafts")
    async def drafts(self, interaction: discord.Interaction) -> None:
        """List your saved lyric drafts, to open, share or delete them."""
        found = await self.service.list_saved(interaction.guild_id or 0, interaction.user.id)
        with_melody = await self.melodies.drafts_with_melody(
            interaction.user.id, [d.id for d in found]
        )
        view = drafts_list_view(interaction.user.id, found)
        embed = drafts_list_embed(found, with_melody)
        if view is None:
            await interaction.response.send_message(
                embed=embed, ephemeral=True, allowed_mentions=NO_PINGS
            )
        else:
            await interaction.response.send_message(
                embed=embed, view=view, ephemeral=True, allowed_mentions=NO_PINGS
            )

    @lyrics.command(name="rhyme")
    @app_commands.describe(
        word=f"The word to rhyme with (up to three words, {RHYME_WORD_LIMIT} characters)",
        type="perfect: same sound from the stressed vowel on; slant: near rhymes; "
        "multisyllabic: several syllables match",
    )
    async def rhyme(
        self,
        interaction: discord.Interaction,
        word: app_commands.Range[str, 1, RHYME_WORD_LIMIT],
        type: Literal["perfect", "slant", "multisyllabic"] = "perfect",
    ) -> None:
        """Find rhymes for a word, best first, grouped by syllable count."""
        self.service.rhyme_query(word, type)  # bad input gets a private reply, before any work
        # The first Chinese query reads the word list (a second or two): acknowledge first.
        await defer_thinking(interaction)
        rhymes = await self.service.rhymes(word, type)
        await interaction.edit_original_response(
            embed=rhymes_embed(word.strip(), type, rhymes), allowed_mentions=NO_PINGS
        )

    @lyrics.command(name="syllables")
    @app_commands.describe(
        text=f"Lyrics to count; separate lines with / (up to {SYLLABLES_LIMIT} characters)"
    )
    async def syllables(
        self, interaction: discord.Interaction, text: app_commands.Range[str, 1, SYLLABLES_LIMIT]
    ) -> None:
        """Count syllables and show the stress pattern of each line."""
        reports = await self.service.syllables(text)
        pages = syllables_pages(reports)
        await interaction.response.send_message(embeds=pages[0], allowed_mentions=NO_PINGS)
        for page in pages[1:]:
            await interaction.followup.send(embeds=page, allowed_mentions=NO_PINGS)

    @lyrics.command(name="analyze")
    @app_commands.describe(share="Post the analysis for everyone (default: only you see it)")
    async def analyze(self, interaction: discord.Interaction, share: bool = False) -> None:
        """Paste lyrics to see their rhyme scheme, syllables, stress, repeats and clichés."""
        await interaction.response.send_modal(AnalyzeModal(share=share))

    @lyrics.command(name="chords")
    @app_commands.describe(
        key="The key's tonic, e.g. C, F#, Bb",
        mode="Major, minor or a church mode",
        mood="The feel the progression should have",
        sections="Optional sections in order, e.g. verse, chorus, verse, chorus, bridge",
        variation="Pick another set of progressions for the same mood (any number)",
        tempo="Tempo of the MIDI file in BPM (default 90)",
        sevenths="Use seventh chords",
    )
    @app_commands.choices(
        mode=[app_commands.Choice(name=m, value=m) for m in MODES],
        mood=[app_commands.Choice(name=m, value=m) for m in MOODS],
    )
    async def chords(
        self,
        interaction: discord.Interaction,
        key: app_commands.Range[str, 1, CHORD_KEY_LIMIT],
        mode: str,
        mood: str,
        sections: app_commands.Range[str, 1, CHORD_SECTIONS_LIMIT] | None = None,
        variation: app_commands.Range[int, 0, 9999] | None = None,
        tempo: app_commands.Range[int, 40, 240] = 90,
        sevenths: bool = False,
    ) -> None:
        """Build a chord progression by music theory: Roman numerals, a score, a preview, MIDI."""
        # Built (and validated) before acknowledging: bad input gets a private reply.
        sheet = await self.service.chords(
            key=key,
            mode=mode,
            mood=mood,
            sections=sections,
            variation=variation,
            tempo=tempo,
            sevenths=sevenths,
        )
        await defer_thinking(interaction)
        media = await self.service.chord_media(sheet)  # engraving and synthesis, off the loop
        interaction.extras["answered"] = True
        await interaction.edit_original_response(
            content="",
            embed=chords_embed(sheet, media),
            attachments=chords_files(sheet, media),
            allowed_mentions=NO_PINGS,
        )

    @lyrics.command(name="melody")
    @generation_limited()
    @app_commands.describe(
        draft="One of your saved drafts (its number or title)",
        lines=f"Or paste lines: / between lines, // between sections, [Chorus] labels "
        f"(up to {LINES_LIMIT} characters)",
        key="The key's tonic, e.g. C, F#, Bb (default C)",
        mode="Major or minor (default major)",
        tempo=f"Beats per minute, {MIN_TEMPO}-{MAX_TEMPO} (default 90)",
        voice="Who sings it: a preset range, or custom with low and high",
        low=f"Custom voice: lowest note as a MIDI number (60 = C4), {MIDI_LOWEST}-{MIDI_HIGHEST}",
        high=f"Custom voice: highest note as a MIDI number, {MIDI_LOWEST}-{MIDI_HIGHEST}",
        progression="Optional chords as Roman numerals or degrees, e.g. I-V-vi-IV",
    )
    @app_commands.choices(
        mode=[app_commands.Choice(name=m, value=m) for m in ("major", "minor")],
        voice=[app_commands.Choice(name=v, value=v) for v in (*VOICES, "custom")],
    )
    async def melody(
        self,
        interaction: discord.Interaction,
        draft: app_commands.Range[str, 1, DRAFT_REF_LIMIT] | None = None,
        lines: app_commands.Range[str, 1, LINES_LIMIT] | None = None,
        key: app_commands.Range[str, 1, CHORD_KEY_LIMIT] = "C",
        mode: str = "major",
        tempo: app_commands.Range[int, MIN_TEMPO, MAX_TEMPO] = 90,
        voice: str = "soprano",
        low: app_commands.Range[int, MIDI_LOWEST, MIDI_HIGHEST] | None = None,
        high: app_commands.Range[int, MIDI_LOWEST, MIDI_HIGHEST] | None = None,
        progression: app_commands.Range[str, 1, PROGRESSION_LIMIT] | None = None,
    ) -> None:
        """Compose a melody for a lyric: score, audio preview, MusicXML and MIDI."""
        # Everything is checked before acknowledging: bad input gets a private reply.
        if (draft is None) == (lines is None):
            raise UserInputError(
                _("Give either `draft` (one of your saved drafts) or `lines` (pasted lyrics).")
            )
        params = melody_params(
            key=key, mode=mode, tempo=tempo, voice=voice, low=low, high=high,
            progression=progression,
        )  # fmt: skip
        guild_id, user_id = interaction.guild_id or 0, interaction.user.id
        if draft is not None:
            source = await self.melodies.draft_source(draft, guild_id, user_id)
        else:
            sections = parse_lyric(lines or "")
            source = LyricSource(sections[0].lines[0][:80], sections)
        await defer_thinking(interaction)
        async with self.bot.track_generation(interaction):
            composed = await self.melodies.compose(
                source, params, guild_id=guild_id, user_id=user_id
            )
        interaction.extras["answered"] = True
        await show_melody(interaction, composed)

    @melody.autocomplete("draft")
    async def _draft_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        found = await self.melodies.draft_choices(
            interaction.guild_id or 0, interaction.user.id, current
        )
        return [app_commands.Choice(name=name, value=value) for name, value in found]

    @melody.autocomplete("key")
    @chords.autocomplete("key")
    async def _key_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        text = current.strip().lower()
        return [app_commands.Choice(name=k, value=k) for k in _KEYS if k.lower().startswith(text)][
            :25
        ]
