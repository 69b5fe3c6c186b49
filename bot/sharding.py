"""Sharding: which shard a guild lives on, and the auto-sharded flavour of :class:`MuseBot`.

Discord splits a bot's guilds over shards by ``(guild_id >> 22) % shard_count``; each shard is one
gateway session. ``MUSE_SHARD_COUNT`` turns Muse into an auto-sharded bot (all shards in one
process); ``MUSE_SHARD_IDS`` runs only some of them, so shard ranges can run in separate processes
(or machines) that share one database. Scheduled work for a guild runs only in the process whose
shards include the guild (:meth:`MuseBot.owns_guild`), so two processes never post the same thing.
"""

from __future__ import annotations

from typing import Any

from discord.ext import commands

from bot.app import MuseBot
from bot.settings import Settings

__all__ = ["ShardedMuseBot", "shard_of", "sharding_options"]


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard Discord delivers ``guild_id``'s events on."""
    if shard_count < 1:
        raise ValueError("shard_count must be at least 1")
    return (guild_id >> 22) % shard_count


class ShardedMuseBot(MuseBot, commands.AutoShardedBot):
    """:class:`MuseBot` on discord.py's auto-sharded client: one gateway session per shard."""


def sharding_options(settings: Settings) -> dict[str, Any]:
    """discord.py client options for the configured sharding (empty: not sharded)."""
    if settings.shard_count is None:
        return {}
    count = None if settings.shard_count == "auto" else settings.shard_count
    options: dict[str, Any] = {"shard_count": count}
    if settings.shard_ids is not None:
        options["shard_ids"] = list(settings.shard_ids)
    return options
