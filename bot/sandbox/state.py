"""The sandbox's world: users, guilds, roles, channels, messages, commands and interactions.

Plain dataclasses plus the functions that render them as Discord API v10 JSON payloads. Nothing here
does I/O; the REST server and the gateway mutate a :class:`SandboxState` and read payloads from it.
"""

from __future__ import annotations

import itertools
import mimetypes
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

__all__ = [
    "ADMIN_PERMISSIONS",
    "ALL_PERMISSIONS",
    "BOT_PERMISSIONS",
    "EVERYONE_PERMISSIONS",
    "JSON",
    "MESSAGE_FLAG_EPHEMERAL",
    "MESSAGE_FLAG_LOADING",
    "Intents",
    "MessageEdit",
    "SandboxState",
    "SnowflakeGenerator",
    "StoredAttachment",
    "StoredChannel",
    "StoredCommand",
    "StoredGuild",
    "StoredInteraction",
    "StoredMember",
    "StoredMessage",
    "StoredRole",
    "StoredUser",
    "iso_now",
    "iter_components",
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


def iso_now() -> str:
    """The current UTC time as Discord writes timestamps."""
    return datetime.now(UTC).isoformat()


class SnowflakeGenerator:
    """Discord-shaped, strictly increasing snowflake ids."""

    def __init__(self) -> None:
        self._counter = itertools.count()
        self._last = 0

    def next(self) -> int:
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        value = (ms << 22) | (next(self._counter) & 0xFFF)
        self._last = max(value, self._last + 1)
        return self._last

    def advance_to(self, value: int) -> None:
        """Ids after this one are all greater than ``value``."""
        self._last = max(self._last, value)


@dataclass
class StoredUser:
    id: int
    username: str
    bot: bool = False
    global_name: str | None = None

    def payload(self) -> JSON:
        return {
            "id": str(self.id),
            "username": self.username,
            "global_name": self.global_name or self.username,
            "discriminator": "0",
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
            "flags": 0,
        }

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"


@dataclass
class StoredRole:
    id: int
    name: str
    permissions: int
    position: int = 0
    managed: bool = False

    def payload(self) -> JSON:
        return {
            "id": str(self.id),
            "name": self.name,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": self.managed,
            "mentionable": False,
            "flags": 0,
        }


@dataclass
class StoredMember:
    user: StoredUser
    guild_id: int
    role_ids: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = field(default_factory=iso_now)

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def mention(self) -> str:
        return self.user.mention

    def payload(self, *, with_user: bool = True, permissions: int | None = None) -> JSON:
        data: JSON = {
            "roles": [str(r) for r in self.role_ids],
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "joined_at": self.joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = self.user.payload()
        if permissions is not None:
            data["permissions"] = str(permissions)
        return data


@dataclass
class StoredAttachment:
    id: int
    filename: str
    data: bytes
    content_type: str
    url: str
    description: str | None = None
    ephemeral: bool = False

    @property
    def size(self) -> int:
        return len(self.data)

    def payload(self) -> JSON:
        data: JSON = {
            "id": str(self.id),
            "filename": self.filename,
            "size": self.size,
            "url": self.url,
            "proxy_url": self.url,
            "content_type": self.content_type,
        }
        if self.description is not None:
            data["description"] = self.description
        if self.ephemeral:
            data["ephemeral"] = True
        return data

    @staticmethod
    def guess_type(filename: str, declared: str | None) -> str:
        if declared and declared != "application/octet-stream":
            return declared
        guessed, _ = mimetypes.guess_type(filename)
        return guessed or "application/octet-stream"


@dataclass
class StoredChannel:
    id: int
    type: int
    name: str
    guild_id: int | None = None
    parent_id: int | None = None
    position: int = 0
    topic: str | None = None
    owner_id: int | None = None
    recipient: StoredUser | None = None
    archived: bool = False
    locked: bool = False
    auto_archive_duration: int = 1440
    created_at: str = field(default_factory=iso_now)
    last_message_id: int | None = None
    message_count: int = 0
    # Discord's overwrite objects: {"id", "type" (0 role, 1 member), "allow", "deny"} as strings.
    permission_overwrites: list[JSON] = field(default_factory=list)

    @property
    def is_thread(self) -> bool:
        return self.type in (10, 11, 12)

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    def payload(self) -> JSON:
        data: JSON = {
            "id": str(self.id),
            "type": self.type,
            "last_message_id": str(self.last_message_id) if self.last_message_id else None,
            "flags": 0,
        }
        if self.type == 1:
            data["recipients"] = [self.recipient.payload()] if self.recipient else []
            return data
        data.update(
            {
                "guild_id": str(self.guild_id),
                "name": self.name,
                "position": self.position,
                "permission_overwrites": [dict(o) for o in self.permission_overwrites],
                "nsfw": False,
                "rate_limit_per_user": 0,
                "parent_id": str(self.parent_id) if self.parent_id else None,
            }
        )
        if self.is_thread:
            data.update(
                {
                    "owner_id": str(self.owner_id),
                    "message_count": self.message_count,
                    "total_message_sent": self.message_count,
                    "member_count": 1,
                    "thread_metadata": {
                        "archived": self.archived,
                        "auto_archive_duration": self.auto_archive_duration,
                        "archive_timestamp": self.created_at,
                        "locked": self.locked,
                        "invitable": True,
                        "create_timestamp": self.created_at,
                    },
                }
            )
        else:
            data["topic"] = self.topic
        return data


@dataclass
class StoredGuild:
    id: int
    name: str
    owner_id: int
    roles: dict[int, StoredRole] = field(default_factory=dict)
    channels: dict[int, StoredChannel] = field(default_factory=dict)
    members: dict[int, StoredMember] = field(default_factory=dict)
    system_channel_id: int | None = None

    @property
    def everyone_role(self) -> StoredRole:
        return self.roles[self.id]

    def role_named(self, name: str) -> StoredRole:
        for role in self.roles.values():
            if role.name == name:
                return role
        raise KeyError(name)

    def channel_named(self, name: str) -> StoredChannel:
        for channel in self.channels.values():
            if channel.name == name:
                return channel
        raise KeyError(name)

    def permissions_of(self, user_id: int) -> int:
        if user_id == self.owner_id:
            return ALL_PERMISSIONS
        member = self.members.get(user_id)
        perms = self.everyone_role.permissions
        if member is not None:
            for role_id in member.role_ids:
                role = self.roles.get(role_id)
                if role is not None:
                    perms |= role.permissions
        if perms & _P_ADMINISTRATOR:
            return ALL_PERMISSIONS
        return perms

    def permissions_in(self, channel: StoredChannel, user_id: int) -> int:
        """The member's permissions in ``channel`` (a thread: its parent's), with the channel's
        overwrites applied in Discord's order: @everyone, then roles, then the member."""
        perms = self.permissions_of(user_id)
        if perms == ALL_PERMISSIONS:
            return perms  # the owner and administrators are not affected by overwrites
        if channel.is_thread and channel.parent_id in self.channels:
            channel = self.channels[channel.parent_id]
        overwrites = {int(o["id"]): o for o in channel.permission_overwrites}

        def apply(perms: int, overwrite: JSON | None) -> int:
            if overwrite is None:
                return perms
            return (perms & ~int(overwrite["deny"])) | int(overwrite["allow"])

        perms = apply(perms, overwrites.get(self.id))
        member = self.members.get(user_id)
        role_ids = member.role_ids if member is not None else []
        role_deny = role_allow = 0
        for role_id in role_ids:
            found = overwrites.get(role_id)
            if found is not None and int(found.get("type", 0)) == 0:
                role_deny |= int(found["deny"])
                role_allow |= int(found["allow"])
        perms = (perms & ~role_deny) | role_allow
        mine = overwrites.get(user_id)
        return apply(perms, mine if mine is not None and int(mine.get("type", 1)) == 1 else None)

    def payload(self, *, threads: list[StoredChannel]) -> JSON:
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 1,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "premium_progress_bar_enabled": False,
            "preferred_locale": "en-US",
            "system_channel_id": str(self.system_channel_id) if self.system_channel_id else None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "features": [],
            "emojis": [],
            "stickers": [],
            "roles": [role.payload() for role in self.roles.values()],
            "channels": [ch.payload() for ch in self.channels.values()],
            "threads": [th.payload() for th in threads],
            "members": [m.payload() for m in self.members.values()],
            "member_count": len(self.members),
            "large": False,
            "unavailable": False,
            "joined_at": iso_now(),
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "lazy": True,
        }


@dataclass
class MessageEdit:
    """One applied edit: the JSON body the client sent and when."""

    body: JSON
    at: float


@dataclass
class StoredMessage:
    id: int
    channel_id: int
    author: StoredUser
    guild_id: int | None = None
    content: str = ""
    embeds: list[JSON] = field(default_factory=list)
    components: list[JSON] = field(default_factory=list)
    attachments: list[StoredAttachment] = field(default_factory=list)
    flags: int = 0
    type: int = 0
    tts: bool = False
    allowed_mentions: JSON | None = None
    message_reference: JSON | None = None
    webhook_id: int | None = None
    application_id: int | None = None
    interaction_id: int | None = None
    interaction_metadata: JSON | None = None
    reactions: dict[str, set[int]] = field(default_factory=dict)
    timestamp: str = field(default_factory=iso_now)
    edited_timestamp: str | None = None
    edits: list[MessageEdit] = field(default_factory=list)
    deleted: bool = False
    pinned: bool = False
    thread_id: int | None = None
    mentions: list[StoredUser] = field(default_factory=list)
    created_at: float = field(default_factory=time.monotonic)
    nonce: str | None = None

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & MESSAGE_FLAG_EPHEMERAL)

    @property
    def loading(self) -> bool:
        """Whether this is still a deferred "thinking" placeholder."""
        return bool(self.flags & MESSAGE_FLAG_LOADING)

    @property
    def attachment_names(self) -> list[str]:
        return [a.filename for a in self.attachments]

    def custom_ids(self) -> list[str]:
        """Every custom_id in the message's components, depth first."""
        return [c["custom_id"] for c in iter_components(self.components) if "custom_id" in c]

    def payload(self, *, member: StoredMember | None = None, bot_id: int | None = None) -> JSON:
        data: JSON = {
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            "author": self.author.payload(),
            "content": self.content,
            "timestamp": self.timestamp,
            "edited_timestamp": self.edited_timestamp,
            "tts": self.tts,
            "mention_everyone": False,
            "mentions": [u.payload() for u in self.mentions],
            "mention_roles": [],
            "attachments": [a.payload() for a in self.attachments],
            "embeds": self.embeds,
            "components": self.components,
            "reactions": [
                {
                    "emoji": {"id": None, "name": emoji},
                    "count": len(users),
                    "count_details": {"burst": 0, "normal": len(users)},
                    "burst_colors": [],
                    "me_burst": False,
                    "burst_me": False,
                    "me": bot_id in users,
                }
                for emoji, users in self.reactions.items()
                if users
            ],
            "pinned": self.pinned,
            "type": self.type,
            "flags": self.flags,
        }
        if self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
        if member is not None:
            data["member"] = member.payload(with_user=False)
        if self.webhook_id is not None:
            data["webhook_id"] = str(self.webhook_id)
        if self.application_id is not None:
            data["application_id"] = str(self.application_id)
        if self.interaction_metadata is not None:
            data["interaction_metadata"] = self.interaction_metadata
        if self.message_reference is not None:
            data["message_reference"] = self.message_reference
        return data


