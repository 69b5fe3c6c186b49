"""A server's settings as the services change them: each write carries the clock's moment."""

from __future__ import annotations

from bot.clock import Clock
from bot.db.repositories.guilds import GuildSettings, GuildSettingsRepository, Medium

__all__ = ["ServerSettings"]


class ServerSettings:
    """The server's medium (``guild_settings``), written with the injected clock's time."""

    def __init__(self, repo: GuildSettingsRepository, clock: Clock) -> None:
        self._repo = repo
        self._clock = clock

    async def get(self, guild_id: int) -> GuildSettings:
        return await self._repo.get(guild_id)

    async def set_medium(self, guild_id: int, medium: Medium) -> GuildSettings:
        return await self._repo.set_medium(guild_id, medium, self._clock.now())
