"""Every service, built once at start-up from the repositories, the engine and the clock."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.db import Repositories
from bot.settings import Settings
from models import LLMEngine

from .status import StatusService
from .writing import WritingService

__all__ = ["Services", "build_services"]


@dataclass(frozen=True, slots=True)
class Services:
    writing: WritingService
    status: StatusService


def build_services(
    settings: Settings, repos: Repositories, engine: LLMEngine, clock: Clock
) -> Services:
    return Services(
        writing=WritingService(engine, repos.generations, temperature=settings.temperature),
        status=StatusService(engine, clock, clock.now()),
    )
