"""The application's routes: the gateway address, the application and its slash commands.

``PUT .../commands`` replaces the synced set as Discord does: a command keeps its id across syncs
when its name stays, names must be lower case, localisations must pass Discord's checks
(``localizations.py``), and every sync counts in ``commands_synced``.
"""

from __future__ import annotations

import re
from typing import Any

from ..stored import StoredCommand
from .base import AddRoute, ApiError, Request, RouteGroup, form_error, snowflake
from .localizations import check_localizations

__all__ = ["CommandRoutes"]


class CommandRoutes(RouteGroup):
    """``/gateway``, ``/applications/@me`` and the global and guild command lists."""

    def register(self, add: AddRoute) -> None:
        add("GET", "/gateway", self._get_gateway, auth=False)
        add("GET", "/gateway/bot", self._get_gateway_bot)
        add("GET", "/applications/@me", self._get_application)
        add("GET", "/oauth2/applications/@me", self._get_application)
        add("GET", "/applications/{app_id}/commands", self._get_commands)
        add("PUT", "/applications/{app_id}/commands", self._put_commands)
        add("GET", "/applications/{app_id}/guilds/{guild_id}/commands", self._get_commands)
        add("PUT", "/applications/{app_id}/guilds/{guild_id}/commands", self._put_commands)

    async def _get_gateway(self, req: Request) -> tuple[int, Any]:
        return 200, {"url": self.ctx.gateway_url()}

    async def _get_gateway_bot(self, req: Request) -> tuple[int, Any]:
        return 200, {
            "url": self.ctx.gateway_url(),
            "shards": self.ctx.shard_count,
            "session_start_limit": {
                "total": 1000,
                "remaining": 999,
                "reset_after": 86_400_000,
                "max_concurrency": 1,
            },
        }

    async def _get_application(self, req: Request) -> tuple[int, Any]:
        state = self.state
        return 200, {
            "id": str(state.application_id),
            "name": state.bot_user.username,
            "icon": None,
            "description": "Muse sandbox application",
            "summary": "",
            "type": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "flags": 0,
            "owner": state.owner.payload(),
            "team": None,
            "bot": state.bot_user.payload(),
            "rpc_origins": [],
            "redirect_uris": [],
            "interactions_endpoint_url": None,
            "approximate_guild_count": len(state.guilds),
            "integration_types_config": {"0": {}},
        }

    def _check_app(self, req: Request) -> int | None:
        if snowflake(req.params["app_id"]) != self.state.application_id:
            raise ApiError(403, 50001, "Missing Access")
        guild_id = req.params.get("guild_id")
        if guild_id is None:
            return None
        if snowflake(guild_id) not in self.state.guilds:
            raise ApiError(403, 50001, "Missing Access")
        return snowflake(guild_id)

    async def _get_commands(self, req: Request) -> tuple[int, Any]:
        guild_id = self._check_app(req)
        scope = (
            self.state.guild_commands.get(guild_id, {})
            if guild_id is not None
            else self.state.global_commands
        )
        return 200, [c.payload() for c in scope.values()]

    async def _put_commands(self, req: Request) -> tuple[int, Any]:
        guild_id = self._check_app(req)
        if not isinstance(req.body, list):
            raise form_error("_root", "Expected an array of commands")
        old = (
            self.state.guild_commands.get(guild_id, {})
            if guild_id is not None
            else self.state.global_commands
        )
        new: dict[str, StoredCommand] = {}
        for definition in req.body:
            name = definition.get("name")
            if not isinstance(name, str) or not re.fullmatch(r"[-_\w]{1,32}", name):
                raise form_error("name", f"Invalid command name {name!r}")
            if name != name.lower():
                raise form_error("name", "Command names must be lower case")
            check_localizations(definition)
            previous = old.get(name)
            new[name] = StoredCommand(
                id=previous.id if previous else self.state.new_id(),
                application_id=self.state.application_id,
                guild_id=guild_id,
                definition=definition,
                version=self.state.new_id(),
            )
        if guild_id is not None:
            self.state.guild_commands[guild_id] = new
        else:
            self.state.global_commands = new
        self.state.commands_synced += 1
        return 200, [c.payload() for c in new.values()]
