"""The chord sheet of /lyrics chords: the progression by section, its score and its files."""

from __future__ import annotations

import io

import discord

from bot.discord_io import EMBED_DESCRIPTION_LIMIT
from bot.i18n import _
from bot.services.chords import Progression
from bot.services.chords.names import choice_name, shown_name
from bot.services.lyrics import SCORE_FILENAME, ChordMedia, ChordSheet

__all__ = ["chords_embed", "chords_files"]

DESCRIPTION_LIMIT = EMBED_DESCRIPTION_LIMIT
INFO_COLOUR = discord.Colour.blurple()


def _section_labels(progression: Progression) -> dict[str, str]:
    labels: dict[str, str] = {}
    for piece in progression.label.split(" / "):
        name, _sep, label = piece.partition(": ")
        if label:
            labels[name] = shown_name(label)
    return labels


def chords_embed(sheet: ChordSheet, media: ChordMedia | None = None) -> discord.Embed:
    """The progression by section with Roman numerals; with ``media``, the engraved score as
    the embed's image and the preview's length in the footer."""
    p = sheet.progression
    title = _(
        "{key} {mode} · {mood}", key=p.key, mode=choice_name(p.mode), mood=choice_name(p.mood)
    )
    embed = discord.Embed(title=title, colour=INFO_COLOUR)
    chords = p.chords

    def row(start: int, length: int) -> str:
        part = chords[start : start + length]
        names = " ".join(f"`{c.name}`" for c in part)
        numerals = " ".join(f"`{c.roman}`" for c in part)
        return f"{names}\n{numerals}"

    if p.sections:
        labels = _section_labels(p)
        shown: set[str] = set()
        for section in p.sections:
            if section.name in shown:
                continue
            shown.add(section.name)
            embed.add_field(
                name=f"{section.name.title()} — {labels.get(section.name, '')}".rstrip(" —")[:256],
                value=row(section.start, section.length),
                inline=False,
            )
        order = " → ".join(s.name.title() for s in p.sections)
        embed.description = _("**Song order:** {order}", order=order)[:DESCRIPTION_LIMIT]
    else:
        embed.description = f"**{shown_name(p.label).capitalize()}**\n{row(0, len(chords))}"
    if sheet.seed is not None:
        footer = _(
            "progression.mid: {tempo} BPM, one chord per bar, piano and bass · variation {seed}",
            tempo=sheet.tempo,
            seed=sheet.seed,
        )
    else:
        footer = _(
            "progression.mid: {tempo} BPM, one chord per bar, piano and bass", tempo=sheet.tempo
        )
    if media is not None:
        if media.score_png is not None:
            embed.set_image(url=f"attachment://{SCORE_FILENAME}")
        else:
            footer += "\n" + _("The score image could not be drawn this time.")
        if media.audio is not None:
            seconds = f"{media.audio.duration_s:.0f}"
            name = media.audio.filename
            footer += "\n" + (
                _("{file}: {seconds} s preview (the first part)", file=name, seconds=seconds)
                if media.audio.truncated
                else _("{file}: {seconds} s preview", file=name, seconds=seconds)
            )
        else:
            footer += "\n" + _("The audio preview could not be played this time.")
    embed.set_footer(text=footer)
    return embed


def chords_files(sheet: ChordSheet, media: ChordMedia) -> list[discord.File]:
    """The attachments of a chord sheet: the score image, the audio preview and the MIDI file
    (whichever rendered; the MIDI file always)."""
    files = []
    if media.score_png is not None:
        files.append(discord.File(io.BytesIO(media.score_png), SCORE_FILENAME))
    if media.audio is not None:
        files.append(discord.File(io.BytesIO(media.audio.data), media.audio.filename))
    files.append(discord.File(io.BytesIO(sheet.midi), "progression.mid"))
    return files
