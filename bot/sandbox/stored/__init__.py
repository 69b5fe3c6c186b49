"""The records the sandbox stores: plain dataclasses that render Discord API v10 JSON payloads.

Nothing here does I/O; :class:`~bot.sandbox.state.SandboxState` indexes them, the REST routes and
the gateway change them and read their payloads.
"""

from __future__ import annotations

from .commands import StoredCommand, StoredInteraction
from .messages import MessageEdit, StoredAttachment, StoredMessage, iter_components
from .people import StoredMember, StoredRole, StoredUser
from .places import StoredChannel, StoredGuild

__all__ = [
    "MessageEdit",
    "StoredAttachment",
    "StoredChannel",
    "StoredCommand",
    "StoredGuild",
    "StoredInteraction",
    "StoredMember",
    "StoredMessage",
    "StoredRole",
    "StoredUser",
    "iter_components",
]
