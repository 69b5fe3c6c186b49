"""The sandbox's REST routes, one module per group, over a shared context (:mod:`.base`).

:mod:`.commands` (gateway address, application, commands), :mod:`.guilds` (guilds, members,
users), :mod:`.messages` (channels, messages, reactions, pins, threads) and :mod:`.interactions`
(callbacks and webhooks); :mod:`.writer` makes and edits messages for the last two.
"""

from __future__ import annotations

from .base import ApiError, RouteContext, RouteGroup
from .commands import CommandRoutes
from .guilds import GuildRoutes
from .interactions import InteractionRoutes
from .messages import MessageRoutes
from .writer import MessageWriter, mentions_in

__all__ = [
    "ApiError",
    "CommandRoutes",
    "GuildRoutes",
    "InteractionRoutes",
    "MessageRoutes",
    "MessageWriter",
    "RouteContext",
    "RouteGroup",
    "mentions_in",
]
