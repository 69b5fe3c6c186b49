"""Engrave MusicXML into a PNG lead sheet: verovio lays the score out as SVG, resvg rasterises it.

Layout: the whole score is one tall page (verovio breaks systems to the page width, and the page
is cut to the content), so a short song is one compact image with every system in it. A
score too long for verovio's tallest page keeps its first page only. The image has a white
background and is kept under ``MAX_PNG_BYTES`` by drawing it smaller when it would not fit.

Music glyphs come out of verovio as paths; the text (lyrics, chord symbols, title) is drawn with
the fonts verovio ships (see :mod:`.fonts`), never the machine's, so the picture is the same on
every machine; only CJK characters, which those fonts lack, fall back to an installed CJK face.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import resvg_py
import verovio

from .errors import RenderError
from .fonts import TEXT_FAMILY, cjk_font_files, text_font_files

__all__ = ["DEFAULT_WIDTH_PX", "MAX_PNG_BYTES", "MAX_WIDTH_PX", "MIN_WIDTH_PX", "render_score_png"]

DEFAULT_WIDTH_PX = 1000
MIN_WIDTH_PX = 300
MAX_WIDTH_PX = 2400
#: Well under Discord's upload limit, so an image never pushes a reply over it.
MAX_PNG_BYTES = 1024 * 1024
#: Longest MusicXML document accepted (a song of a few hundred bars is far smaller).
MAX_MUSICXML_CHARS = 2_000_000

_SCALE = 50  # verovio's zoom in percent: at 50 a staff is about 40 px tall
_PAGE_HEIGHT = 60_000  # verovio's largest page: every system of a song fits on it
_MARGIN = 40
_ZERO_SIZE = re.compile(r' font-size="0px"')
_WIDTH = re.compile(r'<svg\b[^>]*?\bwidth="(\d+(?:\.\d+)?)px"')
_VEROVIO_DATA = str(Path(verovio.__file__).parent / "data")


def _toolkit() -> verovio.toolkit:
    """A fresh verovio toolkit. Verovio keeps its resource path and log level per thread and
    the package sets them only for the thread that imports it, so a worker thread sets them
    itself (without the path, loading fails)."""
    verovio.enableLog(verovio.LOG_OFF)
    verovio.setDefaultResourcePath(_VEROVIO_DATA)
    return verovio.toolkit()


def _engrave(musicxml: str, width_px: int) -> str:
    toolkit = _toolkit()
    toolkit.setOptions(
        {
            "scale": _SCALE,
            "pageWidth": width_px * 100 // _SCALE,
            "pageHeight": _PAGE_HEIGHT,
            "adjustPageHeight": True,
            "adjustPageWidth": True,
            "pageMarginLeft": _MARGIN,
            "pageMarginRight": _MARGIN,
            "pageMarginTop": _MARGIN,
            "pageMarginBottom": _MARGIN,
            "breaks": "auto",
            "header": "auto",
            "footer": "none",
            "svgFormatRaw": True,
            "inputFrom": "musicxml",
        }
    )
    if not toolkit.loadData(musicxml) or toolkit.getPageCount() < 1:
        raise RenderError("verovio could not read the MusicXML")
    svg = toolkit.renderToSVG(1)
    if "<svg" not in svg:
        raise RenderError("verovio drew no page")
    # Verovio wraps each text run in a zero-size <text> whose <tspan>s carry the real size;
    # resvg then lays the run out at size zero. Dropping the zero lets the tspans' sizes rule.
    return _ZERO_SIZE.sub("", svg)


def _check_root(musicxml: str) -> None:
    """Refuse anything but a MusicXML score: verovio would draw an empty page for other XML.
    (Entity expansion is bounded by expat, and no external DTD is fetched.)"""
    try:
        root = ET.fromstring(musicxml.encode("utf-8"))
    except ET.ParseError as exc:
        raise RenderError(f"the MusicXML is not well-formed XML: {exc}") from exc
    if root.tag not in ("score-partwise", "score-timewise"):
        raise RenderError(f"<{root.tag}> is not a MusicXML score")


def _rasterise(svg: str, zoom: float) -> bytes:
    try:
        png = resvg_py.svg_to_bytes(
            svg_string=svg,
            background="white",
            zoom=zoom,
            skip_system_fonts=True,
            font_files=[*text_font_files(), *cjk_font_files()],
            font_family=TEXT_FAMILY,
            serif_family=TEXT_FAMILY,
        )
    except (ValueError, OSError) as exc:
        raise RenderError(f"the engraved score could not be drawn: {exc}") from exc
    return bytes(png)


def render_score_png(musicxml: str, *, width_px: int = DEFAULT_WIDTH_PX) -> bytes:
    """A PNG of the score in ``musicxml`` (MusicXML 3 or 4, partwise): notes, lyrics under
    them, chord symbols above, the title on top; at most ``width_px`` wide (narrower when a
    short score needs less; the height follows the music), white background, at most
    ``MAX_PNG_BYTES``.

    CPU-bound and synchronous (tens to hundreds of milliseconds): from the event loop call
    :func:`render_score_png_async` or ``asyncio.to_thread``. Raises :class:`RenderError` when
    the MusicXML can't be read or drawn."""
    if not MIN_WIDTH_PX <= width_px <= MAX_WIDTH_PX:
        raise ValueError(f"width_px must be between {MIN_WIDTH_PX} and {MAX_WIDTH_PX}")
    if not musicxml.strip():
        raise RenderError("the MusicXML is empty")
    if len(musicxml) > MAX_MUSICXML_CHARS:
        raise RenderError("the MusicXML is too long to engrave")
    _check_root(musicxml)
    svg = _engrave(musicxml, width_px)
    drawn = _WIDTH.search(svg)
    # Verovio may overshoot the page width by a few pixels when it fits the page to the music.
    zoom = min(1.0, width_px / float(drawn.group(1))) if drawn else 1.0
    png = _rasterise(svg, zoom)
    while len(png) > MAX_PNG_BYTES and zoom > 0.3:
        zoom *= 0.7
        png = _rasterise(svg, zoom)
    if len(png) > MAX_PNG_BYTES:
        raise RenderError("the score is too large to send as an image")
    return png
