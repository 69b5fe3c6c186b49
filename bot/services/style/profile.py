"""A member's style profile: what they told Muse, what it learned, their samples."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from bot.db.repositories.style import SampleRecord, TraitRecord
from bot.i18n import N_, LazyString, pgettext

from .learning import effective_confidence, parse_time

__all__ = [
    "PREFERENCE_FIELDS",
    "PREFERENCE_LIMIT",
    "SAMPLE_LIMIT",
    "SAMPLE_MIN_CHARS",
    "SAMPLE_TITLE_LIMIT",
    "LearnedTrait",
    "Preference",
    "StyleProfile",
    "keywords_of",
    "source_label",
    "trait_kind_label",
]

PREFERENCE_FIELDS: dict[str, LazyString] = {
    "media": N_("Media"),
    "genres": N_("Genres"),
    "tone": N_("Tone"),
    "themes": N_("Favourite themes"),
    "avoid": N_("Themes or tropes to avoid"),
}
PREFERENCE_LIMIT = 200
#: An item key from ``/style remove`` autocomplete: "pref:media", "trait:12", "sample:3".
ITEM_KEY_LIMIT = 40
SAMPLE_LIMIT = 4000
SAMPLE_MIN_CHARS = 20
SAMPLE_TITLE_LIMIT = 80

_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
_STOPWORDS_TEXT = (
    "the and for with from that this into about over under your their them they its our "
    "are was were been being have has had not but all any some more most very much also "
    "just like than then there here what when where which while who whom why how out off "
    "own same such too can will would should could may might must shall each few other "
    "only both again once after before above below between through during because until "
    "against among stuff things thing lots kind kinds style styles mostly"
)
_STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


def trait_kind_label(kind: str) -> str:
    """A learned trait's kind (a stored key) in the reader's language."""
    names = {
        "tone": pgettext("trait kind", "tone"),
        "imagery": pgettext("trait kind", "imagery"),
        "theme": pgettext("trait kind", "theme"),
        "form": pgettext("trait kind", "form"),
        "vocabulary": pgettext("trait kind", "vocabulary"),
    }
    return names.get(kind, kind)


def source_label(source: str) -> str:
    """Where a trait was learned from (a stored contribution kind) in the reader's language."""
    names = {
        "write_topic": pgettext("trait source", "write topic"),
        "story_segment": pgettext("trait source", "story segment"),
        "lyrics_draft": pgettext("trait source", "lyrics draft"),
        "potd_submission": pgettext("trait source", "potd submission"),
        "writing_sample": pgettext("trait source", "writing sample"),
    }
    return names.get(source, source.replace("_", " "))


@dataclass(frozen=True, slots=True)
class Preference:
    field: str
    value: str
    updated_at: datetime

    @property
    def label(self) -> str:
        known = PREFERENCE_FIELDS.get(self.field)
        return str(known) if known is not None else self.field


@dataclass(frozen=True, slots=True)
class LearnedTrait:
    """A stored trait with its confidence decayed to now."""

    record: TraitRecord
    confidence: float

    @property
    def id(self) -> int:
        assert self.record.id is not None
        return self.record.id

    @property
    def kind(self) -> str:
        return self.record.kind

    @property
    def value(self) -> str:
        return self.record.value


@dataclass(frozen=True, slots=True)
class StyleProfile:
    guild_id: int
    user_id: int
    consent: bool
    consent_at: datetime | None
    personalise: bool
    preferences: dict[str, Preference] = field(default_factory=dict)
    traits: list[LearnedTrait] = field(default_factory=list)  # most confident first
    samples: list[SampleRecord] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.preferences or self.traits or self.samples)

    def preference(self, name: str) -> str:
        found = self.preferences.get(name)
        return found.value if found else ""

    @property
    def item_count(self) -> int:
        return len(self.preferences) + len(self.traits) + len(self.samples)

    @classmethod
    def build(
        cls,
        *,
        guild_id: int,
        user_id: int,
        consent: bool,
        consent_at: datetime | None,
        personalise: bool,
        preferences: dict[str, tuple[str, datetime]],
        traits: Iterable[TraitRecord],
        samples: list[SampleRecord],
        now: datetime,
        half_life_days: float,
    ) -> StyleProfile:
        learned = [
            LearnedTrait(
                t, effective_confidence(t.confidence, parse_time(t.last_seen), now, half_life_days)
            )
            for t in traits
        ]
        learned.sort(key=lambda t: (-t.confidence, t.kind, t.value))
        ordered = {
            name: Preference(name, *preferences[name])
            for name in PREFERENCE_FIELDS
            if name in preferences
        }
        return cls(
            guild_id, user_id, consent, consent_at, personalise, ordered, learned, list(samples)
        )

    def keywords(self, limit: int = 16) -> list[str]:
        """Search words for this member's taste: stated themes and genres first, then learned
        themes, imagery and tone by confidence. Words they asked to avoid never appear."""
        weighted: list[tuple[float, str]] = []
        for name, weight in (("themes", 3.0), ("genres", 2.5), ("tone", 2.0), ("media", 1.0)):
            weighted.extend((weight, text) for text in [self.preference(name)] if text)
        for trait in self.traits:
            if trait.kind in ("theme", "imagery", "tone", "vocabulary"):
                weighted.append((2.0 * trait.confidence + 0.1, trait.value))
        avoid = set(keywords_of([self.preference("avoid")]))
        chosen: list[str] = []
        for _, text in sorted(weighted, key=lambda pair: -pair[0]):
            for word in keywords_of([text]):
                if word not in avoid and word not in chosen:
                    chosen.append(word)
        return chosen[:limit]


def keywords_of(texts: Iterable[str]) -> list[str]:
    """Lower-case content words (3+ letters, no stop words) in order of first appearance."""
    found: list[str] = []
    for text in texts:
        for word in _WORD.findall(text.casefold()):
            if word not in _STOPWORDS and word not in found:
                found.append(word)
    return found
