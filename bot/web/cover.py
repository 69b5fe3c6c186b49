"""A story's cover: its title set over a palette derived from its genre (Pillow).

Pure CPU work: call :func:`render_cover` through ``asyncio.to_thread``. The same title and genre
always give the same image. Known genre words pick a mood of colours; any other genre gets a
harmony seeded by its text, so every story has a cover.
"""

from __future__ import annotations

import colorsys
import hashlib
import io
import textwrap

from PIL import Image, ImageDraw, ImageFont

from bot.services.text import printable

__all__ = ["COVER_SIZE", "genre_palette", "render_cover"]

COVER_SIZE = (480, 720)

# Hue (0-1) and lightness of the background for genre words, checked in order.
_GENRE_HUES: tuple[tuple[str, float, float], ...] = (
    ("horror", 0.0, 0.18),
    ("mystery", 0.67, 0.22),
    ("noir", 0.6, 0.15),
    ("thriller", 0.98, 0.25),
    ("fantasy", 0.75, 0.3),
    ("fairy", 0.85, 0.45),
    ("romance", 0.95, 0.45),
    ("science", 0.53, 0.25),
    ("sci-fi", 0.53, 0.25),
    ("space", 0.62, 0.16),
    ("adventure", 0.08, 0.35),
    ("western", 0.07, 0.3),
    ("comedy", 0.13, 0.5),
    ("sea", 0.55, 0.3),
    ("nature", 0.3, 0.28),
    ("history", 0.1, 0.28),
    ("poetry", 0.8, 0.35),
)


def _hex(hue: float, light: float, sat: float) -> tuple[int, int, int]:
    r, g, b = colorsys.hls_to_rgb(hue % 1.0, max(0.0, min(1.0, light)), sat)
    return round(r * 255), round(g * 255), round(b * 255)


def genre_palette(genre: str) -> list[tuple[int, int, int]]:
    """Three colours: the background's top and bottom, and an accent."""
    words = genre.casefold()
    digest = hashlib.sha256(words.encode("utf-8")).digest()
    hue, light = next(
        ((h, li) for word, h, li in _GENRE_HUES if word in words),
        (digest[0] / 255.0, 0.25 + digest[1] / 255.0 * 0.2),
    )
    return [
        _hex(hue, light + 0.12, 0.5),
        _hex(hue + 0.04, light - 0.08, 0.55),
        _hex(hue + 0.5, 0.75, 0.6),
    ]


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        c = value / 255.0
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def render_cover(title: str, genre: str) -> bytes:
    """The cover as PNG bytes."""
    width, height = COVER_SIZE
    top, bottom, accent = genre_palette(genre)
    image = Image.new("RGB", COVER_SIZE, top)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / (height - 1)
        colour = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line((0, y, width, y), fill=colour)
    draw.rectangle((36, 36, width - 37, height - 37), outline=accent, width=3)
    dark = max(_luminance(top), _luminance(bottom)) < 0.35
    ink = (250, 248, 240) if dark else (20, 20, 28)
    clean_title = " ".join(printable(title, multiline=False).split())[:120] or "Untitled story"
    clean_genre = " ".join(printable(genre, multiline=False).split())[:40]
    title_font = ImageFont.load_default(size=44)
    small = ImageFont.load_default(size=22)
    lines = textwrap.wrap(clean_title, width=16)[:6]
    y = height // 3 - len(lines) * 26
    for line in lines:
        box = draw.textbbox((0, 0), line, font=title_font)
        draw.text(((width - (box[2] - box[0])) // 2, y), line, fill=ink, font=title_font)
        y += 56
    box = draw.textbbox((0, 0), clean_genre, font=small)
    draw.text(
        ((width - (box[2] - box[0])) // 2, height - 110), clean_genre, fill=accent, font=small
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
