"""Allowed-mentions policies. The client default pings nobody; one helper allows exactly the
members it names."""

from __future__ import annotations

import discord

__all__ = ["NO_PINGS", "ping_only"]

NO_PINGS = discord.AllowedMentions.none()


def ping_only(*users: discord.abc.Snowflake) -> discord.AllowedMentions:
    """Allow a mention of these members (usually one) and nothing else (no roles, no
    @everyone)."""
    return discord.AllowedMentions(
        everyone=False, roles=False, users=list(users), replied_user=False
    )
