"""A member's data rights over everything Muse stores about them in a server: the export (one
JSON document) and erasure (one transaction across every feature's repository)."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

from bot.clock import Clock
from bot.db.repositories import MemberRepository
from bot.db.repositories.style import StyleRepository
from bot.services.hooks import ErasureHook, MemberData

from .types import DataExport

__all__ = ["MemberRights"]

log = logging.getLogger(__name__)


class MemberRights:
    def __init__(
        self,
        store: StyleRepository,
        members: MemberRepository,
        clock: Clock,
        member_data: Sequence[MemberData],
    ) -> None:
        self._store = store
        self._members = members
        self._clock = clock
        # The container's list: features built after this service append their repositories.
        self._member_data = member_data
        self._erasure_hooks: list[ErasureHook] = []

    def _sources(self) -> list[MemberData]:
        sources = list(self._member_data)
        if self._store not in sources:
            sources.append(self._store)
        if self._members not in sources:
            sources.append(self._members)
        return sources

    async def export(self, guild_id: int, user_id: int) -> DataExport:
        """Everything stored about the member in this server, as a JSON document."""
        sections: dict[str, Any] = {}
        counts: dict[str, int] = {}
        for source in self._sources():
            section = await source.export_member(guild_id, user_id)
            sections[source.data_name] = section
            counts[source.data_name] = sum(
                len(v) if isinstance(v, list) else int(v is not None) for v in section.values()
            )
        document = {
            "format": "muse-member-export/1",
            "guild_id": guild_id,
            "user_id": user_id,
            "exported_at": self._clock.now().isoformat(timespec="seconds"),
            "data": sections,
        }
        data = json.dumps(document, indent=2, ensure_ascii=False, default=str).encode("utf-8")
        return DataExport(f"muse-data-{guild_id}-{user_id}.json", data, counts)

    def add_erasure_hook(self, hook: ErasureHook) -> None:
        """``hook.release_member`` runs before each erasure (features built after this one)."""
        self._erasure_hooks.append(hook)

    async def forget(self, guild_id: int, user_id: int) -> int:
        """Erase everything about the member in this server, in one transaction; returns the
        number of rows removed or anonymised.

        First each feature winds down what it holds for the member (a story turn moves on);
        after the commit, the works index is rebuilt and the WAL checkpointed so the erased
        text is gone from the files on disk too."""
        for hook in self._erasure_hooks:
            await hook.release_member(guild_id, user_id)
        sources = self._sources()
        # One transaction: all of it goes, or (on any error) none of it does.
        sources.sort(key=lambda s: s is self._members)
        changed = 0
        async with self._store.atomic():
            for source in sources:
                changed += await source.erase_member(guild_id, user_id)
        await self._store.scrub_after_erasure()
        log.info("erased member %s in guild %s: %d row(s)", user_id, guild_id, changed)
        return changed
