"""What the outbox posts: a message (text, files, embeds, who it may mention) and its JSON form
in the outbox table (see :mod:`bot.services.outbox`)."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["OutboxFile", "OutboxMessage"]


@dataclass(frozen=True, slots=True)
class OutboxFile:
    filename: str
    data: bytes
    content_type: str = "application/octet-stream"


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    """One message to post. ``ping_user_id`` is the one member it may mention (or nobody);
    ``ping_user_ids`` are more members it may mention (a sprint's writers; at most 100, as
    Discord allows); ``embeds`` are Discord embed objects (plain JSON)."""

    content: str
    ping_user_id: int | None = None
    files: Sequence[OutboxFile] = field(default_factory=tuple)
    embeds: Sequence[dict[str, Any]] = field(default_factory=tuple)
    ping_user_ids: Sequence[int] = field(default_factory=tuple)

    def pinged(self) -> list[int]:
        """Every member the message may mention, each once."""
        users = [] if self.ping_user_id is None else [self.ping_user_id]
        users += [u for u in self.ping_user_ids if u not in users]
        return users[:100]

    def to_json(self) -> dict[str, Any]:
        return {
            "content": self.content,
            "ping": self.ping_user_id,
            "files": [
                {
                    "filename": f.filename,
                    "content_type": f.content_type,
                    "data": base64.b64encode(f.data).decode("ascii"),
                }
                for f in self.files
            ],
            "embeds": list(self.embeds),
            "pings": list(self.ping_user_ids),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OutboxMessage:
        files = tuple(
            OutboxFile(str(f["filename"]), base64.b64decode(f["data"]), str(f["content_type"]))
            for f in data.get("files") or []
        )
        ping = data.get("ping")
        embeds = tuple(dict(e) for e in data.get("embeds") or [])
        pings = tuple(int(u) for u in data.get("pings") or [])
        return cls(
            str(data.get("content") or ""),
            int(ping) if ping is not None else None,
            files,
            embeds,
            pings,
        )
