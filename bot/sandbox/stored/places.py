"""Stored channels (threads and DMs included) and guilds, with Discord's permission rules."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..constants import ADMINISTRATOR, ALL_PERMISSIONS, JSON
from ..ids import iso_now
from .people import StoredMember, StoredRole, StoredUser

__all__ = ["StoredChannel", "StoredGuild"]


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
        if perms & ADMINISTRATOR:
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
