"""The fonts the engraved score's text is drawn with, as verovio ships them.

Verovio lays lyrics, chord symbols and titles out with Liberation Serif's metrics, and draws the
sharps and flats inside chord symbols with its music font's text face (Leipzig). It ships both
(WOFF2 faces inside ``data/Liberation.css`` and ``data/Leipzig.css``). The SVG rasteriser reads
TrueType, not WOFF2, so the faces are decoded once per process into a private temporary folder.
Using the fonts the layout was measured with keeps lyrics spaced as verovio intended, and means a
machine with no fonts installed at all still draws every word and accidental.

Liberation Serif has no Chinese, Japanese or Korean characters, and verovio ships no face that
does. For CJK lyrics the rasteriser falls back, character by character, to one system CJK face:
AR PL UMing (Debian's ``fonts-arphic-uming``, a Ming/Song serif that sits well beside Liberation
Serif), else Noto Serif CJK (``fonts-noto-cjk``). ``make test`` and the container install the
first. Without either, CJK lyrics are left out of the picture (blank, not boxes); the rest is
drawn as before.
"""

from __future__ import annotations

import atexit
import base64
import io
import os
import re
import shutil
import tempfile
import threading
from pathlib import Path

from fontTools.ttLib import TTFont

__all__ = ["CJK_FONT_FILES", "TEXT_FAMILY", "cjk_font_files", "text_font_files"]

#: The family name inside the decoded faces (what the rasteriser is told to use for serif text).
TEXT_FAMILY = "Liberation Serif"

_FACE = re.compile(r"base64,([A-Za-z0-9+/=\s]+)\)\s*format\(\s*['\"]?woff2")
_lock = threading.Lock()
_files: tuple[str, ...] | None = None


_SHIPPED = ("Liberation", "Leipzig")  # verovio's text font, then its music font's text face

#: Where Debian installs the CJK faces the score falls back to, in order of preference.
CJK_FONT_FILES = (
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
)


def cjk_font_files() -> tuple[str, ...]:
    """The CJK fallback face that is installed (``MUSE_CJK_FONT`` names another), or ()."""
    override = os.environ.get("MUSE_CJK_FONT")
    candidates = (override, *CJK_FONT_FILES) if override else CJK_FONT_FILES
    return next(((path,) for path in candidates if Path(path).is_file()), ())


def _verovio_css(name: str) -> Path:
    import verovio

    return Path(verovio.__file__).parent / "data" / f"{name}.css"


def _decode(name: str, css: str, folder: Path) -> list[str]:
    paths = []
    for index, blob in enumerate(_FACE.findall(css)):
        font = TTFont(io.BytesIO(base64.b64decode("".join(blob.split()))))
        font.flavor = None  # WOFF2 -> plain TrueType
        path = folder / f"{name.lower()}-{index}.ttf"
        font.save(str(path))
        paths.append(str(path))
    return paths


def text_font_files() -> tuple[str, ...]:
    """Paths of the TrueType faces (Liberation Serif's four, then Leipzig's text face), decoded
    on first use (thread-safe).

    Raises ``OSError`` if verovio's font data is missing and ``ValueError`` if a file of it
    holds no face: the caller turns either into a rendering error."""
    global _files
    with _lock:
        if _files is None:
            folder = Path(tempfile.mkdtemp(prefix="muse-fonts-"))
            atexit.register(shutil.rmtree, folder, True)
            files: list[str] = []
            for name in _SHIPPED:
                decoded = _decode(name, _verovio_css(name).read_text(encoding="utf-8"), folder)
                if not decoded:
                    raise ValueError(f"verovio's {name}.css holds no WOFF2 face")
                files += decoded
            _files = tuple(files)
        return _files