def iter_components(components: list[JSON]) -> list[JSON]:
    """Flatten action rows, labels, sections and containers into their leaf components."""
    out: list[JSON] = []
    for comp in components:
        out.append(comp)
        if isinstance(comp.get("components"), list):
            out.extend(iter_components(comp["components"]))
        if isinstance(comp.get("component"), dict):
            out.extend(iter_components([comp["component"]]))
        if isinstance(comp.get("accessory"), dict):
            out.extend(iter_components([comp["accessory"]]))
    return out


@dataclass
class StoredCommand:
    id: int
    application_id: int
    guild_id: int | None
    definition: JSON
    version: int

    @property
    def name(self) -> str:
        return str(self.definition["name"])

    @property
    def type(self) -> int:
        return int(self.definition.get("type", 1))

    def payload(self) -> JSON:
        data: JSON = {
            "type": 1,
            "description": "",
            "options": [],
            "default_member_permissions": None,
            "dm_permission": True,
            "nsfw": False,
            "contexts": None,
            "integration_types": [0],
        }
        data.update(self.definition)
        data.update(
            {
                "id": str(self.id),
                "application_id": str(self.application_id),
                "version": str(self.version),
            }
        )
        if self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
        return data


@dataclass
class StoredInteraction:
    """An interaction the sandbox sent, and everything the bot answered to it."""

    id: int
    token: str
    type: int
    channel_id: int
    guild_id: int | None
    user: StoredUser
    data: JSON
    payload: JSON
    created_at: float
    message_id: int | None = None
    acknowledged_at: float | None = None
    response_type: int | None = None
    response_body: JSON | None = None
    original_message_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)
    deferred_ephemeral: bool = False
    modal: JSON | None = None
    choices: list[JSON] | None = None

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None


