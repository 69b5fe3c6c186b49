"""Every service, built once at start-up from the repositories, the engine and the clock.

Feature services take the style-memory hooks (``briefs``, ``contributions``) and register the
repositories that hold member data in ``member_data``, so that a member's export and erasure
reach every table.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.clock import Clock
from bot.db import Repositories
from bot.settings import Settings
from models import LLMEngine

from .fairness import FairShare, FairShareConfig
from .gallery.pages import GalleryPages
from .gallery.service import GalleryService
from .hooks import Contributions, MemberData, StyleBriefs, WorksIndex
from .language import LanguageService
from .lifecycle import LifecycleService
from .lyrics import LyricsService
from .melody import MelodyService
from .outbox import Outbox
from .potd import PotdService, PromptGenerator, build_potd_service
from .rendering.studio import StudioRenderer
from .server_settings import ServerSettings
from .sprint import SprintService
from .sprint.prompting import PotdSprintPrompts
from .status import StatusService
from .story import StoryService
from .style import StyleConfig, StyleService
from .writing import WritingService

__all__ = ["Services", "build_services"]


@dataclass(frozen=True, slots=True)
class Services:
    writing: WritingService
    status: StatusService
    style: StyleService
    potd: PotdService
    story: StoryService
    lyrics: LyricsService
    melody: MelodyService
    sprint: SprintService
    outbox: Outbox
    fair_share: FairShare
    lifecycle: LifecycleService
    gallery: GalleryService
    language: LanguageService
    member_data: list[MemberData] = field(default_factory=list)


def build_services(
    settings: Settings, repos: Repositories, engine: LLMEngine, clock: Clock
) -> Services:
    member_data: list[MemberData] = [repos.generations]
    # Style memory first: every other feature gets it as its briefs/contributions hooks, and
    # it erases through ``member_data`` (the same list, which later features append to).
    style = StyleService(
        repos.style,
        repos.members,
        repos.guilds,
        engine,
        clock,
        config=StyleConfig.from_settings(settings),
        member_data=member_data,
    )
    member_data += [repos.style, repos.members]
    briefs: StyleBriefs = style
    contributions: Contributions = style
    works: WorksIndex = style
    writing = WritingService(
        engine,
        repos.generations,
        clock=clock,
        style=briefs,
        contributions=contributions,
        temperature=settings.temperature,
        poetry_rounds=settings.poetry_repair_rounds,
    )
    outbox = Outbox(repos.outbox, clock)
    language = LanguageService(repos.languages, clock)
    potd = build_potd_service(
        settings,
        repos.potd,
        engine,
        clock,
        contributions=contributions,
        works=works,
        outbox=outbox,
        server_medium=ServerSettings(repos.guilds, clock),
        server_locale=language.server_locale,
    )
    member_data.append(repos.potd)
    story = StoryService(
        repos.stories,
        engine,
        clock,
        outbox=outbox,
        briefs=briefs,
        contributions=contributions,
        works=works,
        default_turn_hours=settings.story_turn_hours,
        default_word_limit=settings.story_word_limit,
        max_skips=settings.story_max_skips,
        max_running=settings.story_max_running,
        temperature=settings.temperature,
        context_size=settings.context_size,
    )
    member_data += [repos.stories, repos.outbox]
    style.add_erasure_hook(story)  # a turn the member holds moves on before the erasure
    lyrics = LyricsService(
        engine,
        repos.lyrics,
        clock,
        style=briefs,
        contributions=contributions,
        works=works,
        repair_rounds=settings.lyrics_repair_rounds,
        temperature=settings.lyrics_temperature,
        max_saved=settings.lyrics_max_saved,
        unsaved_days=settings.lyrics_unsaved_days,
        soundfont=settings.soundfont,
    )
    member_data.append(repos.lyrics)
    # The score image and audio preview; when rendering fails a melody still gets its MusicXML
    # and MIDI.
    melody = MelodyService(
        engine, repos.melodies, clock, lyrics, renderer=StudioRenderer(settings.soundfont)
    )
    member_data.append(repos.melodies)
    sprint = SprintService(
        repos.sprints,
        clock,
        outbox=outbox,
        prompts=PotdSprintPrompts(
            PromptGenerator(engine, attempts=1, temperature=settings.potd_temperature),
            threshold=settings.potd_similarity_threshold,
        ),
        streaks=potd,
        grace_minutes=settings.sprint_grace_minutes,
    )
    member_data += [repos.sprints, repos.languages]
    fair_share = FairShare(FairShareConfig.from_settings(settings))
    gallery = GalleryService(
        repos.gallery, GalleryPages(repos.gallery, repos.stories, repos.lyrics), lyrics, clock
    )
    member_data.append(repos.gallery)
    return Services(
        writing=writing,
        status=StatusService(engine, clock, clock.now(), fair_share),
        style=style,
        potd=potd,
        story=story,
        lyrics=lyrics,
        melody=melody,
        sprint=sprint,
        outbox=outbox,
        fair_share=fair_share,
        lifecycle=LifecycleService(
            repos.lifecycle,
            story,
            potd,
            lyrics,
            clock,
            retention_days=settings.retention_days,
            generations_keep_days=settings.generations_keep_days,
        ),
        gallery=gallery,
        language=language,
        member_data=member_data,
    )
