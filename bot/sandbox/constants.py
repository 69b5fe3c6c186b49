"""Discord's numbers the sandbox needs: permission bits, message flags, gateway opcodes and intents.

Nothing here does anything; the stored records, the REST routes and the gateway read them.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ADMINISTRATOR",
    "ADMIN_PERMISSIONS",
    "ALL_PERMISSIONS",
    "BOT_PERMISSIONS",
    "CLOSE_AUTHENTICATION_FAILED",
    "DISCORD_EPOCH_MS",
    "EVERYONE_PERMISSIONS",
    "JSON",
    "MESSAGE_FLAG_EPHEMERAL",
    "MESSAGE_FLAG_LOADING",
    "OP_DISPATCH",
    "OP_HEARTBEAT",
    "OP_HEARTBEAT_ACK",
    "OP_HELLO",
    "OP_IDENTIFY",
    "OP_INVALID_SESSION",
    "OP_PRESENCE",
    "OP_RECONNECT",
    "OP_REQUEST_MEMBERS",
    "OP_RESUME",
    "Intents",
]

JSON = dict[str, Any]

DISCORD_EPOCH_MS = 1420070400000

# Permission bits (https://discord.com/developers/docs/topics/permissions).
_P_CREATE_INVITE = 1 << 0
_P_ADMINISTRATOR = 1 << 3
_P_MANAGE_GUILD = 1 << 5
_P_ADD_REACTIONS = 1 << 6
_P_VIEW_CHANNEL = 1 << 10
_P_SEND_MESSAGES = 1 << 11
_P_MANAGE_MESSAGES = 1 << 13
_P_EMBED_LINKS = 1 << 14
_P_ATTACH_FILES = 1 << 15
_P_READ_HISTORY = 1 << 16
_P_EXTERNAL_EMOJIS = 1 << 18
_P_CHANGE_NICKNAME = 1 << 26
_P_USE_APP_COMMANDS = 1 << 31
_P_MANAGE_THREADS = 1 << 34
_P_CREATE_PUBLIC_THREADS = 1 << 35
_P_SEND_IN_THREADS = 1 << 38

ALL_PERMISSIONS = (1 << 51) - 1
EVERYONE_PERMISSIONS = (
    _P_CREATE_INVITE
    | _P_ADD_REACTIONS
    | _P_VIEW_CHANNEL
    | _P_SEND_MESSAGES
    | _P_EMBED_LINKS
    | _P_ATTACH_FILES
    | _P_READ_HISTORY
    | _P_EXTERNAL_EMOJIS
    | _P_CHANGE_NICKNAME
    | _P_USE_APP_COMMANDS
    | _P_CREATE_PUBLIC_THREADS
    | _P_SEND_IN_THREADS
)
ADMINISTRATOR = _P_ADMINISTRATOR
ADMIN_PERMISSIONS = _P_ADMINISTRATOR | _P_MANAGE_GUILD
BOT_PERMISSIONS = EVERYONE_PERMISSIONS | _P_MANAGE_MESSAGES | _P_MANAGE_THREADS

MESSAGE_FLAG_EPHEMERAL = 1 << 6
MESSAGE_FLAG_LOADING = 1 << 7


class Intents:
    """Gateway intent bits the sandbox filters dispatches by."""

    GUILDS = 1 << 0
    GUILD_MEMBERS = 1 << 1
    GUILD_MESSAGES = 1 << 9
    GUILD_MESSAGE_REACTIONS = 1 << 10
    DIRECT_MESSAGES = 1 << 12
    MESSAGE_CONTENT = 1 << 15


# Gateway opcodes and close codes (https://discord.com/developers/docs/topics/opcodes-and-status-codes).
OP_DISPATCH = 0
OP_HEARTBEAT = 1
OP_IDENTIFY = 2
OP_PRESENCE = 3
OP_RESUME = 6
OP_RECONNECT = 7
OP_REQUEST_MEMBERS = 8
OP_INVALID_SESSION = 9
OP_HELLO = 10
OP_HEARTBEAT_ACK = 11

CLOSE_AUTHENTICATION_FAILED = 4004
