"""Changing the sandbox's world while a bot runs: guilds, members, channels, overwrites.

Every change is announced on the gateway the way Discord announces it (GUILD_CREATE,
GUILD_MEMBER_ADD, CHANNEL_UPDATE, THREAD_DELETE, GUILD_DELETE, ...).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .core import SandboxCore
from .interaction_data import UserLike, user_of
from .stored import StoredChannel, StoredGuild, StoredMember, StoredRole

__all__ = ["SandboxWorld"]


class SandboxWorld(SandboxCore):
    """Guilds, members and channels appear, change and go."""

    async def add_guild(
        self,
        name: str,
        *,
        channel_names: Sequence[str] = ("general",),
        members: Iterable[UserLike] = (),
        shard: tuple[int, int] | None = None,
    ) -> StoredGuild:
        """Create a guild (the bot is in it) and announce it with GUILD_CREATE when connected.

        ``shard=(id, count)`` picks an id that Discord's formula puts on that shard."""
        guild = self.state.add_guild(name, owner=self.state.owner, shard=shard)
        self.state.add_member(guild, self.state.owner)
        for user in members:
            self.state.add_member(guild, user_of(user))
        for channel_name in channel_names:
            self.state.add_channel(guild, channel_name)
        await self.gateway.dispatch(
            "GUILD_CREATE", guild.payload(threads=[]) | {"unavailable": False}
        )
        return guild

    async def add_member(
        self,
        name: str,
        *,
        guild: StoredGuild | None = None,
        roles: Sequence[StoredRole] = (),
        admin: bool = False,
    ) -> StoredMember:
        """Create a user, join them to ``guild`` (default: the fixture guild), send
        GUILD_MEMBER_ADD."""
        guild = guild or self.guild
        role_list = list(roles)
        if admin:
            role_list.append(guild.role_named("Admin"))
        member = self.state.add_member(guild, self.state.add_user(name), role_list)
        await self.gateway.dispatch(
            "GUILD_MEMBER_ADD", member.payload() | {"guild_id": str(guild.id)}
        )
        return member

    async def remove_member(self, member: StoredMember) -> None:
        """The member leaves: GUILD_MEMBER_REMOVE."""
        guild = self.state.guilds[member.guild_id]
        guild.members.pop(member.id, None)
        await self.gateway.dispatch(
            "GUILD_MEMBER_REMOVE", {"guild_id": str(guild.id), "user": member.user.payload()}
        )

    async def add_channel(self, name: str, *, guild: StoredGuild | None = None) -> StoredChannel:
        guild = guild or self.guild
        channel = self.state.add_channel(guild, name)
        await self.gateway.dispatch("CHANNEL_CREATE", channel.payload())
        return channel

    async def set_permission_overwrite(
        self,
        channel: StoredChannel,
        target: StoredRole | StoredMember,
        *,
        allow: int = 0,
        deny: int = 0,
    ) -> None:
        """Give ``channel`` an overwrite for a role or a member (replacing any earlier one for
        it) and announce it with CHANNEL_UPDATE."""
        kind = 0 if isinstance(target, StoredRole) else 1
        channel.permission_overwrites = [
            o for o in channel.permission_overwrites if int(o["id"]) != target.id
        ] + [{"id": str(target.id), "type": kind, "allow": str(allow), "deny": str(deny)}]
        await self.gateway.dispatch("CHANNEL_UPDATE", channel.payload())

    async def delete_channel(self, channel: StoredChannel) -> None:
        """Delete a channel (CHANNEL_DELETE, and THREAD_DELETE for each of its threads) or a
        thread (THREAD_DELETE). Later requests to it answer 404 Unknown Channel."""
        threads = [c for c in self.state.channels.values() if c.parent_id == channel.id]
        for thread in threads if not channel.is_thread else []:
            await self.delete_channel(thread)
        self.state.channels.pop(channel.id, None)
        guild = self.state.guild_of(channel) if channel.guild_id else None
        if guild is not None:
            guild.channels.pop(channel.id, None)
        if channel.is_thread:
            await self.gateway.dispatch(
                "THREAD_DELETE",
                {
                    "id": str(channel.id),
                    "guild_id": str(channel.guild_id),
                    "parent_id": str(channel.parent_id),
                    "type": channel.type,
                },
            )
        else:
            await self.gateway.dispatch("CHANNEL_DELETE", channel.payload())

    async def set_system_channel(self, channel: StoredChannel | None) -> None:
        """Make ``channel`` its server's system channel (None: no system channel): GUILD_UPDATE."""
        guild = self.guild if channel is None else self.state.guild_of(channel)
        assert guild is not None
        guild.system_channel_id = channel.id if channel is not None else None
        await self.gateway.dispatch("GUILD_UPDATE", guild.payload(threads=[]))

    async def remove_guild(self, guild: StoredGuild) -> None:
        """The bot is removed from ``guild`` (kicked, or the guild deleted): GUILD_DELETE
        without ``unavailable``. :meth:`rejoin_guild` brings it back."""
        self.state.guilds.pop(guild.id, None)
        await self.gateway.dispatch("GUILD_DELETE", {"id": str(guild.id)})

    async def rejoin_guild(self, guild: StoredGuild) -> None:
        """The bot is added to ``guild`` again: GUILD_CREATE without ``unavailable``, as Discord
        sends for a join (discord.py's ``on_guild_join``)."""
        self.state.guilds[guild.id] = guild
        payload = guild.payload(threads=self.state.threads_of(guild))
        payload.pop("unavailable", None)
        await self.gateway.dispatch("GUILD_CREATE", payload)

    def dm_channel(self, user: UserLike) -> StoredChannel:
        return self.state.dm_channel_with(user_of(user))
