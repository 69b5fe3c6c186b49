"""Stored application commands and the interactions the sandbox sent to the bot."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..constants import JSON
from .people import StoredUser

__all__ = ["StoredCommand", "StoredInteraction"]


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
