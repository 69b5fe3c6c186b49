"""Keeping a continuation new: drop what the model copies from the piece it continues.

Small models asked to continue a piece tend to write it out again. The model is shown only the
piece's last lines, and its answer passes through :class:`NoRepeatFilter`, which lets a line
through only when it is neither a line of the piece (or of the continuation so far) nor mostly
made of the piece's word n-grams. So a continuation's share of n-grams copied from the original
is bounded by construction, whatever the model writes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["NGRAM", "NoRepeatFilter", "copied_share", "ngrams", "tail_lines"]

NGRAM = 4
MAX_COPIED_SHARE = 0.5  # a line made more than half of the piece's 4-grams is a copy
_WORD = re.compile(r"[\w']+")


def _words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


def ngrams(text: str, n: int = NGRAM) -> set[tuple[str, ...]]:
    """Word n-grams of each line (n-grams never span lines)."""
    found: set[tuple[str, ...]] = set()
    for line in text.splitlines():
        words = _words(line)
        found.update(tuple(words[i : i + n]) for i in range(len(words) - n + 1))
    return found


def copied_share(continuation: str, original: str, n: int = NGRAM) -> float:
    """The share of the continuation's word n-grams (per line) that occur in the original."""
    theirs = ngrams(original, n)
    total = copied = 0
    for line in continuation.splitlines():
        words = _words(line)
        grams = [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]
        total += len(grams)
        copied += sum(1 for g in grams if g in theirs)
    return copied / total if total else 0.0


def tail_lines(text: str, max_chars: int) -> str:
    """The last whole lines of ``text`` that fit in ``max_chars``."""
    kept: list[str] = []
    size = 0
    for line in reversed(text.strip().splitlines()):
        if kept and size + len(line) + 1 > max_chars:
            break
        kept.append(line)
        size += len(line) + 1
    return "\n".join(reversed(kept))[-max_chars:]


class NoRepeatFilter:
    """Feed streamed text; get back only the complete lines that add something new."""

    def __init__(self, original: str) -> None:
        self._lines = {self._key(line) for line in original.splitlines() if self._key(line)}
        self._grams = ngrams(original)
        self._pending = ""
        self.emitted = ""

    @staticmethod
    def _key(line: str) -> str:
        return " ".join(_words(line))

    def _new(self, line: str) -> bool:
        key = self._key(line)
        if not key:
            return True  # blank lines and punctuation keep the shape of the text
        if key in self._lines:
            return False
        words = key.split()
        grams = [tuple(words[i : i + NGRAM]) for i in range(len(words) - NGRAM + 1)]
        if grams and sum(g in self._grams for g in grams) / len(grams) > MAX_COPIED_SHARE:
            return False
        self._lines.add(key)
        self._grams.update(grams)  # the continuation must not loop on itself either
        return True

    def _accept(self, lines: Iterable[str]) -> str:
        out = ""
        for line in lines:
            so_far = self.emitted + out
            # Blank lines keep stanzas apart, but never lead and never pile up.
            blank_ok = bool(so_far) and not so_far.endswith("\n\n")
            if self._new(line) and (line.strip() or blank_ok):
                out += line + "\n"
        self.emitted += out
        return out

    def feed(self, text: str) -> str:
        """Add streamed text; return the new complete lines it finished (may be empty)."""
        self._pending += text
        *done, self._pending = self._pending.split("\n")
        return self._accept(done)

    def finish(self) -> str:
        """The last, unterminated line, if it is new."""
        rest, self._pending = self._pending, ""
        return self._accept([rest]).rstrip("\n") if rest.strip() else ""
