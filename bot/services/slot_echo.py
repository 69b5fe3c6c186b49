"""Keeping the prompt's slot markers out of what members read.

Member text reaches the model between ``<<<`` and ``>>>`` (see ``models.prompts.user_slot``).
A small model sometimes writes a slot back (``<<<rain>>`` as the first line of a poem). The
filter drops a line that opens with such a marker and removes marker runs (two or more angle
brackets in a row) anywhere else, while the reply streams: it holds back only the few
characters that might still turn out to be a marker.
"""

from __future__ import annotations

import re

__all__ = ["SlotEchoFilter"]

_RUNS = re.compile(r"[<>]{2,}")  # maximal, so removing one never joins two others
_BRACKETS = "<>"


class SlotEchoFilter:
    """Feed streamed text, get back what may be shown; call :meth:`finish` at the end."""

    def __init__(self) -> None:
        self._pending = ""
        self._line_start = True
        self._dropping = False

    def feed(self, text: str) -> str:
        self._pending += text
        out: list[str] = []
        while self._pending:
            if self._dropping:
                newline = self._pending.find("\n")
                if newline < 0:
                    self._pending = ""
                    break
                self._pending = self._pending[newline + 1 :]
                self._dropping, self._line_start = False, True
                continue
            if self._line_start:
                head = self._pending.lstrip(" \t")
                if head.startswith("<<"):
                    self._dropping = True
                    continue
                if head in ("", "<"):
                    break  # can't tell yet
                self._line_start = False
            newline = self._pending.find("\n")
            if newline >= 0:
                out.append(_RUNS.sub("", self._pending[: newline + 1]))
                self._pending = self._pending[newline + 1 :]
                self._line_start = True
                continue
            # Hold back a trailing bracket run: the next piece may extend it into a marker.
            cut = len(self._pending.rstrip(_BRACKETS))
            out.append(_RUNS.sub("", self._pending[:cut]))
            self._pending = self._pending[cut:]
            break
        return "".join(out)

    def finish(self) -> str:
        rest, self._pending = self._pending, ""
        if self._dropping or (self._line_start and rest.lstrip(" \t").startswith("<<")):
            return ""
        return _RUNS.sub("", rest)
