"""Allowed-mentions policies. The client default pings nobody; one helper allows exactly one."""

from __future__ import annotations

import discord

__all__ = ["NO_PINGS", "ping_only"]

NO_PINGS = discord.AllowedMentions.none()


def ping_only(user: discord.abc.Snowflake) -> discord.AllowedMentions:
    """Allow a mention of this one member and nothing else (no roles, no @everyone)."""
    return discord.AllowedMentions(everyone=False, roles=False, users=[user], replied_user=False)
