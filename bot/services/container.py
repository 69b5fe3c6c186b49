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

from .hooks import Contributions, MemberData, NoContributions, NoStyleBriefs, StyleBriefs
from .status import StatusService
from .writing import WritingService

__all__ = ["Services", "build_services"]


@dataclass(frozen=True, slots=True)
class Services:
    writing: WritingService
    status: StatusService
    member_data: list[MemberData] = field(default_factory=list)


def build_services(
    settings: Settings, repos: Repositories, engine: LLMEngine, clock: Clock
) -> Services:
    briefs: StyleBriefs = NoStyleBriefs()
    contributions: Contributions = NoContributions()
    member_data: list[MemberData] = [repos.generations]
    writing = WritingService(
        engine,
        repos.generations,
        style=briefs,
        contributions=contributions,
        temperature=settings.temperature,
    )
    return Services(
        writing=writing,
        status=StatusService(engine, clock, clock.now()),
        member_data=member_data,
    )
