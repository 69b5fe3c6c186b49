"""A composed melody on Discord: its embed (the score image inside it when there is one), its
files within the upload limit, and the buttons under it: another melody, transpose up or
down, slower or faster.

Each button is a ``RecordButton`` whose custom id carries the stored melody's id, so it works
after a restart; the service checks that the member pressing it asked for the melody before
changing anything, and composes the new version off the event loop.
"""

from __future__ import annotations

import io
import re
from collections.abc import Awaitable, Callable
from typing import Any, cast

import discord

from bot.discord_io import EMBED_DESCRIPTION_LIMIT, NO_PINGS, MuseInteraction, RecordButton, shorten
from bot.i18n import N_, LazyString, _, ngettext
from bot.services.markdown import escape_markdown
from bot.services.melody import ComposedMelody, MelodyService, note_name

__all__ = [
    "MELODY_ITEMS",
    "SCORE_NAME",
    "UPLOAD_LIMIT",
    "AnotherMelodyButton",
    "FasterButton",
    "SlowerButton",
    "TransposeDownButton",
    "TransposeUpButton",
    "melody_embed",
    "melody_files",
    "melody_view",
    "show_melody",
]


_COLOUR = discord.Colour.blurple()
SCORE_NAME = "score.png"
_FIELD_LIMIT = 1024
#: What one message may upload (Discord's smallest per-server limit, less room for the JSON).
UPLOAD_LIMIT = 8 * 1024 * 1024 - 64 * 1024
_SLUG = re.compile(r"[^a-z0-9]+")
_VOICES = {
    "soprano": N_("Soprano"),
    "alto": N_("Alto"),
    "tenor": N_("Tenor"),
    "bass": N_("Bass"),
}
_MODES = {"major": N_("major"), "minor": N_("minor")}
_CONTOURS = {
    "arch": N_("arch"),
    "rising": N_("rising"),
    "falling": N_("falling"),
    "wave": N_("wave"),
    "valley": N_("valley"),
}
_FEELS = {"even": N_("even"), "dotted": N_("dotted"), "spacious": N_("spacious")}


def _word(table: dict[str, Any], key: str) -> str:
    """A fixed word shown in the member's language; an unknown one as it is."""
    known = table.get(key)
    return str(known) if known is not None else key


def _slug(title: str) -> str:
    return _SLUG.sub("-", title.lower()).strip("-")[:40] or "melody"


def _uploads(composed: ComposedMelody) -> tuple[bool, bool]:
    """Whether the score image and the audio fit beside the MusicXML and MIDI (which always
    go): the image first, then the audio, while the message stays under ``UPLOAD_LIMIT``."""
    files = composed.files
    used = len(files.musicxml.encode("utf-8")) + len(files.midi)
    png = bool(files.score_png) and used + len(files.score_png or b"") <= UPLOAD_LIMIT
    used += len(files.score_png or b"") if png else 0
    audio = (
        bool(files.audio and files.audio_name) and used + len(files.audio or b"") <= UPLOAD_LIMIT
    )
    return png, audio


def melody_embed(composed: ComposedMelody) -> discord.Embed:
    record, melody, stats = composed.record, composed.melody, composed.stats
    p = record.params
    voice = _("Custom voice") if p.voice == "custom" else _word(_VOICES, p.voice)
    lines = [
        _(
            "**{key} {mode}** · {tempo} BPM · 4/4 · {voice} ({low}–{high}) · seed {seed}",
            key=p.key,
            mode=_word(_MODES, p.mode),
            tempo=p.tempo,
            voice=voice,
            low=note_name(p.low),
            high=note_name(p.high),
            seed=record.seed,
        ),
        _shape(composed),
        ngettext(
            "{n} note, one per syllable · {bars}",
            "{n} notes, one per syllable · {bars}",
            stats.notes,
            bars=ngettext("{n} bar", "{n} bars", melody.bars),
        ),
    ]
    embed = discord.Embed(
        title=shorten(f"🎼 {escape_markdown(record.title)}", 256),
        description=shorten("\n".join(lines), EMBED_DESCRIPTION_LIMIT),
        colour=_COLOUR,
    )
    seen: set[str] = set()
    for section, (first, count) in zip(melody.sections, melody.section_bars, strict=True):
        if section.identity in seen or len(embed.fields) >= 10:
            continue
        seen.add(section.identity)
        chords = " · ".join(f"`{c.name}`" for c in melody.chords[first : first + count])
        embed.add_field(
            name=shorten(escape_markdown(section.label), 256),
            value=shorten(chords, _FIELD_LIMIT),
            inline=False,
        )
    png, audio = _uploads(composed)
    if png:
        embed.set_image(url=f"attachment://{SCORE_NAME}")
    if composed.files.audio and not audio:
        lines.append(_("The audio preview is too large to upload; play the MIDI file instead."))
        embed.description = shorten("\n".join(lines), EMBED_DESCRIPTION_LIMIT)
    embed.set_footer(
        text=_(
            "Stressed syllables on beats 1 and 3: {stressed} · chord tones there: {chord_tones} "
            "· moves by step: {stepwise}",
            stressed=format(stats.stressed_on_strong, ".0%"),
            chord_tones=format(stats.chord_tones_on_strong, ".0%"),
            stepwise=format(stats.stepwise, ".0%"),
        )
    )
    return embed


