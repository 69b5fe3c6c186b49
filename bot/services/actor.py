"""Who is acting, as a service sees it: one value instead of five loose arguments.

A cog builds an :class:`Actor` from the interaction (``bot.discord_io.interaction.actor_of``);
services read ids and rights from it and never see a Discord object.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["Actor", "ChannelCheck", "nobody_moderates"]

ChannelCheck = Callable[[int], bool]
"""Whether the actor holds a right in a channel, given its id. The adapter answers with the
member's permissions in *that* channel, not where the command was typed."""


def nobody_moderates(channel_id: int) -> bool:
    """The check for an actor with no moderation rights anywhere (tests, scheduled jobs)."""
    return False


@dataclass(frozen=True, slots=True)
class Actor:
    """A member acting in a server: where, who, and what they may do."""

    guild_id: int | None
    channel_id: int | None
    user_id: int
    display_name: str = "a writer"
    can_manage: bool = False
    """Manage Server where the command was used (server settings, admin commands)."""
    can_moderate: ChannelCheck = field(default=nobody_moderates, compare=False)
    """Manage Messages in a given channel (story and submission moderation)."""
