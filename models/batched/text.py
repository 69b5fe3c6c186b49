"""Turning a sequence's sampled tokens into the text a member sees.

Two things make this more than ``bytes.decode``: a multi-byte UTF-8 character (an emoji, an accented
letter, a CJK character) is often split across tokens, and a stop string may arrive in pieces. The
assembler holds back the bytes of an unfinished character and any tail that could still become a
stop string, so streamed text never shows a replacement character or half a stop string.
"""

from __future__ import annotations

import codecs
from collections.abc import Sequence

__all__ = ["TextAssembler"]


class TextAssembler:
    """Feed token bytes in, get back the text that is safe to show; ``stopped`` once a stop hits."""

    __slots__ = ("_decoder", "_pending", "_stops", "stopped")

    def __init__(self, stops: Sequence[str] = ()) -> None:
        # An unfinished character stays inside the incremental decoder until its last byte
        # arrives; bytes that can never become valid UTF-8 are dropped rather than shown as U+FFFD.
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="ignore")
        self._stops = tuple(s for s in stops if s)
        self._pending = ""
        self.stopped = False

    def feed(self, piece: bytes) -> str:
        """Add one token's bytes; return the text that can be shown now."""
        if self.stopped:
            return ""
        self._pending += self._decoder.decode(piece)
        return self._release(final=False)

    def finish(self) -> str:
        """The generation ended: return everything still held back (up to any stop string).

        A character cut off by the end of generation (``max_tokens`` mid-emoji) is dropped.
        """
        if self.stopped:
            return ""
        self._decoder.reset()
        return self._release(final=True)

    def _release(self, *, final: bool) -> str:
        text = self._pending
        if not self._stops:
            self._pending = ""
            return text
        cut = min((i for i in (text.find(s) for s in self._stops) if i >= 0), default=-1)
        if cut >= 0:
            self.stopped = True
            self._pending = ""
            return text[:cut]
        if final:
            self._pending = ""
            return text
        hold = _longest_stop_prefix_suffix(text, self._stops)
        self._pending = text[len(text) - hold :] if hold else ""
        return text[: len(text) - hold]


def _longest_stop_prefix_suffix(text: str, stops: tuple[str, ...]) -> int:
    """Length of the longest tail of ``text`` that is the start of some stop string."""
    best = 0
    for stop in stops:
        for size in range(min(len(stop) - 1, len(text)), best, -1):
            if text.endswith(stop[:size]):
                best = size
                break
    return best
