"""Style memory's settings and the results the cogs render: an /inspire answer and a member's
data export."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .inspire import Prompt

__all__ = ["DataExport", "Inspiration", "StyleConfig"]


@dataclass(frozen=True, slots=True)
class StyleConfig:
    max_traits: int = 40
    half_life_days: float = 60.0
    min_confidence: float = 0.1
    brief_chars: int = 320
    max_samples: int = 5
    attachment_max_bytes: int = 200_000
    analyze_chars: int = 6000
    learn_chars: int = 1500
    discover_results: int = 5
    learn_delay: float = 0.5  # seconds before background learning looks at the queue
    idle_poll: float = 0.25  # how often background learning checks the model is free

    @classmethod
    def from_settings(cls, settings: Any) -> StyleConfig:
        return cls(
            max_traits=settings.style_max_traits,
            half_life_days=settings.style_trait_half_life_days,
            min_confidence=settings.style_min_confidence,
            brief_chars=settings.style_brief_chars,
            max_samples=settings.style_max_samples,
            attachment_max_bytes=settings.style_attachment_max_bytes,
            analyze_chars=settings.style_analyze_chars,
            learn_chars=settings.style_learn_chars,
        )


@dataclass(frozen=True, slots=True)
class Inspiration:
    prompts: list[Prompt]
    medium: str
    personalised: bool
    palette: list[str] | None
    palette_png: bytes | None


@dataclass(frozen=True, slots=True)
class DataExport:
    filename: str
    data: bytes
    counts: dict[str, int]
