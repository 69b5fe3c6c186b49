"""Which characters are Chinese: the Han ideographs a line of Chinese verse counts."""

from __future__ import annotations

import re

__all__ = ["HAN_CLASS", "han_count", "has_han", "is_han", "split_mixed", "trailing_han"]

#: The Han ideograph blocks: CJK Unified Ideographs, Extension A, Compatibility Ideographs, and
#: the supplementary-plane extensions. Punctuation (，。！？「」) is in none of them.
HAN_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAN = re.compile(f"[{HAN_CLASS}]")
_HAN_RUN = re.compile(f"[{HAN_CLASS}]+")
# A run of Han characters, or a run of other word characters (a Latin word, digits).
_PIECE = re.compile(f"[{HAN_CLASS}]+|[^\\W{HAN_CLASS}]+")


def is_han(char: str) -> bool:
    """Whether ``char`` (one character) is a Han ideograph."""
    return _HAN.fullmatch(char) is not None


def has_han(text: str) -> bool:
    """Whether ``text`` holds at least one Han ideograph."""
    return _HAN.search(text) is not None


def han_count(text: str) -> int:
    """How many Han ideographs ``text`` holds (punctuation, spaces and Latin letters aside)."""
    return len(_HAN.findall(text))


def split_mixed(token: str) -> list[str]:
    """A word-character token cut into Han runs and other runs: "我love你" -> 我, love, 你."""
    return _PIECE.findall(token)


def trailing_han(text: str) -> str:
    """The last run of Han ideographs in ``text`` ("" when it has none)."""
    runs = _HAN_RUN.findall(text)
    return runs[-1] if runs else ""
