"""The sandbox's world: every user, guild, channel, message, command and interaction it knows.

:class:`SandboxState` indexes the stored records (:mod:`bot.sandbox.stored`) the way the REST routes
look them up. Nothing here does I/O; the REST server and the gateway change it.
"""

from __future__ import annotations

from .constants import BOT_PERMISSIONS, EVERYONE_PERMISSIONS
from .ids import SnowflakeGenerator
from .stored import (
    StoredAttachment,
    StoredChannel,
    StoredCommand,
    StoredGuild,
    StoredInteraction,
    StoredMember,
    StoredMessage,
    StoredRole,
    StoredUser,
)

__all__ = ["SandboxState"]


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
