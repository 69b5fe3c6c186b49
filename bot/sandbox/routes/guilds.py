"""Guild, member and user routes: reading guilds, roles and members, kicks, role changes, DMs.

Changes a bot makes here are announced on the gateway (GUILD_MEMBER_REMOVE, GUILD_MEMBER_UPDATE) as
Discord announces them.
"""

from __future__ import annotations

from typing import Any

from .base import AddRoute, ApiError, Request, RouteGroup, snowflake

__all__ = ["GuildRoutes"]


class GuildRoutes(RouteGroup):
    """``/users/...`` and ``/guilds/...``."""

    def register(self, add: AddRoute) -> None:
        add("GET", "/users/@me", self._get_me)
        add("GET", "/users/{user_id}", self._get_user)
        add("POST", "/users/@me/channels", self._create_dm)
        add("GET", "/guilds/{guild_id}", self._get_guild)
        add("GET", "/guilds/{guild_id}/channels", self._get_guild_channels)
        add("GET", "/guilds/{guild_id}/roles", self._get_roles)
        add("GET", "/guilds/{guild_id}/members", self._list_members)
        add("GET", "/guilds/{guild_id}/members/{user_id}", self._get_member)
        add("DELETE", "/guilds/{guild_id}/members/{user_id}", self._kick_member)
        member_role = "/guilds/{guild_id}/members/{user_id}/roles/{role_id}"
        add("PUT", member_role, self._add_member_role)
        add("DELETE", member_role, self._remove_member_role)

    async def _get_me(self, req: Request) -> tuple[int, Any]:
        return 200, self.state.bot_user.payload() | {"verified": True, "mfa_enabled": False}

    async def _get_user(self, req: Request) -> tuple[int, Any]:
        user = self.state.users.get(snowflake(req.params["user_id"]))
        if user is None:
            raise ApiError(404, 10013, "Unknown User")
        return 200, user.payload()

    async def _create_dm(self, req: Request) -> tuple[int, Any]:
        body = req.body if isinstance(req.body, dict) else {}
        user = self.state.users.get(snowflake(str(body.get("recipient_id"))))
        if user is None:
            raise ApiError(400, 50007, "Cannot send messages to this user")
        return 200, self.state.dm_channel_with(user).payload()

    def _guild(self, req: Request) -> Any:
        guild = self.state.guilds.get(snowflake(req.params["guild_id"]))
        if guild is None:
            raise ApiError(404, 10004, "Unknown Guild")
        return guild

    async def _get_guild(self, req: Request) -> tuple[int, Any]:
        guild = self._guild(req)
        data = guild.payload(threads=[])
        for key in ("channels", "threads", "members", "voice_states", "presences"):
            data.pop(key, None)
        data["approximate_member_count"] = len(guild.members)
        return 200, data

    async def _get_guild_channels(self, req: Request) -> tuple[int, Any]:
        return 200, [c.payload() for c in self._guild(req).channels.values()]

    async def _get_roles(self, req: Request) -> tuple[int, Any]:
        return 200, [r.payload() for r in self._guild(req).roles.values()]

    async def _list_members(self, req: Request) -> tuple[int, Any]:
        guild = self._guild(req)
        limit = int(req.query.get("limit", 1))
        after = int(req.query.get("after", 0))
        members = sorted((m for m in guild.members.values() if m.id > after), key=lambda m: m.id)
        return 200, [m.payload() for m in members[:limit]]

    def _member_of(self, req: Request) -> Any:
        guild = self._guild(req)
        member = guild.members.get(snowflake(req.params["user_id"]))
        if member is None:
            raise ApiError(404, 10007, "Unknown Member")
        return guild, member

    async def _get_member(self, req: Request) -> tuple[int, Any]:
        _, member = self._member_of(req)
        return 200, member.payload()

    async def _kick_member(self, req: Request) -> tuple[int, Any]:
        guild, member = self._member_of(req)
        del guild.members[member.id]
        await self.gateway.dispatch(
            "GUILD_MEMBER_REMOVE", {"guild_id": str(guild.id), "user": member.user.payload()}
        )
        return 204, None

    async def _add_member_role(self, req: Request) -> tuple[int, Any]:
        guild, member = self._member_of(req)
        role_id = snowflake(req.params["role_id"])
        if role_id not in guild.roles:
            raise ApiError(404, 10011, "Unknown Role")
        if role_id not in member.role_ids:
            member.role_ids.append(role_id)
        await self.gateway.dispatch(
            "GUILD_MEMBER_UPDATE", member.payload() | {"guild_id": str(guild.id)}
        )
        return 204, None

    async def _remove_member_role(self, req: Request) -> tuple[int, Any]:
        guild, member = self._member_of(req)
        role_id = snowflake(req.params["role_id"])
        if role_id in member.role_ids:
            member.role_ids.remove(role_id)
        await self.gateway.dispatch(
            "GUILD_MEMBER_UPDATE", member.payload() | {"guild_id": str(guild.id)}
        )
        return 204, None