class SandboxState:
    """Every object the sandbox knows, indexed the way the REST routes look them up."""

    def __init__(self, *, bot_name: str, token: str) -> None:
        self.snowflakes = SnowflakeGenerator()
        self.token = token
        self.application_id = self.snowflakes.next()
        self.bot_user = StoredUser(id=self.application_id, username=bot_name, bot=True)
        self.owner = StoredUser(id=self.snowflakes.next(), username="sandbox-owner")
        self.users: dict[int, StoredUser] = {
            self.bot_user.id: self.bot_user,
            self.owner.id: self.owner,
        }
        self.guilds: dict[int, StoredGuild] = {}
        self.channels: dict[int, StoredChannel] = {}
        self.messages: dict[int, StoredMessage] = {}
        self.attachments: dict[int, StoredAttachment] = {}
        self.global_commands: dict[str, StoredCommand] = {}
        self.guild_commands: dict[int, dict[str, StoredCommand]] = {}
        self.interactions: dict[int, StoredInteraction] = {}
        self.interactions_by_token: dict[str, StoredInteraction] = {}
        self.dm_channels: dict[int, StoredChannel] = {}
        self.commands_synced = 0
        self.attachment_url_base = ""

    def new_id(self) -> int:
        return self.snowflakes.next()

    def add_user(self, username: str, *, bot: bool = False) -> StoredUser:
        user = StoredUser(id=self.new_id(), username=username, bot=bot)
        self.users[user.id] = user
        return user

    def add_guild(
        self, name: str, *, owner: StoredUser, shard: tuple[int, int] | None = None
    ) -> StoredGuild:
        """A new guild; with ``shard=(id, count)`` its id lands on that shard."""
        guild_id = self.new_id()
        if shard is not None:
            shard_id, count = shard
            while (guild_id >> 22) % count != shard_id:
                guild_id += 1 << 22  # one millisecond later: the next shard
            self.snowflakes.advance_to(guild_id)
        guild = StoredGuild(id=guild_id, name=name, owner_id=owner.id)
        guild.roles[guild_id] = StoredRole(
            id=guild_id, name="@everyone", permissions=EVERYONE_PERMISSIONS
        )
        bot_role = StoredRole(
            id=self.new_id(),
            name=self.bot_user.username,
            permissions=BOT_PERMISSIONS,
            position=2,
            managed=True,
        )
        guild.roles[bot_role.id] = bot_role
        self.guilds[guild_id] = guild
        guild.members[self.bot_user.id] = StoredMember(
            user=self.bot_user, guild_id=guild_id, role_ids=[bot_role.id]
        )
        return guild

    def add_role(self, guild: StoredGuild, name: str, permissions: int) -> StoredRole:
        role = StoredRole(
            id=self.new_id(), name=name, permissions=permissions, position=len(guild.roles)
        )
        guild.roles[role.id] = role
        return role

    def add_member(
        self, guild: StoredGuild, user: StoredUser, roles: list[StoredRole] | None = None
    ) -> StoredMember:
        member = StoredMember(user=user, guild_id=guild.id, role_ids=[r.id for r in roles or []])
        guild.members[user.id] = member
        return member

    def add_channel(
        self,
        guild: StoredGuild | None,
        name: str,
        *,
        type: int = 0,
        parent_id: int | None = None,
        owner_id: int | None = None,
        channel_id: int | None = None,
    ) -> StoredChannel:
        channel = StoredChannel(
            id=channel_id or self.new_id(),
            type=type,
            name=name,
            guild_id=guild.id if guild else None,
            parent_id=parent_id,
            owner_id=owner_id,
            position=len(guild.channels) if guild else 0,
        )
        self.channels[channel.id] = channel
        if guild is not None and not channel.is_thread:
            guild.channels[channel.id] = channel
        return channel

    def dm_channel_with(self, user: StoredUser) -> StoredChannel:
        existing = self.dm_channels.get(user.id)
        if existing is not None:
            return existing
        channel = StoredChannel(id=self.new_id(), type=1, name="", recipient=user)
        self.channels[channel.id] = channel
        self.dm_channels[user.id] = channel
        return channel

    def threads_of(self, guild: StoredGuild) -> list[StoredChannel]:
        return [c for c in self.channels.values() if c.is_thread and c.guild_id == guild.id]

    def guild_of(self, channel: StoredChannel) -> StoredGuild | None:
        return self.guilds.get(channel.guild_id) if channel.guild_id else None

    def member(self, guild_id: int | None, user_id: int) -> StoredMember | None:
        if guild_id is None:
            return None
        guild = self.guilds.get(guild_id)
        return guild.members.get(user_id) if guild else None

    def add_attachment(
        self,
        channel_id: int,
        filename: str,
        data: bytes,
        content_type: str | None = None,
        *,
        description: str | None = None,
        ephemeral: bool = False,
    ) -> StoredAttachment:
        attachment_id = self.new_id()
        attachment = StoredAttachment(
            id=attachment_id,
            filename=filename,
            data=data,
            content_type=StoredAttachment.guess_type(filename, content_type),
            url=f"{self.attachment_url_base}/attachments/{channel_id}/{attachment_id}/{filename}",
            description=description,
            ephemeral=ephemeral,
        )
        self.attachments[attachment_id] = attachment
        return attachment

    def add_message(self, message: StoredMessage) -> StoredMessage:
        self.messages[message.id] = message
        channel = self.channels.get(message.channel_id)
        if channel is not None:
            channel.last_message_id = message.id
            channel.message_count += 1
        return message

    def messages_in(self, channel_id: int, *, include_deleted: bool = False) -> list[StoredMessage]:
        return [
            m
            for m in self.messages.values()
            if m.channel_id == channel_id and (include_deleted or not m.deleted)
        ]

    def commands_for(self, guild_id: int | None) -> list[StoredCommand]:
        scoped = list(self.guild_commands.get(guild_id, {}).values()) if guild_id else []
        return scoped + list(self.global_commands.values())