def _shape(composed: ComposedMelody) -> str:
    shape = composed.record.proposal
    values = {"contour": _word(_CONTOURS, shape.contour), "feel": _word(_FEELS, shape.feel)}
    model = shape.source == "model"
    if shape.chorus_lift:
        if model:
            return _(
                "Shape: {contour}, {feel} rhythm, the chorus lifted (the model's idea)", **values
            )
        return _("Shape: {contour}, {feel} rhythm, the chorus lifted", **values)
    if model:
        return _("Shape: {contour}, {feel} rhythm (the model's idea)", **values)
    return _("Shape: {contour}, {feel} rhythm", **values)


def melody_files(composed: ComposedMelody) -> list[discord.File]:
    files = composed.files
    stem = _slug(composed.record.title)
    png, audio = _uploads(composed)
    out = []
    if png and files.score_png:
        out.append(discord.File(io.BytesIO(files.score_png), SCORE_NAME))
    if audio and files.audio and files.audio_name:
        out.append(discord.File(io.BytesIO(files.audio), files.audio_name[:100]))
    out.append(discord.File(io.BytesIO(files.musicxml.encode("utf-8")), f"{stem}.musicxml"))
    out.append(discord.File(io.BytesIO(files.midi), f"{stem}.mid"))
    return out


def _service(interaction: discord.Interaction[Any]) -> MelodyService:
    return cast("MuseInteraction", interaction).client.services.melody


def melody_view(melody_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(AnotherMelodyButton(melody_id))
    view.add_item(TransposeDownButton(melody_id))
    view.add_item(TransposeUpButton(melody_id))
    view.add_item(SlowerButton(melody_id))
    view.add_item(FasterButton(melody_id))
    return view


async def show_melody(
    interaction: discord.Interaction[Any], composed: ComposedMelody, *, status: str | None = None
) -> None:
    """Put the melody, its files and its buttons on the (deferred) original response."""
    await interaction.edit_original_response(
        content=status or "",
        embed=melody_embed(composed),
        attachments=melody_files(composed),
        view=melody_view(composed.record.id),
        allowed_mentions=NO_PINGS,
    )


async def _change(
    button: RecordButton,
    interaction: MuseInteraction,
    change: Callable[[MelodyService, int, int], Awaitable[ComposedMelody]],
    status: LazyString,
) -> None:
    service = _service(interaction)
    await service.owned(button.record_id, interaction.user.id)  # refused before anything changes
    await interaction.response.defer()
    composed = await change(service, button.record_id, interaction.user.id)
    await show_melody(interaction, composed, status=str(status))


class AnotherMelodyButton(RecordButton, prefix="muse:melody:again"):
    def __init__(self, melody_id: int) -> None:
        super().__init__(
            melody_id, label=_("Another melody"), emoji="🎲", style=discord.ButtonStyle.primary
        )

    async def run(self, interaction: MuseInteraction) -> None:
        await _change(self, interaction, lambda s, m, u: s.another(m, u), N_("🎲 A new melody."))


class TransposeDownButton(RecordButton, prefix="muse:melody:down"):
    def __init__(self, melody_id: int) -> None:
        super().__init__(melody_id, label=_("Down"), emoji="⬇️")

    async def run(self, interaction: MuseInteraction) -> None:
        await _change(
            self, interaction, lambda s, m, u: s.transpose(m, u, -1), N_("⬇️ Down a semitone.")
        )


class TransposeUpButton(RecordButton, prefix="muse:melody:up"):
    def __init__(self, melody_id: int) -> None:
        super().__init__(melody_id, label=_("Up"), emoji="⬆️")

    async def run(self, interaction: MuseInteraction) -> None:
        await _change(
            self, interaction, lambda s, m, u: s.transpose(m, u, 1), N_("⬆️ Up a semitone.")
        )


class SlowerButton(RecordButton, prefix="muse:melody:slower"):
    def __init__(self, melody_id: int) -> None:
        super().__init__(melody_id, label=_("Slower"), emoji="🐢")

    async def run(self, interaction: MuseInteraction) -> None:
        await _change(
            self, interaction, lambda s, m, u: s.change_tempo(m, u, faster=False), N_("🐢 Slower.")
        )


class FasterButton(RecordButton, prefix="muse:melody:faster"):
    def __init__(self, melody_id: int) -> None:
        super().__init__(melody_id, label=_("Faster"), emoji="🐇")

    async def run(self, interaction: MuseInteraction) -> None:
        await _change(
            self, interaction, lambda s, m, u: s.change_tempo(m, u, faster=True), N_("🐇 Faster.")
        )


MELODY_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    AnotherMelodyButton,
    TransposeDownButton,
    TransposeUpButton,
    SlowerButton,
    FasterButton,
)
