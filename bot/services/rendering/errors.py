"""The one error rendering raises."""

from __future__ import annotations

__all__ = ["RenderError"]


class RenderError(RuntimeError):
    """A score or a MIDI file that could not be turned into an image or a sound.

    Not a member's mistake (Muse writes the MusicXML and the MIDI itself): callers log it and
    send what they have without the rendering."""
