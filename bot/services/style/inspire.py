"""/inspire: three prompts made for a member, and a colour palette for visual artists.

The model proposes prompts and hex colours; code guarantees three distinct prompts and five
distinct, valid colours (falling back to colours named by the member's own words, then to a
harmony derived from them), so the reply is always complete.
"""

from __future__ import annotations

import colorsys
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from pydantic import BaseModel, Field

from bot.i18n import N_, LazyString
from bot.services.prompts import phrases, prompt_messages
from models import ChatMessage

__all__ = [
    "HEX_PATTERN",
    "MEDIUM_WORDS",
    "Idea",
    "InspireReport",
    "Prompt",
    "choose_palette",
    "finish_prompts",
    "inspire_messages",
    "is_visual",
]

HEX_PATTERN = r"^#[0-9A-Fa-f]{6}$"
PALETTE_SIZE = 5
MEDIUM_WORDS = phrases("inspire.community")  # medium -> the community the prompt names
_VISUAL_WORDS = re.compile(
    r"\b(art|arts|artist|draw\w*|paint\w*|illustrat\w*|sketch\w*|digital|pixel\w*|photo\w*|"
    r"visual\w*|comic\w*|manga|animat\w*|design\w*|watercolou?r\w*|ink\w*|sculpt\w*|"
    r"graphic\w*|concept)\b",
    re.IGNORECASE,
)
_HEX = re.compile(HEX_PATTERN)

# Colours the member's own words may name; the first match of each word is used.
_NAMED_COLOURS: dict[str, str] = {
    "sea": "#2E6F8E", "ocean": "#1F4E79", "water": "#3A7CA5", "rain": "#7A8B99",
    "sky": "#8EC5E8", "night": "#1B1F3B", "moon": "#D9D4C7", "star": "#F4E8C1",
    "forest": "#2F5D3A", "moss": "#6B7F3A", "leaf": "#5E8C31", "garden": "#7BA05B",
    "fire": "#D2542C", "ember": "#B23A1E", "sun": "#F2B134", "gold": "#C9A227",
    "dawn": "#F2B880", "dusk": "#6D4C7D", "sunset": "#E8744F", "autumn": "#B5652B",
    "winter": "#C9D6DF", "snow": "#E8EEF2", "ice": "#A9D6E5", "storm": "#5B6770",
    "rose": "#D98BA0", "blood": "#8A1C1C", "wine": "#5E1A2E", "desert": "#D8B483",
    "sand": "#E3C99A", "stone": "#8C8C84", "rust": "#A0522D", "ink": "#22223B",
    "shadow": "#2B2D42", "ghost": "#E6E6EA", "neon": "#39FF14", "city": "#4A4E69",
    "spring": "#A8D672", "summer": "#F7C548", "memory": "#B8A9C9", "dream": "#9D8DF1",
    "grief": "#4B5563", "loss": "#6B7280", "love": "#E07A8F", "joy": "#FFD166",
    "lavender": "#B57EDC", "violet": "#7F00FF", "teal": "#008080", "amber": "#FFBF00",
    "crimson": "#DC143C", "indigo": "#4B0082", "jade": "#00A86B", "ivory": "#FFFFF0",
}  # fmt: skip


class Idea(BaseModel):
    title: str = Field(max_length=40)
    prompt: str = Field(max_length=200)


class InspireReport(BaseModel):
    prompts: list[Idea] = Field(min_length=3, max_length=3)
    # Each colour is constrained by the grammar; code re-checks and fills in.
    colours: list[str] = Field(
        max_length=PALETTE_SIZE,
        json_schema_extra={"items": {"type": "string", "maxLength": 7, "pattern": HEX_PATTERN}},
    )


@dataclass(frozen=True, slots=True)
class Prompt:
    title: str
    text: str


def is_visual(medium: str, media_preference: str) -> bool:
    """Visual artists get a palette: a visual server, or a member whose media are visual."""
    return medium == "visual" or bool(_VISUAL_WORDS.search(media_preference))


def inspire_messages(medium: str, brief: str | None, *, visual: bool) -> list[ChatMessage]:
    ending = phrases("inspire.ending")["palette" if visual else "plain"]
    return prompt_messages(
        "inspire",
        fields={"community": MEDIUM_WORDS[medium], "ending": ending},
        slots={"style": brief},
    )


def _tidy(text: str, limit: int) -> str:
    return re.sub(r"\s+", " ", text).strip(" \"'“”")[:limit]


