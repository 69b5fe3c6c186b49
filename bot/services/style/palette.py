"""Rendering a colour palette as a PNG (Pillow), for /inspire. CPU work: call it in a thread."""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image, ImageDraw, ImageFont

__all__ = ["render_palette"]

SWATCH = 160
LABEL = 44


def _rgb(hex_code: str) -> tuple[int, int, int]:
    return int(hex_code[1:3], 16), int(hex_code[3:5], 16), int(hex_code[5:7], 16)


def render_palette(colours: Sequence[str]) -> bytes:
    """A strip of swatches, each labelled with its hex code; returns PNG bytes."""
    if not colours:
        raise ValueError("a palette needs at least one colour")
    width = SWATCH * len(colours)
    image = Image.new("RGB", (width, SWATCH + LABEL), (250, 250, 247))
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=20)
    for index, colour in enumerate(colours):
        left = index * SWATCH
        draw.rectangle((left, 0, left + SWATCH - 1, SWATCH - 1), fill=_rgb(colour))
        box = draw.textbbox((0, 0), colour, font=font)
        text_x = left + (SWATCH - (box[2] - box[0])) // 2
        draw.text((text_x, SWATCH + 10), colour, fill=(40, 40, 40), font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
