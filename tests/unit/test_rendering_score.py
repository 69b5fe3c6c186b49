"""Engraving MusicXML into a PNG: it decodes, has sensible dimensions, shows the music and its
text (with no system fonts), stays small, and works on a worker thread."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Sequence

import pytest
from fontTools.ttLib import TTFont
from PIL import Image

from bot.services.chords import build_progression, progression_to_musicxml
from bot.services.melody.syllabify import line_syllables_of
from bot.services.rendering import (
    MAX_PNG_BYTES,
    RenderError,
    render_score_png,
    render_score_png_async,
)
from bot.services.rendering.fonts import TEXT_FAMILY, cjk_font_files, text_font_files


def song(notes: Sequence[tuple[str, int, str]], *, harmony: bool = True) -> str:
    """A one-part MusicXML song: (pitch step, beats, lyric syllable or "") per note."""
    body = []
    for step, beats, syllable in notes:
        chord = (
            f"<harmony><root><root-step>{step}</root-step></root><kind>major</kind></harmony>"
            if harmony
            else ""
        )
        lyric = (
            f"<lyric><syllabic>single</syllabic><text>{syllable}</text></lyric>" if syllable else ""
        )
        kind = {1: "quarter", 2: "half", 4: "whole"}[beats]
        body.append(
            f"{chord}<note><pitch><step>{step}</step><octave>4</octave></pitch>"
            f"<duration>{beats}</duration><type>{kind}</type>{lyric}</note>"
        )
    measures, current, filled = [], [], 0
    for item, (_, beats, _) in zip(body, notes, strict=True):
        current.append(item)
        filled += beats
        if filled == 4:
            measures.append("".join(current))
            current, filled = [], 0
    attributes = (
        "<attributes><divisions>1</divisions><key><fifths>0</fifths></key>"
        "<time><beats>4</beats><beat-type>4</beat-type></time>"
        "<clef><sign>G</sign><line>2</line></clef></attributes>"
    )
    bars = "".join(
        f'<measure number="{i + 1}">{attributes if i == 0 else ""}{m}</measure>'
        for i, m in enumerate(measures)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><score-partwise version="4.0">'
        '<part-list><score-part id="P1"><part-name>Voice</part-name></score-part></part-list>'
        f'<part id="P1">{bars}</part></score-partwise>'
    )


MELODY = [("E", 1, "The"), ("G", 1, "ci"), ("A", 2, "ty"), ("F", 4, "burns")] * 4


def decode(png: bytes) -> Image.Image:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    image.load()
    return image.convert("L")


def dark_pixels(image: Image.Image) -> int:
    return sum(image.histogram()[:128])


def test_a_song_engraves_to_a_sensible_png() -> None:
    png = render_score_png(song(MELODY), width_px=1000)
    image = decode(png)
    width, height = image.size
    assert 300 <= width <= 1000 and 80 <= height <= 2000
    assert image.getpixel((0, 0)) == 255 and image.getpixel((width - 1, height - 1)) == 255
    dark = dark_pixels(image)
    assert 0.005 < dark / (width * height) < 0.5  # there is ink, on a white page
    assert len(png) < MAX_PNG_BYTES


def test_lyrics_and_chord_symbols_are_drawn() -> None:
    plain = decode(render_score_png(song([(s, b, "") for s, b, _ in MELODY], harmony=False)))
    worded = decode(render_score_png(song(MELODY)))
    # The same notes with text under and over them: the text adds ink (it would not if the
    # rasteriser found no font) and room for the text lines.
    assert dark_pixels(worded) > dark_pixels(plain) * 1.15
    assert worded.size[1] > plain.size[1]


def test_the_text_fonts_come_from_verovio_not_the_machine() -> None:
    files = text_font_files()
    families = {TTFont(path)["name"].getDebugName(1) for path in files}
    assert families == {TEXT_FAMILY, "Leipzig"}
    assert text_font_files() is files  # decoded once per process


def test_a_narrower_width_gives_a_narrower_image_and_long_scores_stay_small() -> None:
    narrow = decode(render_score_png(song(MELODY), width_px=400))
    assert narrow.size[0] <= 400
    long_song = build_progression(
        "Db", "major", "nostalgic", ["verse", "chorus", "bridge", "outro"] * 4, sevenths=True
    )
    assert len(long_song.chords) >= 64
    png = render_score_png(progression_to_musicxml(long_song))
    image = decode(png)
    assert len(png) < MAX_PNG_BYTES and image.size[1] > image.size[0]  # systems stacked


async def test_it_renders_on_a_worker_thread() -> None:
    # verovio keeps its resource path per thread: a worker thread must set it.
    first, second = await asyncio.gather(
        render_score_png_async(song(MELODY)), render_score_png_async(song(MELODY[:4]))
    )
    assert decode(first).size[1] > 0 and decode(second).size[1] > 0


@pytest.mark.parametrize("document", ["", "   ", "<not-music/>", "not xml at all"])
def test_unreadable_musicxml_is_a_render_error(document: str) -> None:
    with pytest.raises(RenderError):
        render_score_png(document)


def test_the_width_is_bounded() -> None:
    with pytest.raises(ValueError):
        render_score_png(song(MELODY), width_px=50)


CHINESE = [("E", 1, "床"), ("G", 1, "前"), ("A", 2, "明"), ("F", 4, "月")] * 4


def test_chinese_lyrics_fall_back_to_an_installed_cjk_face() -> None:
    assert cjk_font_files(), "make test installs fonts-arphic-uming (MUSE_CJK_FONT)"
    face = TTFont(cjk_font_files()[0], fontNumber=0)
    assert ord("床") in face.getBestCmap()
    plain = decode(render_score_png(song([(s, b, "") for s, b, _ in CHINESE], harmony=False)))
    worded = decode(render_score_png(song(CHINESE, harmony=False)))
    # Liberation Serif has no Han characters: without the fallback they add no ink at all.
    assert dark_pixels(worded) > dark_pixels(plain) * 1.1


def test_a_chinese_lyric_line_is_one_note_per_character() -> None:
    syllables = line_syllables_of("床前明月光，love 你")
    assert [s.text for s in syllables] == ["床", "前", "明", "月", "光", "love", "你"]
    assert all(s.syllabic == "single" for s in syllables)