# The prompts code writes when the model gives fewer than three: whole sentences per medium, so
# each language can word them its own way.
_FALLBACK_WORDS = (N_("threshold"), N_("echo"), N_("salt"), N_("lantern"), N_("orchard"))
_FALLBACK_TITLES = (N_("{word} at the edge"), N_("Two {word}s"), N_("The {word} keeper"))
_FALLBACK_TEXTS: dict[str, tuple[LazyString, LazyString, LazyString]] = {
    "visual": (
        N_("Paint {word} at the moment it changes."),
        N_("Paint {word} seen twice: once up close, once from very far away."),
        N_("Paint someone whose job is to look after {word}, on their last day."),
    ),
    "music": (
        N_("Write a song about {word} at the moment it changes."),
        N_("Write a song about {word} seen twice: once up close, once from very far away."),
        N_("Write a song about someone whose job is to look after {word}, on their last day."),
    ),
    "writing": (
        N_("Write about {word} at the moment it changes."),
        N_("Write about {word} seen twice: once up close, once from very far away."),
        N_("Write about someone whose job is to look after {word}, on their last day."),
    ),
    "": (
        N_("Make a piece about {word} at the moment it changes."),
        N_("Make a piece about {word} seen twice: once up close, once from very far away."),
        N_("Make a piece about someone whose job is to look after {word}, on their last day."),
    ),
}


def _fallback_prompts(keywords: list[str], medium: str) -> list[Prompt]:
    words = [*keywords, *(str(word) for word in _FALLBACK_WORDS)][:5]
    texts = _FALLBACK_TEXTS.get(medium, _FALLBACK_TEXTS[""])
    heads = [words[0].title(), words[1], words[2]]
    return [
        Prompt(title.format(word=head), text.format(word=word))
        for title, text, head, word in zip(_FALLBACK_TITLES, texts, heads, words, strict=False)
    ]


def finish_prompts(ideas: Iterable[Idea], keywords: list[str], medium: str) -> list[Prompt]:
    chosen: list[Prompt] = []
    for idea in ideas:
        text = _tidy(idea.prompt, 240)
        title = _tidy(idea.title, 60) or text[:40]
        if len(text) < 10 or text.casefold() == "sample":
            continue
        if any(text.casefold() == p.text.casefold() for p in chosen):
            continue
        chosen.append(Prompt(title, text))
    for extra in _fallback_prompts(keywords, medium):
        if len(chosen) >= 3:
            break
        chosen.append(extra)
    return chosen[:3]


def _distance(a: str, b: str) -> float:
    ra, ga, ba = (int(a[i : i + 2], 16) for i in (1, 3, 5))
    rb, gb, bb = (int(b[i : i + 2], 16) for i in (1, 3, 5))
    return float(((ra - rb) ** 2 + (ga - gb) ** 2 + (ba - bb) ** 2) ** 0.5)


def _harmony(seed_text: str) -> list[str]:
    digest = hashlib.sha256(seed_text.encode()).digest()
    base = digest[0] / 255.0
    colours = []
    for index, (shift, light, sat) in enumerate(
        [(0.0, 0.45, 0.55), (0.08, 0.62, 0.45), (0.5, 0.4, 0.5), (0.58, 0.7, 0.35), (0.0, 0.2, 0.3)]
    ):
        hue = (base + shift + digest[index + 1] / 2550.0) % 1.0
        r, g, b = colorsys.hls_to_rgb(hue, light, sat)
        colours.append(f"#{round(r * 255):02X}{round(g * 255):02X}{round(b * 255):02X}")
    return colours


def choose_palette(proposed: Iterable[str], keywords: list[str]) -> list[str]:
    """Five distinct hex colours: the model's valid ones, then colours the member's words
    name, then a harmony seeded by those words."""
    palette: list[str] = []

    def add(colour: str) -> None:
        colour = colour.strip().upper()
        if _HEX.match(colour) and all(_distance(colour, c) > 40 for c in palette):
            palette.append(colour)

    for colour in proposed:
        if len(palette) < PALETTE_SIZE:
            add(colour)
    for word in keywords:
        for name, colour in _NAMED_COLOURS.items():
            if len(palette) < PALETTE_SIZE and (word == name or word.startswith(name)):
                add(colour)
    for colour in _harmony(" ".join(keywords) or "muse"):
        if len(palette) < PALETTE_SIZE:
            add(colour)
    for step in range(1, 256):  # pathological inputs: step through greys until distinct
        if len(palette) >= PALETTE_SIZE:
            break
        grey = (step * 47) % 256
        add(f"#{grey:02X}{grey:02X}{grey:02X}")
    return palette
