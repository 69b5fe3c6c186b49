"""What /write hands a cog for a fixed-form poem: the stored generation and its checks."""

from __future__ import annotations

from dataclasses import dataclass

from .drafting import Composition

__all__ = ["FormPoem"]


@dataclass(frozen=True, slots=True)
class FormPoem:
    """A fixed-form poem, generated in full and checked line by line."""

    generation_id: int
    title: str
    composition: Composition
