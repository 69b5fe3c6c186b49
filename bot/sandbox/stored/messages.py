"""Stored messages, their attachments and edits, and the walk over message components."""

from __future__ import annotations

import mimetypes
import time
from dataclasses import dataclass, field

from ..constants import JSON, MESSAGE_FLAG_EPHEMERAL, MESSAGE_FLAG_LOADING
from ..ids import iso_now
from .people import StoredMember, StoredUser

__all__ = ["MessageEdit", "StoredAttachment", "StoredMessage", "iter_components"]


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
