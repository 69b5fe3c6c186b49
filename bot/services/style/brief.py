"""The compact style brief added to every generation for an opted-in member."""

from __future__ import annotations

from .profile import StyleProfile

__all__ = ["BRIEF_TRAIT_MIN", "build_brief"]

BRIEF_TRAIT_MIN = 0.2  # learned traits fainter than this stay out of prompts
BRIEF_TRAITS = 6


def build_brief(profile: StyleProfile, limit: int) -> str | None:
    """One line, at most ``limit`` characters, most important parts first; None when empty."""
    parts: list[str] = []
    for name, label in (
        ("media", "media"),
        ("genres", "genres"),
        ("tone", "tone"),
        ("themes", "loves"),
        ("avoid", "avoid"),
    ):
        value = profile.preference(name)
        if value:
            parts.append(f"{label}: {value}")
    learned: dict[str, list[str]] = {}
    for trait in profile.traits[:BRIEF_TRAITS]:
        if trait.confidence >= BRIEF_TRAIT_MIN:
            learned.setdefault(trait.kind, []).append(trait.value)
    if learned:
        parts.append(
            "tends toward "
            + ", ".join(f"{kind} {' / '.join(values)}" for kind, values in learned.items())
        )
    brief = ""
    for part in parts:
        candidate = f"{brief}; {part}" if brief else part
        if len(candidate) > limit:
            if not brief:  # the first part alone is too long: cut it at a word
                brief = part[: limit - 1].rsplit(" ", 1)[0] + "…"
            break
        brief = candidate
    return brief or None
