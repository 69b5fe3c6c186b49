"""Repositories: typed access to each table. The only modules that contain SQL."""

from __future__ import annotations

from dataclasses import dataclass

from ..connection import Database
from .bot_state import BotStateRepository
from .gallery import GalleryRepository
from .generations import GenerationRecord, GenerationRepository
from .guilds import GuildSettings, GuildSettingsRepository
from .languages import LanguageRepository
from .lifecycle import LifecycleRepository
from .lyrics import LyricsDraftRecord, LyricsRepository
from .melodies import MelodyRepository, MelodyRow
from .members import Member, MemberRepository
from .outbox import OutboxItem, OutboxRepository
from .potd import PotdRepository
from .sprints import SprintRepository
from .stories import StoryRepository
from .style import StyleRepository

__all__ = [
    "BotStateRepository",
    "GalleryRepository",
    "GenerationRecord",
    "GenerationRepository",
    "GuildSettings",
    "GuildSettingsRepository",
    "LanguageRepository",
    "LifecycleRepository",
    "LyricsDraftRecord",
    "LyricsRepository",
    "MelodyRepository",
    "MelodyRow",
    "Member",
    "MemberRepository",
    "OutboxItem",
    "OutboxRepository",
    "PotdRepository",
    "Repositories",
    "SprintRepository",
    "StyleRepository",
]


@dataclass(frozen=True, slots=True)
class Repositories:
    """Every repository, built on one database; handed to services at start-up."""

    db: Database
    guilds: GuildSettingsRepository
    members: MemberRepository
    state: BotStateRepository
    generations: GenerationRepository
    stories: StoryRepository
    potd: PotdRepository
    style: StyleRepository
    lyrics: LyricsRepository
    melodies: MelodyRepository
    sprints: SprintRepository
    outbox: OutboxRepository
    lifecycle: LifecycleRepository
    gallery: GalleryRepository
    languages: LanguageRepository

    @classmethod
    def build(cls, db: Database) -> Repositories:
        return cls(
            db=db,
            guilds=GuildSettingsRepository(db),
            members=MemberRepository(db),
            state=BotStateRepository(db),
            generations=GenerationRepository(db),
            stories=StoryRepository(db),
            potd=PotdRepository(db),
            style=StyleRepository(db),
            lyrics=LyricsRepository(db),
            melodies=MelodyRepository(db),
            sprints=SprintRepository(db),
            outbox=OutboxRepository(db),
            lifecycle=LifecycleRepository(db),
            gallery=GalleryRepository(db),
            languages=LanguageRepository(db),
        )
